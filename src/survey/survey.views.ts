import type { FastifyRequest } from 'fastify';
import type { Lang } from '../shared/messages.js';
import { button, csrfField, errorFor, type FieldError, radios } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { loc, type MessageKey, t } from '../web/i18n.js';
import { SKM_ELEMENTS, type SkmElement, type SkmResult } from './skm.js';
import { AGE_BANDS, EDUCATION, OCCUPATIONS, SEXES } from './survey.schemas.js';
import type { SkmReport, SurveyInvitationView } from './survey.service.js';

const RESPONDENT = [
  { name: 'ageBand', prefix: 'survey.ageBand', values: AGE_BANDS },
  { name: 'sex', prefix: 'survey.sex', values: SEXES },
  { name: 'education', prefix: 'survey.education', values: EDUCATION },
  { name: 'occupation', prefix: 'survey.occupation', values: OCCUPATIONS },
] as const;

const key = (k: string) => k as MessageKey;

/** Field errors of the service's invalid_input, as the page shows them: the element's or the detail's name. */
export function surveyFieldErrors(lang: Lang, fields: readonly { field: string }[]): FieldError[] {
  const out: FieldError[] = [];
  for (const f of fields) {
    if ((SKM_ELEMENTS as readonly string[]).includes(f.field)) {
      out.push({ field: f.field, message: t(lang, 'survey.bad.score', { element: t(lang, key(`survey.element.short.${f.field}`)) }) });
    } else if (RESPONDENT.some((r) => r.name === f.field)) {
      out.push({ field: f.field, message: t(lang, 'survey.bad.option', { field: t(lang, key(`survey.respondent.${f.field}`)) }) });
    }
  }
  return out;
}

/** The survey: the nine elements as radio groups 1–4, then the optional respondent details. */
export function surveyForm(
  req: FastifyRequest,
  token: string,
  view: SurveyInvitationView,
  values: Record<string, string>,
  errors: readonly FieldError[],
): SafeHtml {
  const lang = req.lang;
  const scale = [1, 2, 3, 4].map((n) => ({ value: String(n), label: t(lang, key(`survey.scale.${n}`)) }));
  return html`<h1>${t(lang, 'survey.title')}</h1>
<p>${t(lang, 'survey.lead', { service: loc(lang, view.service.name) })}</p>
<form method="post" action="/survei/${token}" novalidate data-survey-form>${csrfField(req)}
${SKM_ELEMENTS.map((e: SkmElement) =>
  radios({
    lang,
    name: e,
    label: t(lang, key(`survey.element.${e}`)),
    hint: t(lang, 'survey.scale.hint'),
    value: values[e],
    error: errorFor(errors, e),
    options: scale,
  }),
)}
<h2>${t(lang, 'survey.respondent.heading')}</h2>
${RESPONDENT.map((r) =>
  radios({
    lang,
    name: r.name,
    label: t(lang, key(`survey.respondent.${r.name}`)),
    optional: true,
    value: values[r.name],
    error: errorFor(errors, r.name),
    options: r.values.map((v) => ({ value: v, label: t(lang, key(`${r.prefix}.${v}`)) })),
  }),
)}
${button(t(lang, 'survey.submit'))}
</form>`;
}

const decimal = (lang: Lang, x: number) =>
  new Intl.NumberFormat(lang === 'id' ? 'id-ID' : 'en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(x);

/** "2026-04" → "April 2026" in the page's language. */
export function monthLabel(lang: Lang, period: string): string {
  const [y, m] = period.split('-').map(Number);
  return new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y!, m! - 1, 1)),
  );
}

export type ReportFilter = {
  periode: 'bulan' | 'triwulan' | 'tahun';
  tahun?: number | undefined;
  bulan?: number | undefined;
  triwulan?: number | undefined;
  layanan?: string | undefined;
};

function filterForm(lang: Lang, r: SkmReport, f: ReportFilter): SafeHtml {
  const year = Number(r.from.slice(0, 4));
  const years = Array.from({ length: 6 }, (_, i) => year + 1 - i);
  const select = (name: string, label: string, options: { value: string; label: string }[], selected: string) =>
    html`<div class="form-group filter"><label class="label" for="f-${name}">${label}</label>
<select class="input" id="f-${name}" name="${name}">${options.map((o) => html`<option value="${o.value}"${o.value === selected ? html` selected` : ''}>${o.label}</option>`)}</select></div>`;
  const months = Array.from({ length: 12 }, (_, i) => ({
    value: String(i + 1),
    label: monthLabel(lang, `${year}-${String(i + 1).padStart(2, '0')}`).split(' ')[0]!,
  }));
  return html`<form method="get" action="/kantor/skm" class="filters no-print" data-skm-filter>
${select(
  'periode',
  t(lang, 'survey.report.period'),
  (['bulan', 'triwulan', 'tahun'] as const).map((p) => ({
    value: p,
    label: t(lang, p === 'bulan' ? 'survey.report.period.month' : p === 'triwulan' ? 'survey.report.period.quarter' : 'survey.report.period.year'),
  })),
  f.periode,
)}
${select(
  'tahun',
  t(lang, 'survey.report.year'),
  years.map((y) => ({ value: String(y), label: String(y) })),
  String(year),
)}
${select('bulan', t(lang, 'survey.report.month'), months, String(f.bulan ?? Number(r.from.slice(5, 7))))}
${select(
  'triwulan',
  t(lang, 'survey.report.quarter'),
  [1, 2, 3, 4].map((q) => ({ value: String(q), label: `Q${q}` })),
  String(f.triwulan ?? 1),
)}
${select(
  'layanan',
  t(lang, 'survey.report.service'),
  [{ value: '', label: t(lang, 'survey.report.service.all') }, ...r.available.map((a) => ({ value: a.code, label: loc(lang, a.name) }))],
  r.service ?? '',
)}
${button(t(lang, 'survey.report.show'), { secondary: true })}
</form>`;
}

function row(lang: Lang, head: SafeHtml | string, x: SkmResult, attrs: SafeHtml): SafeHtml {
  return html`<tr ${attrs}><th scope="row">${head}</th><td class="table__cell--numeric" data-respondents>${x.respondents}</td>${SKM_ELEMENTS.map(
    (e) => html`<td class="table__cell--numeric" data-element="${e}">${decimal(lang, x.means[e])}</td>`,
  )}<td class="table__cell--numeric" data-index="${x.index.toFixed(2)}">${decimal(lang, x.index)}</td><td data-grade="${x.grade}">${x.grade} (${loc(lang, x.label)})</td></tr>`;
}

/** The published SKM report: the filter, the overall figure, and per service the respondents, element means, index and grade. */
export function reportBody(lang: Lang, r: SkmReport, f: ReportFilter): SafeHtml {
  const query = new URLSearchParams({
    periode: f.periode,
    tahun: r.from.slice(0, 4),
    ...(f.bulan ? { bulan: String(f.bulan) } : {}),
    ...(f.triwulan ? { triwulan: String(f.triwulan) } : {}),
    ...(r.service ? { layanan: r.service } : {}),
  });
  const overall = r.overall;
  return html`<h1>${t(lang, 'survey.report.title')}</h1>
<p>${t(lang, 'survey.report.lead', { unit: r.unit.name, from: monthLabel(lang, r.from), to: monthLabel(lang, r.to) })}</p>
${filterForm(lang, r, f)}
${
  overall
    ? html`<p class="lead" data-overall="${overall.index.toFixed(2)}"><strong>${t(lang, 'survey.report.overall', { index: decimal(lang, overall.index), grade: overall.grade, label: loc(lang, overall.label), n: overall.respondents })}</strong></p>
<div class="table-wrap" role="region" aria-labelledby="skm-caption" tabindex="0"><table class="table" data-skm-table>
<caption class="table__caption" id="skm-caption">${t(lang, 'survey.report.caption')}</caption>
<thead><tr><th scope="col">${t(lang, 'survey.report.col.service')}</th><th scope="col" class="table__header--numeric">${t(lang, 'survey.report.col.respondents')}</th>${SKM_ELEMENTS.map(
        (e, i) =>
          html`<th scope="col" class="table__header--numeric"><abbr title="${t(lang, key(`survey.element.${e}`))}">U${i + 1}</abbr> ${t(lang, key(`survey.element.short.${e}`))}</th>`,
      )}<th scope="col" class="table__header--numeric">${t(lang, 'survey.report.col.index')}</th><th scope="col">${t(lang, 'survey.report.col.grade')}</th></tr></thead>
<tbody>${r.services.map((s) => row(lang, loc(lang, s.name), s, html`data-service="${s.code}"`))}</tbody>
<tfoot>${row(lang, t(lang, 'survey.report.service.all'), overall, html`data-service="ALL"`)}</tfoot>
</table></div>`
    : html`<p data-no-answers>${t(lang, 'survey.report.none')}</p>`
}
<p class="no-print"><a href="/kantor/skm.csv?${query.toString()}" download>${t(lang, 'survey.report.csv')}</a></p>
<p class="no-print">${t(lang, 'survey.report.print')}</p>`;
}

export const SKM_CSV_COLUMNS = [
  'unit',
  'from',
  'to',
  'service_kind',
  'service_code',
  'service',
  'respondents',
  ...SKM_ELEMENTS.map((e, i) => `u${i + 1}_${e}`),
  'weighted_index',
  'index',
  'grade',
  'grade_label',
] as const;

/** One row per service and a last row ALL for the office; means and indexes with two decimals and a point. */
export function skmCsv(r: SkmReport): string {
  const text = (v: string) => `"${(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v).replace(/"/g, '""')}"`;
  const line = (kind: string, code: string, name: string, x: SkmResult) =>
    [
      text(r.unit.code),
      r.from,
      r.to,
      kind,
      text(code),
      text(name),
      x.respondents,
      ...SKM_ELEMENTS.map((e) => x.means[e].toFixed(2)),
      x.weightedIndex.toFixed(2),
      x.index.toFixed(2),
      x.grade,
      text(x.label.id),
    ].join(',');
  const lines: string[] = [SKM_CSV_COLUMNS.join(',')];
  for (const s of r.services) lines.push(line(s.kind, s.code, s.name.id, s));
  if (r.overall) lines.push(line('all', 'ALL', 'Semua layanan', r.overall));
  return `${lines.join('\r\n')}\r\n`;
}

/** The invitation on the applicant's issued file page: a plain link to /survei/{token}. */
export function surveyInvite(lang: Lang, invitation: { token: string } | null): SafeHtml | '' {
  return invitation ? html`<p class="no-print" data-survey-invite><a href="/survei/${invitation.token}">${t(lang, 'survey.invite.link')}</a></p>` : '';
}
