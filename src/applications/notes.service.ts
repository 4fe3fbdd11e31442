import { randomUUID } from 'node:crypto';
import { can, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { ApplicationNotesTable } from '../db/schema.js';
import { enqueue } from '../outbox/outbox.repository.js';
import { AppError } from '../shared/errors.js';
import { type Clock, isoNow } from '../shared/time.js';
import { findApplication } from './applications.repository.js';
import { insertNote, listNotes as findNotes, type Note } from './notes.repository.js';

/** Notes on an application: internal ones among staff, and messages the applicant reads (and is notified of). */
export function createNoteService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function load(actor: Actor, applicationId: string) {
    const app = await findApplication(db, actor.tenantId, applicationId);
    if (!app) throw new AppError('not_found', 'application not found or not visible');
    return app;
  }

  async function addNote(input: { actor: Actor; applicationId: string; kind: ApplicationNotesTable['kind']; body: string }): Promise<void> {
    const { actor } = input;
    // Refused as a role first, so an applicant learns nothing about which files exist.
    requireAccess({ actor, permission: 'note.add', resource: { tenantId: actor.tenantId } });
    const app = await load(actor, input.applicationId);
    requireAccess({ actor, permission: 'note.add', resource: { application: app } });
    const body = input.body.trim();
    if (!body) throw new AppError('invalid_input', 'empty note', { fields: [{ field: 'body', code: 'required', message: 'required' }] });
    const now = isoNow(clock);
    await db.transaction().execute(async (trx) => {
      await insertNote(trx, {
        id: randomUUID(),
        tenant_id: app.tenant_id,
        application_id: app.id,
        kind: input.kind,
        author_id: actor.userId,
        author_role: actor.role,
        body,
        created_at: now,
      });
      await appendAudit(trx, {
        tenantId: app.tenant_id,
        actorId: actor.userId,
        action: input.kind === 'internal' ? 'application.note_added' : 'application.message_sent',
        subjectType: 'application',
        subjectId: app.id,
        occurredAt: now,
      });
      if (input.kind === 'to_applicant' && app.applicant_id) {
        await enqueue(trx, { tenantId: app.tenant_id, now, message: { topic: 'notify.message', applicationId: app.id, userId: app.applicant_id } });
      }
    });
  }

  /** Staff see every note; the applicant sees only the messages addressed to them. */
  async function listNotes(input: { actor: Actor; applicationId: string }): Promise<Note[]> {
    const { actor } = input;
    const app = await load(actor, input.applicationId);
    const resource = { application: app };
    requireAccess({ actor, permission: 'application.read', resource });
    return findNotes(db, app.tenant_id, app.id, { messagesOnly: !can(actor, 'note.readInternal', resource) });
  }

  return { addNote, listNotes };
}
export type NoteService = ReturnType<typeof createNoteService>;
