import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { contentDisposition } from '../http/content-disposition.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import { html } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { button, csrfField } from '../web/components.js';
import { KIOSK_COOKIE } from '../queue/queue.schemas.js';
import { tokenParams } from './survey.schemas.js';
import type { PeriodKind } from './survey.service.js';
import { type ReportFilter, reportBody, skmCsv, surveyFieldErrors, surveyForm } from './survey.views.js';

const reportQuery = z.object({
  periode: z.enum(['bulan', 'triwulan', 'tahun']).default('tahun').catch('tahun'),
  tahun: z.coerce.number().int().min(2000).max(2100).optional().catch(undefined),
  bulan: z.coerce.number().int().min(1).max(12).optional().catch(undefined),
  triwulan: z.coerce.number().int().min(1).max(4).optional().catch(undefined),
  layanan: z
    .string()
    .regex(/^[A-Z0-9_-]{1,40}$/)
    .optional()
    .catch(undefined),
});
const thanksQuery = z.object({ terima: z.literal('kasih').optional().catch(undefined) });

const KIND: Record<ReportFilter['periode'], PeriodKind> = { bulan: 'month', triwulan: 'quarter', tahun: 'year' };
const periodOf = (q: ReportFilter) => ({
  kind: KIND[q.periode],
  year: q.tahun,
  part: q.periode === 'bulan' ? q.bulan : q.periode === 'triwulan' ? q.triwulan : undefined,
});

/**
 * The SKM survey's pages: /survei/{token}, the public answer (no sign-in; the token is the key; one
 * answer), and /kantor/skm, the head's and admin's report (printable; CSV beside it).
 */
export function surveyPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  /** The lobby kiosk (an enrolled kiosk's cookie, src/queue/): a button that starts a fresh survey for whoever is at the screen. */
  page.get('/survei/kios', { access: 'anyone' }, async ({ req, reply, lang }) => {
    if (!(await services.survey.isKiosk({ tenant: req.tenant, kioskToken: req.cookies[KIOSK_COOKIE] })))
      throw new AppError('forbidden', 'not the office kiosk');
    return sendPage(req, reply, {
      title: t(lang, 'survey.title'),
      body: html`<h1>${t(lang, 'survey.title')}</h1><p>${t(lang, 'survey.kiosk.lead')}</p>
<form method="post" action="/survei/kios" novalidate data-kiosk-start>${csrfField(req)}${button(t(lang, 'survey.kiosk.start'))}</form>`,
    });
  });

  page.post('/survei/kios', { access: 'anyone', rateLimit: { max: 30, timeWindow: '1 minute' } }, async ({ req, reply }) => {
    const { token } = await services.survey.startAtKiosk({ tenant: req.tenant, kioskToken: req.cookies[KIOSK_COOKIE] });
    return reply.redirect(`/survei/${token}`, 303);
  });

  page.get(
    '/survei/:token',
    { access: 'anyone', params: tokenParams, query: thanksQuery, rateLimit: { max: 60, timeWindow: '1 minute' } },
    async ({ req, reply, lang, params, query }) => {
      const view = await services.survey.getInvitation({ tenantId: req.tenant.id, token: params.token });
      if (view.answered) {
        const thanks = query.terima === 'kasih';
        const title = t(lang, thanks ? 'survey.thanks.title' : 'survey.answered.title');
        return sendPage(req, reply, {
          title,
          body: html`<h1 data-answered>${title}</h1><p>${t(lang, thanks ? 'survey.thanks.text' : 'survey.answered.text')}</p>`,
        });
      }
      return sendPage(req, reply, { title: t(lang, 'survey.title'), body: surveyForm(req, params.token, view, {}, []) });
    },
  );

  page.post(
    '/survei/:token',
    { access: 'anyone', params: tokenParams, maxFieldLength: 40, rateLimit: { max: 20, timeWindow: '1 minute' } },
    async ({ req, reply, lang, params, form }) => {
      try {
        // The anti-forgery field is the page kit's, not part of the answer.
        const { _csrf: _, ...answer } = form.values;
        await services.survey.answer({ tenantId: req.tenant.id, token: params.token, answer });
        return reply.redirect(`/survei/${params.token}?terima=kasih`, 303);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'conflict') {
          const title = t(lang, 'survey.answered.title');
          return sendPage(req, reply, { status: 409, title, body: html`<h1 data-answered>${title}</h1><p>${t(lang, 'survey.answered.text')}</p>` });
        }
        if (err.code !== 'invalid_input') throw err;
        const view = await services.survey.getInvitation({ tenantId: req.tenant.id, token: params.token });
        const errors = surveyFieldErrors(lang, err.details.fields ?? []);
        return sendPage(req, reply, { status: 400, title: t(lang, 'survey.title'), errors, body: surveyForm(req, params.token, view, form.values, errors) });
      }
    },
  );

  page.get('/kantor/skm', { access: 'office', permission: 'survey.read', query: reportQuery }, async ({ req, reply, lang, actor, query }) => {
    const r = await services.survey.getReport({ actor, period: periodOf(query), service: query.layanan });
    return sendPage(req, reply, { title: t(lang, 'survey.report.title'), back: '/kantor', body: reportBody(lang, r, query) });
  });

  page.get('/kantor/skm.csv', { access: 'office', permission: 'survey.read', query: reportQuery }, async ({ reply, actor, query }) => {
    const r = await services.survey.getReport({ actor, period: periodOf(query), service: query.layanan });
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', contentDisposition('attachment', `skm-${r.from}-${r.to}.csv`))
      .header('cache-control', 'no-store')
      .send(skmCsv(r));
  });
}
