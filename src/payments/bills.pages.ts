import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { applicationParams } from '../applications/pages/applicant.views.js';
import { sendOfficeApplicationPage } from '../applications/pages/office-application.view.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { FieldError } from '../web/components.js';
import { html } from '../web/html.js';
import { t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { errorMessage, fieldErrors } from '../web/views.js';
import { billQrs, printableBill, REISSUE_REASON } from './bills.views.js';

/** Errors a page cannot recover from go to the error pages; the rest become an error summary. */
const recoverable = (err: unknown): err is AppError =>
  err instanceof AppError && err.code !== 'forbidden' && err.code !== 'not_found' && err.code !== 'unauthenticated';

const reissueForm = (lang: 'id' | 'en') =>
  z.object({
    [REISSUE_REASON]: z
      .string()
      .default('')
      .transform((s) => s.trim().slice(0, 500))
      .refine((s) => s.length >= 3, { message: t(lang, 'bill.reissue.reason.required') }),
  });

/**
 * Bills (SKRD, issue 12): the printable bill for the applicant and staff, the applicant's request for a
 * new payment code once the bill expired, and the treasurer's re-issue from the case page. The
 * service decides who may do what; the pages render its `can` flags.
 */
export function billPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  page.get('/permohonan/:id/tagihan', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    const bills = await services.bills.listForApplication({ actor, applicationId: params.id });
    const bill = bills.bills[0];
    if (!bill) throw new AppError('not_found', 'no bill on this application');
    const qrs = await billQrs(lang, bill, { verify: true });
    return sendPage(req, reply, {
      title: `${t(lang, 'bill.document')} ${bill.number}`,
      back: `/permohonan/${bills.applicationId}`,
      body: printableBill(req, bills, bill, qrs),
    });
  });

  page.post('/permohonan/:id/tagihan/kode-baru', { access: 'signed-in', params: applicationParams }, async ({ req, reply, lang, actor, params }) => {
    try {
      await services.bills.requestNewCode({ actor, applicationId: params.id });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const errors: FieldError[] = [{ field: 'bill', message: errorMessage(req, err), href: '#tagihan' }];
      return sendPage(req, reply, {
        title: t(lang, 'bill.newCode.refused'),
        back: `/permohonan/${params.id}`,
        errors,
        status: err.status,
        body: html`<h1>${t(lang, 'bill.newCode.refused')}</h1>
<p><a href="/permohonan/${params.id}#tagihan">${t(lang, 'bill.heading')}</a></p>`,
      });
    }
    return reply.redirect(`/permohonan/${params.id}#tagihan`, 303);
  });

  page.post(
    '/kantor/berkas/:id/tagihan/terbit-ulang',
    { access: 'office', params: applicationParams, permission: 'payments.manage', form: reissueForm },
    async ({ req, reply, actor, params, form }) => {
      let errors: FieldError[];
      let status = 400;
      if (form.ok) {
        try {
          await services.bills.reissue({ actor, applicationId: params.id, reason: form.data[REISSUE_REASON] ?? '' });
          return reply.redirect(`/kantor/berkas/${params.id}#case-bills`, 303);
        } catch (err) {
          if (!recoverable(err)) throw err;
          status = err.status;
          errors = err.details.fields
            ? fieldErrors(req, err.details.fields, () => REISSUE_REASON)
            : [{ field: REISSUE_REASON, message: errorMessage(req, err), href: '#case-bills' }];
        }
      } else errors = form.errors;
      // The case page again, unchanged, with the problem above and what was typed kept.
      const [view, bills] = await Promise.all([
        services.officeApplications.getOfficeApplication({ actor, applicationId: params.id }),
        services.bills.listForApplication({ actor, applicationId: params.id }),
      ]);
      return sendOfficeApplicationPage(req, reply, actor.userId, { ...view, bills }, { errors, values: form.values, status });
    },
  );
}
