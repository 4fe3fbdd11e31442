import type { Insertable, Kysely, Selectable } from 'kysely';
import type { ApplicationNotesTable, Database } from '../db/schema.js';

export type Note = Selectable<ApplicationNotesTable>;

export async function insertNote(trx: Kysely<Database>, note: Insertable<ApplicationNotesTable>): Promise<void> {
  await trx.insertInto('application_notes').values(note).execute();
}

/** The notes on one application, oldest first; `messagesOnly` leaves out the staff's internal notes. */
export async function listNotes(db: Kysely<Database>, tenantId: string, applicationId: string, opts: { messagesOnly: boolean }): Promise<Note[]> {
  let q = db.selectFrom('application_notes').selectAll().where('tenant_id', '=', tenantId).where('application_id', '=', applicationId);
  if (opts.messagesOnly) q = q.where('kind', '=', 'to_applicant');
  return q.orderBy('created_at').orderBy('id').execute();
}
