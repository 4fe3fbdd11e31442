import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Actor } from '../access/actor.js';
import { uuidParam } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import type { Lang } from '../shared/messages.js';
import { isCalendarDate } from '../shared/time.js';
import { banner, button, csrfField, errorFor, type FieldError, fileUpload, radios, summaryList, tag, textarea, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDate, formatDateTime, formatRupiah, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { errorMessage, fieldErrors, formText } from '../web/views.js';
import type { DeskPaymentView, HeldPaymentView, ReconciliationDayView, ReconciliationLineView } from './reconciliation.service.js';
import { STATEMENT_SOURCES } from './reconciliation.schemas.js';

const HELD = '/kantor/bendahara/pembayaran';
const RECON = '/kantor/bendahara/rekonsiliasi';
const MAX_STATEMENT_BYTES = 2 * 1048576;
const opts = { access: 'office', permission: 'payments.manage' } as const;

const idParams = z.object({ id: uuidParam });
const dayParams = z.object({ day: z.string().refine(isCalendarDate) });
const lineParams = z.object({ day: z.string().refine(isCalendarDate), lineId: uuidParam });
const savedQuery = z.object({ disimpan: z.enum(['1']).optional() });

const noteText = (lang: Lang) => formText(1000).pipe(z.string().min(3, t(lang, 'recon.note.short')));
const decideForm = (lang: Lang) => z.object({ decision: z.enum(['accept', 'close'], { error: t(lang, 'recon.decide.choose') }), note: noteText(lang) });
const noteForm = (lang: Lang) => z.object({ note: noteText(lang) });
const closeForm = () => z.object({ note: formText(1000) });

const dayText = (lang: Lang, day: string) => formatDate(lang, `${day}T12:00:00Z`, 'UTC');

/** A service refusal as this page's field errors (or the page's one error under `fallback`). */
function problemsOf(req: FastifyRequest, err: unknown, fallback: string): FieldError[] {
  if (!(err instanceof AppError)) throw err;
  return err.details.fields?.length ? fieldErrors(req, err.details.fields) : [{ field: fallback, message: errorMessage(req, err) }];
}

/** The treasurer's money desk pages (`payments.manage`): held payments and the bank reconciliation. */
export function reconciliationPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const desk = services.reconciliation;

  const provider = (lang: Lang, p: DeskPaymentView) => t(lang, `recon.provider.${p.provider}`);
  const billCell = (lang: Lang, p: DeskPaymentView) =>
    p.bill ? html`${p.bill.number}<br><span class="muted">${t(lang, `recon.bill.${p.bill.state}`)}</span>` : t(lang, 'recon.none');
  const appCell = (lang: Lang, p: DeskPaymentView) =>
    p.application ? html`<a href="/kantor/berkas/${p.application.id}">${p.application.number ?? p.application.id.slice(0, 8)}</a>` : t(lang, 'recon.none');

  const paymentsTable = (req: FastifyRequest, payments: readonly DeskPaymentView[], caption: string, resolved: boolean): SafeHtml => {
    const lang = req.lang;
    const tz = req.tenant.time_zone;
    return html`<div class="table-wrap"><table class="table"><caption class="table__caption">${caption}</caption>
<thead><tr><th scope="col">${t(lang, 'recon.col.paidAt')}</th><th scope="col">${t(lang, 'recon.col.reference')}</th><th scope="col">${t(lang, 'recon.col.provider')}</th><th scope="col" class="table__header--numeric">${t(lang, 'recon.col.amount')}</th><th scope="col">${t(lang, 'recon.col.bill')}</th><th scope="col">${t(lang, 'recon.col.application')}</th><th scope="col">${t(lang, resolved ? 'recon.col.note' : 'recon.col.reason')}</th></tr></thead>
<tbody>${payments.map(
      (p) =>
        html`<tr><td>${formatDateTime(lang, p.paidAt, tz)}</td><td><a href="${HELD}/${p.id}">${p.providerPaymentId}</a></td><td>${provider(lang, p)}</td><td class="table__cell--numeric">${formatRupiah(p.amount)}</td><td>${billCell(lang, p)}</td><td>${appCell(lang, p)}</td><td>${resolved ? `${t(lang, `recon.state.${p.state}`)}: ${p.resolution?.note ?? ''}` : p.holdReason ? t(lang, `recon.reason.${p.holdReason}`) : ''}</td></tr>`,
    )}</tbody></table></div>`;
  };

  page.get(HELD, opts, async ({ req, reply, lang, actor }) => {
    const { held, resolved } = await desk.listHeldPayments({ actor });
    return sendPage(req, reply, {
      title: t(lang, 'recon.held.title'),
      back: '/kantor',
      body: html`<h1>${t(lang, 'recon.held.title')}</h1><p>${t(lang, 'recon.held.lead')}</p>
${held.length ? paymentsTable(req, held, t(lang, 'recon.held.caption'), false) : html`<p>${t(lang, 'recon.held.none')}</p>`}
${resolved.length ? html`<h2>${t(lang, 'recon.resolved.title')}</h2>${paymentsTable(req, resolved, t(lang, 'recon.resolved.caption'), true)}` : ''}
<p><a href="${RECON}">${t(lang, 'recon.title')}</a></p>`,
    });
  });

  const heldPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    id: string,
    state: { values?: Record<string, string>; errors?: FieldError[]; saved?: boolean } = {},
  ) => {
    const lang = req.lang;
    const tz = req.tenant.time_zone;
    const p: HeldPaymentView = await desk.getHeldPayment({ actor, id });
    const errors = state.errors ?? [];
    const values = state.values ?? {};
    const rows = [
      { key: t(lang, 'recon.col.state'), value: t(lang, `recon.state.${p.state}`) },
      ...(p.holdReason ? [{ key: t(lang, 'recon.col.reason'), value: t(lang, `recon.reason.${p.holdReason}`) }] : []),
      { key: t(lang, 'recon.col.amount'), value: formatRupiah(p.amount) },
      { key: t(lang, 'recon.col.provider'), value: provider(lang, p) },
      { key: t(lang, 'recon.col.reference'), value: p.providerPaymentId },
      { key: t(lang, 'recon.payment.bankReference'), value: p.bankReference ?? t(lang, 'recon.none') },
      { key: t(lang, 'recon.payment.payer'), value: p.payerName ?? t(lang, 'recon.none') },
      { key: t(lang, 'recon.col.paidAt'), value: formatDateTime(lang, p.paidAt, tz) },
      { key: t(lang, 'recon.payment.received'), value: formatDateTime(lang, p.receivedAt, tz) },
      { key: t(lang, 'recon.col.bill'), value: billCell(lang, p) },
      ...(p.bill
        ? [
            { key: t(lang, 'recon.payment.billAmount'), value: formatRupiah(p.bill.amount) },
            { key: t(lang, 'recon.payment.billExpires'), value: formatDateTime(lang, p.bill.expiresAt, tz) },
          ]
        : []),
      { key: t(lang, 'recon.col.application'), value: appCell(lang, p) },
      ...(p.resolution
        ? [
            {
              key: t(lang, 'recon.col.note'),
              value: t(lang, 'recon.payment.resolved', { at: formatDateTime(lang, p.resolution.at, tz), note: p.resolution.note }),
            },
          ]
        : []),
    ];
    const options = [
      ...(p.acceptable ? [{ value: 'accept', label: t(lang, 'recon.decide.accept') }] : []),
      { value: 'close', label: t(lang, 'recon.decide.close') },
    ];
    return sendPage(req, reply, {
      status: errors.length ? 400 : 200,
      title: t(lang, 'recon.payment.title', { reference: p.providerPaymentId }),
      errors,
      back: HELD,
      notice: state.saved ? banner(t(lang, 'recon.saved'), 'success') : null,
      body: html`<h1>${t(lang, 'recon.payment.title', { reference: p.providerPaymentId })}</h1>
${summaryList(rows)}
${
  p.state === 'held'
    ? html`<h2>${t(lang, 'recon.decide')}</h2>
${p.acceptable ? '' : html`<p>${t(lang, 'recon.decide.notAcceptable')}</p>`}
<form method="post" action="${HELD}/${p.id}" novalidate>${csrfField(req)}
  ${radios({ lang, name: 'decision', label: t(lang, 'recon.decide'), options, value: values.decision ?? (p.acceptable ? undefined : 'close'), error: errorFor(errors, 'decision') })}
  ${textarea({ lang, name: 'note', label: t(lang, 'recon.note'), hint: t(lang, 'recon.note.hint'), value: values.note, error: errorFor(errors, 'note'), maxlength: 1000 })}
  ${button(t(lang, 'recon.save'))}
</form>`
    : ''
}`,
    });
  };

  page.get(`${HELD}/:id`, { ...opts, params: idParams, query: savedQuery }, async ({ req, reply, actor, params, query }) =>
    heldPage(req, reply, actor, params.id, { saved: query.disimpan === '1' }),
  );

  page.post(`${HELD}/:id`, { ...opts, params: idParams, form: decideForm }, async ({ req, reply, actor, params, form }) => {
    if (!form.ok) return heldPage(req, reply, actor, params.id, { values: form.values, errors: form.errors });
    try {
      const input = { actor, id: params.id, note: form.data.note };
      if (form.data.decision === 'accept') await desk.acceptHeldPayment(input);
      else await desk.closeHeldPayment(input);
    } catch (err) {
      return heldPage(req, reply, actor, params.id, { values: form.values, errors: problemsOf(req, err, 'decision') });
    }
    return reply.redirect(`${HELD}/${params.id}?disimpan=1`, 303);
  });

  // ── Reconciliation ──

  const daysPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    state: { values?: Record<string, string>; errors?: FieldError[]; status?: number } = {},
  ) => {
    const lang = req.lang;
    const errors = state.errors ?? [];
    const values = state.values ?? {};
    const days = await desk.listDays({ actor });
    return sendPage(req, reply, {
      status: errors.length ? (state.status ?? 400) : 200,
      title: t(lang, 'recon.title'),
      errors,
      back: '/kantor',
      body: html`<h1>${t(lang, 'recon.title')}</h1><p>${t(lang, 'recon.lead')}</p>
${
  days.length
    ? html`<div class="table-wrap"><table class="table"><caption class="table__caption">${t(lang, 'recon.days.caption')}</caption>
<thead><tr><th scope="col">${t(lang, 'recon.col.day')}</th><th scope="col">${t(lang, 'recon.col.state')}</th><th scope="col" class="table__header--numeric">${t(lang, 'recon.col.lines')}</th><th scope="col" class="table__header--numeric">${t(lang, 'recon.col.unresolved')}</th><th scope="col" class="table__header--numeric">${t(lang, 'recon.col.total')}</th></tr></thead>
<tbody>${days.map(
        (d) =>
          html`<tr><td><a href="${RECON}/${d.day}">${dayText(lang, d.day)}</a></td><td>${d.state === 'closed' ? tag(t(lang, 'recon.day.closed'), 'green') : tag(t(lang, 'recon.day.open'), 'yellow')}</td><td class="table__cell--numeric">${d.lines}</td><td class="table__cell--numeric">${d.unresolved}</td><td class="table__cell--numeric">${formatRupiah(d.statementTotal)}</td></tr>`,
      )}</tbody></table></div>`
    : html`<p>${t(lang, 'recon.days.none')}</p>`
}
<h2>${t(lang, 'recon.upload')}</h2>
<form method="post" action="${RECON}" enctype="multipart/form-data" novalidate>${csrfField(req)}
  ${radios({
    lang,
    name: 'format',
    label: t(lang, 'recon.format'),
    options: STATEMENT_SOURCES.map((s) => ({ value: s, label: t(lang, `recon.format.${s}`) })),
    value: values.format ?? 'csv',
    error: errorFor(errors, 'format'),
  })}
  ${textInput({ lang, name: 'day', type: 'date', label: t(lang, 'recon.dayField'), hint: t(lang, 'recon.dayField.hint'), value: values.day, error: errorFor(errors, 'day'), optional: true, width: 'short' })}
  ${fileUpload({ lang, name: 'statement', label: t(lang, 'recon.file'), hint: t(lang, 'recon.file.hint'), error: errorFor(errors, 'statement'), accept: '.csv,.txt,.json', maxBytes: MAX_STATEMENT_BYTES })}
  ${button(t(lang, 'recon.import'))}
</form>
<p><a href="${HELD}">${t(lang, 'recon.held.title')}</a></p>`,
    });
  };

  page.get(RECON, opts, async ({ req, reply, actor }) => daysPage(req, reply, actor));

  page.upload(RECON, { ...opts, maxBytes: MAX_STATEMENT_BYTES }, async ({ req, reply, lang, actor, file, fields }) => {
    // A form without the choice (a script's upload) is read by the file's name: .json is the SNAP report.
    const values = { format: fields.format ?? (file && /\.json$/i.test(file.filename) ? 'snap_va_report' : 'csv'), day: (fields.day ?? '').trim() };
    const errors: FieldError[] = [];
    const format = STATEMENT_SOURCES.find((s) => s === values.format);
    if (!format) errors.push({ field: 'format', message: t(lang, 'recon.format.choose') });
    if (values.day && !isCalendarDate(values.day)) errors.push({ field: 'day', message: t(lang, 'recon.dayField.invalid') });
    if (!file) errors.push({ field: 'statement', message: t(lang, 'recon.file.missing') });
    if (errors.length || !file || !format) {
      file?.file.resume();
      return daysPage(req, reply, actor, { values, errors });
    }
    const content = (await file.toBuffer().catch(() => null))?.toString('utf8');
    if (content === undefined || file.file.truncated)
      return daysPage(req, reply, actor, { values, errors: [{ field: 'statement', message: t(lang, 'recon.file.tooLarge') }], status: 413 });
    try {
      const view = await desk.importStatement({ actor, source: format, content, day: values.day || undefined, fileName: file.filename.slice(0, 200) });
      return reply.redirect(`${RECON}/${view.day}?disimpan=1`, 303);
    } catch (err) {
      const status = err instanceof AppError ? err.status : 400;
      return daysPage(req, reply, actor, {
        values,
        errors: problemsOf(req, err, 'statement').map((e) => ({ ...e, field: e.field === 'day' ? 'day' : 'statement' })),
        status,
      });
    }
  });

  const kindCell = (lang: Lang, l: ReconciliationLineView) => {
    const colour = l.kind === 'matched' ? 'green' : l.kind === 'amount_mismatch' ? 'red' : 'yellow';
    return html`${tag(t(lang, `recon.kind.${l.kind}`), colour)}${l.matchedBy ? html`<br><span class="muted">${t(lang, `recon.matchedBy.${l.matchedBy}`)}</span>` : ''}`;
  };

  const dayPage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    day: string,
    state: { values?: Record<string, string>; errors?: FieldError[]; saved?: boolean; status?: number } = {},
  ) => {
    const lang = req.lang;
    const tz = req.tenant.time_zone;
    const errors = state.errors ?? [];
    const v: ReconciliationDayView = await desk.getDay({ actor, day });
    const title = t(lang, 'recon.day.title', { day: dayText(lang, v.day) });
    return sendPage(req, reply, {
      status: errors.length ? (state.status ?? 400) : 200,
      title,
      errors,
      back: RECON,
      notice: state.saved
        ? banner(t(lang, 'recon.imported.notice'), 'success')
        : v.closedAt
          ? banner(t(lang, 'recon.closed.notice', { at: formatDateTime(lang, v.closedAt, tz) }))
          : null,
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t(lang, 'recon.col.state'), value: t(lang, v.state === 'closed' ? 'recon.day.closed' : 'recon.day.open') },
  { key: t(lang, 'recon.day.source'), value: `${t(lang, `recon.format.${v.source}`)}${v.fileName ? ` · ${v.fileName}` : ''}` },
  { key: t(lang, 'recon.day.imported'), value: formatDateTime(lang, v.importedAt, tz) },
  { key: t(lang, 'recon.col.total'), value: formatRupiah(v.statementTotal) },
  { key: t(lang, 'recon.kind.matched'), value: String(v.counts.matched) },
  { key: t(lang, 'recon.kind.missing'), value: String(v.counts.missing) },
  { key: t(lang, 'recon.kind.unexpected'), value: String(v.counts.unexpected) },
  { key: t(lang, 'recon.kind.amount_mismatch'), value: String(v.counts.amount_mismatch) },
  { key: t(lang, 'recon.col.unresolved'), value: String(v.counts.unresolved) },
  ...(v.closeNote ? [{ key: t(lang, 'recon.close.note'), value: v.closeNote }] : []),
])}
<div class="table-wrap"><table class="table"><caption class="table__caption">${t(lang, 'recon.lines.caption', { day: dayText(lang, v.day) })}</caption>
<thead><tr><th scope="col">#</th><th scope="col">${t(lang, 'recon.col.kind')}</th><th scope="col">${t(lang, 'recon.col.statement')}</th><th scope="col">${t(lang, 'recon.col.izol')}</th><th scope="col">${t(lang, 'recon.col.resolution')}</th></tr></thead>
<tbody>${v.lines.map(
        (l) =>
          html`<tr data-line-kind="${l.kind}"><td>${l.position}</td><td>${kindCell(lang, l)}</td><td>${
            l.statement
              ? html`${t(lang, 'recon.line', { line: l.statement.line })}: ${l.statement.reference ?? ''} ${l.statement.account ?? ''}<br>${formatRupiah(l.statement.amount)}${l.statement.at ? html` · ${formatDateTime(lang, l.statement.at, tz)}` : ''}`
              : t(lang, 'recon.none')
          }</td><td>${
            l.payment
              ? html`${
                  l.payment.holdReason
                    ? html`<a href="${HELD}/${l.payment.id}">${l.payment.providerPaymentId}</a>`
                    : l.payment.application
                      ? html`<a href="/kantor/berkas/${l.payment.application.id}">${l.payment.providerPaymentId}</a>`
                      : l.payment.providerPaymentId
                } (${provider(lang, l.payment)})<br>${formatRupiah(l.payment.amount)} · ${formatDateTime(lang, l.payment.paidAt, tz)}${l.payment.bill ? html`<br>${l.payment.bill.number}` : ''}`
              : t(lang, 'recon.none')
          }</td><td>${
            l.resolution
              ? l.resolution.note
              : l.needsResolution
                ? v.state === 'open'
                  ? html`<a href="${RECON}/${v.day}/baris/${l.id}">${t(lang, 'recon.line.resolve', { position: l.position })}</a>`
                  : t(lang, 'recon.line.pending')
                : t(lang, 'recon.line.noNeed')
          }</td></tr>`,
      )}</tbody></table></div>
${
  v.state === 'open'
    ? html`<h2>${t(lang, 'recon.close')}</h2>
<form method="post" action="${RECON}/${v.day}/tutup" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'note', label: t(lang, 'recon.close.note'), hint: t(lang, 'recon.close.hint'), value: state.values?.note, error: errorFor(errors, 'note'), optional: true, maxlength: 1000 })}
  ${button(t(lang, 'recon.close'))}
</form>`
    : ''
}`,
    });
  };

  page.get(`${RECON}/:day`, { ...opts, params: dayParams, query: savedQuery }, async ({ req, reply, actor, params, query }) =>
    dayPage(req, reply, actor, params.day, { saved: query.disimpan === '1' }),
  );

  page.post(`${RECON}/:day/tutup`, { ...opts, params: dayParams, form: closeForm }, async ({ req, reply, actor, params, form }) => {
    const note = form.ok ? form.data.note : '';
    try {
      await desk.closeDay({ actor, day: params.day, note: note || undefined });
    } catch (err) {
      const status = err instanceof AppError ? err.status : 400;
      return dayPage(req, reply, actor, params.day, { values: form.values, errors: problemsOf(req, err, 'note'), status });
    }
    return reply.redirect(`${RECON}/${params.day}`, 303);
  });

  const linePage = async (
    req: FastifyRequest,
    reply: FastifyReply,
    actor: Actor,
    day: string,
    lineId: string,
    state: { values?: Record<string, string>; errors?: FieldError[]; status?: number } = {},
  ) => {
    const lang = req.lang;
    const tz = req.tenant.time_zone;
    const errors = state.errors ?? [];
    const v = await desk.getDay({ actor, day });
    const l = v.lines.find((x) => x.id === lineId);
    if (!l || !l.needsResolution || v.state !== 'open') throw new AppError('not_found', 'no such line waiting for a note');
    const title = t(lang, 'recon.line.title', { position: l.position, day: dayText(lang, v.day) });
    return sendPage(req, reply, {
      status: errors.length ? (state.status ?? 400) : 200,
      title,
      errors,
      back: `${RECON}/${v.day}`,
      body: html`<h1>${title}</h1>
${summaryList([
  { key: t(lang, 'recon.col.kind'), value: kindCell(lang, l) },
  {
    key: t(lang, 'recon.col.statement'),
    value: l.statement
      ? `${t(lang, 'recon.line', { line: l.statement.line })}: ${l.statement.reference ?? ''} ${l.statement.account ?? ''} · ${formatRupiah(l.statement.amount)}`
      : t(lang, 'recon.none'),
  },
  {
    key: t(lang, 'recon.col.izol'),
    value: l.payment
      ? `${l.payment.providerPaymentId} · ${formatRupiah(l.payment.amount)} · ${formatDateTime(lang, l.payment.paidAt, tz)}`
      : t(lang, 'recon.none'),
  },
])}
<form method="post" action="${RECON}/${v.day}/baris/${l.id}" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'note', label: t(lang, 'recon.note'), hint: t(lang, 'recon.note.hint'), value: state.values?.note, error: errorFor(errors, 'note'), maxlength: 1000 })}
  ${button(t(lang, 'recon.save'))}
</form>`,
    });
  };

  page.get(`${RECON}/:day/baris/:lineId`, { ...opts, params: lineParams }, async ({ req, reply, actor, params }) =>
    linePage(req, reply, actor, params.day, params.lineId),
  );

  page.post(`${RECON}/:day/baris/:lineId`, { ...opts, params: lineParams, form: noteForm }, async ({ req, reply, actor, params, form }) => {
    if (!form.ok) return linePage(req, reply, actor, params.day, params.lineId, { values: form.values, errors: form.errors });
    try {
      await desk.resolveLine({ actor, day: params.day, lineId: params.lineId, note: form.data.note });
    } catch (err) {
      const status = err instanceof AppError ? err.status : 400;
      return linePage(req, reply, actor, params.day, params.lineId, { values: form.values, errors: problemsOf(req, err, 'note'), status });
    }
    return reply.redirect(`${RECON}/${params.day}`, 303);
  });
}
