import { randomInt, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, OneTimeCodesTable } from '../db/schema.js';
import { blindIndex } from '../shared/crypto.js';
import { addMinutes } from '../shared/time.js';
import { findLiveCode, insertCode, retireCodes, takeAttempt, useCode } from './one-time-codes.repository.js';

/** Out-of-band codes live 10 minutes and allow 5 tries (ASVS v5.0.0-6.5.1, 6.5.5). */
export const OTP_POLICY = { lifetimeMinutes: 10, maxAttempts: 5, digits: 6 } as const;

export type OtpPurpose = OneTimeCodesTable['purpose'];

const codeHash = (key: Buffer, id: string, code: string) => blindIndex(key, `otp:${id}`, code);

/**
 * Creates a fresh code for a user and purpose (earlier unused ones stop working) and returns the
 * plain code for the message. Runs inside the outbox handler's transaction, so the code exists
 * exactly when the message carrying it is delivered.
 */
export async function issueCode(
  trx: Kysely<Database>,
  key: Buffer,
  input: { tenantId: string; userId: string; purpose: OtpPurpose; now: string; address?: string | null },
): Promise<string> {
  const code = String(randomInt(0, 10 ** OTP_POLICY.digits)).padStart(OTP_POLICY.digits, '0');
  const id = randomUUID();
  await retireCodes(trx, { userId: input.userId, purpose: input.purpose, now: input.now });
  await insertCode(trx, {
    id,
    tenant_id: input.tenantId,
    user_id: input.userId,
    purpose: input.purpose,
    code_hash: codeHash(key, id, code),
    created_at: input.now,
    expires_at: addMinutes(input.now, OTP_POLICY.lifetimeMinutes),
    used_at: null,
    attempts: 0,
    address: input.address ?? null,
  });
  return code;
}

/**
 * Checks a code a person typed, counting the try first (atomically, committed at once): a wrong code
 * costs one of OTP_POLICY.maxAttempts tries, a used or expired one never passes. Returns the code's id
 * for `useCheckedCode` inside the transaction that acts on it, with the address it was sent to
 * (verification codes), or null.
 */
export async function checkCode(
  db: Kysely<Database>,
  key: Buffer,
  input: { userId: string; purpose: OtpPurpose; code: string; now: string },
): Promise<{ id: string; address: string | null } | null> {
  const row = await findLiveCode(db, input);
  if (!row) return null;
  if (!(await takeAttempt(db, { id: row.id, maxAttempts: OTP_POLICY.maxAttempts, now: input.now }))) return null;
  return codeHash(key, row.id, input.code.trim()) === row.code_hash ? { id: row.id, address: row.address } : null;
}

/** Uses a checked code up inside the acting transaction; false when a parallel request used it first. */
export function useCheckedCode(trx: Kysely<Database>, input: { id: string; now: string }): Promise<boolean> {
  return useCode(trx, input);
}

/** The address the account's live verification code went to (the verification page names it), or null. */
export async function liveVerificationAddress(db: Kysely<Database>, input: { userId: string; now: string }): Promise<string | null> {
  return (await findLiveCode(db, { ...input, purpose: 'verify_contact' }))?.address ?? null;
}
