import { createPublicKey, type KeyObject } from 'node:crypto';
import { requireAccess, systemActor } from '../access/access.js';
import { appendAudit } from '../audit/audit.repository.js';
import type { Db } from '../db/database.js';
import type { Bill, Payment, PaymentHoldReason } from '../db/schema.js';
import { newToken, sha256Hex } from '../shared/crypto.js';
import { addDays, type Clock, isoNow, localDate } from '../shared/time.js';
import type { BillDocument } from './bills.js';
import { isDemoBankPublicKey, snapCredentialsOf } from './payment-settings.service.js';
import { findPaymentByProviderId, findPaymentSettings } from './payments.repository.js';
import type { PaymentNotification, PaymentOutcome, PaymentService } from './payments.service.js';
import {
  checkSnapTimestamp,
  formatSnapTimestamp,
  parseSnapTimestamp,
  type SignatureEncoding,
  SnapBodyError,
  verifyAccessTokenSignature,
  verifySymmetric,
} from './snap-signature.js';
import { type SnapCase, type SnapService, snapResponse } from './snap-response-codes.js';
import {
  claimSnapExternalId,
  deleteExpiredSnapAccessTokens,
  deleteOldSnapExternalIds,
  findLiveSnapAccessToken,
  insertSnapAccessToken,
} from './snap.repository.js';
import type { QrisNotifyBody, VaInquiryBody, VaPaymentBody } from './snap.schemas.js';
import {
  composeVirtualAccountNo,
  formatSnapAmount,
  padPartnerServiceId,
  parseSnapAmount,
  VirtualAccountError,
  virtualAccountFieldsAgree,
} from './virtual-account.js';

/** A B2B access token's lifetime (SNAP: 900 s). */
export const SNAP_TOKEN_SECONDS = 900;

/** At most this many `payment.notification_refused` rows per office a minute; the rest are counted on the next row. */
export const SNAP_REFUSAL_ROWS_PER_MINUTE = 60;

/** Every SNAP answer: the HTTP status is the code's first three digits. */
export type SnapReply = { httpStatus: number; body: { responseCode: string; responseMessage: string; [field: string]: unknown } };

/** The office as the route resolved it. */
export type SnapOffice = { id: string; time_zone: string };

/** The request's headers as Fastify gives them (lower-case names). */
export type SnapHeaders = Record<string, string | string[] | undefined>;

/** A bank that proved itself on a transaction request: what the business step may keep (no secret). */
export type SnapCaller = { clientId: string; channelId: string; externalId: string };

type Credentials = { partnerServiceId: string; clientId: string; clientSecret: string; bankPublicKey: KeyObject; encoding: SignatureEncoding };

export type SnapDeps = {
  db: Db;
  clock: Clock;
  payments: Pick<PaymentService, 'receive' | 'inquire'>;
  dataKey: Buffer;
  /**
   * NODE_ENV=production: an office on the demo adapter, or whose settings still hold the demo bank's public
   * key (its private half is published in demo-keys.ts), has no SNAP credentials at all.
   */
  production?: boolean;
};

/** The transaction services a bank calls with a bearer token and the symmetric signature. */
export type SnapTransactionService = Extract<SnapService, 'vaInquiry' | 'vaPayment' | 'qrisNotify'>;

function header(headers: SnapHeaders, name: string): string | undefined {
  const v = headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** A header value as the audit may keep it: short, printable. */
function bounded(v: string | undefined, max = 40): string | null {
  if (v === undefined) return null;
  const printable = v.replace(/[^\x20-\x7E]/g, '?');
  return printable.length > max ? `${printable.slice(0, max)}…` : printable;
}

function reply(service: SnapService, kase: SnapCase, detail?: string, extra: Record<string, unknown> = {}): SnapReply {
  const s = snapResponse(service, kase, detail);
  return { httpStatus: s.httpStatus, body: { responseCode: s.responseCode, responseMessage: s.responseMessage, ...extra } };
}

/** A held payment's reason as SNAP's case. */
function holdCase(reason: PaymentHoldReason): SnapCase {
  switch (reason) {
    case 'amount_mismatch':
      return 'invalidAmount';
    case 'bill_paid':
      return 'billPaid';
    case 'bill_expired':
      return 'billExpired';
    case 'bill_voided':
    case 'unknown_bill':
      return 'billNotFound';
  }
}

const REASON_TEXT: Record<string, { english: string; indonesia: string }> = {
  success: { english: 'Success', indonesia: 'Sukses' },
  billNotFound: { english: 'Bill not found', indonesia: 'Tagihan tidak ditemukan' },
  billPaid: { english: 'Bill has been paid', indonesia: 'Tagihan sudah dibayar' },
  billExpired: { english: 'Bill has expired', indonesia: 'Tagihan sudah kedaluwarsa' },
  invalidAmount: { english: 'Amount differs from the bill', indonesia: 'Jumlah tidak sesuai tagihan' },
  inconsistentRequest: { english: 'Inconsistent request', indonesia: 'Permintaan tidak konsisten' },
};

/**
 * Izol as a SNAP biller (issue 12): the B2B access token, the VA inquiry and payment, the QRIS payment
 * notification. The route's security hook calls `authenticateTokenRequest` or `authenticateTransaction`
 * before the body is validated; each refusal there (and `refuse`, for what the route itself refuses:
 * malformed JSON, a bad field) changes nothing but one bounded audit row `payment.notification_refused`
 * with the reason, never a secret nor the body. Only after a request proved itself does the business
 * step run, as the `payments` system actor, ending in `payments.receive` (the once-only path).
 */
export function createSnapService(deps: SnapDeps) {
  const { db, clock, payments, dataKey } = deps;
  const refusalWindow = { minute: '', rows: new Map<string, number>(), suppressed: new Map<string, number>() };

  /**
   * The office's SNAP credentials, or why there are none (the refusal's audit reason): no payment settings
   * or not all of them, a secret that does not decrypt or a key that does not parse, and in production the
   * demo adapter or the demo bank's public key: anyone can sign with the demo private key (demo-keys.ts),
   * so a production office must never trust it, whatever its row says (a development database carried
   * over, a row written by hand).
   */
  async function credentials(tenantId: string): Promise<{ ok: true; creds: Credentials } | { ok: false; reason: string }> {
    const s = await findPaymentSettings(db, tenantId);
    if (!s) return { ok: false, reason: 'no_snap_credentials' };
    if (deps.production && s.adapter === 'demo') return { ok: false, reason: 'demo_adapter_in_production' };
    if (deps.production && isDemoBankPublicKey(s.snap_bank_public_key)) return { ok: false, reason: 'demo_key_in_production' };
    try {
      const c = snapCredentialsOf(s, dataKey);
      if (!c) return { ok: false, reason: 'no_snap_credentials' };
      return {
        ok: true,
        creds: {
          partnerServiceId: s.partner_service_id,
          clientId: c.clientId,
          clientSecret: c.clientSecret,
          bankPublicKey: createPublicKey(c.bankPublicKey),
          encoding: c.encoding,
        },
      };
    } catch {
      // A secret that does not decrypt or a key that does not parse: as good as none (the admin's settings page says so).
      return { ok: false, reason: 'snap_credentials_unreadable' };
    }
  }

  /**
   * Writes the refusal's audit row (bounded per office and minute) and gives the answer. The row keeps
   * the service, the reason, the code, the caller's address and the partner and external ids as sent,
   * cut short: never a signature, a token or the body.
   */
  async function refuse(input: {
    tenantId: string;
    service: SnapService;
    kase: SnapCase;
    detail?: string;
    reason: string;
    address: string;
    headers: SnapHeaders;
  }): Promise<SnapReply> {
    const answer = reply(input.service, input.kase, input.detail);
    const now = isoNow(clock);
    const minute = now.slice(0, 16);
    if (refusalWindow.minute !== minute) {
      refusalWindow.minute = minute;
      refusalWindow.rows.clear();
    }
    const rows = refusalWindow.rows.get(input.tenantId) ?? 0;
    if (rows >= SNAP_REFUSAL_ROWS_PER_MINUTE) {
      refusalWindow.suppressed.set(input.tenantId, (refusalWindow.suppressed.get(input.tenantId) ?? 0) + 1);
      return answer;
    }
    refusalWindow.rows.set(input.tenantId, rows + 1);
    const suppressedBefore = refusalWindow.suppressed.get(input.tenantId) ?? 0;
    refusalWindow.suppressed.delete(input.tenantId);
    await db.transaction().execute((trx) =>
      appendAudit(trx, {
        tenantId: input.tenantId,
        actorId: null,
        action: 'payment.notification_refused',
        subjectType: 'snap_request',
        subjectId: null,
        data: {
          service: input.service,
          reason: input.reason,
          responseCode: answer.body.responseCode,
          address: bounded(input.address, 64),
          clientKey: bounded(header(input.headers, 'x-client-key')),
          partnerId: bounded(header(input.headers, 'x-partner-id')),
          externalId: bounded(header(input.headers, 'x-external-id')),
          ...(suppressedBefore ? { suppressedBefore } : {}),
        },
        occurredAt: now,
      }),
    );
    return answer;
  }

  /**
   * The access-token request's checks (service 73), in SNAP's order: the office knows the client
   * (X-CLIENT-KEY), X-TIMESTAMP within ±5 minutes, X-SIGNATURE = SHA256withRSA over `clientId|timestamp`
   * verified with the bank's public key. The client on success; otherwise the refusal (audited).
   */
  async function authenticateTokenRequest(input: {
    office: SnapOffice;
    headers: SnapHeaders;
    address: string;
  }): Promise<{ ok: true; clientId: string } | { ok: false; reply: SnapReply }> {
    const { office, headers } = input;
    const no = async (kase: SnapCase, reason: string, detail?: string) => ({
      ok: false as const,
      reply: await refuse({ tenantId: office.id, service: 'accessTokenB2b', kase, reason, address: input.address, headers, ...(detail ? { detail } : {}) }),
    });
    const found = await credentials(office.id);
    if (!found.ok) return no('unknownClient', found.reason);
    const creds = found.creds;
    const clientKey = header(headers, 'x-client-key');
    if (clientKey !== creds.clientId) return no('unknownClient', clientKey === undefined ? 'client_key_missing' : 'client_key_unknown');
    const timestamp = header(headers, 'x-timestamp');
    const ts = checkSnapTimestamp(timestamp, clock);
    if (!ts.ok) return no('invalidTimestamp', ts.reason === 'format' ? 'timestamp_format' : 'timestamp_outside_window');
    if (!verifyAccessTokenSignature(creds.bankPublicKey, creds.clientId, timestamp!, header(headers, 'x-signature'), creds.encoding)) {
      return no('invalidSignature', 'bad_signature');
    }
    return { ok: true, clientId: creds.clientId };
  }

  /** Gives a bank that passed `authenticateTokenRequest` a B2B access token valid 900 s; only its SHA-256 is kept. */
  async function issueAccessToken(input: { office: SnapOffice; clientId: string }): Promise<SnapReply> {
    requireAccess({ actor: systemActor(input.office.id, 'payments'), permission: 'system.recordPayment', resource: { tenantId: input.office.id } });
    const token = newToken();
    const now = clock.now();
    const expiresAt = new Date(now.getTime() + SNAP_TOKEN_SECONDS * 1000).toISOString();
    await deleteExpiredSnapAccessTokens(db, input.office.id, new Date(now.getTime() - 86_400_000).toISOString());
    // Housekeeping, once per token (every 15 minutes a bank): yesterday's external ids stay, older ones go.
    await deleteOldSnapExternalIds(db, input.office.id, addDays(localDate(now.toISOString(), input.office.time_zone), -1));
    await insertSnapAccessToken(db, {
      tokenHash: sha256Hex(token),
      tenantId: input.office.id,
      clientId: input.clientId,
      issuedAt: now.toISOString(),
      expiresAt,
    });
    const ok = reply('accessTokenB2b', 'success');
    return { httpStatus: 200, body: { ...ok.body, accessToken: token, tokenType: 'Bearer', expiresIn: String(SNAP_TOKEN_SECONDS) } };
  }

  /**
   * A transaction request's checks (services 24, 25, 52): the office has SNAP credentials; X-TIMESTAMP
   * within ±5 minutes; a live bearer token of this office given to this client; X-PARTNER-ID the client
   * id; X-SIGNATURE the HMAC-SHA512 over `METHOD:path:token:sha256hex(minified raw body):timestamp`;
   * CHANNEL-ID present; X-EXTERNAL-ID numeric (≤ 36) and, only once all of that passed, recorded once
   * per partner and day, the office-local date of X-TIMESTAMP (a replay is 409 Conflict). The caller on success, or the refusal (audited).
   */
  async function authenticateTransaction(input: {
    office: SnapOffice;
    service: SnapTransactionService;
    method: string;
    path: string;
    headers: SnapHeaders;
    rawBody: string;
    address: string;
  }): Promise<{ ok: true; caller: SnapCaller } | { ok: false; reply: SnapReply }> {
    const { office, headers, service } = input;
    const no = async (kase: SnapCase, reason: string, detail?: string) => ({
      ok: false as const,
      reply: await refuse({ tenantId: office.id, service, kase, reason, address: input.address, headers, ...(detail ? { detail } : {}) }),
    });
    const found = await credentials(office.id);
    if (!found.ok) return no('unknownClient', found.reason);
    const creds = found.creds;
    const timestamp = header(headers, 'x-timestamp');
    const ts = checkSnapTimestamp(timestamp, clock);
    if (!ts.ok) return no('invalidTimestamp', ts.reason === 'format' ? 'timestamp_format' : 'timestamp_outside_window');
    const bearer = /^Bearer ([A-Za-z0-9._~+/=-]{1,512})$/.exec(header(headers, 'authorization') ?? '')?.[1];
    if (!bearer) return no('invalidToken', 'token_missing');
    const token = await findLiveSnapAccessToken(db, office.id, sha256Hex(bearer), isoNow(clock));
    if (!token || token.client_id !== creds.clientId) return no('invalidToken', 'token_invalid');
    if (header(headers, 'x-partner-id') !== creds.clientId) return no('unknownClient', 'partner_id_unknown');
    let signed: boolean;
    try {
      signed = verifySymmetric(
        creds.clientSecret,
        { method: input.method, path: input.path, accessToken: bearer, body: input.rawBody, timestamp: timestamp! },
        header(headers, 'x-signature'),
        creds.encoding,
      );
    } catch (err) {
      if (err instanceof SnapBodyError) return no('badRequest', 'body_not_json');
      throw err;
    }
    if (!signed) return no('invalidSignature', 'bad_signature');
    const channelId = header(headers, 'channel-id');
    if (!channelId || !/^[0-9A-Za-z]{1,20}$/.test(channelId)) return no('invalidMandatoryField', 'channel_id', 'CHANNEL-ID');
    const externalId = header(headers, 'x-external-id');
    if (externalId === undefined) return no('invalidMandatoryField', 'external_id_missing', 'X-EXTERNAL-ID');
    if (!/^\d{1,36}$/.test(externalId)) return no('invalidFieldFormat', 'external_id_format', 'X-EXTERNAL-ID');
    const now = isoNow(clock);
    const first = await claimSnapExternalId(db, {
      tenantId: office.id,
      partnerId: creds.clientId,
      // The day is the office-local date of the signed X-TIMESTAMP, not of the arrival: a request stamped
      // 23:58 and replayed at 00:02 (still inside the ±5 minute window) is the same request, on the same day.
      day: localDate(ts.instant.toISOString(), office.time_zone),
      externalId,
      service,
      receivedAt: now,
    });
    if (!first) return no('conflict', 'external_id_reused');
    return { ok: true, caller: { clientId: creds.clientId, channelId, externalId } };
  }

  function applicantName(bill: Bill): string {
    try {
      return (JSON.parse(bill.document) as BillDocument).applicantName.slice(0, 255);
    } catch {
      return '';
    }
  }

  /** The office's biller code, padded; null when the office has no payment settings any more. */
  async function billerCode(tenantId: string): Promise<string | null> {
    const s = await findPaymentSettings(db, tenantId);
    return s ? padPartnerServiceId(s.partner_service_id) : null;
  }

  /** VA inquiry (service 24): the bill a customer number names, when it can be paid now; read only. */
  async function inquiry(input: { office: SnapOffice; body: VaInquiryBody }): Promise<SnapReply> {
    const { office, body } = input;
    requireAccess({ actor: systemActor(office.id, 'payments'), permission: 'system.recordPayment', resource: { tenantId: office.id } });
    const echo = {
      partnerServiceId: body.partnerServiceId,
      customerNo: body.customerNo,
      virtualAccountNo: body.virtualAccountNo,
      inquiryRequestId: body.inquiryRequestId,
    };
    const refused = (kase: SnapCase, detail?: string) =>
      reply('vaInquiry', kase, detail, { virtualAccountData: { ...echo, inquiryStatus: '01', inquiryReason: REASON_TEXT[kase] ?? REASON_TEXT.billNotFound } });
    if (!virtualAccountFieldsAgree(body)) return reply('vaInquiry', 'invalidFieldFormat', 'virtualAccountNo');
    const code = await billerCode(office.id);
    if (code === null || padPartnerServiceId(body.partnerServiceId) !== code) return refused('billNotFound');
    const found = await payments.inquire({ tenantId: office.id, customerNo: body.customerNo });
    if (!found.payable) return refused(found.reason === 'bill_paid' ? 'billPaid' : found.reason === 'bill_expired' ? 'billExpired' : 'billNotFound');
    const bill = found.bill;
    const ok = reply('vaInquiry', 'success');
    return {
      httpStatus: 200,
      body: {
        ...ok.body,
        virtualAccountData: {
          inquiryStatus: '00',
          inquiryReason: REASON_TEXT.success,
          partnerServiceId: code,
          customerNo: bill.customer_no,
          virtualAccountNo: composeVirtualAccountNo(code, bill.customer_no),
          virtualAccountName: applicantName(bill),
          inquiryRequestId: body.inquiryRequestId,
          totalAmount: formatSnapAmount(Number(bill.amount)),
          virtualAccountTrxType: 'C',
          additionalInfo: { billNumber: bill.number, expiresAt: formatSnapTimestamp(new Date(bill.expires_at)) },
        },
      },
    };
  }

  /** The answer to a payment's outcome: success for a recorded one and its retries, the hold's case otherwise. */
  function outcomeCase(outcome: PaymentOutcome, amount: number, sameBill: (p: Payment) => boolean): SnapCase {
    if (outcome.outcome === 'recorded') return 'success';
    if (outcome.outcome === 'held') return holdCase(outcome.reason);
    const earlier = outcome.payment;
    // A retry must say the same as the first delivery; the same id with other content is SNAP's "inconsistent request".
    if (Number(earlier.amount) !== amount || !sameBill(earlier)) return 'inconsistentRequest';
    // Recorded is paid, also once held and then accepted by the treasurer (hold_reason kept as history): a
    // retry must hear success, or the bank would reverse a payment Izol counts.
    if (earlier.state === 'recorded') return 'success';
    return earlier.hold_reason ? holdCase(earlier.hold_reason) : 'success';
  }

  /**
   * `payments.receive`, and when it fails unexpectedly, one re-read: a delivery that lost a race to
   * another delivery of the same payment in a way receive does not recognise (the file moved on under it)
   * answers as a retry of the payment that won; anything else stays a failure (500, the bank retries).
   */
  async function receiveOnce(n: PaymentNotification): Promise<PaymentOutcome> {
    try {
      return await payments.receive(n);
    } catch (err) {
      const won = await findPaymentByProviderId(db, n.tenantId, n.provider, n.providerPaymentId);
      if (won) return { outcome: 'duplicate', payment: won };
      throw err;
    }
  }

  function detailsOf(p: Payment): Record<string, unknown> {
    try {
      return JSON.parse(p.details) as Record<string, unknown>;
    } catch {
      return {};
    }
  }

  /**
   * VA payment (service 25): the bank says the payer paid. Recorded once per paymentRequestId by
   * `payments.receive`; the first delivery and every retry of a recorded payment answer 2002500. A
   * payment that cannot pay its bill (another amount, a paid, voided or expired bill) is held for the
   * treasurer and answered with SNAP's case for it.
   */
  async function payment(input: { office: SnapOffice; caller: SnapCaller; body: VaPaymentBody }): Promise<SnapReply> {
    const { office, caller, body } = input;
    requireAccess({ actor: systemActor(office.id, 'payments'), permission: 'system.recordPayment', resource: { tenantId: office.id } });
    if (!virtualAccountFieldsAgree(body)) return reply('vaPayment', 'invalidFieldFormat', 'virtualAccountNo');
    let amount: number;
    try {
      amount = parseSnapAmount(body.paidAmount);
    } catch (err) {
      if (err instanceof VirtualAccountError) return reply('vaPayment', 'invalidFieldFormat', 'paidAmount');
      throw err;
    }
    let paidAt = isoNow(clock);
    if (body.trxDateTime !== undefined) {
      const at = parseSnapTimestamp(body.trxDateTime);
      if (!at) return reply('vaPayment', 'invalidFieldFormat', 'trxDateTime');
      paidAt = at.toISOString();
    }
    const code = await billerCode(office.id);
    const echo = {
      partnerServiceId: body.partnerServiceId,
      customerNo: body.customerNo,
      virtualAccountNo: body.virtualAccountNo,
      paymentRequestId: body.paymentRequestId,
      paidAmount: body.paidAmount,
    };
    if (code === null || padPartnerServiceId(body.partnerServiceId) !== code) {
      return reply('vaPayment', 'billNotFound', undefined, {
        virtualAccountData: { ...echo, paymentFlagStatus: '01', paymentFlagReason: REASON_TEXT.billNotFound },
      });
    }
    const outcome = await receiveOnce({
      tenantId: office.id,
      provider: 'snap_va',
      providerPaymentId: body.paymentRequestId,
      bill: { customerNo: body.customerNo },
      amount,
      paidAt,
      bankReference: body.referenceNo ?? null,
      payerName: body.virtualAccountName ?? null,
      details: {
        customerNo: body.customerNo,
        virtualAccountNo: body.virtualAccountNo,
        channelId: caller.channelId,
        channelCode: body.channelCode ?? null,
        externalId: caller.externalId,
        trxDateTime: body.trxDateTime ?? null,
        flagAdvise: body.flagAdvise ?? null,
        sourceBankCode: body.sourceBankCode ?? null,
      },
    });
    const kase = outcomeCase(outcome, amount, (p) => detailsOf(p).customerNo === body.customerNo);
    if (kase !== 'success') {
      return reply('vaPayment', kase, undefined, {
        virtualAccountData: { ...echo, paymentFlagStatus: '01', paymentFlagReason: REASON_TEXT[kase] ?? REASON_TEXT.billNotFound },
      });
    }
    const bill = outcome.outcome === 'recorded' ? outcome.bill : null;
    const ok = reply('vaPayment', 'success');
    return {
      httpStatus: 200,
      body: {
        ...ok.body,
        virtualAccountData: {
          paymentFlagStatus: '00',
          paymentFlagReason: REASON_TEXT.success,
          partnerServiceId: code,
          customerNo: body.customerNo,
          virtualAccountNo: body.virtualAccountNo,
          virtualAccountName: bill ? applicantName(bill) : (body.virtualAccountName ?? ''),
          paymentRequestId: body.paymentRequestId,
          paidAmount: formatSnapAmount(amount),
          totalAmount: formatSnapAmount(amount),
          trxDateTime: formatSnapTimestamp(new Date(outcome.payment.paid_at)),
          referenceNo: outcome.payment.bank_reference ?? body.paymentRequestId,
        },
      },
    };
  }

  /**
   * QRIS payment notification (service 52): the acquirer says a bill's dynamic QRIS was paid. Status 00
   * goes to `payments.receive` by the bill number (tag 62), once per originalReferenceNo; any other
   * status is acknowledged and changes nothing. Answers as the VA payment does.
   */
  async function qrisNotify(input: { office: SnapOffice; caller: SnapCaller; body: QrisNotifyBody }): Promise<SnapReply> {
    const { office, caller, body } = input;
    requireAccess({ actor: systemActor(office.id, 'payments'), permission: 'system.recordPayment', resource: { tenantId: office.id } });
    const echo = { originalReferenceNo: body.originalReferenceNo, latestTransactionStatus: body.latestTransactionStatus };
    let amount: number;
    try {
      amount = parseSnapAmount(body.amount);
    } catch (err) {
      if (err instanceof VirtualAccountError) return reply('qrisNotify', 'invalidFieldFormat', 'amount');
      throw err;
    }
    let paidAt = isoNow(clock);
    if (body.additionalInfo.paidTime !== undefined) {
      const at = parseSnapTimestamp(body.additionalInfo.paidTime);
      if (!at) return reply('qrisNotify', 'invalidFieldFormat', 'additionalInfo.paidTime');
      paidAt = at.toISOString();
    }
    if (body.latestTransactionStatus !== '00') return reply('qrisNotify', 'success', undefined, echo);
    const billNumber = body.additionalInfo.billNumber;
    const outcome = await receiveOnce({
      tenantId: office.id,
      provider: 'qris',
      providerPaymentId: body.originalReferenceNo,
      bill: { billNumber },
      amount,
      paidAt,
      bankReference: body.originalPartnerReferenceNo ?? body.originalReferenceNo,
      payerName: body.additionalInfo.payerName ?? null,
      details: {
        billNumber,
        channelId: caller.channelId,
        externalId: caller.externalId,
        issuerName: body.additionalInfo.issuerName ?? null,
        paidTime: body.additionalInfo.paidTime ?? null,
      },
    });
    const kase = outcomeCase(outcome, amount, (p) => detailsOf(p).billNumber === billNumber);
    return reply('qrisNotify', kase, undefined, echo);
  }

  return { authenticateTokenRequest, issueAccessToken, authenticateTransaction, refuse, inquiry, payment, qrisNotify };
}
export type SnapServiceApi = ReturnType<typeof createSnapService>;
