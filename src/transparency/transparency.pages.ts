import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { barChart, percentOf } from '../dashboard/dashboard.chart.js';
import { type ChannelShares, CHANNELS, permille, type Ratio } from '../dashboard/dashboard.service.js';
import type { Services } from '../services.js';
import type { Lang } from '../shared/messages.js';
import { banner, button } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { loc, type MessageKey, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { DATASETS } from './transparency.schemas.js';
import type { SkmFigures, SlaFigures, TransparencyReport } from './transparency.service.js';

/** The address as typed: a bad year is not an error page, the last 12 months are shown with a note. */
const pageQuery = z.object({
  tahun: z
    .string()
    .max(10)
    .optional()
    .catch(() => 'x'),
});

const CHANNEL_KEY = {
  online: 'dashboard.channel.online',
  assisted: 'dashboard.channel.assisted',
  walk_in: 'dashboard.channel.walk_in',
  courier: 'dashboard.channel.courier',
} as const satisfies Record<(typeof CHANNELS)[number], MessageKey>;

const numberFormat = (lang: Lang) => new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB');
const channelCount = (s: ChannelShares, c: (typeof CHANNELS)[number]) =>
  ({ online: s.online, assisted: s.assisted, walk_in: s.walkIn, courier: s.courier })[c].numerator;

/** "Mei 2026" / "May 2026". */
function monthName(lang: Lang, month: string): string {
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );
}

const none = (lang: Lang) => html`<span data-none>${t(lang, 'dashboard.none')}</span>`;

/** "50,0% (6 dari 12)", or "belum tercatat" when nothing is recorded. */
function ratioText(lang: Lang, r: Ratio): SafeHtml {
  const p = percentOf(lang, r);
  if (p === null) return none(lang);
  return html`<span data-numerator="${r.numerator}" data-denominator="${r.denominator}">${t(lang, 'dashboard.ratio', { percent: p, n: r.numerator, total: r.denominator })}</span>`;
}

const num = (v: SafeHtml | string | number) => html`<td class="table__cell--numeric">${v}</td>`;

function table(id: string, caption: string, head: string[], rows: SafeHtml[]): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-labelledby="${id}-caption" tabindex="0"><table class="table" data-table="${id}">
<caption class="table__caption" id="${id}-caption">${caption}</caption>
<thead><tr>${head.map((h, i) => html`<th scope="col"${i > 0 ? html` class="table__header--numeric"` : ''}>${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function render(lang: Lang, r: TransparencyReport, adjusted: boolean): SafeHtml {
  const n = numberFormat(lang);
  const from = monthName(lang, r.from);
  const to = monthName(lang, r.to);
  const yearQuery = r.year === null ? '' : `&year=${r.year}`;

  const form = html`<form method="get" action="/transparansi" class="filters" data-filters>
  <div class="form-group filter"><label class="label" for="f-tahun">${t(lang, 'transparency.year')}</label><select class="input" id="f-tahun" name="tahun"><option value="">${t(lang, 'transparency.year.last12')}</option>${r.years.map(
    (y) => html`<option value="${y}"${y === r.year ? html` selected` : ''}>${t(lang, 'transparency.year.option', { year: y })}</option>`,
  )}</select></div>
  ${button(t(lang, 'transparency.show'), { secondary: true })}
</form>`;

  const channelRow = (label: SafeHtml, s: ChannelShares, attrs: SafeHtml) =>
    html`<tr${attrs}>${label}${
      s.filed === 0
        ? html`<td colspan="${CHANNELS.length + 2}">${none(lang)}</td>`
        : html`${num(n.format(s.filed))}${CHANNELS.map((c) => num(n.format(channelCount(s, c))))}${num(ratioText(lang, s.digital))}`
    }</tr>`;
  const channelHead = [t(lang, 'transparency.col.filed'), ...CHANNELS.map((c) => t(lang, CHANNEL_KEY[c])), t(lang, 'transparency.col.digital')];

  // The months with filings only: the table above says "belum tercatat" for the others.
  const filedMonths = r.months.filter((m) => m.filed.filed > 0);
  const filed = html`<h2 id="permohonan">${t(lang, 'transparency.filed.heading')}</h2>
<p>${t(lang, 'transparency.filed.explain')}</p>
<p data-headline>${t(lang, 'transparency.filed.headline')}: <strong>${ratioText(lang, r.total.filed.digital)}</strong></p>
<div class="dashboard-figure">${barChart({
    id: 'chart-digital',
    title: t(lang, 'transparency.chart.title', { from, to }),
    desc: t(lang, 'transparency.chart.desc', { value: percentOf(lang, r.total.filed.digital) ?? t(lang, 'dashboard.none') }),
    rows: r.months.map((m) => ({
      label: monthName(lang, m.month),
      value: permille(m.filed.digital) ?? 0,
      text: percentOf(lang, m.filed.digital) ?? t(lang, 'dashboard.none'),
    })),
    max: 1000,
    uniform: true,
  })}</div>
${table(
  'bulan',
  t(lang, 'transparency.filed.caption'),
  [t(lang, 'transparency.col.month'), ...channelHead],
  [
    ...r.months.map((m) => channelRow(html`<th scope="row">${monthName(lang, m.month)}</th>`, m.filed, html` data-month="${m.month}"`)),
    channelRow(html`<th scope="row">${t(lang, 'transparency.col.total')}</th>`, r.total.filed, html` data-month-total`),
  ],
)}
${table(
  'jenis-izin',
  t(lang, 'transparency.types.caption'),
  [t(lang, 'transparency.col.type'), ...channelHead],
  r.total.byPermitType.length
    ? r.total.byPermitType.map((s) => channelRow(html`<th scope="row">${loc(lang, s.name)}</th>`, s, html` data-type="${s.code}"`))
    : [html`<tr><td colspan="${CHANNELS.length + 3}">${none(lang)}</td></tr>`],
)}
${
  r.total.byPermitType.length
    ? table(
        'jenis-bulan',
        t(lang, 'transparency.typeMonths.caption'),
        [t(lang, 'transparency.col.type'), ...filedMonths.map((m) => monthName(lang, m.month)), t(lang, 'transparency.col.total')],
        r.total.byPermitType.map(
          (s) =>
            html`<tr data-type="${s.code}"><th scope="row">${loc(lang, s.name)}</th>${filedMonths.map((m) =>
              num(n.format(m.byPermitType.find((x) => x.code === s.code)?.filed ?? 0)),
            )}${num(n.format(s.filed))}</tr>`,
        ),
      )
    : ''
}`;

  const median = (v: number | null) => (v === null ? none(lang) : html`<span data-median="${v}">${n.format(v)}</span>`);
  const slaRow = (label: SafeHtml, s: SlaFigures, attrs: SafeHtml, sla?: number | null) =>
    html`<tr${attrs}>${label}${sla === undefined ? '' : num(sla === null ? '–' : n.format(sla))}${
      s.closed === 0
        ? html`<td colspan="3">${none(lang)}</td>`
        : html`${num(n.format(s.closed))}${num(ratioText(lang, s.compliance))}${num(median(s.medianWorkingDays))}`
    }</tr>`;
  const slaHead = [t(lang, 'transparency.col.closed'), t(lang, 'transparency.col.compliance'), t(lang, 'transparency.col.median')];
  const sla = html`<h2 id="sla">${t(lang, 'transparency.sla.heading')}</h2>
<p>${t(lang, 'transparency.sla.explain')}</p>
${table(
  'sla',
  t(lang, 'transparency.sla.caption'),
  [t(lang, 'transparency.col.month'), ...slaHead],
  [
    ...r.months.map((m) => slaRow(html`<th scope="row">${monthName(lang, m.month)}</th>`, m.sla, html` data-month="${m.month}"`)),
    slaRow(html`<th scope="row">${t(lang, 'transparency.col.total')}</th>`, r.total.sla, html` data-sla-total`),
  ],
)}
${table(
  'sla-jenis',
  t(lang, 'transparency.slaTypes.caption'),
  [t(lang, 'transparency.col.type'), t(lang, 'transparency.col.sla'), ...slaHead],
  r.total.slaByPermitType.length
    ? r.total.slaByPermitType.map((s) => slaRow(html`<th scope="row">${loc(lang, s.name)}</th>`, s, html` data-type="${s.code}"`, s.slaWorkingDays))
    : [html`<tr><td colspan="5">${none(lang)}</td></tr>`],
)}`;

  const index = (s: SkmFigures) =>
    s.index === null ? '' : new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { minimumFractionDigits: 2 }).format(s.index);
  const skmRow = (label: SafeHtml, s: SkmFigures, attrs: SafeHtml) =>
    html`<tr${attrs}>${label}${
      s.index === null || s.grade === null || s.label === null
        ? html`<td colspan="3">${none(lang)}</td>`
        : html`${num(n.format(s.respondents))}${num(html`<span data-index="${s.index}">${index(s)}</span>`)}<td>${t(lang, 'transparency.skm.grade', { grade: s.grade, label: loc(lang, s.label) })}</td>`
    }</tr>`;
  const total = r.total.skm;
  const skm = html`<h2 id="skm">${t(lang, 'transparency.skm.heading')}</h2>
<p>${t(lang, 'transparency.skm.explain')}</p>
<p data-skm-headline>${t(lang, 'transparency.skm.headline')}: <strong>${
    total.index === null || total.grade === null || total.label === null
      ? none(lang)
      : t(lang, 'transparency.skm.value', { index: index(total), grade: total.grade, label: loc(lang, total.label), n: n.format(total.respondents) })
  }</strong></p>
${table(
  'skm',
  t(lang, 'transparency.skm.caption'),
  [t(lang, 'transparency.col.month'), t(lang, 'transparency.col.respondents'), t(lang, 'transparency.col.index'), t(lang, 'transparency.col.grade')],
  [
    ...r.months.map((m) => skmRow(html`<th scope="row">${monthName(lang, m.month)}</th>`, m.skm, html` data-month="${m.month}"`)),
    skmRow(html`<th scope="row">${t(lang, 'transparency.col.total')}</th>`, total, html` data-skm-total`),
  ],
)}`;

  const open = html`<h2 id="data-terbuka">${t(lang, 'transparency.open.heading')}</h2>
<p>${t(lang, 'transparency.open.text')}</p>
<ul class="list" data-open-data>${DATASETS.map(
    (d) =>
      html`<li>${t(lang, `transparency.open.${d}`)}: <a href="/api/v1/transparency/export.csv?dataset=${d}${yearQuery}" download>${t(lang, 'transparency.open.csv')}</a>, <a href="/api/v1/transparency/export.json?dataset=${d}${yearQuery}" download>${t(lang, 'transparency.open.json')}</a>, <a href="/api/v1/transparency/schema.json?dataset=${d}">${t(lang, 'transparency.open.schema')}</a></li>`,
  )}</ul>
<p><a href="/registri">${t(lang, 'transparency.registry')}</a></p>`;

  return html`<h1>${t(lang, 'transparency.title')}</h1>
${adjusted ? banner(t(lang, 'transparency.year.bad')) : ''}
<p class="lead">${t(lang, 'transparency.lead', { office: r.office.name, from, to, zone: r.timeZone })}</p>
<p>${t(lang, 'transparency.pooled')}</p>
${form}
${filed}
${sla}
${skm}
${open}`;
}

/**
 * The public transparency page (/transparansi, issue 13 item 3): no sign-in, the office by its host
 * like the registry; the year as a plain GET form; every figure a table (and digital take-up also an
 * SVG chart), with "belum tercatat" where nothing is recorded; the open-data downloads below.
 */
export function transparencyPages(app: FastifyInstance, services: Services): void {
  const kit = pageKit(app);

  kit.get('/transparansi', { access: 'anyone', query: pageQuery, rateLimit: { max: 60, timeWindow: '1 minute' } }, async ({ req, reply, lang, query }) => {
    const asked = query.tahun?.trim() || undefined;
    const year = asked !== undefined && /^\d{4}$/.test(asked) ? Number(asked) : undefined;
    const report = await services.transparency.getReport({ tenantId: req.tenant.id, year, lenient: true });
    const adjusted = asked !== undefined && report.year === null;
    return sendPage(req, reply, { title: t(lang, 'transparency.title'), body: render(lang, report, adjusted) });
  });
}
