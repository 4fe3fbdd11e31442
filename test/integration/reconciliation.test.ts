/**
 * The treasurer's money desk (src/payments/reconciliation.*) on SQLite and PostgreSQL, over the JSON API:
 * a day's bank statement reconciled with the payments Izol recorded that day (by SNAP VA through
 * services.payments.receive, and at the bank counter by the treasurer), its lines resolved and the day
 * closed; held payments closed with a note, or accepted to pay their file; another office sees nothing,
 * other roles are refused, and a statement that cannot be read writes nothing.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import type { PaymentNotification } from '../../src/payments/payments.service.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { usePaymentSettings } from '../helpers/payments.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

type Staff = Record<'applicant' | 'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
type Bill = { id: string; customer_no: string; va_number: string; amount: number; number: string };
type DayView = {
  day: string;
  state: 'open' | 'closed';
  counts: Record<'matched' | 'missing' | 'unexpected' | 'amount_mismatch' | 'unresolved', number>;
  lines: {
    id: string;
    kind: string;
    matchedBy: string | null;
    statement: { line: number; reference: string | null; amount: number } | null;
    payment: { id: string; providerPaymentId: string; amount: number } | null;
    needsResolution: boolean;
    resolution: { note: string } | null;
  }[];
};

describe.each(DIALECTS)('the treasurer’s money desk (%s)', (dialect) => {
  let ctx: TestContext;

  let everyone: Staff;
  /**
   * Each test is a day of its own, so the clock moves by days: past a bearer token's idle time. The
   * accounts signed in once (the sign-in throttle counts sign-ins) are kept signed in from the new now.
   */
  async function team(): Promise<Staff> {
    const now = ctx.clock.now().toISOString();
    const later = new Date(ctx.clock.now().getTime() + 86_400_000).toISOString();
    await ctx.db.updateTable('sessions').set({ created_at: now, last_seen_at: now, expires_at: later }).execute();
    return everyone;
  }

  async function fileWithBill(staff: Staff, amount = 1_250_000): Promise<{ id: string; bill: Bill }> {
    const id = await readyDraft(ctx, staff.applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    expect((await act(ctx, staff.applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: amount, feeReason: 'Uji rekonsiliasi: jumlah contoh' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }

  const notification = (bill: Bill, amount: number, providerPaymentId: string): PaymentNotification => ({
    tenantId: ctx.tenant.id,
    provider: 'snap_va',
    providerPaymentId,
    bill: { customerNo: bill.customer_no },
    amount,
    paidAt: ctx.clock.now().toISOString(),
    bankReference: `NTB${providerPaymentId}`,
    payerName: 'Budi',
    details: { channelCode: 6011 },
  });

  const api = (token: string, method: 'GET' | 'POST', url: string, payload?: unknown, host?: string): Promise<LightMyRequestResponse> =>
    ctx.app.inject({ method, url, headers: { ...auth(token), ...(host ? { host } : {}) }, ...(payload === undefined ? {} : { payload: payload as object }) });

  const importCsv = (token: string, content: string, day?: string) =>
    api(token, 'POST', '/api/v1/reconciliation/statements', { format: 'csv', content, ...(day ? { day } : {}), fileName: 'mutasi.csv' });

  const kinds = (view: DayView) => view.lines.map((l) => [l.kind, l.statement?.reference ?? null, l.payment?.providerPaymentId ?? null]);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    everyone = {} as Staff;
    for (const role of ['applicant', 'verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      everyone[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    await usePaymentSettings(ctx);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('reconciling a statement with one missing and one unexpected payment lists exactly those, beside the matched one', async () => {
    ctx.clock.set('2026-11-21T02:00:00.000Z'); // 09:00 in Malang
    const staff = await team();
    const a = await fileWithBill(staff);
    const b = await fileWithBill(staff);
    expect((await ctx.services.payments.receive(notification(a.bill, a.bill.amount, 'PRQ-A'))).outcome).toBe('recorded');
    // The treasurer's bank-counter entry: paid at the bank, not in this statement.
    const counter = await act(ctx, staff.treasurer.token, b.id, 'record_payment', { paymentReference: 'NTB-COUNTER-B' });
    expect(counter.statusCode, counter.body).toBe(200);

    const csv = ['Tanggal;Jam;Referensi;Nomor VA;Jumlah', `21/11/2026;09:00;PRQ-A;${a.bill.va_number};1.250.000`, '21/11/2026;10:30;TRF-9911;;500.000'].join(
      '\n',
    );
    const res = await importCsv(staff.treasurer.token, csv);
    expect(res.statusCode, res.body).toBe(201);
    const view = json<DayView>(res);
    expect(view.day).toBe('2026-11-21');
    expect(kinds(view)).toEqual([
      ['matched', 'PRQ-A', 'PRQ-A'],
      ['unexpected', 'TRF-9911', null],
      ['missing', null, 'NTB-COUNTER-B'],
    ]);
    expect(view.counts).toEqual({ matched: 1, missing: 1, unexpected: 1, amount_mismatch: 0, unresolved: 2 });
    expect(view.lines[0]!.matchedBy).toBe('reference');

    // Closing waits until both are resolved.
    const early = await api(staff.treasurer.token, 'POST', `/api/v1/reconciliation/days/${view.day}/close`, {});
    expect(early.statusCode).toBe(409);
    expect(json<{ code: string; detail: string }>(early)).toMatchObject({ code: 'reconciliation_unresolved' });
    expect(json<{ detail: string }>(early).detail).toContain('2 baris belum diselesaikan');

    const matchedLine = view.lines[0]!;
    const needless = await api(staff.treasurer.token, 'POST', `/api/v1/reconciliation/days/${view.day}/lines/${matchedLine.id}/resolve`, { note: 'cocok' });
    expect(needless.statusCode).toBe(409);
    for (const line of view.lines.filter((l) => l.needsResolution)) {
      const r = await api(staff.treasurer.token, 'POST', `/api/v1/reconciliation/days/${view.day}/lines/${line.id}/resolve`, {
        note: line.kind === 'missing' ? 'Setoran teller masuk rekening koran besok' : 'Transfer salah kirim, dikembalikan',
      });
      expect(r.statusCode, r.body).toBe(200);
    }
    const closed = await api(staff.treasurer.token, 'POST', `/api/v1/reconciliation/days/${view.day}/close`, { note: 'Semua selesai' });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(json<DayView>(closed)).toMatchObject({ state: 'closed', counts: { unresolved: 0 } });
    expect(json<DayView>(closed).lines.find((l) => l.kind === 'unexpected')!.resolution!.note).toBe('Transfer salah kirim, dikembalikan');

    // A closed day is not imported again, and its lines do not change.
    const again = await importCsv(staff.treasurer.token, csv);
    expect(again.statusCode).toBe(409);
    expect(json<{ code: string }>(again).code).toBe('reconciliation_day_closed');
    const list = json<{ days: { day: string; state: string; unresolved: number }[] }>(await api(staff.treasurer.token, 'GET', '/api/v1/reconciliation/days'));
    expect(list.days).toContainEqual(expect.objectContaining({ day: '2026-11-21', state: 'closed', unresolved: 0 }));
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('action', 'like', 'reconciliation.%').execute();
    expect(audit.map((r) => r.action).sort()).toEqual([
      'reconciliation.closed',
      'reconciliation.imported',
      'reconciliation.line_resolved',
      'reconciliation.line_resolved',
    ]);
  });

  it('lists an amount mismatch on the same reference, and matches by VA number and amount when the reference differs (SNAP report)', async () => {
    ctx.clock.set('2026-11-22T03:00:00.000Z');
    const staff = await team();
    const c = await fileWithBill(staff);
    const d = await fileWithBill(staff, 2_000_000);
    expect((await ctx.services.payments.receive(notification(c.bill, c.bill.amount, 'PRQ-C'))).outcome).toBe('recorded');
    expect((await ctx.services.payments.receive(notification(d.bill, d.bill.amount, 'PRQ-D'))).outcome).toBe('recorded');
    const entry = (paymentRequestId: string, bill: Bill, value: string) => ({
      partnerServiceId: '   88899',
      customerNo: bill.customer_no,
      virtualAccountNo: bill.va_number,
      paymentRequestId,
      paidAmount: { value, currency: 'IDR' },
      trxDateTime: '2026-11-22T10:05:00+07:00',
    });
    const report = {
      responseCode: '2003500',
      responseMessage: 'Successful',
      virtualAccountData: [entry('PRQ-C', c.bill, '1200000.00'), entry('BANK-77', d.bill, '2000000.00')],
    };
    const res = await api(staff.treasurer.token, 'POST', '/api/v1/reconciliation/statements', { format: 'snap_va_report', content: JSON.stringify(report) });
    expect(res.statusCode, res.body).toBe(201);
    const view = json<DayView>(res);
    expect(view.lines.map((l) => [l.kind, l.matchedBy, l.statement?.amount, l.payment?.providerPaymentId, l.payment?.amount])).toEqual([
      ['amount_mismatch', 'reference', 1_200_000, 'PRQ-C', 1_250_000],
      ['matched', 'va_amount', 2_000_000, 'PRQ-D', 2_000_000],
    ]);
    expect(view.counts.unresolved).toBe(1);

    // Resolved, then the day imported again with one more payment: the same line keeps its note, the new one waits.
    const mismatch = view.lines[0]!;
    const note = 'Bank membayar Rp 50.000 kurang: ditagih ulang ke bank';
    expect((await api(staff.treasurer.token, 'POST', `/api/v1/reconciliation/days/${view.day}/lines/${mismatch.id}/resolve`, { note })).statusCode).toBe(200);
    const more = {
      ...report,
      virtualAccountData: [...report.virtualAccountData, { ...entry('PRQ-X', d.bill, '10000.00'), customerNo: '1', virtualAccountNo: '   888991' }],
    };
    const again = await api(staff.treasurer.token, 'POST', '/api/v1/reconciliation/statements', { format: 'snap_va_report', content: JSON.stringify(more) });
    expect(again.statusCode, again.body).toBe(201);
    const second = json<DayView>(again);
    expect(second.lines.map((l) => [l.kind, l.resolution?.note ?? null])).toEqual([
      ['amount_mismatch', note],
      ['matched', null],
      ['unexpected', null],
    ]);
    expect(second.counts.unresolved).toBe(1);
  });

  it('closes a held payment of the wrong amount with a note, and changes nothing else', async () => {
    ctx.clock.set('2026-11-23T03:00:00.000Z');
    const staff = await team();
    const e = await fileWithBill(staff);
    const held = await ctx.services.payments.receive(notification(e.bill, e.bill.amount - 50_000, 'PRQ-WRONG'));
    expect(held).toMatchObject({ outcome: 'held', reason: 'amount_mismatch' });
    const list = json<{ held: { id: string; holdReason: string; bill: { number: string } | null; application: { id: string } | null }[] }>(
      await api(staff.treasurer.token, 'GET', '/api/v1/payments/held'),
    );
    const row = list.held.find((p) => p.id === held.payment.id)!;
    expect(row).toMatchObject({ holdReason: 'amount_mismatch', bill: { number: e.bill.number }, application: { id: e.id } });
    const one = json<{ acceptable: boolean }>(await api(staff.treasurer.token, 'GET', `/api/v1/payments/held/${row.id}`));
    expect(one.acceptable).toBe(false);
    const refused = await api(staff.treasurer.token, 'POST', `/api/v1/payments/held/${row.id}/accept`, { note: 'coba terima' });
    expect(refused.statusCode).toBe(409);
    expect(json<{ code: string }>(refused).code).toBe('payment_not_acceptable');
    const closed = await api(staff.treasurer.token, 'POST', `/api/v1/payments/held/${row.id}/close`, {
      note: 'Kurang bayar Rp 50.000: dana dikembalikan ke pembayar',
    });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(json(closed)).toMatchObject({ state: 'resolved', resolution: { note: 'Kurang bayar Rp 50.000: dana dikembalikan ke pembayar' } });
    const twice = await api(staff.treasurer.token, 'POST', `/api/v1/payments/held/${row.id}/close`, { note: 'lagi' });
    expect(twice.statusCode).toBe(409);
    const app = await ctx.db.selectFrom('applications').select('state').where('id', '=', e.id).executeTakeFirstOrThrow();
    expect(app.state).toBe('awaiting_payment');
    const bill = await ctx.db.selectFrom('bills').select('state').where('id', '=', e.bill.id).executeTakeFirstOrThrow();
    expect(bill.state).toBe('open');
    const after = json<{ held: { id: string }[]; resolved: { id: string }[] }>(await api(staff.treasurer.token, 'GET', '/api/v1/payments/held'));
    expect(after.held.map((p) => p.id)).not.toContain(row.id);
    expect(after.resolved.map((p) => p.id)).toContain(row.id);
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', row.id).orderBy('seq').execute();
    expect(audit.map((r) => r.action)).toEqual(['payment.held', 'payment.closed']);
  });

  it('accepts a payment held for an expired bill: the file moves on, the bill is paid, one payment row exists', async () => {
    ctx.clock.set('2026-11-24T03:00:00.000Z');
    const staff = await team();
    const f = await fileWithBill(staff);
    ctx.clock.set('2026-12-02T03:00:00.000Z'); // past the 7-day expiry
    const late = await ctx.services.payments.receive(notification(f.bill, f.bill.amount, 'PRQ-LATE'));
    expect(late).toMatchObject({ outcome: 'held', reason: 'bill_expired' });
    const treasurer = (await team()).treasurer;
    const one = json<{ acceptable: boolean }>(await api(treasurer.token, 'GET', `/api/v1/payments/held/${late.payment.id}`));
    expect(one.acceptable).toBe(true);
    const tooShort = await api(treasurer.token, 'POST', `/api/v1/payments/held/${late.payment.id}/accept`, { note: '' });
    expect(tooShort.statusCode).toBe(400);
    const accepted = await api(treasurer.token, 'POST', `/api/v1/payments/held/${late.payment.id}/accept`, {
      note: 'Dibayar sehari setelah kedaluwarsa; diterima',
    });
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(json(accepted)).toMatchObject({ state: 'recorded', resolution: { note: 'Dibayar sehari setelah kedaluwarsa; diterima' } });

    const app = await ctx.db.selectFrom('applications').select(['state', 'payment_reference']).where('id', '=', f.id).executeTakeFirstOrThrow();
    expect(app.state).toBe('approval');
    const rows = await ctx.db.selectFrom('payments').selectAll().where('application_id', '=', f.id).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: late.payment.id, state: 'recorded', provider_payment_id: 'PRQ-LATE', recorded_by: treasurer.actor.userId });
    const bill = await ctx.db.selectFrom('bills').select('state').where('id', '=', f.bill.id).executeTakeFirstOrThrow();
    expect(bill.state).toBe('paid');
    const events = await ctx.db
      .selectFrom('application_events')
      .selectAll()
      .where('application_id', '=', f.id)
      .where('action', '=', 'record_payment')
      .execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: treasurer.actor.userId, actor_role: 'treasurer' });
    const receipts = await ctx.db.selectFrom('receipts').select('kind').where('application_id', '=', f.id).where('kind', '=', 'payment').execute();
    expect(receipts).toHaveLength(1);

    const decided = json<{ resolved: { id: string; state: string }[] }>(await api(treasurer.token, 'GET', '/api/v1/payments/held')).resolved;
    expect(decided).toContainEqual(expect.objectContaining({ id: late.payment.id, state: 'recorded' }));
    // Never twice: accepting again, or the bank delivering the same notification again, changes nothing.
    expect((await api(treasurer.token, 'POST', `/api/v1/payments/held/${late.payment.id}/accept`, { note: 'lagi dong' })).statusCode).toBe(409);
    expect((await ctx.services.payments.receive(notification(f.bill, f.bill.amount, 'PRQ-LATE'))).outcome).toBe('duplicate');
    expect(await ctx.db.selectFrom('payments').select('id').where('application_id', '=', f.id).execute()).toHaveLength(1);
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', late.payment.id).orderBy('seq').execute();
    expect(audit.map((r) => r.action)).toEqual(['payment.held', 'payment.accepted']);
  });

  it('accepts a held payment once when accept is pressed five times at once', async () => {
    ctx.clock.set('2026-12-05T03:00:00.000Z');
    const staff = await team();
    const h = await fileWithBill(staff);
    ctx.clock.set('2026-12-13T03:00:00.000Z');
    const late = await ctx.services.payments.receive(notification(h.bill, h.bill.amount, 'PRQ-RACE'));
    expect(late).toMatchObject({ outcome: 'held', reason: 'bill_expired' });
    const { treasurer } = await team();
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => api(treasurer.token, 'POST', `/api/v1/payments/held/${late.payment.id}/accept`, { note: 'Diterima, terlambat sehari' })),
    );
    expect(answers.filter((a) => a.statusCode === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.statusCode === 409)).toHaveLength(4);
    expect(await ctx.db.selectFrom('payments').select('id').where('application_id', '=', h.id).execute()).toHaveLength(1);
    const events = await ctx.db
      .selectFrom('application_events')
      .select('id')
      .where('application_id', '=', h.id)
      .where('action', '=', 'record_payment')
      .execute();
    expect(events).toHaveLength(1);
  });

  it('answers one malformed request to each operation with a 4xx problem and writes nothing', async () => {
    const { treasurer } = await team();
    const id = '0f8fad5b-d9cb-469f-a165-70867728950e';
    const before = (await ctx.db.selectFrom('reconciliation_days').select('id').execute()).length;
    const cases: [string, 'GET' | 'POST', string, unknown, number, string][] = [
      ['listHeldPayments', 'GET', '/api/v1/payments/held', undefined, 401, 'not-a-token'],
      ['getHeldPayment', 'GET', '/api/v1/payments/held/not-an-id', undefined, 400, treasurer.token],
      ['acceptHeldPayment', 'POST', `/api/v1/payments/held/${id}/accept`, { note: 'ok', extra: 1 }, 400, treasurer.token],
      ['closeHeldPayment', 'POST', `/api/v1/payments/held/${id}/close`, {}, 400, treasurer.token],
      ['listReconciliationDays', 'GET', '/api/v1/reconciliation/days', undefined, 401, 'not-a-token'],
      ['importBankStatement', 'POST', '/api/v1/reconciliation/statements', { format: 'pdf', content: 'x' }, 400, treasurer.token],
      ['getReconciliationDay', 'GET', '/api/v1/reconciliation/days/2026-02-30', undefined, 400, treasurer.token],
      ['resolveReconciliationLine', 'POST', '/api/v1/reconciliation/days/2026-12-01/lines/not-an-id/resolve', { note: 'catatan' }, 400, treasurer.token],
      ['closeReconciliationDay', 'POST', '/api/v1/reconciliation/days/2026-12-01/close', { note: 'x' }, 400, treasurer.token],
    ];
    for (const [op, method, url, payload, status, token] of cases) {
      const res = await api(token, method, url, payload);
      expect(res.statusCode, op).toBe(status);
      expect(res.headers['content-type'], op).toMatch(/^application\/problem\+json/);
    }
    expect((await ctx.db.selectFrom('reconciliation_days').select('id').execute()).length).toBe(before);
  });

  it('documents every operation in the OpenAPI document under Payments', async () => {
    const doc = json<{ paths: Record<string, Record<string, { operationId?: string; tags?: string[] }>> }>(
      await ctx.app.inject({ method: 'GET', url: '/api/openapi.json' }),
    );
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p));
    for (const id of [
      'listHeldPayments',
      'getHeldPayment',
      'acceptHeldPayment',
      'closeHeldPayment',
      'listReconciliationDays',
      'importBankStatement',
      'getReconciliationDay',
      'resolveReconciliationLine',
      'closeReconciliationDay',
    ]) {
      expect(ops.find((o) => o.operationId === id)?.tags, id).toEqual(['Payments']);
    }
  });

  it('keeps each office to itself (404 elsewhere), refuses other roles (403) and writes nothing for a statement that cannot be read', async () => {
    ctx.clock.set('2026-12-03T03:00:00.000Z');
    const staff = await team();
    const g = await fileWithBill(staff);
    const held = await ctx.services.payments.receive(notification(g.bill, 1, 'PRQ-ONE-RUPIAH'));
    expect(held.outcome).toBe('held');
    const day = json<DayView>(await importCsv(staff.treasurer.token, '2026-12-03,08:00,XYZ,,100000'));
    expect(day.day).toBe('2026-12-03');

    const office2 = await ensureOffice(ctx.services, SECOND_OFFICE);
    const host = SECOND_OFFICE.hostnames[0]!;
    const other = await userWithToken(ctx, 'treasurer', { host, tenantId: office2.id });
    expect((await api(other.token, 'GET', `/api/v1/payments/held/${held.payment.id}`, undefined, host)).statusCode).toBe(404);
    expect((await api(other.token, 'POST', `/api/v1/payments/held/${held.payment.id}/close`, { note: 'bukan milik kami' }, host)).statusCode).toBe(404);
    expect(json<{ held: unknown[] }>(await api(other.token, 'GET', '/api/v1/payments/held', undefined, host)).held).toEqual([]);
    expect((await api(other.token, 'GET', '/api/v1/reconciliation/days/2026-12-03', undefined, host)).statusCode).toBe(404);
    expect(json<{ days: unknown[] }>(await api(other.token, 'GET', '/api/v1/reconciliation/days', undefined, host)).days).toEqual([]);

    for (const role of ['applicant', 'verifier', 'head'] as const) {
      const token = staff[role].token;
      expect((await api(token, 'GET', '/api/v1/payments/held')).statusCode, role).toBe(403);
      expect((await api(token, 'POST', `/api/v1/payments/held/${held.payment.id}/close`, { note: 'tidak boleh' })).statusCode, role).toBe(403);
      expect((await importCsv(token, '2026-12-03,08:00,XYZ,,100000')).statusCode, role).toBe(403);
      expect((await api(token, 'GET', '/api/v1/reconciliation/days/2026-12-03')).statusCode, role).toBe(403);
    }

    const count = async () => ({
      days: (await ctx.db.selectFrom('reconciliation_days').select('id').execute()).length,
      lines: (await ctx.db.selectFrom('reconciliation_lines').select('id').execute()).length,
      dayLines: (await ctx.db.selectFrom('reconciliation_lines').select('id').where('resolved_at', 'is not', null).execute()).length,
    });
    const before = await count();
    const bad = await importCsv(staff.treasurer.token, 'tanggal;referensi;jumlah\n2026-12-02;A;100.000\n2026-12-02;B;seratus ribu', '2026-12-02');
    expect(bad.statusCode).toBe(422);
    const problem = json<{ code: string; detail: string }>(bad);
    expect(problem.code).toBe('statement_invalid');
    expect(problem.detail).toContain('Baris 3');
    expect(problem.detail).toContain('seratus ribu');
    const english = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/reconciliation/statements',
      headers: { ...auth(staff.treasurer.token), 'accept-language': 'en' },
      payload: { format: 'csv', content: 'date,reference,amount\n2026-12-02,A,1.5' },
    });
    expect(json<{ detail: string }>(english).detail).toMatch(/^Line 2: the amount "1.5" cannot be read/);
    const wrongShape = await api(staff.treasurer.token, 'POST', '/api/v1/reconciliation/statements', { format: 'pdf', content: 'x' });
    expect(wrongShape.statusCode).toBe(400);
    // A re-import of the open day that cannot be read leaves the earlier import as it was.
    const badReimport = await importCsv(staff.treasurer.token, '2026-12-03,08:00,XYZ,,sejuta');
    expect(badReimport.statusCode).toBe(422);
    expect(await count()).toEqual(before);
    // (The held one-rupiah payment is money the bank took too: it counts as missing from this statement.)
    expect(kinds(json<DayView>(await api(staff.treasurer.token, 'GET', '/api/v1/reconciliation/days/2026-12-03')))).toEqual([
      ['unexpected', 'XYZ', null],
      ['missing', null, 'PRQ-ONE-RUPIAH'],
    ]);
  });
});
