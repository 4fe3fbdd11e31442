import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema.js';
import { ROLES } from '../workflow/workflow.schema.js';

const colleagueSchema = z.object({ id: z.string(), name: z.string(), role: z.enum(ROLES).exclude(['applicant']) });
/** A member of the office's staff who can be given work: signed up, not an applicant, not disabled. */
export type Colleague = z.infer<typeof colleagueSchema>;

/** The office's active staff, by name: who a file can be handed to, who can go on a site visit. */
export async function listColleagues(db: Kysely<Database>, tenantId: string): Promise<Colleague[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'name', 'role'])
    .where('tenant_id', '=', tenantId)
    .where('role', '!=', 'applicant')
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .execute();
  return rows.map((r) => colleagueSchema.parse(r));
}

/** One active member of the office's staff, or undefined (an applicant, a disabled account, another office's). */
export async function findColleague(db: Kysely<Database>, tenantId: string, userId: string): Promise<Colleague | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['id', 'name', 'role'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', userId)
    .where('role', '!=', 'applicant')
    .where('disabled_at', 'is', null)
    .executeTakeFirst();
  return row && colleagueSchema.parse(row);
}
