import type { AnswerValue } from '../catalogue/answers.js';
import type { LocalisedText } from '../workflow/workflow.schema.js';
import { decimal, mul, roundHalfUp, toNumber, toText } from './decimal.js';
import type { FeeRule, FeeTableRow, FeeWaiver } from './fee-rule.schema.js';

/**
 * The fee rule kinds other than the PBG formula (pbg-retribution.ts), and the waivers every kind may
 * carry. Pure: no clock, no database. Amounts are whole rupiah, computed exactly in decimal.
 */

type AnswersIn = Readonly<Record<string, AnswerValue>>;

/** How a fixed, per-unit or table rule reached its amount (before any waiver), for the treasurer and the citizen. */
export type RuleCalculation =
  | { kind: 'fixed'; amount: number }
  | {
      kind: 'per_unit';
      field: string;
      quantity: number;
      /** Rupiah per unit. */
      rate: number;
      unit: LocalisedText | null;
      /** quantity × rate, rounded half up to whole rupiah. */
      product: number;
      minimum: number | null;
      /** The minimum was paid because the product was lower. */
      minimumApplied: boolean;
      amount: number;
    }
  | {
      kind: 'table';
      field: string;
      answer: AnswerValue;
      /** The row that matched (0-based), or null when the table's `otherwise` amount was used. */
      row: number | null;
      label: LocalisedText | null;
      amount: number;
    };

/** A waiver whose question was answered so: what it took off and why. */
export type AppliedWaiver = {
  code: string;
  field: string;
  percent: number;
  reason: LocalisedText;
  legalBasis: string;
  /** Rupiah taken off the amount the rule gave. */
  amountOff: number;
};

/** The answers cannot be priced by the rule (missing, malformed, or an answer the table does not list). */
export class FeeInputError extends Error {
  override name = 'FeeInputError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

function matches(row: FeeTableRow, answer: AnswerValue): boolean {
  if ('value' in row) return row.value === answer;
  if (typeof answer !== 'number' || !Number.isFinite(answer)) return false;
  return (row.from === undefined || answer >= row.from) && (row.below === undefined || answer < row.below);
}

/** The amount a fixed, per-unit or table rule gives for the answers, before waivers. Throws FeeInputError. */
export function computeRuleAmount(rule: Extract<FeeRule, { kind: 'fixed' | 'per_unit' | 'table' }>, answers: AnswersIn): RuleCalculation {
  switch (rule.kind) {
    case 'fixed':
      return { kind: 'fixed', amount: rule.amount };
    case 'per_unit': {
      const quantity = Object.hasOwn(answers, rule.field) ? answers[rule.field] : undefined;
      if (typeof quantity !== 'number' || !Number.isFinite(quantity) || quantity < 0) {
        throw new FeeInputError(rule.field, `${rule.field} must be a number of 0 or more`);
      }
      const product = roundHalfUp(mul(decimal(quantity), decimal(rule.rate)), 0);
      if (toNumber(product) > Number.MAX_SAFE_INTEGER) {
        throw new FeeInputError(rule.field, `the fee (${toText(product)}) is too large to record: check ${rule.field}`);
      }
      const productAmount = toNumber(product);
      const minimum = rule.minimum ?? null;
      const minimumApplied = minimum !== null && productAmount < minimum;
      return {
        kind: 'per_unit',
        field: rule.field,
        quantity,
        rate: rule.rate,
        unit: rule.unit ?? null,
        product: productAmount,
        minimum,
        minimumApplied,
        amount: minimumApplied ? minimum : productAmount,
      };
    }
    case 'table': {
      const answer = Object.hasOwn(answers, rule.field) ? answers[rule.field] : undefined;
      if (answer === undefined || answer === '') throw new FeeInputError(rule.field, `${rule.field} must be answered`);
      const i = rule.rows.findIndex((r) => matches(r, answer));
      if (i >= 0) {
        const row = rule.rows[i]!;
        return { kind: 'table', field: rule.field, answer, row: i, label: row.label ?? null, amount: row.amount };
      }
      if (rule.otherwise !== undefined) return { kind: 'table', field: rule.field, answer, row: null, label: null, amount: rule.otherwise };
      throw new FeeInputError(rule.field, `the fee table lists no amount for ${rule.field} ${JSON.stringify(answer)}`);
    }
  }
}

/**
 * The waiver the answers trigger (a question answered as the waiver says), and the amount after it.
 * When several apply, the largest percentage counts (waivers do not add up); on a tie, the first listed.
 * The amount after a waiver is rounded half up to whole rupiah: 100% gives 0.
 */
export function applyWaivers(waivers: readonly FeeWaiver[], answers: AnswersIn, amount: number): { amount: number; waiver: AppliedWaiver | null } {
  let best: FeeWaiver | undefined;
  for (const w of waivers) {
    const answer = Object.hasOwn(answers, w.when.field) ? answers[w.when.field] : undefined;
    if (answer === w.when.equals && (!best || w.percent > best.percent)) best = w;
  }
  if (!best) return { amount, waiver: null };
  const after = Number((BigInt(amount) * BigInt(100 - best.percent) + 50n) / 100n);
  return {
    amount: after,
    waiver: { code: best.code, field: best.when.field, percent: best.percent, reason: best.reason, legalBasis: best.legalBasis, amountOff: amount - after },
  };
}

/** The form fields a rule reads (its own and its waivers' questions), in the order a form would ask them. */
export function ruleFields(rule: FeeRule, pbgFields: readonly string[]): string[] {
  if (rule.kind === 'free') return [];
  const own = rule.kind === 'pbg_retribution' ? [...pbgFields] : rule.kind === 'fixed' ? [] : [rule.field];
  for (const w of rule.waivers) if (!own.includes(w.when.field)) own.push(w.when.field);
  return own;
}
