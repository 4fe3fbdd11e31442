/**
 * The SNAP endpoints a bank calls (src/payments/snap.routes.ts), on SQLite and PostgreSQL, driven over
 * HTTP (app.inject behind a fetch) by snap-client.ts, the same client the demo bank uses: the office's
 * payment settings hold the bank's RSA public key and the encrypted client secret; a PBG file is brought
 * to its bill; the bank takes a token, asks what the payment code is for and pays it; forged, replayed,
 * stale and wrong-amount deliveries change nothing; fifty concurrent deliveries record one payment.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { createSnapClient, SNAP_PATHS, type SnapClient } from '../../src/payments/snap-client.js';
import { SNAP_REFUSAL_ROWS_PER_MINUTE } from '../../src/payments/snap.service.js';
import { formatSnapTimestamp, signAccessTokenRequest } from '../../src/payments/snap-signature.js';
import { encryptField } from '../../src/shared/crypto.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { createTestContext, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { usePaymentSettings, injectFetch } from '../helpers/payments.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

const CLIENT_ID = 'BANKJATIM-IZOL-01';
const CLIENT_SECRET = 'a-long-shared-secret-for-hmac-sha512-0123456789';
const PARTNER_SERVICE_ID = '88899';
const FEE = 1_250_000;

describe.each(DIALECTS)('SNAP endpoints, the office as biller (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  let bankKey: KeyObject;
  let bank: SnapClient;

  const client = (overrides: Partial<Parameters<typeof createSnapClient>[0]> = {}) =>
    createSnapClient({
      baseUrl: 'http://localhost',
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      privateKey: bankKey,
      partnerId: CLIENT_ID,
      channelId: '95221',
      fetch: injectFetch(ctx.app),
      clock: () => ctx.clock.now(),
      ...overrides,
    });

  async function settings(snap: { clientId: string | null; secret: string | null; publicKey: string | null }, tenantId = ctx.tenant.id): Promise<void> {
    await usePaymentSettings(ctx, {
      tenant_id: tenantId,
      adapter: 'snap',
      partner_service_id: PARTNER_SERVICE_ID,
      snap_client_id: snap.clientId,
      snap_client_secret: snap.secret === null ? null : encryptField(ctx.services.config.dataEncryptionKey, snap.secret),
      snap_bank_public_key: snap.publicKey,
    });
  }
  let publicPem: string;

  async function fileWithBill(): Promise<{ id: string; bill: { id: string; customer_no: string; number: string; amount: number } }> {
    const code = 'PBG';
    const id = await readyDraft(ctx, applicant.token, code, { answers: await validAnswers(ctx, code) });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: FEE, feeReason: 'Uji: jumlah tetap untuk tes SNAP' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }

  /** What a payment changes: the bill's payments, its state, the file's state and revision. */
  async function snapshot(file: { id: string; bill: { id: string } }) {
    const payments = await ctx.db
      .selectFrom('payments')
      .select(['provider_payment_id', 'state', 'hold_reason'])
      .where('bill_id', '=', file.bill.id)
      .orderBy('provider_payment_id')
      .execute();
    const bill = await ctx.db.selectFrom('bills').select(['state', 'paid_at']).where('id', '=', file.bill.id).executeTakeFirstOrThrow();
    const app = await ctx.db.selectFrom('applications').select(['state', 'revision']).where('id', '=', file.id).executeTakeFirstOrThrow();
    const events = await ctx.db.selectFrom('application_events').select('id').where('application_id', '=', file.id).execute();
    return { payments, bill, app, events: events.length };
  }

  async function lastRefusal() {
    const row = await ctx.db
      .selectFrom('audit_events')
      .select(['data'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('action', '=', 'payment.notification_refused')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    return { raw: row.data, data: JSON.parse(row.data) as Record<string, unknown> };
  }

  const payFor = (bill: { customer_no: string; amount: number }, paymentRequestId: string, extra: Partial<Parameters<SnapClient['payment']>[0]> = {}) => ({
    partnerServiceId: PARTNER_SERVICE_ID,
    customerNo: bill.customer_no,
    paymentRequestId,
    paidAmount: bill.amount,
    ...extra,
  });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    bankKey = pair.privateKey;
    publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await settings({ clientId: CLIENT_ID, secret: CLIENT_SECRET, publicKey: publicPem });
    bank = client();
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('gives a bank a B2B access token and keeps only its SHA-256', async () => {
    const res = await client().accessToken();
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ responseCode: '2007300', tokenType: 'Bearer', expiresIn: '900' });
    const token = String(res.body.accessToken);
    const rows = await ctx.db.selectFrom('snap_access_tokens').selectAll().where('tenant_id', '=', ctx.tenant.id).execute();
    expect(rows.some((r) => r.token_hash === createHash('sha256').update(token).digest('hex'))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('refuses the access token for a wrong RSA signature, a wrong client key and a stale timestamp', async () => {
    const before = await ctx.db.selectFrom('snap_access_tokens').select('token_hash').execute();
    const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const forged = await client({ privateKey: otherKey }).accessToken();
    expect(forged).toMatchObject({ status: 401, body: { responseCode: '4017300', responseMessage: 'Unauthorized. [Signature]' } });
    expect((await lastRefusal()).data).toMatchObject({ service: 'accessTokenB2b', reason: 'bad_signature' });
    const wrongClient = await client({ clientId: 'SOMEONE-ELSE' }).accessToken();
    expect(wrongClient).toMatchObject({ status: 401, body: { responseCode: '4017300' } });
    expect((await lastRefusal()).data).toMatchObject({ reason: 'client_key_unknown' });
    const stale = formatSnapTimestamp(new Date(ctx.clock.now().getTime() - 6 * 60_000));
    const old = await client().accessToken({ timestamp: stale, signature: signAccessTokenRequest(bankKey, CLIENT_ID, stale) });
    expect(old).toMatchObject({ status: 400, body: { responseCode: '4007301' } });
    expect(await ctx.db.selectFrom('snap_access_tokens').select('token_hash').execute()).toHaveLength(before.length);
  });

  it('answers an inquiry with the bill: amount, applicant, closed amount; an unknown code is 4042412', async () => {
    const file = await fileWithBill();
    const res = await bank.inquiry({ partnerServiceId: PARTNER_SERVICE_ID, customerNo: file.bill.customer_no, inquiryRequestId: 'INQ-1' });
    expect(res.status).toBe(200);
    const app = await ctx.db.selectFrom('applications').select('applicant_name').where('id', '=', file.id).executeTakeFirstOrThrow();
    expect(res.body).toMatchObject({
      responseCode: '2002400',
      virtualAccountData: {
        partnerServiceId: '   88899',
        customerNo: file.bill.customer_no,
        virtualAccountNo: `   88899${file.bill.customer_no}`,
        virtualAccountName: app.applicant_name,
        totalAmount: { value: '1250000.00', currency: 'IDR' },
        virtualAccountTrxType: 'C',
        inquiryRequestId: 'INQ-1',
      },
    });
    const unknown = await bank.inquiry({ partnerServiceId: PARTNER_SERVICE_ID, customerNo: '9999999999', inquiryRequestId: 'INQ-2' });
    expect(unknown).toMatchObject({ status: 404, body: { responseCode: '4042412' } });
  });

  it('records a payment: the bill is paid, the file moves on, a retry gets the same success, a new inquiry says paid', async () => {
    const file = await fileWithBill();
    const res = await bank.payment(payFor(file.bill, 'PAY-1', { referenceNo: 'NTB-0001' }));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ responseCode: '2002500', virtualAccountData: { paymentRequestId: 'PAY-1', paidAmount: { value: '1250000.00' } } });
    const after = await snapshot(file);
    expect(after.bill.state).toBe('paid');
    expect(after.app.state).toBe('approval');
    expect(after.payments).toEqual([{ provider_payment_id: 'PAY-1', state: 'recorded', hold_reason: null }]);
    const retry = await bank.payment(payFor(file.bill, 'PAY-1', { referenceNo: 'NTB-0001', flagAdvise: 'Y' }));
    expect(retry).toMatchObject({ status: 200, body: { responseCode: '2002500' } });
    expect(await snapshot(file)).toEqual(after);
    const paid = await bank.inquiry({ partnerServiceId: PARTNER_SERVICE_ID, customerNo: file.bill.customer_no, inquiryRequestId: 'INQ-3' });
    expect(paid).toMatchObject({ status: 404, body: { responseCode: '4042414' } });
  });

  it('a forged signature changes nothing and is logged without the signature', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const forged = await bank.payment(payFor(file.bill, 'PAY-FORGED'), { headers: { 'X-SIGNATURE': Buffer.alloc(64, 7).toString('base64') } });
    expect(forged).toMatchObject({ status: 401, body: { responseCode: '4012500', responseMessage: 'Unauthorized. [Signature]' } });
    // A body changed after signing is the same forgery.
    const tampered = await bank.payment(payFor(file.bill, 'PAY-FORGED'), {
      signBody: JSON.stringify({ paidAmount: { value: '1.00', currency: 'IDR' } }),
    });
    expect(tampered).toMatchObject({ status: 401, body: { responseCode: '4012500' } });
    expect(await snapshot(file)).toEqual(before);
    const refusal = await lastRefusal();
    expect(refusal.data).toMatchObject({ service: 'vaPayment', reason: 'bad_signature', responseCode: '4012500', partnerId: CLIENT_ID });
    expect(refusal.raw).not.toContain(Buffer.alloc(64, 7).toString('base64'));
    expect(refusal.raw).not.toContain('PAY-FORGED');
  });

  it('a reused X-EXTERNAL-ID changes nothing (409), even when the first use was another service', async () => {
    const file = await fileWithBill();
    const first = await bank.inquiry({
      partnerServiceId: PARTNER_SERVICE_ID,
      customerNo: file.bill.customer_no,
      inquiryRequestId: 'INQ-R',
      externalId: '123456789012345678',
    });
    expect(first.status).toBe(200);
    const before = await snapshot(file);
    const replay = await bank.payment(payFor(file.bill, 'PAY-REPLAY', { externalId: '123456789012345678' }));
    expect(replay).toMatchObject({ status: 409, body: { responseCode: '4092500', responseMessage: 'Conflict' } });
    expect(await snapshot(file)).toEqual(before);
    expect((await lastRefusal()).data).toMatchObject({ reason: 'external_id_reused', externalId: '123456789012345678' });
    // Not numeric, or longer than 36: refused before it is kept.
    const letters = await bank.payment(payFor(file.bill, 'PAY-REPLAY', { externalId: 'ABC-1' }));
    expect(letters).toMatchObject({ status: 400, body: { responseCode: '4002501' } });
    expect(await snapshot(file)).toEqual(before);
  });

  it('an X-EXTERNAL-ID is refused again only within its day: the next day it is a new request', async () => {
    const ask = (externalId: string) =>
      bank.inquiry({ partnerServiceId: PARTNER_SERVICE_ID, customerNo: '9999999997', inquiryRequestId: 'INQ-DAY', externalId });
    expect((await ask('777000111')).status).toBe(404);
    expect((await ask('777000111')).status).toBe(409);
    ctx.clock.advanceMinutes(24 * 60);
    try {
      expect((await ask('777000111')).body.responseCode).toBe('4042412');
    } finally {
      ctx.clock.advanceMinutes(-24 * 60);
    }
  });

  it('a stale timestamp and an expired or unknown token change nothing', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const stale = await bank.payment(payFor(file.bill, 'PAY-STALE'), {
      timestamp: formatSnapTimestamp(new Date(ctx.clock.now().getTime() - 5 * 60_000 - 1000)),
    });
    expect(stale).toMatchObject({ status: 400, body: { responseCode: '4002501', responseMessage: 'Invalid Field Format [X-TIMESTAMP]' } });
    expect((await lastRefusal()).data).toMatchObject({ reason: 'timestamp_outside_window' });
    const unknown = await bank.payment(payFor(file.bill, 'PAY-STALE'), { accessToken: 'not-a-token-izol-gave' });
    expect(unknown).toMatchObject({ status: 401, body: { responseCode: '4012501' } });
    const token = String((await client().accessToken()).body.accessToken);
    ctx.clock.advanceMinutes(16);
    try {
      const expired = await bank.payment(payFor(file.bill, 'PAY-STALE'), { accessToken: token });
      expect(expired).toMatchObject({ status: 401, body: { responseCode: '4012501' } });
    } finally {
      ctx.clock.advanceMinutes(-16);
    }
    const wrongPartner = await client({ partnerId: 'OTHER' }).payment(payFor(file.bill, 'PAY-STALE'));
    expect(wrongPartner).toMatchObject({ status: 401, body: { responseCode: '4012500' } });
    expect(await snapshot(file)).toEqual(before);
  });

  it('a wrong amount is refused (4042513) and held for the treasurer; the bill stays open and the file waits', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const res = await bank.payment(payFor(file.bill, 'PAY-WRONG', { paidAmount: file.bill.amount - 1000 }));
    expect(res).toMatchObject({ status: 404, body: { responseCode: '4042513', responseMessage: 'Invalid Amount' } });
    const after = await snapshot(file);
    expect(after.payments).toEqual([{ provider_payment_id: 'PAY-WRONG', state: 'held', hold_reason: 'amount_mismatch' }]);
    expect(after.bill).toEqual(before.bill);
    expect(after.app).toEqual(before.app);
    expect(after.app.state).toBe('awaiting_payment');
    // Its retry gets the same refusal; the same id with another amount is inconsistent.
    expect((await bank.payment(payFor(file.bill, 'PAY-WRONG', { paidAmount: file.bill.amount - 1000 }))).body.responseCode).toBe('4042513');
    expect((await bank.payment(payFor(file.bill, 'PAY-WRONG'))).body.responseCode).toBe('4042518');
    expect(await snapshot(file)).toEqual(after);
  });

  it('a retry of a payment held for an expired bill and then accepted by the treasurer is told success, not expired', async () => {
    const file = await fileWithBill();
    const saved = ctx.clock.now().toISOString();
    try {
      ctx.clock.advanceMinutes(8 * 24 * 60);
      const late = await bank.payment(payFor(file.bill, 'PAY-LATE'));
      expect(late).toMatchObject({ status: 404, body: { responseCode: '4042519' } });
      const held = await ctx.db.selectFrom('payments').select(['id', 'state']).where('provider_payment_id', '=', 'PAY-LATE').executeTakeFirstOrThrow();
      expect(held.state).toBe('held');
      // A treasurer signed in now (the suite's session has long expired on this clock).
      const treasurer = await userWithToken(ctx, 'treasurer');
      const accepted = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/payments/held/${held.id}/accept`,
        headers: { authorization: `Bearer ${treasurer.token}` },
        payload: { note: 'Dibayar tepat sebelum kedaluwarsa; bank mengonfirmasi' },
      });
      expect(accepted.statusCode, accepted.body).toBe(200);
      const after = await snapshot(file);
      expect(after.bill.state).toBe('paid');
      const retry = await bank.payment(payFor(file.bill, 'PAY-LATE', { flagAdvise: 'Y' }));
      expect(retry).toMatchObject({ status: 200, body: { responseCode: '2002500' } });
      expect(await snapshot(file)).toEqual(after);
    } finally {
      ctx.clock.set(saved);
    }
  });

  it('fifty concurrent deliveries of one payment (distinct external ids) record one payment and move the file once', async () => {
    const file = await fileWithBill();
    await bank.accessToken();
    const results = await Promise.all(Array.from({ length: 50 }, () => bank.payment(payFor(file.bill, 'PAY-CONCURRENT'))));
    const odd = results.filter((r) => r.body.responseCode !== '2002500');
    expect(odd, JSON.stringify(odd.slice(0, 3))).toEqual([]);
    const after = await snapshot(file);
    expect(after.payments).toEqual([{ provider_payment_id: 'PAY-CONCURRENT', state: 'recorded', hold_reason: null }]);
    expect(after.bill.state).toBe('paid');
    const events = await ctx.db
      .selectFrom('application_events')
      .selectAll()
      .where('application_id', '=', file.id)
      .where('action', '=', 'record_payment')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: null, actor_role: 'system' });
  });

  it('malformed JSON and a missing field get a SNAP 400 and change nothing', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const broken = await bank.send(SNAP_PATHS.vaPayment, null, { rawBody: '{"partnerServiceId":"   88899",', headers: { 'X-SIGNATURE': 'AAAA' } });
    expect(broken).toMatchObject({ status: 400, body: { responseCode: '4002500', responseMessage: 'Bad Request' } });
    expect((await lastRefusal()).data).toMatchObject({ reason: 'malformed_body' });
    const { paymentRequestId: _omitted, ...noId } = {
      partnerServiceId: '   88899',
      customerNo: file.bill.customer_no,
      virtualAccountNo: `   88899${file.bill.customer_no}`,
      paymentRequestId: 'x',
      paidAmount: { value: '1250000.00', currency: 'IDR' },
    };
    const missing = await bank.send(SNAP_PATHS.vaPayment, noId);
    expect(missing).toMatchObject({ status: 400, body: { responseCode: '4002502', responseMessage: 'Invalid Mandatory Field [paymentRequestId]' } });
    const sen = await bank.send(SNAP_PATHS.vaPayment, { ...noId, paymentRequestId: 'PAY-SEN', paidAmount: { value: '1250000.50', currency: 'IDR' } });
    expect(sen).toMatchObject({ status: 400, body: { responseCode: '4002501', responseMessage: 'Invalid Field Format [paidAmount]' } });
    expect(await snapshot(file)).toEqual(before);
  });

  it('records a QRIS payment notification by the bill number, once per reference (REL-2)', async () => {
    const file = await fileWithBill();
    const note = { originalReferenceNo: 'QR-REF-1', billNumber: file.bill.number, amount: file.bill.amount, payerName: 'Budi' };
    const res = await bank.qrisNotify(note);
    expect(res).toMatchObject({ status: 200, body: { responseCode: '2005200', originalReferenceNo: 'QR-REF-1' } });
    expect((await bank.qrisNotify(note)).body.responseCode).toBe('2005200');
    const after = await snapshot(file);
    expect(after.payments).toEqual([{ provider_payment_id: 'QR-REF-1', state: 'recorded', hold_reason: null }]);
    expect(after.bill.state).toBe('paid');
    const failed = await bank.qrisNotify({ ...note, originalReferenceNo: 'QR-REF-2', latestTransactionStatus: '06' });
    expect(failed.body.responseCode).toBe('2005200');
    expect(await snapshot(file)).toEqual(after);
  });

  it('an office without SNAP credentials refuses every request', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const token = String((await client().accessToken()).body.accessToken);
    await settings({ clientId: null, secret: null, publicKey: null });
    try {
      expect((await client().accessToken()).body.responseCode).toBe('4017300');
      const res = await bank.payment(payFor(file.bill, 'PAY-NOCREDS'), { accessToken: token });
      expect(res).toMatchObject({ status: 401, body: { responseCode: '4012500' } });
      expect(await snapshot(file)).toEqual(before);
    } finally {
      await settings({ clientId: CLIENT_ID, secret: CLIENT_SECRET, publicKey: publicPem });
    }
  });

  it("the bank's client keeps its token until shortly before it expires, then asks for a new one", async () => {
    const c = client();
    const tokens = async () => (await ctx.db.selectFrom('snap_access_tokens').select('token_hash').where('tenant_id', '=', ctx.tenant.id).execute()).length;
    const before = await tokens();
    const ask = () => c.inquiry({ partnerServiceId: PARTNER_SERVICE_ID, customerNo: '9999999998', inquiryRequestId: 'INQ-CACHE' });
    expect((await ask()).body.responseCode).toBe('4042412');
    expect((await ask()).body.responseCode).toBe('4042412');
    expect(await tokens()).toBe(before + 1);
    ctx.clock.advanceMinutes(14.5);
    try {
      expect((await ask()).body.responseCode).toBe('4042412');
      expect(await tokens()).toBe(before + 2);
    } finally {
      ctx.clock.advanceMinutes(-14.5);
    }
  });

  it('an X-EXTERNAL-ID belongs to the office-local day of its signed X-TIMESTAMP: a request stamped 23:58 and replayed at 00:02 is refused', async () => {
    const saved = ctx.clock.now().toISOString();
    try {
      // 23:58 in Malang (Asia/Jakarta, UTC+7) on 20 November; the UTC day is the same on both sides of the office's midnight.
      ctx.clock.set('2026-11-20T16:58:00.000Z');
      const stamped = formatSnapTimestamp(ctx.clock.now());
      expect(stamped).toBe('2026-11-20T23:58:00+07:00');
      const token = String((await client().accessToken()).body.accessToken);
      const body = { partnerServiceId: PARTNER_SERVICE_ID, customerNo: '9999999996', inquiryRequestId: 'INQ-MIDNIGHT' };
      const same = { accessToken: token, timestamp: stamped, externalId: '424242424242' };
      expect((await bank.inquiry(body, same)).body.responseCode).toBe('4042412');
      // The very same signed request, four minutes later: past the office's midnight, inside the timestamp window.
      ctx.clock.set('2026-11-20T17:02:00.000Z');
      const replay = await bank.inquiry(body, same);
      expect(replay).toMatchObject({ status: 409, body: { responseCode: '4092400' } });
      expect((await lastRefusal()).data).toMatchObject({ reason: 'external_id_reused', externalId: '424242424242' });
      // A new request stamped after the office's midnight may use the id again: a new day.
      const fresh = await bank.inquiry(body, { accessToken: token, externalId: '424242424242' });
      expect(fresh.body.responseCode).toBe('4042412');
      // And is refused again within that day.
      expect((await bank.inquiry(body, { accessToken: token, externalId: '424242424242' })).status).toBe(409);
    } finally {
      ctx.clock.set(saved);
    }
  });

  it("a forged, stale or unauthorised request does not use up the bank's X-EXTERNAL-ID", async () => {
    const file = await fileWithBill();
    const externalId = '5550001112223334445';
    const forged = await bank.payment(payFor(file.bill, 'PAY-BURN'), { externalId, headers: { 'X-SIGNATURE': Buffer.alloc(64, 3).toString('base64') } });
    expect(forged.status).toBe(401);
    const noToken = await bank.payment(payFor(file.bill, 'PAY-BURN'), { externalId, accessToken: 'not-a-token-izol-gave' });
    expect(noToken.status).toBe(401);
    const stale = await bank.payment(payFor(file.bill, 'PAY-BURN'), {
      externalId,
      timestamp: formatSnapTimestamp(new Date(ctx.clock.now().getTime() - 10 * 60_000)),
    });
    expect(stale.status).toBe(400);
    const real = await bank.payment(payFor(file.bill, 'PAY-BURN'), { externalId });
    expect(real).toMatchObject({ status: 200, body: { responseCode: '2002500' } });
    expect((await snapshot(file)).bill.state).toBe('paid');
  });

  it('refuses an X-TIMESTAMP more than 5 minutes ahead of the server clock, and takes one exactly 5 minutes ahead', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const ahead = (ms: number) => formatSnapTimestamp(new Date(ctx.clock.now().getTime() + ms));
    const early = await bank.payment(payFor(file.bill, 'PAY-FUTURE'), { timestamp: ahead(5 * 60_000 + 1000) });
    expect(early).toMatchObject({ status: 400, body: { responseCode: '4002501', responseMessage: 'Invalid Field Format [X-TIMESTAMP]' } });
    expect(await snapshot(file)).toEqual(before);
    const edge = await bank.inquiry(
      { partnerServiceId: PARTNER_SERVICE_ID, customerNo: file.bill.customer_no, inquiryRequestId: 'INQ-EDGE' },
      { timestamp: ahead(5 * 60_000) },
    );
    expect(edge.body.responseCode).toBe('2002400');
  });

  it('a paymentRequestId already used for one bill is refused for another (4042518); the other bill stays open', async () => {
    const first = await fileWithBill();
    const second = await fileWithBill();
    expect((await bank.payment(payFor(first.bill, 'PAY-ONE-ID'))).body.responseCode).toBe('2002500');
    const before = await snapshot(second);
    const reused = await bank.payment(payFor(second.bill, 'PAY-ONE-ID'));
    expect(reused).toMatchObject({ status: 404, body: { responseCode: '4042518', responseMessage: 'Inconsistent Request' } });
    expect(await snapshot(second)).toEqual(before);
    expect(before.bill.state).toBe('open');
    const rows = await ctx.db.selectFrom('payments').select('bill_id').where('provider_payment_id', '=', 'PAY-ONE-ID').execute();
    expect(rows).toEqual([{ bill_id: first.bill.id }]);
  });

  it('refuses amounts with sen, negative, too large, not numeric, not a string or not rupiah, and virtual account fields that disagree; nothing changes', async () => {
    const file = await fileWithBill();
    const before = await snapshot(file);
    const va = `   88899${file.bill.customer_no}`;
    const body = (paidAmount: unknown, extra: Record<string, unknown> = {}) => ({
      partnerServiceId: '   88899',
      customerNo: file.bill.customer_no,
      virtualAccountNo: va,
      paymentRequestId: 'PAY-AMOUNTS',
      paidAmount,
      ...extra,
    });
    for (const paidAmount of [
      { value: '1250000.01', currency: 'IDR' },
      { value: '-1250000.00', currency: 'IDR' },
      { value: '99999999999999.00', currency: 'IDR' },
      { value: '01250000.00', currency: 'IDR' },
      { value: '1.25e6', currency: 'IDR' },
      { value: 'NaN', currency: 'IDR' },
      { value: 1250000, currency: 'IDR' },
      { value: '1250000.00', currency: 'USD' },
      { value: '1250000', currency: 'IDR' },
    ]) {
      const res = await bank.send(SNAP_PATHS.vaPayment, body(paidAmount));
      expect(res.status, JSON.stringify(paidAmount)).toBe(400);
      expect(res.body.responseCode, JSON.stringify(paidAmount)).toBe('4002501');
    }
    // The customer number of this bill with the virtual account number of another, and a biller code that is not the office's.
    const disagree = await bank.send(SNAP_PATHS.vaPayment, body({ value: '1250000.00', currency: 'IDR' }, { virtualAccountNo: '   889992026999999' }));
    expect(disagree).toMatchObject({ status: 400, body: { responseCode: '4002501', responseMessage: 'Invalid Field Format [virtualAccountNo]' } });
    const otherBiller = await bank.send(
      SNAP_PATHS.vaPayment,
      body({ value: '1250000.00', currency: 'IDR' }, { partnerServiceId: '   77777', virtualAccountNo: `   77777${file.bill.customer_no}` }),
    );
    expect(otherBiller).toMatchObject({ status: 404, body: { responseCode: '4042512' } });
    expect(await snapshot(file)).toEqual(before);
  });

  describe('beside a second office', () => {
    let batuId: string;
    const batu = () => client({ headers: { host: SECOND_OFFICE.hostnames[0]! } });

    beforeAll(async () => {
      batuId = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      // The same bank, with the very same client id, secret and key at both offices.
      await settings({ clientId: CLIENT_ID, secret: CLIENT_SECRET, publicKey: publicPem }, batuId);
    });

    it("refuses a token of one office at the other office's host, both ways", async () => {
      const malangToken = String((await client().accessToken()).body.accessToken);
      const batuToken = String((await batu().accessToken()).body.accessToken);
      const ask = { partnerServiceId: PARTNER_SERVICE_ID, customerNo: '9999999995', inquiryRequestId: 'INQ-HOST' };
      expect((await batu().inquiry(ask, { accessToken: batuToken })).body.responseCode).toBe('4042412');
      expect(await batu().inquiry(ask, { accessToken: malangToken })).toMatchObject({ status: 401, body: { responseCode: '4012401' } });
      expect(await bank.inquiry(ask, { accessToken: batuToken })).toMatchObject({ status: 401, body: { responseCode: '4012401' } });
    });

    it("refuses a QRIS notification at one office for the other office's bill; that bill stays open", async () => {
      const file = await fileWithBill();
      const before = await snapshot(file);
      const res = await batu().qrisNotify({ originalReferenceNo: 'QR-OTHER-OFFICE', billNumber: file.bill.number, amount: file.bill.amount });
      expect(res).toMatchObject({ status: 404, body: { responseCode: '4045212' } });
      expect(await snapshot(file)).toEqual(before);
      const row = await ctx.db
        .selectFrom('payments')
        .select(['tenant_id', 'bill_id', 'state'])
        .where('provider_payment_id', '=', 'QR-OTHER-OFFICE')
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ tenant_id: batuId, bill_id: null, state: 'held' });
    });
  });

  it('keeps at most SNAP_REFUSAL_ROWS_PER_MINUTE refusal rows an office a minute, the next one counting the rest, none with a secret', async () => {
    ctx.clock.advanceMinutes(1);
    const token = String((await client().accessToken()).body.accessToken);
    const forged = Buffer.alloc(64, 9).toString('base64');
    const count = async () =>
      (
        await ctx.db
          .selectFrom('audit_events')
          .select('data')
          .where('tenant_id', '=', ctx.tenant.id)
          .where('action', '=', 'payment.notification_refused')
          .execute()
      ).length;
    const start = await count();
    for (let i = 0; i < SNAP_REFUSAL_ROWS_PER_MINUTE + 15; i++) {
      const res = await bank.send(SNAP_PATHS.vaPayment, { n: i }, { accessToken: token, headers: { 'X-SIGNATURE': forged } });
      expect(res.status).toBe(401);
    }
    expect((await count()) - start).toBeLessThanOrEqual(SNAP_REFUSAL_ROWS_PER_MINUTE);
    ctx.clock.advanceMinutes(1);
    await bank.send(SNAP_PATHS.vaPayment, { n: 'next' }, { accessToken: token, headers: { 'X-SIGNATURE': forged } });
    const next = await lastRefusal();
    expect(next.data.suppressedBefore).toBeGreaterThanOrEqual(15);
    for (const secret of [forged, token, CLIENT_SECRET]) expect(next.raw).not.toContain(secret);
    expect(next.raw.length).toBeLessThan(1000);
  });

  it('documents the four operations in the OpenAPI document', async () => {
    const doc = (await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' })).json<{
      paths: Record<string, { post?: { operationId?: string; tags?: string[] } }>;
    }>();
    for (const [path, id] of [
      [SNAP_PATHS.accessToken, 'snapAccessTokenB2b'],
      [SNAP_PATHS.vaInquiry, 'snapVaInquiry'],
      [SNAP_PATHS.vaPayment, 'snapVaPayment'],
      [SNAP_PATHS.qrisNotify, 'snapQrisNotify'],
    ] as const) {
      expect(doc.paths[path]?.post).toMatchObject({ operationId: id, tags: ['Payments (SNAP)'] });
    }
  });
});
