import type { Lang } from '../shared/messages.js';
import { html, raw, type SafeHtml } from '../web/html.js';
import { type Ratio, permille } from './dashboard.service.js';

/** 553 tenths of a percent → "55,3%" (or "55.3%"), from the integer. */
export function formatPermille(lang: Lang, p: number): string {
  const whole = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB').format(Math.trunc(p / 10));
  return `${whole}${lang === 'id' ? ',' : '.'}${p % 10}%`;
}

/** A ratio's percentage with one decimal, or null when nothing is recorded. */
export function percentOf(lang: Lang, r: Ratio): string | null {
  const p = permille(r);
  return p === null ? null : formatPermille(lang, p);
}

const f = (n: number) => n.toFixed(1);
const PATTERNS = [
  // Diagonal hatch, dots, horizontal lines, solid: each bar readable without colour.
  '<pattern id="dp0" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="#fff"/><line x1="0" y1="0" x2="0" y2="8" stroke="#1d70b8" stroke-width="4"/></pattern>',
  '<pattern id="dp1" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="6" fill="#fff"/><circle cx="3" cy="3" r="1.6" fill="#4c2c92"/></pattern>',
  '<pattern id="dp2" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="6" fill="#fff"/><line x1="0" y1="3" x2="6" y2="3" stroke="#00703c" stroke-width="2"/></pattern>',
  '<pattern id="dp3" patternUnits="userSpaceOnUse" width="4" height="4"><rect width="4" height="4" fill="#505a5f"/></pattern>',
];

/**
 * Horizontal bars, one per row, each with its label and value written beside it (so no colour or
 * legend is needed), server-side SVG: role="img" with <title> and <desc>; the table beside it has the
 * numbers. `value` is in [0, max]; `text` is what is written at the bar's end.
 */
export function barChart(input: {
  id: string;
  title: string;
  desc: string;
  rows: { label: string; value: number; text: string }[];
  max?: number;
  /** One pattern for every bar (a series of one measure); otherwise each row its own (different channels). */
  uniform?: boolean;
}): SafeHtml {
  const pat = (i: number) => (input.uniform ? 0 : i % PATTERNS.length);
  // Drawn at a phone's width (360) so its text stays readable when shown there.
  const rowH = 26;
  const W = 360;
  const labelW = 150;
  const textW = 70;
  const H = Math.max(1, input.rows.length) * rowH + 8;
  const max = Math.max(input.max ?? 0, ...input.rows.map((r) => r.value), 1);
  const plot = W - labelW - textW;
  const defs = [...new Set(input.rows.map((_, i) => pat(i)))].map((i) => PATTERNS[i]!).join('');
  return html`<svg class="dashboard-chart" role="img" aria-labelledby="${input.id}-t ${input.id}-d" viewBox="0 0 ${W} ${H}" width="100%" xmlns="http://www.w3.org/2000/svg" data-chart="${input.id}">
<title id="${input.id}-t">${input.title}</title><desc id="${input.id}-d">${input.desc}</desc>
<defs>${raw(defs)}</defs>
<g aria-hidden="true" font-size="13" font-family="sans-serif" fill="#0b0c0c">${input.rows.map((r, i) => {
    const y = 4 + i * rowH;
    const w = (r.value / max) * plot;
    return html`<text x="${labelW - 6}" y="${y + 17}" text-anchor="end">${r.label.length > 22 ? `${r.label.slice(0, 21)}…` : r.label}</text><rect x="${labelW}" y="${y + 4}" width="${f(Math.max(w, 0))}" height="${rowH - 8}" fill="url(#dp${pat(i)})" stroke="#0b0c0c"/><text x="${f(labelW + w + 4)}" y="${y + 17}">${r.text}</text>`;
  })}<line x1="${labelW}" x2="${labelW}" y1="0" y2="${H}" stroke="#0b0c0c"/></g>
</svg>`;
}
