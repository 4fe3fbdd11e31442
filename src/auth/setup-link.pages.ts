import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import type { SetupLinkState } from '../tenants/office-setup.service.js';
import { button, csrfField, errorFor, type FieldError, summaryList, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { fieldErrors } from '../web/views.js';
import { setSessionCookie } from '../web/web-context.js';
import { requiredPassword } from './auth.forms.js';
import { MAX_PASSWORD_LENGTH } from './passwords.js';

const params = z.object({ token: z.string().max(100) });
const setupForm = (lang: Lang) =>
  z.object({ password: requiredPassword(lang, t(lang, 'setup.password')), passwordAgain: requiredPassword(lang, t(lang, 'setup.passwordAgain')) });

type Closed = Exclude<SetupLinkState['state'], 'open'>;
const CLOSED_TEXT = {
  unknown: ['setup.closed.unknown.title', 'setup.closed.unknown.text'],
  expired: ['setup.closed.expired.title', 'setup.closed.expired.text'],
  used: ['setup.closed.used.title', 'setup.closed.used.text'],
  ended: ['setup.closed.ended.title', 'setup.closed.ended.text'],
} as const satisfies Record<Closed, readonly [string, string]>;

/**
 * The first admin's one-time set-up link (npm run office:create prints it): the office and the
 * sign-in email, a new password typed twice, then on to the usual authenticator set-up
 * (/kantor/atur-autentikator, second-factor.pages.ts) with the waiting session the password opened.
 * A link that is unknown (404), expired, used or replaced (410) gets a page that says so and what
 * to do; nothing changes.
 */
export function setupLinkPages(app: FastifyInstance, services: Services): void {
  // The token is in the address: these routes log only warnings and errors, so the request log
  // (method and URL at level info) never records a working link.
  void app.register(
    (scope, _opts, done) => {
      routes(scope, services);
      done();
    },
    { logLevel: 'warn' },
  );
}

function routes(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const url = (token: string) => `/akun/atur-kantor/${encodeURIComponent(token)}`;

  const closedPage = (req: FastifyRequest, reply: FastifyReply, state: Closed) => {
    const lang = req.lang;
    const [title, text] = CLOSED_TEXT[state];
    return sendPage(req, reply, {
      status: state === 'unknown' ? 404 : 410,
      title: t(lang, title),
      body: html`<h1>${t(lang, title)}</h1>
<p>${t(lang, text)}</p>
${state === 'used' ? html`<p><a href="/akun/masuk">${t(lang, 'setup.closed.signin')}</a></p>` : html`<p>${t(lang, 'setup.closed.what', { code: req.tenant.code })}</p>`}`,
    });
  };

  const formPage = (req: FastifyRequest, reply: FastifyReply, token: string, link: Extract<SetupLinkState, { state: 'open' }>, errors: FieldError[] = []) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'setup.title'),
      errors,
      body: html`<h1>${t(lang, 'setup.title')}</h1>
<p>${t(lang, 'setup.lead')}</p>
${summaryList([
  { key: t(lang, 'setup.office'), value: req.tenant.name },
  { key: t(lang, 'setup.email'), value: link.email },
])}
<form method="post" action="${url(token)}" novalidate>${csrfField(req)}
  <input type="text" name="username" value="${link.email}" autocomplete="username" hidden>
  ${textInput({ lang, name: 'password', label: t(lang, 'setup.password'), hint: t(lang, 'setup.password.hint'), error: errorFor(errors, 'password'), type: 'password', autocomplete: 'new-password', maxlength: MAX_PASSWORD_LENGTH })}
  ${textInput({ lang, name: 'passwordAgain', label: t(lang, 'setup.passwordAgain'), error: errorFor(errors, 'passwordAgain'), type: 'password', autocomplete: 'new-password', maxlength: MAX_PASSWORD_LENGTH })}
  <p>${t(lang, 'setup.next')}</p>
  ${button(t(lang, 'setup.submit'))}
</form>`,
    });
  };

  page.get('/akun/atur-kantor/:token', { access: 'anyone', params }, async ({ req, reply, params: { token } }) => {
    const link = await services.officeSetup.openSetupLink({ tenantId: req.tenant.id, token });
    return link.state === 'open' ? formPage(req, reply, token, link) : closedPage(req, reply, link.state);
  });

  page.post(
    '/akun/atur-kantor/:token',
    { access: 'anyone', params, form: setupForm, rateLimit: { max: 10, timeWindow: '1 minute' } },
    async ({ req, reply, params: { token }, form }) => {
      const link = await services.officeSetup.openSetupLink({ tenantId: req.tenant.id, token });
      if (link.state !== 'open') return closedPage(req, reply, link.state);
      if (!form.ok) return formPage(req, reply, token, link, form.errors);
      try {
        const done = await services.officeSetup.completeSetup({ tenantId: req.tenant.id, token, ...form.data });
        if (!done.ok) return closedPage(req, reply, done.state);
        setSessionCookie(reply, done.sessionToken);
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        const errors = fieldErrors(req, err.details.fields).map((e, i) =>
          err.details.fields?.[i]?.code === 'passwords_differ' ? { ...e, message: t(req.lang, 'setup.passwordAgain.differs') } : e,
        );
        return formPage(req, reply, token, link, errors);
      }
      // The authenticator set-up page takes the waiting session from here (second-factor.pages.ts).
      return reply.redirect('/kantor/atur-autentikator', 303);
    },
  );
}
