import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { button, csrfField, errorFor, type FieldError, summaryList, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { formatDate, formatDateTime, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { requiredText, stateTag } from '../web/views.js';
import { parcelsSection } from '../parcels/parcels.views.js';

const trackForm = (lang: Lang) => z.object({ number: requiredText(lang, t(lang, 'track.number'), 40), code: requiredText(lang, t(lang, 'track.code'), 20) });

/**
 * Public tracking by number and tracking code, without an account. A form post, not a query string:
 * the tracking code works like a password and must not land in addresses or logs.
 */
/** An example number of this office, as the hint and the format message show it. */
const numberExample = (req: { tenant: { code: string } }) => `${req.tenant.code}-PBG-2026-000123`;

export function trackingPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const formHtml = (req: Parameters<typeof csrfField>[0], values: { number?: string | undefined; code?: string | undefined }, errors: FieldError[] = []) => {
    const lang = req.lang;
    return html`<h1>${t(lang, 'track.title')}</h1>
<p>${t(lang, 'track.lead')}</p>
<form method="post" action="/lacak" novalidate>
  ${csrfField(req)}
  ${textInput({ lang, name: 'number', label: t(lang, 'track.number'), hint: t(lang, 'track.number.hint', { example: numberExample(req) }), value: values.number, error: errorFor(errors, 'number'), width: 'medium', spellcheck: false, maxlength: 40 })}
  ${textInput({ lang, name: 'code', label: t(lang, 'track.code'), hint: t(lang, 'track.code.hint'), value: values.code, error: errorFor(errors, 'code'), width: 'short', spellcheck: false, maxlength: 20, autocomplete: 'off' })}
  ${button(t(lang, 'track.submit'))}
</form>`;
  };

  type Tracked = Awaited<ReturnType<Services['tracking']['trackApplication']>>;
  const resultPage = (req: FastifyRequest, r: Tracked) => {
    const lang = req.lang;
    return {
      title: `${t(lang, 'track.title')}: ${r.number}`,
      back: '/lacak',
      body: html`<h1>${r.number}</h1>
<p class="lead">${loc(lang, r.permitType.name)}</p>
${
  r.late
    ? html`<div class="banner" role="status" data-late><p class="banner__text">${t(lang, 'track.late.title')}</p><p>${t(lang, r.officeTold ? 'track.late.told' : 'track.late.telling')}</p></div>`
    : ''
}
${summaryList([
  { key: t(lang, 'detail.status'), value: stateTag(lang, r.state) },
  ...(r.step ? [{ key: t(lang, 'track.step'), value: html`<span data-step>${t(lang, 'track.step.value', { n: r.step.number, of: r.step.of })}</span>` }] : []),
  ...(r.expectedBy
    ? [{ key: t(lang, 'track.expected'), value: html`<span data-expected>${formatDate(lang, `${r.expectedBy}T12:00:00Z`, 'UTC')}</span>` }]
    : []),
  { key: t(lang, 'detail.next'), value: loc(lang, r.state.nextStep) },
  ...(r.submittedAt ? [{ key: t(lang, 'detail.submitted'), value: formatDateTime(lang, r.submittedAt, req.tenant.time_zone) }] : []),
])}
${r.documentsToReplace.length ? html`<h2>${t(lang, 'track.replace')}</h2><ul>${r.documentsToReplace.map((d) => html`<li>${loc(lang, d.name)}</li>`)}</ul>` : ''}
${parcelsSection(lang, r.parcels, req.tenant.time_zone)}
<h2>${t(lang, 'track.bookmark.title')}</h2>
<p>${t(lang, 'track.bookmark.text', { date: formatDate(lang, r.bookmark.expiresAt, req.tenant.time_zone) })}</p>
<p><a href="${r.bookmark.path}" data-bookmark>${t(lang, 'track.bookmark.link')}</a></p>
<h2>${t(lang, 'detail.timeline')}</h2>
<ol class="timeline">${r.timeline.map((e) => html`<li><strong>${loc(lang, e.label)}</strong><br><span class="muted">${formatDateTime(lang, e.at, req.tenant.time_zone)}</span></li>`)}</ol>`,
    };
  };

  page.get('/lacak', { access: 'anyone' }, ({ req, reply, lang }) => sendPage(req, reply, { title: t(lang, 'track.title'), body: formHtml(req, {}) }));

  page.post('/lacak', { access: 'anyone', form: trackForm, rateLimit: { max: 20, timeWindow: '1 minute' } }, async ({ req, reply, lang, form }) => {
    if (!form.ok) return sendPage(req, reply, { title: t(lang, 'track.title'), errors: form.errors, body: formHtml(req, form.values, form.errors) });
    const { number, code } = form.data;
    try {
      const r = await services.tracking.trackApplication({ tenantId: req.tenant.id, number, trackingCode: code });
      return sendPage(req, reply, resultPage(req, r));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      // Which of the two did not match is said only when that reveals nothing: a number that does not have the office's format.
      const message =
        err.details.params?.reason === 'number_format' ? t(lang, 'track.number.format', { example: numberExample(req) }) : t(lang, 'track.notfound');
      const errors = [{ field: 'number', message }];
      return sendPage(req, reply, { title: t(lang, 'track.title'), errors, body: formHtml(req, form.data, errors) });
    }
  });

  const linkParams = z.object({ id: z.string().max(200), expires: z.string().max(200), signature: z.string().max(200) });
  page.get(
    '/lacak/t/:id/:expires/:signature',
    { access: 'anyone', params: linkParams, rateLimit: { max: 60, timeWindow: '1 minute' } },
    async ({ req, reply, lang, params }) => {
      try {
        const r = await services.tracking.trackByLink({
          tenantId: req.tenant.id,
          applicationId: params.id,
          expires: params.expires,
          signature: params.signature,
        });
        return sendPage(req, reply, resultPage(req, r));
      } catch (err) {
        const reason = err instanceof AppError && err.code === 'not_found' ? err.details.params?.reason : undefined;
        if (reason !== 'link_invalid' && reason !== 'link_expired') throw err;
        // A clear refusal (410 for a genuine link past its date, 404 for an altered one) and the form to track again.
        return sendPage(req, reply, {
          title: t(lang, 'track.title'),
          status: reason === 'link_expired' ? 410 : 404,
          body: html`<div class="banner" role="alert" data-link-refused><p class="banner__text">${t(lang, reason === 'link_expired' ? 'track.link.expired' : 'track.link.invalid')}</p></div>
${formHtml(req, {})}`,
        });
      }
    },
  );
}
