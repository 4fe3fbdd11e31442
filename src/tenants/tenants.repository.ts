import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { GENESIS_HASH } from '../audit/audit.repository.js';
import type { Database, Tenant } from '../db/schema.js';
import { parseJsonColumn } from '../shared/json.js';

export type TenantBranding = { logoText?: string; primaryColour?: string; address?: string; phone?: string; email?: string } & OfficeHelpContacts;
/** The office's public help contacts (settings.service.ts checks them): WhatsApp as 628…, handles without @, opening hours as text. */
export type OfficeHelpContacts = { whatsapp?: string; instagram?: string; facebook?: string; hours?: string };

const hostnamesSchema = z.array(z.string());
const brandingSchema = z.object({
  logoText: z.string().optional(),
  primaryColour: z.string().optional(),
  address: z.string().optional(),
  phone: z.string().optional(),
  email: z.string().optional(),
  whatsapp: z.string().optional(),
  instagram: z.string().optional(),
  facebook: z.string().optional(),
  hours: z.string().optional(),
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

/** Creates a tenant with the head of its audit chain, in one transaction; returns the row as stored. */
export async function insertTenant(
  db: Kysely<Database>,
  input: { code: string; name: string; timeZone: string; hostnames: string[]; branding: TenantBranding; now: string },
): Promise<Tenant> {
  return db.transaction().execute((trx) => insertTenantRows(trx, input));
}

/** The rows of a new tenant (itself and the head of its audit chain), inside the caller's transaction. */
export async function insertTenantRows(
  trx: Kysely<Database>,
  input: { code: string; name: string; timeZone: string; hostnames: string[]; branding: TenantBranding; now: string },
): Promise<Tenant> {
  const id = randomUUID();
  await trx
    .insertInto('tenants')
    .values({
      id,
      code: input.code,
      name: input.name,
      time_zone: input.timeZone,
      hostnames: JSON.stringify(input.hostnames.map((h) => h.toLowerCase())),
      branding: JSON.stringify(input.branding),
      created_at: input.now,
    })
    .execute();
  await trx.insertInto('audit_heads').values({ tenant_id: id, seq: 0, head_hash: GENESIS_HASH }).execute();
  return trx.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
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

/** The code of the office that answers to this host name, if any (host names are kept lower-case). */
export async function officeUsingHost(db: Kysely<Database>, host: string): Promise<string | undefined> {
  const rows = await db.selectFrom('tenants').select(['code', 'hostnames']).execute();
  return rows.find((r) => tenantHostnames(r).includes(host.toLowerCase()))?.code;
}

/**
 * Records that the office adopted a catalogue release: only when it is newer than the one adopted
 * (or `force`, for an office with no catalogue at all). The conditional update takes the row's lock,
 * so of two instances starting at once one adopts the release and the other finds it adopted.
 */
export async function claimCatalogueRelease(db: Kysely<Database>, q: { tenantId: string; release: number; force: boolean }): Promise<boolean> {
  let update = db.updateTable('tenants').set({ catalogue_release: q.release }).where('id', '=', q.tenantId);
  if (!q.force) update = update.where((eb) => eb.or([eb('catalogue_release', 'is', null), eb('catalogue_release', '<', q.release)]));
  const res = await update.executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Every office with the number of its staff accounts (everyone but applicants), for npm run office:list. */
export async function listOfficesWithStaffCount(db: Kysely<Database>): Promise<(Tenant & { staff: number })[]> {
  const rows = await db
    .selectFrom('tenants')
    .selectAll('tenants')
    .select((eb) =>
      eb
        .selectFrom('users')
        .select((u) => u.fn.countAll<number>().as('n'))
        .whereRef('users.tenant_id', '=', 'tenants.id')
        .where('users.role', '!=', 'applicant')
        .as('staff'),
    )
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ ...r, staff: Number(r.staff ?? 0) }));
}
