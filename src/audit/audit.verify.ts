import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import {
  type AuditEventRow,
  auditEventHash,
  countAuditEvents,
  findAuditHead,
  findEventAtSeq,
  findEventByHash,
  GENESIS_HASH,
  listAuditTenants,
  listEventsAfter,
  listEventTenantIds,
  listHeadTenantIds,
} from './audit.repository.js';

/**
 * Tamper-evidence check for the per-tenant audit hash chains written by appendAudit.
 *
 * For each tenant the events are read in (seq, id) order, a page at a time, and each row must:
 *   - carry the next seq (1, 2, … N: no gap, no duplicate);
 *   - link to the previous row: prev_hash = the previous row's hash (GENESIS_HASH for seq 1);
 *   - hash to itself: hash = auditEventHash(prev_hash, row) recomputed from the stored fields.
 * Finally audit_heads must say seq = N and head_hash = the last row's hash, which is what catches
 * the newest events being deleted. The first break found is reported and the tenant's scan stops.
 *
 * Cost per tenant with N events: O(N) time, one pass over the (tenant_id, seq) unique index in
 * pages of `pageSize` rows, and O(pageSize) memory, so a long chain never has to fit in memory.
 * Classifying a break costs a few more queries, once (the scan stops there); one of them looks a
 * hash up, and hash has no index, so that is one extra O(N) scan of the tenant's rows.
 *
 * Concurrent appends are fine and no long transaction is held: appendAudit writes the row and
 * advances audit_heads in one transaction, so a head read after the scan is never behind the rows
 * already read. If it is ahead, the scan simply continues until the rows catch up; only if no
 * further rows exist is the head reported as not matching.
 *
 * What it cannot see: the chain is keyed by nothing secret, so someone able to write to the
 * database can rewrite every event from some point on, recompute the hashes and advance
 * audit_heads, and the result verifies. Keep a copy of each tenant's head (seq, head_hash) outside
 * the database, and compare, to close that gap.
 */

export type AuditBreakReason = 'edited' | 'deleted' | 'inserted' | 'reordered' | 'head_mismatch';

export type AuditBreak = {
  /** The seq of the first bad event (for a deletion, the seq that is missing). */
  seq: number;
  /** The id of that event; null when the event is missing. */
  id: string | null;
  reason: AuditBreakReason;
  /** A sentence for the operator: what was found and where. */
  detail: string;
};

export type AuditChainVerification = {
  tenantId: string;
  /** The office code; null for events or a head whose tenant no longer exists. */
  tenantCode: string | null;
  /** How many events the tenant has stored (when intact: the chain's length N). */
  events: number;
  ok: boolean;
  firstBad?: AuditBreak;
};

export type VerifyAuditOptions = {
  /** Verify only this tenant (its id). Otherwise every tenant, plus any tenant id found only in the audit tables. */
  tenantId?: string;
  /** Rows read per query; default 5,000. */
  pageSize?: number;
};

type EventRow = AuditEventRow;

const DEFAULT_PAGE_SIZE = 5000;

export async function verifyAuditChain(db: Kysely<Database>, options: VerifyAuditOptions = {}): Promise<AuditChainVerification[]> {
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? DEFAULT_PAGE_SIZE));
  const tenants = await tenantsToVerify(db, options.tenantId);
  const results: AuditChainVerification[] = [];
  for (const t of tenants) results.push(await verifyTenant(db, t.id, t.code, pageSize));
  return results;
}

async function tenantsToVerify(db: Kysely<Database>, tenantId: string | undefined): Promise<{ id: string; code: string | null }[]> {
  const codes = new Map<string, string | null>();
  for (const t of await listAuditTenants(db, tenantId)) codes.set(t.id, t.code);
  // Events or a head left behind by a deleted tenant are checked too: they are not for anyone to drop silently.
  for (const id of await listHeadTenantIds(db, tenantId)) if (!codes.has(id)) codes.set(id, null);
  for (const id of await listEventTenantIds(db, tenantId)) if (!codes.has(id)) codes.set(id, null);
  if (tenantId !== undefined && codes.size === 0) throw new Error(`no tenant, audit head or audit event has tenant id ${tenantId}`);
  return [...codes].map(([id, code]) => ({ id, code })).sort((a, b) => (a.code ?? '\uffff' + a.id).localeCompare(b.code ?? '\uffff' + b.id));
}

function short(hash: string): string {
  return `${hash.slice(0, 12)}…`;
}

async function verifyTenant(db: Kysely<Database>, tenantId: string, tenantCode: string | null, pageSize: number): Promise<AuditChainVerification> {
  const fail = async (firstBad: AuditBreak): Promise<AuditChainVerification> => ({
    tenantId,
    tenantCode,
    events: await countAuditEvents(db, tenantId),
    ok: false,
    firstBad,
  });

  /** The first stored row at or after a seq (null if none). */
  const rowAt = (seq: number, op: '=' | '>='): Promise<EventRow | null> => findEventAtSeq(db, tenantId, seq, op);
  /** The earliest row (by seq) whose hash is this one: a row's prev_hash names its predecessor by hash. */
  const ownerOf = (hash: string): Promise<EventRow | null> => findEventByHash(db, tenantId, hash);
  const readHead = () => findAuditHead(db, tenantId);

  let prev: EventRow | null = null;
  let count = 0;
  let cursor: { seq: number; id: string } | null = null;

  for (;;) {
    // Read every row after the cursor, page by page.
    for (;;) {
      const page = await listEventsAfter(db, tenantId, cursor, pageSize);
      for (const row of page) {
        const problem = await checkRow(row, prev, { rowAt, ownerOf, readHead });
        if (problem) return fail(problem);
        prev = row;
        count++;
      }
      const last = page[page.length - 1];
      if (last) cursor = { seq: last.seq, id: last.id };
      if (page.length < pageSize) break;
    }

    const lastRow: EventRow | null = prev;
    const lastHash = lastRow?.hash ?? GENESIS_HASH;
    const head = await readHead();
    if (!head) {
      return fail({ seq: count, id: lastRow?.id ?? null, reason: 'head_mismatch', detail: `the tenant has no audit_heads row; its chain has ${count} events` });
    }
    const headSeq = Number(head.seq);
    if (headSeq === count && head.head_hash === lastHash) return { tenantId, tenantCode, events: count, ok: true };
    if (headSeq === count) {
      return fail({
        seq: count,
        id: lastRow?.id ?? null,
        reason: 'head_mismatch',
        detail: `audit_heads ends the chain at seq ${headSeq} with hash ${short(head.head_hash)}, but stored event ${count} has hash ${short(lastHash)}: the newest event was rewritten (or the head was)`,
      });
    }
    if (headSeq < count) {
      const extra = await rowAt(headSeq + 1, '=');
      return fail({
        seq: headSeq + 1,
        id: extra?.id ?? null,
        reason: 'inserted',
        detail: `audit_heads ends the chain at seq ${headSeq}, but events up to seq ${count} are stored: those after ${headSeq} were added without going through the chain head`,
      });
    }
    // The head is ahead of the rows read: if no later row exists now, the newest were deleted;
    // otherwise events were appended while we read, so read on.
    if ((await rowAt(count + 1, '>=')) === null) {
      return fail({
        seq: count + 1,
        id: null,
        reason: 'head_mismatch',
        detail: `audit_heads records ${headSeq} events ending in hash ${short(head.head_hash)}, but the stored chain ends at seq ${count}: the newest ${headSeq - count === 1 ? 'event was' : `${headSeq - count} events were`} deleted`,
      });
    }
  }
}

type Lookups = {
  rowAt(seq: number, op: '=' | '>='): Promise<EventRow | null>;
  ownerOf(hash: string): Promise<EventRow | null>;
  readHead(): Promise<{ seq: number; head_hash: string } | undefined>;
};

/** Checks one row against the row before it; on the first problem, works out what happened. */
async function checkRow(row: EventRow, prev: EventRow | null, look: Lookups): Promise<AuditBreak | null> {
  const expectedSeq = prev ? prev.seq + 1 : 1;
  const expectedPrevHash = prev ? prev.hash : GENESIS_HASH;
  const selfConsistent = auditEventHash(row.prev_hash, row) === row.hash;

  if (prev && row.seq === prev.seq) return duplicate(prev, row, look);
  if (row.seq < expectedSeq) {
    return { seq: row.seq, id: row.id, reason: 'inserted', detail: `seq ${row.seq} is outside the chain, which starts at 1` };
  }
  if (row.seq > expectedSeq) {
    // A row beyond the head was never appended through it; otherwise events in between are gone.
    const head = await look.readHead();
    if (head && row.seq > Number(head.seq)) {
      return { seq: row.seq, id: row.id, reason: 'inserted', detail: `seq ${row.seq} is beyond the chain head (seq ${Number(head.seq)})` };
    }
    const missing = row.seq - expectedSeq;
    return {
      seq: expectedSeq,
      id: null,
      reason: 'deleted',
      detail: `seq ${expectedSeq}${missing > 1 ? `–${row.seq - 1}` : ''} ${missing > 1 ? 'are' : 'is'} missing: the next stored event is seq ${row.seq} (id ${row.id})`,
    };
  }

  if (row.prev_hash === expectedPrevHash) {
    if (selfConsistent) return null;
    // Linked correctly but its content does not match its hash. If the next row also claims this
    // row's predecessor, this row was slipped in; otherwise its content was changed.
    const next = await look.rowAt(row.seq + 1, '=');
    if (next && next.prev_hash === row.prev_hash && next.prev_hash !== row.hash) {
      return {
        seq: row.seq,
        id: row.id,
        reason: 'inserted',
        detail: `event ${row.seq} does not match its hash, and event ${next.seq} follows its predecessor directly`,
      };
    }
    return {
      seq: row.seq,
      id: row.id,
      reason: 'edited',
      detail: `event ${row.seq} (${row.action}) no longer matches its hash: a field was changed after it was written`,
    };
  }

  // The link is broken: row.prev_hash does not name the row stored before it. Whose hash is it?
  const owner = await look.ownerOf(row.prev_hash);
  if (owner && owner.seq > row.seq) {
    return {
      seq: row.seq,
      id: row.id,
      reason: 'reordered',
      detail: `event ${row.seq} follows event ${owner.seq} in the chain but is stored before it: seq values were swapped or moved`,
    };
  }
  if (owner && owner.seq < row.seq - 1) {
    const first = await look.rowAt(owner.seq + 1, '=');
    const span = owner.seq + 1 === row.seq - 1 ? `event ${owner.seq + 1} was` : `events ${owner.seq + 1}–${row.seq - 1} were`;
    return {
      seq: owner.seq + 1,
      id: first?.id ?? null,
      reason: 'inserted',
      detail: `event ${row.seq} follows event ${owner.seq} directly: ${span} put in between`,
    };
  }
  if (!owner) {
    if (auditEventHash(expectedPrevHash, row) === row.hash) {
      return {
        seq: row.seq,
        id: row.id,
        reason: 'edited',
        detail: `event ${row.seq} has had its prev_hash changed (its hash still matches the true predecessor)`,
      };
    }
    if (selfConsistent && prev) {
      return {
        seq: prev.seq,
        id: prev.id,
        reason: 'edited',
        detail: `event ${prev.seq} (${prev.action}) was changed and its hash recomputed: event ${row.seq} still links to its original hash ${short(row.prev_hash)}`,
      };
    }
    if (selfConsistent && !prev) {
      return { seq: row.seq, id: row.id, reason: 'edited', detail: `event 1 does not start from the genesis hash` };
    }
    return {
      seq: row.seq,
      id: row.id,
      reason: 'deleted',
      detail: `event ${row.seq} links to hash ${short(row.prev_hash)}, which no stored event has, and does not match its own hash: the event before it was removed and the rest renumbered`,
    };
  }
  // owner is the row just before (a duplicate seq there) or this row itself: the order is inconsistent.
  return {
    seq: row.seq,
    id: row.id,
    reason: 'reordered',
    detail: `event ${row.seq} links to ${short(row.prev_hash)} (event ${owner.seq}, id ${owner.id}), not to the event stored before it`,
  };
}

/** Two rows with one seq: the one the chain does not continue from is the extra one. */
async function duplicate(first: EventRow, second: EventRow, look: Lookups): Promise<AuditBreak> {
  const detail = (extra: EventRow, kept: EventRow) => `two events have seq ${extra.seq}: ${extra.id} is extra (the chain continues from ${kept.id})`;
  // `first` was already accepted: it links to the previous row and matches its hash.
  const secondValid = second.prev_hash === first.prev_hash && auditEventHash(second.prev_hash, second) === second.hash;
  if (!secondValid) return { seq: second.seq, id: second.id, reason: 'inserted', detail: detail(second, first) };
  const next = await look.rowAt(second.seq + 1, '=');
  if (next && next.prev_hash === second.hash && next.prev_hash !== first.hash)
    return { seq: first.seq, id: first.id, reason: 'inserted', detail: detail(first, second) };
  if (!next) {
    const head = await look.readHead();
    if (head && head.head_hash === second.hash) return { seq: first.seq, id: first.id, reason: 'inserted', detail: detail(first, second) };
  }
  return { seq: second.seq, id: second.id, reason: 'inserted', detail: detail(second, first) };
}
