/**
 * A bill's life beyond paying it, on SQLite and PostgreSQL: when the office cancels a file that waits
 * for its payment, the open bill's payment code is voided with it (the bank's inquiry says so, a late
 * payment is held for the treasurer as a payment for a voided bill, and the citizen is no longer told
 * how to pay a cancelled file); a payer's name with markup comes out escaped on the money desk.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { usePaymentSettings } from '../helpers/payments.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

describe.each(DIALECTS)('bills when the file is cancelled (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  let admin: { token: string; userId: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;

  async function fileWithBill(): Promise<{ id: string; bill: { id: string; customer_no: string; number: string; amount: number } }> {
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: 1_250_000, feeReason: 'Pengujian: jumlah tetap' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    admin = await userWithToken(ctx, 'admin');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    await usePaymentSettings(ctx);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('voids the open bill when the admin cancels the file: the bank is told, a late payment is held, the citizen is not asked to pay', async () => {
    const { id, bill } = await fileWithBill();
    const cancelled = await act(ctx, admin.token, id, 'cancel', { reason: 'Pemohon meninggal dunia; berkas dibatalkan' });
    expect(cancelled.statusCode, cancelled.body).toBe(200);

    const row = await ctx.db.selectFrom('bills').select(['state', 'void_reason']).where('id', '=', bill.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('voided');
    expect(row.void_reason).toBeTruthy();

    const bills = await ctx.app.inject({ url: `/api/v1/applications/${id}/bills`, headers: auth(applicant.token) });
    expect(bills.statusCode, bills.body).toBe(200);
    expect(bills.json<{ bills: { status: string }[] }>().bills.map((b) => b.status)).toEqual(['voided']);

    // The bank's VA inquiry: the code cannot be paid any more.
    expect(await ctx.services.payments.inquire({ tenantId: ctx.tenant.id, customerNo: bill.customer_no })).toMatchObject({
      payable: false,
      reason: 'bill_voided',
    });
    // A payment that arrives anyway (a QRIS scanned earlier) is held as one for a voided bill, never lost.
    const late = await ctx.services.payments.receive({
      tenantId: ctx.tenant.id,
      provider: 'qris',
      providerPaymentId: `LATE-${id.slice(0, 8)}`,
      bill: { billNumber: bill.number },
      amount: bill.amount,
      paidAt: ctx.clock.now().toISOString(),
      bankReference: null,
      payerName: 'Budi',
      details: {},
    });
    expect(late).toMatchObject({ outcome: 'held', reason: 'bill_voided' });
    const app = await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(app.state).toBe('cancelled');

    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', bill.id).execute();
    expect(audit.map((a) => a.action)).toContain('bill.voided');
  });

  it('keeps the bill of a file that moves on by its payment (no void on the payment action)', async () => {
    const { id, bill } = await fileWithBill();
    const paid = await act(ctx, staff.treasurer.token, id, 'record_payment', { paymentReference: `NTB-${id.slice(0, 8)}` });
    expect(paid.statusCode, paid.body).toBe(200);
    const row = await ctx.db.selectFrom('bills').select('state').where('id', '=', bill.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('paid');
  });
  // Last: it moves the clock past the bills' expiry.
  it('offers no new payment code while a payment of the expired code waits for the treasurer, who can still accept it', async () => {
    const { id, bill } = await fileWithBill();
    ctx.clock.advanceMinutes(8 * 24 * 60);
    const held = await ctx.services.payments.receive({
      tenantId: ctx.tenant.id,
      provider: 'qris',
      providerPaymentId: `EXPIRED-${id.slice(0, 8)}`,
      bill: { billNumber: bill.number },
      amount: bill.amount,
      paidAt: ctx.clock.now().toISOString(),
      bankReference: null,
      payerName: 'Budi',
      details: {},
    });
    expect(held).toMatchObject({ outcome: 'held', reason: 'bill_expired' });
    const citizen = { userId: applicant.userId, tenantId: ctx.tenant.id, role: 'applicant' as const, name: 'Uji pemohon' };
    const bills = await ctx.services.bills.listForApplication({ actor: citizen, applicationId: id });
    expect(bills.bills[0]).toMatchObject({ status: 'expired' });
    expect(bills.can.requestNewCode).toBe(false);
    await expect(ctx.services.bills.requestNewCode({ actor: citizen, applicationId: id })).rejects.toMatchObject({
      code: 'precondition_failed',
      details: { params: { missing: 'held_payment_decided' } },
    });
    const row = await ctx.db.selectFrom('bills').select('state').where('id', '=', bill.id).executeTakeFirstOrThrow();
    expect(row.state).toBe('open');

    const accepted = await ctx.services.reconciliation.acceptHeldPayment({
      actor: staff.treasurer.actor,
      id: held.payment.id,
      note: 'Dibayar lewat QRIS sehari setelah kedaluwarsa',
    });
    expect(accepted).toMatchObject({ state: 'recorded' });
    const app = await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(app.state).toBe('approval');
  });
});
