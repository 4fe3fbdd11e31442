import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../http/context.js';
import { problemResponses } from '../http/common.schemas.js';
import type { Services } from '../services.js';
import { PAYMENT_SETTINGS_LIMITS } from './payment-settings.service.js';

const bearer = [{ bearer: [] }];

const qrisMerchantDoc = z
  .object({
    guid: z.string().describe('Sub-tag 00 of the merchant account template; ID.CO.QRIS.WWW unless the acquirer gives its own'),
    pan: z.string().optional().describe('Merchant PAN from the acquirer, 16 to 19 digits (optional)'),
    merchantId: z.string().describe('Merchant id at the acquirer, at most 15 printable ASCII characters'),
    criteria: z.enum(['UMI', 'UKE', 'UME', 'UBE', 'URE']).optional(),
    mcc: z.string().describe('ISO 18245 merchant category code, 4 digits, e.g. 9399 government services'),
    name: z.string().describe('Merchant name (tag 59), at most 25 printable ASCII characters'),
    city: z.string().describe('Merchant city (tag 60), at most 15'),
    postalCode: z.string().optional().describe('Postal code (tag 61), at most 10'),
  })
  .meta({ id: 'QrisMerchant' });

export const paymentSettingsSchema = z
  .object({
    adapter: z.enum(['demo', 'snap']).describe('demo: the built-in demo bank (never in production); snap: a real bank over SNAP'),
    partnerServiceId: z
      .string()
      .describe('The biller code (SNAP partnerServiceId), 1 to 8 digits; the VA number is it padded to 8 + the bill’s customer number'),
    billExpiryDays: z.number().int().describe('Days a new bill stays payable, 1 to 60'),
    legalBasis: z.string().describe('The regulation the bill cites (printed on it)'),
    qrisMerchant: qrisMerchantDoc.nullable().describe('The dynamic QRIS merchant data; null: bills carry no QRIS'),
    snapClientId: z.string().nullable().describe('The bank’s SNAP client id (X-CLIENT-KEY, X-PARTNER-ID)'),
    snapClientSecretSet: z.boolean().describe('Whether a SNAP client secret is stored (it is write-only: never returned)'),
    snapBankPublicKey: z.string().nullable().describe('The bank’s RSA public key (PEM, SPKI) that verifies its access-token requests'),
    snapBankPublicKeySha256: z.string().nullable().describe('SHA-256 of the key’s DER, hex: compare with the fingerprint the bank gives'),
    snapSignatureEncoding: z.enum(['base64', 'hex']).describe('How the bank encodes X-SIGNATURE'),
    snapMissing: z
      .array(z.enum(['snapClientId', 'snapClientSecret', 'snapBankPublicKey']))
      .describe('What SNAP still needs before a bank can call; empty: ready'),
    demoBank: z.boolean().describe('True when the built-in demo bank (/bank-demo) answers for this office'),
    updatedAt: z.string(),
    updatedBy: z.string().nullable().describe('The admin who saved last; null for the defaults written when the office was set up'),
  })
  .meta({ id: 'PaymentSettings' });

/**
 * The body of PUT: the shapes only (types, bounded lengths); the service checks the rules (1–8 digits, 1–60
 * days, a parseable RSA key …) and names each refused field with a message in the caller's language.
 */
export const savePaymentSettingsBody = z
  .strictObject({
    adapter: z.string().max(10).describe('demo or snap'),
    partnerServiceId: z.string().max(20).describe('1 to 8 digits'),
    billExpiryDays: z.number().describe('1 to 60 whole days'),
    legalBasis: z.string().max(PAYMENT_SETTINGS_LIMITS.legalBasis + 100),
    qrisMerchant: z
      .strictObject({
        guid: z.string().max(100).optional(),
        pan: z.string().max(40).optional(),
        merchantId: z.string().max(100),
        criteria: z.string().max(10).optional(),
        mcc: z.string().max(10),
        name: z.string().max(100),
        city: z.string().max(100),
        postalCode: z.string().max(40).optional(),
      })
      .nullable(),
    snapClientId: z
      .string()
      .max(PAYMENT_SETTINGS_LIMITS.clientId + 100)
      .nullable(),
    snapClientSecret: z
      .string()
      .max(PAYMENT_SETTINGS_LIMITS.clientSecret + 100)
      .nullish()
      .describe('Write-only: at least 16 printable characters; empty, null or absent keeps the stored secret'),
    snapBankPublicKey: z.string().max(PAYMENT_SETTINGS_LIMITS.publicKey).nullable().describe('PEM RSA public key, 2048 bits or more'),
    snapSignatureEncoding: z.string().max(10).describe('base64 or hex'),
  })
  .meta({ id: 'SavePaymentSettings' });

/** The office's payment settings: the JSON API (issue 12). Admin only (payments.settings). */
export function paymentSettingsRoutes(app: FastifyInstance, services: Services): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/v1/payments/settings', {
    schema: {
      operationId: 'getPaymentSettings',
      tags: ['Payments'],
      summary: 'Admin: the office’s payment settings (adapter, biller code, bill expiry, legal basis, QRIS merchant, SNAP credentials without the secret)',
      security: bearer,
      querystring: z.strictObject({}),
      response: { 200: z.object({ settings: paymentSettingsSchema.nullable().describe('null: none yet, so no bill is issued') }), ...problemResponses },
    },
    handler: async (request) => ({ settings: await services.paymentSettings.getSettings({ actor: requireActor(request, 'payments.settings') }) }),
  });

  r.put('/api/v1/payments/settings', {
    schema: {
      operationId: 'savePaymentSettings',
      tags: ['Payments'],
      summary:
        'Admin: replace the office’s payment settings (audited, without secrets). The next bill and the next bank call use them without a restart; the client secret is write-only',
      security: bearer,
      body: savePaymentSettingsBody,
      response: {
        200: z.object({ settings: paymentSettingsSchema, changed: z.array(z.string()).describe('The fields this save changed') }),
        ...problemResponses,
      },
    },
    handler: async (request) => services.paymentSettings.saveSettings({ actor: requireActor(request, 'payments.settings'), settings: request.body }),
  });
}
