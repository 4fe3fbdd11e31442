import type { FieldDefinition } from '../catalogue/catalogue.schema.js';
import type { Lang } from '../shared/messages.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDecimal, formatRupiah, loc, t } from '../web/i18n.js';
import { displayAnswer } from '../web/views.js';
import type { FeeAssessment } from './fees.service.js';
import type { PbgBreakdown } from './pbg-retribution.js';

type Row = { key: string; value: SafeHtml | string };

/** The PBG formula's steps as summary-list rows (LLt, Ilo, SHST, It with its indices, Ibg, the formula filled in to `amount`). */
export function pbgBreakdownRows(lang: Lang, b: PbgBreakdown, amount: number): Row[] {
  const n = (x: number) => formatDecimal(lang, x);
  return [
    { key: t(lang, 'case.feecalc.llt'), value: t(lang, 'case.feecalc.llt.value', { llt: n(b.llt) }) },
    { key: t(lang, 'case.feecalc.ilo'), value: n(b.ilo) },
    { key: t(lang, 'case.feecalc.shst'), value: t(lang, 'case.feecalc.shst.value', { amount: formatRupiah(b.shst) }) },
    {
      key: t(lang, 'case.feecalc.it'),
      value: t(lang, 'case.feecalc.it.value', {
        it: n(b.it),
        if: n(b.if),
        complexity: n(b.complexity),
        permanence: n(b.permanence),
        height: n(b.heightIndex),
        fm: n(b.fm),
      }),
    },
    { key: t(lang, 'case.feecalc.ibg'), value: n(b.ibg) },
    {
      key: t(lang, 'case.feecalc.formula'),
      value: t(lang, 'case.feecalc.formula.value', {
        llt: n(b.llt),
        ilo: n(b.ilo),
        shst: formatRupiah(b.shst),
        it: n(b.it),
        ibg: n(b.ibg),
        amount: formatRupiah(amount),
      }),
    },
  ];
}

/**
 * How a fee was reached, as rows of a summary list, for the treasurer's case page and the citizen's
 * estimate alike: the PBG steps (LLt, Ilo × SHST, It with its indices, Ibg, the formula filled in), or
 * the fixed amount, the units × rate (and the minimum), the tariff row; then the waiver with its reason
 * and legal basis, and the amount. `fields` names the form questions (a table's answer as its option label).
 */
export function feeBreakdownRows(lang: Lang, a: FeeAssessment, fields: readonly FieldDefinition[] = []): Row[] {
  const n = (x: number) => formatDecimal(lang, x);
  const rows: Row[] = [];
  if (a.breakdown) rows.push(...pbgBreakdownRows(lang, a.breakdown, a.beforeWaiver));
  const c = a.calculation;
  if (c?.kind === 'fixed') rows.push({ key: t(lang, 'fees.calc.fixed'), value: formatRupiah(c.amount) });
  if (c?.kind === 'per_unit') {
    const unit = c.unit ? loc(lang, c.unit) : t(lang, 'fees.calc.unit');
    rows.push(
      { key: t(lang, 'fees.calc.quantity'), value: `${n(c.quantity)} ${unit}` },
      { key: t(lang, 'fees.calc.rate'), value: t(lang, 'fees.calc.rate.value', { rate: formatRupiah(c.rate), unit }) },
      {
        key: t(lang, 'case.feecalc.formula'),
        value: t(lang, 'fees.calc.product', { quantity: n(c.quantity), rate: formatRupiah(c.rate), product: formatRupiah(c.product) }),
      },
    );
    if (c.minimum !== null) {
      rows.push({
        key: t(lang, 'fees.calc.minimum'),
        value: t(lang, c.minimumApplied ? 'fees.calc.minimum.applied' : 'fees.calc.minimum.notApplied', { minimum: formatRupiah(c.minimum) }),
      });
    }
  }
  if (c?.kind === 'table') {
    const field = fields.find((f) => f.name === c.field);
    const answer = field ? displayAnswer(lang, field, c.answer) : String(c.answer);
    rows.push({
      key: field ? loc(lang, field.label) : c.field,
      value:
        c.row === null
          ? t(lang, 'fees.calc.table.otherwise', { answer, amount: formatRupiah(c.amount) })
          : t(lang, 'fees.calc.table.row', { answer, amount: formatRupiah(c.amount) }),
    });
  }
  if (a.waiver) {
    const w = a.waiver;
    rows.push({
      key: t(lang, 'fees.waiver', { percent: w.percent }),
      value: html`${loc(lang, w.reason)} <span class="muted">(${t(lang, 'fees.waiver.basis', { basis: w.legalBasis })})</span><br>${t(lang, 'fees.waiver.off', {
        before: formatRupiah(a.beforeWaiver),
        off: formatRupiah(w.amountOff),
      })}`,
    });
  }
  return rows;
}

/**
 * What a fee assessment's timeline event recorded besides the amount (recordComputedFee): another amount
 * than the rules gave, with the treasurer's reason, and a waiver with its reason. Empty for other events.
 */
export function feeEventNote(lang: Lang, eventData: string): SafeHtml | '' {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(eventData) as Record<string, unknown>;
  } catch {
    return '';
  }
  const lines: SafeHtml[] = [];
  if (typeof data.feeAmount === 'number' && typeof data.computedAmount === 'number') {
    lines.push(
      html`<br>${t(lang, 'fees.event.override', {
        amount: formatRupiah(data.feeAmount),
        computed: formatRupiah(data.computedAmount),
        reason: typeof data.feeReason === 'string' ? data.feeReason : '',
      })}`,
    );
  }
  const w = data.waiver as { percent?: unknown; reason?: unknown } | undefined;
  if (w && typeof w.percent === 'number' && typeof w.reason === 'string')
    lines.push(html`<br>${t(lang, 'fees.event.waiver', { percent: w.percent, reason: w.reason })}`);
  return lines.length ? html`${lines}` : '';
}
