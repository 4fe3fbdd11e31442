import { describe, expect, it } from 'vitest';
import { validateAnswers } from '../../src/catalogue/answers.js';
import { type FieldDefinition, fieldSchema } from '../../src/catalogue/catalogue.schema.js';

const TODAY = '2026-11-20';

/** A field as an office would write it in permit-types.json, with the schema's defaults applied. */
function field(name: string, type: string, extra: Record<string, unknown> = {}): FieldDefinition {
  return fieldSchema.parse({ name, type, label: { id: `Isian ${name}`, en: `Field ${name}` }, ...extra });
}

/** Checks one answer for one field as a draft, returning the normalised value or the problem code. */
function check(f: FieldDefinition, value: unknown): { value?: unknown; code?: string; field?: string } {
  const result = validateAnswers([f], { [f.name]: value }, { complete: false, today: TODAY });
  if (result.problems.length > 0) {
    expect(result.problems).toHaveLength(1);
    expect(result.answers).not.toHaveProperty(f.name);
    return { code: result.problems[0]!.code, field: result.problems[0]!.field };
  }
  expect(result.answers).toHaveProperty(f.name);
  return { value: result.answers[f.name] };
}

describe('field definitions', () => {
  it('apply their defaults: required, text length, area range, floor limit', () => {
    expect(field('nama', 'text')).toMatchObject({ required: true, maxLength: 200 });
    expect(field('catatan', 'textarea')).toMatchObject({ maxLength: 2000 });
    expect(field('luas', 'area_m2')).toMatchObject({ min: 1, max: 1_000_000 });
    expect(field('lantai', 'floor_count')).toMatchObject({ max: 100 });
  });

  it('refuse an unknown type or a stray property', () => {
    expect(() => field('nama', 'colour')).toThrow();
    expect(() => field('nama', 'text', { pattern: '.*' })).toThrow();
  });
});

describe('validateAnswers: each field type', () => {
  it('text: trims, accepts numbers as text, refuses other types, too short and too long', () => {
    const f = field('nama', 'text', { minLength: 3, maxLength: 10 });
    expect(check(f, '  Budi  ')).toEqual({ value: 'Budi' });
    expect(check(f, 12345)).toEqual({ value: '12345' });
    expect(check(f, true)).toMatchObject({ code: 'invalid_value', field: 'answers.nama' });
    expect(check(f, 'ab')).toMatchObject({ code: 'too_short' });
    expect(check(f, 'a'.repeat(10))).toEqual({ value: 'a'.repeat(10) });
    expect(check(f, 'a'.repeat(11))).toMatchObject({ code: 'too_long' });
  });

  it('text: the default limit is 200 characters', () => {
    const f = field('nama', 'text');
    expect(check(f, 'x'.repeat(200))).toEqual({ value: 'x'.repeat(200) });
    expect(check(f, 'x'.repeat(201))).toMatchObject({ code: 'too_long' });
  });

  it('textarea: up to its maxLength (2000 by default)', () => {
    const f = field('uraian', 'textarea');
    expect(check(f, 'Baris satu\nBaris dua')).toEqual({ value: 'Baris satu\nBaris dua' });
    expect(check(f, 'y'.repeat(2000))).toEqual({ value: 'y'.repeat(2000) });
    expect(check(f, 'y'.repeat(2001))).toMatchObject({ code: 'too_long' });
  });

  it('address: between 5 and 300 characters', () => {
    const f = field('alamat', 'address');
    expect(check(f, 'Jl. Ijen No. 10, Kota Malang')).toEqual({ value: 'Jl. Ijen No. 10, Kota Malang' });
    expect(check(f, 'Jl.')).toMatchObject({ code: 'too_short' });
    expect(check(f, 'J'.repeat(301))).toMatchObject({ code: 'too_long' });
  });

  it('number: takes the Indonesian decimal comma, refuses words, checks range and integers', () => {
    const f = field('lebar', 'number', { min: 0.5, max: 100 });
    expect(check(f, '85,5')).toEqual({ value: 85.5 });
    expect(check(f, '85.5')).toEqual({ value: 85.5 });
    expect(check(f, ' 12 ')).toEqual({ value: 12 });
    expect(check(f, 7)).toEqual({ value: 7 });
    expect(check(f, 'dua')).toMatchObject({ code: 'not_a_number' });
    expect(check(f, '12 meter')).toMatchObject({ code: 'not_a_number' });
    expect(check(f, true)).toMatchObject({ code: 'not_a_number' });
    expect(check(f, '0,4')).toMatchObject({ code: 'too_small' });
    expect(check(f, '100,5')).toMatchObject({ code: 'too_big' });
    const whole = field('jumlah', 'number', { integer: true });
    expect(check(whole, '3')).toEqual({ value: 3 });
    expect(check(whole, '2,5')).toMatchObject({ code: 'not_an_integer' });
  });

  it('number: does not silently read a thousands separator ("1.000", "2.500") as a small decimal', () => {
    // "thousands separators are not accepted to avoid ambiguity" (answers.ts): an Indonesian writing
    // 1.000 means one thousand. Either refuse the value or read it as 1000, never as 1.
    const f = field('kapasitas', 'number', { integer: true, min: 1 });
    for (const [raw, meant] of [
      ['1.000', 1000],
      ['2.500', 2500],
      ['1,000', 1000],
    ] as const) {
      const r = validateAnswers([f], { kapasitas: raw }, { complete: false, today: TODAY });
      if (r.problems.length === 0) expect(r.answers.kapasitas).toBe(meant);
      else expect(r.problems[0]!.field).toBe('answers.kapasitas');
    }
    // Two or more groups can only be thousands: a capital in rupiah as people write it.
    expect(check(f, '1.000.000')).toEqual({ value: 1_000_000 });
  });

  it('area_m2: decimal comma, at least 1 m² by default', () => {
    const f = field('luas', 'area_m2');
    expect(check(f, '120,75')).toEqual({ value: 120.75 });
    expect(check(f, 0)).toMatchObject({ code: 'too_small' });
    expect(check(f, '1000001')).toMatchObject({ code: 'too_big' });
  });

  it('floor_count: whole numbers from 1 to its max', () => {
    const f = field('lantai', 'floor_count', { max: 8 });
    expect(check(f, '2')).toEqual({ value: 2 });
    expect(check(f, 2.5)).toMatchObject({ code: 'not_an_integer' });
    expect(check(f, '2,5')).toMatchObject({ code: 'not_an_integer' });
    expect(check(f, 0)).toMatchObject({ code: 'too_small' });
    expect(check(f, 9)).toMatchObject({ code: 'too_big' });
  });

  it('date: real calendar dates as YYYY-MM-DD only', () => {
    const f = field('tanggal', 'date');
    expect(check(f, '2026-02-28')).toEqual({ value: '2026-02-28' });
    expect(check(f, '2028-02-29')).toEqual({ value: '2028-02-29' });
    for (const bad of ['2026-02-29', '2026-02-30', '2026-13-01', '20-11-2026', '20/11/2026', '2026-1-5', 'besok', 20261120]) {
      expect(check(f, bad)).toMatchObject({ code: 'invalid_date' });
    }
  });

  it('date: a day past the end of its month is refused, never rolled over into the next month', () => {
    const f = field('tanggal', 'date');
    for (const bad of ['2026-02-30', '2026-02-31', '2026-04-31', '2026-06-31', '2026-12-32', '2026-00-10', ' 2026-02-30 ']) {
      expect(check(f, bad), bad).toMatchObject({ code: 'invalid_date' });
    }
    expect(check(f, ' 2026-04-30 ')).toEqual({ value: '2026-04-30' });
    expect(check(f, '2026-12-31')).toEqual({ value: '2026-12-31' });
  });

  it('date: notBefore / notAfter "today" are judged against the given today', () => {
    const future = field('mulai', 'date', { notBefore: 'today' });
    expect(check(future, '2026-11-19')).toMatchObject({ code: 'date_in_past' });
    expect(check(future, TODAY)).toEqual({ value: TODAY });
    expect(check(future, '2026-11-21')).toEqual({ value: '2026-11-21' });
    const past = field('lahir', 'date', { notAfter: 'today' });
    expect(check(past, '2026-11-21')).toMatchObject({ code: 'date_in_future' });
    expect(check(past, TODAY)).toEqual({ value: TODAY });
    expect(check(past, '1990-06-05')).toEqual({ value: '1990-06-05' });
    // The same answer is judged by the day it is checked on.
    const later = validateAnswers([future], { mulai: '2026-11-21' }, { complete: true, today: '2026-11-22' });
    expect(later.problems.map((p) => p.code)).toEqual(['date_in_past']);
  });

  it('select: only the defined option values', () => {
    const f = field('jenis', 'select', {
      options: [
        { value: 'baliho', label: { id: 'Baliho', en: 'Billboard' } },
        { value: 'neon_box', label: { id: 'Neon box', en: 'Neon box' } },
      ],
    });
    expect(check(f, 'neon_box')).toEqual({ value: 'neon_box' });
    expect(check(f, 'Baliho')).toMatchObject({ code: 'invalid_option' });
    expect(check(f, 'spanduk')).toMatchObject({ code: 'invalid_option' });
  });

  it('yes_no: booleans and yes/no words become booleans', () => {
    const f = field('perpanjangan', 'yes_no');
    expect(check(f, true)).toEqual({ value: true });
    expect(check(f, 'yes')).toEqual({ value: true });
    expect(check(f, 'true')).toEqual({ value: true });
    expect(check(f, false)).toEqual({ value: false });
    expect(check(f, 'no')).toEqual({ value: false });
    expect(check(f, 'mungkin')).toMatchObject({ code: 'invalid_yes_no' });
    expect(check(f, 1)).toMatchObject({ code: 'invalid_yes_no' });
  });

  it('nik: structure checked, spaces removed', () => {
    const f = field('nik', 'nik');
    expect(check(f, '3573014506900002')).toEqual({ value: '3573014506900002' });
    expect(check(f, '3573 0145 0690 0002')).toEqual({ value: '3573014506900002' });
    expect(check(f, '3573013102900002')).toMatchObject({ code: 'invalid_nik' });
    expect(check(f, '357301450690000')).toMatchObject({ code: 'invalid_nik' });
    expect(check(f, 3573014506900002)).toMatchObject({ value: '3573014506900002' });
  });

  it('nib: 13 digits', () => {
    const f = field('nib', 'nib');
    expect(check(f, '1234567890123')).toEqual({ value: '1234567890123' });
    expect(check(f, '123456789012')).toMatchObject({ code: 'invalid_nib' });
  });

  it('npwp: dots and dashes stripped; 15 digits or a valid NIK', () => {
    const f = field('npwp', 'npwp');
    expect(check(f, '01.234.567.8-901.234')).toEqual({ value: '012345678901234' });
    expect(check(f, '3573014506900002')).toEqual({ value: '3573014506900002' });
    expect(check(f, '01.234.567.8-901.23')).toMatchObject({ code: 'invalid_npwp' });
    expect(check(f, '3573013102900002')).toMatchObject({ code: 'invalid_npwp' });
  });

  it('kbli: five digits', () => {
    const f = field('kbli', 'kbli');
    expect(check(f, '47111')).toEqual({ value: '47111' });
    expect(check(f, '4711')).toMatchObject({ code: 'invalid_kbli' });
  });

  it('email: lower-cased, must look like an address', () => {
    const f = field('email', 'email');
    expect(check(f, ' Warga@Contoh.ID ')).toEqual({ value: 'warga@contoh.id' });
    expect(check(f, 'warga@contoh')).toMatchObject({ code: 'invalid_email' });
    expect(check(f, 'warga contoh@x.id')).toMatchObject({ code: 'invalid_email' });
    expect(check(f, `${'a'.repeat(250)}@x.id`)).toMatchObject({ code: 'invalid_email' });
  });

  it('phone: any Indonesian mobile format becomes +62…, landlines refused', () => {
    const f = field('telepon', 'phone');
    expect(check(f, '0812-3456-7890')).toEqual({ value: '+6281234567890' });
    expect(check(f, '62 812 3456 7890')).toEqual({ value: '+6281234567890' });
    expect(check(f, '+62 812-3456-7890')).toEqual({ value: '+6281234567890' });
    expect(check(f, '0341-751942')).toMatchObject({ code: 'invalid_phone' });
    expect(check(f, '0812')).toMatchObject({ code: 'invalid_phone' });
  });

  it('vehicle_plate: upper-cased, spaces collapsed', () => {
    const f = field('nopol', 'vehicle_plate');
    expect(check(f, 'n 1234 ab')).toEqual({ value: 'N 1234 AB' });
    expect(check(f, 'N   1234    AB')).toEqual({ value: 'N 1234 AB' });
    expect(check(f, 'b1234xyz')).toEqual({ value: 'B1234XYZ' });
    expect(check(f, '1234 AB')).toMatchObject({ code: 'invalid_plate' });
    expect(check(f, 'N 12345 AB')).toMatchObject({ code: 'invalid_plate' });
    expect(check(f, 'N 1234 ABCD')).toMatchObject({ code: 'invalid_plate' });
  });
});

describe('validateAnswers: drafts, submission and unknown keys', () => {
  const fields = [field('nama', 'text'), field('luas', 'area_m2'), field('catatan', 'textarea', { required: false }), field('telepon', 'phone')];

  it('a draft (complete: false) may leave required fields empty and keeps what was given', () => {
    const r = validateAnswers(fields, { luas: '85,5' }, { complete: false, today: TODAY });
    expect(r.problems).toEqual([]);
    expect(r.answers).toEqual({ luas: 85.5 });
    expect(validateAnswers(fields, {}, { complete: false, today: TODAY })).toEqual({ answers: {}, problems: [] });
  });

  it('a draft still refuses a wrong value it was given', () => {
    const r = validateAnswers(fields, { luas: 'luas sekali', telepon: '081234567890' }, { complete: false, today: TODAY });
    expect(r.problems.map((p) => [p.field, p.code])).toEqual([['answers.luas', 'not_a_number']]);
    expect(r.answers).toEqual({ telepon: '+6281234567890' });
  });

  it('submission (complete: true) requires every required field; blank and null count as missing', () => {
    const r = validateAnswers(fields, { nama: '   ', telepon: null }, { complete: true, today: TODAY });
    expect(r.problems.map((p) => [p.field, p.code]).sort()).toEqual([
      ['answers.luas', 'required'],
      ['answers.nama', 'required'],
      ['answers.telepon', 'required'],
    ]);
    expect(r.answers).toEqual({});
  });

  it('an optional field may stay empty on submission', () => {
    const r = validateAnswers(fields, { nama: 'Budi', luas: 10, telepon: '081234567890' }, { complete: true, today: TODAY });
    expect(r.problems).toEqual([]);
    expect(r.answers).toEqual({ nama: 'Budi', luas: 10, telepon: '+6281234567890' });
  });

  it('refuses keys the permit type does not define, in drafts and on submission', () => {
    for (const complete of [false, true]) {
      const r = validateAnswers(fields, { nama: 'Budi', status: 'issued', feeAmount: 0 }, { complete, today: TODAY });
      const unknown = r.problems
        .filter((p) => p.code === 'unknown_field')
        .map((p) => p.field)
        .sort();
      expect(unknown).toEqual(['answers.feeAmount', 'answers.status']);
      expect(r.answers).not.toHaveProperty('status');
      expect(r.answers).not.toHaveProperty('feeAmount');
    }
  });

  it('treats __proto__ and constructor as unknown keys, not as fields', () => {
    const answers = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x"}') as Record<string, unknown>;
    const r = validateAnswers(fields, answers, { complete: false, today: TODAY });
    expect(r.problems.map((p) => p.field).sort()).toEqual(['answers.__proto__', 'answers.constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
