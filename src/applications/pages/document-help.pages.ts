import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { obtainedByLink } from '../../catalogue/requirement.views.js';
import type { Services } from '../../services.js';
import { AppError } from '../../shared/errors.js';
import { button, csrfField, errorFor, type FieldError, linkButton, summaryList, textarea } from '../../web/components.js';
import { html } from '../../web/html.js';
import { formatDate, loc, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { fieldErrors, formText } from '../../web/views.js';
import { applicantView, applicationParams } from './applicant.views.js';

const requirementParams = applicationParams.extend({ req: z.string().max(100) });
const helpForm = () => z.object({ note: formText(2000) });

type HelpData = Awaited<ReturnType<Services['citizenPath']['documentHelp']>>;

/**
 * "I don't have this document yet — help me" (issue 16 item 2), from the upload page: what the document
 * is and where it is obtained, and two ways on: book a counter consultation for the permit type, or open
 * a help request that names the file and the document (the help desk sees it with a link to the file).
 * Not a stop: she goes back to the other documents.
 */
export function documentHelpPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  const helpPage = (req: FastifyRequest, reply: FastifyReply, data: HelpData, values: Record<string, string> = {}, errors: FieldError[] = []) => {
    const lang = req.lang;
    const { view, requirement: r, linkedTypes, bookingHref } = data;
    const name = loc(lang, r.name);
    const permit = loc(lang, view.definition.name);
    const obtained = obtainedByLink(lang, r, linkedTypes);
    const base = `/permohonan/${view.app.id}/dokumen/${r.code}`;
    return sendPage(req, reply, {
      title: t(lang, 'dochelp.title', { name }),
      errors,
      back: base,
      ...(errors.length ? { status: 400 } : {}),
      body: html`<h1>${t(lang, 'dochelp.title', { name })}</h1>
${r.explanation || obtained ? html`<p data-explanation>${r.explanation ? loc(lang, r.explanation) : ''} ${obtained}</p>` : ''}
<p>${t(lang, 'dochelp.lead')}</p>
<h2>${t(lang, 'dochelp.visit')}</h2>
<p>${t(lang, 'dochelp.visit.text', { permit, name })}</p>
<p><a href="${bookingHref}" class="button button--secondary" role="button" draggable="false" data-book-consultation>${t(lang, 'dochelp.visit.button')}</a></p>
<h2>${t(lang, 'dochelp.ask')}</h2>
<p>${t(lang, 'dochelp.ask.text')}</p>
<form method="post" action="${base}/bantuan" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'note', label: t(lang, 'dochelp.note'), hint: t(lang, 'dochelp.note.hint'), value: values.note, error: errorFor(errors, 'note'), maxlength: 2000, optional: true })}
  ${button(t(lang, 'dochelp.submit'))}
</form>
<p><a href="/permohonan/${view.app.id}/dokumen">${t(lang, 'dochelp.continue')}</a></p>`,
    });
  };

  page.get('/permohonan/:id/dokumen/:req/bantuan', { access: 'signed-in', params: requirementParams }, async ({ req, reply, actor, params }) => {
    const data = await services.citizenPath.documentHelp({ actor, tenant: req.tenant, applicationId: params.id, requirementCode: params.req });
    if (!applicantView(data.view).edit) return reply.redirect(`/permohonan/${data.view.app.id}`, 303);
    return helpPage(req, reply, data);
  });

  page.post(
    '/permohonan/:id/dokumen/:req/bantuan',
    { access: 'signed-in', params: requirementParams, form: helpForm, rateLimit: { max: 10, timeWindow: '1 minute' } },
    async ({ req, reply, lang, actor, params, form }) => {
      const input = { actor, tenant: req.tenant, applicationId: params.id, requirementCode: params.req };
      if (!form.ok) return helpPage(req, reply, await services.citizenPath.documentHelp(input), form.values, form.errors);
      let created: Awaited<ReturnType<Services['citizenPath']['askDocumentHelp']>>;
      try {
        created = await services.citizenPath.askDocumentHelp({ ...input, note: form.data.note, lang });
      } catch (err) {
        if (!(err instanceof AppError) || !err.details.fields) throw err;
        return helpPage(req, reply, await services.citizenPath.documentHelp(input), form.values, fieldErrors(req, err.details.fields));
      }
      const { view, request, reference } = created;
      return sendPage(req, reply, {
        title: t(lang, 'dochelp.done.title'),
        body: html`<div class="panel"><h1>${t(lang, 'dochelp.done.title')}</h1>
  <div class="panel__body">${t(lang, 'dochelp.done.ref')}<br><strong data-help-reference>${reference}</strong></div></div>
${summaryList([
  { key: t(lang, 'check.documents'), value: loc(lang, created.requirement.name) },
  { key: t(lang, 'helpdesk.application'), value: loc(lang, view.definition.name) },
])}
<p>${t(lang, 'dochelp.done.text', { date: formatDate(lang, `${request.firstResponseDueOn}T12:00:00Z`, 'UTC'), handle: t(lang, 'dochelp.done.account') })}</p>
${linkButton(`/permohonan/${view.app.id}/dokumen`, t(lang, 'dochelp.continue'))}`,
      });
    },
  );
}
