import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { banner, button, csrfField, errorFor, type FieldError, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { errorMessage, fieldErrors, formText, requiredText, safeReturn } from '../web/views.js';
import { clearSessionCookie, SESSION_COOKIE, setSessionCookie } from '../web/web-context.js';
import { formCode, requiredPassword } from './auth.forms.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

const signInForm = (lang: Lang) =>
  z.object({
    login: requiredText(lang, t(lang, 'signin.login'), 254),
    password: requiredPassword(lang, t(lang, 'signin.password')),
    kembali: formText(300),
  });
const forgotForm = (lang: Lang) => z.object({ login: requiredText(lang, t(lang, 'signin.login'), 254) });
const resetForm = (lang: Lang) =>
  z.object({ login: formText(254), code: formCode(lang, t(lang, 'verify.code')), password: requiredPassword(lang, t(lang, 'reset.password')) });

/**
 * Signing in (officers go on to their second factor), signing out, and a forgotten password (a code
 * sent to the account's email or WhatsApp number, then a new password).
 */
export function signInPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  const signInPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    values: { login?: string | undefined; kembali?: string | undefined } = {},
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
<p><a href="${values.kembali && safeReturn(values.kembali, '') ? `/akun/daftar?kembali=${encodeURIComponent(safeReturn(values.kembali))}` : '/akun/daftar'}">${t(lang, 'signin.noaccount')}</a></p>`,
    });
  };

  page.get('/akun/masuk', { access: 'anyone', query: z.object({ kembali: z.string().optional().catch(undefined) }) }, ({ req, reply, actor, query }) => {
    if (actor) return reply.redirect(safeReturn(query.kembali), 303);
    return signInPage(req, reply, { kembali: query.kembali });
  });

  page.post('/akun/masuk', { access: 'anyone', form: signInForm, rateLimit: { max: 10, timeWindow: '1 minute' } }, async ({ req, reply, form }) => {
    if (!form.ok) return signInPage(req, reply, { login: form.values.login?.trim(), kembali: form.values.kembali?.slice(0, 300) }, form.errors);
    const { login, password, kembali } = form.data;
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

  // "Keluar" in the navigation: this device only; the profile offers every device (/akun/keluar-semua).
  page.post('/akun/keluar', { access: 'anyone' }, async ({ req, reply, actor }) => {
    const sessionToken = req.cookies[SESSION_COOKIE];
    if (actor && sessionToken) await services.auth.logout(actor, { sessionToken });
    clearSessionCookie(reply);
    req.actor = null;
    return signInPage(req, reply, {}, [], t(req.lang, 'signedout'));
  });

  page.post('/akun/keluar-semua', { access: 'signed-in' }, async ({ req, reply, actor }) => {
    await services.auth.logout(actor);
    clearSessionCookie(reply);
    req.actor = null;
    return signInPage(req, reply, {}, [], t(req.lang, 'signedout.everywhere'));
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

  page.get('/akun/lupa-sandi', { access: 'anyone' }, ({ req, reply }) => forgotPage(req, reply));

  page.post('/akun/lupa-sandi', { access: 'anyone', form: forgotForm, rateLimit: { max: 5, timeWindow: '1 minute' } }, async ({ req, reply, form }) => {
    if (!form.ok) return forgotPage(req, reply, form.errors);
    await services.auth.requestPasswordReset({ tenantId: req.tenant.id, login: form.data.login });
    return resetPage(req, reply, form.data.login);
  });

  page.post('/akun/atur-ulang-sandi', { access: 'anyone', form: resetForm, rateLimit: { max: 10, timeWindow: '1 minute' } }, async ({ req, reply, form }) => {
    const login = (form.ok ? form.data.login : form.values.login?.slice(0, 254).trim()) ?? '';
    if (!form.ok) return resetPage(req, reply, login, form.errors);
    try {
      await services.auth.resetPassword({ tenantId: req.tenant.id, login, code: form.data.code, password: form.data.password });
      return signInPage(req, reply, { login }, [], t(req.lang, 'reset.done'));
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return resetPage(req, reply, login, fieldErrors(req, err.details.fields));
    }
  });
}
