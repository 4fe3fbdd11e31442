import { randomInt } from 'node:crypto';
import type { Db } from '../../db/database.js';
import type { Tenant } from '../../db/schema.js';
import { AppError } from '../../shared/errors.js';
import type { Clock } from '../../shared/time.js';
import { type OfficeAddress, officeBaseUrl } from '../../tenants/office-url.js';
import { snapCredentialsOf } from '../payment-settings.service.js';
import { findBillByCustomerNo, findBillByNumber, findPaymentSettings } from '../payments.repository.js';
import { qrisMerchantSchema } from '../bills.js';
import { type ParsedQris, parseQris, QrisError } from '../qris.js';
import { createSnapClient, type SnapClient, type SnapResult } from '../snap-client.js';
import { formatSnapTimestamp } from '../snap-signature.js';
import { padPartnerServiceId, parseSnapAmount } from '../virtual-account.js';
import { DEMO_BANK_PRIVATE_KEY_PEM } from './demo-keys.js';

/**
 * How the demo bank delivers a payment notification, as real banks and acquirers do (docs/payments.md):
 * - `once`: one delivery;
 * - `twice`: the delivery, then the same notification again as a retry (VA: flagAdvise 'Y');
 * - `duplicateFirst`: out of order: the retry copy arrives before the original;
 * - `concurrent`: the original and its retry at the same moment;
 * - `late`: the page answers the payer first, the notification follows a moment later (the payer's
 *   browser is back on the application before the office has heard from the bank).
 * Every delivery is also retried on a network error or a 5xx, with back-off.
 */
export const DELIVERY_BEHAVIOURS = ['once', 'twice', 'duplicateFirst', 'concurrent', 'late'] as const;
export type DeliveryBehaviour = (typeof DELIVERY_BEHAVIOURS)[number];

/** What an unspecified (`random`) delivery becomes: mostly once, sometimes twice or out of order. */
const RANDOM_WEIGHTS: readonly [DeliveryBehaviour, number][] = [
  ['once', 0.5],
  ['twice', 0.2],
  ['duplicateFirst', 0.1],
  ['concurrent', 0.1],
  ['late', 0.1],
];

/** The SNAP CHANNEL-ID the demo bank sends (its "internet banking" channel). */
const DEMO_CHANNEL_ID = '95221';

/** One HTTP attempt at delivering a notification, as the page reports it. */
export type DeliveryAttempt = {
  delivery: number;
  attempt: number;
  flagAdvise: 'Y' | 'N' | null;
  status: number | null;
  responseCode: string | null;
  error: string | null;
};

/** A bill as the bank's VA inquiry answered it (what an ATM shows before "Bayar"). */
export type VaInquiry = {
  customerNo: string;
  virtualAccountNo: string;
  name: string;
  amount: number;
  billNumber: string | null;
  inquiryRequestId: string;
};

/** What the office answered when it would not go on, or that it could not be reached. */
export type BankRefusal = { kind: 'refused'; responseCode: string; responseMessage: string } | { kind: 'unreachable'; url: string; attempts: number };

export type PaymentResult =
  | {
      ok: true;
      bankReference: string;
      amount: number;
      billNumber: string | null;
      /** Where the payer goes back to: the application the bill belongs to. */
      applicationId: string | null;
      behaviour: DeliveryBehaviour;
      /** Every HTTP attempt made before the page answered (a `late` delivery's come after). */
      attempts: DeliveryAttempt[];
      /** How many notifications the bank sends for this payment (originals and duplicates, not retries). */
      deliveries: number;
      /** True when the notification is still on its way (`late`): the office has not heard yet. */
      pending: boolean;
    }
  | { ok: false; refusal: BankRefusal; attempts: DeliveryAttempt[] };

export type QrisReading = { billNumber: string; amount: number; merchantName: string; merchantCity: string };

export type DemoBankDeps = {
  db: Db;
  clock: Clock;
  dataKey: Buffer;
  address: OfficeAddress;
  production: boolean;
  /** The HTTP client (globalThis.fetch): the demo bank calls the office over the network, as a bank does. */
  fetch?: typeof fetch;
  /** Picks a `random` behaviour; Math.random by default (tests name the behaviour instead). */
  random?: () => number;
  /** Waits between retries and before a `late` delivery. */
  sleep?: (ms: number) => Promise<void>;
  /** The waits before each retry of a failed attempt (a network error or a 5xx); its length is the number of retries. */
  retryDelaysMs?: readonly number[];
  /** How long a `late` notification waits after the page has answered. */
  lateDelayMs?: number;
};

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A bank-style reference: "DEMO" + the date + 8 random digits (the VA paymentRequestId and referenceNo, the QRIS reference). */
function bankReference(now: Date): string {
  return `DEMO${now.toISOString().slice(0, 10).replace(/-/g, '')}${String(randomInt(0, 100_000_000)).padStart(8, '0')}`;
}

const REFERENCE = /^DEMO\d{16}$/;

/**
 * The built-in demo bank (issue 12): stands in for an outside bank in development and tests. It is no
 * part of Izol's trust: it talks to the office only over HTTP, to the office's own address, through the
 * same SNAP client a real bank's calls look like (src/payments/snap-client.ts), signed with the public
 * demo key pair and the office's client secret. It answers only for an office whose adapter is `demo`,
 * and never when NODE_ENV=production (otherwise: not found). Being a bank, it has no Izol actor: who may
 * use it is whoever may reach a demo office; what it can do is what any bank holding those keys can.
 */
export function createDemoBankService(deps: DemoBankDeps) {
  const { db, clock } = deps;
  const sleep = deps.sleep ?? defaultSleep;
  const random = deps.random ?? Math.random;
  const retryDelays = deps.retryDelaysMs ?? [300, 1000, 3000];
  const lateDelay = deps.lateDelayMs ?? 1500;
  const background = new Set<Promise<void>>();

  /** The bank's side of the office: its SNAP client and biller code, or not found when the demo bank is off here. */
  async function bankFor(tenant: Tenant): Promise<{ client: SnapClient; partnerServiceId: string; url: string; qrisMerchantId: string | null }> {
    const settings = await findPaymentSettings(db, tenant.id);
    if (deps.production || !settings || settings.adapter !== 'demo') throw new AppError('not_found', 'the demo bank is off for this office');
    const creds = snapCredentialsOf(settings, deps.dataKey);
    if (!creds) throw new AppError('not_found', 'the demo bank has no SNAP credentials for this office');
    const url = officeBaseUrl(deps.address, tenant);
    const client = createSnapClient({
      baseUrl: url,
      clientId: creds.clientId,
      clientSecret: creds.clientSecret,
      privateKey: DEMO_BANK_PRIVATE_KEY_PEM,
      partnerId: creds.clientId,
      channelId: DEMO_CHANNEL_ID,
      encoding: creds.encoding,
      clock: () => clock.now(),
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    const qrisMerchantId = settings.qris_merchant ? qrisMerchantSchema.parse(JSON.parse(settings.qris_merchant)).merchantId : null;
    return { client, partnerServiceId: settings.partner_service_id, url, qrisMerchantId };
  }

  /**
   * True when the QRIS names this office's merchant (the merchant id in a merchant account template). An
   * acquirer routes a QRIS payment to the merchant the code names: another office's code (or any code,
   * for an office with no QRIS merchant) is never this office's payment, so the bank does not notify it.
   */
  function isOfficeMerchant(parsed: ParsedQris, merchantId: string | null): boolean {
    return merchantId !== null && parsed.merchantAccounts.some((a) => a.fields.get('02') === merchantId);
  }

  /** One call with the bank's retries: again after a network error or a 5xx, with back-off; each attempt recorded. */
  async function withRetries(
    call: (attempt: number) => Promise<SnapResult>,
    record: (a: Omit<DeliveryAttempt, 'delivery' | 'flagAdvise'> & { attempt: number }) => void,
  ): Promise<SnapResult | null> {
    for (let attempt = 1; ; attempt++) {
      let result: SnapResult | null = null;
      try {
        result = await call(attempt);
        record({ attempt, status: result.status, responseCode: result.body.responseCode || null, error: null });
      } catch (err) {
        record({ attempt, status: null, responseCode: null, error: (err as Error).message.slice(0, 200) });
      }
      if (result && result.status < 500) return result;
      if (attempt > retryDelays.length) return result;
      await sleep(retryDelays[attempt - 1]!);
    }
  }

  function choose(behaviour: DeliveryBehaviour | 'random'): DeliveryBehaviour {
    if (behaviour !== 'random') return behaviour;
    let r = random();
    for (const [b, w] of RANDOM_WEIGHTS) {
      if (r < w) return b;
      r -= w;
    }
    return 'once';
  }

  /** The copies of a notification a behaviour sends, in order; `together` sends them at once. */
  function copies(b: DeliveryBehaviour): { advice: ('N' | 'Y')[]; together: boolean } {
    switch (b) {
      case 'twice':
        return { advice: ['N', 'Y'], together: false };
      case 'duplicateFirst':
        return { advice: ['Y', 'N'], together: false };
      case 'concurrent':
        return { advice: ['N', 'Y'], together: true };
      default:
        return { advice: ['N'], together: false };
    }
  }

  /** Sends a notification's copies as the behaviour says; the answers of each copy's last attempt, in sending order. */
  async function deliver(
    b: DeliveryBehaviour,
    send: (advice: 'N' | 'Y', attempt: number) => Promise<SnapResult>,
    attempts: DeliveryAttempt[],
  ): Promise<(SnapResult | null)[]> {
    const plan = copies(b);
    const one = (advice: 'N' | 'Y', delivery: number) =>
      withRetries(
        // A retry after a failure is an advice too: the bank does not know whether the first one arrived.
        (attempt) => send(attempt > 1 ? 'Y' : advice, attempt),
        (a) => attempts.push({ delivery, flagAdvise: a.attempt > 1 ? 'Y' : advice, ...a }),
      );
    if (plan.together) return Promise.all(plan.advice.map((a, i) => one(a, i + 1)));
    const out: (SnapResult | null)[] = [];
    for (const [i, a] of plan.advice.entries()) out.push(await one(a, i + 1));
    return out;
  }

  /** Runs a `late` delivery after the page has answered; `idle()` waits for it. Failures are only kept in the attempts. */
  function later(task: () => Promise<unknown>): void {
    const p = sleep(lateDelay)
      .then(task)
      .then(
        () => undefined,
        () => undefined,
      );
    background.add(p);
    void p.finally(() => background.delete(p));
  }

  /** The final answer of a payment's deliveries: success when any copy was accepted, else the original's refusal. */
  function outcome(results: (SnapResult | null)[], successCode: string, url: string, attempts: DeliveryAttempt[]): BankRefusal | null {
    if (results.some((r) => r?.body.responseCode === successCode)) return null;
    const answered = results.find((r) => r && r.status < 500);
    if (answered) return { kind: 'refused', responseCode: answered.body.responseCode, responseMessage: answered.body.responseMessage };
    return { kind: 'unreachable', url, attempts: attempts.length };
  }

  /** A customer number from what the payer typed: the VA number (biller code + customer number) or the customer number alone. */
  function customerNoOf(typed: string, partnerServiceId: string): string | null {
    const digits = typed.replace(/[\s-]/g, '');
    if (!/^\d{1,28}$/.test(digits)) return null;
    const biller = padPartnerServiceId(partnerServiceId).trim();
    // A full VA number starts with the office's biller code (as the bill prints it, without the padding).
    if (digits.length > 10 && digits.startsWith(biller) && digits.length - biller.length <= 20) return digits.slice(biller.length);
    return digits.length <= 20 ? digits : null;
  }

  /** Opening the demo bank: not found unless it answers for this office. */
  async function open(input: { tenant: Tenant }): Promise<{ partnerServiceId: string }> {
    const { partnerServiceId } = await bankFor(input.tenant);
    return { partnerServiceId: padPartnerServiceId(partnerServiceId).trim() };
  }

  /**
   * The ATM's first step: the VA inquiry (SNAP service 24) over HTTP for what the payer typed. The bill's
   * name and amount as the office answered, or why the office would not (a paid, expired or unknown bill).
   */
  async function inquire(input: {
    tenant: Tenant;
    typed: string;
  }): Promise<{ ok: true; inquiry: VaInquiry } | { ok: false; invalid: 'va'; partnerServiceId: string } | { ok: false; refusal: BankRefusal }> {
    const bank = await bankFor(input.tenant);
    const biller = padPartnerServiceId(bank.partnerServiceId).trim();
    const customerNo = customerNoOf(input.typed, bank.partnerServiceId);
    if (!customerNo) return { ok: false, invalid: 'va', partnerServiceId: biller };
    const inquiryRequestId = bankReference(clock.now());
    const attempts: DeliveryAttempt[] = [];
    const r = await withRetries(
      () => bank.client.inquiry({ partnerServiceId: bank.partnerServiceId, customerNo, inquiryRequestId }),
      (a) => attempts.push({ delivery: 1, flagAdvise: null, ...a }),
    );
    if (!r || r.status >= 500) return { ok: false, refusal: { kind: 'unreachable', url: bank.url, attempts: attempts.length } };
    const data = r.body.virtualAccountData as
      | { virtualAccountNo?: string; virtualAccountName?: string; totalAmount?: { value: string; currency: string }; additionalInfo?: { billNumber?: string } }
      | undefined;
    if (r.body.responseCode !== '2002400' || !data?.totalAmount) {
      return { ok: false, refusal: { kind: 'refused', responseCode: r.body.responseCode, responseMessage: r.body.responseMessage } };
    }
    return {
      ok: true,
      inquiry: {
        customerNo,
        virtualAccountNo: (data.virtualAccountNo ?? '').replace(/ /g, ''),
        name: data.virtualAccountName ?? '',
        amount: parseSnapAmount(data.totalAmount),
        billNumber: data.additionalInfo?.billNumber ?? null,
        inquiryRequestId,
      },
    };
  }

  async function applicationOf(tenantId: string, bill: { customerNo: string } | { billNumber: string }): Promise<string | null> {
    const found = 'customerNo' in bill ? await findBillByCustomerNo(db, tenantId, bill.customerNo) : await findBillByNumber(db, tenantId, bill.billNumber);
    return found?.application_id ?? null;
  }

  /**
   * "Bayar" at the ATM: the inquiry again (a bank pays what the office says the bill is: closed amount),
   * then the VA payment (SNAP service 25) with paymentRequestId = the inquiry's id, delivered as the
   * behaviour says. The same `reference` twice (the page posted again) is the same payment: the office
   * records it once.
   */
  async function payVa(input: { tenant: Tenant; customerNo: string; reference: string; behaviour: DeliveryBehaviour | 'random' }): Promise<PaymentResult> {
    const bank = await bankFor(input.tenant);
    if (!/^\d{1,20}$/.test(input.customerNo) || !REFERENCE.test(input.reference)) throw new AppError('invalid_input', 'customer number or reference malformed');
    const attempts: DeliveryAttempt[] = [];
    const inq = await withRetries(
      () => bank.client.inquiry({ partnerServiceId: bank.partnerServiceId, customerNo: input.customerNo, inquiryRequestId: input.reference }),
      (a) => attempts.push({ delivery: 0, flagAdvise: null, ...a }),
    );
    if (!inq || inq.status >= 500) return { ok: false, refusal: { kind: 'unreachable', url: bank.url, attempts: attempts.length }, attempts };
    const data = inq.body.virtualAccountData as
      { totalAmount?: { value: string; currency: string }; virtualAccountName?: string; additionalInfo?: { billNumber?: string } } | undefined;
    if (inq.body.responseCode !== '2002400' || !data?.totalAmount) {
      return { ok: false, refusal: { kind: 'refused', responseCode: inq.body.responseCode, responseMessage: inq.body.responseMessage }, attempts };
    }
    const amount = parseSnapAmount(data.totalAmount);
    const behaviour = choose(input.behaviour);
    const trxDateTime = formatSnapTimestamp(clock.now());
    const send = (flagAdvise: 'N' | 'Y') =>
      bank.client.payment({
        partnerServiceId: bank.partnerServiceId,
        customerNo: input.customerNo,
        paymentRequestId: input.reference,
        referenceNo: input.reference,
        paidAmount: amount,
        trxDateTime,
        flagAdvise,
        ...(data.virtualAccountName ? { virtualAccountName: data.virtualAccountName } : {}),
      });
    const base = {
      bankReference: input.reference,
      amount,
      billNumber: data.additionalInfo?.billNumber ?? null,
      applicationId: await applicationOf(input.tenant.id, { customerNo: input.customerNo }),
      behaviour,
    };
    if (behaviour === 'late') {
      later(() => deliver('once', send, []));
      return { ok: true, ...base, attempts, deliveries: 1, pending: true };
    }
    const results = await deliver(behaviour, send, attempts);
    const refusal = outcome(results, '2002500', bank.url, attempts);
    if (refusal) return { ok: false, refusal, attempts };
    return { ok: true, ...base, attempts, deliveries: copies(behaviour).advice.length, pending: false };
  }

  /** Reading a QRIS the payer pasted (or scanned): its bill number and amount, after its CRC and structure check. */
  async function readQris(input: {
    tenant: Tenant;
    qris: string;
  }): Promise<{ ok: true; reading: QrisReading; reference: string } | { ok: false; reason: string | null; otherMerchant?: true }> {
    const bank = await bankFor(input.tenant);
    let parsed;
    try {
      parsed = parseQris(input.qris.trim());
    } catch (err) {
      if (err instanceof QrisError) return { ok: false, reason: err.message };
      throw err;
    }
    if (!parsed.billNumber || parsed.amount === null) return { ok: false, reason: null };
    if (!isOfficeMerchant(parsed, bank.qrisMerchantId)) return { ok: false, reason: null, otherMerchant: true };
    return {
      ok: true,
      reading: { billNumber: parsed.billNumber, amount: parsed.amount, merchantName: parsed.merchantName, merchantCity: parsed.merchantCity },
      reference: bankReference(clock.now()),
    };
  }

  /**
   * "Bayar dengan QRIS": the acquirer's payment notification (SNAP QRIS MPM notify) for the bill in tag 62
   * and the amount in tag 54, delivered as the behaviour says (a `late` one races the payer's return to
   * the application). The same `reference` twice is the same payment.
   */
  async function payQris(input: { tenant: Tenant; qris: string; reference: string; behaviour: DeliveryBehaviour | 'random' }): Promise<PaymentResult> {
    const bank = await bankFor(input.tenant);
    if (!REFERENCE.test(input.reference)) throw new AppError('invalid_input', 'reference malformed');
    let parsed;
    try {
      parsed = parseQris(input.qris.trim());
    } catch (err) {
      if (err instanceof QrisError) throw new AppError('invalid_input', `QRIS refused: ${err.message}`);
      throw err;
    }
    const billNumber = parsed.billNumber;
    const amount = parsed.amount;
    if (!billNumber || amount === null) throw new AppError('invalid_input', 'this QRIS carries no bill number or amount');
    if (!isOfficeMerchant(parsed, bank.qrisMerchantId)) throw new AppError('invalid_input', "this QRIS is not this office's merchant");
    const behaviour = choose(input.behaviour);
    const paidTime = formatSnapTimestamp(clock.now());
    const send = () => bank.client.qrisNotify({ originalReferenceNo: input.reference, billNumber, amount, paidTime, issuerName: 'Bank Demo Izol' });
    const base = { bankReference: input.reference, amount, billNumber, applicationId: await applicationOf(input.tenant.id, { billNumber }), behaviour };
    const attempts: DeliveryAttempt[] = [];
    if (behaviour === 'late') {
      later(() => deliver('once', send, []));
      return { ok: true, ...base, attempts, deliveries: 1, pending: true };
    }
    const results = await deliver(behaviour, send, attempts);
    const refusal = outcome(results, '2005200', bank.url, attempts);
    if (refusal) return { ok: false, refusal, attempts };
    return { ok: true, ...base, attempts, deliveries: copies(behaviour).advice.length, pending: false };
  }

  /** Resolves once every `late` delivery has been made (tests, and a clean shutdown). */
  async function idle(): Promise<void> {
    while (background.size) await Promise.allSettled([...background]);
  }

  return { open, inquire, payVa, readQris, payQris, idle };
}
export type DemoBankService = ReturnType<typeof createDemoBankService>;
