import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { ClaimLink, Database, HelpChannel, HelpMessage, HelpRequest, HelpStatus } from '../db/schema.js';

type Db = Kysely<Database>;

export async function insertHelpRequest(trx: Db, row: HelpRequest): Promise<void> {
  await trx.insertInto('help_requests').values(row).execute();
}

/**
 * A sender's new WhatsApp request unless one is open already; true if this call inserted it. The partial
 * unique index (one open WhatsApp request per sender) decides, so two messages racing on PostgreSQL make
 * one request: the second insert waits for the first to commit, then does nothing.
 */
export async function insertWhatsAppRequestOnce(trx: Db, row: HelpRequest): Promise<boolean> {
  const res = await trx
    .insertInto('help_requests')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'handle']).where(sql.ref('channel'), '=', sql.lit('whatsapp')).where(sql.ref('status'), '<>', sql.lit('closed')).doNothing(),
    )
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0) === 1;
}

export async function insertHelpMessage(trx: Db, row: HelpMessage): Promise<void> {
  await trx.insertInto('help_messages').values(row).execute();
}

export async function findHelpRequest(db: Db, tenantId: string, id: string): Promise<HelpRequest | undefined> {
  return db.selectFrom('help_requests').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** The sender's request that is still open (not closed) on this channel, newest first: a new message joins it. */
export async function findOpenRequestOf(db: Db, q: { tenantId: string; channel: HelpChannel; handle: string }): Promise<HelpRequest | undefined> {
  return db
    .selectFrom('help_requests')
    .selectAll()
    .where('tenant_id', '=', q.tenantId)
    .where('channel', '=', q.channel)
    .where('handle', '=', q.handle)
    .where('status', '!=', 'closed')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

export async function listHelpMessages(db: Db, tenantId: string, requestId: string): Promise<HelpMessage[]> {
  return db.selectFrom('help_messages').selectAll().where('tenant_id', '=', tenantId).where('request_id', '=', requestId).orderBy('at').orderBy('id').execute();
}

export async function findHelpMessage(db: Db, tenantId: string, id: string): Promise<HelpMessage | undefined> {
  return db.selectFrom('help_messages').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

/** Changes a request loaded at `revision`; false when someone changed it meanwhile (optimistic lock). */
export async function updateHelpRequest(
  trx: Db,
  id: string,
  revision: number,
  set: Partial<Omit<HelpRequest, 'id' | 'tenant_id' | 'revision'>>,
): Promise<boolean> {
  const res = await trx
    .updateTable('help_requests')
    .set({ ...set, revision: revision + 1 })
    .where('id', '=', id)
    .where('revision', '=', revision)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export type HelpRequestFilters = { status?: HelpStatus | undefined; assigneeId?: string | undefined; page: number; pageSize: number };

/**
 * The help desk's list, paged in SQL: overdue requests first (no first answer yet and the due date
 * before the office's today), then the others still waiting for a first answer by due date, then the
 * rest newest first. Closed requests only when asked for by status.
 */
export async function searchHelpRequests(db: Db, tenantId: string, today: string, f: HelpRequestFilters): Promise<{ rows: HelpRequest[]; total: number }> {
  const base = db
    .selectFrom('help_requests')
    .where('tenant_id', '=', tenantId)
    .$if(f.status !== undefined, (q) => q.where('status', '=', f.status!))
    .$if(f.status === undefined, (q) => q.where('status', '!=', 'closed'))
    .$if(f.assigneeId !== undefined, (q) => q.where('assignee_id', '=', f.assigneeId!));
  const waiting = sql<number>`case when first_response_at is null and status <> 'closed' then 0 else 1 end`;
  const overdue = sql<number>`case when first_response_at is null and status <> 'closed' and first_response_due_on < ${today} then 0 else 1 end`;
  const [rows, count] = await Promise.all([
    base
      .selectAll()
      .orderBy(overdue)
      .orderBy(waiting)
      .orderBy(sql`case when first_response_at is null then first_response_due_on else '' end`)
      .orderBy('updated_at', 'desc')
      .orderBy('id')
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize)
      .execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The office's staff who may work the help desk (front desk, admin), for the assignee choice. */
export async function listHelpdeskStaff(db: Db, tenantId: string): Promise<{ id: string; name: string; role: string }[]> {
  return db
    .selectFrom('users')
    .select(['id', 'name', 'role'])
    .where('tenant_id', '=', tenantId)
    .where('role', 'in', ['front_desk', 'admin'])
    .where('disabled_at', 'is', null)
    .orderBy('name')
    .execute();
}

export async function insertClaimLink(trx: Db, row: ClaimLink): Promise<void> {
  await trx.insertInto('claim_links').values(row).execute();
}

export async function findClaimLinkById(db: Db, tenantId: string, id: string): Promise<ClaimLink | undefined> {
  return db.selectFrom('claim_links').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
}

export async function findClaimLinkByHash(db: Db, tenantId: string, tokenHash: string): Promise<ClaimLink | undefined> {
  return db.selectFrom('claim_links').selectAll().where('tenant_id', '=', tenantId).where('token_hash', '=', tokenHash).executeTakeFirst();
}

/** Writes the token's hash once (the message composing it); false if it already has one. */
export async function setClaimLinkHash(trx: Db, id: string, tokenHash: string): Promise<boolean> {
  const res = await trx.updateTable('claim_links').set({ token_hash: tokenHash }).where('id', '=', id).where('token_hash', 'is', null).executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Uses a link: one conditional update, so of two tabs claiming at once one wins. */
export async function useClaimLink(trx: Db, q: { id: string; userId: string; now: string }): Promise<boolean> {
  const res = await trx
    .updateTable('claim_links')
    .set({ used_at: q.now, used_by: q.userId })
    .where('id', '=', q.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', q.now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

export async function claimLinksOfRequest(db: Db, tenantId: string, requestId: string): Promise<ClaimLink[]> {
  return db.selectFrom('claim_links').selectAll().where('tenant_id', '=', tenantId).where('request_id', '=', requestId).orderBy('created_at').execute();
}

/** A citizen's new message on a request: its time (the WhatsApp window), and back to `new` if the office had answered. */
export async function touchOnInbound(trx: Db, id: string, q: { at: string; reopen: boolean }): Promise<void> {
  await trx
    .updateTable('help_requests')
    .set((eb) => ({
      last_inbound_at: q.at,
      updated_at: q.at,
      revision: eb('revision', '+', 1),
      ...(q.reopen ? { status: 'new' as const } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

/** The citizen who claimed the request's draft becomes its applicant, if it had none. */
export async function setRequestApplicant(trx: Db, q: { id: string; userId: string; now: string }): Promise<void> {
  await trx
    .updateTable('help_requests')
    .set((eb) => ({ applicant_id: q.userId, updated_at: q.now, revision: eb('revision', '+', 1) }))
    .where('id', '=', q.id)
    .where('applicant_id', 'is', null)
    .execute();
}
