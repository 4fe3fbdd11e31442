import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { can } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import { contentDisposition } from '../http/content-disposition.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { banner, button, csrfField, errorFor, type FieldError, summaryList, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { formatDateTime, formatRupiah, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { monthLong, revenueChart } from './revenue.chart.js';
import type { RevenueReport } from './revenue.service.js';

const yearQuery = z.object({
  tahun: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  disimpan: z.literal('1').optional().catch(undefined),
});
const yearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

/** 553 tenths of a percent → "55,3%" (or "55.3%"), from the integer, without floating point. */
export function formatPermille(lang: Lang, permille: number): string {
  const whole = new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB').format(Math.trunc(permille / 10));
  return `${whole}${lang === 'id' ? ',' : '.'}${permille % 10}%`;
}

/** "12.500.000.000", "Rp 12500000000", "12 500 000 000" → 12500000000; anything else (decimals, words) → NaN. */
export function parseRupiah(text: string | undefined): number {
  const s = (text ?? '')
    .trim()
    .replace(/^rp\.?\s*/i, '')
    .replace(/[.\s]/g, '');
  return /^\d{1,16}$/.test(s) ? Number(s) : Number.NaN;
}

function projectionText(lang: Lang, r: RevenueReport): string {
  const p = r.projection;
  if (p.basis === 'none') return t(lang, 'revenue.projection.none');
  if (p.basis === 'actual') return t(lang, 'revenue.projection.actual', { amount: formatRupiah(p.amount ?? 0) });
  const params = { amount: formatRupiah(p.amount ?? 0), elapsed: p.elapsedDays, days: p.daysInYear };
  return p.permilleOfTarget === null
    ? t(lang, 'revenue.projection.pace.noTarget', params)
    : t(lang, 'revenue.projection.pace', { ...params, percent: formatPermille(lang, p.permilleOfTarget) });
}

/**
 * Retribution revenue against the annual target (/kantor/pendapatan?tahun=2026): the figures, an
 * accessible SVG chart of the cumulative revenue against the target line, the numbers per permit type
 * and month in a table, a year picker (a GET form), the CSV, and for the admin the form that sets the
 * year's target. Head, admin and treasurer read (revenue.read); only the admin sets (revenue.manage).
 */
export function revenuePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  const render = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number | undefined,
    opts: { values?: Record<string, string>; errors?: FieldError[]; saved?: boolean } = {},
  ) => {
    const lang = req.lang;
    const r = await services.revenue.getRevenue({ actor, year });
    const zone = r.timeZone;
    const thisYear = Number(r.today.slice(0, 4));
    const manages = can(actor, 'revenue.manage', { tenantId: actor.tenantId });
    const e = opts.errors ?? [];
    const v = opts.values ?? {};
    const years = [...new Set([...Array.from({ length: 6 }, (_, i) => thisYear - 4 + i), r.year])].sort((a, b) => b - a);
    const picker = html`<form method="get" action="/kantor/pendapatan" class="filters" data-year-picker>
  <div class="form-group filter">
    <label class="label" for="f-tahun">${t(lang, 'revenue.picker.year')}</label>
    <select class="input" id="f-tahun" name="tahun">${years.map((y) => html`<option value="${y}"${y === r.year ? html` selected` : ''}>${y}</option>`)}</select>
  </div>
  ${button(t(lang, 'revenue.picker.show'), { secondary: true })}
</form>`;
    const summary = summaryList([
      { key: t(lang, 'revenue.summary.total'), value: t(lang, 'revenue.summary.total.value', { amount: formatRupiah(r.total), n: r.count }) },
      {
        key: t(lang, 'revenue.summary.target'),
        value: r.target
          ? html`<span data-target="${r.target.amount}">${formatRupiah(r.target.amount)}</span>`
          : html`<span data-no-target>${t(lang, 'revenue.summary.noTarget', { year: r.year })}</span>`,
      },
      {
        key: t(lang, 'revenue.summary.achieved'),
        value:
          r.achievedPermille === null
            ? html`<span data-achieved="none">${t(lang, 'revenue.summary.achieved.none')}</span>`
            : html`<span data-achieved="${r.achievedPermille}">${formatPermille(lang, r.achievedPermille)}</span>`,
      },
      { key: t(lang, 'revenue.summary.projection'), value: html`<span data-projection="${r.projection.basis}">${projectionText(lang, r)}</span>` },
    ]);
    const types = r.permitTypes;
    const table = html`<div class="table-wrap" role="region" aria-labelledby="revenue-caption" tabindex="0"><table class="table" data-revenue-table>
  <caption class="table__caption" id="revenue-caption">${t(lang, 'revenue.table.caption', { year: r.year })}</caption>
  <thead><tr><th scope="col">${t(lang, 'revenue.table.month')}</th>${types.map(
    (pt) =>
      html`<th scope="col" class="table__header--numeric">${t(lang, 'revenue.table.payments', { name: loc(lang, pt.name) })}</th><th scope="col" class="table__header--numeric">${t(lang, 'revenue.table.amount', { name: loc(lang, pt.name) })}</th>`,
  )}<th scope="col" class="table__header--numeric">${t(lang, 'revenue.table.total')}</th><th scope="col" class="table__header--numeric">${t(lang, 'revenue.table.cumulative')}</th></tr></thead>
  <tbody>${r.months.map(
    (m) =>
      html`<tr data-month="${m.month}"><th scope="row">${monthLong(lang, m.month)}</th>${types.map((pt) => {
        const c = pt.months[m.month - 1]!;
        return html`<td class="table__cell--numeric">${c.count}</td><td class="table__cell--numeric" data-type="${pt.code}">${formatRupiah(c.total)}</td>`;
      })}<td class="table__cell--numeric" data-total="${m.total}">${formatRupiah(m.total)}</td><td class="table__cell--numeric">${formatRupiah(m.cumulative)}</td></tr>`,
  )}</tbody>
  <tfoot><tr data-year-total><th scope="row">${t(lang, 'revenue.table.yearTotal', { year: r.year })}</th>${types.map(
    (pt) => html`<td class="table__cell--numeric">${pt.count}</td><td class="table__cell--numeric">${formatRupiah(pt.total)}</td>`,
  )}<td class="table__cell--numeric" data-total="${r.total}">${formatRupiah(r.total)}</td><td class="table__cell--numeric">${formatRupiah(r.total)}</td></tr></tfoot>
</table></div>`;
    const form = html`<h2>${t(lang, 'revenue.target.heading', { year: r.year })}</h2>
${r.year === thisYear ? html`<p>${t(lang, 'revenue.target.next', { year: thisYear + 1 })} <a href="/kantor/pendapatan?tahun=${thisYear + 1}">${thisYear + 1}</a></p>` : ''}
<form method="post" action="/kantor/pendapatan/${r.year}/target" novalidate data-target-form>${csrfField(req)}
  ${textInput({ lang, name: 'amount', label: t(lang, 'revenue.target.amount'), hint: t(lang, 'revenue.target.amount.hint'), value: v.amount ?? (r.target ? String(r.target.amount) : ''), error: errorFor(e, 'amount'), inputmode: 'numeric', width: 'medium', maxlength: 24 })}
  ${textInput({ lang, name: 'reason', label: t(lang, 'revenue.target.reason'), hint: t(lang, 'revenue.target.reason.hint'), value: v.reason, error: errorFor(e, 'reason'), maxlength: 500 })}
  ${button(t(lang, 'revenue.target.save'))}
</form>`;
    const history = r.targetHistory.length
      ? html`<h2>${t(lang, 'revenue.target.history', { year: r.year })}</h2>
<ol class="list" reversed data-target-history>${r.targetHistory.map(
          (
            h,
          ) => html`<li data-version="${h.version}"><strong>${t(lang, 'revenue.target.history.row', { version: h.version, amount: formatRupiah(h.amount) })}</strong><br>
  ${formatDateTime(lang, h.setAt, zone)}${h.setBy ? html`, ${h.setBy}` : ''}: ${h.reason}</li>`,
        )}</ol>`
      : '';
    return sendPage(req, reply, {
      title: t(lang, 'revenue.year.title', { year: r.year }),
      errors: e,
      back: '/kantor',
      notice: opts.saved && r.target ? banner(t(lang, 'revenue.target.saved', { year: r.year, amount: formatRupiah(r.target.amount) }), 'success') : null,
      body: html`<h1>${t(lang, 'revenue.year.title', { year: r.year })}</h1>
<p>${t(lang, 'revenue.lead', { zone })}</p>
${picker}
${summary}
<figure class="revenue-figure">${revenueChart(lang, r)}</figure>
${r.count === 0 ? html`<p data-no-revenue>${t(lang, 'revenue.none', { year: r.year })}</p>` : ''}
${table}
<p><a href="/kantor/pendapatan.csv?tahun=${r.year}" download>${t(lang, 'revenue.csv', { year: r.year })}</a></p>
${manages ? form : ''}
${history}`,
    });
  };

  page.get('/kantor/pendapatan', { access: 'office', permission: 'revenue.read', query: yearQuery }, async ({ req, reply, actor, query }) =>
    render(req, reply, actor, query.tahun, { saved: query.disimpan === '1' }),
  );

  page.get('/kantor/pendapatan.csv', { access: 'office', permission: 'revenue.read', query: yearQuery }, async ({ reply, actor, query }) => {
    const { year, csv } = await services.revenue.exportCsv({ actor, year: query.tahun });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition('attachment', `pendapatan-${year}.csv`))
      .header('cache-control', 'no-store')
      .send(csv);
  });

  page.post(
    '/kantor/pendapatan/:year/target',
    { access: 'office', permission: 'revenue.manage', params: yearParams, maxFieldLength: 500 },
    async ({ req, reply, lang, actor, params, form }) => {
      const v = form.values;
      try {
        await services.revenue.setTarget({ actor, year: params.year, amount: parseRupiah(v.amount), reason: v.reason ?? '' });
        return reply.redirect(`/kantor/pendapatan?tahun=${params.year}&disimpan=1`, 303);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'conflict')
          return render(req, reply, actor, params.year, { values: v, errors: [{ field: 'reason', message: t(lang, 'revenue.bad.conflict') }] });
        if (err.code !== 'invalid_input') throw err;
        const errors: FieldError[] = [];
        for (const f of err.details.fields ?? []) {
          if (f.field === 'amount') errors.push({ field: 'amount', message: t(lang, 'revenue.bad.amount') });
          else if (f.field === 'reason') errors.push({ field: 'reason', message: t(lang, 'revenue.bad.reason') });
          else if (f.field === 'year') errors.push({ field: 'amount', message: t(lang, 'revenue.bad.year') });
        }
        return render(req, reply, actor, params.year, { values: v, errors });
      }
    },
  );
}
