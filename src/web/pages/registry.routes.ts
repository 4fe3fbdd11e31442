import type { FastifyInstance } from 'fastify';
import { certificateOf, dateText } from '../../permits/permit.document.js';
import { registryStatusSchema, type PublicPermitStatus } from '../../permits/registry.schema.js';
import type { Services } from '../../services.js';
import { button, errorFor, type FieldError, fieldId, textInput } from '../components.js';
import { html, type SafeHtml } from '../html.js';
import { loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { permitStatusTag } from './verify.routes.js';

const PAGE_SIZE = 20;
const STATUSES = registryStatusSchema.options;

/** A real calendar date written YYYY-MM-DD. */
function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

/** Only the filters that are set, so the export API (which allows nothing else) accepts the same query. */
function queryString(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * The public register of issued permits: a GET search form (works without JavaScript), an
 * accessible table a page at a time, and the open-data downloads for the same search. What the
 * service returns is what the permit itself shows: never a NIK, phone number or email.
 */
export function registryPages(app: FastifyInstance, services: Services): void {
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>(
    '/registri',
    { schema: { hide: true }, config: { rateLimit: { max: 60, timeWindow: '1 minute' } } },
    async (req, reply) => {
      const lang = req.lang;
      const one = (k: string, max: number) => {
        const v = req.query[k];
        const s = Array.isArray(v) ? v[0] : v;
        return typeof s === 'string' ? s.trim().slice(0, max) : '';
      };
      const values = { q: one('q', 200), type: one('type', 20).toUpperCase(), status: one('status', 20), from: one('from', 20), to: one('to', 20) };
      const pageText = one('page', 10);
      const page = /^\d{1,5}$/.test(pageText) && Number(pageText) >= 1 ? Math.min(Number(pageText), 10_000) : 1;

      const types = (await services.catalogue.listPermitTypes({ tenantId: req.tenant.id, includeDisabled: true })).filter(
        (pt) => certificateOf(pt.definition).publicRegistry,
      );
      const typeNames = new Map(types.map((pt) => [pt.definition.code, pt.definition.name]));

      const errors: FieldError[] = [];
      if (values.q.length > 100) errors.push({ field: 'q', message: t(lang, 'registry.q.too_long') });
      if (values.type && !typeNames.has(values.type)) errors.push({ field: 'type', message: t(lang, 'registry.type.invalid') });
      if (values.status && !(STATUSES as readonly string[]).includes(values.status))
        errors.push({ field: 'status', message: t(lang, 'registry.status.invalid') });
      if (values.from && !isDate(values.from)) errors.push({ field: 'from', message: t(lang, 'registry.date.invalid', { label: t(lang, 'registry.from') }) });
      if (values.to && !isDate(values.to)) errors.push({ field: 'to', message: t(lang, 'registry.date.invalid', { label: t(lang, 'registry.to') }) });
      if (errors.length === 0 && values.from && values.to && values.from > values.to) errors.push({ field: 'to', message: t(lang, 'registry.range.invalid') });

      const select = (name: string, label: string, value: string, options: { value: string; label: string }[]) => {
        const error = errorFor(errors, name);
        const id = fieldId(name);
        return html`<div class="form-group${error ? ' form-group--error' : ''}">
  <label class="label" for="${id}">${label}</label>
  ${error ? html`<p id="${id}-error" class="error-message"><span class="visually-hidden">${t(lang, 'error.prefix')}</span> ${error}</p>` : ''}
  <select class="input${error ? ' input--error' : ''}" id="${id}" name="${name}"${error ? html` aria-describedby="${id}-error"` : ''}><option value="">${t(lang, 'registry.status.all')}</option>${options.map(
    (o) => html`<option value="${o.value}"${o.value === value ? html` selected` : ''}>${o.label}</option>`,
  )}</select>
</div>`;
      };
      const form = html`<form method="get" action="/registri" role="search" aria-label="${t(lang, 'registry.title')}" novalidate>
  ${textInput({ lang, name: 'q', label: t(lang, 'registry.q'), value: values.q, error: errorFor(errors, 'q'), maxlength: 100, spellcheck: false })}
  <div class="filters">
  ${select(
    'type',
    t(lang, 'permit.type'),
    values.type,
    types.map((pt) => ({ value: pt.definition.code, label: loc(lang, pt.definition.name) })),
  )}
  ${select(
    'status',
    t(lang, 'permit.status'),
    values.status,
    STATUSES.map((s) => ({ value: s, label: t(lang, `permit.status.${s}`) })),
  )}
  ${textInput({ lang, name: 'from', label: t(lang, 'registry.from'), type: 'date', value: values.from, error: errorFor(errors, 'from'), width: 'medium' })}
  ${textInput({ lang, name: 'to', label: t(lang, 'registry.to'), type: 'date', value: values.to, error: errorFor(errors, 'to'), width: 'medium' })}
  </div>
  ${button(t(lang, 'registry.search'))}
</form>`;
      const head = html`<h1>${t(lang, 'registry.title')}</h1>
<p class="lead">${t(lang, 'registry.lead')}</p>`;

      if (errors.length) return sendPage(req, reply, { title: t(lang, 'registry.title'), errors, status: 400, body: html`${head}${form}` });

      const filters = {
        q: values.q || undefined,
        type: values.type || undefined,
        status: (values.status || undefined) as PublicPermitStatus | undefined,
        from: values.from || undefined,
        to: values.to || undefined,
      };
      const result = await services.permits.searchRegistry({ tenantId: req.tenant.id, filters, page, pageSize: PAGE_SIZE });
      const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
      const first = (page - 1) * PAGE_SIZE + 1;
      const last = first + result.records.length - 1;
      const exportQuery = queryString({ q: values.q, type: values.type, status: values.status, from: values.from, to: values.to });
      const pageLink = (n: number) =>
        `/registri${queryString({ q: values.q, type: values.type, status: values.status, from: values.from, to: values.to, page: n > 1 ? String(n) : undefined })}`;

      const count = result.records.length
        ? t(lang, 'registry.count', { first, last, total: result.total })
        : result.total === 0
          ? t(lang, 'registry.count.none')
          : t(lang, 'registry.count.beyond', { total: result.total });
      const table: SafeHtml | string = result.records.length
        ? html`<div class="table-wrap" role="region" aria-labelledby="registry-caption" tabindex="0"><table class="table">
  <caption class="table__caption" id="registry-caption">${t(lang, 'registry.caption')}</caption>
  <thead><tr>
    <th scope="col">${t(lang, 'permit.number')}</th><th scope="col">${t(lang, 'permit.status')}</th><th scope="col">${t(lang, 'permit.type')}</th><th scope="col">${t(lang, 'permit.holder')}</th>
    <th scope="col">${t(lang, 'registry.col.business')}</th><th scope="col">${t(lang, 'registry.col.issued')}</th><th scope="col">${t(lang, 'registry.col.expires')}</th>
  </tr></thead>
  <tbody>${result.records.map(
    (r) => html`<tr>
    <th scope="row"><a href="/v/${r.VerificationCode}">${r.PermitNum}</a></th>
    <td>${permitStatusTag(lang, r.StatusCurrent)}</td>
    <td>${typeNames.has(r.PermitType) ? loc(lang, typeNames.get(r.PermitType)!) : r.PermitTypeDesc}</td>
    <td>${r.HolderName}</td>
    <td>${r.BusinessName ?? html`<span class="muted">–</span>`}</td>
    <td>${dateText(r.IssuedDate)[lang]}</td>
    <td>${r.ExpiresDate ? dateText(r.ExpiresDate)[lang] : t(lang, 'registry.expires.none')}</td>
  </tr>`,
  )}</tbody>
</table></div>`
        : '';
      const pagination =
        pages > 1 || page > 1
          ? html`<nav class="pagination" aria-label="${t(lang, 'registry.pagination')}"><ul class="pagination__list">
  ${page > 1 && page <= pages ? html`<li class="pagination__prev"><a href="${pageLink(page - 1)}" rel="prev">${t(lang, 'registry.prev')}<span class="visually-hidden">: ${t(lang, 'registry.page', { n: page - 1, total: pages })}</span></a></li>` : ''}
  ${page > pages ? html`<li><a href="${pageLink(1)}">${t(lang, 'registry.first')}</a></li>` : html`<li class="pagination__current" aria-current="page">${t(lang, 'registry.page', { n: page, total: pages })}</li>`}
  ${page < pages ? html`<li class="pagination__next"><a href="${pageLink(page + 1)}" rel="next">${t(lang, 'registry.next')}<span class="visually-hidden">: ${t(lang, 'registry.page', { n: page + 1, total: pages })}</span></a></li>` : ''}
</ul></nav>`
          : '';

      return sendPage(req, reply, {
        title: page > 1 && page <= pages ? `${t(lang, 'registry.title')} (${t(lang, 'registry.page', { n: page, total: pages })})` : t(lang, 'registry.title'),
        body: html`${head}${form}
<p data-registry-count>${count}</p>
${table}
${pagination}
<h2>${t(lang, 'registry.download')}</h2>
<p>${t(lang, 'registry.download.text')}</p>
<ul class="inline-list">
  <li><a href="/api/v1/registry/export.csv${exportQuery}" download>${t(lang, 'registry.download.csv')}</a></li>
  <li><a href="/api/v1/registry/export.json${exportQuery}" download>${t(lang, 'registry.download.json')}</a></li>
  <li><a href="/api/v1/registry/schema.json">${t(lang, 'registry.schema')}</a></li>
</ul>
<p><a href="/verifikasi">${t(lang, 'verification.title')}</a></p>`,
      });
    },
  );
}
