import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import type { Services } from '../services.js';
import type { Lang } from '../shared/messages.js';
import { banner, button } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { loc, type MessageKey, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { barChart, formatPermille, percentOf } from './dashboard.chart.js';
import { renderOperations } from './dashboard.operations.view.js';
import {
  type ChannelShares,
  CHANNELS,
  DASHBOARD_TABLES,
  type DashboardQuery,
  type DashboardReport,
  type DashboardTable,
  type DropOffStep,
  INTERVALS,
  type Ratio,
  permille,
} from './dashboard.service.js';

const dateParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/)
  .optional()
  .catch(undefined);
const filterQuery = z.object({
  dari: dateParam,
  sampai: dateParam,
  jenis: z
    .string()
    .regex(/^[A-Z][A-Z0-9]{1,11}$/)
    .optional()
    .catch(undefined),
  kanal: z.enum(CHANNELS).optional().catch(undefined),
  per: z.enum(INTERVALS).optional().catch(undefined),
});
type FilterQuery = z.output<typeof filterQuery>;
const tableParams = z.object({ table: z.enum(DASHBOARD_TABLES) });

const CHANNEL_KEY = {
  online: 'dashboard.channel.online',
  assisted: 'dashboard.channel.assisted',
  walk_in: 'dashboard.channel.walk_in',
  courier: 'dashboard.channel.courier',
} as const satisfies Record<(typeof CHANNELS)[number], MessageKey>;

/** "37,5% (75 dari 200)", or "belum tercatat" when nothing is recorded. */
function ratioText(lang: Lang, r: Ratio): SafeHtml {
  const p = percentOf(lang, r);
  if (p === null) return html`<span data-none>${t(lang, 'dashboard.none')}</span>`;
  return html`<span data-numerator="${r.numerator}" data-denominator="${r.denominator}">${t(lang, 'dashboard.ratio', { percent: p, n: r.numerator, total: r.denominator })}</span>`;
}

function cell(lang: Lang, r: Ratio): SafeHtml {
  return html`<td class="table__cell--numeric">${ratioText(lang, r)}</td>`;
}

function table(id: string, caption: string, head: string[], rows: SafeHtml[], csvHref: string, lang: Lang): SafeHtml {
  return html`<div class="table-wrap" role="region" aria-labelledby="${id}-caption" tabindex="0"><table class="table" data-table="${id}">
<caption class="table__caption" id="${id}-caption">${caption}</caption>
<thead><tr>${head.map((h, i) => html`<th scope="col"${i > 0 ? html` class="table__header--numeric"` : ''}>${h}</th>`)}</tr></thead>
<tbody>${rows}</tbody></table></div>
<p><a href="${csvHref}" download>${t(lang, 'dashboard.csv')}</a></p>`;
}

function stepText(lang: Lang, s: DropOffStep): string {
  if (s.kind === 'field') return t(lang, 'dashboard.step.field', { label: loc(lang, s.label) });
  if (s.kind === 'document') return t(lang, 'dashboard.step.document', { label: loc(lang, s.label) });
  return t(lang, 'dashboard.step.check');
}

function query(r: DashboardReport): string {
  const q = new URLSearchParams({ dari: r.from, sampai: r.to, per: r.interval });
  if (r.filters.permitType) q.set('jenis', r.filters.permitType);
  if (r.filters.channel) q.set('kanal', r.filters.channel);
  return q.toString();
}

function toService(q: FilterQuery): Omit<DashboardQuery, 'actor'> {
  return { from: q.dari, to: q.sampai, permitType: q.jenis, channel: q.kanal, interval: q.per };
}

function render(lang: Lang, r: DashboardReport): SafeHtml {
  const qs = query(r);
  const csv = (tb: DashboardTable) => `/kantor/dasbor/${tb}.csv?${qs}`;
  const intervalName = t(lang, `dashboard.interval.${r.interval}`).toLowerCase();
  const total = r.takeUp.total;
  const shareRows = (s: ChannelShares) => [s.digital, s.online, s.assisted, s.walkIn, s.courier];
  const channelLabels = [t(lang, 'dashboard.channel.digital'), ...CHANNELS.map((c) => t(lang, CHANNEL_KEY[c]))];
  const now = permille(total.digital);
  const before = permille(r.takeUp.previous.digital);
  const trend =
    now === null || before === null
      ? t(lang, 'dashboard.none')
      : t(lang, 'dashboard.takeUp.trend.value', {
          sign: now - before > 0 ? '+' : now - before < 0 ? '−' : '±',
          points: formatPermille(lang, Math.abs(now - before)).replace('%', ''),
        });
  const filters = html`<form method="get" action="/kantor/dasbor" class="filters" data-filters>
  <div class="form-group filter"><label class="label" for="f-dari">${t(lang, 'dashboard.filter.from')}</label><input class="input" type="date" id="f-dari" name="dari" value="${r.from}"></div>
  <div class="form-group filter"><label class="label" for="f-sampai">${t(lang, 'dashboard.filter.to')}</label><input class="input" type="date" id="f-sampai" name="sampai" value="${r.to}"></div>
  <div class="form-group filter"><label class="label" for="f-jenis">${t(lang, 'dashboard.filter.type')}</label><select class="input" id="f-jenis" name="jenis"><option value="">${t(lang, 'dashboard.filter.all')}</option>${r.permitTypes.map((pt) => html`<option value="${pt.code}"${pt.code === r.filters.permitType ? html` selected` : ''}>${loc(lang, pt.name)}</option>`)}</select></div>
  <div class="form-group filter"><label class="label" for="f-kanal">${t(lang, 'dashboard.filter.channel')}</label><select class="input" id="f-kanal" name="kanal"><option value="">${t(lang, 'dashboard.filter.all')}</option>${CHANNELS.map((c) => html`<option value="${c}"${c === r.filters.channel ? html` selected` : ''}>${t(lang, CHANNEL_KEY[c])}</option>`)}</select></div>
  <div class="form-group filter"><label class="label" for="f-per">${t(lang, 'dashboard.filter.interval')}</label><select class="input" id="f-per" name="per">${INTERVALS.map((i) => html`<option value="${i}"${i === r.interval ? html` selected` : ''}>${t(lang, `dashboard.interval.${i}`)}</option>`)}</select></div>
  ${button(t(lang, 'dashboard.filter.show'), { secondary: true })}
</form>`;

  const takeUp = html`<h2 id="serapan">${t(lang, 'dashboard.takeUp.heading')}</h2>
<p>${t(lang, 'dashboard.takeUp.explain')}</p>
<p class="headline" data-headline><strong>${ratioText(lang, total.digital)}</strong></p>
<dl class="summary-list">
  <div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'dashboard.takeUp.previous', { from: r.previous.from, to: r.previous.to })}</dt><dd class="summary-list__value" data-previous>${ratioText(lang, r.takeUp.previous.digital)}</dd></div>
  <div class="summary-list__row"><dt class="summary-list__key">${t(lang, 'dashboard.takeUp.trend')}</dt><dd class="summary-list__value" data-trend>${trend}</dd></div>
</dl>
<div class="dashboard-figure">${barChart({
    id: 'chart-channels',
    title: t(lang, 'dashboard.chart.channels.title', { from: r.from, to: r.to }),
    desc: t(lang, 'dashboard.chart.channels.desc', {
      list: shareRows(total)
        .map((s, i) => `${channelLabels[i]} ${percentOf(lang, s) ?? t(lang, 'dashboard.none')}`)
        .join('; '),
    }),
    rows: shareRows(total).map((s, i) => ({ label: channelLabels[i]!, value: permille(s) ?? 0, text: percentOf(lang, s) ?? t(lang, 'dashboard.none') })),
    max: 1000,
  })}</div>
${table(
  'kanal',
  t(lang, 'dashboard.channels.caption'),
  [t(lang, 'dashboard.col.channel'), t(lang, 'dashboard.col.share')],
  shareRows(total).map(
    (s, i) => html`<tr data-channel="${i === 0 ? 'digital' : CHANNELS[i - 1]}"><th scope="row">${channelLabels[i]}</th>${cell(lang, s)}</tr>`,
  ),
  csv('serapan'),
  lang,
)}
<div class="dashboard-figure">${barChart({
    id: 'chart-series',
    title: t(lang, 'dashboard.chart.takeUp.title', { interval: intervalName, from: r.from, to: r.to }),
    desc: t(lang, 'dashboard.chart.takeUp.desc', { value: percentOf(lang, total.digital) ?? t(lang, 'dashboard.none') }),
    rows: r.takeUp.series.map((s) => ({
      label: s.start === s.end ? s.start : `${s.start}–${s.end.slice(5)}`,
      value: permille(s.digital) ?? 0,
      text: percentOf(lang, s.digital) ?? '—',
    })),
    max: 1000,
    uniform: true,
  })}</div>
${table(
  'serapan',
  t(lang, 'dashboard.series.caption', { interval: intervalName }),
  [
    t(lang, 'dashboard.col.period'),
    t(lang, 'dashboard.col.digital'),
    t(lang, 'dashboard.col.assisted'),
    t(lang, 'dashboard.col.counter'),
    t(lang, 'dashboard.col.courier'),
  ],
  r.takeUp.series.map(
    (s) =>
      html`<tr data-period="${s.start}"><th scope="row">${s.start === s.end ? s.start : `${s.start} – ${s.end}`}</th>${
        s.filed === 0
          ? html`<td colspan="4"><span data-none>${t(lang, 'dashboard.none')}</span></td>`
          : html`${cell(lang, s.digital)}${cell(lang, s.assisted)}${cell(lang, s.walkIn)}${cell(lang, s.courier)}`
      }</tr>`,
  ),
  csv('serapan'),
  lang,
)}
${table(
  'jenis-izin',
  t(lang, 'dashboard.types.caption'),
  [
    t(lang, 'dashboard.col.type'),
    t(lang, 'dashboard.col.digital'),
    t(lang, 'dashboard.col.assisted'),
    t(lang, 'dashboard.col.counter'),
    t(lang, 'dashboard.col.courier'),
    t(lang, 'dashboard.col.previous'),
  ],
  r.takeUp.byPermitType.length
    ? r.takeUp.byPermitType.map(
        (s) =>
          html`<tr data-type="${s.code}"><th scope="row">${loc(lang, s.name)}</th>${cell(lang, s.digital)}${cell(lang, s.assisted)}${cell(lang, s.walkIn)}${cell(lang, s.courier)}${cell(lang, s.previousDigital)}</tr>`,
      )
    : [html`<tr><td colspan="6">${t(lang, 'dashboard.none')}</td></tr>`],
  csv('jenis-izin'),
  lang,
)}`;

  const c = r.completion;
  const completion = html`<h2 id="penyelesaian">${t(lang, 'dashboard.completion.heading')}</h2>
<p>${t(lang, 'dashboard.completion.explain')}</p>
<p data-completion><strong>${t(lang, 'dashboard.completion.total')}: ${ratioText(lang, c.total)}</strong></p>
${table(
  'penyelesaian',
  t(lang, 'dashboard.completion.caption'),
  [t(lang, 'dashboard.col.type'), t(lang, 'dashboard.col.started'), t(lang, 'dashboard.col.submitted'), t(lang, 'dashboard.col.rate')],
  c.byPermitType.length
    ? c.byPermitType.map(
        (s) =>
          html`<tr data-type="${s.code}"><th scope="row">${loc(lang, s.name)}</th><td class="table__cell--numeric">${s.rate.denominator}</td><td class="table__cell--numeric">${s.rate.numerator}</td>${cell(lang, s.rate)}</tr>`,
      )
    : [html`<tr><td colspan="4">${t(lang, 'dashboard.none')}</td></tr>`],
  csv('penyelesaian'),
  lang,
)}
<h3>${t(lang, 'dashboard.dropOff.heading')}</h3>
<p>${t(lang, 'dashboard.dropOff.explain', { n: c.notSubmitted })}</p>
${table(
  'berhenti',
  t(lang, 'dashboard.dropOff.caption'),
  [t(lang, 'dashboard.col.type'), t(lang, 'dashboard.col.step'), t(lang, 'dashboard.col.drafts')],
  c.dropOff.length
    ? c.dropOff.map(
        (d) =>
          html`<tr data-step="${d.permitCode}:${d.step.kind}${'code' in d.step ? `:${d.step.code}` : ''}"><th scope="row">${loc(lang, d.permitName)}</th><td>${stepText(lang, d.step)}</td><td class="table__cell--numeric">${d.drafts}</td></tr>`,
      )
    : [html`<tr><td colspan="3">${t(lang, 'dashboard.none')}</td></tr>`],
  csv('berhenti'),
  lang,
)}`;

  const flow = html`<h2 id="masuk-keluar">${t(lang, 'dashboard.flow.heading')}</h2>
${table(
  'masuk-keluar',
  t(lang, 'dashboard.flow.caption', { interval: intervalName }),
  [t(lang, 'dashboard.col.period'), t(lang, 'dashboard.col.in'), t(lang, 'dashboard.col.out')],
  [
    ...r.flow.series.map(
      (s) =>
        html`<tr data-period="${s.start}"><th scope="row">${s.start === s.end ? s.start : `${s.start} – ${s.end}`}</th><td class="table__cell--numeric">${s.in}</td><td class="table__cell--numeric">${s.out}</td></tr>`,
    ),
    html`<tr data-flow-total><th scope="row">${t(lang, 'dashboard.col.total')}</th><td class="table__cell--numeric">${r.flow.in}</td><td class="table__cell--numeric">${r.flow.out}</td></tr>`,
  ],
  csv('masuk-keluar'),
  lang,
)}`;

  const backlog = html`<h2 id="tunggakan">${t(lang, 'dashboard.backlog.heading')}</h2>
${
  r.backlog.states.length
    ? html`<div class="dashboard-figure">${barChart({
        id: 'chart-backlog',
        title: t(lang, 'dashboard.chart.backlog.title'),
        desc: t(lang, 'dashboard.chart.backlog.desc', { list: r.backlog.states.map((s) => `${loc(lang, s.label)} ${s.count}`).join('; ') }),
        rows: r.backlog.states.map((s) => ({ label: loc(lang, s.label), value: s.count, text: String(s.count) })),
        uniform: true,
      })}</div>`
    : ''
}
${table(
  'tunggakan',
  t(lang, 'dashboard.backlog.caption'),
  [t(lang, 'dashboard.col.state'), t(lang, 'dashboard.col.open')],
  [
    ...r.backlog.states.map(
      (s) => html`<tr data-state="${s.code}"><th scope="row">${loc(lang, s.label)}</th><td class="table__cell--numeric">${s.count}</td></tr>`,
    ),
    html`<tr data-backlog-total><th scope="row">${t(lang, 'dashboard.col.total')}</th><td class="table__cell--numeric">${r.backlog.total}</td></tr>`,
  ],
  csv('tunggakan'),
  lang,
)}`;

  const median = (m: number | null) => (m === null ? t(lang, 'dashboard.none') : new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB').format(m));
  const sla = html`<h2 id="sla">${t(lang, 'dashboard.sla.heading')}</h2>
<p>${t(lang, 'dashboard.sla.explain')}</p>
${table(
  'sla',
  t(lang, 'dashboard.sla.caption'),
  [t(lang, 'dashboard.col.type'), t(lang, 'dashboard.col.sla'), t(lang, 'dashboard.col.compliance'), t(lang, 'dashboard.col.median')],
  [
    ...r.sla.byPermitType.map(
      (s) =>
        html`<tr data-type="${s.code}"><th scope="row">${loc(lang, s.name)}</th><td class="table__cell--numeric">${s.slaWorkingDays ?? ''}</td>${cell(lang, s.compliance)}<td class="table__cell--numeric" data-median="${s.medianWorkingDays ?? ''}">${median(s.medianWorkingDays)}</td></tr>`,
    ),
    html`<tr data-sla-total><th scope="row">${t(lang, 'dashboard.col.total')}</th><td></td>${cell(lang, r.sla.total.compliance)}<td class="table__cell--numeric" data-median="${r.sla.total.medianWorkingDays ?? ''}">${median(r.sla.total.medianWorkingDays)}</td></tr>`,
  ],
  csv('sla'),
  lang,
)}`;

  const overdue = html`<h2 id="terlambat">${t(lang, 'dashboard.overdue.heading')}</h2>
${table(
  'terlambat',
  t(lang, 'dashboard.overdue.caption'),
  [t(lang, 'dashboard.col.type'), t(lang, 'dashboard.col.overdue')],
  [
    ...r.overdue.byPermitType.map(
      (s) => html`<tr data-type="${s.code}"><th scope="row">${loc(lang, s.name)}</th><td class="table__cell--numeric">${s.count}</td></tr>`,
    ),
    html`<tr data-overdue-total><th scope="row">${t(lang, 'dashboard.col.total')}</th><td class="table__cell--numeric">${r.overdue.total}</td></tr>`,
  ],
  csv('terlambat'),
  lang,
)}`;

  return html`<h1>${t(lang, 'dashboard.title')}</h1>
<p>${t(lang, 'dashboard.lead', { from: r.from, to: r.to, zone: r.timeZone })}</p>
<p><a href="/transparansi">${t(lang, 'transparency.dashboard')}</a></p>
${filters}
${takeUp}
${completion}
${flow}
${backlog}
${sla}
${overdue}
${renderOperations(lang, r.operations, r, { table, ratioText, csv })}`;
}

/**
 * The head's dashboard (/kantor/dasbor): the filters as a plain GET form, each figure as a table with
 * its numerator and denominator, server-side SVG charts beside the tables, each table as CSV
 * (/kantor/dasbor/{table}.csv with the same filters). Head and admin (dashboard.read).
 */
export function dashboardPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  page.get('/kantor/dasbor', { access: 'office', permission: 'dashboard.read', query: filterQuery }, async ({ req, reply, lang, actor, query }) => {
    const report = await services.dashboard.getDashboard({ actor, ...toService(query), lenient: true });
    const notice = report.adjusted ? banner(t(lang, 'dashboard.filter.bad')) : null;
    return sendPage(req, reply, { title: t(lang, 'dashboard.title'), back: '/kantor', notice, body: render(lang, report) });
  });

  page.get(
    '/kantor/dasbor/:table.csv',
    { access: 'office', permission: 'dashboard.read', params: tableParams, query: filterQuery },
    async ({ reply, actor, params, query }) => {
      const out = await services.dashboard.exportCsv({ actor, ...toService(query), lenient: true, table: params.table });
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', contentDisposition('attachment', `dasbor-${params.table}-${out.from}-${out.to}.csv`))
        .header('cache-control', 'no-store')
        .send(out.csv);
    },
  );
}
