import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** Whether the overdue scan (src/sla/overdue.job.ts) has told the office that this file is late. */
export async function officeToldOfLateness(db: Kysely<Database>, tenantId: string, applicationId: string): Promise<boolean> {
  const row = await db
    .selectFrom('sla_alerts')
    .select('application_id')
    .where('tenant_id', '=', tenantId)
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  return row !== undefined;
}
