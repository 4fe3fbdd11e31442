import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { banner, button, csrfField, errorFor, type FieldError, textarea, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, formatDecimal, formatRupiah, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { feeEstimatePages } from './fees.estimate.pages.js';
import type { CoefficientVersion } from './fees.service.js';
import type { RetributionCoefficients } from './retribution.schema.js';

const yearParams = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
const TABLES = ['complexity', 'permanence', 'heightIndex', 'fm', 'ibg'] as const;
type TableName = (typeof TABLES)[number];

/** One numeric input of the form: its name (the JSON path, dotted), its label, and where its value goes. */
type NumberField = { name: string; label: string; kind: 'index' | 'area' | 'floors' };

/** The numeric inputs for a year's coefficients, in the order the form shows them (the index tables as the schema has them). */
function numberFields(lang: Lang, c: RetributionCoefficients): { legend: string; fields: NumberField[] }[] {
  const classes = Object.entries(c.if.classes).map(([name, cls]) => {
    const fields: NumberField[] = [{ name: `if.classes.${name}.index`, label: t(lang, 'fees.admin.class.index', { name }), kind: 'index' }];
    if ('indexAbove' in cls) {
      fields.push(
        { name: `if.classes.${name}.upTo.floorAreaM2`, label: t(lang, 'fees.admin.class.upToArea', { name }), kind: 'area' },
        { name: `if.classes.${name}.upTo.floors`, label: t(lang, 'fees.admin.class.upToFloors', { name }), kind: 'floors' },
        { name: `if.classes.${name}.indexAbove`, label: t(lang, 'fees.admin.class.indexAbove', { name }), kind: 'index' },
      );
    }
    return fields;
  });
  const table = (name: TableName) => ({
    legend: t(lang, `fees.admin.table.${name}`),
    fields: Object.keys(c[name])
      .sort((a, b) => (name === 'heightIndex' ? Number(a) - Number(b) : 0))
      .map((key) => ({ name: `${name}.${key}`, label: name === 'heightIndex' ? t(lang, 'fees.admin.floors', { n: key }) : key, kind: 'index' as const })),
  });
  return [{ legend: t(lang, 'fees.admin.table.if'), fields: classes.flat() }, ...TABLES.map(table)];
}

/** The value at a dotted path of the coefficients, as the form shows it. */
function valueAt(c: RetributionCoefficients, path: string): string {
  let v: unknown = c;
  for (const part of path.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
  return typeof v === 'number' ? String(v) : '';
}

/** "1,09" or "1.09" → 1.09; anything that is not a plain decimal → NaN (the schema then names the field). */
function parseNumber(text: string | undefined): number {
  const s = (text ?? '').trim().replace(',', '.');
  return /^\d{1,12}(\.\d{1,12})?$/.test(s) ? Number(s) : Number.NaN;
}

/** The coefficients the form describes: the base version's shape (classes, options, table keys) with the typed numbers. */
function fromForm(base: RetributionCoefficients, v: Record<string, string>, fields: NumberField[]): { candidate: unknown; unreadable: NumberField[] } {
  const candidate = structuredClone(base) as unknown as Record<string, unknown>;
  const unreadable: NumberField[] = [];
  for (const f of fields) {
    const n = parseNumber(v[f.name]);
    if (Number.isNaN(n)) unreadable.push(f);
    const parts = f.name.split('.');
    let target = candidate;
    for (const part of parts.slice(0, -1)) target = target[part] as Record<string, unknown>;
    target[parts.at(-1)!] = n;
  }
  candidate.decree = (v.decree ?? '').trim();
  const note = (v.dataNote ?? '').trim();
  if (note) candidate.dataNote = note;
  else delete candidate.dataNote;
  candidate.shst = /^\d{1,10}$/.test((v.shst ?? '').replace(/[.\s]/g, '')) ? Number((v.shst ?? '').replace(/[.\s]/g, '')) : Number.NaN;
  candidate.ilo = parseNumber(v.ilo);
  return { candidate, unreadable };
}

/** The service's field problems (coefficients.<path>) as the page's fields and messages, in the reader's language. */
function pageErrors(lang: Lang, problems: { field: string; message: string }[], fields: NumberField[], unreadable: NumberField[]): FieldError[] {
  const out: FieldError[] = unreadable.map((f) => ({ field: f.name, message: t(lang, 'fees.admin.bad.number', { label: f.label }) }));
  const seen = new Set(out.map((e) => e.field));
  for (const p of problems) {
    const path = p.field.replace(/^coefficients\.?/, '');
    let error: FieldError;
    if (p.field === 'reason') error = { field: 'reason', message: t(lang, 'fees.admin.bad.reason') };
    else if (path === 'shst') error = { field: 'shst', message: t(lang, 'fees.admin.bad.shst') };
    else if (path === 'ilo') error = { field: 'ilo', message: t(lang, 'fees.admin.bad.ilo') };
    else if (path === 'decree' || path === 'dataNote') error = { field: path, message: t(lang, 'fees.admin.bad.decree') };
    else {
      // A union's problem names the class, not the input: the class's first input, or its index above the size.
      const field =
        fields.find((f) => f.name === path) ??
        (/\bis lower than the index up to the size/.test(p.message) ? fields.find((f) => f.name === `${path}.indexAbove`) : undefined) ??
        fields.find((f) => f.name.startsWith(`${path}.`)) ??
        fields[0]!;
      const key =
        path.startsWith('heightIndex') && /lower than/.test(p.message)
          ? 'fees.admin.bad.height'
          : field.name.endsWith('indexAbove')
            ? 'fees.admin.bad.indexAbove'
            : 'fees.admin.bad.index';
      error = { field: field.name, message: t(lang, key, { label: field.label }) };
    }
    if (!seen.has(error.field)) out.push(error);
    seen.add(error.field);
  }
  return out;
}

function savedBy(lang: Lang, v: CoefficientVersion): string {
  return v.createdBy ?? t(lang, 'fees.admin.seeded');
}

/**
 * The admin's PBG retribution coefficients (/kantor/admin/retribusi): the years with their version in
 * force, one year's coefficients to change (SHST, Ilo, the index tables) with a required reason, each
 * save a new version (the service validates with the schema and audits), and the version history. The
 * head reads them; only the admin saves.
 */
export function feePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  // The citizen's estimate calculator, linked from the permit's guide.
  feeEstimatePages(app, services);

  page.get('/kantor/admin/retribusi', { access: 'office', permission: 'fees.read' }, async ({ req, reply, lang, actor }) => {
    const { years } = await services.fees.listCoefficients({ actor });
    const manages = can(actor, 'fees.manage', { tenantId: actor.tenantId });
    const zone = req.tenant.time_zone;
    const next = years.length ? Math.max(...years.map((y) => y.year)) + 1 : new Date().getUTCFullYear();
    return sendPage(req, reply, {
      title: t(lang, 'fees.admin.title'),
      back: '/kantor/admin',
      body: html`<h1>${t(lang, 'fees.admin.title')}</h1>
<p>${t(lang, 'fees.admin.lead')}</p>
${
  years.length === 0
    ? html`<p>${t(lang, 'fees.admin.none')}</p>`
    : html`<div class="table-wrap"><table class="table" data-retribution-years>
  <caption class="table__caption">${t(lang, 'fees.admin.caption')}</caption>
  <thead><tr><th scope="col">${t(lang, 'fees.admin.col.year')}</th><th scope="col">${t(lang, 'fees.admin.col.version')}</th><th scope="col">SHST</th><th scope="col">Ilo</th><th scope="col">${t(lang, 'fees.admin.col.saved')}</th><th scope="col">${t(lang, 'fees.admin.col.reason')}</th></tr></thead>
  <tbody>${years.map(
    (y) => html`<tr data-year="${y.year}">
    <th scope="row"><a href="/kantor/admin/retribusi/${y.year}">${t(lang, manages ? 'fees.admin.open' : 'fees.admin.openReadOnly', { year: y.year })}</a></th>
    <td>${y.current.version}</td><td>${formatRupiah(y.current.coefficients.shst)}</td><td>${formatDecimal(lang, y.current.coefficients.ilo)}</td>
    <td>${formatDateTime(lang, y.current.createdAt, zone)} (${savedBy(lang, y.current)})</td><td>${y.current.reason}</td>
  </tr>`,
  )}</tbody></table></div>`
}
${manages && years.length ? html`<p><a href="/kantor/admin/retribusi/${next}">${t(lang, 'fees.admin.addYear', { year: next })}</a></p>` : ''}`,
    });
  });

  const yearPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    year: number,
    opts: { values?: Record<string, string>; errors?: FieldError[]; saved?: number } = {},
  ) => {
    const lang = req.lang;
    const { years } = await services.fees.listCoefficients({ actor });
    const entry = years.find((y) => y.year === year);
    // A new year starts from the nearest earlier year's coefficients (or the nearest later one's).
    const base = entry?.current ?? years.find((y) => y.year < year)?.current ?? years.at(-1)?.current;
    if (!base) throw new AppError('not_found', `no coefficients to start ${year} from`);
    const manages = can(actor, 'fees.manage', { tenantId: actor.tenantId });
    const c = base.coefficients;
    const groups = numberFields(lang, c);
    const v: Record<string, string> = opts.values ?? {
      decree: c.decree,
      dataNote: c.dataNote ?? '',
      shst: String(c.shst),
      ilo: String(c.ilo),
      ...Object.fromEntries(groups.flatMap((g) => g.fields.map((f) => [f.name, valueAt(c, f.name)]))),
    };
    const e = opts.errors ?? [];
    const num = (f: NumberField) =>
      textInput({ lang, name: f.name, label: f.label, value: v[f.name], error: errorFor(e, f.name), inputmode: 'decimal', width: 'short', maxlength: 20 });
    const zone = req.tenant.time_zone;
    const history = entry?.history ?? [];
    const form: SafeHtml = html`<form method="post" action="/kantor/admin/retribusi/${year}" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'decree', label: t(lang, 'fees.admin.decree'), value: v.decree, error: errorFor(e, 'decree'), maxlength: 300 })}
  ${textInput({ lang, name: 'shst', label: t(lang, 'fees.admin.shst'), hint: t(lang, 'fees.admin.shst.hint'), value: v.shst, error: errorFor(e, 'shst'), inputmode: 'numeric', width: 'medium', maxlength: 13 })}
  ${textInput({ lang, name: 'ilo', label: t(lang, 'fees.admin.ilo'), hint: t(lang, 'fees.admin.ilo.hint'), value: v.ilo, error: errorFor(e, 'ilo'), inputmode: 'decimal', width: 'short', maxlength: 10 })}
  ${groups.map((g) => html`<fieldset class="fieldset"><legend class="fieldset__legend">${g.legend}</legend>${g.fields.map(num)}</fieldset>`)}
  ${textarea({ lang, name: 'dataNote', label: t(lang, 'fees.admin.dataNote'), value: v.dataNote, error: errorFor(e, 'dataNote'), optional: true, maxlength: 2000 })}
  ${textInput({ lang, name: 'reason', label: t(lang, 'fees.admin.reason'), hint: t(lang, 'fees.admin.reason.hint'), value: v.reason, error: errorFor(e, 'reason'), maxlength: 500 })}
  ${button(t(lang, 'fees.admin.save'))}
</form>`;
    return sendPage(req, reply, {
      title: t(lang, 'fees.admin.year.title', { year }),
      errors: e,
      back: '/kantor/admin/retribusi',
      notice: opts.saved ? banner(t(lang, 'fees.admin.saved', { version: opts.saved }), 'success') : null,
      body: html`<h1>${t(lang, 'fees.admin.year.title', { year })}</h1>
<p>${entry ? t(lang, 'fees.admin.year.current', { version: entry.current.version }) : t(lang, 'fees.admin.year.new', { year, from: base.year })}</p>
${manages ? form : ''}
${
  history.length
    ? html`<h2>${t(lang, 'fees.admin.history')}</h2>
<ol class="list" reversed data-history>${history.map(
        (
          h,
        ) => html`<li data-version="${h.version}"><strong>${t(lang, 'fees.admin.history.row', { version: h.version, shst: formatRupiah(h.coefficients.shst), ilo: formatDecimal(lang, h.coefficients.ilo) })}</strong><br>
  ${formatDateTime(lang, h.createdAt, zone)}, ${savedBy(lang, h)}: ${h.reason}</li>`,
      )}</ol>`
    : ''
}`,
    });
  };

  page.get(
    '/kantor/admin/retribusi/:year',
    {
      access: 'office',
      permission: 'fees.read',
      params: yearParams,
      query: z.object({ disimpan: z.coerce.number().int().min(1).optional().catch(undefined) }),
    },
    async ({ req, reply, actor, params, query }) => yearPage(req, reply, actor, params.year, query.disimpan ? { saved: query.disimpan } : {}),
  );

  page.post(
    '/kantor/admin/retribusi/:year',
    { access: 'office', permission: 'fees.manage', params: yearParams, maxFieldLength: 2000 },
    async ({ req, reply, lang, actor, params, form }) => {
      const v = form.values;
      const { years } = await services.fees.listCoefficients({ actor });
      const base = years.find((y) => y.year === params.year)?.current ?? years.find((y) => y.year < params.year)?.current ?? years.at(-1)?.current;
      if (!base) throw new AppError('not_found', `no coefficients to start ${params.year} from`);
      const fields = numberFields(lang, base.coefficients).flatMap((g) => g.fields);
      const { candidate, unreadable } = fromForm(base.coefficients, v, fields);
      try {
        const saved = await services.fees.saveCoefficients({ actor, year: params.year, coefficients: candidate, reason: v.reason ?? '' });
        if (unreadable.length) throw new Error('an unreadable number passed the schema'); // NaN never does
        return reply.redirect(`/kantor/admin/retribusi/${params.year}?disimpan=${saved.version}`, 303);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'conflict')
          return yearPage(req, reply, actor, params.year, { values: v, errors: [{ field: 'reason', message: t(lang, 'fees.admin.bad.conflict') }] });
        if (err.code !== 'invalid_input') throw err;
        return yearPage(req, reply, actor, params.year, { values: v, errors: pageErrors(lang, err.details.fields ?? [], fields, unreadable) });
      }
    },
  );
}
