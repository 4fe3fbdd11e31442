import { describe, expect, it } from 'vitest';
import { isValidKbli, isValidNib, isValidNik, isValidNpwp, maskNik, nikProblem, normaliseNpwp, normalisePhone } from '../../src/shared/identifiers.js';

// NIK layout (DOMAIN.md, "Identifiers"): PP KK CC DDMMYY SSSS, women add 40 to DD.
describe('NIK structure', () => {
  it.each([
    ['3573010101900001', 'male, born 1 Jan 1990'],
    ['3573014506900002', 'female, day 45 = 5 Jun 1990'],
    ['1101013112990001', 'Aceh (province 11), 31 Dec'],
    ['9171017112990001', 'Kota Jayapura, Papua (91.71), female 31 Dec (71 = 31 + 40)'],
    ['3507022902000001', '29 Feb'],
    ['3573014102010009', 'female, day 41 = 1 Feb'],
  ])('accepts %s (%s)', (nik) => {
    expect(nikProblem(nik)).toBeNull();
    expect(isValidNik(nik)).toBe(true);
  });

  it.each([
    ['357301450690000', 'format', '15 digits'],
    ['35730145069000021', 'format', '17 digits'],
    ['35730145069000AB', 'format', 'letters'],
    ['3573 0145 0690 0002', 'format', 'spaces (callers strip them first)'],
    ['', 'format', 'empty'],
    ['-573014506900002', 'format', 'a sign'],
    ['0073014506900002', 'region', 'province 00'],
    ['1073014506900002', 'region', 'province 10'],
    ['3500014506900002', 'region', 'city 00'],
    ['3573004506900002', 'region', 'district 00'],
    ['3599014506900002', 'region', 'no regency 35.99 in Jawa Timur'],
    ['3199014506900002', 'region', 'no regency 31.99 in DKI Jakarta'],
    ['3573010006900002', 'birth_date', 'day 00'],
    ['3573013206900002', 'birth_date', 'day 32'],
    ['3573013506900002', 'birth_date', 'day 35 (neither a man nor a woman)'],
    ['3573014006900002', 'birth_date', 'day 40 (female day 0)'],
    ['3573017206900002', 'birth_date', 'day 72 (female day 32)'],
    ['3573010113900002', 'birth_date', 'month 13'],
    ['3573010100900002', 'birth_date', 'month 00'],
    ['3573013102900002', 'birth_date', '31 February'],
    ['3573013002900002', 'birth_date', '30 February'],
    ['3573017102900002', 'birth_date', 'female 31 February'],
    ['3573013104900002', 'birth_date', '31 April'],
    ['3573017111900002', 'birth_date', 'female 31 November'],
    ['3573014506900000', 'serial', 'serial 0000'],
  ])('refuses %s as %s (%s)', (nik, problem) => {
    expect(nikProblem(nik)).toBe(problem);
    expect(isValidNik(nik)).toBe(false);
  });
});

describe('maskNik', () => {
  const niks = ['3573014506900002', '3573010101900001', '1101013112990001', '9471017112990987'];

  it.each(niks)('never shows digits 5 to 14 of %s', (nik) => {
    const masked = maskNik(nik);
    expect(masked).toHaveLength(16);
    expect(masked.slice(0, 4)).toBe(nik.slice(0, 4));
    expect(masked.slice(-2)).toBe(nik.slice(-2));
    expect(masked.slice(4, 14)).not.toMatch(/\d/);
    expect(masked).not.toContain(nik.slice(4, 14));
    // No run of the hidden digits survives either.
    for (let i = 4; i <= 11; i++) expect(masked).not.toContain(nik.slice(i, i + 3));
  });

  it('hides everything in a value too short to be a NIK', () => {
    expect(maskNik('1234567')).toBe('•••••••');
    expect(maskNik('')).toBe('');
  });

  it('shows at most six digits of any longer input', () => {
    const masked = maskNik('3573 0145 0690 0002');
    expect(masked.replace(/\D/g, '').length).toBeLessThanOrEqual(6);
    expect(masked).not.toContain('0145');
    expect(masked).not.toContain('0690');
  });
});

describe('NIB', () => {
  it('accepts 13 digits', () => {
    expect(isValidNib('1234567890123')).toBe(true);
    expect(isValidNib('0000000000001')).toBe(true);
  });
  it.each(['123456789012', '12345678901234', '12345678901A3', '1234 567890123', ''])('refuses %j', (nib) => {
    expect(isValidNib(nib)).toBe(false);
  });
});

describe('NPWP', () => {
  it.each(['012345678901234', '01.234.567.8-901.234', '01 234 567 8 901 234', '01.234.567.8-901.000'])('accepts the 15-digit NPWP %j', (npwp) => {
    expect(isValidNpwp(npwp)).toBe(true);
  });

  it('strips dots, dashes and spaces', () => {
    expect(normaliseNpwp('01.234.567.8-901.234')).toBe('012345678901234');
    expect(normaliseNpwp('01 234 567 8 901 234')).toBe('012345678901234');
  });

  it('accepts a 16-digit NPWP only when it is a valid NIK (since 2024)', () => {
    expect(isValidNpwp('3573014506900002')).toBe(true);
    expect(isValidNpwp('3573.0145.0690.0002')).toBe(true);
    expect(isValidNpwp('0073014506900002')).toBe(false);
    expect(isValidNpwp('3573013102900002')).toBe(false);
    expect(isValidNpwp('3573014506900000')).toBe(false);
  });

  it.each(['01234567890123', '01234567890123456', '01.234.567.8-901.23A', '', '01/234/567/8/901/234'])('refuses %j', (npwp) => {
    expect(isValidNpwp(npwp)).toBe(false);
  });
});

describe('KBLI', () => {
  it('accepts five digits and nothing else', () => {
    expect(isValidKbli('47111')).toBe(true);
    expect(isValidKbli('4711')).toBe(false);
    expect(isValidKbli('471111')).toBe(false);
    expect(isValidKbli('4711A')).toBe(false);
  });
});

describe('WhatsApp / mobile numbers', () => {
  it.each([
    ['081234567890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['+6281234567890', '+6281234567890'],
    ['+62 812-3456-7890', '+6281234567890'],
    ['0812 3456 7890', '+6281234567890'],
    ['(0812) 3456-7890', '+6281234567890'],
    ['0812.3456.7890', '+6281234567890'],
    ['085712345678', '+6285712345678'],
    ['08123456789', '+628123456789'],
  ])('normalises %j to %s', (raw, expected) => {
    expect(normalisePhone(raw)).toBe(expected);
  });

  it.each([
    ['0341751942', 'a Malang landline'],
    ['0341-751942', 'a landline with a dash'],
    ['+62 341 751942', 'a landline in international form'],
    ['021 5551234', 'a Jakarta landline'],
    ['0812345', 'too short'],
    ['081234', 'too short'],
    ['08123456789012345', 'too long'],
    ['+1 812 345 6789', 'a foreign number'],
    ['+6208123456789', 'a trunk zero after the country code'],
    ['0812abc4567', 'letters'],
    ['', 'empty'],
  ])('refuses %j (%s)', (raw) => {
    expect(normalisePhone(raw)).toBeNull();
  });
});

describe('shared checks that used to drift', () => {
  it('accepts an email only as name@domain.tld', async () => {
    const { isEmail } = await import('../../src/shared/identifiers.js');
    expect(isEmail('siti@example.id')).toBe(true);
    expect(isEmail('siti@example')).toBe(false);
    expect(isEmail('siti @example.id')).toBe(false);
    expect(isEmail(`${'a'.repeat(250)}@x.id`)).toBe(false);
  });

  it('accepts only real calendar dates', async () => {
    const { isCalendarDate } = await import('../../src/shared/time.js');
    expect(isCalendarDate('2026-02-28')).toBe(true);
    expect(isCalendarDate('2028-02-29')).toBe(true);
    expect(isCalendarDate('2026-02-29')).toBe(false);
    expect(isCalendarDate('2026-02-30')).toBe(false);
    expect(isCalendarDate('2026-13-01')).toBe(false);
    expect(isCalendarDate('2026-2-3')).toBe(false);
    expect(isCalendarDate('2026-02-03T00:00')).toBe(false);
  });
});
