import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { appendAudit } from '../audit/audit.repository.js';
import type { Database, PermitStatusStatement } from '../db/schema.js';
import { sha256Hex } from '../shared/crypto.js';
import { canonicalJson, parseJsonColumn } from '../shared/json.js';
import type { PreparedSigner } from '../signing/signer.js';
import { insertStatement } from './statements.repository.js';

/**
 * Signed status statements and the revocation list (issue 14, docs/verification.md "Status statements
 * and the revocation list"). A permit's own signed document says what it grants; whether it still does
 * is said by a second signed text, the status statement, made in the same transaction as the change and
 * linked to the audit event that records it. The revocation list is built from these statements, never
 * from the permits.status column, so an edited row cannot make a revoked permit valid again.
 *
 * Both texts are signed as canonical JSON (src/shared/json.ts canonicalJson, the same as permit
 * documents and audit checkpoints): object keys sorted by UTF-16 code unit, no whitespace, strings and
 * numbers as JSON.stringify writes them, undefined members left out; the signature is Ed25519 over its
 * UTF-8 bytes, base64url without padding.
 */

export const STATUS_STATEMENT_TYPE = 'izol.status/1';
export const REVOCATION_LIST_TYPE = 'izol.revocations/1';

export const STATUS_VALUES = ['revoked', 'superseded', 'renewed'] as const;
export type StatementStatus = (typeof STATUS_VALUES)[number];

/** The audit actions that take a permit out of "valid": each is followed by a statement. */
export const STATUS_AUDIT_ACTIONS = ['permit.revoked', 'permit.reissued', 'permit.renewed'] as const;

export const statusStatementSchema = z.strictObject({
  type: z.literal(STATUS_STATEMENT_TYPE),
  office: z.string(),
  permit: z.string().describe('The permit number'),
  status: z.enum(STATUS_VALUES),
  reason: z.string(),
  replacedBy: z.string().nullable().describe('The number of the permit that replaces it (a correction or renewal)'),
  at: z.string(),
  auditEventId: z.string(),
  keyId: z.string(),
});
export type StatusStatement = z.infer<typeof statusStatementSchema>;

/** A statement as published: the exact signed text and its signature. */
export type SignedStatement = { document: string; signature: { alg: 'Ed25519'; keyId: string; signature: string } };

/** What a statement makes of a permit: revoked, or superseded (a correction or a renewal replaced it). */
export function effectOf(status: StatementStatus): 'revoked' | 'superseded' {
  return status === 'revoked' ? 'revoked' : 'superseded';
}

/** A revocation list entry's `h`: lowercase hex SHA-256 of the UTF-8 of "<office code>:<permit number>". */
export function revocationHash(office: string, permitNumber: string): string {
  return sha256Hex(Buffer.from(`${office}:${permitNumber}`, 'utf8'));
}

/** The reason a renewal's statement gives (a revocation and a correction give the head's own words). */
export const RENEWAL_REASON = 'renewal';

/**
 * A stored row read back: the statement if its text is one and says what the row's columns say (the
 * signature is checked by the caller, with the office's keys); null otherwise.
 */
export function readStatement(row: PermitStatusStatement): StatusStatement | null {
  const parsed = statusStatementSchema.safeParse(parseJsonColumn(row.document));
  if (!parsed.success) return null;
  const s = parsed.data;
  const agrees = s.status === row.status && s.at === row.at && s.auditEventId === row.audit_event_id && s.keyId === row.key_id;
  return agrees && canonicalJson(s) === row.document ? s : null;
}

export function signedStatementOf(row: PermitStatusStatement): SignedStatement {
  return { document: row.document, signature: { alg: 'Ed25519', keyId: row.key_id, signature: row.signature } };
}

/**
 * Records a permit leaving "valid", inside the caller's transaction (the one that changes the row):
 * the audit event first, then the statement that names it, signed with the office key prepared before
 * the transaction (Signer.prepare).
 */
export async function recordStatusStatement(
  trx: Kysely<Database>,
  input: {
    signing: PreparedSigner;
    tenant: { id: string; code: string };
    permit: { id: string; number: string };
    status: StatementStatus;
    reason: string;
    replacedBy: string | null;
    at: string;
    actorId: string | null;
    audit: { action: (typeof STATUS_AUDIT_ACTIONS)[number]; data: Record<string, unknown> };
  },
): Promise<StatusStatement> {
  const auditEventId = await appendAudit(trx, {
    tenantId: input.tenant.id,
    actorId: input.actorId,
    action: input.audit.action,
    subjectType: 'permit',
    subjectId: input.permit.id,
    data: input.audit.data,
    occurredAt: input.at,
  });
  return signAndStore(trx, input.signing, { ...input, auditEventId });
}

/** Signs and stores a statement for an audit event already written (recordStatusStatement, or the backfill of older changes). */
export async function signAndStore(
  trx: Kysely<Database>,
  signing: PreparedSigner,
  input: {
    tenant: { id: string; code: string };
    permit: { id: string; number: string };
    status: StatementStatus;
    reason: string;
    replacedBy: string | null;
    at: string;
    auditEventId: string;
  },
): Promise<StatusStatement> {
  const statement: StatusStatement = {
    type: STATUS_STATEMENT_TYPE,
    office: input.tenant.code,
    permit: input.permit.number,
    status: input.status,
    reason: input.reason,
    replacedBy: input.replacedBy,
    at: input.at,
    auditEventId: input.auditEventId,
    keyId: signing.keyId,
  };
  const text = canonicalJson(statement);
  const signature = await signing.sign(Buffer.from(text, 'utf8'));
  if (signature.keyId !== signing.keyId) throw new Error('the signer signed with another key than it announced');
  await insertStatement(trx, {
    id: randomUUID(),
    tenant_id: input.tenant.id,
    permit_id: input.permit.id,
    status: input.status,
    at: input.at,
    audit_event_id: input.auditEventId,
    document: text,
    key_id: signature.keyId,
    signature: signature.signature,
  });
  return statement;
}

export type RevocationEntry = { h: string; at: string; s: 'revoked' | 'superseded' };
export type RevocationList = {
  type: typeof REVOCATION_LIST_TYPE;
  office: string;
  issuedAt: string;
  nextUpdate: string;
  keyId: string;
  hash: 'sha256';
  entries: RevocationEntry[];
  signature: string;
};

/** How long a published list holds at most: a verifier offline longer than this knows its copy is stale. */
export const REVOCATION_LIST_VALIDITY_MS = 24 * 60 * 60 * 1000;

/** The list without its signature, entries sorted by `h`: what is signed (canonicalJson). */
export function unsignedRevocationList(input: {
  office: string;
  issuedAt: string;
  keyId: string;
  statements: { permitNumber: string; statement: StatusStatement }[];
}): Omit<RevocationList, 'signature'> {
  const entries = input.statements
    .map(({ permitNumber, statement }) => ({ h: revocationHash(input.office, permitNumber), at: statement.at, s: effectOf(statement.status) }))
    .sort((a, b) => (a.h < b.h ? -1 : a.h > b.h ? 1 : 0));
  return {
    type: REVOCATION_LIST_TYPE,
    office: input.office,
    issuedAt: input.issuedAt,
    nextUpdate: new Date(Date.parse(input.issuedAt) + REVOCATION_LIST_VALIDITY_MS).toISOString(),
    keyId: input.keyId,
    hash: 'sha256',
    entries,
  };
}

/** What a published statement says, for a page to show (null when its text is not a statement). */
export function statementSummary(signed: SignedStatement): Pick<StatusStatement, 'status' | 'at' | 'replacedBy' | 'reason'> | null {
  const parsed = statusStatementSchema.safeParse(parseJsonColumn(signed.document));
  return parsed.success ? { status: parsed.data.status, at: parsed.data.at, replacedBy: parsed.data.replacedBy, reason: parsed.data.reason } : null;
}
