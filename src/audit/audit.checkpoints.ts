import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { requireAccess, systemActor } from '../access/access.js';
import type { Database } from '../db/schema.js';
import { canonicalJson } from '../shared/json.js';
import type { Signer } from '../signing/signer.js';
import {
  auditEventHash,
  type CheckpointRow,
  checkpointExists,
  findAuditHead,
  findLastCheckpoint,
  insertCheckpoint,
  listAuditTenants,
  listCheckpointsAfter,
  listCheckpointTenantIds,
  listEventHashesAt,
  listEventsBetween,
  listLatestCheckpoints,
} from './audit.repository.js';

/**
 * Signed audit checkpoints: every so often the office's chain head (seq, head_hash) is signed with
 * the office's key. The plain chain cannot see someone with database access rewriting every event
 * from some point on and recomputing the hashes; a checkpoint can, because the event at its seq must
 * still carry exactly the signed hash, and nobody without the signing key can sign a new one.
 *
 * What checkpoints cannot see on their own: checkpoints deleted from the table. Publish them (or the
 * newest one) outside the database to close that gap as well.
 */

export type { CheckpointRow };

/** The bytes a checkpoint's signature covers. */
export function checkpointPayload(c: { tenant_id: string; seq: number; head_hash: string; created_at: string }): Buffer {
  return Buffer.from(canonicalJson({ tenant_id: c.tenant_id, seq: Number(c.seq), head_hash: c.head_hash, created_at: c.created_at }), 'utf8');
}

const PAGE = 2000;

/**
 * Signs the tenant's current audit head. Returns null when there is nothing new to sign (no events,
 * or the head has not moved since the last checkpoint, or another instance just signed it).
 * Before signing, the events appended since the last checkpoint are checked against it link by link,
 * so a checkpoint never vouches for a chain that was already rewritten.
 */
export async function createCheckpoint(db: Kysely<Database>, signer: Signer, tenantId: string, now: string): Promise<CheckpointRow | null> {
  const head = await findAuditHead(db, tenantId);
  if (!head || head.seq === 0) return null;
  const headSeq = head.seq;
  const last = await findLastCheckpoint(db, tenantId);
  const lastSeq = last ? last.seq : 0;
  if (last && lastSeq === headSeq && last.head_hash === head.head_hash) return null;
  if (headSeq === lastSeq)
    throw new Error(`audit head of tenant ${tenantId} no longer matches its last checkpoint (seq ${lastSeq}): not signing (run npm run audit:verify)`);
  if (headSeq < lastSeq) throw new Error(`audit head of tenant ${tenantId} (seq ${headSeq}) is not ahead of its last checkpoint (seq ${lastSeq}): not signing`);

  // Walk the events since the last checkpoint (appendAudit writes the event and the head together,
  // so every event up to the head we read exists).
  let prevHash: string | null = last ? last.head_hash : null;
  let expected = lastSeq + 1;
  if (last) {
    const at = await listEventHashesAt(db, tenantId, [lastSeq]);
    if (at.length !== 1 || at[0]!.hash !== last.head_hash)
      throw new Error(`audit event ${lastSeq} of tenant ${tenantId} no longer matches its checkpoint: not signing`);
  }
  while (expected <= headSeq) {
    const rows = await listEventsBetween(db, tenantId, expected, headSeq, PAGE);
    if (rows.length === 0) break;
    for (const row of rows) {
      const linked = prevHash === null ? row.seq === 1 : row.prev_hash === prevHash;
      if (row.seq !== expected || !linked || auditEventHash(row.prev_hash, row) !== row.hash) {
        throw new Error(`audit chain of tenant ${tenantId} is broken at seq ${expected}: not signing (run npm run audit:verify)`);
      }
      prevHash = row.hash;
      expected++;
    }
  }
  if (expected !== headSeq + 1 || prevHash !== head.head_hash)
    throw new Error(`audit chain of tenant ${tenantId} does not end at its head: not signing (run npm run audit:verify)`);

  const payload = { tenant_id: tenantId, seq: headSeq, head_hash: head.head_hash, created_at: now };
  const sig = await signer.sign(tenantId, checkpointPayload(payload));
  const row: CheckpointRow = { id: randomUUID(), ...payload, key_id: sig.keyId, signature: sig.signature };
  try {
    await insertCheckpoint(db, row);
  } catch (err) {
    // Another instance signed the same head a moment ago (unique tenant_id, seq).
    if (await checkpointExists(db, tenantId, headSeq)) return null;
    throw err;
  }
  return row;
}

/**
 * Signs every office's head that moved, each as the office's own system actor (the ten-minute job,
 * audit.jobs.ts; npm run seed); one office failing does not stop the others.
 */
export async function checkpointAllTenants(
  db: Kysely<Database>,
  signer: Signer,
  now: string,
): Promise<{ tenantId: string; created: boolean; error?: string }[]> {
  const tenants = await listAuditTenants(db);
  const out: { tenantId: string; created: boolean; error?: string }[] = [];
  for (const t of tenants) {
    try {
      requireAccess({ actor: systemActor(t.id, 'audit-checkpoint'), permission: 'system.auditCheckpoint', resource: { tenantId: t.id } });
      out.push({ tenantId: t.id, created: (await createCheckpoint(db, signer, t.id, now)) !== null });
    } catch (err) {
      out.push({ tenantId: t.id, created: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}

export type CheckpointBreakReason = 'bad_signature' | 'event_missing' | 'hash_mismatch';

export type CheckpointVerification = {
  tenantId: string;
  tenantCode: string | null;
  /** Checkpoints checked and found good (all of them when ok). */
  verified: number;
  ok: boolean;
  firstBad?: { checkpointId: string; seq: number; createdAt: string; reason: CheckpointBreakReason; detail: string };
};

/**
 * Checks every checkpoint of each tenant, oldest first: the signature must be valid for the office,
 * and the stored chain must hold, at the checkpoint's seq, exactly one event whose hash is the signed
 * head_hash. With the chain check passing too, this proves no event up to the newest checkpoint was
 * changed, even if the hashes were recomputed. Stops at the first bad checkpoint of a tenant.
 */
export async function verifyAuditCheckpoints(db: Kysely<Database>, signer: Signer, options: { tenantId?: string } = {}): Promise<CheckpointVerification[]> {
  const codes = new Map<string, string | null>();
  for (const t of await listAuditTenants(db, options.tenantId)) codes.set(t.id, t.code);
  for (const id of await listCheckpointTenantIds(db, options.tenantId)) if (!codes.has(id)) codes.set(id, null);
  const tenants = [...codes].map(([id, code]) => ({ id, code })).sort((a, b) => (a.code ?? '\uffff' + a.id).localeCompare(b.code ?? '\uffff' + b.id));

  const results: CheckpointVerification[] = [];
  for (const t of tenants) results.push(await verifyTenantCheckpoints(db, signer, t.id, t.code));
  return results;
}

async function verifyTenantCheckpoints(db: Kysely<Database>, signer: Signer, tenantId: string, tenantCode: string | null): Promise<CheckpointVerification> {
  let verified = 0;
  let after = 0;
  for (;;) {
    const page = await listCheckpointsAfter(db, tenantId, after, PAGE);
    if (page.length === 0) break;
    const seqs = page.map((c) => c.seq);
    const hashesAt = new Map<number, string[]>();
    for (const e of await listEventHashesAt(db, tenantId, seqs)) hashesAt.set(e.seq, [...(hashesAt.get(e.seq) ?? []), e.hash]);
    for (const c of page) {
      const fail = (reason: CheckpointBreakReason, detail: string): CheckpointVerification => ({
        tenantId,
        tenantCode,
        verified,
        ok: false,
        firstBad: { checkpointId: c.id, seq: c.seq, createdAt: c.created_at, reason, detail },
      });
      if (!(await signer.verify(tenantId, checkpointPayload(c), { alg: 'Ed25519', keyId: c.key_id, signature: c.signature }))) {
        return fail('bad_signature', `the signature (key ${c.key_id}) does not verify: the checkpoint was altered or forged`);
      }
      const hashes = hashesAt.get(c.seq) ?? [];
      if (hashes.length === 0) return fail('event_missing', `the chain has no event at seq ${c.seq}, which this checkpoint signed`);
      if (hashes.length !== 1 || hashes[0] !== c.head_hash) {
        return fail('hash_mismatch', `the event at seq ${c.seq} no longer has the signed hash ${c.head_hash.slice(0, 12)}…: the chain up to it was rewritten`);
      }
      verified++;
    }
    after = seqs[seqs.length - 1]!;
  }
  return { tenantId, tenantCode, verified, ok: true };
}

/**
 * The office's checkpoints for publication, newest first. Anyone who keeps copies can later prove
 * that a checkpoint (and so the log up to it) existed, even if it was deleted from the database;
 * the signature covers canonicalJson({ tenant_id, seq, head_hash, created_at }).
 */
export async function listCheckpoints(db: Kysely<Database>, tenantId: string, limit = 1000) {
  const rows = await listLatestCheckpoints(db, tenantId, limit);
  return rows.map((c) => ({
    tenantId: c.tenant_id,
    seq: c.seq,
    headHash: c.head_hash,
    createdAt: c.created_at,
    keyId: c.key_id,
    signature: c.signature,
  }));
}
