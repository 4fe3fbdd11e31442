import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../../services.js';
import type { Lang } from '../../shared/messages.js';
import { banner, button, csrfField, errorFor, type FieldError, linkButton, radios, summaryList, textarea, textInput } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { formatRupiah, type MessageKey, t } from '../../web/i18n.js';
import { sendPage } from '../../web/layout.js';
import { pageKit } from '../../web/page-route.js';
import { type BankRefusal, DELIVERY_BEHAVIOURS, type PaymentResult } from './demo-bank.service.js';

const BEHAVIOURS = ['random', ...DELIVERY_BEHAVIOURS] as const;
const behaviourField = z.enum(BEHAVIOURS).catch('random');
const reference = z.string().regex(/^DEMO\d{16}$/);
const QRIS_MAX = 512;
/** The inquiry answers with the bill's name: a customer number cannot be guessed in bulk (they are sequential). */
const INQUIRIES = { max: 30, timeWindow: '1 minute' };

/** The developer's choice of how the bank delivers (random by default), in a details element out of the payer's way. */
function behaviourChoice(lang: Lang): SafeHtml {
  return html`<details class="details">
  <summary>${t(lang, 'demobank.behaviour')}</summary>
  ${radios({
    lang,
    name: 'perilaku',
    label: t(lang, 'demobank.behaviour'),
    value: 'random',
    options: BEHAVIOURS.map((b) => ({ value: b, label: t(lang, `demobank.behaviour.${b}`) })),
  })}
</details>`;
}

/** SNAP's answer in the payer's words for the common cases (the seven-digit code's last two digits), else the office's own message. */
function refusalText(lang: Lang, r: BankRefusal): string {
  if (r.kind === 'unreachable') return t(lang, 'demobank.unreachable', { url: r.url, n: r.attempts });
  const known: Record<string, MessageKey> = {
    '14': 'demobank.refused.paid',
    '19': 'demobank.refused.expired',
    '12': 'demobank.refused.notFound',
    '13': 'demobank.refused.amount',
  };
  const key = r.responseCode.startsWith('404') ? known[r.responseCode.slice(-2)] : undefined;
  return key ? t(lang, key) : t(lang, 'demobank.refused.detail', { code: r.responseCode, message: r.responseMessage });
}

function refusedPage(req: FastifyRequest, reply: FastifyReply, r: BankRefusal): FastifyReply {
  const lang = req.lang;
  return sendPage(req, reply, {
    title: t(lang, 'demobank.refused'),
    back: '/bank-demo',
    status: r.kind === 'unreachable' ? 502 : 409,
    body: html`<h1>${t(lang, 'demobank.refused')}</h1>
<p data-bank-refusal${r.kind === 'refused' ? html` data-response-code="${r.responseCode}"` : ''}>${refusalText(lang, r)}</p>
<p><a href="/bank-demo">${t(lang, 'demobank.again')}</a></p>`,
  });
}

/** The start page: the VA number (pre-filled from ?va=), or a QRIS text to paste. */
function startPage(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { va?: string | undefined; qris?: string | undefined; errors?: FieldError[] } = {},
): FastifyReply {
  const lang = req.lang;
  const e = opts.errors ?? [];
  return sendPage(req, reply, {
    title: t(lang, 'demobank.title'),
    errors: e,
    body: html`<h1>${t(lang, 'demobank.title')}</h1>
${banner(t(lang, 'demobank.warning'))}
<p>${t(lang, 'demobank.lead')}</p>
<form method="get" action="/bank-demo/va" novalidate>
  ${textInput({ lang, name: 'nomor', label: t(lang, 'demobank.va'), hint: t(lang, 'demobank.va.hint'), value: opts.va, error: errorFor(e, 'nomor'), inputmode: 'numeric', width: 'medium', maxlength: 40, autocomplete: 'off', spellcheck: false })}
  ${button(t(lang, 'demobank.va.check'))}
</form>
<h2>${t(lang, 'demobank.or')}</h2>
<form method="post" action="/bank-demo/qris" novalidate>${csrfField(req)}
  ${textarea({ lang, name: 'qris', label: t(lang, 'demobank.qris'), hint: t(lang, 'demobank.qris.hint'), value: opts.qris, error: errorFor(e, 'qris'), maxlength: QRIS_MAX })}
  ${button(t(lang, 'demobank.qris.check'), { secondary: true })}
</form>`,
  });
}

/** "Pembayaran berhasil": the bank's reference, and the way back to the application. */
function resultPage(req: FastifyRequest, reply: FastifyReply, result: Extract<PaymentResult, { ok: true }>): FastifyReply {
  const lang = req.lang;
  return sendPage(req, reply, {
    title: t(lang, 'demobank.paid'),
    body: html`<div class="panel panel--confirmation" data-payment-result>
  <h1 class="panel__title">${t(lang, 'demobank.paid')}</h1>
  <div class="panel__body">${t(lang, 'demobank.paid.reference')}<br><strong data-bank-reference>${result.bankReference}</strong></div>
</div>
${summaryList([
  { key: t(lang, 'demobank.amount'), value: formatRupiah(result.amount) },
  ...(result.billNumber ? [{ key: t(lang, 'demobank.billNumber'), value: result.billNumber }] : []),
])}
<p data-deliveries="${result.deliveries}" data-behaviour="${result.behaviour}">${
      result.pending
        ? t(lang, 'demobank.paid.pending')
        : t(lang, result.deliveries > 1 ? 'demobank.paid.deliveries.many' : 'demobank.paid.deliveries.once', { n: result.deliveries })
    }</p>
${result.applicationId ? html`<p>${linkButton(`/permohonan/${result.applicationId}`, t(lang, 'demobank.paid.back'))}</p>` : ''}
<p><a href="/bank-demo">${t(lang, 'demobank.again')}</a></p>`,
  });
}

/**
 * The built-in demo bank (/bank-demo), for development and tests: a payer types the VA number (or comes
 * with ?va= from the bill) and sees what the office answered the bank's inquiry, or pastes the bill's
 * QRIS and sees its amount and bill number; "Bayar" makes the bank call the office's SNAP endpoints over
 * HTTP, signed, with retries, sometimes twice or out of order, then shows the bank's reference and the
 * way back to the application. Not found unless the office's adapter is demo and NODE_ENV is not production.
 */
export function demoBankPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);
  const bank = services.demoBank;

  page.get('/bank-demo', { access: 'anyone', query: z.object({ va: z.string().max(40).optional().catch(undefined) }) }, async ({ req, reply, query }) => {
    await bank.open({ tenant: req.tenant });
    return startPage(req, reply, { va: query.va });
  });

  page.get(
    '/bank-demo/va',
    { access: 'anyone', rateLimit: INQUIRIES, query: z.object({ nomor: z.string().max(40).catch('') }) },
    async ({ req, reply, lang, query }) => {
      const found = await bank.inquire({ tenant: req.tenant, typed: query.nomor });
      if (!found.ok && 'invalid' in found) return startPage(req, reply, { va: query.nomor, errors: [{ field: 'nomor', message: t(lang, 'demobank.bad.va') }] });
      if (!found.ok) return refusedPage(req, reply, found.refusal);
      const q = found.inquiry;
      return sendPage(req, reply, {
        title: t(lang, 'demobank.inquiry'),
        back: '/bank-demo',
        body: html`<h1>${t(lang, 'demobank.inquiry')}</h1>
${banner(t(lang, 'demobank.warning'))}
${summaryList([
  { key: t(lang, 'demobank.vaNumber'), value: html`<span data-va-number>${q.virtualAccountNo}</span>` },
  { key: t(lang, 'demobank.name'), value: html`<span data-inquiry-name>${q.name}</span>` },
  { key: t(lang, 'demobank.amount'), value: html`<strong data-inquiry-amount>${formatRupiah(q.amount)}</strong>` },
  ...(q.billNumber ? [{ key: t(lang, 'demobank.billNumber'), value: q.billNumber }] : []),
])}
<form method="post" action="/bank-demo/va" novalidate>${csrfField(req)}
  <input type="hidden" name="nomor" value="${q.customerNo}">
  <input type="hidden" name="ref" value="${q.inquiryRequestId}">
  ${behaviourChoice(lang)}
  ${button(t(lang, 'demobank.pay'))}
</form>`,
      });
    },
  );

  page.post(
    '/bank-demo/va',
    { access: 'anyone', rateLimit: INQUIRIES, form: () => z.object({ nomor: z.string().regex(/^\d{1,20}$/), ref: reference, perilaku: behaviourField }) },
    async ({ req, reply, lang, form }) => {
      if (!form.ok) {
        await bank.open({ tenant: req.tenant });
        return startPage(req, reply, { errors: [{ field: 'nomor', message: t(lang, 'demobank.bad.va') }] });
      }
      const result = await bank.payVa({ tenant: req.tenant, customerNo: form.data.nomor, reference: form.data.ref, behaviour: form.data.perilaku });
      return result.ok ? resultPage(req, reply, result) : refusedPage(req, reply, result.refusal);
    },
  );

  page.post('/bank-demo/qris', { access: 'anyone', form: () => z.object({ qris: z.string().max(QRIS_MAX) }) }, async ({ req, reply, lang, form }) => {
    const qris = form.ok ? form.data.qris : (form.values.qris ?? '').slice(0, QRIS_MAX);
    const read = await bank.readQris({ tenant: req.tenant, qris });
    if (!read.ok) {
      const message = read.reason
        ? t(lang, 'demobank.bad.qris', { reason: read.reason })
        : t(lang, read.otherMerchant ? 'demobank.bad.qrisOtherMerchant' : 'demobank.bad.qrisNoBill');
      return startPage(req, reply, { qris, errors: [{ field: 'qris', message }] });
    }
    const r = read.reading;
    return sendPage(req, reply, {
      title: t(lang, 'demobank.payQris'),
      back: '/bank-demo',
      body: html`<h1>${t(lang, 'demobank.payQris')}</h1>
${banner(t(lang, 'demobank.warning'))}
${summaryList([
  { key: t(lang, 'demobank.merchant'), value: `${r.merchantName}, ${r.merchantCity}` },
  { key: t(lang, 'demobank.billNumber'), value: html`<span data-qris-bill>${r.billNumber}</span>` },
  { key: t(lang, 'demobank.amount'), value: html`<strong data-qris-amount>${formatRupiah(r.amount)}</strong>` },
])}
<form method="post" action="/bank-demo/qris/bayar" novalidate>${csrfField(req)}
  <input type="hidden" name="qris" value="${qris.trim()}">
  <input type="hidden" name="ref" value="${read.reference}">
  ${behaviourChoice(lang)}
  ${button(t(lang, 'demobank.payQris'))}
</form>`,
    });
  });

  page.post(
    '/bank-demo/qris/bayar',
    { access: 'anyone', form: () => z.object({ qris: z.string().min(1).max(QRIS_MAX), ref: reference, perilaku: behaviourField }) },
    async ({ req, reply, lang, form }) => {
      if (!form.ok) {
        await bank.open({ tenant: req.tenant });
        return startPage(req, reply, { errors: [{ field: 'qris', message: t(lang, 'demobank.bad.qrisNoBill') }] });
      }
      const result = await bank.payQris({ tenant: req.tenant, qris: form.data.qris, reference: form.data.ref, behaviour: form.data.perilaku });
      return result.ok ? resultPage(req, reply, result) : refusedPage(req, reply, result.refusal);
    },
  );
}
