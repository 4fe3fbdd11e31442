import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import { AppError } from '../shared/errors.js';
import type { Services } from '../services.js';
import { banner, button, checkbox, csrfField, errorFor, type FieldError, radios, summaryList, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { formatDate, t } from '../web/i18n.js';
import { renderPage, sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { SESSION_COOKIE, setSessionCookie } from '../web/web-context.js';
import { errorMessage, fieldErrors, formText, safeReturn } from '../web/views.js';
import { formCode, formPassword } from './auth.forms.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';
import { consentNotice } from './consent.js';
import type { Lang } from '../shared/messages.js';
import { type RegisterError, registrationErrors, takenError } from './registration.errors.js';

/** The notice agreed to, in words: its title, the day it took effect and the day of the consent, with a link to it. */
const consentText = (lang: Lang, consent: { at: string; version: string }, zone: string) => {
  const notice = consentNotice(consent.version, lang);
  const date = formatDate(lang, consent.at, zone);
  const text = notice.effectiveOn
    ? t(lang, 'consent.given', { title: notice.title, effective: formatDate(lang, `${notice.effectiveOn}T12:00:00Z`, zone), date })
    : t(lang, 'consent.given.undated', { title: notice.title, date });
  return html`${text}<br><a href="/privasi">${t(lang, 'consent.read')}</a>`;
};

/** The form field a taken email, number or NIK belongs on (the service names it as the person reads it). */
const TAKEN_FIELD: Record<string, string> = { Email: 'email', WhatsApp: 'phone', NIK: 'nik' };
const takenField = (err: AppError, fallback: string): string => TAKEN_FIELD[String(err.details.params?.field)] ?? fallback;

const registerForm = () =>
  z.object({
    name: formText(120),
    identityKind: z.enum(['nik', 'kitas']).catch('nik'),
    nik: formText(20),
    passportNumber: formText(30),
    stayPermitNumber: formText(40),
    nationality: formText(60),
    email: formText(254),
    phone: formText(20),
    consent: formText(5),
    password: formPassword(),
    kembali: formText(300),
  });
/** Where the citizen was going before registering (the permit she chose, a claim link): a local path, kept through sign-in, registration and verification. */
const returnQuery = z.object({ kembali: z.string().max(300).optional().catch(undefined) });
const withReturn = (path: string, kembali: string | undefined) =>
  kembali && safeReturn(kembali, '') ? `${path}?kembali=${encodeURIComponent(safeReturn(kembali))}` : path;
const profileForm = () => z.object({ name: formText(121), email: formText(254), phone: formText(20), currentPassword: formPassword() });

/**
 * The citizen's account: registration (then a code to verify the email or WhatsApp number) and the
 * profile. Signing in and out and the forgotten password are in sign-in.pages.ts.
 */
export function accountPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  // ---- Register ----
  const registerPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: RegisterError[] = []) => {
    const lang = req.lang;
    const back = values.kembali && safeReturn(values.kembali, '') ? safeReturn(values.kembali) : undefined;
    const err = (name: string) => errorFor(errors, name);
    // A taken email or number: sign in with it, or reset the password, right under the field.
    const takenLinks = (field: string) =>
      errors.some((e) => e.field === field && e.taken)
        ? html`<p class="hint" id="${field}-taken">${t(lang, 'register.taken.or')} <a href="${withReturn('/akun/masuk', back)}">${t(lang, 'register.taken.signin')}</a> · <a href="/akun/lupa-sandi">${t(lang, 'register.taken.reset')}</a></p>`
        : '';
    const opts = {
      title: t(lang, 'register.title'),
      errors,
      body: html`<h1>${t(lang, 'register.title')}</h1>
<p>${t(lang, 'register.have.account')} <a href="${withReturn('/akun/masuk', back)}">${t(lang, 'signin.title')}</a></p>
<form method="post" action="/akun/daftar" novalidate>
  ${csrfField(req)}${back ? html`<input type="hidden" name="kembali" value="${back}">` : ''}
  ${textInput({ lang, name: 'name', label: t(lang, 'register.name'), value: values.name, error: err('name'), autocomplete: 'name', maxlength: 120, spellcheck: false })}
  ${radios({
    lang,
    name: 'identityKind',
    label: t(lang, 'register.identity'),
    value: values.identityKind === 'kitas' ? 'kitas' : 'nik',
    options: [
      { value: 'nik', label: t(lang, 'register.identity.nik') },
      { value: 'kitas', label: t(lang, 'register.identity.kitas') },
    ],
  })}
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'register.nik.group')}</legend>
    ${textInput({ lang, name: 'nik', label: t(lang, 'register.nik'), hint: t(lang, 'register.nik.hint'), value: values.nik, error: err('nik'), inputmode: 'numeric', width: 'medium', autocomplete: 'off', maxlength: 20, spellcheck: false })}
  </fieldset>
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'register.kitas.group')}</legend>
    <p class="hint">${t(lang, 'register.kitas.hint')}</p>
    ${textInput({ lang, name: 'passportNumber', label: t(lang, 'register.passport'), value: values.passportNumber, error: err('passportNumber'), width: 'medium', autocomplete: 'off', maxlength: 30, spellcheck: false })}
    ${textInput({ lang, name: 'stayPermitNumber', label: t(lang, 'register.staypermit'), hint: t(lang, 'register.staypermit.hint'), value: values.stayPermitNumber, error: err('stayPermitNumber'), width: 'medium', autocomplete: 'off', maxlength: 40, spellcheck: false })}
    ${textInput({ lang, name: 'nationality', label: t(lang, 'register.nationality'), hint: t(lang, 'register.nationality.hint'), value: values.nationality, error: err('nationality'), width: 'medium', autocomplete: 'country-name', maxlength: 60 })}
  </fieldset>
  <fieldset class="fieldset" aria-describedby="contact-hint">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'register.contact')}</legend>
    <p class="hint" id="contact-hint">${t(lang, 'register.contact.hint')}</p>
    ${textInput({ lang, name: 'email', label: t(lang, 'register.email'), value: values.email, error: err('email'), type: 'email', autocomplete: 'email', maxlength: 254, spellcheck: false, optional: true })}
    ${takenLinks('email')}
    ${textInput({ lang, name: 'phone', label: t(lang, 'register.phone'), value: values.phone, error: err('phone'), type: 'tel', autocomplete: 'tel', width: 'medium', maxlength: 20, optional: true })}
    ${takenLinks('phone')}
  </fieldset>
  ${textInput({ lang, name: 'password', label: t(lang, 'register.password'), hint: t(lang, 'register.password.hint'), value: values.password, keepValue: true, error: err('password'), type: 'password', autocomplete: 'new-password', maxlength: MAX_PASSWORD_LENGTH })}
  <h2>${t(lang, 'register.privacy')}</h2>
  <p>${t(lang, 'register.privacy.text')}</p>
  ${checkbox({ lang, name: 'consent', label: t(lang, 'register.consent'), checked: values.consent === 'yes', error: err('consent') })}
  ${button(t(lang, 'register.submit'))}
</form>`,
    };
    // A re-rendered form keeps what was typed, the password too (issue 16: another field's error must
    // not clear it); a page holding a password is never stored by the browser or a proxy.
    if (!values.password) return sendPage(req, reply, opts);
    return reply.code(400).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPage(req, opts));
  };

  page.get('/akun/daftar', { access: 'anyone', query: returnQuery }, ({ req, reply, query }) =>
    registerPage(req, reply, query.kembali ? { kembali: query.kembali } : {}),
  );

  // Every check is the service's (it reports all problems at once); the form only bounds what was typed.
  page.post('/akun/daftar', { access: 'anyone', form: registerForm, rateLimit: { max: 10, timeWindow: '1 minute' } }, async ({ req, reply, form }) => {
    if (!form.ok) return registerPage(req, reply, form.values, form.errors);
    const { password, kembali, ...values } = form.data;
    const foreign = values.identityKind === 'kitas';
    try {
      await services.auth.registerApplicant({
        tenantId: req.tenant.id,
        name: values.name,
        identityKind: values.identityKind,
        ...(foreign
          ? { passportNumber: values.passportNumber, stayPermitNumber: values.stayPermitNumber, nationality: values.nationality }
          : { nik: values.nik }),
        email: values.email || undefined,
        phone: values.phone || undefined,
        password,
        consent: values.consent === 'yes',
        // The page's language: her messages are written in it until she chooses one.
        language: req.lang,
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors: RegisterError[] =
        err.code === 'conflict'
          ? [{ field: 'nik', message: t(req.lang, 'nik.changed') }]
          : err.details.fields
            ? registrationErrors(req.lang, err.details.fields)
            : err.code === 'already_registered'
              ? [takenError(req.lang, takenField(err, 'email'))]
              : [{ field: 'name', message: errorMessage(req, err) }];
      return registerPage(req, reply, { ...values, password, kembali }, errors);
    }
    const { token } = await services.auth.login({
      tenantId: req.tenant.id,
      login: values.email || values.phone,
      password,
      clientIp: req.ip,
      kind: 'cookie',
      previousToken: req.cookies[SESSION_COOKIE],
    });
    setSessionCookie(reply, token);
    return reply.redirect(withReturn('/akun/verifikasi', kembali), 303);
  });

  // ---- Verify contact ----
  const verifyPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, errors: FieldError[] = [], notice?: string, kembali?: string) => {
    const back = kembali && safeReturn(kembali, '') ? safeReturn(kembali) : undefined;
    const keep = back ? html`<input type="hidden" name="kembali" value="${back}">` : '';
    const lang = req.lang;
    const me = await services.auth.getProfile(actor);
    // Each email and number is verified on its own; the page asks for the next one still waiting.
    if (!me.contactToVerify && me.contactVerified && !errors.length) {
      return sendPage(req, reply, {
        title: t(lang, 'verify.done'),
        body: back
          ? html`<h1>${t(lang, 'verify.done')}</h1><p><a class="button" href="${back}">${t(lang, 'verify.continue')}</a></p>`
          : html`<h1>${t(lang, 'verify.done')}</h1><p><a href="/izin">${t(lang, 'home.apply')}</a></p>`,
      });
    }
    return sendPage(req, reply, {
      title: t(lang, 'verify.title'),
      errors,
      notice: notice ? banner(notice, 'success') : null,
      body: html`<form method="post" action="/akun/verifikasi" novalidate>
  ${csrfField(req)}${keep}
  <p>${t(lang, me.codeSent || !me.addressToVerify ? 'verify.lead' : 'verify.lead.send', { contact: me.addressToVerify ?? me.email ?? me.phone ?? '' })}</p>
  ${textInput({ lang, name: 'code', label: t(lang, 'verify.title'), isPageHeading: true, error: errorFor(errors, 'code'), inputmode: 'numeric', width: 'short', autocomplete: 'one-time-code', maxlength: 10 })}
  ${button(t(lang, 'verify.submit'))}
</form>
<form method="post" action="/akun/verifikasi/kirim-ulang">${csrfField(req)}${keep}${button(t(lang, 'verify.resend'), { secondary: true })}</form>`,
    });
  };

  page.get('/akun/verifikasi', { access: 'signed-in', query: returnQuery }, ({ req, reply, actor, query }) =>
    verifyPage(req, reply, actor, [], undefined, query.kembali),
  );

  page.post(
    '/akun/verifikasi',
    {
      access: 'signed-in',
      form: (lang) => z.object({ code: formCode(lang, t(lang, 'verify.code')), kembali: formText(300) }),
      rateLimit: { max: 10, timeWindow: '1 minute' },
    },
    async ({ req, reply, actor, form }) => {
      if (!form.ok) return verifyPage(req, reply, actor, form.errors, undefined, form.values.kembali);
      try {
        await services.auth.verifyContact({ actor, code: form.data.code });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return verifyPage(req, reply, actor, fieldErrors(req, err.details.fields), undefined, form.data.kembali);
      }
      return reply.redirect(withReturn('/akun/verifikasi', form.data.kembali), 303);
    },
  );

  page.post(
    '/akun/verifikasi/kirim-ulang',
    { access: 'signed-in', form: () => z.object({ kembali: formText(300) }), rateLimit: { max: 3, timeWindow: '1 minute' } },
    async ({ req, reply, actor, form }) => {
      await services.auth.requestContactVerification(actor);
      return verifyPage(req, reply, actor, [], t(req.lang, 'verify.sent'), form.ok ? form.data.kembali : undefined);
    },
  );

  // ---- Profile ----
  const profilePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    values?: Record<string, string>,
    errors: FieldError[] = [],
    notice?: string,
  ) => {
    const lang = req.lang;
    const me = await services.auth.getProfile(actor);
    const v = values ?? { name: me.name, email: me.email ?? '', phone: me.phone ?? '' };
    return sendPage(req, reply, {
      title: t(lang, 'profile.title'),
      errors,
      notice: notice
        ? banner(notice, 'success')
        : me.contactToVerify
          ? html`<div class="banner" role="status"><p class="banner__text"><a href="/akun/verifikasi">${t(lang, 'verify.needed')}</a></p></div>`
          : null,
      body: html`<h1>${t(lang, 'profile.title')}</h1>
${summaryList([
  ...(me.identityKind === 'kitas'
    ? [
        { key: t(lang, 'profile.identity.kitas'), value: t(lang, 'profile.identity.kitas.value', { nationality: me.nationality ?? '' }) },
        { key: t(lang, 'profile.passport'), value: me.passportMasked ?? '–' },
        { key: t(lang, 'profile.staypermit'), value: me.stayPermitMasked ?? '–' },
      ]
    : [{ key: t(lang, 'profile.nik'), value: me.nikMasked ?? '–' }]),
  ...(me.consent
    ? [
        {
          key: t(lang, 'profile.consent'),
          value: consentText(lang, me.consent, req.tenant.time_zone),
        },
      ]
    : []),
])}
<form method="post" action="/akun/profil" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'name', label: t(lang, 'register.name'), value: v.name, error: errorFor(errors, 'name'), autocomplete: 'name', maxlength: 120, spellcheck: false })}
  ${textInput({ lang, name: 'email', label: t(lang, 'register.email'), value: v.email, error: errorFor(errors, 'email'), type: 'email', autocomplete: 'email', maxlength: 254, spellcheck: false, optional: true })}
  ${textInput({ lang, name: 'phone', label: t(lang, 'register.phone'), value: v.phone, error: errorFor(errors, 'phone'), type: 'tel', autocomplete: 'tel', width: 'medium', maxlength: 20, optional: true })}
  ${textInput({ lang, name: 'currentPassword', label: t(lang, 'profile.password'), hint: t(lang, 'profile.password.hint'), error: errorFor(errors, 'currentPassword'), type: 'password', autocomplete: 'current-password', maxlength: MAX_PASSWORD_LENGTH, optional: true })}
  ${button(t(lang, 'profile.save'))}
</form>
<p><a href="/akun/pemberitahuan">${t(lang, 'prefs.link')}</a></p>
<p><a href="/akun/riwayat">${t(lang, 'contacts.mine.title')}</a></p>
${me.role === 'applicant' ? html`<p><a href="/akun/data-pribadi" data-personal-data>${t(lang, 'pdp.link')}</a></p>` : ''}
<h2>${t(lang, 'account.signout.all.title')}</h2>
<p>${t(lang, 'account.signout.all.lead')}</p>
<form method="post" action="/akun/keluar-semua" novalidate>${csrfField(req)}${button(t(lang, 'account.signout.all.button'), { secondary: true })}</form>`,
    });
  };

  page.get('/akun/profil', { access: 'signed-in' }, ({ req, reply, actor }) => profilePage(req, reply, actor));

  page.post('/akun/profil', { access: 'signed-in', form: profileForm }, async ({ req, reply, actor, form }) => {
    if (!form.ok) return profilePage(req, reply, actor, form.values, form.errors);
    const { currentPassword, ...values } = form.data;
    let result: { changedContact: boolean };
    try {
      result = await services.auth.updateProfile({ actor, ...values, currentPassword, sessionToken: req.cookies[SESSION_COOKIE], clientIp: req.ip });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const field = err.code === 'too_many_attempts' ? 'currentPassword' : takenField(err, 'email');
      const errors = err.details.fields ? fieldErrors(req, err.details.fields) : [{ field, message: errorMessage(req, err) }];
      return profilePage(req, reply, actor, values, errors);
    }
    return profilePage(req, reply, actor, undefined, [], t(req.lang, result.changedContact ? 'profile.saved.contact' : 'profile.saved'));
  });

  // ---- At the counter: a NIK another account registered ----
  const nikForm = () => z.object({ nik: formText(20), login: formText(254), ktpChecked: formText(5), reason: formText(300) });
  const nikClaimPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = [], notice?: string) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'nikclaim.title'),
      errors,
      notice: notice ? banner(notice, 'success') : null,
      body: html`<h1>${t(lang, 'nikclaim.title')}</h1>
<p>${t(lang, 'nikclaim.lead')}</p>
<form method="post" action="/kantor/nik" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'nik', label: t(lang, 'register.nik'), value: values.nik, error: errorFor(errors, 'nik'), inputmode: 'numeric', width: 'medium', autocomplete: 'off', maxlength: 20, spellcheck: false })}
  ${textInput({ lang, name: 'login', label: t(lang, 'nikclaim.login'), hint: t(lang, 'nikclaim.login.hint'), value: values.login, error: errorFor(errors, 'login'), autocomplete: 'off', maxlength: 254, spellcheck: false })}
  ${textInput({ lang, name: 'reason', label: t(lang, 'nikclaim.reason'), value: values.reason, error: errorFor(errors, 'reason'), maxlength: 300 })}
  ${checkbox({ lang, name: 'ktpChecked', label: t(lang, 'nikclaim.ktp'), checked: values.ktpChecked === 'yes', error: errorFor(errors, 'ktpChecked') })}
  ${button(t(lang, 'nikclaim.submit'))}
</form>`,
    });
  };

  page.get('/kantor/nik', { access: 'office', permission: 'account.resolveNik' }, ({ req, reply }) => nikClaimPage(req, reply));

  page.post('/kantor/nik', { access: 'office', permission: 'account.resolveNik', form: nikForm }, async ({ req, reply, actor, form }) => {
    if (!form.ok) return nikClaimPage(req, reply, form.values, form.errors);
    try {
      const { releasedFrom } = await services.auth.resolveNikClaim({ actor, ...form.data, ktpChecked: form.data.ktpChecked === 'yes' });
      return nikClaimPage(req, reply, {}, [], t(req.lang, releasedFrom ? 'nikclaim.done' : 'nikclaim.done.none'));
    } catch (err) {
      if (!(err instanceof AppError) || !err.details.fields) throw err;
      if (err.code === 'conflict') return nikClaimPage(req, reply, form.data, [{ field: 'nik', message: t(req.lang, 'nik.changed') }]);
      return nikClaimPage(req, reply, form.data, fieldErrors(req, err.details.fields));
    }
  });
}
