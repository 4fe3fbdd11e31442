import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../../access/actor.js';
import { contentDisposition } from '../../http/content-disposition.js';
import { uuidParam } from '../../http/common.schemas.js';
import { sendPermitPdf } from '../../permits/permits.routes.js';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import { type FieldError, fieldId } from '../../web/components.js';
import { loc, t } from '../../web/i18n.js';
import { pageKit, parseForm } from '../../web/page-route.js';
import { errorMessage, fieldErrors } from '../../web/views.js';
import type { OfficeApplicationView } from '../office-application.service.js';
import {
  actionField,
  actionForm,
  assignForm,
  docField,
  type FormState,
  INSPECTION_RESULT,
  inspectionForm,
  noteForm,
  permitField,
  planForm,
  reissueForm,
  revokeForm,
  reviewForm,
} from './office-application.forms.js';
import { noticeFor, type SavedKey, sendOfficeApplicationPage } from './office-application.view.js';

/**
 * A document opened in the browser tab: never sniffed, never cached, and sandboxed so that a file
 * which is not what it claims cannot run script or reach the officer's session.
 */
const DOCUMENT_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const idParams = z.object({ id: uuidParam });
const docParams = z.object({ id: uuidParam, docId: uuidParam });
const permitParams = z.object({ id: uuidParam, permitId: uuidParam });
const SAVED_KEYS = ['dokumen', 'inspeksi', 'izin-dicabut', 'izin-terbit-ulang'] as const satisfies readonly SavedKey[];
const caseQuery = z.object({ ok: z.string().max(40).optional().catch(undefined), tersimpan: z.enum(SAVED_KEYS).optional().catch(undefined) });

/** Errors a page cannot recover from go to the error pages; the rest become an error summary. */
const recoverable = (err: unknown): err is AppError =>
  err instanceof AppError && err.code !== 'forbidden' && err.code !== 'not_found' && err.code !== 'unauthenticated';

/**
 * The officers' view of one application and the forms that work on it: the document checklist, the
 * workflow's actions for the officer's role, the field inspection, notes, who holds the file, and the
 * issued permits. Every page is for staff past the second factor; the services decide the rest, and
 * the page offers what the view's `can` flags say.
 */
export function officeApplicationPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const load = (actor: Actor, applicationId: string) => services.officeApplications.getOfficeApplication({ actor, applicationId });
  const render = (req: FastifyRequest, reply: FastifyReply, actor: Actor, view: OfficeApplicationView, form: FormState = {}) =>
    sendOfficeApplicationPage(req, reply, actor.userId, view, form);
  /** Re-renders the unchanged application with the problems of a refused form, at the service's status (400/409). */
  const refused = async (req: FastifyRequest, reply: FastifyReply, actor: Actor, id: string, form: FormState) =>
    render(req, reply, actor, await load(actor, id), { status: 400, ...form });
  const caseUrl = (id: string) => `/kantor/berkas/${id}`;

  page.get('/kantor/berkas/:id', { access: 'office', params: idParams, query: caseQuery }, async ({ req, reply, actor, params, query }) => {
    const view = await load(actor, params.id);
    const messages = await services.notifications.messagesAboutApplication({ actor, applicationId: params.id });
    const parcels = await services.parcels.parcelsOfApplication({ tenantId: view.app.tenant_id, applicationId: view.app.id });
    const bills = await services.bills.listForApplication({ actor, applicationId: params.id });
    return sendOfficeApplicationPage(req, reply, actor.userId, { ...view, messages, parcels, bills }, {}, noticeFor(req.lang, view, query));
  });

  // A document, shown in the browser; every officer's view is audited by the service.
  page.get(
    '/kantor/berkas/:id/dokumen/:docId',
    {
      access: 'office',
      params: docParams,
      // Runs after the app-wide security headers, so the file gets its own, stricter policy (error pages keep theirs).
      onSend: async (_req, reply, payload) => {
        if (reply.statusCode === 200 && String(reply.getHeader('content-disposition') ?? '').startsWith('inline')) {
          reply.header('content-security-policy', DOCUMENT_CSP);
        }
        return payload;
      },
    },
    async ({ reply, actor, params }) => {
      const { doc, stream } = await services.documents.openDocument({ actor, applicationId: params.id, documentId: params.docId });
      return reply
        .header('content-type', doc.media_type)
        .header('content-disposition', contentDisposition('inline', doc.file_name))
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'no-store')
        .send(stream);
    },
  );

  page.post('/kantor/berkas/:id/dokumen/:docId/periksa', { access: 'office', params: docParams }, async ({ req, reply, lang, actor, params }) => {
    const { id, docId } = params;
    const view = await load(actor, id);
    const doc = view.docs.find((d) => d.id === docId);
    const requirement = doc ? view.definition.requirements.find((r) => r.code === doc.requirement_code) : undefined;
    const name = requirement ? loc(lang, requirement.name) : '';
    const form = parseForm(reviewForm(lang, docId, name), req.body);
    if (!form.ok) return render(req, reply, actor, view, { errors: form.errors, values: form.values, status: 400 });
    const statusName = docField(docId, 'status');
    const reasonName = docField(docId, 'reason');
    try {
      await services.documents.reviewDocument({ actor, applicationId: id, documentId: docId, ...form.data });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const problems = err.details.fields
        ? fieldErrors(req, err.details.fields, (f) => (f === 'reason' ? reasonName : statusName)).map((e) => ({ ...e, message: `${name}: ${e.message}` }))
        : [{ field: statusName, message: errorMessage(req, err), href: doc ? `#${fieldId(statusName)}` : '#case-documents' }];
      return refused(req, reply, actor, id, { errors: problems, values: form.values, status: err.status });
    }
    return reply.redirect(`${caseUrl(id)}?tersimpan=dokumen`, 303);
  });

  page.post(
    '/kantor/berkas/:id/tindakan',
    { access: 'office', params: idParams, form: () => z.object({ action: z.string().default('') }) },
    async ({ req, reply, lang, actor, params, form: posted }) => {
      const { id } = params;
      const view = await load(actor, id);
      const code = posted.ok ? posted.data.action.slice(0, 40) : '';
      const chosen = view.actions.find((a) => a.code === code);
      const form = parseForm(actionForm(lang, code, chosen), req.body);
      if (!form.ok) return render(req, reply, actor, view, { errors: form.errors, values: form.values, status: 400 });
      const names = { reason: actionField(code, 'reason'), fee: actionField(code, 'fee'), reference: actionField(code, 'reference') };
      try {
        await services.officeApplications.performOfficeAction({ actor, applicationId: id, action: code, ...form.data });
      } catch (err) {
        if (!recoverable(err)) throw err;
        const rename: Record<string, string> = {
          reason: names.reason,
          feeAmount: names.fee,
          feeReason: actionField(code, 'fee-reason'),
          paymentReference: names.reference,
        };
        const problems: FieldError[] = err.details.fields
          ? fieldErrors(req, err.details.fields, (f) => rename[f] ?? f).map((e) =>
              chosen && Object.values(rename).includes(e.field) ? e : { ...e, href: '#case-actions' },
            )
          : [{ field: 'action', message: errorMessage(req, err), href: '#case-actions' }];
        return refused(req, reply, actor, id, { errors: problems, values: form.values, status: err.status });
      }
      return reply.redirect(`${caseUrl(id)}?ok=${encodeURIComponent(code)}`, 303);
    },
  );

  // Issued permits: the PDF for every officer (audited), revoke and re-issue where the view's flags allow.
  page.get('/kantor/berkas/:id/izin/:permitId.pdf', { access: 'office', params: permitParams }, async ({ reply, actor, params }) => {
    const { permit, stream } = await services.officeApplications.openPermitPdfOfApplication({ actor, applicationId: params.id, permitId: params.permitId });
    return sendPermitPdf(reply, permit, stream);
  });

  page.post('/kantor/berkas/:id/izin/:permitId/cabut', { access: 'office', params: permitParams }, async ({ req, reply, lang, actor, params }) => {
    const { view, permit } = await services.officeApplications.getPermitOfApplication({ actor, ...ids(params), permission: 'permit.revoke' });
    const reasonName = permitField(permit.id, 'revoke-reason');
    const form = parseForm(revokeForm(lang, permit.id), req.body);
    if (!form.ok) return render(req, reply, actor, view, { errors: form.errors, values: form.values, status: 400 });
    try {
      await services.permits.revoke({ actor, permitId: permit.id, reason: form.data.reason });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const errors: FieldError[] = err.details.fields
        ? fieldErrors(req, err.details.fields, () => reasonName).map((e) => ({ ...e, message: `${t(lang, 'case.permit.revoke.reason')}: ${e.message}` }))
        : [{ field: reasonName, message: errorMessage(req, err), href: '#case-permits' }];
      return refused(req, reply, actor, params.id, { errors, values: form.values, status: err.status });
    }
    return reply.redirect(`${caseUrl(params.id)}?tersimpan=izin-dicabut#case-permits`, 303);
  });

  page.post('/kantor/berkas/:id/izin/:permitId/terbitkan-ulang', { access: 'office', params: permitParams }, async ({ req, reply, lang, actor, params }) => {
    const { view, permit } = await services.officeApplications.getPermitOfApplication({ actor, ...ids(params), permission: 'permit.reissue' });
    const names = { reason: permitField(permit.id, 'reissue-reason'), holder: permitField(permit.id, 'reissue-holder') };
    const form = parseForm(reissueForm(lang, permit.id), req.body);
    if (!form.ok) return render(req, reply, actor, view, { errors: form.errors, values: form.values, status: 400 });
    const { holder, reason } = form.data;
    try {
      await services.permits.reissue({ actor, permitId: permit.id, reason, holderName: holder === permit.holderName ? undefined : holder });
    } catch (err) {
      if (!recoverable(err)) throw err;
      const rename: Record<string, string> = { reason: names.reason, holderName: names.holder };
      const problems: FieldError[] = err.details.fields
        ? fieldErrors(req, err.details.fields, (f) => rename[f] ?? f).map((e) =>
            Object.values(rename).includes(e.field) ? e : { ...e, href: '#case-permits' },
          )
        : [{ field: names.reason, message: errorMessage(req, err), href: '#case-permits' }];
      return refused(req, reply, actor, params.id, { errors: problems, values: form.values, status: err.status });
    }
    return reply.redirect(`${caseUrl(params.id)}?tersimpan=izin-terbit-ulang#case-permits`, 303);
  });

  // The field inspection: the result, photos from the site, and the planned visit.
  page.post('/kantor/berkas/:id/inspeksi', { access: 'office', params: idParams, form: inspectionForm }, async ({ req, reply, actor, params, form }) => {
    if (!form.ok) return render(req, reply, actor, await load(actor, params.id), { errors: form.errors, values: form.values, status: 400 });
    try {
      await services.inspections.recordInspection({
        actor,
        applicationId: params.id,
        result: form.data['inspection-result'],
        findings: form.data['inspection-findings'],
      });
    } catch (err) {
      if (!recoverable(err)) throw err;
      return refused(req, reply, actor, params.id, {
        errors: [{ field: INSPECTION_RESULT, message: errorMessage(req, err), href: '#case-inspection' }],
        values: form.values,
        status: err.status,
      });
    }
    return reply.redirect(`${caseUrl(params.id)}?tersimpan=inspeksi`, 303);
  });

  page.upload(
    '/kantor/berkas/:id/foto-inspeksi',
    { access: 'office', params: idParams, maxBytes: services.config.maxUploadBytes },
    async ({ req, reply, lang, actor, params, file }) => {
      if (!file) return refused(req, reply, actor, params.id, { errors: [{ field: 'photo', message: t(lang, 'docs.required.missing') }] });
      try {
        await services.inspections.uploadInspectionPhoto({
          actor,
          applicationId: params.id,
          fileName: file.filename,
          claimedType: file.mimetype,
          source: file.file,
        });
      } catch (err) {
        file.file.resume();
        if (!recoverable(err)) throw err;
        return refused(req, reply, actor, params.id, { errors: [{ field: 'photo', message: errorMessage(req, err) }] });
      }
      return reply.redirect(`${caseUrl(params.id)}?tersimpan=inspeksi#case-inspection`, 303);
    },
  );

  page.post('/kantor/berkas/:id/jadwal-inspeksi', { access: 'office', params: idParams, form: planForm }, async ({ req, reply, actor, params, form }) => {
    const values = form.values;
    const plan = { date: form.ok ? form.data['plan-date'] : '', officerId: form.ok ? form.data['plan-officer'] : '' };
    try {
      await services.inspections.scheduleInspection({ actor, applicationId: params.id, ...plan });
    } catch (err) {
      // An unknown officer is "not found" too: shown on the form, like a bad date.
      if (!recoverable(err) && !(err instanceof AppError && err.code === 'not_found')) throw err;
      return refused(req, reply, actor, params.id, {
        values,
        errors: [{ field: 'plan-date', message: err.details.fields ? fieldErrors(req, err.details.fields)[0]!.message : errorMessage(req, err) }],
      });
    }
    return reply.redirect(`${caseUrl(params.id)}#case-plan`, 303);
  });

  // Notes and messages, and who holds the file.
  page.post('/kantor/berkas/:id/catatan', { access: 'office', params: idParams, form: noteForm }, async ({ req, reply, actor, params, form }) => {
    if (!form.ok) return refused(req, reply, actor, params.id, { values: form.values, errors: form.errors });
    await services.notes.addNote({ actor, applicationId: params.id, kind: form.data['note-kind'], body: form.data['note-body'] });
    return reply.redirect(`${caseUrl(params.id)}#case-notes`, 303);
  });

  page.post('/kantor/berkas/:id/pegang', { access: 'office', params: idParams, form: assignForm }, async ({ req, reply, actor, params, form }) => {
    const assigneeId = form.ok ? form.data.assignee : null;
    try {
      await services.assignment.assignApplication({ actor, applicationId: params.id, assigneeId });
    } catch (err) {
      if (!recoverable(err)) throw err;
      return refused(req, reply, actor, params.id, { values: form.values, errors: [{ field: 'assignee', message: errorMessage(req, err) }] });
    }
    return reply.redirect(`${caseUrl(params.id)}#case-holder`, 303);
  });
}

const ids = (params: { id: string; permitId: string }) => ({ applicationId: params.id, permitId: params.permitId });
