import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import type { Actor } from '../../auth/actor.js';
import { AppError } from '../../shared/errors.js';
import type { Services } from '../../services.js';
import { actionsFor, stateOf } from '../../workflow/workflow.engine.js';
import { button, csrfField, errorFor, type FieldError, tag, textInput } from '../components.js';
import { html, raw } from '../html.js';
import { formatDate, loc, t } from '../i18n.js';
import { sendPage } from '../layout.js';
import { checkCsrf, field, fieldErrors, redirectToSignIn, requiredMessage } from '../pages/helpers.js';
import { SESSION_COOKIE, setSessionCookie } from '../web-context.js';

const SLA_TAG = {
  on_track: { colour: 'green', id: 'Sesuai jadwal', en: 'On track' },
  due_soon: { colour: 'yellow', id: 'Segera jatuh tempo', en: 'Due soon' },
  overdue: { colour: 'red', id: 'Terlambat', en: 'Overdue' },
  paused: { colour: 'grey', id: 'Di pemohon', en: 'With applicant' },
  not_started: { colour: 'grey', id: 'Belum diajukan', en: 'Not filed' },
  closed: { colour: 'grey', id: 'Selesai', en: 'Closed' },
} as const;

/**
 * The back office's first pages: officers' second factor (TOTP, set up at first sign-in) and the
 * work queue. Every back-office page needs a staff session that has passed the second factor.
 */
export function officePages(app: FastifyInstance, services: Services): void {
  /** The officer whose page session still waits for the second factor, or null (then: sign in again). */
  async function pendingOfficer(req: FastifyRequest): Promise<{ actor: Actor; token: string } | null> {
    const token = req.cookies[SESSION_COOKIE];
    if (!token) return null;
    const actor = await services.auth.authenticate({ tenantId: req.tenant.id, token, kind: 'cookie', pendingSecondFactor: true });
    return actor ? { actor, token } : null;
  }

  const codeForm = (req: FastifyRequest, action: string, errors: FieldError[]) =>
    html`<form method="post" action="${action}" novalidate>${csrfField(req)}
  ${textInput({ lang: req.lang, name: 'code', label: t(req.lang, 'office.code'), hint: t(req.lang, 'office.code.hint'), error: errorFor(errors, 'code'), inputmode: 'numeric', width: 'short', autocomplete: 'one-time-code', maxlength: 10 })}
  ${button(t(req.lang, 'verify.submit'))}
</form>`;

  const setupPage = async (req: FastifyRequest, reply: FastifyReply, errors: FieldError[] = []) => {
    const pending = await pendingOfficer(req);
    if (!pending) return redirectToSignIn(req, reply);
    const lang = req.lang;
    const setup = (await services.auth.pendingSecondFactorSecret(pending.actor)) ?? (await services.auth.startSecondFactorSetup(pending.actor));
    const svg = await QRCode.toString(setup.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return sendPage(req, reply, {
      title: t(lang, 'office.setup.title'),
      errors,
      body: html`<h1>${t(lang, 'office.setup.title')}</h1>
<p>${t(lang, 'office.setup.lead')}</p>
<figure class="qr">${raw(svg.replace('<svg ', `<svg role="img" aria-label="${t(lang, 'office.setup.qr')}" `))}</figure>
<p>${t(lang, 'office.setup.manual')}</p>
<p><code class="secret" data-totp-secret>${setup.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
${codeForm(req, '/kantor/atur-autentikator', errors)}`,
    });
  };

  const codePage = async (req: FastifyRequest, reply: FastifyReply, errors: FieldError[] = []) => {
    const pending = await pendingOfficer(req);
    if (!pending) return redirectToSignIn(req, reply);
    return sendPage(req, reply, {
      title: t(req.lang, 'office.code.title'),
      errors,
      body: html`<h1>${t(req.lang, 'office.code.title')}</h1>${codeForm(req, '/kantor/kode', errors)}`,
    });
  };

  const complete = async (req: FastifyRequest, reply: FastifyReply, retry: typeof setupPage) => {
    checkCsrf(req, req.body);
    const pending = await pendingOfficer(req);
    if (!pending) return redirectToSignIn(req, reply);
    const code = field(req.body, 'code', 10).replace(/\s/g, '');
    if (!code) return retry(req, reply, [{ field: 'code', message: requiredMessage(req.lang, t(req.lang, 'office.code')) }]);
    try {
      const { token } = await services.auth.completeSecondFactor({ actor: pending.actor, token: pending.token, code });
      setSessionCookie(reply, token);
    } catch (err) {
      if (!(err instanceof AppError) || !err.details.fields) throw err;
      return retry(req, reply, fieldErrors(req, err.details.fields));
    }
    return reply.redirect('/kantor', 303);
  };

  app.get('/kantor/atur-autentikator', { schema: { hide: true } }, async (req, reply) => setupPage(req, reply));
  app.post('/kantor/atur-autentikator', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => complete(req, reply, setupPage));
  app.get('/kantor/kode', { schema: { hide: true } }, async (req, reply) => codePage(req, reply));
  app.post('/kantor/kode', { schema: { hide: true }, config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (req, reply) => complete(req, reply, codePage));

  /** The work queue: files waiting for this officer's role, soonest due first, with an SLA badge. */
  app.get('/kantor', { schema: { hide: true } }, async (req, reply) => {
    const actor = req.actor;
    if (!actor) return redirectToSignIn(req, reply);
    if (actor.role === 'applicant') throw new AppError('forbidden', 'back office is for staff');
    const lang = req.lang;
    const { rows } = await services.applications.listApplications({ actor, filters: { limit: 300, offset: 0 } });
    const waiting = [];
    for (const row of rows) {
      const { workflow } = await services.catalogue.getVersion(row.permit_type_version_id);
      if (row.number === null || actionsFor(workflow, row.state, actor.role).length === 0) continue;
      waiting.push(await services.applications.getApplication({ actor, applicationId: row.id }));
    }
    waiting.sort((a, b) => (a.sla.dueDate ?? '9999').localeCompare(b.sla.dueDate ?? '9999'));
    return sendPage(req, reply, {
      title: t(lang, 'office.queue.title'),
      body: html`<h1>${t(lang, 'office.queue.title')}</h1>
<p>${t(lang, 'office.queue.lead', { n: waiting.length })}</p>
<ul class="card-list">${waiting.map((v) => {
        const badge = SLA_TAG[v.sla.status];
        return html`<li><h2><a href="/kantor/berkas/${v.app.id}">${v.app.number}</a></h2>
  <p>${loc(lang, v.definition.name)} · ${v.app.applicant_name} · ${t(lang, `channel.${v.app.channel}`)}</p>
  <p>${loc(lang, stateOf(v.workflow, v.app.state).label)} · ${tag(badge[lang], badge.colour)}${v.sla.dueDate ? html` <span class="muted">${t(lang, 'office.queue.due', { date: formatDate(lang, `${v.sla.dueDate}T12:00:00Z`, 'UTC') })}</span>` : ''}</p></li>`;
      })}</ul>`,
    });
  });
}
