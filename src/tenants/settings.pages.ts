import { boundedText } from '../web/views.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { banner, button, csrfField, errorFor, type FieldError, radios, textarea, textInput } from '../web/components.js';
import type { Channel } from '../notifications/messages.js';
import { channelLabel } from '../notifications/notifications.pages.js';
import { html, type SafeHtml } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { calendarGapWarning } from '../sla/holidays.pages.js';
import { pageKit } from '../web/page-route.js';
import { adminFormErrors, type ProblemWording } from './admin-forms.js';
import { type OfficeSettings, SETTINGS_LIMITS } from './settings.service.js';

const sectionLink = (href: string, title: string, hint: string) => html`<li><h2><a href="${href}">${title}</a></h2><p class="muted">${hint}</p></li>`;

const settingsLabels = (lang: Lang): Record<string, string> => ({
  name: t(lang, 'admin.settings.name'),
  timeZone: t(lang, 'admin.settings.timeZone'),
  hostnames: t(lang, 'admin.settings.hostnames'),
  logoText: t(lang, 'admin.settings.logoText'),
  address: t(lang, 'admin.settings.address'),
  phone: t(lang, 'admin.settings.phone'),
  email: t(lang, 'admin.settings.email'),
  whatsapp: t(lang, 'admin.settings.whatsapp'),
  instagram: t(lang, 'admin.settings.instagram'),
  facebook: t(lang, 'admin.settings.facebook'),
  hours: t(lang, 'admin.settings.hours'),
  channelOrder: t(lang, 'admin.settings.channelOrder'),
});

const settingsWording: ProblemWording = (lang, p) => {
  const params = p.params ?? {};
  switch (p.code) {
    case 'invalid_time_zone':
      return t(lang, 'admin.settings.timeZone.invalid', params);
    case 'invalid_host_name':
      return t(lang, 'admin.settings.host.invalid', params);
    case 'host_name_taken':
      return t(lang, 'admin.settings.host.taken', params);
    case 'too_many_host_names':
      return t(lang, 'admin.settings.host.tooMany', params);
    case 'invalid_office_phone':
      return t(lang, 'admin.settings.phone.invalid');
    case 'invalid_whatsapp':
      return t(lang, 'admin.settings.whatsapp.invalid');
    case 'invalid_instagram':
      return t(lang, 'admin.settings.instagram.invalid');
    case 'invalid_facebook':
      return t(lang, 'admin.settings.facebook.invalid');
    default:
      return undefined;
  }
};

/** What was typed, bounded; the service checks it and names every problem at once. */
const text = boundedText;
const settingsForm = () =>
  z.object({
    name: text(200),
    timeZone: text(100),
    hostnames: text(6000),
    logoText: text(200),
    address: text(500),
    phone: text(60),
    email: text(300),
    whatsapp: text(60),
    instagram: text(100),
    facebook: text(100),
    hours: text(300),
    channelOrder: text(40),
  });

/** The fallback orders an office can choose: every order of the three channels. */
const CHANNEL_ORDERS: Channel[][] = [
  ['whatsapp', 'sms', 'email'],
  ['whatsapp', 'email', 'sms'],
  ['sms', 'whatsapp', 'email'],
  ['sms', 'email', 'whatsapp'],
  ['email', 'whatsapp', 'sms'],
  ['email', 'sms', 'whatsapp'],
];

const SETTINGS_NOTICES = { disimpan: 'admin.settings.saved', sama: 'admin.settings.unchanged' } as const;

/**
 * The office administration's home (/kantor/admin: a link to each section the person may open) and
 * the office's settings: name, time zone, host names and branding. The settings service checks the
 * permission again, validates everything and audits the change.
 */
export function settingsPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  page.get('/kantor/admin', { access: 'office' }, async ({ req, reply, actor }) => {
    const lang = req.lang;
    const may = services.settings.adminHome({ actor });
    const calendarGap = await services.holidays.calendarGap({ actor, timeZone: req.tenant.time_zone });
    return sendPage(req, reply, {
      title: t(lang, 'admin.title'),
      back: '/kantor',
      body: html`<h1>${t(lang, 'admin.title')}</h1>
<p>${t(lang, 'admin.lead')}</p>
${calendarGapWarning(lang, calendarGap, may.holidays)}
<ul class="card-list">
  ${may.staff ? sectionLink('/kantor/admin/staf', t(lang, 'admin.staff'), t(lang, 'admin.staff.hint')) : ''}
  ${may.catalogue ? sectionLink('/kantor/admin/izin', t(lang, 'admin.catalogue'), t(lang, 'admin.catalogue.hint')) : ''}
  ${may.holidays ? sectionLink('/kantor/admin/libur', t(lang, 'admin.holidays'), t(lang, 'admin.holidays.hint')) : ''}
  ${may.settings ? sectionLink('/kantor/admin/pengaturan', t(lang, 'admin.settings'), t(lang, 'admin.settings.hint')) : ''}
  ${may.messages ? sectionLink('/kantor/admin/pesan-gagal', t(lang, 'admin.messages'), t(lang, 'admin.messages.hint')) : ''}
  ${may.appointments ? sectionLink('/kantor/admin/janji-temu', t(lang, 'apt.settings.title'), t(lang, 'apt.settings.hint')) : ''}
  ${may.settings ? sectionLink('/kantor/admin/antrian', t(lang, 'queue.settings.title'), t(lang, 'queue.settings.hint')) : ''}
  ${may.retribution ? sectionLink('/kantor/admin/retribusi', t(lang, 'fees.admin.title'), t(lang, 'fees.admin.hint')) : ''}
  ${may.payments ? sectionLink('/kantor/admin/pembayaran', t(lang, 'paysettings.title'), t(lang, 'paysettings.hint')) : ''}
  ${may.screens ? sectionLink('/kantor/admin/layar', t(lang, 'screens.admin.title'), t(lang, 'screens.admin.hint')) : ''}
</ul>`,
    });
  });

  /** Field names are spelt as the settings service spells them, so its problems land on the right field. */
  function settingsPage(
    req: FastifyRequest,
    reply: FastifyReply,
    s: OfficeSettings & { hostnamesText?: string },
    opts: { errors?: FieldError[]; notice?: SafeHtml | null } = {},
  ): FastifyReply {
    const lang = req.lang;
    const labels = settingsLabels(lang);
    const errors = opts.errors ?? [];
    return sendPage(req, reply, {
      title: t(lang, 'admin.settings'),
      back: '/kantor/admin',
      errors,
      notice: opts.notice ?? null,
      body: html`<h1>${t(lang, 'admin.settings')}</h1>
<p>${t(lang, 'admin.settings.lead')}</p>
<form method="post" action="/kantor/admin/pengaturan" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'name', label: labels.name!, value: s.name, error: errorFor(errors, 'name'), maxlength: SETTINGS_LIMITS.name })}
  ${textInput({ lang, name: 'timeZone', label: labels.timeZone!, hint: t(lang, 'admin.settings.timeZone.hint'), value: s.timeZone, error: errorFor(errors, 'timeZone'), width: 'medium', maxlength: 60, autocomplete: 'off', spellcheck: false })}
  ${textarea({ lang, name: 'hostnames', label: labels.hostnames!, hint: t(lang, 'admin.settings.hostnames.hint'), value: s.hostnamesText ?? s.hostnames.join('\n'), error: errorFor(errors, 'hostnames'), maxlength: 6000 })}
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'admin.settings.branding')}</legend>
    ${textInput({ lang, name: 'logoText', label: labels.logoText!, value: s.branding.logoText, error: errorFor(errors, 'logoText'), optional: true, maxlength: SETTINGS_LIMITS.logoText })}
    ${textarea({ lang, name: 'address', label: labels.address!, value: s.branding.address, hint: t(lang, 'admin.settings.address.hint'), error: errorFor(errors, 'address'), optional: true, maxlength: SETTINGS_LIMITS.address })}
    ${textInput({ lang, name: 'phone', type: 'tel', label: labels.phone!, value: s.branding.phone, error: errorFor(errors, 'phone'), optional: true, width: 'medium', autocomplete: 'off', maxlength: SETTINGS_LIMITS.phone })}
    ${textInput({ lang, name: 'email', type: 'email', label: labels.email!, value: s.branding.email, error: errorFor(errors, 'email'), optional: true, autocomplete: 'off', maxlength: SETTINGS_LIMITS.email, spellcheck: false })}
  </fieldset>
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'admin.settings.help')}</legend>
    <p class="hint">${t(lang, 'admin.settings.help.hint')}</p>
    ${textInput({ lang, name: 'whatsapp', type: 'tel', label: labels.whatsapp!, hint: t(lang, 'admin.settings.whatsapp.hint'), value: s.branding.whatsapp ?? '', error: errorFor(errors, 'whatsapp'), optional: true, width: 'medium', autocomplete: 'off', maxlength: 30 })}
    ${textInput({ lang, name: 'instagram', label: labels.instagram!, hint: t(lang, 'admin.settings.instagram.hint'), value: s.branding.instagram ?? '', error: errorFor(errors, 'instagram'), optional: true, width: 'medium', autocomplete: 'off', maxlength: 31, spellcheck: false })}
    ${textInput({ lang, name: 'facebook', label: labels.facebook!, hint: t(lang, 'admin.settings.facebook.hint'), value: s.branding.facebook ?? '', error: errorFor(errors, 'facebook'), optional: true, width: 'medium', autocomplete: 'off', maxlength: 51, spellcheck: false })}
    ${textInput({ lang, name: 'hours', label: labels.hours!, hint: t(lang, 'admin.settings.hours.hint'), value: s.branding.hours ?? '', error: errorFor(errors, 'hours'), optional: true, maxlength: SETTINGS_LIMITS.hours })}
  </fieldset>
  ${radios({
    lang,
    name: 'channelOrder',
    label: labels.channelOrder!,
    hint: t(lang, 'admin.settings.channelOrder.hint'),
    value: s.channelOrder.join(','),
    error: errorFor(errors, 'channelOrder'),
    options: CHANNEL_ORDERS.map((order) => ({ value: order.join(','), label: order.map((c) => channelLabel(lang, c)).join(' → ') })),
  })}
  ${button(t(lang, 'admin.settings.save'))}
</form>`,
    });
  }

  page.get(
    '/kantor/admin/pengaturan',
    { access: 'office', permission: 'settings.manage', query: z.object({ ok: z.enum(['disimpan', 'sama']).optional().catch(undefined) }) },
    async ({ req, reply, actor, query }) => {
      const notice = query.ok ? banner(t(req.lang, SETTINGS_NOTICES[query.ok]), 'success') : null;
      return settingsPage(req, reply, await services.settings.getSettings({ actor }), { notice });
    },
  );

  page.post(
    '/kantor/admin/pengaturan',
    { access: 'office', permission: 'settings.manage', form: settingsForm, returnTo: () => '/kantor/admin' },
    async ({ req, reply, actor, form }) => {
      // Every field is optional text, so only a mangled post fails here; what it says is the service's to judge.
      if (!form.ok) throw new AppError('invalid_input', 'settings form unreadable');
      const f = form.data;
      const settings: OfficeSettings = {
        name: f.name,
        timeZone: f.timeZone,
        hostnames: f.hostnames.split(/\r?\n/),
        branding: {
          logoText: f.logoText,
          address: f.address,
          phone: f.phone,
          email: f.email,
          whatsapp: f.whatsapp,
          instagram: f.instagram,
          facebook: f.facebook,
          hours: f.hours,
        },
        channelOrder: f.channelOrder.split(',').filter(Boolean) as Channel[],
      };
      try {
        const { changed } = await services.settings.updateSettings({ actor, settings });
        return reply.redirect(`/kantor/admin/pengaturan?ok=${changed.length ? 'disimpan' : 'sama'}`, 303);
      } catch (err) {
        const errors = adminFormErrors(req.lang, err, { labels: settingsLabels(req.lang), wording: settingsWording });
        if (!errors) throw err;
        return settingsPage(req, reply, { ...settings, hostnamesText: f.hostnames }, { errors });
      }
    },
  );
}
