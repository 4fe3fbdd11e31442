import type { Lang } from '../shared/messages.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatRupiah, t } from '../web/i18n.js';
import type { RevenueReport } from './revenue.service.js';

/** "Jan" … "Des" (or "Dec"), the month's short name in the reader's language. */
export function monthShort(lang: Lang, month: number): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { month: 'short', timeZone: 'UTC' }).format(Date.UTC(2026, month - 1, 1));
}

export function monthLong(lang: Lang, month: number): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(2026, month - 1, 1));
}

/** Rp 12,5 M / Rp 690 jt: an axis label, short. */
function shortRupiah(lang: Lang, amount: number): string {
  const units: [number, string, string][] = [
    [1e12, 'T', 'tn'],
    [1e9, 'M', 'bn'],
    [1e6, 'jt', 'm'],
    [1e3, 'rb', 'k'],
  ];
  for (const [size, id, en] of units) {
    if (amount >= size) {
      const n = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { maximumFractionDigits: 1 }).format(amount / size);
      return `Rp ${n} ${lang === 'id' ? id : en}`;
    }
  }
  return formatRupiah(amount);
}

// Sized for a phone: drawn 600 wide and shown at the screen's width, so the text is large in these units.
const W = 600;
const H = 400;
const LEFT = 128;
const RIGHT = 12;
const TOP = 36;
const BOTTOM = 36;
const LEGEND = 64;

/**
 * The year's cumulative revenue by month against the target line, as server-side SVG: role="img" with
 * its <title> and <desc> (what a screen reader says; the table beside it has the numbers), hatched bars
 * and a dashed, labelled target line so it reads without colour. No script, no external file.
 */
export function revenueChart(lang: Lang, report: RevenueReport): SafeHtml {
  const target = report.target?.amount ?? null;
  const cumulative = report.months.map((m) => m.cumulative);
  // A future month of the running year has no revenue yet: no bar (not a flat one at the total).
  const lastMonth = report.period === 'current' ? Number(report.today.slice(5, 7)) : report.period === 'past' ? 12 : 0;
  const max = Math.max(target ?? 0, ...cumulative, 1);
  const top = max * 1.1;
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const y = (v: number) => TOP + plotH - (v / top) * plotH;
  const slot = plotW / 12;
  const barW = slot * 0.64;
  const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
  const id = `revenue-chart-${report.year}`;
  const lastAmount = lastMonth ? cumulative[lastMonth - 1]! : 0;
  const desc = t(lang, 'revenue.chart.desc', {
    target: target === null ? t(lang, 'revenue.chart.desc.noTarget') : t(lang, 'revenue.chart.desc.target', { amount: formatRupiah(target) }),
    month: monthLong(lang, Math.max(lastMonth, 1)),
    amount: formatRupiah(lastAmount),
  });
  const f = (n: number) => n.toFixed(1);
  return html`<svg class="revenue-chart" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${W} ${H + LEGEND}" width="100%" xmlns="http://www.w3.org/2000/svg" data-revenue-chart>
  <title id="${id}-title">${t(lang, 'revenue.chart.title', { year: report.year })}</title>
  <desc id="${id}-desc">${desc}</desc>
  <defs><pattern id="${id}-hatch" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="#ffffff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#1d70b8" stroke-width="4"/></pattern></defs>
  <g aria-hidden="true" font-size="19" font-family="sans-serif" fill="#0b0c0c">
    ${ticks.map((v) => html`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#b1b4b6" stroke-width="1"/><text x="${LEFT - 8}" y="${f(y(v) + 6)}" text-anchor="end">${shortRupiah(lang, v)}</text>`)}
    ${report.months.map((m, i) => {
      const x = LEFT + i * slot + (slot - barW) / 2;
      const bar =
        m.month <= lastMonth && m.cumulative > 0
          ? html`<rect x="${f(x)}" y="${f(y(m.cumulative))}" width="${f(barW)}" height="${f(y(0) - y(m.cumulative))}" fill="url(#${id}-hatch)" stroke="#0b0c0c" stroke-width="1" data-month="${m.month}" data-cumulative="${m.cumulative}"/>`
          : '';
      return html`${bar}<text x="${f(LEFT + i * slot + slot / 2)}" y="${H - BOTTOM + 24}" text-anchor="middle" font-size="16">${monthShort(lang, m.month)}</text>`;
    })}
    ${lastMonth && lastAmount > 0 ? html`<text x="${f(LEFT + (lastMonth - 1) * slot + slot / 2)}" y="${f(y(lastAmount) - 6)}" text-anchor="middle" font-weight="bold">${shortRupiah(lang, lastAmount)}</text>` : ''}
    ${
      target === null
        ? ''
        : html`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${f(y(target))}" y2="${f(y(target))}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="8 4" data-target-line="${target}"/><text x="${W - RIGHT}" y="${f(y(target) - 6)}" text-anchor="end" font-weight="bold">${t(lang, 'revenue.chart.legend.target', { amount: shortRupiah(lang, target) })}</text>`
    }
    <line x1="${LEFT}" x2="${W - RIGHT}" y1="${f(y(0))}" y2="${f(y(0))}" stroke="#0b0c0c" stroke-width="1"/>
    <rect x="0" y="${H + 6}" width="24" height="18" fill="url(#${id}-hatch)" stroke="#0b0c0c"/><text x="32" y="${H + 22}">${t(lang, 'revenue.chart.legend.cumulative')}</text>
    ${target === null ? '' : html`<line x1="0" x2="24" y1="${H + 46}" y2="${H + 46}" stroke="#0b0c0c" stroke-width="2" stroke-dasharray="8 4"/><text x="32" y="${H + 52}">${t(lang, 'revenue.chart.legend.target', { amount: formatRupiah(target) })}</text>`}
  </g>
</svg>`;
}
