import argon2 from 'argon2';
import type { Role } from '../workflow/workflow.schema.js';

/**
 * Password rules per role (SECURITY.md §4 resolves BSSN 4/2021 against ASVS 5.0):
 * citizens: 8+ characters, no composition rules (ASVS v5.0.0-6.2.1, 6.2.9: up to 128 allowed);
 * staff: 12+ characters (BSSN) and, from the back-office issue, a second factor.
 * Both are checked against a list of common passwords (ASVS v5.0.0-6.2.4).
 */
const COMMON = new Set(
  [
    'password',
    'password1',
    'password123',
    '12345678',
    '123456789',
    '1234567890',
    '87654321',
    'qwertyuiop',
    'qwerty123',
    'iloveyou',
    'sayangku',
    'bismillah',
    'indonesia',
    'indonesia1',
    'malang123',
    'aremania',
    'rahasia123',
    'passw0rd',
    'admin123',
    'administrator',
    'welcome1',
    'letmein1',
    'katasandi',
    'katasandi123',
    '11111111',
    '00000000',
    'abcdefgh',
    'abc12345',
    'superman',
    'sayang123',
    'asdfghjkl',
    'zxcvbnm123',
    '123123123',
    'qwerty12345',
    'izol12345',
  ].map((p) => p.toLowerCase()),
);

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
