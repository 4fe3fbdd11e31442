import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import argon2 from 'argon2';
import type { Role } from '../workflow/workflow.schema.js';

/**
 * Password rules per role (SECURITY.md §4 resolves BSSN 4/2021 against ASVS 5.0):
 * citizens: 8+ characters, no composition rules (ASVS v5.0.0-6.2.1, 6.2.9: up to 128 allowed);
 * staff: 12+ characters (BSSN) and, from the back-office issue, a second factor.
 * Both are checked, case-insensitively, against the 10,000 most common passwords of that length and
 * a list of Indonesian ones (ASVS v5.0.0-6.2.4 asks for at least 3,000): data files in
 * src/shared/passwords/ (their README says where they come from).
 */
const PASSWORD_LISTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../shared/passwords');
const COMMON: ReadonlySet<string> = new Set(
  ['common-passwords.txt', 'indonesian-passwords.txt'].flatMap((file) =>
    fs
      .readFileSync(path.join(PASSWORD_LISTS, file), 'utf8')
      .split('\n')
      .map((line) => line.trim().toLowerCase())
      .filter(Boolean),
  ),
);

/** How many passwords the common-password check knows (the unit test checks it is at least ASVS's 3,000). */
export const COMMON_PASSWORD_COUNT = COMMON.size;

export const MAX_PASSWORD_LENGTH = 128;

export function minPasswordLength(role: Role): number {
  return role === 'applicant' ? 8 : 12;
}

/** Returns a problem code for FIELD_MESSAGES, or null when the password is acceptable. */
export function passwordProblem(password: string, role: Role, personal: string[] = []): { code: string; params?: Record<string, number> } | null {
  const min = minPasswordLength(role);
  if (password.length < min) return { code: 'too_short', params: { min } };
  if (password.length > MAX_PASSWORD_LENGTH) return { code: 'too_long', params: { max: MAX_PASSWORD_LENGTH } };
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(password)) return { code: 'weak_password' };
  if (personal.some((p) => p.length >= 4 && lower.includes(p.toLowerCase()))) return { code: 'weak_password' };
  return null;
}

// OWASP's argon2id minimum: 19 MiB memory, 2 iterations, 1 lane.
const ARGON_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, ARGON_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the account does not exist, so timing does not reveal which emails are registered. */
let dummyHash: Promise<string> | undefined;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('not-a-real-password-for-timing-only');
  return dummyHash;
}
