/**
 * Fee rules as catalogue data (src/fees/fee-rule.schema.ts) and their engine (src/fees/fee-rules.ts):
 * catalogue versions stored before the kinds existed still parse; a bad rule fails at load with the file
 * and the JSON path; each kind's amount with its breakdown; waivers (the MBR question); and property tests
 * (fast-check) that no input crashes any kind's engine and every amount is a whole number of rupiah ≥ 0.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_CATALOGUE_DIR, loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { permitTypeSchema } from '../../src/catalogue/catalogue.schema.js';
import { type FeeRule, feeRuleSchema, type FeeWaiver } from '../../src/fees/fee-rule.schema.js';
import { applyWaivers, computeRuleAmount, FeeInputError } from '../../src/fees/fee-rules.js';

type PricedRule = Extract<FeeRule, { kind: 'fixed' | 'per_unit' | 'table' }>;
const rule = (r: unknown) => feeRuleSchema.parse(r) as PricedRule;

const MBR: FeeWaiver = {
  code: 'mbr',
  when: { field: 'lowIncomeHouse', equals: true },
  percent: 100,
  reason: { id: 'Rumah MBR 0%', en: 'MBR houses 0%' },
  legalBasis: 'Perda Kota Malang (uji)',
};

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

type TypeJson = { code: string; feeRule: Record<string, unknown>; fields: { name: string }[] };
/** A copy of the seed catalogue with `edit` applied to its permit types; returns the folder. */
function catalogueCopy(edit: (types: TypeJson[]) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-fee-rules-'));
  dirs.push(dir);
  for (const f of ['workflows.json', 'permit-types.json', 'catalogue-release.json']) fs.copyFileSync(path.join(DEFAULT_CATALOGUE_DIR, f), path.join(dir, f));
  const types = JSON.parse(fs.readFileSync(path.join(dir, 'permit-types.json'), 'utf8')) as TypeJson[];
  edit(types);
  fs.writeFileSync(path.join(dir, 'permit-types.json'), JSON.stringify(types));
  return dir;
}

describe('fee rules as catalogue data', () => {
  const pbg = loadCatalogue().permitTypes.find((t) => t.code === 'PBG')!;

  it('the seeded PBG rule carries the MBR waiver on its yes/no question', () => {
    expect(pbg.feeRule).toMatchObject({ kind: 'pbg_retribution', waivers: [{ code: 'mbr', when: { field: 'lowIncomeHouse', equals: true }, percent: 100 }] });
    expect(pbg.fields.find((f) => f.name === 'lowIncomeHouse')).toMatchObject({ type: 'yes_no', required: true });
  });

  it('parses a catalogue version stored before the rule kinds existed (no waivers: none)', () => {
    const stored = structuredClone(pbg) as Record<string, unknown>;
    stored.feeRule = { kind: 'pbg_retribution', note: { id: 'Catatan lama', en: 'Old note' } };
    stored.fields = pbg.fields.filter((f) => f.name !== 'lowIncomeHouse');
    expect(permitTypeSchema.parse(stored).feeRule).toEqual({ kind: 'pbg_retribution', note: { id: 'Catatan lama', en: 'Old note' }, waivers: [] });
    expect(permitTypeSchema.parse({ ...stored, feeRule: { kind: 'free' } }).feeRule).toEqual({ kind: 'free' });
  });

  it('refuses a bad rule at load with the file and the JSON path of each problem', () => {
    const dir = catalogueCopy((types) => {
      const t = types.find((x) => x.code === 'PBG')!;
      t.feeRule = {
        kind: 'per_unit',
        field: 'buildingFunction',
        rate: 1000,
        waivers: [
          { ...MBR, when: { field: 'lowIncomeHouse', equals: 'ya' } },
          { ...MBR, when: { field: 'nowhere', equals: true } },
        ],
      };
      types.find((x) => x.code === 'REKLAME')!.feeRule = { kind: 'table', field: 'nope', rows: [] };
      types.find((x) => x.code === 'SIPDOK')!.feeRule = { kind: 'fixed', amount: 12.5 };
    });
    let message = '';
    try {
      loadCatalogue(dir);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('The permit catalogue is not valid');
    expect(message).toContain('[0].feeRule.field: field "buildingFunction" is a select field, not a number');
    expect(message).toContain('[0].feeRule.waivers[0].when.equals: "ya" is not an answer field "lowIncomeHouse" can have');
    expect(message).toContain('[0].feeRule.waivers[1].code: waiver "mbr" is defined twice');
    expect(message).toContain('[0].feeRule.waivers[1].when.field: field "nowhere" is not defined');
    expect(message).toMatch(/\[1\]\.feeRule\.rows: .*1/);
    expect(message).toContain('[2].feeRule.amount: whole rupiah, no decimals');
    expect(message).toContain(path.join(dir, 'permit-types.json'));
  });

  it('accepts each kind on the seeded form: fixed, per unit on the floor area, a table of the function or of floors', () => {
    const dir = catalogueCopy((types) => {
      const t = types.find((x) => x.code === 'PBG')!;
      t.feeRule = { kind: 'per_unit', field: 'floorArea', rate: 2500.5, minimum: 100_000, unit: { id: 'm²', en: 'm²' }, waivers: [MBR] };
      types.find((x) => x.code === 'REKLAME')!.feeRule = { kind: 'fixed', amount: 150_000 };
    });
    const loaded = loadCatalogue(dir).permitTypes;
    expect(loaded.find((t) => t.code === 'PBG')!.feeRule).toMatchObject({ kind: 'per_unit', rate: 2500.5, minimum: 100_000 });
    expect(loaded.find((t) => t.code === 'REKLAME')!.feeRule).toEqual({ kind: 'fixed', amount: 150_000, waivers: [] });
  });
});

describe('the fee engine for fixed, per-unit and table rules', () => {
  const perUnit = rule({ kind: 'per_unit', field: 'floorArea', rate: 2500.5, minimum: 100_000, unit: { id: 'm²', en: 'm²' }, waivers: [MBR] });
  const byFunction = rule({
    kind: 'table',
    field: 'buildingFunction',
    rows: [
      { value: 'umkm', amount: 250_000, label: { id: 'UMKM', en: 'Small business' } },
      { value: 'business', amount: 1_000_000 },
    ],
    otherwise: 500_000,
  });
  const byFloors = rule({
    kind: 'table',
    field: 'floorCount',
    rows: [
      { below: 3, amount: 300_000 },
      { from: 3, below: 9, amount: 900_000 },
    ],
  });

  it('fixed: the amount', () => {
    expect(computeRuleAmount(rule({ kind: 'fixed', amount: 150_000 }), {})).toEqual({ kind: 'fixed', amount: 150_000 });
  });

  it('per unit: quantity × rate rounded half up, or the minimum when that is lower', () => {
    // 235 × 2,500.5 = 587,617.5 → 587,618.
    expect(computeRuleAmount(perUnit, { floorArea: 235 })).toMatchObject({ product: 587_618, minimumApplied: false, amount: 587_618 });
    expect(computeRuleAmount(perUnit, { floorArea: 10 })).toMatchObject({ product: 25_005, minimum: 100_000, minimumApplied: true, amount: 100_000 });
    expect(() => computeRuleAmount(perUnit, {})).toThrow(FeeInputError);
  });

  it('table: the first row matching the value or the range, else otherwise, else a refusal naming the field', () => {
    expect(computeRuleAmount(byFunction, { buildingFunction: 'umkm' })).toMatchObject({ row: 0, amount: 250_000, label: { id: 'UMKM' } });
    expect(computeRuleAmount(byFunction, { buildingFunction: 'religious' })).toMatchObject({ row: null, amount: 500_000 });
    expect(computeRuleAmount(byFloors, { floorCount: 2 })).toMatchObject({ row: 0, amount: 300_000 });
    expect(computeRuleAmount(byFloors, { floorCount: 3 })).toMatchObject({ row: 1, amount: 900_000 });
    expect(() => computeRuleAmount(byFloors, { floorCount: 9 })).toThrow(/lists no amount for floorCount 9/);
  });

  it('waivers: the question answered yes takes the percentage off (100% → 0), with the reason; the largest applies, they never add up', () => {
    expect(applyWaivers([MBR], { lowIncomeHouse: true }, 587_618)).toEqual({
      amount: 0,
      waiver: { code: 'mbr', field: 'lowIncomeHouse', percent: 100, reason: MBR.reason, legalBasis: MBR.legalBasis, amountOff: 587_618 },
    });
    expect(applyWaivers([MBR], { lowIncomeHouse: false }, 587_618)).toEqual({ amount: 587_618, waiver: null });
    const half: FeeWaiver = { ...MBR, code: 'social', when: { field: 'buildingFunction', equals: 'social_cultural' }, percent: 50 };
    // 50% of 587,619 = 293,809.5 → 293,810 paid.
    expect(applyWaivers([half], { buildingFunction: 'social_cultural' }, 587_619)).toMatchObject({ amount: 293_810, waiver: { amountOff: 293_809 } });
    expect(applyWaivers([half, MBR], { buildingFunction: 'social_cultural', lowIncomeHouse: true }, 1000)).toMatchObject({
      amount: 0,
      waiver: { code: 'mbr' },
    });
  });
});

describe('fee engine properties (fast-check)', () => {
  const anyValue = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('umkm', 'business', '__proto__', 'constructor', 'toString', ''),
    fc.double(), // NaN, ±Infinity, -0, 1e308
    fc.integer(),
    fc.boolean(),
  );
  const anyAnswers = fc.dictionary(fc.constantFrom('floorArea', 'floorCount', 'buildingFunction', 'lowIncomeHouse', 'other'), anyValue, { maxKeys: 5 });
  const rupiah = fc.integer({ min: 0, max: 1_000_000_000_000 });
  const rate = fc.integer({ min: 0, max: 1_000_000_000_000 }).map((n) => n / 1000);
  /** An answer a waiver may name (the schema's: true/false, a code, a finite number). */
  const waiverAnswer = fc.oneof(fc.boolean(), fc.constantFrom('umkm', 'business', 'social_cultural'), fc.string({ minLength: 1, maxLength: 12 }), fc.integer());
  const waiver = fc.record({ field: fc.constantFrom('lowIncomeHouse', 'buildingFunction'), equals: waiverAnswer, percent: fc.integer({ min: 1, max: 100 }) });
  const waivers = fc
    .array(waiver, { maxLength: 3 })
    .map((ws) => ws.map((w, i) => ({ ...MBR, code: `w${i}`, when: { field: w.field, equals: w.equals }, percent: w.percent })));
  const row = fc.oneof(
    fc.record({ value: fc.oneof(fc.constantFrom('umkm', 'business'), fc.integer(), fc.boolean()), amount: rupiah }),
    fc
      .tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 }), rupiah)
      .map(([from, width, amount]) => ({ from, below: from + width, amount })),
  );
  /** Any rule of the three kinds the schema accepts (each draw parsed by the schema itself). */
  const anyRule: fc.Arbitrary<PricedRule> = fc
    .oneof(
      fc.record({ kind: fc.constant('fixed'), amount: rupiah, waivers }),
      fc
        .record({
          kind: fc.constant('per_unit'),
          field: fc.constantFrom('floorArea', 'floorCount'),
          rate,
          minimum: fc.option(rupiah, { nil: undefined }),
          waivers,
        })
        .filter((r) => r.rate > 0 || (r.minimum ?? 0) > 0),
      fc.record({
        kind: fc.constant('table'),
        field: fc.constantFrom('floorArea', 'buildingFunction'),
        rows: fc.array(row, { minLength: 1, maxLength: 5 }),
        otherwise: fc.option(rupiah, { nil: undefined }),
        waivers,
      }),
    )
    .map((r) => rule(JSON.parse(JSON.stringify(r))));

  it('no input crashes any kind: an amount with its breakdown, or the engine’s own FeeInputError', () => {
    fc.assert(
      fc.property(anyRule, anyAnswers, (r, answers) => {
        let amount: number;
        try {
          const calculation = computeRuleAmount(r, answers);
          expect(calculation.kind).toBe(r.kind);
          amount = applyWaivers(r.waivers, answers, calculation.amount).amount;
        } catch (err) {
          expect(err).toBeInstanceOf(FeeInputError);
          return;
        }
        expect(Number.isSafeInteger(amount)).toBe(true);
        expect(amount).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('a waiver never raises the amount and leaves a whole number of rupiah ≥ 0', () => {
    fc.assert(
      fc.property(waivers, anyAnswers, fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ws, answers, amount) => {
        const after = applyWaivers(ws, answers, amount);
        expect(Number.isSafeInteger(after.amount)).toBe(true);
        expect(after.amount).toBeGreaterThanOrEqual(0);
        expect(after.amount).toBeLessThanOrEqual(amount);
        expect(after.amount + (after.waiver?.amountOff ?? 0)).toBe(amount);
      }),
      { numRuns: 1_000 },
    );
  });

  it('per unit: the amount never falls when the quantity grows', () => {
    const perUnitRule = anyRule.filter((r): r is Extract<PricedRule, { kind: 'per_unit' }> => r.kind === 'per_unit');
    fc.assert(
      fc.property(perUnitRule, fc.double({ min: 0, max: 1_000_000, noNaN: true }), fc.double({ min: 0, max: 1_000_000, noNaN: true }), (r, q, more) => {
        const amountFor = (quantity: number) => {
          try {
            return computeRuleAmount(r, { [r.field]: quantity }).amount;
          } catch (err) {
            expect(err).toBeInstanceOf(FeeInputError); // too large to record
            return null;
          }
        };
        const before = amountFor(q);
        const after = amountFor(q + more);
        if (before !== null && after !== null) expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 500 },
    );
  });
});
