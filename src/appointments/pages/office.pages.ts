import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { normalisePhone } from '../../shared/identifiers.js';
import type { Lang } from '../../shared/messages.js';
import { todayIn } from '../../shared/time.js';
import { banner, button, csrfField, errorFor, type FieldError, fieldId, radios, textarea, textInput } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { fieldErrors, isAppError } from '../../web/views.js';
import { formatDay, passPath } from '../appointments.format.js';
import type { AppointmentSettings, Weekday } from '../appointments.schemas.js';
import { hidden, qs, slotRadios } from './appointments.views.js';

const deskQuery = z.object({ layanan: z.string().trim().max(30).optional(), tanggal: z.iso.date().optional() });
const deskForm = (lang: Lang) =>
  z.object({
    layanan: z.string().trim().min(1).max(30),
    tanggal: z.iso.date(),
    mulai: z.iso.datetime({ message: t(lang, 'apt.slot.error') }),
    izin: z.string().trim().max(40).default(''),
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

/** Monday first, as an office reads its week. */
const WEEK: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const dayName = (lang: Lang, day: Weekday) =>
  new Intl.DateTimeFormat(lang === 'id' ? 'id-ID' : 'en-GB', { weekday: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2026, 10, 23 + WEEK.indexOf(day))));

const settingsForm = () =>
  z.object({
    services: z.string().max(6000).default(''),
    slotMinutes: z.string().trim().max(6).default(''),
    capacity: z.string().trim().max(6).default(''),
    ...Object.fromEntries(WEEK.map((d) => [`hours_${d}`, z.string().trim().max(200).default('')])),
  });

/** The settings form's text back into settings, with a field error for each line that does not read. */
export function parseSettingsForm(lang: Lang, v: Record<string, string>): { settings: AppointmentSettings | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const services = (v.services ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => line.split('|').map((p) => p.trim()));
  if (services.length === 0 || services.some((p) => p.length !== 3 || !/^[A-Z][A-Z0-9_]{1,29}$/.test(p[0]!) || !p[1] || !p[2])) {
    errors.push({ field: 'services', message: t(lang, 'apt.settings.services.error') });
  }
  const hours: AppointmentSettings['hours'] = {};
  for (const d of WEEK) {
    const text = v[`hours_${d}`] ?? '';
    if (!text) continue;
    const parts = text.split(',').map((p) => p.trim());
    const intervals = parts.map((p) => /^(\d{2}[:.]\d{2})\s*[-–]\s*(\d{2}[:.]\d{2})$/.exec(p));
    if (intervals.some((m) => !m)) errors.push({ field: `hours_${d}`, message: `${dayName(lang, d)}: ${t(lang, 'apt.settings.hours.error')}` });
    else hours[d] = intervals.map((m) => ({ from: m![1]!.replace('.', ':'), to: m![2]!.replace('.', ':') }));
  }
  const int = (field: 'slotMinutes' | 'capacity', min: number, max: number) => {
    const n = Number(v[field]);
    if (!/^\d+$/.test(v[field] ?? '') || n < min || n > max) errors.push({ field, message: t(lang, 'apt.settings.number.error', { min, max }) });
    return n;
  };
  const slotMinutes = int('slotMinutes', 5, 240);
  const capacity = int('capacity', 1, 500);
  if (errors.length) return { settings: null, errors };
  return {
    settings: { services: services.map(([code, id, en]) => ({ code: code!, name: { id: id!, en: en! } })), hours, slotMinutes, capacity },
    errors,
  };
}

/**
 * The office's appointment pages: the front desk books for a caller (`appointment.bookFor`: no WhatsApp
 * code, the pass goes to the caller's number and opens here to print or read out), and the admin's
 * settings (`appointments.manage`: services in both languages, hours per weekday, slot length, capacity).
 */
export function appointmentOfficePages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const apt = services.appointments;
  const desk = { access: 'office', permission: 'appointment.bookFor' } as const;

  async function deskPage(
    req: FastifyRequest,
    reply: FastifyReply,
    q: z.infer<typeof deskQuery> & Record<string, string | undefined>,
    errors: FieldError[] = [],
  ) {
    const lang = req.lang;
    const settings = await apt.settingsFor(req.tenant.id);
    const day = q.tanggal ?? todayIn(services.clock, req.tenant.time_zone);
    const known = settings.services.some((s) => s.code === q.layanan);
    const list = known ? await apt.listSlots({ tenant: req.tenant, service: q.layanan!, from: day, days: 1, lang }) : null;
    const types = await services.catalogue.listPermitTypes({ tenantId: req.tenant.id });
    let booking: SafeHtml | string = '';
    if (list) {
      booking = html`<h2>${formatDay(day, lang)}</h2>
<form method="post" action="/kantor/janji-temu" novalidate>${csrfField(req)}
  ${hidden({ layanan: q.layanan, tanggal: day })}
  ${slotRadios(req, { slots: list.slots, timeZone: list.timeZone, value: q.mulai, errors, legend: t(lang, 'apt.slot'), asHeading: false })}
  <div class="form-group"><label class="label" for="${fieldId('izin')}">${t(lang, 'apt.permit')} <span class="muted">${t(lang, 'optional')}</span></label>
    <select class="input" id="${fieldId('izin')}" name="izin"><option value="">${t(lang, 'apt.permit.none')}</option>${types.map(
      (p) => html`<option value="${p.definition.code}"${p.definition.code === q.izin ? html` selected` : ''}>${loc(lang, p.definition.name)}</option>`,
    )}</select></div>
  ${textInput({ lang, name: 'name', label: t(lang, 'apt.name'), value: q.name, error: errorFor(errors, 'name'), maxlength: 100, spellcheck: false, autocomplete: 'off' })}
  ${textInput({ lang, name: 'whatsapp', type: 'tel', label: t(lang, 'apt.whatsapp'), value: q.whatsapp, error: errorFor(errors, 'whatsapp'), width: 'medium', maxlength: 25, autocomplete: 'off' })}
  ${button(t(lang, 'apt.desk.book'))}
</form>`;
    }
    return sendPage(req, reply, {
      title: t(lang, 'apt.desk.title'),
      back: '/kantor',
      errors,
      body: html`<h1>${t(lang, 'apt.desk.title')}</h1><p>${t(lang, 'apt.desk.lead')}</p>
<form method="get" action="/kantor/janji-temu" novalidate>
  ${radios({ lang, name: 'layanan', label: t(lang, 'apt.service'), value: q.layanan, options: settings.services.map((s) => ({ value: s.code, label: s.name[lang] })) })}
  ${textInput({ lang, name: 'tanggal', type: 'date', label: t(lang, 'apt.desk.day'), value: day, width: 'medium' })}
  ${button(t(lang, 'apt.desk.show'), { secondary: true })}
</form>
${booking}`,
    });
  }

  page.get('/kantor/janji-temu', { ...desk, query: deskQuery }, ({ req, reply, query }) => deskPage(req, reply, query));

  page.post('/kantor/janji-temu', { ...desk, form: deskForm }, async ({ req, reply, lang, actor, form }) => {
    if (!form.ok) return deskPage(req, reply, { ...form.values }, form.errors);
    const d = form.data;
    try {
      const booked = await apt.book({
        tenant: req.tenant,
        actor,
        service: d.layanan,
        start: d.mulai,
        name: d.name,
        whatsapp: d.whatsapp,
        permitTypeCode: d.izin || undefined,
        lang,
      });
      return reply.redirect(passPath(booked.appointment.number, booked.code), 303);
    } catch (err) {
      if (!isAppError(err)) throw err;
      if (err.code === 'slot_full' || err.code === 'slot_unavailable')
        return deskPage(req, reply, { ...form.values, mulai: undefined }, [{ field: 'mulai', message: t(lang, 'apt.slot.taken') }]);
      if (err.code === 'invalid_input') return deskPage(req, reply, { ...form.values }, fieldErrors(req, err.details.fields));
      throw err;
    }
  });

  // ── The admin's settings ───────────────────────────────────────────────────────────────────────────
  const admin = { access: 'office', permission: 'appointments.manage' } as const;

  function toForm(s: AppointmentSettings): Record<string, string> {
    return {
      services: s.services.map((x) => `${x.code} | ${x.name.id} | ${x.name.en}`).join('\n'),
      slotMinutes: String(s.slotMinutes),
      capacity: String(s.capacity),
      ...Object.fromEntries(WEEK.map((d) => [`hours_${d}`, (s.hours[d] ?? []).map((i) => `${i.from}-${i.to}`).join(', ')])),
    };
  }

  function settingsPage(req: FastifyRequest, reply: FastifyReply, v: Record<string, string>, opts: { errors?: FieldError[]; notice?: SafeHtml | null } = {}) {
    const lang = req.lang;
    const errors = opts.errors ?? [];
    return sendPage(req, reply, {
      title: t(lang, 'apt.settings.title'),
      back: '/kantor/admin',
      errors,
      notice: opts.notice ?? null,
      body: html`<h1>${t(lang, 'apt.settings.title')}</h1><p>${t(lang, 'apt.settings.lead')}</p>
<form method="post" action="/kantor/admin/janji-temu" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'services', label: t(lang, 'apt.settings.services'), hint: t(lang, 'apt.settings.services.hint'), value: v.services, error: errorFor(errors, 'services'), maxlength: 6000 })}
  <fieldset class="fieldset"><legend class="fieldset__legend fieldset__legend--m">${t(lang, 'apt.settings.week')}</legend>
  <div class="hint">${t(lang, 'apt.settings.hours.hint')}</div>
  ${WEEK.map((d) =>
    textInput({
      lang,
      name: `hours_${d}`,
      label: dayName(lang, d),
      value: v[`hours_${d}`],
      error: errorFor(errors, `hours_${d}`),
      width: 'medium',
      maxlength: 200,
      spellcheck: false,
      autocomplete: 'off',
    }),
  )}
  </fieldset>
  ${textInput({ lang, name: 'slotMinutes', label: t(lang, 'apt.settings.slot'), value: v.slotMinutes, error: errorFor(errors, 'slotMinutes'), width: 'short', inputmode: 'numeric', maxlength: 3 })}
  ${textInput({ lang, name: 'capacity', label: t(lang, 'apt.settings.capacity'), value: v.capacity, error: errorFor(errors, 'capacity'), width: 'short', inputmode: 'numeric', maxlength: 3 })}
  ${button(t(lang, 'apt.settings.save'))}
</form>`,
    });
  }

  page.get('/kantor/admin/janji-temu', { ...admin, query: z.object({ ok: z.literal('1').optional() }) }, async ({ req, reply, actor, query }) =>
    settingsPage(req, reply, toForm(await apt.getSettings({ actor })), { notice: query.ok ? banner(t(req.lang, 'apt.settings.saved'), 'success') : null }),
  );

  page.post('/kantor/admin/janji-temu', { ...admin, form: settingsForm }, async ({ req, reply, lang, actor, form }) => {
    const values = form.values;
    const parsed = parseSettingsForm(lang, values);
    if (!parsed.settings) return settingsPage(req, reply, values, { errors: parsed.errors });
    try {
      await apt.saveSettings({ actor, settings: parsed.settings });
    } catch (err) {
      if (!isAppError(err) || err.code !== 'invalid_input') throw err;
      const fields = err.details.fields ?? [];
      const errors = fields.map((f) => ({
        field: f.field === 'hours' ? 'hours_mon' : f.field,
        message: t(lang, 'apt.settings.invalid', { reason: f.message }),
      }));
      return settingsPage(req, reply, values, { errors });
    }
    return reply.redirect(`/kantor/admin/janji-temu${qs({ ok: '1' })}`, 303);
  });
}
