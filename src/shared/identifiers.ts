/**
 * Indonesian identifiers (see shared/DOMAIN.md, "Identifiers").
 * Pure functions, no I/O: used by form validation, registration and masking.
 */
import { nikRegionExists } from './regions.js';

/** Checks the structure of a 16-digit NIK; returns a reason code or null when it looks valid. */
export function nikProblem(raw: string): 'format' | 'region' | 'birth_date' | 'serial' | null {
  if (!/^\d{16}$/.test(raw)) return 'format';
  const province = Number(raw.slice(0, 2));
  const city = Number(raw.slice(2, 4));
  const district = Number(raw.slice(4, 6));
  // Province codes run from 11 (Aceh) to 9x (Papua provinces); city and district are never 00.
  if (province < 11 || province > 99 || city === 0 || district === 0) return 'region';
  if (!nikRegionExists(raw)) return 'region'; // the Kemendagri code list (shared/regions.ts)
  let day = Number(raw.slice(6, 8));
  const month = Number(raw.slice(8, 10));
  // Women's NIKs add 40 to the day of birth.
  if (day > 40) day -= 40;
  if (day < 1 || day > 31 || month < 1 || month > 12) return 'birth_date';
  const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
  if (day > daysInMonth) return 'birth_date';
  if (raw.slice(12) === '0000') return 'serial';
  return null;
}

export function isValidNik(raw: string): boolean {
  return nikProblem(raw) === null;
}

/** Shows the region part and the last two digits only: 3573••••••••••12. */
export function maskNik(nik: string): string {
  if (nik.length < 8) return '•'.repeat(nik.length);
  return nik.slice(0, 4) + '•'.repeat(nik.length - 6) + nik.slice(-2);
}

/** NIB from OSS: 13 digits. */
export function isValidNib(raw: string): boolean {
  return /^\d{13}$/.test(raw);
}

/** NPWP: 15 digits, or 16 (the NIK) since 2024. Punctuation (dots, dashes) is ignored. */
export function normaliseNpwp(raw: string): string {
  return raw.replace(/[.\-\s]/g, '');
}
export function isValidNpwp(raw: string): boolean {
  const digits = normaliseNpwp(raw);
  return /^\d{15}$/.test(digits) || (/^\d{16}$/.test(digits) && isValidNik(digits));
}

/** Indonesian mobile numbers, accepted as 08…, 628… or +628…; normalised to +628…. */
export function normalisePhone(raw: string): string | null {
  const compact = raw.replace(/[\s\-().]/g, '');
  const m = /^(?:\+62|62|0)(8\d{7,12})$/.exec(compact);
  return m ? `+62${m[1]}` : null;
}

/** KBLI 2020 business classification: five digits. */
export function isValidKbli(raw: string): boolean {
  return /^\d{5}$/.test(raw);
}

/** An email address as Izol accepts one: something@domain.tld, no spaces, at most 254 characters. */
export function isEmail(raw: string): boolean {
  return raw.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw);
}
