import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { can } from '../access/access.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import { button, csrfField, linkButton } from '../web/components.js';
import { html } from '../web/html.js';
import { formatDate, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';

/** A claim token as it appears in the address (base64url); anything else is simply a link that does not work. */
const tokenParams = z.object({ token: z.string().max(200) });
const url = (token: string) => `/klaim/${encodeURIComponent(token)}`;

/**
 * The claim link a citizen receives for an assisted draft: `/klaim/<token>`. Signed out, they sign in (and
 * come back here) or register first; signed in, one button takes the draft into their account and opens
 * it to complete and submit. A used, expired or unknown link is one "no longer works" page, whichever it
 * was. The token is in the address, so these routes log only warnings and errors (as the set-up link's).
 */
export function claimLinkPages(app: FastifyInstance, services: Services): void {
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

  const gonePage = (req: FastifyRequest, reply: FastifyReply) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      status: 404,
      title: t(lang, 'claimlink.gone.title'),
      body: html`<h1>${t(lang, 'claimlink.gone.title')}</h1>
<p>${t(lang, 'claimlink.gone.text')}</p>
<p><a href="/permohonan">${t(lang, 'claimlink.gone.mine')}</a></p>
<p><a href="/bantuan">${t(lang, 'help.ask.link')}</a></p>`,
    });
  };

  page.get('/klaim/:token', { access: 'anyone', params: tokenParams }, async ({ req, reply, actor, params }) => {
    const lang = req.lang;
    const link = await services.helpdesk.peekClaimLink({ tenant: req.tenant, token: params.token });
    if (!link) return gonePage(req, reply);
    const here = url(params.token);
    // The office's own calendar day (a link made before 07:00 WIB ends on a later day than its UTC date).
    const lead = html`<h1>${t(lang, 'claimlink.title')}</h1>
<p>${t(lang, 'claimlink.lead', { permit: loc(lang, link.permit) })}</p>
<p>${t(lang, 'claimlink.expires', { date: formatDate(lang, link.expiresAt, req.tenant.time_zone) })}</p>`;
    if (!actor) {
      return sendPage(req, reply, {
        title: t(lang, 'claimlink.title'),
        body: html`${lead}
${linkButton(`/akun/masuk?kembali=${encodeURIComponent(here)}`, t(lang, 'claimlink.signin'), true)}
<p><a href="/akun/daftar?kembali=${encodeURIComponent(here)}">${t(lang, 'claimlink.register')}</a></p>
<p class="hint">${t(lang, 'claimlink.register.hint')}</p>`,
      });
    }
    if (!can(actor, 'application.claim', { tenantId: req.tenant.id })) {
      return sendPage(req, reply, { title: t(lang, 'claimlink.title'), body: html`${lead}<p>${t(lang, 'claimlink.staff')}</p>` });
    }
    return sendPage(req, reply, {
      title: t(lang, 'claimlink.title'),
      body: html`${lead}
<form method="post" action="${here}" novalidate>${csrfField(req)}
  ${button(t(lang, 'claimlink.submit'))}
</form>`,
    });
  });

  page.post(
    '/klaim/:token',
    { access: 'signed-in', params: tokenParams, rateLimit: { max: 10, timeWindow: '1 minute' } },
    async ({ req, reply, actor, params }) => {
      try {
        const { applicationId } = await services.helpdesk.claimApplicationByLink({ actor, token: params.token });
        return reply.redirect(`/permohonan/${applicationId}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'not_found' && err.code !== 'forbidden' && err.code !== 'conflict')) throw err;
        if (err.code === 'forbidden') {
          return sendPage(req, reply, { status: 403, title: t(req.lang, 'claimlink.title'), body: html`<p>${t(req.lang, 'claimlink.staff')}</p>` });
        }
        return gonePage(req, reply);
      }
    },
  );
}
