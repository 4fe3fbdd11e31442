import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { GENESIS_HASH } from '../audit/audit.repository.js';
import type { Database, Tenant } from '../db/schema.js';

export type TenantBranding = { logoText?: string; primaryColour?: string; address?: string; phone?: string; email?: string };

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
