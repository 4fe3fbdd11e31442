import type { Lang } from '../shared/messages.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatRupiah, loc, t } from '../web/i18n.js';
import { barChart, percentOf } from './dashboard.chart.js';
import type { OperationsReport, OperationsTable } from './dashboard.operations.js';

type Ratio = { numerator: number; denominator: number };

/** What the dashboard page lends this part: its table (caption, CSV link) and its "37,5% (75 dari 200)". */
export type PageKit = {
  table: (id: string, caption: string, head: string[], rows: SafeHtml[], csvHref: string, lang: Lang) => SafeHtml;
  ratioText: (lang: Lang, r: Ratio) => SafeHtml;
  csv: (table: OperationsTable) => string;
};

/** Minutes as "45 menit" or "2 jam 5 menit" (whole minutes), or "belum tercatat". */
export function durationText(lang: Lang, minutes: number | null): SafeHtml {
  if (minutes === null) return html`<span data-none>${t(lang, 'dashboard.none')}</span>`;
  return html`<span data-minutes="${minutes}">${durationPlain(lang, minutes)}</span>`;
}

function durationPlain(lang: Lang, minutes: number | null): string {
  if (minutes === null) return t(lang, 'dashboard.none');
  const whole = Math.round(minutes);
  return whole < 60 ? t(lang, 'dashboard.ops.minutes', { m: whole }) : t(lang, 'dashboard.ops.hoursMinutes', { h: Math.floor(whole / 60), m: whole % 60 });
}

const num = (lang: Lang, n: number) => new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB').format(n);
/** 83.33 → "83,33" (or "83.33"), always two decimals. */
const two = (lang: Lang, n: number) =>
  new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(n);
const numeric = (v: SafeHtml | string | number) => html`<td class="table__cell--numeric">${v}</td>`;

/** The four sections (revenue, SKM, help desk, queue), each with its counts, a table with its CSV, and a chart where it helps. */
export function renderOperations(lang: Lang, o: OperationsReport, period: { from: string; to: string }, kit: PageKit): SafeHtml {
  const none = html`<span data-none>${t(lang, 'dashboard.none')}</span>`;
  const rv = o.revenue;
  const ytd = rv.yearToDate;
  const achieved = rv.target
    ? html`<span data-achieved data-numerator="${rv.target.achieved.numerator}" data-denominator="${rv.target.achieved.denominator}">${t(
        lang,
        'dashboard.ops.revenue.achievedValue',
        { percent: percentOf(lang, rv.target.achieved)!, amount: formatRupiah(ytd.total), target: formatRupiah(rv.target.amount) },
      )}</span>`
    : html`<span data-no-target>${t(lang, 'dashboard.ops.revenue.noTarget')}</span>`;
  const money = (label: string, count: number, total: number, row: string) =>
    html`<tr data-row="${row}"><th scope="row">${label}</th>${numeric(count)}${numeric(html`<span data-amount="${total}">${formatRupiah(total)}</span>`)}</tr>`;
  const revenue = html`<h2 id="pendapatan">${t(lang, 'dashboard.ops.revenue.heading')}</h2>
<p>${t(lang, 'dashboard.ops.revenue.explain', { year: ytd.year, to: ytd.to })} ${t(lang, 'dashboard.ops.filters.typeOnly')}</p>
<dl class="summary-list">
  <div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'dashboard.ops.revenue.target', { year: ytd.year })}</dt><dd class="summary-list__value" data-target>${rv.target ? formatRupiah(rv.target.amount) : t(lang, 'dashboard.ops.revenue.noTarget')}</dd></div>
  <div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'dashboard.ops.revenue.achieved')}</dt><dd class="summary-list__value">${achieved}</dd></div>
</dl>
${
  rv.target
    ? html`<div class="dashboard-figure">${barChart({
        id: 'chart-revenue',
        title: t(lang, 'dashboard.ops.revenue.chart.title', { year: ytd.year, to: ytd.to }),
        desc: t(lang, 'dashboard.ops.revenue.chart.desc', {
          target: formatRupiah(rv.target.amount),
          amount: formatRupiah(ytd.total),
          percent: percentOf(lang, rv.target.achieved)!,
        }),
        rows: [
          { label: t(lang, 'dashboard.ops.revenue.target', { year: ytd.year }), value: rv.target.amount, text: '100%' },
          { label: t(lang, 'dashboard.ops.revenue.chart.received'), value: ytd.total, text: percentOf(lang, rv.target.achieved)! },
        ],
      })}</div>`
    : ''
}
${kit.table(
  'pendapatan',
  t(lang, 'dashboard.ops.revenue.caption'),
  [t(lang, 'dashboard.ops.col.revenueRow'), t(lang, 'dashboard.ops.col.payments'), t(lang, 'dashboard.ops.col.amount')],
  [
    ...rv.period.byPermitType.map((s) => money(loc(lang, s.name), s.count, s.total, `type:${s.code}`)),
    money(t(lang, 'dashboard.ops.revenue.period', period), rv.period.count, rv.period.total, 'period'),
    money(t(lang, 'dashboard.ops.revenue.ytd', { from: ytd.from, to: ytd.to }), ytd.count, ytd.total, 'year-to-date'),
  ],
  kit.csv('pendapatan'),
  lang,
)}`;

  const s = o.skm.result;
  const skm = html`<h2 id="skm">${t(lang, 'dashboard.ops.skm.heading')}</h2>
<p>${t(lang, 'dashboard.ops.skm.explain', { from: o.skm.fromMonth, to: o.skm.toMonth })} ${t(lang, 'dashboard.ops.filters.periodOnly')}</p>
<p data-skm><strong>${s ? `${two(lang, s.index)} — ${s.grade} (${loc(lang, s.label)})` : none}</strong></p>
${kit.table(
  'skm',
  t(lang, 'dashboard.ops.skm.caption'),
  [t(lang, 'dashboard.ops.col.figure'), t(lang, 'dashboard.ops.col.value')],
  s
    ? [
        html`<tr data-skm-respondents><th scope="row">${t(lang, 'dashboard.ops.skm.respondents')}</th>${numeric(s.respondents)}</tr>`,
        html`<tr><th scope="row">${t(lang, 'dashboard.ops.skm.scoreSum')}</th>${numeric(s.scoreSum)}</tr>`,
        html`<tr data-skm-index><th scope="row">${t(lang, 'dashboard.ops.skm.index')}</th>${numeric(two(lang, s.index))}</tr>`,
        html`<tr><th scope="row">${t(lang, 'dashboard.ops.skm.grade')}</th>${numeric(`${s.grade} (${loc(lang, s.label)})`)}</tr>`,
      ]
    : [html`<tr><td colspan="2">${none}</td></tr>`],
  kit.csv('skm'),
  lang,
)}`;

  const h = o.helpdesk;
  const help = html`<h2 id="layanan-bantuan">${t(lang, 'dashboard.ops.help.heading')}</h2>
<p>${t(lang, 'dashboard.ops.help.explain')} ${t(lang, 'dashboard.ops.filters.periodOnly')}</p>
${kit.table(
  'layanan-bantuan',
  t(lang, 'dashboard.ops.help.caption'),
  [t(lang, 'dashboard.ops.col.figure'), t(lang, 'dashboard.ops.col.value')],
  h.received
    ? [
        html`<tr data-help-received><th scope="row">${t(lang, 'dashboard.ops.help.received')}</th>${numeric(h.received)}</tr>`,
        html`<tr data-help-answered><th scope="row">${t(lang, 'dashboard.ops.help.answered')}</th>${numeric(kit.ratioText(lang, h.answered))}</tr>`,
        html`<tr data-help-within><th scope="row">${t(lang, 'dashboard.ops.help.withinDue')}</th>${numeric(kit.ratioText(lang, h.withinDue))}</tr>`,
        html`<tr data-help-median><th scope="row">${t(lang, 'dashboard.ops.help.median')}</th>${numeric(durationText(lang, h.medianFirstResponseMinutes))}</tr>`,
      ]
    : [html`<tr><td colspan="2">${none}</td></tr>`],
  kit.csv('layanan-bantuan'),
  lang,
)}`;

  const q = o.queue;
  const hourLabel = (hr: number) => `${String(hr).padStart(2, '0')}.00–${String(hr).padStart(2, '0')}.59`;
  const queue = html`<h2 id="antrean">${t(lang, 'dashboard.ops.queue.heading')}</h2>
<p>${t(lang, 'dashboard.ops.queue.explain')} ${t(lang, 'dashboard.ops.filters.periodOnly')}</p>
<p data-queue-summary>${
    q.visitors
      ? t(lang, 'dashboard.ops.queue.summary', {
          n: num(lang, q.visitors),
          wait: durationPlain(lang, q.total.medianWaitMinutes),
          waited: q.total.waited,
          service: durationPlain(lang, q.total.medianServiceMinutes),
          served: q.total.served,
        })
      : none
  }</p>
${
  q.byHour.length
    ? html`<div class="dashboard-figure">${barChart({
        id: 'chart-queue',
        title: t(lang, 'dashboard.ops.queue.chart.title', period),
        desc: t(lang, 'dashboard.ops.queue.chart.desc', { list: q.byHour.map((f) => `${hourLabel(f.hour)} ${f.visitors}`).join('; ') }),
        rows: q.byHour.map((f) => ({ label: hourLabel(f.hour), value: f.visitors, text: String(f.visitors) })),
        uniform: true,
      })}</div>`
    : ''
}
${kit.table(
  'antrean',
  t(lang, 'dashboard.ops.queue.caption'),
  [t(lang, 'dashboard.ops.col.hour'), t(lang, 'dashboard.ops.col.visitors'), t(lang, 'dashboard.ops.col.wait'), t(lang, 'dashboard.ops.col.service')],
  q.visitors
    ? [
        ...q.byHour.map(
          (f) =>
            html`<tr data-hour="${f.hour}"><th scope="row">${hourLabel(f.hour)}</th>${numeric(f.visitors)}${numeric(html`${durationText(lang, f.medianWaitMinutes)} (${f.waited})`)}${numeric(html`${durationText(lang, f.medianServiceMinutes)} (${f.served})`)}</tr>`,
        ),
        html`<tr data-queue-total><th scope="row">${t(lang, 'dashboard.col.total')}</th>${numeric(q.total.visitors)}${numeric(html`${durationText(lang, q.total.medianWaitMinutes)} (${q.total.waited})`)}${numeric(html`${durationText(lang, q.total.medianServiceMinutes)} (${q.total.served})`)}</tr>`,
      ]
    : [html`<tr><td colspan="4">${none}</td></tr>`],
  kit.csv('antrean'),
  lang,
)}`;

  return html`${revenue}
${skm}
${help}
${queue}`;
}
