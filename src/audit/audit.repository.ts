import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AuditEventsTable, Database } from '../db/schema.js';
import { sha256Hex } from '../shared/crypto.js';
import { canonicalJson } from '../shared/json.js';

export const GENESIS_HASH = '0'.repeat(64);

export type AuditInput = {
  tenantId: string;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  data?: Record<string, unknown>;
  occurredAt: string;
};

/** The hash of one event: it covers the previous hash, so editing, removing or reordering breaks the chain. */
export function auditEventHash(
  prevHash: string,
  e: {
    id: string;
    tenant_id: string;
    seq: number;
    occurred_at: string;
    actor_id: string | null;
    action: string;
    subject_type: string;
    subject_id: string | null;
    data: string;
  },
): string {
  return sha256Hex(
    prevHash +
      canonicalJson({
        id: e.id,
        tenant_id: e.tenant_id,
        seq: e.seq,
        occurred_at: e.occurred_at,
        actor_id: e.actor_id,
        action: e.action,
        subject_type: e.subject_type,
        subject_id: e.subject_id,
        data: e.data,
      }),
  );
}

/**
 * Appends an event to the tenant's hash chain. Call it inside the transaction that makes the change:
 * the UPDATE on audit_heads locks the tenant's chain head, so concurrent transactions append in turn.
 * Returns the new event's id (a signed status statement names the event it was recorded as).
 */
export async function appendAudit(trx: Kysely<Database>, input: AuditInput): Promise<string> {
  const head = await trx
    .updateTable('audit_heads')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('tenant_id', '=', input.tenantId)
    .returning(['seq', 'head_hash'])
    .executeTakeFirstOrThrow();
  const row = {
    id: randomUUID(),
    tenant_id: input.tenantId,
    seq: Number(head.seq),
    occurred_at: input.occurredAt,
    actor_id: input.actorId,
    action: input.action,
    subject_type: input.subjectType,
    subject_id: input.subjectId,
    data: canonicalJson(input.data ?? {}),
  };
  const hash = auditEventHash(head.head_hash, row);
  await trx
    .insertInto('audit_events')
    .values({ ...row, prev_hash: head.head_hash, hash })
    .execute();
  await trx.updateTable('audit_heads').set({ head_hash: hash }).where('tenant_id', '=', input.tenantId).execute();
  return row.id;
}

// ---- Reading the chain back (audit.verify.ts, audit.checkpoints.ts) ----

/** An audit row as stored (the table's own type, so the two cannot drift apart), seq as a number. */
export type AuditEventRow = Selectable<AuditEventsTable>;

const EVENT_COLUMNS = ['id', 'tenant_id', 'seq', 'occurred_at', 'actor_id', 'action', 'subject_type', 'subject_id', 'data', 'prev_hash', 'hash'] as const;

function eventRow(r: AuditEventRow): AuditEventRow {
  // PostgreSQL bigint arrives as a number (see db/database.ts), but a foreign Kysely instance may give a string.
  return { ...r, seq: Number(r.seq) };
}

/** Offices by id with their code (one, if tenantId is given). */
export async function listAuditTenants(db: Kysely<Database>, tenantId?: string): Promise<{ id: string; code: string }[]> {
  let q = db.selectFrom('tenants').select(['id', 'code']).orderBy('code');
  if (tenantId !== undefined) q = q.where('id', '=', tenantId);
  return q.execute();
}

/** Tenant ids that have a chain head (one, if tenantId is given): a deleted office's head is checked too. */
export async function listHeadTenantIds(db: Kysely<Database>, tenantId?: string): Promise<string[]> {
  let q = db.selectFrom('audit_heads').select('tenant_id');
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  return (await q.execute()).map((r) => r.tenant_id);
}

/** Tenant ids that have audit events (one, if tenantId is given). */
export async function listEventTenantIds(db: Kysely<Database>, tenantId?: string): Promise<string[]> {
  let q = db.selectFrom('audit_events').select('tenant_id').distinct();
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  return (await q.execute()).map((r) => r.tenant_id);
}

export async function countAuditEvents(db: Kysely<Database>, tenantId: string): Promise<number> {
  const { n } = await db
    .selectFrom('audit_events')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('tenant_id', '=', tenantId)
    .executeTakeFirstOrThrow();
  return Number(n);
}

export async function findAuditHead(db: Kysely<Database>, tenantId: string): Promise<{ seq: number; head_hash: string } | undefined> {
  const head = await db.selectFrom('audit_heads').select(['seq', 'head_hash']).where('tenant_id', '=', tenantId).executeTakeFirst();
  return head && { seq: Number(head.seq), head_hash: head.head_hash };
}

/** The first stored event at (`=`) or after (`>=`) a seq, in (seq, id) order. */
export async function findEventAtSeq(db: Kysely<Database>, tenantId: string, seq: number, op: '=' | '>='): Promise<AuditEventRow | null> {
  const r = await db
    .selectFrom('audit_events')
    .select(EVENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('seq', op, seq)
    .orderBy('seq')
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return r ? eventRow(r) : null;
}

/** The earliest event (by seq) with this hash. hash has no index: a scan of the office's events. */
export async function findEventByHash(db: Kysely<Database>, tenantId: string, hash: string): Promise<AuditEventRow | null> {
  const r = await db
    .selectFrom('audit_events')
    .select(EVENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('hash', '=', hash)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst();
  return r ? eventRow(r) : null;
}

/** A page of events in (seq, id) order after the cursor (from the start without one). */
export async function listEventsAfter(
  db: Kysely<Database>,
  tenantId: string,
  after: { seq: number; id: string } | null,
  limit: number,
): Promise<AuditEventRow[]> {
  let q = db.selectFrom('audit_events').select(EVENT_COLUMNS).where('tenant_id', '=', tenantId);
  if (after) q = q.where((eb) => eb.or([eb('seq', '>', after.seq), eb.and([eb('seq', '=', after.seq), eb('id', '>', after.id)])]));
  return (await q.orderBy('seq').orderBy('id').limit(limit).execute()).map(eventRow);
}

/** Events with seq in [from, to], in seq order, at most `limit`. */
export async function listEventsBetween(db: Kysely<Database>, tenantId: string, from: number, to: number, limit: number): Promise<AuditEventRow[]> {
  const rows = await db
    .selectFrom('audit_events')
    .select(EVENT_COLUMNS)
    .where('tenant_id', '=', tenantId)
    .where('seq', '>=', from)
    .where('seq', '<=', to)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(eventRow);
}

/** The (seq, hash) of the stored events at these seqs (more than one per seq if the chain was tampered with). */
export async function listEventHashesAt(db: Kysely<Database>, tenantId: string, seqs: readonly number[]): Promise<{ seq: number; hash: string }[]> {
  if (seqs.length === 0) return [];
  const rows = await db.selectFrom('audit_events').select(['seq', 'hash']).where('tenant_id', '=', tenantId).where('seq', 'in', seqs).execute();
  return rows.map((r) => ({ seq: Number(r.seq), hash: r.hash }));
}

// ---- Signed checkpoints ----

export type CheckpointRow = Database['audit_checkpoints'];

export async function findLastCheckpoint(db: Kysely<Database>, tenantId: string): Promise<{ seq: number; head_hash: string } | undefined> {
  const last = await db
    .selectFrom('audit_checkpoints')
    .select(['seq', 'head_hash'])
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last && { seq: Number(last.seq), head_hash: last.head_hash };
}

export async function insertCheckpoint(db: Kysely<Database>, row: CheckpointRow): Promise<void> {
  await db.insertInto('audit_checkpoints').values(row).execute();
}

export async function checkpointExists(db: Kysely<Database>, tenantId: string, seq: number): Promise<boolean> {
  const row = await db.selectFrom('audit_checkpoints').select('id').where('tenant_id', '=', tenantId).where('seq', '=', seq).executeTakeFirst();
  return row !== undefined;
}

/** Tenant ids that have checkpoints (one, if tenantId is given). */
export async function listCheckpointTenantIds(db: Kysely<Database>, tenantId?: string): Promise<string[]> {
  let q = db.selectFrom('audit_checkpoints').select('tenant_id').distinct();
  if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
  return (await q.execute()).map((r) => r.tenant_id);
}

/** A page of an office's checkpoints with seq after `afterSeq`, oldest first. */
export async function listCheckpointsAfter(db: Kysely<Database>, tenantId: string, afterSeq: number, limit: number): Promise<CheckpointRow[]> {
  const rows = await db
    .selectFrom('audit_checkpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', afterSeq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((c) => ({ ...c, seq: Number(c.seq) }));
}

/** An office's newest checkpoints, newest first. */
export async function listLatestCheckpoints(db: Kysely<Database>, tenantId: string, limit: number): Promise<CheckpointRow[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('seq', 'desc').limit(limit).execute();
  return rows.map((c) => ({ ...c, seq: Number(c.seq) }));
}
