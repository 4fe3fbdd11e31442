import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Lang } from '../shared/messages.js';
import { isCalendarDate } from '../shared/time.js';
import type { Services } from '../services.js';
import { button, errorFor, fieldId, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { issuesToFieldErrors, pageKit } from '../web/page-route.js';
import { certificateOf, dateText } from './permit.document.js';
import { permitStatusTag } from './permits.views.js';
import { type PublicPermitStatus, type RegistryFilters, registryStatusSchema } from './registry.schema.js';

const PAGE_SIZE = 20;
const STATUSES: readonly string[] = registryStatusSchema.options;

/** A query field as the search form shows it again: the first value if repeated, trimmed, bounded. */
const field = (max: number) =>
  z.preprocess((v) => (Array.isArray(v) ? (v[0] as unknown) : v), z.string().optional()).transform((s) => (s ?? '').trim().slice(0, max));

/** The address as typed: every field a string, so a bad one is shown back with its error, not dropped. */
const registryQuery = z.object({
  q: field(200),
  type: field(20).transform((s) => s.toUpperCase()),
  status: field(20),
  from: field(20),
  to: field(20),
  page: field(10).transform((s) => (/^\d{1,5}$/.test(s) && Number(s) >= 1 ? Math.min(Number(s), 10_000) : 1)),
});
type RegistryValues = Omit<z.output<typeof registryQuery>, 'page'>;

/** The search as filters, with messages in the visitor's language; the type must be one the registry lists. */
function filtersSchema(lang: Lang, types: ReadonlySet<string>) {
  const unset = (s: string) => s || undefined;
  const date = (label: string) =>
    z
      .string()
      .refine((s) => !s || isCalendarDate(s), t(lang, 'registry.date.invalid', { label }))
      .transform(unset);
  return z
    .object({
      q: z.string().max(100, t(lang, 'registry.q.too_long')).transform(unset),
      type: z
        .string()
        .refine((s) => !s || types.has(s), t(lang, 'registry.type.invalid'))
        .transform(unset),
      status: z
        .string()
        .refine((s) => !s || STATUSES.includes(s), t(lang, 'registry.status.invalid'))
        .transform((s) => (s || undefined) as PublicPermitStatus | undefined),
      from: date(t(lang, 'registry.from')),
      to: date(t(lang, 'registry.to')),
    })
    .refine((f) => !f.from || !f.to || f.from <= f.to, {
      path: ['to'],
      message: t(lang, 'registry.range.invalid'),
      // A range is judged only once both dates (and everything else) are well formed.
      when: (payload) => payload.issues.length === 0,
    }) satisfies z.ZodType<RegistryFilters>;
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
  const kit = pageKit(app);

  kit.get('/registri', { access: 'anyone', query: registryQuery, rateLimit: { max: 60, timeWindow: '1 minute' } }, async ({ req, reply, lang, query }) => {
    const { page, ...values }: { page: number } & RegistryValues = query;

    const types = (await services.catalogue.listPermitTypes({ tenantId: req.tenant.id, includeDisabled: true })).filter(
      (pt) => certificateOf(pt.definition).publicRegistry,
    );
    const typeNames = new Map(types.map((pt) => [pt.definition.code, pt.definition.name]));
    const parsed = filtersSchema(lang, new Set(typeNames.keys())).safeParse(values);
    const errors = parsed.success ? [] : issuesToFieldErrors(parsed.error.issues);

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
    registryStatusSchema.options.map((s) => ({ value: s, label: t(lang, `permit.status.${s}`) })),
  )}
  ${textInput({ lang, name: 'from', label: t(lang, 'registry.from'), type: 'date', value: values.from, error: errorFor(errors, 'from'), width: 'medium' })}
  ${textInput({ lang, name: 'to', label: t(lang, 'registry.to'), type: 'date', value: values.to, error: errorFor(errors, 'to'), width: 'medium' })}
  </div>
  ${button(t(lang, 'registry.search'))}
</form>`;
    const head = html`<h1>${t(lang, 'registry.title')}</h1>
<p class="lead">${t(lang, 'registry.lead')}</p>`;

    if (!parsed.success) return sendPage(req, reply, { title: t(lang, 'registry.title'), errors, status: 400, body: html`${head}${form}` });

    const result = await services.permits.searchRegistry({ tenantId: req.tenant.id, filters: parsed.data, page, pageSize: PAGE_SIZE });
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    const first = (page - 1) * PAGE_SIZE + 1;
    const last = first + result.records.length - 1;
    const exportQuery = queryString(values);
    const pageLink = (n: number) => `/registri${queryString({ ...values, page: n > 1 ? String(n) : undefined })}`;

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
  <tbody>${result.records.map((r) => {
    const typeName = typeNames.get(r.PermitType);
    return html`<tr>
    <th scope="row"><a href="/v/${r.VerificationCode}">${r.PermitNum}</a></th>
    <td>${permitStatusTag(lang, r.StatusCurrent)}</td>
    <td>${typeName ? loc(lang, typeName) : r.PermitTypeDesc}</td>
    <td>${r.HolderName}</td>
    <td>${r.BusinessName ?? html`<span class="muted">–</span>`}</td>
    <td>${dateText(r.IssuedDate)[lang]}</td>
    <td>${r.ExpiresDate ? dateText(r.ExpiresDate)[lang] : t(lang, 'registry.expires.none')}</td>
  </tr>`;
  })}</tbody>
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
<p><a href="/verifikasi">${t(lang, 'verification.title')}</a></p>
<p><a href="/transparansi">${t(lang, 'transparency.link')}</a></p>`,
    });
  });
}
