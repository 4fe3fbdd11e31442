/**
 * Property tests (fast-check) of the pure PBG formula (src/fees/pbg-retribution.ts), over coefficients
 * drawn within retribution.schema.ts's bounds and answers within the PBG form's (area 1–1,000,000 m²,
 * 1–100 floors): the worked example; the amount never falls when the floor area or the floor count
 * grows, all else equal; and no input, however malformed, makes it fail with anything but its own
 * RetributionInputError.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePbgRetribution, PBG_FIELDS, RetributionInputError } from '../../src/fees/pbg-retribution.js';
import { loadRetributionTable } from '../../src/fees/retribution.loader.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { applyWaivers } from '../../src/fees/fee-rules.js';
import { type RetributionCoefficients, retributionYearSchema } from '../../src/fees/retribution.schema.js';

const malang2026: RetributionCoefficients = loadRetributionTable().offices.MLG!['2026']!;

const WORKED_EXAMPLE = {
  buildingFunction: 'umkm',
  floorCount: 2,
  complexity: 'not_simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  floorArea: 235,
} as const;

/** An index as the schema allows it: 0 to 100, at most 6 decimals. */
const index = fc.integer({ min: 0, max: 100_000_000 }).map((n) => n / 1_000_000);
const code = fc.constantFrom('a', 'b', 'c', 'housing', 'umkm', 'new', 'simple', 'private');
const table = fc.dictionary(code, index, { minKeys: 1, maxKeys: 4 });

/** A function class: one index, or a tiered one (the schema wants the index above the size not lower). */
const functionClass = fc.oneof(
  index.map((i) => ({ index: i })),
  fc
    .record({
      micros: fc.integer({ min: 0, max: 100_000_000 }),
      extra: fc.integer({ min: 0, max: 100_000_000 }),
      floorAreaM2: fc.integer({ min: 1, max: 2_000 }),
      floors: fc.integer({ min: 1, max: 10 }),
    })
    .map(({ micros, extra, floorAreaM2, floors }) => ({
      index: micros / 1_000_000,
      upTo: { floorAreaM2, floors },
      indexAbove: Math.min(100_000_000, micros + extra) / 1_000_000,
    })),
);

/** A non-decreasing height index by floor count, always listing 1 floor. */
const heightIndex = fc
  .uniqueArray(fc.integer({ min: 2, max: 120 }), { maxLength: 8 })
  .chain((floors) =>
    fc.tuple(
      fc.constant([1, ...floors].sort((a, b) => a - b)),
      fc.array(fc.integer({ min: 0, max: 500_000 }), { minLength: floors.length + 1, maxLength: floors.length + 1 }),
    ),
  )
  .map(([floors, steps]) => {
    let level = 0;
    return Object.fromEntries(
      floors.map((f, i) => {
        level = Math.min(100_000_000, level + steps[i]!);
        return [String(f), level / 1_000_000];
      }),
    );
  });

/** Coefficients the schema accepts (each draw is parsed by retributionYearSchema itself). */
const coefficients: fc.Arbitrary<RetributionCoefficients> = fc
  .record({
    shst: fc.integer({ min: 1, max: 1_000_000_000 }),
    ilo: fc.integer({ min: 1, max: 5_000 }).map((n) => n / 1_000_000),
    classes: fc.dictionary(code, functionClass, { minKeys: 1, maxKeys: 3 }),
    complexity: table,
    permanence: table,
    heightIndex,
    fm: table,
    ibg: table,
  })
  .map(({ classes, ...rest }) => ({
    decree: 'Keputusan uji',
    if: { classes, options: Object.fromEntries(Object.keys(classes).map((c) => [c, c])) },
    ...rest,
  }))
  .map((c) => retributionYearSchema.parse(c));

/** Answers the coefficients can price: each option is one the tables list; area and floors within the form's bounds. */
const pricedAnswers = (c: RetributionCoefficients) =>
  fc.record({
    buildingFunction: fc.constantFrom(...Object.keys(c.if.options)),
    complexity: fc.constantFrom(...Object.keys(c.complexity)),
    permanence: fc.constantFrom(...Object.keys(c.permanence)),
    ownership: fc.constantFrom(...Object.keys(c.fm)),
    buildingWorkType: fc.constantFrom(...Object.keys(c.ibg)),
    floorArea: fc.oneof(fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: 1, max: 1_000_000, noNaN: true })),
    floorCount: fc.integer({ min: 1, max: 100 }),
  });

/** The amount, or null when the formula refuses (its own error only: anything else fails the test). */
function amountOrRefusal(answers: Record<string, string | number | boolean>, c: RetributionCoefficients): number | null {
  try {
    return computePbgRetribution(answers, c).amount;
  } catch (err) {
    if (err instanceof RetributionInputError) return null;
    throw err;
  }
}

describe('PBG retribution properties (fast-check)', () => {
  it('the worked example is Rp 6,176,270 under the seeded coefficients (It 0.7725 used as 0.773)', () => {
    const { amount, breakdown } = computePbgRetribution(WORKED_EXAMPLE, malang2026);
    expect(amount).toBe(6_176_270);
    expect(breakdown).toMatchObject({ llt: 235, ilo: 0.005, shst: 6_800_000, if: 0.5, heightIndex: 1.09, it: 0.773, ibg: 1 });
  });

  it('the schema refuses a size tier whose index above the size is lower (so a larger building never pays less)', () => {
    const lower = structuredClone(malang2026);
    lower.if.classes.housing = { index: 0.17, upTo: { floorAreaM2: 100, floors: 2 }, indexAbove: 0.15 };
    const result = retributionYearSchema.safeParse(lower);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['if', 'classes', 'housing']);
    expect(JSON.stringify(result.error?.issues)).toContain('is lower than the index up to the size');
  });

  it('never falls when the floor area grows, all else equal (seeded coefficients)', () => {
    fc.assert(
      fc.property(pricedAnswers(malang2026), fc.double({ min: 0, max: 1_000_000, noNaN: true }), (answers, growth) => {
        const larger = Math.min(1_000_000, answers.floorArea + growth);
        const before = computePbgRetribution(answers, malang2026).amount;
        const after = computePbgRetribution({ ...answers, floorArea: larger }, malang2026).amount;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('never falls when the floor count grows, all else equal (seeded coefficients)', () => {
    fc.assert(
      fc.property(pricedAnswers(malang2026), fc.integer({ min: 0, max: 99 }), (answers, more) => {
        const higher = Math.min(100, answers.floorCount + more);
        const before = computePbgRetribution(answers, malang2026).amount;
        const after = computePbgRetribution({ ...answers, floorCount: higher }, malang2026).amount;
        expect(after).toBeGreaterThanOrEqual(before);
      }),
      { numRuns: 500 },
    );
  });

  it('never falls when the area or the floors grow, under any coefficients the schema accepts', () => {
    fc.assert(
      fc.property(
        coefficients.chain((c) =>
          fc.tuple(fc.constant(c), pricedAnswers(c), fc.double({ min: 0, max: 1_000_000, noNaN: true }), fc.integer({ min: 0, max: 99 })),
        ),
        ([c, answers, growth, more]) => {
          const before = amountOrRefusal(answers, c);
          // Too large to record is the only refusal for answers the tables list; a larger building is refused too.
          const largerArea = amountOrRefusal({ ...answers, floorArea: Math.min(1_000_000, answers.floorArea + growth) }, c);
          const moreFloors = amountOrRefusal({ ...answers, floorCount: Math.min(100, answers.floorCount + more) }, c);
          if (before === null) {
            expect(largerArea).toBeNull();
            expect(moreFloors).toBeNull();
            return;
          }
          if (largerArea !== null) expect(largerArea).toBeGreaterThanOrEqual(before);
          if (moreFloors !== null) expect(moreFloors).toBeGreaterThanOrEqual(before);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('gives a whole, non-negative, exactly recordable amount for every answer within the form’s bounds', () => {
    fc.assert(
      fc.property(
        coefficients.chain((c) => fc.tuple(fc.constant(c), pricedAnswers(c))),
        ([c, answers]) => {
          const amount = amountOrRefusal(answers, c);
          if (amount === null) return;
          expect(Number.isSafeInteger(amount)).toBe(true);
          expect(amount).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('does not crash on any input: it returns an amount or throws its own RetributionInputError', () => {
    const anyValue = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('umkm', 'housing', 'new', 'private', 'permanent', 'not_simple', '__proto__', 'constructor', 'toString', ''),
      fc.double(), // NaN, ±Infinity, -0, subnormals, 1e308 included
      fc.integer(),
      fc.boolean(),
    );
    // Any subset of the formula's fields, with any value (the missing ones left out, as an unanswered question).
    const anyAnswers = fc
      .subarray(Object.values(PBG_FIELDS))
      .chain((fields) => fc.tuple(...fields.map((f) => fc.tuple(fc.constant(f), anyValue))))
      .map((pairs): Record<string, string | number | boolean> => Object.fromEntries(pairs));
    fc.assert(
      fc.property(fc.oneof(fc.constant(malang2026), coefficients), anyAnswers, (c, answers) => {
        let result: ReturnType<typeof computePbgRetribution> | undefined;
        try {
          result = computePbgRetribution(answers, c);
        } catch (err) {
          expect(err).toBeInstanceOf(RetributionInputError);
          return;
        }
        expect(Number.isSafeInteger(result.amount)).toBe(true);
        expect(result.amount).toBeGreaterThanOrEqual(0);
        expect(result.breakdown.formula).toContain('retribution = LLt × (Ilo × SHST) × It × Ibg');
      }),
      { numRuns: 1_000 },
    );
  });
  it('with the seeded PBG waivers (MBR): the amount is whole, ≥ 0, never above the formula’s, and never falls as the area grows', () => {
    const pbg = loadCatalogue().permitTypes.find((t) => t.code === 'PBG')!;
    const waivers = pbg.feeRule.kind === 'pbg_retribution' ? pbg.feeRule.waivers : [];
    expect(waivers.map((w) => w.code)).toEqual(['mbr']);
    const mbrAnswer = fc.oneof(fc.boolean(), fc.constantFrom('yes', 'ya', 1, 0, ''));
    fc.assert(
      fc.property(pricedAnswers(malang2026), mbrAnswer, fc.double({ min: 0, max: 1_000_000, noNaN: true }), (answers, lowIncomeHouse, growth) => {
        const priced = (floorArea: number) => {
          const withMbr = { ...answers, floorArea, lowIncomeHouse };
          const gross = computePbgRetribution(withMbr, malang2026).amount;
          return { gross, ...applyWaivers(waivers, withMbr, gross) };
        };
        const before = priced(answers.floorArea);
        expect(Number.isSafeInteger(before.amount)).toBe(true);
        expect(before.amount).toBeGreaterThanOrEqual(0);
        expect(before.amount).toBeLessThanOrEqual(before.gross);
        // Only a yes (true) waives it, in full.
        expect(before.amount).toBe(lowIncomeHouse === true ? 0 : before.gross);
        expect(priced(Math.min(1_000_000, answers.floorArea + growth)).amount).toBeGreaterThanOrEqual(before.amount);
      }),
      { numRuns: 500 },
    );
  });
});
