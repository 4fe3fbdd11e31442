import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../../shared/errors.js';
import type { Lang } from '../../shared/messages.js';
import type { Services } from '../../services.js';
import { button, csrfField, errorFor, type FieldError, textInput } from '../../web/components.js';
import { html } from '../../web/html.js';
import { t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { requiredText } from '../../web/views.js';

const claimForm = (lang: Lang) => z.object({ number: requiredText(lang, t(lang, 'claim.number'), 40), code: requiredText(lang, t(lang, 'claim.code'), 20) });

/** A citizen takes a front-desk file into their account (number + claim code from the message). */
export function claimPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const claimPage = (
    req: FastifyRequest,
    reply: FastifyReply,
    values: { number?: string | undefined; code?: string | undefined } = {},
    errors: FieldError[] = [],
  ) => {
    const lang = req.lang;
    return sendPage(req, reply, {
      title: t(lang, 'claim.title'),
      errors,
      back: '/permohonan',
      body: html`<h1>${t(lang, 'claim.title')}</h1><p>${t(lang, 'claim.lead')}</p>
<form method="post" action="/permohonan/klaim" novalidate>${csrfField(req)}
  ${textInput({ lang, name: 'number', label: t(lang, 'claim.number'), value: values.number, error: errorFor(errors, 'number'), width: 'medium', maxlength: 40, spellcheck: false })}
  ${textInput({ lang, name: 'code', label: t(lang, 'claim.code'), value: values.code, error: errorFor(errors, 'code'), width: 'short', maxlength: 20, spellcheck: false, autocomplete: 'off' })}
  ${button(t(lang, 'claim.submit'))}
</form>`,
    });
  };

  page.get('/permohonan/klaim', { access: 'signed-in' }, ({ req, reply }) => claimPage(req, reply));

  page.post(
    '/permohonan/klaim',
    { access: 'signed-in', form: claimForm, rateLimit: { max: 10, timeWindow: '1 minute' } },
    async ({ req, reply, actor, form }) => {
      if (!form.ok) return claimPage(req, reply, form.values, form.errors);
      const { number, code } = form.data;
      try {
        const claimed = await services.applications.claimApplication({ actor, number, claimCode: code });
        return reply.redirect(`/permohonan/${claimed.id}`, 303);
      } catch (err) {
        if (!(err instanceof AppError) || (err.code !== 'not_found' && err.code !== 'forbidden')) throw err;
        return claimPage(req, reply, form.data, [{ field: 'number', message: t(req.lang, 'claim.notfound') }]);
      }
    },
  );
}
