import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
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
 */
export async function appendAudit(trx: Kysely<Database>, input: AuditInput): Promise<void> {
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
}
