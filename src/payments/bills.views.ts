import type { FastifyRequest } from 'fastify';
import QRCode from 'qrcode';
import { pbgBreakdownRows } from '../fees/fees.views.js';
import type { PbgBreakdown } from '../fees/pbg-retribution.js';
import { formatVerificationCode } from '../permits/permit.document.js';
import type { Lang } from '../shared/messages.js';
import { button, csrfField, errorFor, type FieldError, summaryList, tag, textarea } from '../web/components.js';
import { html, raw, type SafeHtml } from '../web/html.js';
import { formatDate, formatDateTime, formatRupiah, t } from '../web/i18n.js';
import type { ApplicationBills, BillStatus, BillVerification, BillView } from './bills.service.js';

/** The bills (SKRD) as pages show them: the applicant's "how to pay", the printable bill, the officers' section, /v/{code}. */

const STATUS_COLOUR: Record<BillStatus, 'blue' | 'green' | 'red' | 'grey'> = { open: 'blue', expired: 'red', paid: 'green', voided: 'grey' };

export const REISSUE_REASON = 'bill-reason';

export function billStatusTag(lang: Lang, status: BillStatus): SafeHtml {
  return html`<span data-bill-status="${status}">${tag(t(lang, `bill.status.${status}`), STATUS_COLOUR[status])}</span>`;
}

/** A QR code as inline SVG, labelled for screen readers (generated markup, never user input). */
export async function qrSvg(text: string, label: string): Promise<SafeHtml> {
  const svg = await QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return raw(svg.replace('<svg ', `<svg role="img" aria-label="${label.replace(/[<>&"]/g, '')}" `));
}

/** The PBG formula's steps, as the case page's fee calculation shows them. */
export function breakdownList(lang: Lang, b: PbgBreakdown, amount: number): SafeHtml {
  return summaryList(pbgBreakdownRows(lang, b, amount));
}

/** The QR images a bill page needs, made ahead (QR generation is asynchronous; views are not). */
export type BillQrs = { qris: SafeHtml | null; verify: SafeHtml | null };

export async function billQrs(lang: Lang, bill: BillView | undefined, opts: { verify: boolean }): Promise<BillQrs> {
  if (!bill) return { qris: null, verify: null };
  const [qris, verify] = await Promise.all([
    bill.qris && bill.status === 'open' ? qrSvg(bill.qris, t(lang, 'bill.pay.qris.label', { number: bill.number })) : null,
    opts.verify ? qrSvg(bill.verificationUrl, t(lang, 'bill.verify.qr')) : null,
  ]);
  return { qris, verify };
}

/** How to pay an open bill: the ATM/mobile banking numbers, the QRIS image, the demo bank for a demo office. */
function howToPay(lang: Lang, bills: ApplicationBills, bill: BillView, qris: SafeHtml | null): SafeHtml {
  return html`<h3>${t(lang, 'bill.howToPay')}</h3>
<h4>${t(lang, 'bill.pay.va.heading')}</h4>
<p>${t(lang, 'bill.pay.va.steps')}</p>
${summaryList([
  { key: t(lang, 'bill.pay.biller'), value: html`<span class="secret" data-biller-code>${bill.partnerServiceId}</span>` },
  { key: t(lang, 'bill.pay.customer'), value: html`<span class="secret" data-customer-no>${bill.customerNo}</span>` },
  { key: t(lang, 'bill.pay.va'), value: html`<span class="secret" data-va-number>${bill.virtualAccountNo.replace(/ /g, '')}</span>` },
])}
<h4>${t(lang, 'bill.pay.qris.heading')}</h4>
${qris ? html`<p>${t(lang, 'bill.pay.qris.steps')}</p><figure class="qr" data-qris>${qris}</figure>` : html`<p>${t(lang, 'bill.pay.qris.none')}</p>`}
${
  bills.adapter === 'demo'
    ? html`<p><a class="button button--secondary" href="/bank-demo?va=${encodeURIComponent(bill.customerNo)}" data-demo-bank>${t(lang, 'bill.pay.demo')}</a><br><span class="hint">${t(lang, 'bill.pay.demo.hint')}</span></p>`
    : ''
}
<p>${t(lang, 'bill.pay.after')}</p>`;
}

/** The bill's own facts (number, amount, expiry, legal basis, code), for the applicant's page and the printable bill. */
function billFacts(lang: Lang, bill: BillView, zone: string, extra: { key: string; value: SafeHtml | string }[] = []): SafeHtml {
  return summaryList([
    { key: t(lang, 'bill.number'), value: html`<span data-bill-number>${bill.number}</span>` },
    ...extra,
    { key: t(lang, 'bill.amount'), value: html`<strong data-bill-amount>${formatRupiah(bill.amount)}</strong>` },
    { key: t(lang, 'bill.status'), value: billStatusTag(lang, bill.status) },
    { key: t(lang, 'bill.issued'), value: formatDateTime(lang, bill.issuedAt, zone) },
    { key: t(lang, 'bill.expires'), value: html`<span data-bill-expires>${formatDateTime(lang, bill.expiresAt, zone)}</span>` },
    { key: t(lang, 'bill.legalBasis'), value: bill.legalBasis },
    ...(bill.replaces ? [{ key: t(lang, 'bill.replaces'), value: bill.replaces }] : []),
    { key: t(lang, 'bill.code'), value: html`<a href="/v/${bill.verificationCode}" data-bill-code>${formatVerificationCode(bill.verificationCode)}</a>` },
  ]);
}

/** What the bill's status asks of the applicant: pay (how), ask for a new code, or nothing more. */
function statusPart(req: FastifyRequest, bills: ApplicationBills, bill: BillView, qris: SafeHtml | null): SafeHtml | string {
  const lang = req.lang;
  const zone = bills.office.timeZone;
  switch (bill.status) {
    case 'open':
      return howToPay(lang, bills, bill, qris);
    case 'expired':
      return html`<div class="banner" role="status" data-bill-expired><p>${t(lang, 'bill.expired.text', { date: formatDateTime(lang, bill.expiresAt, zone) })}</p>
${
  bills.can.requestNewCode
    ? html`<form method="post" action="/permohonan/${bills.applicationId}/tagihan/kode-baru" novalidate>${csrfField(req)}${button(t(lang, 'bill.newCode'))}</form>`
    : ''
}</div>`;
    case 'paid':
      return html`<p data-bill-paid>${t(lang, 'bill.paid.text', { date: bill.paidAt ? formatDateTime(lang, bill.paidAt, zone) : '–' })}</p>`;
    case 'voided':
      return html`<p>${t(lang, 'bill.voided.text')}</p>`;
  }
}

/**
 * The applicant's page: the assessed amount with the PBG breakdown, the current bill and how to pay
 * it (or the request for a new code, or that it is paid). Nothing when the file has no bill.
 */
export function applicantBillSection(req: FastifyRequest, bills: ApplicationBills, qrs: BillQrs): SafeHtml | string {
  const lang = req.lang;
  const current = bills.bills[0];
  if (!current) return '';
  return html`<section class="bill" id="tagihan" aria-labelledby="tagihan-heading">
<h2 id="tagihan-heading">${t(lang, 'bill.heading')}</h2>
${summaryList([{ key: t(lang, 'bill.assessed'), value: html`<strong data-assessed-amount>${formatRupiah(current.amount)}</strong>` }])}
${current.breakdown ? html`<details class="details" data-bill-breakdown><summary>${t(lang, 'bill.breakdown')}</summary>${breakdownList(lang, current.breakdown, current.amount)}</details>` : ''}
${billFacts(lang, current, bills.office.timeZone)}
${statusPart(req, bills, current, qrs.qris)}
<p><a href="/permohonan/${bills.applicationId}/tagihan" data-bill-print>${t(lang, 'bill.print')}</a></p>
</section>`;
}

/** The printable bill (SKRD): the signed bill's content, the QR to its verification page and the QRIS QR. */
export function printableBill(req: FastifyRequest, bills: ApplicationBills, bill: BillView, qrs: BillQrs): SafeHtml {
  const lang = req.lang;
  const zone = bills.office.timeZone;
  const doc = bill.document;
  return html`<article class="bill bill--print" data-bill-document>
<p class="caption">${bills.office.name}</p>
<h1>${t(lang, 'bill.document')}</h1>
${billFacts(lang, bill, zone, [
  ...(doc ? [{ key: t(lang, 'bill.application'), value: doc.applicationNumber }] : []),
  ...(doc ? [{ key: t(lang, 'bill.permitType'), value: doc.permitType.name[lang] }] : []),
  ...(doc ? [{ key: t(lang, 'bill.applicant'), value: doc.applicantName }] : []),
])}
${bill.breakdown ? html`<h2>${t(lang, 'bill.breakdown')}</h2>${breakdownList(lang, bill.breakdown, bill.amount)}` : ''}
${bill.status === 'open' ? howToPay(lang, bills, bill, qrs.qris) : statusPart(req, bills, bill, null)}
${
  qrs.verify
    ? html`<figure class="qr" data-verify-qr>${qrs.verify}<figcaption>${t(lang, 'bill.verify.text', { url: bill.verificationUrl })}</figcaption></figure>`
    : ''
}
<button type="button" class="button no-print" data-print hidden>${t(lang, 'print')}</button>
</article>`;
}

/** The officers' case page: every bill and payment of the file, and the treasurer's re-issue form. */
export function officeBillsSection(
  req: FastifyRequest,
  bills: ApplicationBills,
  form: { errors?: FieldError[]; values?: Record<string, string> } = {},
): SafeHtml {
  const lang = req.lang;
  const zone = bills.office.timeZone;
  const reason = form.values?.[REISSUE_REASON];
  return html`<h2 id="case-bills">${t(lang, 'bill.office.heading')}</h2>
${bills.adapter === null ? html`<p>${t(lang, 'bill.office.noSettings')}</p>` : ''}
${
  bills.bills.length === 0
    ? html`<p>${t(lang, 'bill.office.none')}</p>`
    : html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t(lang, 'bill.office.caption')}"><table class="table" data-bills>
  <caption class="table__caption">${t(lang, 'bill.office.caption')}</caption>
  <thead><tr><th scope="col">${t(lang, 'bill.number')}</th><th scope="col">${t(lang, 'bill.amount')}</th><th scope="col">${t(lang, 'bill.status')}</th><th scope="col">${t(lang, 'bill.pay.va')}</th><th scope="col">${t(lang, 'bill.expires')}</th></tr></thead>
  <tbody>${bills.bills.map(
    (b) =>
      html`<tr data-bill="${b.number}"><th scope="row"><a href="/v/${b.verificationCode}">${b.number}</a></th><td>${formatRupiah(b.amount)}</td><td>${billStatusTag(lang, b.status)}${
        b.voidReason ? html`<br><span class="muted">${t(lang, 'bill.voidReason')}: ${b.voidReason}</span>` : ''
      }${b.paidAt ? html`<br><span class="muted">${formatDateTime(lang, b.paidAt, zone)}</span>` : ''}</td><td>${b.virtualAccountNo.replace(/ /g, '')}</td><td>${formatDateTime(lang, b.expiresAt, zone)}</td></tr>`,
  )}</tbody>
</table></div>
<p><a href="/permohonan/${bills.applicationId}/tagihan">${t(lang, 'bill.print')}</a></p>`
}
${paymentsTable(lang, bills, zone)}
${
  bills.can.reissue
    ? html`<form method="post" action="/kantor/berkas/${bills.applicationId}/tagihan/terbit-ulang" novalidate class="case-action" data-bill-reissue>
  ${csrfField(req)}
  <h3>${t(lang, 'bill.reissue.heading')}</h3>
  <p>${t(lang, 'bill.reissue.hint')}</p>
  ${textarea({ lang, name: REISSUE_REASON, label: t(lang, 'bill.reissue.reason'), hint: t(lang, 'bill.reissue.reason.hint'), value: reason, error: errorFor(form.errors, REISSUE_REASON), maxlength: 500 })}
  ${button(t(lang, 'bill.reissue.submit'), { warning: true })}
</form>`
    : ''
}`;
}

function paymentsTable(lang: Lang, bills: ApplicationBills, zone: string): SafeHtml | string {
  if (bills.payments.length === 0) return '';
  return html`<div class="table-wrap" role="region" tabindex="0" aria-label="${t(lang, 'bill.payments.caption')}"><table class="table" data-bill-payments>
  <caption class="table__caption">${t(lang, 'bill.payments.caption')}</caption>
  <thead><tr><th scope="col">${t(lang, 'bill.payment.date')}</th><th scope="col">${t(lang, 'bill.amount')}</th><th scope="col">${t(lang, 'bill.payment.provider')}</th><th scope="col">${t(lang, 'bill.payment.reference')}</th><th scope="col">${t(lang, 'bill.number')}</th><th scope="col">${t(lang, 'bill.payment.state')}</th></tr></thead>
  <tbody>${bills.payments.map(
    (p) =>
      html`<tr><td>${formatDateTime(lang, p.paidAt, zone)}</td><td>${formatRupiah(p.amount)}</td><td>${t(lang, `bill.payment.provider.${p.provider}`)}</td><td>${p.bankReference ?? '–'}</td><td>${p.billNumber ?? '–'}</td><td>${t(lang, `bill.payment.state.${p.state}`)}${
        p.holdReason ? html`<br><span class="muted">${t(lang, `bill.payment.hold.${p.holdReason}`)}</span>` : ''
      }</td></tr>`,
  )}</tbody>
</table></div>`;
}

/** /v/{code} for a bill: the verdict in words, the bill's public facts, and that its signature holds. */
export function billVerification(
  lang: Lang,
  v: Exclude<BillVerification, { kind: null }>,
  zone: string,
): { heading: string; kind: string; text: SafeHtml; rows: SafeHtml } {
  const b = v.bill;
  const heading = t(lang, `bill.verify.title.${v.status}`);
  const detail =
    v.status === 'paid' && b.paidAt
      ? t(lang, 'bill.verify.paid', { date: formatDateTime(lang, b.paidAt, zone) })
      : v.status === 'voided' && b.voidedAt
        ? t(lang, 'bill.verify.voided', { date: formatDateTime(lang, b.voidedAt, zone) })
        : v.status === 'expired'
          ? t(lang, 'bill.verify.expired', { date: formatDateTime(lang, b.expiresAt, zone) })
          : '';
  return {
    heading,
    kind: v.status === 'open' || v.status === 'paid' ? 'valid' : v.status === 'expired' ? 'expired' : 'revoked',
    text: html`<p data-bill-signed>${t(lang, 'bill.verify.signed', { office: b.office.name })}</p>${detail ? html`<p>${detail}</p>` : ''}`,
    rows: summaryList([
      { key: t(lang, 'permit.office'), value: b.office.name },
      { key: t(lang, 'bill.number'), value: html`<span data-bill-number>${b.number}</span>` },
      { key: t(lang, 'bill.application'), value: b.applicationNumber },
      { key: t(lang, 'bill.permitType'), value: b.permitType.name[lang] },
      { key: t(lang, 'bill.amount'), value: formatRupiah(b.amount) },
      { key: t(lang, 'bill.status'), value: billStatusTag(lang, b.status) },
      { key: t(lang, 'bill.issued'), value: formatDate(lang, b.issuedAt, zone) },
      { key: t(lang, 'bill.expires'), value: formatDateTime(lang, b.expiresAt, zone) },
      { key: t(lang, 'bill.legalBasis'), value: b.legalBasis },
      { key: t(lang, 'permit.code'), value: formatVerificationCode(b.verificationCode) },
    ]),
  };
}
