import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_PASSWORD_LENGTH } from '../../auth/passwords.js';
import { decryptField } from '../../shared/crypto.js';
import { AppError } from '../../shared/errors.js';
import { maskNik } from '../../shared/identifiers.js';
import type { Services } from '../../services.js';
import { banner, button, checkbox, csrfField, errorFor, type FieldError, summaryList, textInput } from '../components.js';
import { html } from '../html.js';
import { formatDate, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../web-context.js';
import { checkCsrf, errorMessage, field, fieldErrors, requiredMessage, safeReturn, signedIn } from './helpers.js';

const required = (req: FastifyRequest, label: string): string => requiredMessage(req.lang, label);

export function accountPages(app: FastifyInstance, services: Services): void {
  // ---- Register ----
  const registerPage = (req: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'register.title'),
      errors,
      body: html`<h1>${t(lang, 'register.title')}</h1>
<form method="post" action="/akun/daftar" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'name', label: t(lang, 'register.name'), value: values.name, error: errorFor(errors, 'name'), autocomplete: 'name', maxlength: 120, spellcheck: false })}
  ${textInput({ lang, name: 'nik', label: t(lang, 'register.nik'), hint: t(lang, 'register.nik.hint'), value: values.nik, error: errorFor(errors, 'nik'), inputmode: 'numeric', width: 'medium', autocomplete: 'off', maxlength: 20, spellcheck: false })}
  <p class="hint" id="contact-hint">${t(lang, 'register.contact.hint')}</p>
  ${textInput({ lang, name: 'email', label: t(lang, 'register.email'), value: values.email, error: errorFor(errors, 'email'), type: 'email', autocomplete: 'email', maxlength: 254, spellcheck: false, optional: true })}
  ${textInput({ lang, name: 'phone', label: t(lang, 'register.phone'), value: values.phone, error: errorFor(errors, 'phone'), type: 'tel', autocomplete: 'tel', width: 'medium', maxlength: 20, optional: true })}
  ${textInput({ lang, name: 'password', label: t(lang, 'register.password'), hint: t(lang, 'register.password.hint'), error: errorFor(errors, 'password'), type: 'password', autocomplete: 'new-password', maxlength: MAX_PASSWORD_LENGTH })}
  <h2>${t(lang, 'register.privacy')}</h2>
  <p>${t(lang, 'register.privacy.text')}</p>
  ${checkbox({ lang, name: 'consent', label: t(lang, 'register.consent'), checked: values.consent === 'yes', error: errorFor(errors, 'consent') })}
  ${button(t(lang, 'register.submit'))}
</form>`,
    });
  };

  app.get('/akun/daftar', { schema: { hide: true } }, async (req, reply) => registerPage(req, reply));

  app.post('/akun/daftar', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const values = {
      name: field(req.body, 'name', 120),
      nik: field(req.body, 'nik', 20),
      email: field(req.body, 'email', 254),
      phone: field(req.body, 'phone', 20),
      consent: field(req.body, 'consent', 5),
    };
    const password = field(req.body, 'password', MAX_PASSWORD_LENGTH + 1);
    try {
      await services.auth.registerApplicant({
        tenantId: req.tenant.id,
        name: values.name,
        nik: values.nik,
        email: values.email || undefined,
        phone: values.phone || undefined,
        password,
        consent: values.consent === 'yes',
      });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = err.details.fields
        ? fieldErrors(req, err.details.fields)
        : [{ field: err.code === 'already_registered' ? 'email' : 'name', message: errorMessage(req, err) }];
      return registerPage(req, reply, values, errors);
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
    return reply.redirect('/akun/verifikasi', 303);
  });

  // ---- Sign in / out ----
  const signInPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    values: { login?: string; kembali?: string } = {},
    errors: FieldError[] = [],
    notice?: string,
    status?: number,
  ) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'signin.title'),
      errors,
      notice: notice ? banner(notice, 'success') : null,
      ...(status ? { status } : {}),
      body: html`<h1>${t(lang, 'signin.title')}</h1>
<form method="post" action="/akun/masuk" novalidate>
  ${csrfField(req)}<input type="hidden" name="kembali" value="${safeReturn(values.kembali)}">
  ${textInput({ lang, name: 'login', label: t(lang, 'signin.login'), value: values.login, error: errorFor(errors, 'login'), autocomplete: 'username', maxlength: 254, spellcheck: false })}
  ${textInput({ lang, name: 'password', label: t(lang, 'signin.password'), error: errorFor(errors, 'password'), type: 'password', autocomplete: 'current-password', maxlength: MAX_PASSWORD_LENGTH })}
  ${button(t(lang, 'signin.submit'))}
</form>
<p><a href="/akun/lupa-sandi">${t(lang, 'signin.forgot')}</a></p>
<p><a href="/akun/daftar">${t(lang, 'signin.noaccount')}</a></p>`,
    });
  };

  app.get<{ Querystring: { kembali?: string } }>('/akun/masuk', { schema: { hide: true } }, async (req, reply) => {
    if (req.actor) return reply.redirect(safeReturn(req.query.kembali), 303);
    return signInPage(req, reply, { kembali: req.query.kembali });
  });

  app.post('/akun/masuk', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const login = field(req.body, 'login', 254).trim();
    const password = field(req.body, 'password', MAX_PASSWORD_LENGTH);
    const kembali = field(req.body, 'kembali', 300);
    const errors: FieldError[] = [];
    if (!login) errors.push({ field: 'login', message: required(req, t(req.lang, 'signin.login')) });
    if (!password) errors.push({ field: 'password', message: required(req, t(req.lang, 'signin.password')) });
    if (errors.length) return signInPage(req, reply, { login, kembali }, errors);
    try {
      const { token, secondFactor } = await services.auth.login({
        tenantId: req.tenant.id,
        login,
        password,
        clientIp: req.ip,
        kind: 'cookie',
        previousToken: req.cookies[SESSION_COOKIE],
      });
      setSessionCookie(reply, token);
      // Officers continue to their second factor: first set-up, or the code.
      if (secondFactor === 'set_up') return reply.redirect('/kantor/atur-autentikator', 303);
      if (secondFactor === 'enter_code') return reply.redirect('/kantor/kode', 303);
      return reply.redirect(safeReturn(kembali), 303);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      if (err.details.retryAfterSeconds) reply.header('retry-after', String(err.details.retryAfterSeconds));
      return signInPage(req, reply, { login, kembali }, [{ field: 'login', message: errorMessage(req, err) }], undefined, err.status);
    }
  });

  app.post('/akun/keluar', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    if (req.actor) await services.auth.logout(req.actor);
    clearSessionCookie(reply);
    req.actor = null;
    return signInPage(req, reply, {}, [], t(req.lang, 'signedout'));
  });

  // ---- Verify contact ----
  const verifyPage = async (req: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], notice?: string) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const user = await services.auth.getUser(actor);
    if (user.contact_verified_at && !errors.length) {
      return sendPage(req, reply, {
        title: t(lang, 'verify.done'),
        body: html`<h1>${t(lang, 'verify.done')}</h1><p><a href="/izin">${t(lang, 'home.apply')}</a></p>`,
      });
    }
    return sendPage(req, reply, {
      title: t(lang, 'verify.title'),
      errors,
      notice: notice ? banner(notice, 'success') : null,
      body: html`<form method="post" action="/akun/verifikasi" novalidate>
  ${csrfField(req)}
  <p>${t(lang, 'verify.lead', { contact: user.email ?? user.phone ?? '' })}</p>
  ${textInput({ lang, name: 'code', label: t(lang, 'verify.title'), isPageHeading: true, error: errorFor(errors, 'code'), inputmode: 'numeric', width: 'short', autocomplete: 'one-time-code', maxlength: 10 })}
  ${button(t(lang, 'verify.submit'))}
</form>
<form method="post" action="/akun/verifikasi/kirim-ulang">${csrfField(req)}${button(t(lang, 'verify.resend'), { secondary: true })}</form>`,
    });
  };
  app.get('/akun/verifikasi', { schema: { hide: true } }, async (req, reply) => verifyPage(req, reply));
  app.post('/akun/verifikasi', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const code = field(req.body, 'code', 10).replace(/\s/g, '');
    if (!code) return verifyPage(req, reply, [{ field: 'code', message: required(req, t(req.lang, 'verify.code')) }]);
    try {
      await services.auth.verifyContact({ actor, code });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return verifyPage(req, reply, fieldErrors(req, err.details.fields));
    }
    return reply.redirect('/akun/verifikasi', 303);
  });
  app.post('/akun/verifikasi/kirim-ulang', { schema: { hide: true }, config: { rateLimit: { max: 3, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    await services.auth.requestContactVerification(actor);
    return verifyPage(req, reply, [], t(req.lang, 'verify.sent'));
  });

  // ---- Forgotten password ----
  const forgotPage = (req: FastifyRequest, reply: FastifyReply, errors: FieldError[] = []) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'forgot.title'),
      errors,
      back: '/akun/masuk',
      body: html`<h1>${t(lang, 'forgot.title')}</h1><p>${t(lang, 'forgot.lead')}</p>
<form method="post" action="/akun/lupa-sandi" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'login', label: t(lang, 'signin.login'), error: errorFor(errors, 'login'), autocomplete: 'username', maxlength: 254, spellcheck: false })}
  ${button(t(lang, 'forgot.submit'))}
</form>`,
    });
  };
  const resetPage = (req: FastifyRequest, reply: FastifyReply, login: string, errors: FieldError[] = []) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'reset.title'),
      errors,
      body: html`<h1>${t(lang, 'reset.title')}</h1><p>${t(lang, 'reset.lead')}</p>
<form method="post" action="/akun/atur-ulang-sandi" novalidate>${csrfField(req)}<input type="hidden" name="login" value="${login}">
  ${textInput({ lang, name: 'code', label: t(lang, 'verify.code'), error: errorFor(errors, 'code'), inputmode: 'numeric', width: 'short', autocomplete: 'one-time-code', maxlength: 10 })}
  ${textInput({ lang, name: 'password', label: t(lang, 'reset.password'), hint: t(lang, 'register.password.hint'), error: errorFor(errors, 'password'), type: 'password', autocomplete: 'new-password', maxlength: MAX_PASSWORD_LENGTH })}
  ${button(t(lang, 'reset.submit'))}
</form>`,
    });
  };
  app.get('/akun/lupa-sandi', { schema: { hide: true } }, async (req, reply) => forgotPage(req, reply));
  app.post('/akun/lupa-sandi', { schema: { hide: true }, config: { rateLimit: { max: 5, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const login = field(req.body, 'login', 254).trim();
    if (!login) return forgotPage(req, reply, [{ field: 'login', message: required(req, t(req.lang, 'signin.login')) }]);
    await services.auth.requestPasswordReset({ tenantId: req.tenant.id, login });
    return resetPage(req, reply, login);
  });
  app.post('/akun/atur-ulang-sandi', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const login = field(req.body, 'login', 254).trim();
    const code = field(req.body, 'code', 10).replace(/\s/g, '');
    const password = field(req.body, 'password', MAX_PASSWORD_LENGTH + 1);
    const errors: FieldError[] = [];
    if (!code) errors.push({ field: 'code', message: required(req, t(req.lang, 'verify.code')) });
    if (!password) errors.push({ field: 'password', message: required(req, t(req.lang, 'reset.password')) });
    if (!errors.length) {
      try {
        await services.auth.resetPassword({ tenantId: req.tenant.id, login, code, password });
        return signInPage(req, reply, { login }, [], t(req.lang, 'reset.done'));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        errors.push(...fieldErrors(req, err.details.fields));
      }
    }
    return resetPage(req, reply, login, errors);
  });

  // ---- Profile ----
  const profilePage = async (req: FastifyRequest, reply: FastifyReply, values?: Record<string, string>, errors: FieldError[] = [], notice?: string) => {
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const lang = req.lang;
    const user = await services.auth.getUser(actor);
    const v = values ?? { name: user.name, email: user.email ?? '', phone: user.phone ?? '' };
    const nik = user.nik_encrypted ? maskNik(decryptField(services.config.dataEncryptionKey, user.nik_encrypted)) : '–';
    return sendPage(req, reply, {
      title: t(lang, 'profile.title'),
      errors,
      notice: notice
        ? banner(notice, 'success')
        : !user.contact_verified_at && user.role === 'applicant'
          ? html`<div class="banner" role="status"><p class="banner__text"><a href="/akun/verifikasi">${t(lang, 'verify.needed')}</a></p></div>`
          : null,
      body: html`<h1>${t(lang, 'profile.title')}</h1>
${summaryList([
  { key: t(lang, 'profile.nik'), value: nik },
  ...(user.consent_at
    ? [
        {
          key: t(lang, 'profile.consent'),
          value: t(lang, 'profile.consent.text', { date: formatDate(lang, user.consent_at, req.tenant.time_zone), version: user.consent_version ?? '' }),
        },
      ]
    : []),
])}
<form method="post" action="/akun/profil" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'name', label: t(lang, 'register.name'), value: v.name, error: errorFor(errors, 'name'), autocomplete: 'name', maxlength: 120, spellcheck: false })}
  ${textInput({ lang, name: 'email', label: t(lang, 'register.email'), value: v.email, error: errorFor(errors, 'email'), type: 'email', autocomplete: 'email', maxlength: 254, spellcheck: false, optional: true })}
  ${textInput({ lang, name: 'phone', label: t(lang, 'register.phone'), value: v.phone, error: errorFor(errors, 'phone'), type: 'tel', autocomplete: 'tel', width: 'medium', maxlength: 20, optional: true })}
  ${button(t(lang, 'profile.save'))}
</form>`,
    });
  };
  app.get('/akun/profil', { schema: { hide: true } }, async (req, reply) => profilePage(req, reply));
  app.post('/akun/profil', { schema: { hide: true } }, async (req, reply) => {
    checkCsrf(req, req.body);
    const actor = signedIn(req, reply);
    if (!actor) return reply;
    const values = { name: field(req.body, 'name', 121), email: field(req.body, 'email', 254), phone: field(req.body, 'phone', 20) };
    try {
      await services.auth.updateProfile({ actor, ...values });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const errors = err.details.fields ? fieldErrors(req, err.details.fields) : [{ field: 'email', message: errorMessage(req, err) }];
      return profilePage(req, reply, values, errors);
    }
    return profilePage(req, reply, undefined, [], t(req.lang, 'profile.saved'));
  });
}
