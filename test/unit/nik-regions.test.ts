import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { foreignIdentity, maskDocumentNumber, nikFieldProblem } from '../../src/auth/identity.js';
import { nikProblem } from '../../src/shared/identifiers.js';
import { DEFAULT_REGIONS_FILE, loadRegions, nikRegencyName, nikRegionExists, regions, RETIRED_REGENCIES } from '../../src/shared/regions.js';

// The Kemendagri code list as shipped in seed-data/regions.json (scripts/import-regions.mjs, from idn-area-data 4.0.1).
describe('region codes', () => {
  it('holds the current lists: 38 provinces, 514 regencies and cities, 7,285 districts', () => {
    const r = regions();
    expect(r.provinces.size).toBe(38);
    expect(r.regencies.size).toBe(514);
    expect(r.districts.size).toBe(7285);
    expect(r.provinces.get('35')).toBe('Jawa Timur');
    expect(r.regencies.get('3573')).toBe('Kota Malang');
    expect(r.regencies.get('3507')).toBe('Kabupaten Malang');
    // Kota Malang has five districts, 35.73.01 (Blimbing) to 35.73.05 (Lowokwaru).
    expect(['357301', '357302', '357303', '357304', '357305'].every((c) => r.districts.has(c))).toBe(true);
    expect(r.districts.has('357306')).toBe(false);
  });

  it.each([
    ['3573054506900417', true, 'Kota Malang, Lowokwaru'],
    ['3507012506900001', true, 'Kabupaten Malang'],
    ['1101013112990001', true, 'Aceh'],
    ['9171017112990001', true, 'Kota Jayapura (Papua, 91 since the 2022 split)'],
    ['3599014506900002', false, 'no regency 35.99'],
    ['9101014506900002', true, 'Merauke before the 2022 split (93.01 today): a NIK never changes'],
    ['9201014506900002', true, 'Sorong before the 2022 split (96.01 today)'],
    ['6405014506900002', true, 'Malinau before Kalimantan Utara (65.02 today)'],
    ['9202014506900002', true, 'a Manokwari district that went to a new regency (no 92.02.01 today)'],
    ['6407014506900002', true, 'a Kutai Barat district now in Mahakam Ulu (no 64.07.01 today)'],
    ['3573004506900002', false, 'no district 00'],
    ['9109014506900002', true, 'Mimika before the 2022 split'],
    ['9129014506900002', false, 'no regency 91.29, then or now'],
    ['1001014506900002', false, 'no province 10'],
    ['9999014506900002', false, 'no province 99'],
  ])('%s exists: %s (%s)', (nik, exists) => {
    expect(nikRegionExists(nik)).toBe(exists);
  });

  it('names the regency a NIK was issued in', () => {
    expect(nikRegencyName('3573054506900417')).toBe('Kota Malang');
    expect(nikRegencyName('3599014506900002')).toBeNull();
    expect(nikRegencyName('9101014506900002')).toBe('Kabupaten Merauke');
  });

  it("knows each retired regency code as gone, and the code it became as today's", () => {
    const r = regions();
    for (const [old, current] of Object.entries(RETIRED_REGENCIES)) {
      expect(r.regencies.has(old), old).toBe(false);
      expect(r.regencies.has(current), current).toBe(true);
    }
  });

  it('refuses a malformed list with the file and the problem', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'regions-')), 'regions.json');
    const good = JSON.parse(fs.readFileSync(DEFAULT_REGIONS_FILE, 'utf8')) as { regencies: Record<string, string> };
    fs.writeFileSync(file, JSON.stringify({ ...good, regencies: { ...good.regencies, '35A3': 'Kota Salah' } }));
    expect(() => loadRegions(file)).toThrow(/regions\.json: regencies/);
    fs.writeFileSync(file, JSON.stringify({ ...good, districts: { 9999: '01' } }));
    expect(() => loadRegions(file)).toThrow(/unknown regency 9999/);
  });
});

describe('the NIK check (every NIK Izol validates: registration, the counter, form answers)', () => {
  it('rejects a region that does not exist, with its own message code', () => {
    expect(nikProblem('3599014506900002')).toBe('region');
    expect(nikFieldProblem('3599014506900002')).toMatchObject({ field: 'nik', code: 'nik_region' });
  });

  it.each([
    ['3573010106900001', null, 'day 01'],
    ['3573013101900001', null, 'day 31 (a man born on 31 January)'],
    ['3573014106900001', null, 'day 41 (a woman born on the 1st)'],
    ['3573017112900001', null, 'day 71 (a woman born on 31 December)'],
    ['3573010012900001', 'nik_birth_date', 'day 00'],
    ['3573013212900001', 'nik_birth_date', 'day 32'],
    ['3573014012900001', 'nik_birth_date', 'day 40'],
    ['3573017212900001', 'nik_birth_date', 'day 72'],
    ['3573010100900001', 'nik_birth_date', 'month 00'],
    ['3573010113900001', 'nik_birth_date', 'month 13'],
    ['357301010190000', 'invalid_nik', '15 digits'],
    ['3573010101900000', 'invalid_nik', 'serial 0000'],
  ] as [string, string | null, string][])('%s: %s (%s)', (nik, code) => {
    expect(nikFieldProblem(nik)?.code ?? null).toBe(code);
  });
});

describe('foreign residents: passport and KITAS/KITAP', () => {
  it('keeps the numbers without spaces, in capitals', () => {
    expect(foreignIdentity({ passportNumber: ' tz 1234567 ', stayPermitNumber: '2c11 ab 4567890', nationality: '  Korea   Selatan ' })).toEqual({
      identity: { passport: 'TZ1234567', stayPermit: '2C11AB4567890', nationality: 'Korea Selatan' },
      problems: [],
    });
  });

  it('names each missing or malformed field', () => {
    expect(foreignIdentity({}).problems.map((p) => [p.field, p.code])).toEqual([
      ['passportNumber', 'required'],
      ['stayPermitNumber', 'required'],
      ['nationality', 'required'],
    ]);
    expect(foreignIdentity({ passportNumber: 'A1', stayPermitNumber: '12', nationality: '123' }).problems.map((p) => p.code)).toEqual([
      'invalid_passport',
      'invalid_stay_permit',
      'invalid_nationality',
    ]);
  });

  it('shows only the last three characters', () => {
    expect(maskDocumentNumber('TZ1234567')).toBe('••••••567');
    expect(maskDocumentNumber('TZ1234567')).not.toMatch(/TZ|1234/);
    expect(maskDocumentNumber('ABCD')).toBe('••••');
  });
});
