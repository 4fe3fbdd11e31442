/**
 * A SNAP client that behaves exactly as a bank calling Izol (the office is the biller): the demo
 * bank (src/payments/demo-bank/) and the tests use it, so what they send is what a real bank sends.
 *
 * ```ts
 * const bank = createSnapClient({
 *   baseUrl: 'https://malang.izol.example',     // the office's host; paths below are appended
 *   clientId: settings.snap_client_id,          // X-CLIENT-KEY / X-PARTNER-ID
 *   clientSecret,                               // the HMAC-SHA512 key (plain text, not the encrypted column)
 *   privateKey: bankPrivateKeyPem,              // the bank's RSA key (PEM string or KeyObject); Izol holds its public key
 *   partnerId: settings.snap_client_id,         // X-PARTNER-ID (usually the client id)
 *   channelId: '95221',                         // CHANNEL-ID
 *   encoding: 'base64',                         // settings.snap_signature_encoding ('base64' default, or 'hex')
 *   fetch: myFetch,                             // optional: defaults to globalThis.fetch (tests pass an app.inject adapter)
 *   clock: () => new Date(),                    // optional: the instant X-TIMESTAMP is stamped from
 * });
 * const inq = await bank.inquiry({ partnerServiceId: '   12345', customerNo: bill.customer_no, inquiryRequestId: 'INQ-1' });
 * // inq.status 200, inq.body.responseCode '2002400', inq.body.virtualAccountData.totalAmount.value '150000.00'
 * const pay = await bank.payment({ partnerServiceId: '   12345', customerNo: bill.customer_no, paymentRequestId: 'INQ-1', paidAmount: 150000 });
 * // pay.body.responseCode '2002500' (also for a retry of the same paymentRequestId)
 * const qr = await bank.qrisNotify({ originalReferenceNo: 'QR-REF-1', billNumber: bill.number, amount: 150000 });
 * // qr.body.responseCode '2005200'
 * ```
 *
 * Every call returns `{ status, body }` (the HTTP status and the parsed SNAP JSON; `body` is
 * `{ responseCode: '', responseMessage: <text> }` if Izol's answer was not JSON); it never throws on a
 * SNAP refusal, only on a network failure (whatever `fetch` throws). A bank retrying a delivery just
 * calls again (a fresh X-EXTERNAL-ID each time unless `externalId` is given; giving the same one twice
 * in a day is what a replay looks like and Izol answers 409).
 *
 * - `accessToken()` POSTs `/snap/v1.0/access-token/b2b` with X-CLIENT-KEY, X-TIMESTAMP and
 *   X-SIGNATURE = SHA256withRSA(privateKey, `clientId|timestamp`), body `{"grantType":"client_credentials"}`;
 *   the token is cached until 60 s before it expires (by `clock`) and fetched again after. It returns
 *   `{ status, body }` too; `body.accessToken` is the token. `forgetToken()` drops the cache.
 * - `inquiry`, `payment`, `qrisNotify` first get a token (a refused token request is returned as the
 *   call's own result), then POST the minified JSON body with `Content-Type: application/json`,
 *   `Authorization: Bearer <token>`, X-TIMESTAMP, X-SIGNATURE = HMAC-SHA512(clientSecret,
 *   `POST:<path>:<token>:sha256hex(body):<timestamp>`), X-PARTNER-ID, X-EXTERNAL-ID (numeric ≤ 36),
 *   CHANNEL-ID.
 * - `send(path, body, overrides?)` is the raw signed POST the three use, for tests that need a
 *   particular defect: `overrides` may replace any header (`{ 'X-SIGNATURE': 'forged' }`), the
 *   timestamp (`timestamp`), the raw body text (`rawBody`, sent as is and signed as is unless
 *   `signBody` is given), or the token (`accessToken`).
 *
 * Bodies as sent (ASPI SNAP, Transfer Kredit → Virtual Account):
 * - inquiry: `{ partnerServiceId, customerNo, virtualAccountNo, trxDateInit, channelCode, inquiryRequestId }`
 *   (virtualAccountNo = partnerServiceId padded to 8 with spaces + customerNo);
 * - payment: `{ partnerServiceId, customerNo, virtualAccountNo, virtualAccountName?, paymentRequestId,
 *   channelCode, hashedSourceAccountNo?, sourceBankCode?, paidAmount: {value:'150000.00',currency:'IDR'},
 *   totalAmount (same), trxDateTime, referenceNo, flagAdvise }`;
 * - QRIS notify: `{ originalReferenceNo, originalPartnerReferenceNo?, latestTransactionStatus: '00',
 *   transactionStatusDesc: 'Success', amount: {value, currency}, externalStoreId?, additionalInfo:
 *   { billNumber, payerName?, issuerName?, paidTime } }`.
 */
import { createPrivateKey, type KeyObject, randomInt } from 'node:crypto';
import { formatSnapTimestamp, signAccessTokenRequest, signSymmetric, type SignatureEncoding } from './snap-signature.js';
import { composeVirtualAccountNo, formatSnapAmount, padPartnerServiceId } from './virtual-account.js';

export const SNAP_PATHS = {
  accessToken: '/snap/v1.0/access-token/b2b',
  vaInquiry: '/snap/v1.0/transfer-va/inquiry',
  vaPayment: '/snap/v1.0/transfer-va/payment',
  qrisNotify: '/snap/v1.0/qr/qr-mpm-notify',
} as const;

export interface SnapClientOptions {
  /** Izol's office origin, e.g. `http://127.0.0.1:3000` (no trailing path). */
  baseUrl: string;
  clientId: string;
  /** The plain client secret (HMAC key). */
  clientSecret: string;
  /** The bank's RSA private key, PEM or KeyObject. */
  privateKey: string | KeyObject;
  /** X-PARTNER-ID; Izol expects the client id. */
  partnerId: string;
  /** CHANNEL-ID, e.g. '95221'. */
  channelId: string;
  encoding?: SignatureEncoding;
  fetch?: typeof fetch;
  clock?: () => Date;
  /** Extra headers on every request (e.g. `Host` when fetch is an inject adapter). */
  headers?: Record<string, string>;
}

export interface SnapResult<B = SnapBody> {
  status: number;
  body: B;
}

/** A SNAP answer: always responseCode and responseMessage, plus the service's own fields. */
export interface SnapBody {
  responseCode: string;
  responseMessage: string;
  [field: string]: unknown;
}

export interface SendOverrides {
  /** Replace or add headers (after signing; `undefined` removes a header). */
  headers?: Record<string, string | undefined>;
  /** X-TIMESTAMP to stamp and sign with. */
  timestamp?: string;
  /** The exact body text to send (default: JSON.stringify(body)). */
  rawBody?: string;
  /** The body text to sign, when it should differ from what is sent. */
  signBody?: string;
  /** The bearer token to use instead of a fresh one. */
  accessToken?: string;
  /** X-EXTERNAL-ID to send (default: a fresh one). */
  externalId?: string;
}

export interface InquiryInput {
  /** The office's biller code, padded or not (padded to 8 here). */
  partnerServiceId: string;
  customerNo: string;
  inquiryRequestId: string;
  externalId?: string;
  channelCode?: number;
}

export interface PaymentInput {
  partnerServiceId: string;
  customerNo: string;
  /** Usually the inquiry's inquiryRequestId; the once-only key on Izol's side. */
  paymentRequestId: string;
  /** Whole rupiah. */
  paidAmount: number;
  /** Default: the clock's now, as a SNAP timestamp. */
  trxDateTime?: string;
  /** 'Y' marks a retry (advice). Default 'N'. */
  flagAdvise?: 'Y' | 'N';
  externalId?: string;
  /** The bank's reference number (default: the paymentRequestId). */
  referenceNo?: string;
  virtualAccountName?: string;
  channelCode?: number;
}

export interface QrisNotifyInput {
  /** The acquirer's reference of this payment: the once-only key on Izol's side. */
  originalReferenceNo: string;
  /** The bill number the QRIS carried in tag 62. */
  billNumber: string;
  /** Whole rupiah. */
  amount: number;
  /** '00' success (default). */
  latestTransactionStatus?: string;
  originalPartnerReferenceNo?: string;
  payerName?: string;
  issuerName?: string;
  /** Default: the clock's now. */
  paidTime?: string;
  externalId?: string;
}

/** A fresh X-EXTERNAL-ID: 20 random decimal digits after the time (numeric, ≤ 36). */
export function freshExternalId(now: Date = new Date()): string {
  let digits = String(now.getTime());
  for (let i = 0; i < 4; i++) digits += String(randomInt(0, 100_000)).padStart(5, '0');
  return digits;
}

export function createSnapClient(options: SnapClientOptions) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? (() => new Date());
  const encoding = options.encoding ?? 'base64';
  const privateKey = typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
  const base = options.baseUrl.replace(/\/+$/, '');
  let cached: { token: string; expiresAt: number } | null = null;

  async function post(path: string, headers: Record<string, string | undefined>, body: string): Promise<SnapResult> {
    const clean: Record<string, string> = {};
    for (const [k, v] of Object.entries({ ...options.headers, ...headers })) if (v !== undefined) clean[k] = v;
    const res = await doFetch(base + path, { method: 'POST', headers: clean, body });
    const text = await res.text();
    try {
      const parsed = JSON.parse(text) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return { status: res.status, body: parsed as SnapBody };
    } catch {
      // not JSON: fall through
    }
    return { status: res.status, body: { responseCode: '', responseMessage: text.slice(0, 500) } };
  }

  /** POST /snap/v1.0/access-token/b2b; cached until 60 s before expiry. */
  async function accessToken(overrides: { timestamp?: string; signature?: string; clientKey?: string } = {}): Promise<SnapResult> {
    const now = clock();
    if (cached && cached.expiresAt - 60_000 > now.getTime() && Object.keys(overrides).length === 0) {
      return {
        status: 200,
        body: { responseCode: '2007300', responseMessage: 'Successful', accessToken: cached.token, tokenType: 'Bearer', expiresIn: '900' },
      };
    }
    const timestamp = overrides.timestamp ?? formatSnapTimestamp(now);
    const signature = overrides.signature ?? signAccessTokenRequest(privateKey, options.clientId, timestamp, encoding);
    const result = await post(
      SNAP_PATHS.accessToken,
      {
        'Content-Type': 'application/json',
        'X-CLIENT-KEY': overrides.clientKey ?? options.clientId,
        'X-TIMESTAMP': timestamp,
        'X-SIGNATURE': signature,
      },
      JSON.stringify({ grantType: 'client_credentials' }),
    );
    if (result.status === 200 && typeof result.body.accessToken === 'string' && Object.keys(overrides).length === 0) {
      const seconds = Number(result.body.expiresIn ?? 900);
      cached = { token: result.body.accessToken, expiresAt: now.getTime() + (Number.isFinite(seconds) ? seconds : 900) * 1000 };
    }
    return result;
  }

  /** The signed transaction POST the three services use; see the file's comment for `overrides`. */
  async function send(path: string, body: unknown, overrides: SendOverrides = {}): Promise<SnapResult> {
    let token = overrides.accessToken;
    if (token === undefined) {
      const t = await accessToken();
      if (t.status !== 200 || typeof t.body.accessToken !== 'string') return t;
      token = t.body.accessToken;
    }
    const now = clock();
    const timestamp = overrides.timestamp ?? formatSnapTimestamp(now);
    const raw = overrides.rawBody ?? JSON.stringify(body);
    // A test that sends a body that is not JSON gives its own X-SIGNATURE (minify cannot read the body to sign it).
    const given = overrides.headers?.['X-SIGNATURE'];
    const signature =
      given !== undefined
        ? given
        : signSymmetric(options.clientSecret, { method: 'POST', path, accessToken: token, body: overrides.signBody ?? raw, timestamp }, encoding);
    const headers: Record<string, string | undefined> = {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
      'X-TIMESTAMP': timestamp,
      'X-SIGNATURE': signature,
      'X-PARTNER-ID': options.partnerId,
      'X-EXTERNAL-ID': overrides.externalId ?? freshExternalId(now),
      'CHANNEL-ID': options.channelId,
      ...overrides.headers,
    };
    return post(path, headers, raw);
  }

  /** SNAP VA inquiry (service 24). */
  async function inquiry(input: InquiryInput, overrides: SendOverrides = {}): Promise<SnapResult> {
    const partnerServiceId = padPartnerServiceId(input.partnerServiceId);
    const body = {
      partnerServiceId,
      customerNo: input.customerNo,
      virtualAccountNo: composeVirtualAccountNo(partnerServiceId, input.customerNo),
      trxDateInit: formatSnapTimestamp(clock()),
      channelCode: input.channelCode ?? 6011,
      inquiryRequestId: input.inquiryRequestId,
    };
    return send(SNAP_PATHS.vaInquiry, body, { externalId: input.externalId, ...overrides });
  }

  /** SNAP VA payment (service 25). */
  async function payment(input: PaymentInput, overrides: SendOverrides = {}): Promise<SnapResult> {
    const partnerServiceId = padPartnerServiceId(input.partnerServiceId);
    const amount = formatSnapAmount(input.paidAmount);
    const body = {
      partnerServiceId,
      customerNo: input.customerNo,
      virtualAccountNo: composeVirtualAccountNo(partnerServiceId, input.customerNo),
      ...(input.virtualAccountName === undefined ? {} : { virtualAccountName: input.virtualAccountName }),
      paymentRequestId: input.paymentRequestId,
      channelCode: input.channelCode ?? 6011,
      paidAmount: amount,
      totalAmount: amount,
      trxDateTime: input.trxDateTime ?? formatSnapTimestamp(clock()),
      referenceNo: input.referenceNo ?? input.paymentRequestId,
      flagAdvise: input.flagAdvise ?? 'N',
    };
    return send(SNAP_PATHS.vaPayment, body, { externalId: input.externalId, ...overrides });
  }

  /** SNAP QRIS MPM payment notification (service 52). */
  async function qrisNotify(input: QrisNotifyInput, overrides: SendOverrides = {}): Promise<SnapResult> {
    const body = {
      originalReferenceNo: input.originalReferenceNo,
      ...(input.originalPartnerReferenceNo === undefined ? {} : { originalPartnerReferenceNo: input.originalPartnerReferenceNo }),
      latestTransactionStatus: input.latestTransactionStatus ?? '00',
      transactionStatusDesc: (input.latestTransactionStatus ?? '00') === '00' ? 'Success' : 'Not success',
      amount: formatSnapAmount(input.amount),
      additionalInfo: {
        billNumber: input.billNumber,
        ...(input.payerName === undefined ? {} : { payerName: input.payerName }),
        ...(input.issuerName === undefined ? {} : { issuerName: input.issuerName }),
        paidTime: input.paidTime ?? formatSnapTimestamp(clock()),
      },
    };
    return send(SNAP_PATHS.qrisNotify, body, { externalId: input.externalId, ...overrides });
  }

  function forgetToken(): void {
    cached = null;
  }

  return { accessToken, inquiry, payment, qrisNotify, send, forgetToken };
}
export type SnapClient = ReturnType<typeof createSnapClient>;
