import { z } from 'zod';

/**
 * The bodies of the SNAP requests a bank sends Izol and of Izol's answers (ASPI SNAP, Transfer Kredit →
 * Virtual Account, services 24 and 25; the access token, 73; the QRIS MPM notification, 52). Fields
 * Izol does not read are allowed and ignored (banks add their own), the ones it reads are checked.
 */

const snapString = (max: number) => z.string().min(1).max(max);

export const snapAmountSchema = z
  .object({
    value: z
      .string()
      .max(19)
      .regex(/^\d{1,16}\.\d{2}$/, 'digits with two decimals, e.g. "150000.00"')
      .describe('String(16,2): whole rupiah with ".00"'),
    currency: z.string().length(3).describe('IDR'),
  })
  .meta({ id: 'SnapAmount' });

/** The X-… headers every SNAP request carries (documented; the security hook checks them first). */
export const snapTransactionHeaders = z.looseObject({
  authorization: z.string().max(600).optional().describe('Bearer <the B2B access token>'),
  'x-timestamp': z.string().max(40).optional().describe('yyyy-MM-ddTHH:mm:ss±hh:mm, within 5 minutes of the server clock'),
  'x-signature': z.string().max(1024).optional().describe('HMAC-SHA512(clientSecret, METHOD:path:token:sha256hex(minified body):X-TIMESTAMP), base64 or hex'),
  'x-partner-id': z.string().max(64).optional().describe('The client id the office registered for the bank'),
  'x-external-id': z.string().max(64).optional().describe('Numeric, at most 36 digits, once per partner and day'),
  'channel-id': z.string().max(20).optional().describe('The bank’s channel'),
});

export const snapAccessTokenHeaders = z.looseObject({
  'x-client-key': z.string().max(64).optional().describe('The client id the office registered for the bank'),
  'x-timestamp': z.string().max(40).optional().describe('yyyy-MM-ddTHH:mm:ss±hh:mm, within 5 minutes of the server clock'),
  'x-signature': z.string().max(1024).optional().describe('SHA256withRSA(bank’s private key, clientId|X-TIMESTAMP), base64 or hex'),
});

export const accessTokenBody = z
  .object({
    grantType: z.literal('client_credentials').describe('Always client_credentials'),
    additionalInfo: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'SnapAccessTokenRequest' });

export const vaInquiryBody = z
  .object({
    partnerServiceId: snapString(8).describe('The office’s biller code, left-padded with spaces to 8'),
    customerNo: snapString(20).describe('The bill’s payment code'),
    virtualAccountNo: snapString(28).describe('partnerServiceId + customerNo'),
    trxDateInit: z.string().max(40).optional(),
    channelCode: z.number().int().min(0).max(9999).optional(),
    language: z.string().max(2).optional(),
    inquiryRequestId: snapString(128).describe('The bank’s id of this inquiry; the payment repeats it as paymentRequestId'),
    additionalInfo: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'SnapVaInquiryRequest' });
export type VaInquiryBody = z.infer<typeof vaInquiryBody>;

export const vaPaymentBody = z
  .object({
    partnerServiceId: snapString(8).describe('The office’s biller code, left-padded with spaces to 8'),
    customerNo: snapString(20).describe('The bill’s payment code'),
    virtualAccountNo: snapString(28).describe('partnerServiceId + customerNo'),
    virtualAccountName: z.string().max(255).optional(),
    paymentRequestId: snapString(128).describe('The bank’s id of this payment: a payment is recorded once per paymentRequestId'),
    channelCode: z.number().int().min(0).max(9999).optional(),
    hashedSourceAccountNo: z.string().max(64).optional(),
    sourceBankCode: z.string().max(3).optional(),
    paidAmount: snapAmountSchema.describe('What the payer paid; a closed bill (type C) must be paid exactly'),
    cumulativePaymentAmount: snapAmountSchema.optional(),
    totalAmount: snapAmountSchema.optional(),
    trxDateTime: z.string().max(40).optional().describe('When the bank took the payment (yyyy-MM-ddTHH:mm:ss±hh:mm)'),
    referenceNo: z.string().max(64).optional().describe('The bank’s reference (NTB)'),
    journalNum: z.string().max(6).optional(),
    paymentType: z.string().max(1).optional(),
    flagAdvise: z.enum(['Y', 'N']).optional().describe('Y: a retry of an earlier delivery'),
    additionalInfo: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'SnapVaPaymentRequest' });
export type VaPaymentBody = z.infer<typeof vaPaymentBody>;

export const qrisNotifyBody = z
  .object({
    originalReferenceNo: snapString(64).describe('The acquirer’s reference of this QRIS payment: recorded once per reference'),
    originalPartnerReferenceNo: z.string().max(64).optional(),
    originalExternalId: z.string().max(36).optional(),
    latestTransactionStatus: z
      .string()
      .regex(/^\d{2}$/, 'two digits')
      .describe('00 success; anything else is acknowledged and changes nothing'),
    transactionStatusDesc: z.string().max(50).optional(),
    amount: snapAmountSchema,
    externalStoreId: z.string().max(64).optional(),
    additionalInfo: z.looseObject({
      billNumber: snapString(25).describe('The bill number the QRIS carried in tag 62'),
      payerName: z.string().max(100).optional(),
      issuerName: z.string().max(100).optional(),
      paidTime: z.string().max(40).optional().describe('When the payer paid (yyyy-MM-ddTHH:mm:ss±hh:mm)'),
    }),
  })
  .meta({ id: 'SnapQrisNotifyRequest' });
export type QrisNotifyBody = z.infer<typeof qrisNotifyBody>;

const responseCode = z
  .string()
  .regex(/^\d{7}$/)
  .describe('HTTP status + service code + case code, e.g. 2002500');
const responseMessage = z.string().max(150);
const reasonText = z.object({ english: z.string(), indonesia: z.string() });

/** Every refusal: a SNAP code and message, sometimes the request's identifiers echoed back. */
export const snapRefusalSchema = z
  .looseObject({ responseCode, responseMessage })
  .describe('A SNAP refusal: the HTTP status is the code’s first three digits')
  .meta({ id: 'SnapRefusal' });

export const accessTokenResponse = z
  .object({ responseCode, responseMessage, accessToken: z.string(), tokenType: z.literal('Bearer'), expiresIn: z.string().describe('Seconds, "900"') })
  .meta({ id: 'SnapAccessToken' });

export const vaInquiryResponse = z
  .object({
    responseCode,
    responseMessage,
    virtualAccountData: z.object({
      inquiryStatus: z.string(),
      inquiryReason: reasonText,
      partnerServiceId: z.string(),
      customerNo: z.string(),
      virtualAccountNo: z.string(),
      virtualAccountName: z.string().describe('The applicant’s name as on the bill'),
      inquiryRequestId: z.string(),
      totalAmount: snapAmountSchema,
      virtualAccountTrxType: z.literal('C').describe('Closed amount: pay exactly the bill'),
      additionalInfo: z.object({ billNumber: z.string(), expiresAt: z.string().describe('The bill’s expiry (yyyy-MM-ddTHH:mm:ss+07:00)') }),
    }),
  })
  .meta({ id: 'SnapVaInquiryResponse' });

export const vaPaymentResponse = z
  .object({
    responseCode,
    responseMessage,
    virtualAccountData: z.object({
      paymentFlagStatus: z.string().describe('00 paid'),
      paymentFlagReason: reasonText,
      partnerServiceId: z.string(),
      customerNo: z.string(),
      virtualAccountNo: z.string(),
      virtualAccountName: z.string(),
      paymentRequestId: z.string(),
      paidAmount: snapAmountSchema,
      totalAmount: snapAmountSchema,
      trxDateTime: z.string(),
      referenceNo: z.string(),
    }),
  })
  .meta({ id: 'SnapVaPaymentResponse' });

export const qrisNotifyResponse = z
  .object({ responseCode, responseMessage, originalReferenceNo: z.string(), latestTransactionStatus: z.string() })
  .meta({ id: 'SnapQrisNotifyResponse' });

export const snapResponses = <T extends z.ZodType>(ok: T) => ({ 200: ok, '4xx': snapRefusalSchema, '5xx': snapRefusalSchema }) as const;
