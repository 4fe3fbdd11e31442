import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Services } from '../services.js';
import type { Lang } from '../shared/messages.js';
import { adminFormErrors, type ProblemWording } from '../tenants/admin-forms.js';
import { banner, button, csrfField, errorFor, type FieldError, radios, summaryList, textarea, textInput } from '../web/components.js';
import { html } from '../web/html.js';
import { formatDateTime, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import { PAYMENT_SETTINGS_LIMITS, type PaymentSettingsView } from './payment-settings.service.js';

const PATH = '/kantor/admin/pembayaran';
const MERCHANT_FIELDS = ['name', 'city', 'postalCode', 'merchantId', 'mcc', 'guid', 'pan', 'criteria'] as const;
type MerchantField = (typeof MERCHANT_FIELDS)[number];
const OPTIONAL_MERCHANT: readonly MerchantField[] = ['postalCode', 'guid', 'pan', 'criteria'];

function labels(lang: Lang): Record<string, string> {
  return {
    adapter: t(lang, 'paysettings.adapter'),
    partnerServiceId: t(lang, 'paysettings.partnerServiceId'),
    billExpiryDays: t(lang, 'paysettings.billExpiryDays'),
    legalBasis: t(lang, 'paysettings.legalBasis'),
    qris: t(lang, 'paysettings.qris'),
    ...Object.fromEntries(MERCHANT_FIELDS.map((f) => [`qrisMerchant.${f}`, t(lang, `paysettings.merchant.${f}`)])),
    snapClientId: t(lang, 'paysettings.snapClientId'),
    snapClientSecret: t(lang, 'paysettings.snapClientSecret'),
    snapBankPublicKey: t(lang, 'paysettings.snapBankPublicKey'),
    snapSignatureEncoding: t(lang, 'paysettings.snapSignatureEncoding'),
  };
}

/** The service's problem codes in the admin's words (the error summary lists each alone, so each names its field). */
const wording: ProblemWording = (lang, p, label) => {
  if (p.code === 'demo_not_in_production') return t(lang, 'paysettings.bad.demoInProduction', { label });
  if (p.field.startsWith('qrisMerchant')) return t(lang, 'paysettings.bad.merchant', { label });
  switch (p.field) {
    case 'adapter':
      return t(lang, 'paysettings.bad.adapter');
    case 'partnerServiceId':
      return t(lang, 'paysettings.bad.partnerServiceId');
    case 'billExpiryDays':
      return t(lang, 'paysettings.bad.billExpiryDays');
    case 'legalBasis':
      return t(lang, 'paysettings.bad.legalBasis');
    case 'snapClientId':
      return t(lang, 'paysettings.bad.clientId');
    case 'snapClientSecret':
      return t(lang, 'paysettings.bad.clientSecret');
    case 'snapBankPublicKey':
      return t(lang, 'paysettings.bad.publicKey');
    case 'snapSignatureEncoding':
      return t(lang, 'paysettings.bad.encoding');
    default:
      return undefined;
  }
};

/** The form's strings as the service's input: blank optional fields left out, QRIS off → null, the number of days read strictly. */
function fromForm(v: Record<string, string>): Record<string, unknown> {
  const days = (v.billExpiryDays ?? '').trim();
  const merchant: Record<string, string> = {};
  for (const f of MERCHANT_FIELDS) {
    const value = (v[`qrisMerchant.${f}`] ?? '').trim();
    if (value || !OPTIONAL_MERCHANT.includes(f)) merchant[f] = value;
  }
  return {
    adapter: v.adapter ?? '',
    partnerServiceId: (v.partnerServiceId ?? '').trim(),
    billExpiryDays: /^\d{1,4}$/.test(days) ? Number(days) : Number.NaN,
    legalBasis: v.legalBasis ?? '',
    qrisMerchant: v.qris === 'on' ? merchant : null,
    snapClientId: (v.snapClientId ?? '').trim() || null,
    snapClientSecret: v.snapClientSecret ?? '',
    snapBankPublicKey: (v.snapBankPublicKey ?? '').trim() || null,
    snapSignatureEncoding: v.snapSignatureEncoding ?? '',
  };
}

function toForm(s: PaymentSettingsView | null): Record<string, string> {
  if (!s) return { adapter: 'snap', qris: 'off', snapSignatureEncoding: 'base64', billExpiryDays: '7' };
  const m = s.qrisMerchant as Partial<Record<MerchantField, string>> | null;
  return {
    adapter: s.adapter,
    partnerServiceId: s.partnerServiceId,
    billExpiryDays: String(s.billExpiryDays),
    legalBasis: s.legalBasis,
    qris: m ? 'on' : 'off',
    ...Object.fromEntries(MERCHANT_FIELDS.map((f) => [`qrisMerchant.${f}`, m?.[f] ?? ''])),
    snapClientId: s.snapClientId ?? '',
    snapBankPublicKey: s.snapBankPublicKey ?? '',
    snapSignatureEncoding: s.snapSignatureEncoding,
  };
}

function statusList(req: FastifyRequest, lang: Lang, s: PaymentSettingsView) {
  const l = labels(lang);
  const rows = [
    {
      key: t(lang, 'paysettings.adapter'),
      value: s.demoBank
        ? html`${t(lang, 'paysettings.status.demo')} <a href="/bank-demo">${t(lang, 'paysettings.status.demoLink')}</a>`
        : s.snapMissing.length
          ? t(lang, 'paysettings.status.snapMissing', { missing: s.snapMissing.map((f) => l[f] ?? f).join(', ') })
          : t(lang, 'paysettings.status.snapReady'),
    },
    { key: t(lang, 'paysettings.status.secret'), value: t(lang, s.snapClientSecretSet ? 'paysettings.status.secretSet' : 'paysettings.status.secretUnset') },
    ...(s.snapBankPublicKeySha256
      ? [{ key: t(lang, 'paysettings.status.fingerprint'), value: html`<code class="url">${s.snapBankPublicKeySha256}</code>` }]
      : []),
    {
      key: t(lang, 'paysettings.status.updated'),
      value: s.updatedBy
        ? formatDateTime(lang, s.updatedAt, req.tenant.time_zone)
        : t(lang, 'paysettings.status.defaults', { date: formatDateTime(lang, s.updatedAt, req.tenant.time_zone) }),
    },
  ];
  return html`<h2>${t(lang, 'paysettings.status')}</h2>${summaryList(rows)}`;
}

function settingsPage(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: { current?: PaymentSettingsView | null; values: Record<string, string>; errors?: FieldError[]; saved?: boolean },
): FastifyReply {
  const lang = req.lang;
  const l = labels(lang);
  const v = opts.values;
  const e = opts.errors ?? [];
  const text = (name: string, extra: Partial<Parameters<typeof textInput>[0]> = {}) =>
    textInput({ lang, name, label: l[name] ?? name, value: v[name], error: errorFor(e, name), ...extra });
  const merchant = (f: MerchantField, extra: Partial<Parameters<typeof textInput>[0]> = {}) =>
    text(`qrisMerchant.${f}`, { optional: OPTIONAL_MERCHANT.includes(f), spellcheck: false, ...extra });
  const current = opts.current;
  return sendPage(req, reply, {
    title: t(lang, 'paysettings.title'),
    back: '/kantor/admin',
    errors: e,
    notice: opts.saved ? banner(t(lang, 'paysettings.saved'), 'success') : null,
    body: html`<h1>${t(lang, 'paysettings.title')}</h1>
<p>${t(lang, 'paysettings.lead')}</p>
${current === null ? html`<p>${t(lang, 'paysettings.none')}</p>` : current ? statusList(req, lang, current) : ''}
<form method="post" action="${PATH}" novalidate autocomplete="off">${csrfField(req)}
  ${radios({
    lang,
    name: 'adapter',
    label: l.adapter!,
    value: v.adapter,
    error: errorFor(e, 'adapter'),
    options: [
      { value: 'snap', label: t(lang, 'paysettings.adapter.snap') },
      { value: 'demo', label: t(lang, 'paysettings.adapter.demo') },
    ],
  })}
  ${text('partnerServiceId', { hint: t(lang, 'paysettings.partnerServiceId.hint'), inputmode: 'numeric', width: 'short', maxlength: 8 })}
  ${text('billExpiryDays', { hint: t(lang, 'paysettings.billExpiryDays.hint'), inputmode: 'numeric', width: 'short', maxlength: 2 })}
  ${textarea({ lang, name: 'legalBasis', label: l.legalBasis!, value: v.legalBasis, error: errorFor(e, 'legalBasis'), maxlength: PAYMENT_SETTINGS_LIMITS.legalBasis })}
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'paysettings.qris')}</legend>
    ${radios({
      lang,
      name: 'qris',
      label: t(lang, 'paysettings.qris.question'),
      hint: t(lang, 'paysettings.qris.hint'),
      value: v.qris,
      options: [
        { value: 'on', label: t(lang, 'paysettings.qris.on') },
        { value: 'off', label: t(lang, 'paysettings.qris.off') },
      ],
    })}
    ${merchant('name', { maxlength: 25 })}
    ${merchant('city', { maxlength: 15, width: 'medium' })}
    ${merchant('postalCode', { maxlength: 10, width: 'short', inputmode: 'numeric' })}
    ${merchant('merchantId', { maxlength: 15, width: 'medium' })}
    ${merchant('mcc', { hint: t(lang, 'paysettings.merchant.mcc.hint'), maxlength: 4, width: 'short', inputmode: 'numeric' })}
    ${merchant('guid', { hint: t(lang, 'paysettings.merchant.guid.hint'), maxlength: 32, width: 'medium' })}
    ${merchant('pan', { maxlength: 19, width: 'medium', inputmode: 'numeric' })}
    ${merchant('criteria', { maxlength: 3, width: 'short' })}
  </fieldset>
  <fieldset class="fieldset">
    <legend class="fieldset__legend fieldset__legend--m">${t(lang, 'paysettings.snap')}</legend>
    ${text('snapClientId', { maxlength: PAYMENT_SETTINGS_LIMITS.clientId, spellcheck: false })}
    ${text('snapClientSecret', {
      type: 'password',
      hint: t(lang, 'paysettings.snapClientSecret.hint'),
      autocomplete: 'new-password',
      maxlength: PAYMENT_SETTINGS_LIMITS.clientSecret,
      optional: true,
    })}
    ${textarea({
      lang,
      name: 'snapBankPublicKey',
      label: l.snapBankPublicKey!,
      hint: t(lang, 'paysettings.snapBankPublicKey.hint'),
      value: v.snapBankPublicKey,
      error: errorFor(e, 'snapBankPublicKey'),
      maxlength: PAYMENT_SETTINGS_LIMITS.publicKey,
      optional: true,
    })}
    ${radios({
      lang,
      name: 'snapSignatureEncoding',
      label: l.snapSignatureEncoding!,
      value: v.snapSignatureEncoding,
      error: errorFor(e, 'snapSignatureEncoding'),
      options: [
        { value: 'base64', label: 'base64' },
        { value: 'hex', label: 'hex' },
      ],
    })}
  </fieldset>
  ${button(t(lang, 'paysettings.save'))}
</form>`,
  });
}

/**
 * The admin's payment settings (/kantor/admin/pembayaran): where things stand (the demo bank on, or what
 * SNAP still needs; whether a secret is stored, never the secret), and one form for every setting. The
 * service checks the permission again, validates all of it and audits; a refused save shows the error
 * summary with what was typed kept (except the secret) and nothing saved.
 */
export function paymentSettingsPages(app: FastifyInstance, services: Services): void {
  const page = pageKit(app);

  page.get(
    PATH,
    { access: 'office', permission: 'payments.settings', query: z.object({ disimpan: z.literal('1').optional().catch(undefined) }) },
    async ({ req, reply, actor, query }) => {
      const current = await services.paymentSettings.getSettings({ actor });
      return settingsPage(req, reply, { current, values: toForm(current), saved: query.disimpan === '1' });
    },
  );

  page.post(
    PATH,
    { access: 'office', permission: 'payments.settings', maxFieldLength: PAYMENT_SETTINGS_LIMITS.publicKey },
    async ({ req, reply, lang, actor, form }) => {
      try {
        await services.paymentSettings.saveSettings({ actor, settings: fromForm(form.values) });
        return reply.redirect(`${PATH}?disimpan=1`, 303);
      } catch (err) {
        const errors = adminFormErrors(lang, err, { labels: labels(lang), wording });
        if (!errors) throw err;
        const { snapClientSecret: _never, ...kept } = form.values;
        return settingsPage(req, reply, { values: kept, errors });
      }
    },
  );
}
