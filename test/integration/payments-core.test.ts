/**
 * The once-only payment path (src/payments/payments.service.ts) on SQLite and PostgreSQL: the treasurer's
 * fee assessment issues a bill with its payment code; fifty concurrent deliveries of one bank notification
 * record one payment and move the file on once, as the system; a wrong amount is held and changes nothing;
 * re-assessing voids the old code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import type { PaymentNotification } from '../../src/payments/payments.service.js';
import { DIALECTS } from '../helpers/databases.js';
import { usePaymentSettings } from '../helpers/payments.js';
import { createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

describe.each(DIALECTS)('paying a bill once (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;

  async function fileWithBill(): Promise<{ id: string; bill: { id: string; customer_no: string; amount: number; number: string } }> {
    const code = 'PBG';
    const id = await readyDraft(ctx, applicant.token, code, { answers: await validAnswers(ctx, code) });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: 1_250_000, feeReason: 'Pengujian: jumlah tetap' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }

  const notification = (customerNo: string, amount: number, providerPaymentId: string): PaymentNotification => ({
    tenantId: ctx.tenant.id,
    provider: 'snap_va',
    providerPaymentId,
    bill: { customerNo },
    amount,
    paidAt: ctx.clock.now().toISOString(),
    bankReference: `NTB${providerPaymentId}`,
    payerName: 'Budi',
    details: {},
  });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    await usePaymentSettings(ctx);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('issues a bill with its payment code on the fee assessment', async () => {
    const { bill } = await fileWithBill();
    expect(bill.amount).toBe(1_250_000);
    expect(bill.number).toMatch(new RegExp(`^${ctx.tenant.code}-SKRD-\\d{4}-\\d{6}$`));
    expect(bill.customer_no).toMatch(/^\d{10}$/);
  });

  it('fifty concurrent deliveries of one notification record one payment and move the file once, as the system', async () => {
    const { id, bill } = await fileWithBill();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () => ctx.services.payments.receive(notification(bill.customer_no, bill.amount, 'PAY-CONCURRENT-1'))),
    );
    expect(outcomes.filter((o) => o.outcome === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o.outcome === 'duplicate')).toHaveLength(49);
    const rows = await ctx.db.selectFrom('payments').selectAll().where('provider_payment_id', '=', 'PAY-CONCURRENT-1').execute();
    expect(rows).toHaveLength(1);
    const app = await ctx.db.selectFrom('applications').select(['state', 'payment_reference']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(app.state).toBe('approval');
    const events = await ctx.db.selectFrom('application_events').selectAll().where('application_id', '=', id).where('action', '=', 'record_payment').execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: null, actor_role: 'system' });
    const receipts = await ctx.db.selectFrom('receipts').select('kind').where('application_id', '=', id).where('kind', '=', 'payment').execute();
    expect(receipts).toHaveLength(1);
    const paid = await ctx.db.selectFrom('bills').select('state').where('id', '=', bill.id).executeTakeFirstOrThrow();
    expect(paid.state).toBe('paid');
  });

  it('holds a payment of the wrong amount for the treasurer and leaves the file and bill as they were', async () => {
    const { id, bill } = await fileWithBill();
    const outcome = await ctx.services.payments.receive(notification(bill.customer_no, bill.amount - 1, 'PAY-WRONG-1'));
    expect(outcome).toMatchObject({ outcome: 'held', reason: 'amount_mismatch' });
    const app = await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(app.state).toBe('awaiting_payment');
    const open = await ctx.db.selectFrom('bills').select('state').where('id', '=', bill.id).executeTakeFirstOrThrow();
    expect(open.state).toBe('open');
  });

  it("records the treasurer's bank-counter payment against the bill, once per bank reference", async () => {
    const { id, bill } = await fileWithBill();
    const first = await act(ctx, staff.treasurer.token, id, 'record_payment', { paymentReference: 'NTB-COUNTER-77' });
    expect(first.statusCode, first.body).toBe(200);
    const row = await ctx.db.selectFrom('payments').selectAll().where('provider_payment_id', '=', 'NTB-COUNTER-77').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ provider: 'bank_counter', bill_id: bill.id, state: 'recorded', recorded_by: staff.treasurer.actor.userId });
    expect(Number(row.amount)).toBe(1_250_000);
  });
  it('two different payments of one bill at once (VA and QRIS): one pays it, the others are held as paid twice, none lost', async () => {
    const { id, bill } = await fileWithBill();
    const deliveries = Array.from({ length: 6 }, (_, i) =>
      i % 2 === 0
        ? notification(bill.customer_no, bill.amount, `PAY-TWICE-VA-${i}`)
        : { ...notification(bill.customer_no, bill.amount, `PAY-TWICE-QR-${i}`), provider: 'qris' as const, bill: { billNumber: bill.number } },
    );
    const outcomes = await Promise.allSettled(deliveries.map((n) => ctx.services.payments.receive(n)));
    const rejected = outcomes.flatMap((o) => (o.status === 'rejected' ? [String(o.reason)] : []));
    expect(rejected).toEqual([]);
    const settled = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(settled.filter((o) => o.outcome === 'recorded')).toHaveLength(1);
    expect(settled.filter((o) => o.outcome === 'held').map((o) => (o.outcome === 'held' ? o.reason : null))).toEqual(Array(5).fill('bill_paid'));
    const rows = await ctx.db.selectFrom('payments').select(['state']).where('bill_id', '=', bill.id).execute();
    expect(rows.map((r) => r.state).sort()).toEqual(['held', 'held', 'held', 'held', 'held', 'recorded']);
    const app = await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    expect(app.state).toBe('approval');
  });
  it('refuses a bank reference already recorded on another file on its field (400, not a 500), and leaves that file waiting for its payment', async () => {
    const first = await fileWithBill();
    const second = await fileWithBill();
    expect((await act(ctx, staff.treasurer.token, first.id, 'record_payment', { paymentReference: 'NTB-COUNTER-DUP' })).statusCode).toBe(200);
    const again = await act(ctx, staff.treasurer.token, second.id, 'record_payment', { paymentReference: 'NTB-COUNTER-DUP' });
    expect(again.statusCode, again.body).toBe(400);
    const problem = again.json<{ errors: { field: string; code: string; message: string }[] }>();
    expect(problem.errors.map((e) => [e.field, e.code])).toEqual([['paymentReference', 'payment_reference_used']]);
    expect(problem.errors[0]!.message).toContain('Referensi bank ini sudah tercatat');
    const app = await ctx.db.selectFrom('applications').select('state').where('id', '=', second.id).executeTakeFirstOrThrow();
    expect(app.state).toBe('awaiting_payment');
    const bill = await ctx.db.selectFrom('bills').select('state').where('id', '=', second.bill.id).executeTakeFirstOrThrow();
    expect(bill.state).toBe('open');
  });
});
