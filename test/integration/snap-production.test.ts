/**
 * The SNAP endpoints in production (NODE_ENV=production), on SQLite and PostgreSQL, over app.inject with
 * snap-client.ts: the demo bank's RSA key pair is public (src/payments/demo-bank/demo-keys.ts), so an office
 * whose payment settings still hold the demo public key, or still name the demo adapter (a development
 * database carried over, a row written by hand: the settings page itself refuses both in production), has
 * no SNAP credentials at all: no access token, no inquiry, no payment; nothing changes and the refusal is
 * audited. The same office with a real bank's key is paid as usual, and the demo bank's pages are not there.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_BANK_CLIENT_ID, DEMO_BANK_PRIVATE_KEY_PEM, DEMO_BANK_PUBLIC_KEY_PEM } from '../../src/payments/demo-bank/demo-keys.js';
import { upsertPaymentSettings } from '../../src/payments/payments.repository.js';
import { createSnapClient } from '../../src/payments/snap-client.js';
import { encryptField } from '../../src/shared/crypto.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { injectFetch } from '../helpers/payments.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

const SECRET = 'a-shared-secret-the-bank-and-the-office-hold-0123';
const FEE = 750_000;

describe.each(DIALECTS)('SNAP in production refuses the public demo keys (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  let realKey: KeyObject;
  let realPem: string;

  /** A bank holding `privateKey` and the office's client secret. */
  const bankWith = (privateKey: string | KeyObject, clientId = DEMO_BANK_CLIENT_ID) =>
    createSnapClient({
      baseUrl: 'http://localhost',
      clientId,
      clientSecret: SECRET,
      privateKey,
      partnerId: clientId,
      channelId: '95221',
      fetch: injectFetch(ctx.app),
      clock: () => ctx.clock.now(),
    });

  /** The office's settings row as a carried-over database or a hand-written row would hold it. */
  async function settings(row: { adapter: 'demo' | 'snap'; publicKey: string; clientId?: string }): Promise<void> {
    await upsertPaymentSettings(ctx.db, {
      tenant_id: ctx.tenant.id,
      adapter: row.adapter,
      partner_service_id: '88899',
      bill_expiry_days: 7,
      legal_basis: 'Perda Kota Malang tentang Retribusi PBG',
      qris_merchant: null,
      snap_client_id: row.clientId ?? DEMO_BANK_CLIENT_ID,
      snap_client_secret: encryptField(ctx.services.config.dataEncryptionKey, SECRET),
      snap_bank_public_key: row.publicKey,
      snap_signature_encoding: 'base64',
      updated_at: ctx.clock.now().toISOString(),
      updated_by: null,
    });
  }

  async function fileWithBill(): Promise<{ id: string; bill: { id: string; customer_no: string; amount: number } }> {
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: FEE, feeReason: 'Uji: jumlah tetap untuk tes SNAP produksi' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }

  async function snapshot(file: { id: string; bill: { id: string } }) {
    const payments = await ctx.db.selectFrom('payments').select(['provider_payment_id', 'state']).where('bill_id', '=', file.bill.id).execute();
    const bill = await ctx.db.selectFrom('bills').select(['state']).where('id', '=', file.bill.id).executeTakeFirstOrThrow();
    const app = await ctx.db.selectFrom('applications').select(['state', 'revision']).where('id', '=', file.id).executeTakeFirstOrThrow();
    const tokens = await ctx.db.selectFrom('snap_access_tokens').select('token_hash').execute();
    return { payments, bill, app, tokens: tokens.length };
  }

  async function lastRefusalReason(): Promise<unknown> {
    const row = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('action', '=', 'payment.notification_refused')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    return (JSON.parse(row.data) as { reason: unknown }).reason;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect, {
      NODE_ENV: 'production',
      VIRUS_SCANNER: 'builtin',
      BASE_URL: 'http://localhost',
      DATA_ENCRYPTION_KEY: 'cd'.repeat(32),
    });
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    realKey = pair.privateKey;
    realPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('gives no access token to a holder of the demo private key when the row still holds the demo public key', async () => {
    const file = await fileWithBill();
    await settings({ adapter: 'snap', publicKey: DEMO_BANK_PUBLIC_KEY_PEM });
    const before = await snapshot(file);
    const demo = bankWith(DEMO_BANK_PRIVATE_KEY_PEM);
    const token = await demo.accessToken();
    expect(token).toMatchObject({ status: 401, body: { responseCode: '4017300' } });
    expect(token.body.accessToken).toBeUndefined();
    expect(await lastRefusalReason()).toBe('demo_key_in_production');
    const pay = await demo.payment({
      partnerServiceId: '88899',
      customerNo: file.bill.customer_no,
      paymentRequestId: 'PROD-DEMO-1',
      paidAmount: file.bill.amount,
    });
    expect(pay.status).toBe(401);
    expect(await snapshot(file)).toEqual(before);
  });

  it('refuses a transaction once the row holds the demo public key, even with a token taken before and the right secret', async () => {
    const file = await fileWithBill();
    await settings({ adapter: 'snap', publicKey: realPem, clientId: 'BANK-REAL-01' });
    const bank = bankWith(realKey, 'BANK-REAL-01');
    const token = String((await bank.accessToken()).body.accessToken);
    await settings({ adapter: 'snap', publicKey: DEMO_BANK_PUBLIC_KEY_PEM, clientId: 'BANK-REAL-01' });
    const before = await snapshot(file);
    const pay = await bank.payment(
      { partnerServiceId: '88899', customerNo: file.bill.customer_no, paymentRequestId: 'PROD-DEMO-2', paidAmount: file.bill.amount },
      { accessToken: token },
    );
    expect(pay).toMatchObject({ status: 401, body: { responseCode: '4012500' } });
    expect(await lastRefusalReason()).toBe('demo_key_in_production');
    const inquiry = await bank.inquiry(
      { partnerServiceId: '88899', customerNo: file.bill.customer_no, inquiryRequestId: 'PROD-INQ-2' },
      { accessToken: token },
    );
    expect(inquiry).toMatchObject({ status: 401, body: { responseCode: '4012400' } });
    expect(inquiry.body.virtualAccountData).toBeUndefined();
    expect(await snapshot(file)).toEqual(before);
  });

  it('refuses an office still on the demo adapter altogether, whatever key it holds', async () => {
    const file = await fileWithBill();
    await settings({ adapter: 'demo', publicKey: realPem, clientId: 'BANK-REAL-01' });
    const before = await snapshot(file);
    const bank = bankWith(realKey, 'BANK-REAL-01');
    expect(await bank.accessToken()).toMatchObject({ status: 401, body: { responseCode: '4017300' } });
    expect(await lastRefusalReason()).toBe('demo_adapter_in_production');
    expect(await snapshot(file)).toEqual(before);
    // Nor does the demo bank answer for it in production.
    for (const url of ['/bank-demo', '/bank-demo/va?nomor=' + file.bill.customer_no]) {
      expect((await ctx.app.inject({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it("pays the same bill once the office holds a real bank's key on the snap adapter", async () => {
    const file = await fileWithBill();
    await settings({ adapter: 'snap', publicKey: realPem, clientId: 'BANK-REAL-01' });
    const bank = bankWith(realKey, 'BANK-REAL-01');
    const pay = await bank.payment({
      partnerServiceId: '88899',
      customerNo: file.bill.customer_no,
      paymentRequestId: 'PROD-REAL-1',
      paidAmount: file.bill.amount,
    });
    expect(pay).toMatchObject({ status: 200, body: { responseCode: '2002500' } });
    expect((await snapshot(file)).bill.state).toBe('paid');
  });
});
