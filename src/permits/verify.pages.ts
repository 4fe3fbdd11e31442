import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';
import { button, csrfField, errorFor, type FieldError, fileUpload, summaryList, textInput } from '../web/components.js';
import { html, type SafeHtml } from '../web/html.js';
import { formatDateTime, formatRupiah, loc, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { dateText, formatVerificationCode, normaliseVerificationCode } from './permit.document.js';
import { MAX_CHECKED_PDF_BYTES } from './permits.routes.js';
import type { PublicPermit, Verification } from './permits.service.js';
import { validityText } from './permits.views.js';
import { billVerification } from '../payments/bills.views.js';
import type { PublicPermitStatus } from './registry.schema.js';
import { isSealedPath, sealPage } from './seal.pages.js';
import { type SignedStatement, statementSummary } from './status.statements.js';

const CODE = /^[0-9A-Z]{10}$/;
const MAX_MB = Math.round(MAX_CHECKED_PDF_BYTES / 1048576);

/** A repeated query field counts once, by its first value. */
const firstString = z.preprocess((v) => (Array.isArray(v) ? (v[0] as unknown) : v), z.string().optional());
const codeQuery = z.object({ kode: firstString });
const codeParams = z.object({ code: z.string() });

/** The uploaded file's bytes, or why there are none to check: no file, an empty one, or one over the limit. */
async function readPdf(file: MultipartFile | null): Promise<Buffer | 'missing' | 'too_large'> {
  if (!file) return 'missing';
  if (file.fieldname !== 'file') {
    file.file.resume();
    return 'missing';
  }
  try {
    const bytes = await file.toBuffer();
    return bytes.length === 0 ? 'missing' : bytes;
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return 'too_large';
    throw err;
  }
}

/**
 * The public trust pages: what a permit's QR code opens (/v/:code), and /verifikasi where anyone
 * types a code or uploads a PDF to check it. No session is needed; the PDF form carries the page
 * kit's anti-forgery token like every form (scripts use POST /api/v1/verify/pdf). Nothing shown here
 * is personal beyond what the permit itself prints: never a NIK.
 */
export function verifyPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  function formPage(req: FastifyRequest, reply: FastifyReply, opts: { code?: string; errors?: FieldError[]; status?: number } = {}): FastifyReply {
    const lang = req.lang;
    const errors = opts.errors ?? [];
    return sendPage(req, reply, {
      title: t(lang, 'verification.title'),
      errors,
      ...(opts.status ? { status: opts.status } : {}),
      body: html`<h1>${t(lang, 'verification.title')}</h1>
<p class="lead">${t(lang, 'verification.lead')}</p>
<h2>${t(lang, 'verification.code.heading')}</h2>
<form method="get" action="/verifikasi" novalidate>
  ${textInput({ lang, name: 'kode', label: t(lang, 'verification.code'), hint: t(lang, 'verification.code.hint'), value: opts.code, error: errorFor(errors, 'kode'), width: 'medium', maxlength: 40, spellcheck: false, autocomplete: 'off' })}
  ${button(t(lang, 'verification.code.submit'))}
</form>
<h2>${t(lang, 'verification.pdf.heading')}</h2>
<form method="post" action="/verifikasi/pdf" enctype="multipart/form-data" novalidate>
  ${csrfField(req)}
  ${fileUpload({ lang, name: 'file', label: t(lang, 'verification.pdf'), hint: t(lang, 'verification.pdf.hint', { mb: MAX_MB }), error: errorFor(errors, 'file'), accept: '.pdf,application/pdf', maxBytes: MAX_CHECKED_PDF_BYTES })}
  ${button(t(lang, 'verification.pdf.submit'), { secondary: true })}
</form>
<p><a href="/registri">${t(lang, 'home.registry')}</a></p>`,
    });
  }

  function permitRows(req: FastifyRequest, p: PublicPermit): SafeHtml {
    const lang = req.lang;
    return html`<h2>${t(lang, 'verification.details')}</h2>
${summaryList([
  { key: t(lang, 'permit.type'), value: loc(lang, p.permitType.title) },
  { key: t(lang, 'permit.number'), value: html`<span data-permit-number>${p.number}</span>` },
  { key: t(lang, 'permit.holder'), value: p.holder.name },
  ...(p.businessName ? [{ key: t(lang, 'permit.business'), value: p.businessName }] : []),
  ...p.subject.map((s) => ({ key: loc(lang, s.label), value: loc(lang, s.value) })),
  { key: t(lang, 'permit.validity'), value: validityText(lang, p.validFrom, p.validUntil) },
  { key: t(lang, 'permit.issued'), value: formatDateTime(lang, p.issuedAt, req.tenant.time_zone) },
  { key: t(lang, 'permit.signer'), value: `${p.signer.name}, ${p.signer.position}` },
  { key: t(lang, 'permit.office'), value: p.office.name },
  { key: t(lang, 'permit.code'), value: formatVerificationCode(p.verificationCode) },
  ...(p.supersedes ? [{ key: t(lang, 'permit.supersedes'), value: p.supersedes.number }] : []),
])}
${p.conditions.length ? html`<h3>${t(lang, 'permit.conditions')}</h3><ol>${p.conditions.map((c) => html`<li>${loc(lang, c)}</li>`)}</ol>` : ''}`;
  }

  /** The verdict box: its h1 says the answer in words; the colour only repeats it. */
  function verdict(kind: string, heading: string, body: SafeHtml | string): SafeHtml {
    return html`<div class="verdict verdict--${kind.replace('_', '-')}" data-verification-status="${kind}">
  <h1 class="verdict__title">${heading}</h1>
  ${body}
</div>`;
  }

  function signatureHelp(lang: Lang, code: string): SafeHtml {
    return html`<h2>${t(lang, 'verification.signature')}</h2>
<p>${t(lang, 'verification.signature.text')}</p>
<ul>
  <li><a href="/api/v1/verify/${code}">${t(lang, 'verification.signature.document')}</a></li>
  <li><a href="/.well-known/izol-signing-keys.json">${t(lang, 'verification.signature.keys')}</a></li>
  <li><a href="/.well-known/izol-revocations.json">${t(lang, 'verification.signature.revocations')}</a></li>
</ul>`;
  }

  /** What the office signed about a permit's status, one line a statement. */
  function statementLines(req: FastifyRequest, statements: SignedStatement[]): SafeHtml {
    const lang = req.lang;
    const lines = statements.flatMap((signed) => {
      const s = statementSummary(signed);
      if (!s) return [];
      const date = formatDateTime(lang, s.at, req.tenant.time_zone);
      return [html`<p data-status-statement="${s.status}">${t(lang, `verification.statement.${s.status}`, { date, number: s.replacedBy ?? '–' })}</p>`];
    });
    return html`${lines}`;
  }

  function resultPage(req: FastifyRequest, reply: FastifyReply, v: Verification, from: { code?: string; pdf?: boolean }): FastifyReply {
    const lang = req.lang;
    const again = html`<p><a href="/verifikasi">${t(lang, 'verification.again')}</a></p>`;
    const page = (heading: string, body: SafeHtml, status = 200) => sendPage(req, reply, { title: heading, status, body: html`${body}${again}` });

    if (v.kind === null && v.status === 'not_found') {
      const heading = t(lang, 'verification.result.not_found');
      return page(
        heading,
        verdict('not_found', heading, html`<p>${t(lang, 'verification.result.not_found.text', { code: (from.code ?? '').slice(0, 40) })}</p>`),
        404,
      );
    }
    if (v.kind === null && 'problem' in v) {
      const heading = t(lang, 'verification.result.not_authentic');
      return page(
        heading,
        html`${verdict(
          'not_authentic',
          heading,
          html`<p data-problem="status">${t(lang, 'verification.result.not_authentic.status')}</p>${statementLines(req, v.statements)}`,
        )}${from.code && CODE.test(from.code) ? signatureHelp(lang, from.code) : ''}`,
      );
    }
    if (v.kind === null) {
      const heading = t(lang, 'verification.result.not_authentic');
      return page(
        heading,
        verdict(
          'not_authentic',
          heading,
          html`<p>${t(lang, from.pdf ? 'verification.result.not_authentic.pdf' : 'verification.result.not_authentic.code')}</p>`,
        ),
      );
    }
    if (v.kind === 'receipt') {
      const r = v.receipt;
      const heading = t(lang, 'verification.receipt.title');
      return page(
        heading,
        html`${verdict('valid', heading, html`<p>${t(lang, r.receiptKind === 'payment' ? 'verification.receipt.payment' : 'verification.receipt.filing', { office: r.office.name })}</p>`)}
${summaryList([
  {
    key: t(lang, 'verification.receipt.kind'),
    value: t(lang, r.receiptKind === 'payment' ? 'verification.receipt.kind.payment' : 'verification.receipt.kind.filing'),
  },
  { key: t(lang, 'done.number'), value: r.applicationNumber },
  { key: t(lang, 'permit.type'), value: loc(lang, r.permitType.name) },
  { key: t(lang, 'verification.receipt.applicant'), value: r.applicantName },
  { key: t(lang, 'verification.receipt.date'), value: formatDateTime(lang, r.at, req.tenant.time_zone) },
  ...(r.payment
    ? [
        { key: t(lang, 'verification.receipt.amount'), value: formatRupiah(r.payment.amount) },
        { key: t(lang, 'verification.receipt.reference'), value: r.payment.reference },
      ]
    : []),
  { key: t(lang, 'permit.office'), value: r.office.name },
  { key: t(lang, 'permit.code'), value: formatVerificationCode(r.verificationCode) },
])}
${signatureHelp(lang, r.verificationCode)}`,
      );
    }

    if (v.kind === 'bill') {
      const b = billVerification(lang, v, req.tenant.time_zone);
      return page(b.heading, html`${verdict(b.kind, b.heading, b.text)}${b.rows}${signatureHelp(lang, v.bill.verificationCode)}`);
    }

    const p = v.permit;
    const zone = req.tenant.time_zone;
    const match = from.pdf ? html`<p class="verdict__match"><strong>${t(lang, 'verification.pdf.match', { number: p.number })}</strong></p>` : '';
    const outcome: Record<PublicPermitStatus, () => { heading: string; text: SafeHtml }> = {
      valid: () => ({
        heading: t(lang, 'verification.result.valid'),
        text: html`<p>${t(lang, 'verification.result.valid.text', { office: p.office.name })}</p>`,
      }),
      expired: () => ({
        heading: t(lang, 'verification.result.expired'),
        text: html`<p>${t(lang, 'verification.result.expired.text', { date: p.validUntil ? dateText(p.validUntil)[lang] : '–' })}</p>`,
      }),
      revoked: () => ({
        heading: t(lang, 'verification.result.revoked'),
        text: html`<p>${t(lang, 'verification.result.revoked.text', { date: p.revokedAt ? formatDateTime(lang, p.revokedAt, zone) : '–' })}</p>
  ${p.revocationReason ? html`<p data-revocation-reason>${t(lang, 'verification.result.revoked.reason', { reason: p.revocationReason })}</p>` : ''}`,
      }),
      superseded: () => ({
        heading: t(lang, 'verification.result.superseded'),
        text: html`<p>${t(lang, 'verification.result.superseded.text')}${
          p.supersededBy ? html` <a href="/v/${p.supersededBy.verificationCode}" data-superseded-by>${p.supersededBy.number}</a>` : ''
        }</p>`,
      }),
    };
    const { heading, text } = outcome[p.status]();
    return page(
      heading,
      html`${verdict(p.status, heading, html`${match}${text}`)}
${permitRows(req, p)}
${signatureHelp(lang, p.verificationCode)}`,
    );
  }

  page.get('/verifikasi', { access: 'anyone', query: codeQuery }, ({ req, reply, lang, query }) => {
    if (query.kode === undefined) return formPage(req, reply);
    const typed = query.kode.trim().slice(0, 40);
    if (!typed) return formPage(req, reply, { errors: [{ field: 'kode', message: t(lang, 'verification.code.required') }] });
    const code = normaliseVerificationCode(typed);
    if (!CODE.test(code)) return formPage(req, reply, { code: typed, errors: [{ field: 'kode', message: t(lang, 'verification.code.invalid') }] });
    return reply.redirect(`/v/${code}`, 303);
  });

  page.get('/v/:code', { access: 'anyone', params: codeParams, rateLimit: { max: 60, timeWindow: '1 minute' } }, async ({ req, reply, params }) => {
    if (isSealedPath(params.code)) return sealPage(req, reply, services); // a short sealed text lands here, not on /v/*
    const typed = params.code.slice(0, 60);
    const code = normaliseVerificationCode(typed);
    // A typed address (lower case, with the dash) goes to the one the QR code prints.
    if (CODE.test(code) && code !== typed) return reply.redirect(`/v/${code}`, 302);
    const result = await services.permits.verify({ tenantId: req.tenant.id, code: typed });
    return resultPage(req, reply, result, { code: typed });
  });

  page.upload(
    '/verifikasi/pdf',
    { access: 'anyone', maxBytes: MAX_CHECKED_PDF_BYTES, rateLimit: { max: 20, timeWindow: '1 minute' } },
    async ({ req, reply, lang, file }) => {
      const bytes = await readPdf(file);
      if (bytes === 'too_large')
        return formPage(req, reply, { errors: [{ field: 'file', message: t(lang, 'verification.pdf.too_large', { mb: MAX_MB }) }], status: 413 });
      if (bytes === 'missing') return formPage(req, reply, { errors: [{ field: 'file', message: t(lang, 'verification.pdf.required') }] });
      const result = await services.permits.verifyPdf({ tenantId: req.tenant.id, bytes });
      return resultPage(req, reply, result, { pdf: true });
    },
  );
}
