/**
 * Who an applicant says they are at registration: a NIK (a KTP holder), or a foreign resident's
 * passport and KITAS/KITAP numbers with their nationality. Pure checks, each naming its field.
 */
import type { FieldProblem } from '../shared/errors.js';
import { nikProblem } from '../shared/identifiers.js';

/**
 * The problem with a NIK, as the form field shows it: a wrong region code (3599…: no such regency)
 * and an impossible birth date each get their own code, so the person learns which digits to check.
 */
export function nikFieldProblem(nik: string, field = 'nik'): FieldProblem | null {
  const problem = nikProblem(nik);
  switch (problem) {
    case null:
      return null;
    case 'region':
      return { field, code: 'nik_region', message: 'the first six digits (region code) match no region' };
    case 'birth_date':
      return { field, code: 'nik_birth_date', message: 'digits 7 to 12 are not a birth date (DDMMYY, women add 40 to the day)' };
    case 'format':
    case 'serial':
      return { field, code: 'invalid_nik', message: 'not a valid NIK' };
  }
}

export type ForeignIdentity = { passport: string; stayPermit: string; nationality: string };

/** A passport number: 6 to 12 letters and digits (ICAO 9303 allows up to 9; some countries print more). */
const PASSPORT = /^[A-Z0-9]{6,12}$/;
/** A KITAS or KITAP number as printed (letters, digits, and the hyphens or slashes some older cards carry). */
const STAY_PERMIT = /^[A-Z0-9][A-Z0-9/-]{5,24}$/;
/** A nationality in words ("Malaysia", "Korea Selatan", "Timor-Leste"). */
const NATIONALITY = /^\p{L}[\p{L} .'-]{1,59}$/u;

/** Document numbers are compared and kept without spaces, in capitals. */
export const normaliseDocumentNumber = (raw: string | undefined) => (raw ?? '').replace(/\s/g, '').toUpperCase();

/** Checks a foreign resident's passport, KITAS/KITAP and nationality; every problem names its field. */
export function foreignIdentity(input: { passportNumber?: string | undefined; stayPermitNumber?: string | undefined; nationality?: string | undefined }): {
  identity: ForeignIdentity | null;
  problems: FieldProblem[];
} {
  const passport = normaliseDocumentNumber(input.passportNumber);
  const stayPermit = normaliseDocumentNumber(input.stayPermitNumber);
  const nationality = (input.nationality ?? '').trim().replace(/\s+/g, ' ');
  const problems: FieldProblem[] = [];
  if (!passport) problems.push({ field: 'passportNumber', code: 'required', message: 'enter your passport number' });
  else if (!PASSPORT.test(passport))
    problems.push({ field: 'passportNumber', code: 'invalid_passport', message: 'a passport number is 6 to 12 letters and digits' });
  if (!stayPermit) problems.push({ field: 'stayPermitNumber', code: 'required', message: 'enter your KITAS or KITAP number' });
  else if (!STAY_PERMIT.test(stayPermit))
    problems.push({ field: 'stayPermitNumber', code: 'invalid_stay_permit', message: 'a KITAS or KITAP number is 6 to 25 letters and digits' });
  if (!nationality) problems.push({ field: 'nationality', code: 'required', message: 'enter your nationality' });
  else if (!NATIONALITY.test(nationality)) problems.push({ field: 'nationality', code: 'invalid_nationality', message: 'a nationality in letters' });
  return { identity: problems.length ? null : { passport, stayPermit, nationality }, problems };
}

/** Shows only the last three characters of a passport or KITAS/KITAP number: •••••123. */
export function maskDocumentNumber(value: string): string {
  if (value.length <= 4) return '•'.repeat(value.length);
  return '•'.repeat(value.length - 3) + value.slice(-3);
}
