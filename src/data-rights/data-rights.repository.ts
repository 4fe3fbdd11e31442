import type { Kysely } from 'kysely';
import type {
  Application,
  Appointment,
  Bill,
  Database,
  DataRequest,
  DataRequestStatus,
  Document,
  HelpMessage,
  HelpRequest,
  Payment,
  Permit,
} from '../db/schema.js';

type Db = Kysely<Database>;

// ---- Requests ----------------------------------------------------------------------------------

export async function insertDataRequest(trx: Db, row: DataRequest): Promise<void> {
  await trx.insertInto('data_requests').values(row).execute();
}

/** One person's requests, newest first. */
export async function listRequestsOfUser(db: Db, tenantId: string, userId: string): Promise<DataRequest[]> {
  return db
    .selectFrom('data_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
}

/** A request of the office by id (any person's: the caller decides who may see it). */
export async function findRequest(db: Db, tenantId: string, id: string): Promise<DataRequest | undefined> {
  return db.selectFrom('data_requests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/**
 * The office's correction requests with their requester's name: open ones oldest first (the order to
 * answer them in), or the closed ones newest first; at most `limit`.
 */
export async function listCorrections(db: Db, q: { tenantId: string; open: boolean; limit: number }): Promise<(DataRequest & { requester_name: string })[]> {
  let query = db
    .selectFrom('data_requests')
    .innerJoin('users', 'users.id', 'data_requests.user_id')
    .selectAll('data_requests')
    .select('users.name as requester_name')
    .where('data_requests.tenant_id', '=', q.tenantId)
    .where('data_requests.kind', '=', 'correction');
  query = q.open
    ? query.where('data_requests.status', '=', 'open').orderBy('data_requests.created_at', 'asc')
    : query.where('data_requests.status', '!=', 'open').orderBy('data_requests.resolved_at', 'desc');
  return query.orderBy('data_requests.id').limit(q.limit).execute();
}

/** Closes an open correction request; false when it was not open any more (someone answered it meanwhile). */
export async function closeCorrection(
  trx: Db,
  r: { tenantId: string; id: string; status: Extract<DataRequestStatus, 'corrected' | 'refused'>; resolution: string; by: string; at: string },
): Promise<boolean> {
  const res = await trx
    .updateTable('data_requests')
    .set({ status: r.status, resolution: r.resolution, resolved_by: r.by, resolved_at: r.at, updated_at: r.at })
    .where('tenant_id', '=', r.tenantId)
    .where('id', '=', r.id)
    .where('status', '=', 'open')
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** The requester's name for a request's page (the name on the account, even once erased). */
export async function requesterName(db: Db, tenantId: string, userId: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('name').where('tenant_id', '=', tenantId).where('id', '=', userId).executeTakeFirst();
  return row?.name ?? null;
}

/** An application of this person by its number (a correction about one file). */
export async function findOwnApplicationByNumber(db: Db, tenantId: string, userId: string, number: string): Promise<Application | undefined> {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('applicant_id', '=', userId)
    .where('number', '=', number)
    .executeTakeFirst();
}

/** The numbers of some applications of the office (null: never filed). */
export async function applicationNumbers(db: Db, tenantId: string, ids: readonly string[]): Promise<Map<string, string | null>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  const rows = await db.selectFrom('applications').select(['id', 'number']).where('tenant_id', '=', tenantId).where('id', 'in', unique).execute();
  return new Map(rows.map((a) => [a.id, a.number]));
}

// ---- What the office holds about a person (the export) -----------------------------------------

export async function applicationsOfUser(db: Db, tenantId: string, userId: string): Promise<Application[]> {
  return db
    .selectFrom('applications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('applicant_id', '=', userId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function documentsOfApplications(db: Db, tenantId: string, ids: readonly string[]): Promise<Document[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('documents')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('application_id', 'in', ids)
    .orderBy('application_id')
    .orderBy('requirement_code')
    .orderBy('version')
    .execute();
}

/** The timeline as the applicant reads it: no officer ids. */
export async function eventsOfApplications(
  db: Db,
  tenantId: string,
  ids: readonly string[],
): Promise<
  {
    application_id: string;
    action: string;
    from_state: string | null;
    to_state: string;
    actor_role: string | null;
    reason: string | null;
    created_at: string;
  }[]
> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('application_events')
    .select(['application_id', 'action', 'from_state', 'to_state', 'actor_role', 'reason', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('application_id', 'in', ids)
    .orderBy('application_id')
    .orderBy('position')
    .execute();
}

/** The office's messages to the applicant on their files (internal notes are the office's own). */
export async function messagesToApplicant(
  db: Db,
  tenantId: string,
  ids: readonly string[],
): Promise<{ application_id: string; author_role: string; body: string; created_at: string }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('application_notes')
    .select(['application_id', 'author_role', 'body', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('application_id', 'in', ids)
    .where('kind', '=', 'to_applicant')
    .orderBy('created_at')
    .execute();
}

export async function billsOfApplications(db: Db, tenantId: string, ids: readonly string[]): Promise<Bill[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('bills').selectAll().where('tenant_id', '=', tenantId).where('application_id', 'in', ids).orderBy('issued_at').execute();
}

export async function paymentsOfApplications(db: Db, tenantId: string, ids: readonly string[]): Promise<Payment[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('payments').selectAll().where('tenant_id', '=', tenantId).where('application_id', 'in', ids).orderBy('paid_at').execute();
}

export async function permitsOfApplications(db: Db, tenantId: string, ids: readonly string[]): Promise<Permit[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('permits').selectAll().where('tenant_id', '=', tenantId).where('application_id', 'in', ids).orderBy('issued_at').execute();
}

export async function appointmentsOfUser(db: Db, tenantId: string, userId: string): Promise<Appointment[]> {
  return db.selectFrom('appointments').selectAll().where('tenant_id', '=', tenantId).where('user_id', '=', userId).orderBy('starts_at').execute();
}

/** The queue tickets a person's bookings were checked in with (a walk-in ticket names nobody). */
export async function ticketsOfAppointments(
  db: Db,
  tenantId: string,
  numbers: readonly string[],
): Promise<
  { number: string; appointment_number: string | null; service_code: string; day: string; status: string; issued_at: string; called_at: string | null }[]
> {
  if (numbers.length === 0) return [];
  return db
    .selectFrom('queue_tickets')
    .select(['number', 'appointment_number', 'service_code', 'day', 'status', 'issued_at', 'called_at'])
    .where('tenant_id', '=', tenantId)
    .where('appointment_number', 'in', numbers)
    .orderBy('issued_at')
    .execute();
}

/** The person's contacts with the office that name their account (the channel history's rows). */
export async function contactsOfUser(db: Db, tenantId: string, userId: string): Promise<{ kind: string; channel: string; label: string; at: string }[]> {
  return db
    .selectFrom('contacts')
    .select(['kind', 'channel', 'label', 'at'])
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', userId)
    .orderBy('at')
    .execute();
}

/** The person's help requests and, for each, what they wrote and the office's replies (never its internal notes). */
export async function helpRequestsOfUser(db: Db, tenantId: string, userId: string): Promise<{ request: HelpRequest; messages: HelpMessage[] }[]> {
  const requests = await db
    .selectFrom('help_requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('applicant_id', '=', userId)
    .orderBy('created_at')
    .execute();
  if (requests.length === 0) return [];
  const messages = await db
    .selectFrom('help_messages')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where(
      'request_id',
      'in',
      requests.map((r) => r.id),
    )
    .where('kind', '!=', 'note')
    .orderBy('at')
    .execute();
  return requests.map((request) => ({ request, messages: messages.filter((m) => m.request_id === request.id) }));
}

/**
 * Officers' openings of the person's documents and permit PDFs, as the audit chain recorded them
 * (`document.viewed`, `permit.pdf_opened`), with the officer's role.
 */
export async function officerAccessLog(
  db: Db,
  q: { tenantId: string; documentIds: readonly string[]; permitIds: readonly string[] },
): Promise<{ occurred_at: string; action: string; subject_id: string | null; data: string; role: string | null }[]> {
  const ids = [...q.documentIds, ...q.permitIds];
  if (ids.length === 0) return [];
  return db
    .selectFrom('audit_events')
    .leftJoin('users', 'users.id', 'audit_events.actor_id')
    .select(['audit_events.occurred_at', 'audit_events.action', 'audit_events.subject_id', 'audit_events.data', 'users.role'])
    .where('audit_events.tenant_id', '=', q.tenantId)
    .where('audit_events.action', 'in', ['document.viewed', 'permit.pdf_opened'])
    .where('audit_events.subject_id', 'in', ids)
    .orderBy('audit_events.seq')
    .execute();
}

// ---- Erasure -------------------------------------------------------------------------------------

/**
 * The person's applications that were never filed (no number, never submitted) and that no office
 * record points at (a parcel, a help request, a claim link, a bill, a payment, a permit, a receipt, a correction
 * request): these hold nothing the office must keep, so they can be erased.
 */
export async function erasableDrafts(trx: Db, tenantId: string, userId: string): Promise<{ erasable: Application[]; linked: Application[] }> {
  const never = await trx
    .selectFrom('applications')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('applicant_id', '=', userId)
    .where('submitted_at', 'is', null)
    .where('number', 'is', null)
    .execute();
  if (never.length === 0) return { erasable: [], linked: [] };
  const ids = never.map((a) => a.id);
  const pointed = new Set<string>();
  const collect = (rows: { application_id: string | null }[]) => rows.forEach((r) => r.application_id && pointed.add(r.application_id));
  collect(await trx.selectFrom('parcels').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('help_requests').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('claim_links').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('bills').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('payments').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('permits').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('receipts').select('application_id').where('application_id', 'in', ids).execute());
  collect(await trx.selectFrom('data_requests').select('application_id').where('application_id', 'in', ids).execute());
  return { erasable: never.filter((a) => !pointed.has(a.id)), linked: never.filter((a) => pointed.has(a.id)) };
}

/**
 * Deletes never-filed applications with everything that hangs off them, inside the erasure's
 * transaction; returns the document rows deleted (their files go with the file sweep, which the caller
 * tells through `document.pruned` audit events).
 */
export async function deleteDrafts(trx: Db, tenantId: string, ids: readonly string[]): Promise<Document[]> {
  if (ids.length === 0) return [];
  const docs = await trx.selectFrom('documents').selectAll().where('tenant_id', '=', tenantId).where('application_id', 'in', ids).execute();
  await trx.deleteFrom('documents').where('tenant_id', '=', tenantId).where('application_id', 'in', ids).execute();
  await trx.deleteFrom('application_events').where('tenant_id', '=', tenantId).where('application_id', 'in', ids).execute();
  await trx.deleteFrom('application_notes').where('tenant_id', '=', tenantId).where('application_id', 'in', ids).execute();
  await trx.deleteFrom('sla_alerts').where('application_id', 'in', ids).execute();
  await trx.deleteFrom('application_fee_coefficients').where('application_id', 'in', ids).execute();
  await trx.deleteFrom('notifications').where('tenant_id', '=', tenantId).where('application_id', 'in', ids).execute();
  await trx.deleteFrom('contacts').where('tenant_id', '=', tenantId).where('kind', '=', 'application').where('ref_id', 'in', ids).execute();
  await trx.deleteFrom('applications').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
  return docs;
}

/**
 * What the account itself holds beyond what kept records need: contact addresses, identity numbers,
 * password, second factor, message preferences. The row stays (kept files, the audit chain and the
 * request point at its id) with a neutral name, disabled, so nobody signs in with it again. The
 * consent (which notice, when) stays: it is the office's proof the processing was lawful.
 */
export async function anonymiseUser(trx: Db, u: { tenantId: string; userId: string; name: string; passwordHash: string; now: string }): Promise<void> {
  await trx
    .updateTable('users')
    .set({
      name: u.name,
      email: null,
      phone: null,
      nik_encrypted: null,
      nik_index: null,
      passport_encrypted: null,
      stay_permit_encrypted: null,
      nationality: null,
      password_hash: u.passwordHash,
      email_verified_at: null,
      phone_verified_at: null,
      nik_attempt_notified_at: null,
      totp_secret_encrypted: null,
      totp_enabled_at: null,
      totp_last_step: null,
      code_requested_at: null,
      message_language: null,
      message_channel: null,
      disabled_at: u.now,
      updated_at: u.now,
    })
    .where('tenant_id', '=', u.tenantId)
    .where('id', '=', u.userId)
    .execute();
}

/** Sessions, one-time codes and the messages about the account itself (codes, notices) go; returns how many sessions. */
export async function deleteAccountTraces(trx: Db, tenantId: string, userId: string): Promise<{ sessions: number; messages: number }> {
  const sessions = await trx.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  await trx.deleteFrom('one_time_codes').where('tenant_id', '=', tenantId).where('user_id', '=', userId).execute();
  const messages = await trx
    .deleteFrom('notifications')
    .where('tenant_id', '=', tenantId)
    .where('recipient_user_id', '=', userId)
    .where('application_id', 'is', null)
    .executeTakeFirst();
  return { sessions: Number(sessions.numDeletedRows), messages: Number(messages.numDeletedRows) };
}

/** Counts of what stays for the erasure's outcome. */
export async function keptCounts(
  trx: Db,
  tenantId: string,
  userId: string,
): Promise<{ applications: number; permits: number; bills: number; payments: number; appointments: number; helpRequests: number }> {
  const count = async (q: Promise<{ n: number | string | bigint } | undefined>) => Number((await q)?.n ?? 0);
  const apps = trx.selectFrom('applications').select('id').where('tenant_id', '=', tenantId).where('applicant_id', '=', userId);
  return {
    applications: await count(
      trx
        .selectFrom('applications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('applicant_id', '=', userId)
        .executeTakeFirst(),
    ),
    permits: await count(
      trx
        .selectFrom('permits')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('application_id', 'in', apps)
        .executeTakeFirst(),
    ),
    bills: await count(
      trx
        .selectFrom('bills')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('application_id', 'in', apps)
        .executeTakeFirst(),
    ),
    payments: await count(
      trx
        .selectFrom('payments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('application_id', 'in', apps)
        .executeTakeFirst(),
    ),
    appointments: await count(
      trx
        .selectFrom('appointments')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('user_id', '=', userId)
        .executeTakeFirst(),
    ),
    helpRequests: await count(
      trx
        .selectFrom('help_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('applicant_id', '=', userId)
        .executeTakeFirst(),
    ),
  };
}
