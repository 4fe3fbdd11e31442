import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

/** The audit events of an officer opening personal documents (LAW-4): what a document breach puts in scope. */
export const DOCUMENT_ACCESS_ACTIONS = ['document.viewed', 'permit.pdf_opened', 'parcel.photo_opened'] as const;

/** A person as the rows that hold them give them: an account, or the name and contact on a file, booking or message. */
export type SubjectRow = {
  userId: string | null;
  name: string | null;
  email: string | null;
  phone: string | null;
  /** A contact written by hand (applicant_contact, a help-desk handle, a parcel sender's contact). */
  contact: string | null;
  nikEncrypted: string | null;
  /** Stored answers (JSON) of an application, where a NIK typed into the form is kept sealed. */
  answers: string | null;
  /** A document row: its requirement code, which says what the scan holds (kk: children's data). */
  requirementCode?: string;
};

/** Officers' openings of personal documents at an office between two instants (inclusive), oldest first. */
export async function documentAccessEvents(db: Kysely<Database>, tenantId: string, from: string, to: string) {
  return db
    .selectFrom('audit_events')
    .select(['id', 'action', 'subject_id', 'actor_id', 'occurred_at'])
    .where('tenant_id', '=', tenantId)
    .where('action', 'in', [...DOCUMENT_ACCESS_ACTIONS])
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<=', to)
    .orderBy('seq')
    .execute();
}

export async function documentsByIds(db: Kysely<Database>, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('documents').select(['id', 'application_id', 'requirement_code']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
}

export async function permitsByIds(db: Kysely<Database>, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('permits').select(['id', 'application_id']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
}

export async function parcelsByIds(db: Kysely<Database>, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectFrom('parcels')
    .select(['id', 'application_id', 'sender_name', 'sender_contact'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', ids)
    .execute();
}

/** Applications with their applicant's account (when there is one). */
export async function applicantsOf(db: Kysely<Database>, tenantId: string, applicationIds: string[]): Promise<(SubjectRow & { applicationId: string })[]> {
  if (!applicationIds.length) return [];
  const rows = await db
    .selectFrom('applications as a')
    .leftJoin('users as u', 'u.id', 'a.applicant_id')
    .select([
      'a.id as applicationId',
      'a.applicant_id',
      'a.applicant_name',
      'a.applicant_contact',
      'a.answers',
      'u.name',
      'u.email',
      'u.phone',
      'u.nik_encrypted',
    ])
    .where('a.tenant_id', '=', tenantId)
    .where('a.id', 'in', applicationIds)
    .execute();
  return rows.map((r) => ({
    applicationId: r.applicationId,
    userId: r.applicant_id,
    name: r.name ?? r.applicant_name,
    email: r.email,
    phone: r.phone,
    contact: r.applicant_contact,
    nikEncrypted: r.nik_encrypted,
    answers: r.answers,
  }));
}

const none = { userId: null, name: null, email: null, phone: null, contact: null, nikEncrypted: null, answers: null } satisfies SubjectRow;

/**
 * The people in one table of an office, as its rows existing at `to` name them. One reader per table
 * that holds people: the tables `npm run breach:report -- --tables` accepts.
 */
export const SUBJECT_TABLES = {
  users: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('users')
      .select(['id', 'name', 'email', 'phone', 'nik_encrypted'])
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, userId: r.id, name: r.name, email: r.email, phone: r.phone, nikEncrypted: r.nik_encrypted }))),
  applications: async (db: Kysely<Database>, tenantId: string, to: string) => {
    const ids = await db.selectFrom('applications').select('id').where('tenant_id', '=', tenantId).where('created_at', '<=', to).execute();
    return applicantsOf(
      db,
      tenantId,
      ids.map((r) => r.id),
    );
  },
  documents: async (db: Kysely<Database>, tenantId: string, to: string) => {
    const docs = await db
      .selectFrom('documents')
      .select(['application_id', 'requirement_code'])
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<=', to)
      .execute();
    const applicants = new Map((await applicantsOf(db, tenantId, [...new Set(docs.map((d) => d.application_id))])).map((a) => [a.applicationId, a]));
    return docs.flatMap((d): SubjectRow[] => {
      const a = applicants.get(d.application_id);
      return a ? [{ ...a, requirementCode: d.requirement_code }] : [];
    });
  },
  appointments: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('appointments')
      .select(['user_id', 'name', 'phone'])
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, userId: r.user_id, name: r.name, phone: r.phone }))),
  help_requests: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('help_requests')
      .select(['applicant_id', 'name', 'handle'])
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, userId: r.applicant_id, name: r.name, contact: r.handle }))),
  whatsapp_inbound: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('whatsapp_inbound')
      .select(['sender', 'sender_name'])
      .where('tenant_id', '=', tenantId)
      .where('received_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, name: r.sender_name, phone: r.sender }))),
  contacts: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('contacts')
      .select(['user_id', 'phone', 'email'])
      .where('tenant_id', '=', tenantId)
      .where('at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, userId: r.user_id, phone: r.phone, email: r.email }))),
  parcels: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('parcels')
      .select(['sender_name', 'sender_contact'])
      .where('tenant_id', '=', tenantId)
      .where('direction', '=', 'in')
      .where('created_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, name: r.sender_name, contact: r.sender_contact }))),
  payments: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('payments')
      .select(['payer_name'])
      .where('tenant_id', '=', tenantId)
      .where('payer_name', 'is not', null)
      .where('received_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, name: r.payer_name }))),
  notifications: (db: Kysely<Database>, tenantId: string, to: string) =>
    db
      .selectFrom('notifications')
      .select(['recipient_user_id', 'recipient'])
      .where('tenant_id', '=', tenantId)
      .where('created_at', '<=', to)
      .execute()
      .then((rs) => rs.map((r): SubjectRow => ({ ...none, userId: r.recipient_user_id, contact: r.recipient }))),
} as const satisfies Record<string, (db: Kysely<Database>, tenantId: string, to: string) => Promise<SubjectRow[]>>;

export type SubjectTable = keyof typeof SUBJECT_TABLES;

/** The accounts by id (name, contacts, sealed NIK), to complete a subject a row knows only by its user id. */
export async function usersByIds(db: Kysely<Database>, tenantId: string, ids: string[]) {
  if (!ids.length) return [];
  return db.selectFrom('users').select(['id', 'name', 'email', 'phone', 'nik_encrypted']).where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
}

/** Records that a breach report was made (the procedure's "record" step, docs/breach.md), in the office's audit chain. */
export { appendAudit } from '../audit/audit.repository.js';
