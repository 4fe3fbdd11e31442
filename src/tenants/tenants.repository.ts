import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { GENESIS_HASH } from '../audit/audit.repository.js';
import type { Database, Tenant } from '../db/schema.js';
import { parseJsonColumn } from '../shared/json.js';

export type TenantBranding = { logoText?: string; primaryColour?: string; address?: string; phone?: string; email?: string };

const hostnamesSchema = z.array(z.string());
const brandingSchema = z.object({
  logoText: z.string().optional(),
  primaryColour: z.string().optional(),
  address: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
});

/** A tenants row's host names (a JSON array of lower-case names); a malformed value is a broken row and throws. */
export function tenantHostnames(tenant: Pick<Tenant, 'hostnames'>): string[] {
  return hostnamesSchema.parse(JSON.parse(tenant.hostnames));
}

/** A tenants row's branding; anything unreadable counts as no branding (the office's pages still render). */
export function tenantBranding(tenant: Pick<Tenant, 'branding'>): TenantBranding {
  const parsed = brandingSchema.safeParse(parseJsonColumn(tenant.branding));
  if (!parsed.success) return {};
  const branding: TenantBranding = {};
  for (const [k, v] of Object.entries(parsed.data)) if (v !== undefined) branding[k as keyof TenantBranding] = v;
  return branding;
}

export async function findTenantByCode(db: Kysely<Database>, code: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function findTenantById(db: Kysely<Database>, id: string): Promise<Tenant | undefined> {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listTenants(db: Kysely<Database>): Promise<Tenant[]> {
  return db.selectFrom('tenants').selectAll().orderBy('code').execute();
}

/** Creates a tenant with the head of its audit chain, in one transaction. */
export async function insertTenant(
  db: Kysely<Database>,
  input: { code: string; name: string; timeZone: string; hostnames: string[]; branding: TenantBranding; now: string },
): Promise<Tenant> {
  const tenant: Tenant = {
    id: randomUUID(),
    code: input.code,
    name: input.name,
    time_zone: input.timeZone,
    hostnames: JSON.stringify(input.hostnames.map((h) => h.toLowerCase())),
    branding: JSON.stringify(input.branding),
    created_at: input.now,
  };
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('tenants').values(tenant).execute();
    await trx.insertInto('audit_heads').values({ tenant_id: tenant.id, seq: 0, head_hash: GENESIS_HASH }).execute();
  });
  return tenant;
}

/** How many applications an office holds (to decide whether demo data is due). */
export async function countOfficeApplications(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db
    .selectFrom('applications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
