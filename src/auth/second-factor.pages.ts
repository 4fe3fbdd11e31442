import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { button, csrfField, errorFor, type FieldError, textInput } from '../web/components.js';
import { html, raw } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { fieldErrors } from '../web/views.js';
import { SESSION_COOKIE, setSessionCookie } from '../web/web-context.js';
import { formCode } from './auth.forms.js';

const codeForm = (lang: Lang) => z.object({ code: formCode(lang, t(lang, 'office.code')) });

/**
 * Officers' second factor (TOTP): set up at first sign-in, a code at every later one. These pages
 * take only the session a page sign-in opened for an officer, flagged as waiting for the second
 * factor (ARCHITECTURE.md decision 15); completing it replaces that session with a full one.
 */
export function secondFactorPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  /** The officer whose page session still waits for the second factor, or null (then: sign in again). */
  async function pendingOfficer(req: FastifyRequest): Promise<{ actor: Actor; token: string } | null> {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return null;
    const actor = await services.auth.authenticate({ tenantId: req.tenant.id, token, kind: 'cookie', pendingSecondFactor: true });
    return actor ? { actor, token } : null;
  }

  const signInAgain = (req: FastifyRequest, reply: FastifyReply) => reply.redirect(`/akun/masuk?kembali=${encodeURIComponent(req.url)}`, 303);

  const codeInput = (req: FastifyRequest, action: string, errors: FieldError[]) =>
    html`<form method="post" action="${action}" novalidate>${csrfField(req)}
  ${textInput({ lang: req.lang, name: 'code', label: t(req.lang, 'office.code'), hint: t(req.lang, 'office.code.hint'), error: errorFor(errors, 'code'), inputmode: 'numeric', width: 'short', autocomplete: 'one-time-code', maxlength: 10 })}
  ${button(t(req.lang, 'verify.submit'))}
</form>`;

  const setupPage = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, errors: FieldError[] = []) => {
    const lang = req.lang;
    const setup = (await services.auth.pendingSecondFactorSecret(actor)) ?? (await services.auth.startSecondFactorSetup(actor));
    const svg = await QRCode.toString(setup.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return sendPage(req, reply, {
      title: t(lang, 'office.setup.title'),
      errors,
      body: html`<h1>${t(lang, 'office.setup.title')}</h1>
<p>${t(lang, 'office.setup.lead')}</p>
<figure class="qr">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${t(lang, 'office.setup.qr')}" `))}</figure>
<p>${t(lang, 'office.setup.manual')}</p>
<p><code class="secret" data-totp-secret>${setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
${codeInput(req, '/kantor/atur-autentikator', errors)}`,
    });
  };

  const codePage = (req: FastifyRequest, reply: FastifyReply, _actor: Actor, errors: FieldError[] = []) =>
    sendPage(req, reply, {
      title: t(req.lang, 'office.code.title'),
      errors,
      body: html`<h1>${t(req.lang, 'office.code.title')}</h1>${codeInput(req, '/kantor/kode', errors)}`,
    });

  /** The two pages differ only in what they show; the code completes either (a first set-up, or the sign-in). */
  for (const [url, show] of [
    ['/kantor/atur-autentikator', setupPage],
    ['/kantor/kode', codePage],
  ] as const) {
    page.get(url, { access: 'anyone' }, async ({ req, reply }) => {
      const pending = await pendingOfficer(req);
      return pending ? show(req, reply, pending.actor) : signInAgain(req, reply);
    });

    page.post(url, { access: 'anyone', form: codeForm, rateLimit: { max: 10, timeWindow: '1 minute' } }, async ({ req, reply, form }) => {
      const pending = await pendingOfficer(req);
      if (!pending) return signInAgain(req, reply);
      if (!form.ok) return show(req, reply, pending.actor, form.errors);
      try {
        const { token } = await services.auth.completeSecondFactor({ actor: pending.actor, token: pending.token, code: form.data.code, clientIp: req.ip });
        setSessionCookie(reply, token);
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        return show(req, reply, pending.actor, fieldErrors(req, err.details.fields));
      }
      return reply.redirect('/kantor', 303);
    });
  }
}
