import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { tenantHostnames } from './tenants.repository.js';

/** Host names claimed by every office except one, to keep each host name pointing at one office. */
export async function otherOfficesHostnames(db: Kysely<Database>, tenantId: string): Promise<{ code: string; hostnames: string[] }[]> {
  const rows = await db.selectFrom('tenants').select(['code', 'hostnames']).where('id', '!=', tenantId).execute();
  return rows.map((r) => ({ code: r.code, hostnames: tenantHostnames(r) }));
}

export async function updateTenantSettings(
  db: Kysely<Database>,
  q: { tenantId: string; name: string; timeZone: string; hostnames: string; branding: string },
): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ name: q.name, time_zone: q.timeZone, hostnames: q.hostnames, branding: q.branding })
    .where('id', '=', q.tenantId)
    .execute();
}
