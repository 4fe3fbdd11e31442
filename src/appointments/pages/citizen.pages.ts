import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import { normalisePhone } from '../../shared/identifiers.js';
import type { Lang } from '../../shared/messages.js';
import { addDays, todayIn } from '../../shared/time.js';
import { officeBaseUrl } from '../../tenants/office-url.js';
import { banner, button, csrfField, errorFor, type FieldError, linkButton, radios, summaryList, textInput } from '../../web/components.js';
import { html, raw, type SafeHtml } from '../../web/html.js';
import { loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { fieldErrors, isAppError } from '../../web/views.js';
import { checkInUrl, formatWhen, passPath } from '../appointments.format.js';
import { hidden, qs, slotRadios, statusTag } from './appointments.views.js';

/** The answers of the booking journey so far, carried in the query (GET steps) or hidden fields (POST steps). */
const stepQuery = z.object({
  layanan: z.string().trim().max(30).optional(),
  izin: z.string().trim().max(40).optional(),
  dari: z.iso.date().optional(),
  mulai: z.iso.datetime().optional(),
  penuh: z.literal('1').optional(),
});
type Step = z.infer<typeof stepQuery>;
const passQuery = z.object({
  nomor: z.string().trim().max(40).optional(),
  kode: z.string().trim().max(20).optional(),
  dari: z.iso.date().optional(),
  batal: z.literal('1').optional(),
  pindah: z.literal('1').optional(),
});

const detailsForm = (lang: Lang) =>
  z.object({
    layanan: z.string().trim().min(1).max(30),
    izin: z.string().trim().max(40).default(''),
    mulai: z.iso.datetime(),
    name: z.string().trim().min(2, t(lang, 'apt.name')).max(100),
    whatsapp: z
      .string()
      .trim()
      .max(25)
      .refine(
        (v) => normalisePhone(v) !== null,
        lang === 'id' ? 'Isi nomor WhatsApp yang benar, misalnya 0812 3456 7890' : 'Enter a real WhatsApp number, like 0812 3456 7890',
      ),
  });
const codeForm = (lang: Lang) =>
  detailsForm(lang).extend({
    kode: z
      .string()
      .trim()
      .regex(/^\d{6}$/, t(lang, 'apt.code.error')),
  });
const bookForm = (lang: Lang) => detailsForm(lang).extend({ kode: z.string().trim().max(6).default('') });
const manageForm = () => z.object({ nomor: z.string().trim().min(1).max(40), kode: z.string().trim().min(1).max(20) });
const moveForm = (lang: Lang) => manageForm().extend({ mulai: z.iso.datetime({ message: t(lang, 'apt.slot.error') }) });

/**
 * The citizen's appointment pages (GOV.UK one thing per page, no JavaScript, no session): service →
 * permit → time → name and WhatsApp → the code → check answers → booked → the pass; and the pages to
 * view, cancel and move a booking with its number and booking code.
 */
export function appointmentCitizenPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const address = { baseUrl: services.config.baseUrl, defaultTenant: services.config.defaultTenant };
  const apt = services.appointments;

  async function serviceNames(req: FastifyRequest) {
    return (await apt.settingsFor(req.tenant.id)).services.map((s) => ({ value: s.code, label: s.name[req.lang] }));
  }
  async function permitName(req: FastifyRequest, code: string | undefined): Promise<string | null> {
    if (!code) return null;
    const pt = (await services.catalogue.listPermitTypes({ tenantId: req.tenant.id })).find((p) => p.definition.code === code);
    return pt ? loc(req.lang, pt.definition.name) : null;
  }
  const steps = (s: Step) => ({ layanan: s.layanan, izin: s.izin, mulai: s.mulai });

  page.get('/janji-temu', { access: 'anyone' }, ({ req, reply, lang }) =>
    sendPage(req, reply, {
      title: t(lang, 'apt.title'),
      body: html`<h1>${t(lang, 'apt.title')}</h1><p class="lead">${t(lang, 'apt.lead')}</p>
${linkButton('/janji-temu/layanan', t(lang, 'apt.start'), true)}
<p><a href="/janji-temu/lihat">${t(lang, 'apt.have')}</a></p>`,
    }),
  );

  async function servicePage(req: FastifyRequest, reply: FastifyReply, s: Step, errors: FieldError[] = []) {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'apt.service'),
      back: '/janji-temu',
      errors,
      body: html`<form method="get" action="/janji-temu/izin" novalidate>
  ${radios({ lang, name: 'layanan', label: t(lang, 'apt.service'), isPageHeading: true, value: s.layanan, error: errorFor(errors, 'layanan'), options: await serviceNames(req) })}
  ${hidden({ izin: s.izin, mulai: s.mulai })}
  ${button(t(lang, 'apt.continue'))}
</form>`,
    });
  }
  /** The service given, if the office has it; else the service page with its error. */
  async function knownService(req: FastifyRequest, s: Step): Promise<boolean> {
    return !!s.layanan && (await apt.settingsFor(req.tenant.id)).services.some((x) => x.code === s.layanan);
  }
  const serviceError = (lang: Lang): FieldError[] => [{ field: 'layanan', message: t(lang, 'apt.service.error') }];

  page.get('/janji-temu/layanan', { access: 'anyone', query: stepQuery }, ({ req, reply, query }) => servicePage(req, reply, query));

  page.get('/janji-temu/izin', { access: 'anyone', query: stepQuery }, async ({ req, reply, lang, query }) => {
    if (!(await knownService(req, query))) return servicePage(req, reply, query, serviceError(lang));
    const types = await services.catalogue.listPermitTypes({ tenantId: req.tenant.id });
    return sendPage(req, reply, {
      title: t(lang, 'apt.permit'),
      back: `/janji-temu/layanan${qs(steps(query))}`,
      body: html`<form method="get" action="/janji-temu/waktu" novalidate>
  ${radios({
    lang,
    name: 'izin',
    label: t(lang, 'apt.permit'),
    hint: t(lang, 'apt.permit.hint'),
    isPageHeading: true,
    value: query.izin ?? '',
    options: [{ value: '', label: t(lang, 'apt.permit.none') }, ...types.map((p) => ({ value: p.definition.code, label: loc(lang, p.definition.name) }))],
  })}
  ${hidden({ layanan: query.layanan, mulai: query.mulai })}
  ${button(t(lang, 'apt.continue'))}
</form>`,
    });
  });

  /** A week of slots from `dari` (default: the office's today), with links to the weeks around it. */
  async function timePage(req: FastifyRequest, reply: FastifyReply, s: Step, errors: FieldError[] = []) {
    const lang = req.lang;
    const today = todayIn(services.clock, req.tenant.time_zone);
    const from = s.dari && s.dari >= today ? s.dari : today;
    const list = await apt.listSlots({ tenant: req.tenant, service: s.layanan!, from, days: 7, lang });
    const week = (d: string) => `/janji-temu/waktu${qs({ layanan: s.layanan, izin: s.izin, dari: d })}`;
    const all = s.penuh ? [{ field: 'mulai', message: t(lang, 'apt.slot.taken') }, ...errors] : errors;
    return sendPage(req, reply, {
      title: t(lang, 'apt.slot'),
      back: `/janji-temu/izin${qs(steps(s))}`,
      errors: all,
      body: html`<form method="get" action="/janji-temu/data" novalidate>
  ${slotRadios(req, { slots: list.slots, timeZone: list.timeZone, value: s.mulai, errors: all, legend: t(lang, 'apt.slot') })}
  ${hidden({ layanan: s.layanan, izin: s.izin })}
  ${button(t(lang, 'apt.continue'))}
</form>
<p>${from > today ? html`<a href="${week(addDays(from, -7) < today ? today : addDays(from, -7))}">${t(lang, 'apt.slot.earlier')}</a> · ` : ''}<a href="${week(addDays(from, 7))}">${t(lang, 'apt.slot.later')}</a></p>`,
    });
  }

  page.get('/janji-temu/waktu', { access: 'anyone', query: stepQuery }, async ({ req, reply, lang, query }) => {
    if (!(await knownService(req, query))) return servicePage(req, reply, query, serviceError(lang));
    return timePage(req, reply, query);
  });

  function detailsPage(req: FastifyRequest, reply: FastifyReply, s: Step & { name?: string; whatsapp?: string }, errors: FieldError[] = []) {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'apt.details'),
      back: `/janji-temu/waktu${qs(steps(s))}`,
      errors,
      body: html`<h1>${t(lang, 'apt.details')}</h1>
<form method="post" action="/janji-temu/data" novalidate>${csrfField(req)}
  ${hidden(steps(s))}
  ${textInput({ lang, name: 'name', label: t(lang, 'apt.name'), value: s.name, error: errorFor(errors, 'name'), autocomplete: 'name', maxlength: 100, spellcheck: false })}
  ${textInput({ lang, name: 'whatsapp', type: 'tel', label: t(lang, 'apt.whatsapp'), hint: t(lang, 'apt.whatsapp.hint'), value: s.whatsapp, error: errorFor(errors, 'whatsapp'), autocomplete: 'tel', width: 'medium', maxlength: 25 })}
  ${button(t(lang, 'apt.continue'))}
</form>`,
    });
  }

  page.get('/janji-temu/data', { access: 'anyone', query: stepQuery }, async ({ req, reply, lang, query }) => {
    if (!(await knownService(req, query))) return servicePage(req, reply, query, serviceError(lang));
    if (!query.mulai) return timePage(req, reply, query, [{ field: 'mulai', message: t(lang, 'apt.slot.error') }]);
    return detailsPage(req, reply, query);
  });

  type Details = z.infer<ReturnType<typeof detailsForm>>;
  const stepOf = (d: Details): Step => ({ layanan: d.layanan, izin: d.izin || undefined, mulai: d.mulai });

  function codePage(req: FastifyRequest, reply: FastifyReply, d: Details, opts: { errors?: FieldError[]; notice?: SafeHtml | null; minutes?: number } = {}) {
    const lang = req.lang;
    const errors = opts.errors ?? [];
    const carry = { ...steps(stepOf(d)), name: d.name, whatsapp: d.whatsapp };
    return sendPage(req, reply, {
      title: t(lang, 'apt.code'),
      errors,
      notice: opts.notice ?? null,
      body: html`<h1>${t(lang, 'apt.code')}</h1>
<p>${t(lang, 'apt.code.lead', { phone: d.whatsapp, minutes: opts.minutes ?? 10 })}</p>
<form method="post" action="/janji-temu/periksa" novalidate>${csrfField(req)}
  ${hidden(carry)}
  ${textInput({ lang, name: 'kode', label: t(lang, 'apt.code.label'), error: errorFor(errors, 'kode'), width: 'short', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: 6, spellcheck: false })}
  ${button(t(lang, 'apt.continue'))}
</form>
<form method="post" action="/janji-temu/data" novalidate>${csrfField(req)}${hidden(carry)}${button(t(lang, 'apt.code.again'), { secondary: true })}</form>`,
    });
  }

  async function checkPage(req: FastifyRequest, reply: FastifyReply, d: Details, kode: string) {
    const lang = req.lang;
    const s = stepOf(d);
    const names = await serviceNames(req);
    const permit = await permitName(req, s.izin);
    const change = (path: string) => ({ href: `${path}${qs(steps(s))}`, label: t(lang, 'apt.change') });
    return sendPage(req, reply, {
      title: t(lang, 'apt.check'),
      body: html`<h1>${t(lang, 'apt.check')}</h1>
${summaryList([
  { key: t(lang, 'apt.check.service'), value: names.find((n) => n.value === s.layanan)?.label ?? d.layanan, change: change('/janji-temu/layanan') },
  { key: t(lang, 'apt.check.permit'), value: permit ?? t(lang, 'apt.permit.none'), change: change('/janji-temu/izin') },
  { key: t(lang, 'apt.check.when'), value: formatWhen(d.mulai, req.tenant.time_zone, lang), change: change('/janji-temu/waktu') },
  { key: t(lang, 'apt.check.name'), value: d.name, change: change('/janji-temu/data') },
  { key: t(lang, 'apt.check.whatsapp'), value: d.whatsapp, change: change('/janji-temu/data') },
])}
<form method="post" action="/janji-temu/pesan" novalidate>${csrfField(req)}
  ${hidden({ ...steps(s), name: d.name, whatsapp: d.whatsapp, kode })}
  ${button(t(lang, 'apt.confirm'))}
</form>`,
    });
  }

  page.post('/janji-temu/data', { access: 'anyone', form: detailsForm, rateLimit: { max: 10, timeWindow: '1 minute' } }, async ({ req, reply, lang, form }) => {
    if (!form.ok) return detailsPage(req, reply, { ...form.values }, form.errors);
    const d = form.data;
    if (await apt.numberProven({ tenant: req.tenant, actor: req.actor ?? null, whatsapp: d.whatsapp })) return checkPage(req, reply, d, '');
    try {
      const sent = await apt.requestCode({ tenant: req.tenant, whatsapp: d.whatsapp, lang });
      return codePage(req, reply, d, { minutes: sent.minutes });
    } catch (err) {
      if (isAppError(err) && err.code === 'too_many_attempts') return codePage(req, reply, d, { notice: banner(t(lang, 'apt.code.wait')) });
      throw err;
    }
  });

  page.post('/janji-temu/periksa', { access: 'anyone', form: codeForm }, async ({ req, reply, lang, form }) => {
    if (!form.ok) {
      const d = detailsForm(lang).safeParse(form.values);
      if (!d.success) return detailsPage(req, reply, { ...form.values }, fieldErrors(req, []));
      return codePage(req, reply, d.data, { errors: form.errors });
    }
    return checkPage(req, reply, form.data, form.data.kode);
  });

  page.post(
    '/janji-temu/pesan',
    { access: 'anyone', form: bookForm, rateLimit: { max: 10, timeWindow: '1 minute' } },
    async ({ req, reply, lang, actor, form }) => {
      if (!form.ok) return detailsPage(req, reply, { ...form.values }, form.errors);
      const d = form.data;
      try {
        const booked = await apt.book({
          tenant: req.tenant,
          actor: actor ?? null,
          viaPortal: true,
          service: d.layanan,
          start: d.mulai,
          name: d.name,
          whatsapp: d.whatsapp,
          permitTypeCode: d.izin || undefined,
          code: d.kode || undefined,
          lang,
        });
        return reply.redirect(passPath(booked.appointment.number, booked.code), 303);
      } catch (err) {
        if (!isAppError(err)) throw err;
        if (err.code === 'appointment_code_wrong') return codePage(req, reply, d, { errors: [{ field: 'kode', message: t(lang, 'apt.code.error') }] });
        if (err.code === 'slot_full' || err.code === 'slot_unavailable')
          return reply.redirect(`/janji-temu/waktu${qs({ layanan: d.layanan, izin: d.izin, penuh: '1' })}`, 303);
        if (err.code === 'invalid_input')
          return detailsPage(req, reply, { ...stepOf(d), name: d.name, whatsapp: d.whatsapp }, fieldErrors(req, err.details.fields));
        throw err;
      }
    },
  );

  // ── The pass, and managing a booking with its number and code ─────────────────────────────────────

  function viewPage(
    req: FastifyRequest,
    reply: FastifyReply,
    values: { nomor?: string | undefined; kode?: string | undefined } = {},
    errors: FieldError[] = [],
  ) {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'apt.view'),
      back: '/janji-temu',
      errors,
      status: errors.length ? 404 : 200,
      body: html`<h1>${t(lang, 'apt.view')}</h1><p>${t(lang, 'apt.view.lead')}</p>
<form method="get" action="/janji-temu/tiket" novalidate>
  ${textInput({ lang, name: 'nomor', label: t(lang, 'apt.view.number'), hint: t(lang, 'apt.view.number.hint'), value: values.nomor, error: errorFor(errors, 'nomor'), width: 'medium', maxlength: 40, spellcheck: false })}
  ${textInput({ lang, name: 'kode', label: t(lang, 'apt.view.code'), value: values.kode, error: errorFor(errors, 'kode'), width: 'short', maxlength: 20, spellcheck: false, autocomplete: 'off' })}
  ${button(t(lang, 'apt.view.submit'))}
</form>`,
    });
  }

  page.get('/janji-temu/lihat', { access: 'anyone', query: passQuery }, ({ req, reply, query }) => viewPage(req, reply, query));

  /** The booking for a number and code, or null (the view form answers, with its error). */
  async function found(req: FastifyRequest, nomor: string | undefined, kode: string | undefined) {
    if (!nomor || !kode) return null;
    try {
      return await apt.get({ tenant: req.tenant, number: nomor.toUpperCase(), code: kode, lang: req.lang });
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return null;
      throw err;
    }
  }
  const notFound = (req: FastifyRequest, reply: FastifyReply, q: { nomor?: string | undefined; kode?: string | undefined }) =>
    viewPage(req, reply, q, [{ field: 'nomor', message: t(req.lang, 'apt.view.notfound') }]);

  page.get('/janji-temu/tiket', { access: 'anyone', query: passQuery, rateLimit: { max: 30, timeWindow: '1 minute' } }, async ({ req, reply, lang, query }) => {
    const b = await found(req, query.nomor, query.kode);
    if (!b) return notFound(req, reply, query);
    const a = b.appointment;
    const code = query.kode!.trim().toUpperCase();
    const tz = req.tenant.time_zone;
    const url = checkInUrl(officeBaseUrl(address, req.tenant), a.number, code);
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const permit = a.permit_type_code
      ? (await services.catalogue.listPermitTypes({ tenantId: req.tenant.id })).find((p) => p.definition.code === a.permit_type_code)
      : undefined;
    const open = a.status === 'booked' && a.starts_at > new Date(services.clock.now()).toISOString();
    const manage = qs({ nomor: a.number, kode: code });
    const notice = query.batal ? banner(t(lang, 'apt.cancel.done'), 'success') : query.pindah ? banner(t(lang, 'apt.move.done'), 'success') : null;
    return sendPage(req, reply, {
      title: t(lang, 'apt.pass'),
      notice,
      body: html`<h1>${t(lang, 'apt.pass')}</h1>
${summaryList([
  { key: t(lang, 'apt.pass.number'), value: a.number },
  { key: t(lang, 'apt.pass.code'), value: code },
  { key: t(lang, 'apt.pass.status'), value: statusTag(lang, a.status) },
  { key: t(lang, 'apt.check.service'), value: b.service.name },
  { key: t(lang, 'apt.check.when'), value: formatWhen(a.starts_at, tz, lang) },
  { key: t(lang, 'apt.check.name'), value: a.name },
  ...(permit ? [{ key: t(lang, 'apt.check.permit'), value: loc(lang, permit.definition.name) }] : []),
])}
<p class="hint">${t(lang, 'apt.pass.code.hint')}</p>
${a.status === 'booked' ? html`<figure class="qr">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${t(lang, 'apt.pass.scan')}" `))}<figcaption>${t(lang, 'apt.pass.scan')}</figcaption></figure>` : ''}
<h2>${t(lang, 'apt.pass.bring')}</h2>
<ul>
  <li>${t(lang, 'apt.pass.bring.ktp')}</li>
  ${permit ? permit.definition.requirements.map((r) => html`<li>${loc(lang, r.name)}${r.required ? '' : html` <span class="muted">(${t(lang, 'apt.pass.bring.optional')})</span>`}</li>`) : ''}
</ul>
${open ? html`<p><a href="/janji-temu/pindah${manage}">${t(lang, 'apt.move')}</a> · <a href="/janji-temu/batal${manage}">${t(lang, 'apt.cancel')}</a></p>` : ''}
<button type="button" class="button button--secondary no-print" data-print hidden>${t(lang, 'apt.pass.print')}</button>`,
    });
  });

  const backToPass = (a: { number: string }, code: string) => passPath(a.number, code);

  page.get('/janji-temu/batal', { access: 'anyone', query: passQuery }, async ({ req, reply, lang, query }) => {
    const b = await found(req, query.nomor, query.kode);
    if (!b) return notFound(req, reply, query);
    const code = query.kode!.trim().toUpperCase();
    return sendPage(req, reply, {
      title: t(lang, 'apt.cancel'),
      back: backToPass(b.appointment, code),
      body: html`<h1>${t(lang, 'apt.cancel')}</h1>
${
  b.appointment.status === 'booked'
    ? html`<p>${t(lang, 'apt.cancel.sure', { when: formatWhen(b.appointment.starts_at, req.tenant.time_zone, lang) })}</p>
<form method="post" action="/janji-temu/batal" novalidate>${csrfField(req)}${hidden({ nomor: b.appointment.number, kode: code })}${button(t(lang, 'apt.cancel'), { warning: true })}</form>`
    : html`<p>${t(lang, 'apt.closed')}</p>`
}`,
    });
  });

  page.post('/janji-temu/batal', { access: 'anyone', form: manageForm, rateLimit: { max: 30, timeWindow: '1 minute' } }, async ({ req, reply, lang, form }) => {
    if (!form.ok) return notFound(req, reply, {});
    try {
      const done = await apt.cancel({ tenant: req.tenant, number: form.data.nomor.toUpperCase(), code: form.data.kode, lang });
      return reply.redirect(`${backToPass(done.appointment, form.data.kode.toUpperCase())}&batal=1`, 303);
    } catch (err) {
      if (isAppError(err) && err.code === 'not_found') return notFound(req, reply, { nomor: form.data.nomor });
      if (isAppError(err) && err.code === 'invalid_state')
        return reply.redirect(backToPass({ number: form.data.nomor.toUpperCase() }, form.data.kode.toUpperCase()), 303);
      throw err;
    }
  });

  async function movePage(
    req: FastifyRequest,
    reply: FastifyReply,
    q: { nomor?: string | undefined; kode?: string | undefined; dari?: string | undefined },
    errors: FieldError[] = [],
  ) {
    const lang = req.lang;
    const b = await found(req, q.nomor, q.kode);
    if (!b) return notFound(req, reply, q);
    const a = b.appointment;
    const code = q.kode!.trim().toUpperCase();
    if (a.status !== 'booked')
      return sendPage(req, reply, {
        title: t(lang, 'apt.move'),
        back: backToPass(a, code),
        body: html`<h1>${t(lang, 'apt.move')}</h1><p>${t(lang, 'apt.closed')}</p>`,
      });
    const today = todayIn(services.clock, req.tenant.time_zone);
    const from = q.dari && q.dari >= today ? q.dari : today;
    const list = await apt.listSlots({ tenant: req.tenant, service: a.service_code, from, days: 7, lang });
    const week = (d: string) => `/janji-temu/pindah${qs({ nomor: a.number, kode: code, dari: d })}`;
    return sendPage(req, reply, {
      title: t(lang, 'apt.move'),
      back: backToPass(a, code),
      errors,
      body: html`<form method="post" action="/janji-temu/pindah" novalidate>${csrfField(req)}
  ${slotRadios(req, { slots: list.slots.filter((s) => s.start !== a.starts_at), timeZone: list.timeZone, errors, legend: t(lang, 'apt.move') })}
  <p>${t(lang, 'apt.move.lead', { when: formatWhen(a.starts_at, req.tenant.time_zone, lang) })}</p>
  ${hidden({ nomor: a.number, kode: code })}
  ${button(t(lang, 'apt.move.submit'))}
</form>
<p>${from > today ? html`<a href="${week(addDays(from, -7) < today ? today : addDays(from, -7))}">${t(lang, 'apt.slot.earlier')}</a> · ` : ''}<a href="${week(addDays(from, 7))}">${t(lang, 'apt.slot.later')}</a></p>`,
    });
  }

  page.get('/janji-temu/pindah', { access: 'anyone', query: passQuery }, ({ req, reply, query }) => movePage(req, reply, query));

  page.post('/janji-temu/pindah', { access: 'anyone', form: moveForm, rateLimit: { max: 30, timeWindow: '1 minute' } }, async ({ req, reply, lang, form }) => {
    if (!form.ok) return movePage(req, reply, { nomor: form.values.nomor, kode: form.values.kode }, form.errors);
    const { nomor, kode, mulai } = form.data;
    try {
      const moved = await apt.reschedule({ tenant: req.tenant, number: nomor.toUpperCase(), code: kode, start: mulai, lang });
      return reply.redirect(`${backToPass(moved.appointment, kode.toUpperCase())}&pindah=1`, 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.code === 'slot_full' || err.code === 'slot_unavailable')
        return movePage(req, reply, { nomor, kode }, [{ field: 'mulai', message: t(lang, 'apt.slot.taken') }]);
      if (err.code === 'not_found') return notFound(req, reply, { nomor });
      if (err.code === 'invalid_state') return movePage(req, reply, { nomor, kode });
      throw err;
    }
  });
}
