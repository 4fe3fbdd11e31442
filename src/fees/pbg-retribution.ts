import type { AnswerValue } from '../catalogue/answers.js';
import { add, type Decimal, decimal, equal, mul, roundHalfUp, toNumber, toText } from './decimal.js';
import type { FunctionClass, RetributionCoefficients } from './retribution.schema.js';

/**
 * The PBG retribution (building-permit fee), PP 16/2021 method as in shared/DOMAIN.md:
 *
 *   It           = If × (0.3 × complexity + 0.2 × permanence + 0.5 × heightIndex) × Fm, rounded to 3 decimals
 *   retribution  = LLt × (Ilo × SHST) × It × Ibg, rounded to whole rupiah
 *
 * Both roundings are half up (0.7725 → 0.773, as the worked example shows). Everything is computed
 * exactly in decimal (see decimal.ts), so the amount never drifts by a rupiah.
 */

/** The weights of the integrated index (PP 16/2021): fixed by the regulation, not by the office. */
const WEIGHT = { complexity: decimal(0.3), permanence: decimal(0.2), height: decimal(0.5) } as const;
/** It is shown, and used, with 3 decimals. */
const IT_DECIMALS = 3;

export type PbgBreakdown = {
  /** LLt: total floor area, m². */
  llt: number;
  ilo: number;
  /** Rp per m². */
  shst: number;
  /** The function class the buildingFunction answer counts as (housing, mixed, umkm, …). */
  functionClass: string;
  if: number;
  complexity: number;
  permanence: number;
  heightIndex: number;
  fm: number;
  /** The integrated index as used: rounded to 3 decimals. */
  it: number;
  ibg: number;
  /** The calculation with the figures filled in, for the record. */
  formula: string;
};
export type PbgRetribution = { amount: number; breakdown: PbgBreakdown };

/**
 * The answers or the coefficients cannot give a fee: an answer is missing or malformed (`answer`),
 * or the coefficients have no entry for an answer (`coefficient`). `field` is the form field concerned.
 */
export class RetributionInputError extends Error {
  override name = 'RetributionInputError';
  constructor(
    readonly kind: 'answer' | 'coefficient',
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** The answers the formula reads, by form field name (permit-types.json, type PBG). */
export const PBG_FIELDS = {
  floorArea: 'floorArea',
  floorCount: 'floorCount',
  buildingFunction: 'buildingFunction',
  complexity: 'complexity',
  permanence: 'permanence',
  ownership: 'ownership',
  buildingWorkType: 'buildingWorkType',
} as const;

function positiveNumber(answers: Readonly<Record<string, AnswerValue>>, field: string): number {
  const v = answers[field];
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new RetributionInputError('answer', field, `${field} must be a positive number`);
  return v;
}

function option(answers: Readonly<Record<string, AnswerValue>>, field: string): string {
  const v = answers[field];
  if (typeof v !== 'string' || v === '') throw new RetributionInputError('answer', field, `${field} must be one of the form's options`);
  return v;
}

function lookup(table: Readonly<Record<string, number>>, value: string, field: string, tableName: string): number {
  const found = Object.hasOwn(table, value) ? table[value] : undefined;
  if (found === undefined) throw new RetributionInputError('coefficient', field, `${tableName} has no value for ${field} "${value}"`);
  return found;
}

/** The height index for a floor count: the listed count itself, or else the nearest lower listed count. */
export function heightIndexFor(heightIndex: Readonly<Record<string, number>>, floors: number): number {
  let best: { floors: number; index: number } | undefined;
  for (const [listed, index] of Object.entries(heightIndex)) {
    const n = Number(listed);
    if (n <= floors && (!best || n > best.floors)) best = { floors: n, index };
  }
  if (!best) throw new RetributionInputError('coefficient', PBG_FIELDS.floorCount, `heightIndex lists no value for ${floors} floors or fewer`);
  return best.index;
}

function isTiered(cls: FunctionClass): cls is Extract<FunctionClass, { indexAbove: number }> {
  return 'indexAbove' in cls;
}

/** The function index: the class's single index, or the one for its size tier (up to the limit, both inclusive). */
export function functionIndexFor(
  coefficients: RetributionCoefficients,
  buildingFunction: string,
  floorArea: number,
  floors: number,
): { functionClass: string; index: number } {
  const functionClass = Object.hasOwn(coefficients.if.options, buildingFunction) ? coefficients.if.options[buildingFunction] : undefined;
  const cls = functionClass !== undefined && Object.hasOwn(coefficients.if.classes, functionClass) ? coefficients.if.classes[functionClass] : undefined;
  if (functionClass === undefined || cls === undefined) {
    throw new RetributionInputError('coefficient', PBG_FIELDS.buildingFunction, `if.options has no class for buildingFunction "${buildingFunction}"`);
  }
  if (!isTiered(cls)) return { functionClass, index: cls.index };
  const within = floorArea <= cls.upTo.floorAreaM2 && floors <= cls.upTo.floors;
  return { functionClass, index: within ? cls.index : cls.indexAbove };
}

/**
 * The retribution for a PBG application's answers under one office's coefficients for one year.
 * Pure: no clock, no database. Throws RetributionInputError when the answers or the coefficients
 * cannot give a fee.
 */
export function computePbgRetribution(answers: Readonly<Record<string, AnswerValue>>, coefficients: RetributionCoefficients): PbgRetribution {
  const llt = positiveNumber(answers, PBG_FIELDS.floorArea);
  const floors = positiveNumber(answers, PBG_FIELDS.floorCount);
  if (!Number.isInteger(floors)) throw new RetributionInputError('answer', PBG_FIELDS.floorCount, 'floorCount must be a whole number');
  const fn = functionIndexFor(coefficients, option(answers, PBG_FIELDS.buildingFunction), llt, floors);
  const complexity = lookup(coefficients.complexity, option(answers, PBG_FIELDS.complexity), PBG_FIELDS.complexity, 'complexity');
  const permanence = lookup(coefficients.permanence, option(answers, PBG_FIELDS.permanence), PBG_FIELDS.permanence, 'permanence');
  const heightIndex = heightIndexFor(coefficients.heightIndex, floors);
  const fm = lookup(coefficients.fm, option(answers, PBG_FIELDS.ownership), PBG_FIELDS.ownership, 'fm');
  const ibg = lookup(coefficients.ibg, option(answers, PBG_FIELDS.buildingWorkType), PBG_FIELDS.buildingWorkType, 'ibg');

  const sum = add(mul(WEIGHT.complexity, decimal(complexity)), mul(WEIGHT.permanence, decimal(permanence)), mul(WEIGHT.height, decimal(heightIndex)));
  const itExact = mul(decimal(fn.index), sum, decimal(fm));
  const it = roundHalfUp(itExact, IT_DECIMALS);
  const exact = mul(decimal(llt), decimal(coefficients.ilo), decimal(coefficients.shst), it, decimal(ibg));
  const amount = roundHalfUp(exact, 0);
  // Beyond 2^53 rupiah a number no longer holds every whole rupiah: say so instead of recording a rounded amount.
  if (toNumber(amount) > Number.MAX_SAFE_INTEGER) {
    throw new RetributionInputError(
      'answer',
      PBG_FIELDS.floorArea,
      `the retribution (${toText(amount)}) is too large to record: check the floor area and the coefficients`,
    );
  }

  const d = (x: number) => toText(decimal(x));
  /** "0.7725 ≈ 0.773" when rounding changed the value, else just the value. */
  const approx = (exactValue: Decimal, rounded: Decimal) => (equal(exactValue, rounded) ? toText(rounded) : `${toText(exactValue)} ≈ ${toText(rounded)}`);
  const formula =
    `It = If × (0.3 × complexity + 0.2 × permanence + 0.5 × heightIndex) × Fm = ${d(fn.index)} × (0.3 × ${d(complexity)} + 0.2 × ${d(permanence)} + 0.5 × ${d(heightIndex)}) × ${d(fm)} = ${approx(itExact, it)}; ` +
    `retribution = LLt × (Ilo × SHST) × It × Ibg = ${d(llt)} × (${d(coefficients.ilo)} × ${d(coefficients.shst)}) × ${toText(it)} × ${d(ibg)} = ${approx(exact, amount)}`;

  return {
    amount: toNumber(amount),
    breakdown: {
      llt,
      ilo: coefficients.ilo,
      shst: coefficients.shst,
      functionClass: fn.functionClass,
      if: fn.index,
      complexity,
      permanence,
      heightIndex,
      fm,
      it: toNumber(it),
      ibg,
      formula,
    },
  };
}
