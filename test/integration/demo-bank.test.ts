/**
 * The built-in demo bank (src/payments/demo-bank/), on SQLite and PostgreSQL, over real HTTP: the app
 * listens on 127.0.0.1 at the port BASE_URL names, so the demo bank's SNAP calls (B2B token, VA inquiry and
 * payment, QRIS notify) go over the network to the office's own endpoints, signed, as a bank's do. A PBG
 * file the treasurer assessed is paid by VA and by QRIS through the pages and moves on; a notification
 * delivered twice, out of order or at the same moment records one payment; a lost answer or a dropped
 * connection is retried (through a real flaky HTTP proxy) and still pays once; a late notification arrives
 * after the payer's page; an unknown, paid or malformed number is refused; the demo bank is not there for an
 * office on the SNAP adapter, nor in production.
 */
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { createDemoBankService } from '../../src/payments/demo-bank/demo-bank.service.js';
import { buildQris } from '../../src/payments/qris.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';
import { carryToIssued } from '../helpers/permits.js';

/** A port nobody listens on now: the app will, and BASE_URL says so before the app is built. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/**
 * A real HTTP hop between the bank and the office that misbehaves as networks do, for the first request to
 * a path it is told about: `lose` forwards it and then answers 502 (the office processed it, the bank never
 * heard), `drop` closes the connection without forwarding, `fail` answers 503 every time.
 */
async function flakyProxy(target: string, faults: Map<string, 'lose' | 'drop' | 'fail'>) {
  const seen: { path: string; status: number | 'dropped' }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const fault = faults.get(path);
      if (fault === 'drop') {
        faults.delete(path);
        seen.push({ path, status: 'dropped' });
        req.socket.destroy();
        return;
      }
      if (fault === 'fail') {
        seen.push({ path, status: 503 });
        res.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
        return;
      }
      const headers = { ...req.headers };
      delete headers['content-length'];
      void fetch(target + path, { method: req.method ?? 'POST', headers: headers as Record<string, string>, body: Buffer.concat(chunks) })
        .then(async (r) => {
          const text = await r.text();
          if (fault === 'lose') {
            faults.delete(path);
            seen.push({ path, status: 502 });
            res.writeHead(502, { 'content-type': 'text/plain' }).end('Bad Gateway');
            return;
          }
          seen.push({ path, status: r.status });
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' }).end(text);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const hidden = (body: string, name: string) => new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(body)?.[1] ?? '';
const decode = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>');

describe.each(DIALECTS)('the demo bank over HTTP (%s)', (dialect) => {
  let ctx: TestContext;
  let base: string;
  let applicant: { token: string; userId: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  let payer: PageClient;

  type FileWithBill = { id: string; bill: { id: string; number: string; customer_no: string; va_number: string; amount: number; qris: string | null } };

  /** A PBG file filed by the applicant and carried to the treasurer, who assesses Rp 1,250,000: its open bill. */
  async function fileWithBill(amount = 1_250_000): Promise<FileWithBill> {
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: amount, feeReason: 'Uji bank demo: jumlah ditetapkan' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }

  const fileState = async (id: string) => (await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;
  const paymentsOf = (id: string) => ctx.db.selectFrom('payments').selectAll().where('application_id', '=', id).execute();
  const paymentEvents = (id: string) =>
    ctx.db.selectFrom('application_events').selectAll().where('application_id', '=', id).where('action', '=', 'record_payment').execute();

  /** The payer at the ATM: the inquiry page for what they typed, then "Bayar" with the given behaviour. */
  async function payByVa(typed: string, behaviour: string) {
    const inquiry = await payer.get(`/bank-demo/va?nomor=${encodeURIComponent(typed)}`);
    expect(inquiry.statusCode, inquiry.body).toBe(200);
    const paid = await payer.post('/bank-demo/va', { nomor: hidden(inquiry.body, 'nomor'), ref: hidden(inquiry.body, 'ref'), perilaku: behaviour });
    return { inquiry, paid, reference: hidden(inquiry.body, 'ref') };
  }

  async function payByQris(qris: string, behaviour: string) {
    const read = await payer.post('/bank-demo/qris', { qris });
    expect(read.statusCode, read.body).toBe(200);
    const paid = await payer.post('/bank-demo/qris/bayar', { qris: decode(hidden(read.body, 'qris')), ref: hidden(read.body, 'ref'), perilaku: behaviour });
    return { read, paid, reference: hidden(read.body, 'ref') };
  }

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ctx = await createTestContext(dialect, { BASE_URL: base });
    await ctx.app.listen({ port, host: '127.0.0.1' });
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    payer = new PageClient(ctx);
  }, 240_000);
  afterAll(async () => {
    await ctx?.services.demoBank.idle();
    await ctx?.close();
  });

  it('pays a bill by VA: the inquiry shows name and amount, "Bayar" pays it through the SNAP endpoints and the file moves on', async () => {
    const { id, bill } = await fileWithBill();
    const start = await payer.get(`/bank-demo?va=${bill.customer_no}`);
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain(`name="nomor" type="text" value="${bill.customer_no}"`);

    // The full VA number as the bill prints it (biller code + customer number), as typed at an ATM.
    const { inquiry, paid, reference } = await payByVa(bill.va_number.replace(/ /g, ''), 'once');
    expect(inquiry.body).toContain('<strong data-inquiry-amount>Rp 1.250.000</strong>');
    expect(inquiry.body).toMatch(/<span data-inquiry-name>[^<]+<\/span>/);
    expect(inquiry.body).toContain(`<span data-va-number>${bill.va_number.replace(/ /g, '')}</span>`);
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.body).toContain('Pembayaran berhasil');
    expect(paid.body).toContain(`<strong data-bank-reference>${reference}</strong>`);
    expect(paid.body).toContain(`href="/permohonan/${id}"`);

    expect(await fileState(id)).toBe('approval');
    const rows = await paymentsOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: 'snap_va', provider_payment_id: reference, bank_reference: reference, state: 'recorded', bill_id: bill.id });
    expect(Number(rows[0]!.amount)).toBe(1_250_000);
    // It came through the SNAP route: the bank's channel and a numeric X-EXTERNAL-ID, as the route recorded them.
    expect(JSON.parse(rows[0]!.details)).toMatchObject({ channelId: '95221', flagAdvise: 'N', customerNo: bill.customer_no });
    expect((JSON.parse(rows[0]!.details) as { externalId: string }).externalId).toMatch(/^\d{1,36}$/);
    const events = await paymentEvents(id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_id: null, actor_role: 'system' });
    expect((await ctx.db.selectFrom('bills').select('state').where('id', '=', bill.id).executeTakeFirstOrThrow()).state).toBe('paid');

    // Asking again: the office tells the bank the bill is paid; posting the same payment again changes nothing.
    const again = await payer.get(`/bank-demo/va?nomor=${bill.customer_no}`);
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Tagihan ini sudah dibayar.');
    const repost = await payer.post('/bank-demo/va', { nomor: bill.customer_no, ref: reference, perilaku: 'once' });
    expect(repost.statusCode).toBe(409);
    expect(await paymentsOf(id)).toHaveLength(1);
  });

  it('pays a bill by QRIS: the bank reads the amount and bill number from the string, notifies the office, the file moves on', async () => {
    const { id, bill } = await fileWithBill(2_000_000);
    expect(bill.qris).toMatch(/^000201010212/);
    const { read, paid, reference } = await payByQris(bill.qris!, 'once');
    expect(read.body).toContain(`<span data-qris-bill>${bill.number}</span>`);
    expect(read.body).toContain('<strong data-qris-amount>Rp 2.000.000</strong>');
    expect(paid.statusCode, paid.body).toBe(200);
    expect(paid.body).toContain('Pembayaran berhasil');
    expect(paid.body).toContain(`<strong data-bank-reference>${reference}</strong>`);
    expect(await fileState(id)).toBe('approval');
    const rows = await paymentsOf(id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ provider: 'qris', provider_payment_id: reference, state: 'recorded' });
    expect(JSON.parse(rows[0]!.details)).toMatchObject({ billNumber: bill.number, channelId: '95221' });
  });

  it.each(['twice', 'duplicateFirst', 'concurrent'])('records one payment when the bank delivers the notification %s', async (behaviour) => {
    const va = await fileWithBill();
    const byVa = await payByVa(va.bill.customer_no, behaviour);
    expect(byVa.paid.statusCode, byVa.paid.body).toBe(200);
    expect(byVa.paid.body).toContain('data-deliveries="2"');
    expect(await paymentsOf(va.id)).toHaveLength(1);
    expect(await paymentEvents(va.id)).toHaveLength(1);
    expect(await fileState(va.id)).toBe('approval');
    if (behaviour === 'duplicateFirst') expect((JSON.parse((await paymentsOf(va.id))[0]!.details) as { flagAdvise: string }).flagAdvise).toBe('Y');

    const qr = await fileWithBill();
    const byQris = await payByQris(qr.bill.qris!, behaviour);
    expect(byQris.paid.statusCode, byQris.paid.body).toBe(200);
    expect(await paymentsOf(qr.id)).toHaveLength(1);
    expect(await paymentEvents(qr.id)).toHaveLength(1);
  });

  it('answers the payer before a late notification arrives; the file moves on once it does, never twice', async () => {
    const { id, bill } = await fileWithBill();
    const { paid } = await payByQris(bill.qris!, 'late');
    expect(paid.statusCode).toBe(200);
    expect(paid.body).toContain('Bank sedang mengirim pemberitahuan ke kantor.');
    expect(paid.body).toContain(`href="/permohonan/${id}"`);
    // The payer is back before the office heard from the bank: the file still waits, nothing is confirmed by the return.
    expect(await fileState(id)).toBe('awaiting_payment');
    const page = await ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${id}`, headers: auth(applicant.token) });
    expect(page.json<{ state: { code: string } }>().state.code).toBe('awaiting_payment');
    await ctx.services.demoBank.idle();
    expect(await fileState(id)).toBe('approval');
    expect(await paymentsOf(id)).toHaveLength(1);
  });

  it('retries a lost answer and a dropped connection with back-off, and the office records each payment once', async () => {
    const faults = new Map<string, 'lose' | 'drop' | 'fail'>([
      ['/snap/v1.0/transfer-va/payment', 'lose'],
      ['/snap/v1.0/qr/qr-mpm-notify', 'drop'],
    ]);
    const proxy = await flakyProxy(base, faults);
    const waits: number[] = [];
    const bank = createDemoBankService({
      db: ctx.db,
      clock: ctx.clock,
      dataKey: ctx.services.config.dataEncryptionKey,
      address: { baseUrl: proxy.url, defaultTenant: ctx.tenant.code },
      production: false,
      retryDelaysMs: [5, 10, 20],
      sleep: (ms) => {
        waits.push(ms);
        return new Promise((resolve) => setTimeout(resolve, ms));
      },
    });
    try {
      const va = await fileWithBill();
      const inquiry = await bank.inquire({ tenant: ctx.tenant, typed: va.bill.customer_no });
      if (!inquiry.ok) throw new Error(JSON.stringify(inquiry));
      const paid = await bank.payVa({ tenant: ctx.tenant, customerNo: va.bill.customer_no, reference: inquiry.inquiry.inquiryRequestId, behaviour: 'once' });
      expect(paid.ok, JSON.stringify(paid)).toBe(true);
      if (!paid.ok) return;
      const payAttempts = paid.attempts.filter((a) => a.delivery === 1);
      expect(payAttempts.map((a) => [a.status, a.flagAdvise])).toEqual([
        [502, 'N'],
        [200, 'Y'],
      ]);
      expect(waits).toEqual([5]);
      expect(await paymentsOf(va.id)).toHaveLength(1);
      expect(await fileState(va.id)).toBe('approval');

      const qr = await fileWithBill();
      const read = await bank.readQris({ tenant: ctx.tenant, qris: qr.bill.qris! });
      if (!read.ok) throw new Error('QRIS not read');
      const byQris = await bank.payQris({ tenant: ctx.tenant, qris: qr.bill.qris!, reference: read.reference, behaviour: 'once' });
      expect(byQris.ok, JSON.stringify(byQris)).toBe(true);
      if (!byQris.ok) return;
      expect(byQris.attempts.map((a) => a.status)).toEqual([null, 200]);
      expect(byQris.attempts[0]!.error).not.toBeNull();
      expect(proxy.seen.filter((s) => s.path === '/snap/v1.0/qr/qr-mpm-notify').map((s) => s.status)).toEqual(['dropped', 200]);
      expect(await paymentsOf(qr.id)).toHaveLength(1);

      // An office that keeps failing: a few tries with growing waits, then the payer is told; nothing recorded.
      faults.set('/snap/v1.0/transfer-va/payment', 'fail');
      const stuck = await fileWithBill();
      const inq = await bank.inquire({ tenant: ctx.tenant, typed: stuck.bill.customer_no });
      if (!inq.ok) throw new Error('inquiry failed');
      waits.length = 0;
      const failed = await bank.payVa({ tenant: ctx.tenant, customerNo: stuck.bill.customer_no, reference: inq.inquiry.inquiryRequestId, behaviour: 'once' });
      expect(failed).toMatchObject({ ok: false, refusal: { kind: 'unreachable' } });
      expect(waits).toEqual([5, 10, 20]);
      expect(await paymentsOf(stuck.id)).toHaveLength(0);
      expect(await fileState(stuck.id)).toBe('awaiting_payment');
    } finally {
      await proxy.close();
    }
  });

  it('refuses what it cannot pay: letters, an unknown number, a QRIS with a broken CRC', async () => {
    const letters = await payer.get('/bank-demo/va?nomor=abc');
    expect(letters.statusCode).toBe(400);
    expect(letters.body).toContain('class="error-summary"');
    expect(letters.body).toContain('href="#f-nomor"');
    const unknown = await payer.get('/bank-demo/va?nomor=2026999999');
    expect(unknown.statusCode).toBe(409);
    expect(unknown.body).toContain('Kantor tidak mengenal tagihan dengan nomor ini');
    const { bill } = await fileWithBill();
    const broken = `${bill.qris!.slice(0, -4)}0000`;
    const refused = await payer.post('/bank-demo/qris', { qris: broken });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Teks QRIS ini tidak dapat dibaca: CRC mismatch');
  });

  it("does not pay another office's QRIS: an acquirer pays the merchant the code names, so this office is never notified", async () => {
    const { id, bill } = await fileWithBill();
    // Another office's bill QRIS (its own demo merchant), with this office's bill number and amount in it even.
    const foreign = buildQris({
      merchant: { name: 'DPMPTSP KOTA BATU', city: 'BATU', merchantId: 'IZOLDEMOBTU', mcc: '9399' },
      amount: bill.amount,
      billNumber: bill.number,
    });
    const read = await payer.post('/bank-demo/qris', { qris: foreign });
    expect(read.statusCode).toBe(400);
    expect(read.body).toContain('QRIS ini bukan milik kantor ini');
    const paid = await payer.post('/bank-demo/qris/bayar', { qris: foreign, ref: 'DEMO202611200000000001', perilaku: 'once' });
    expect(paid.statusCode).toBe(400);
    const anywhere = await ctx.db.selectFrom('payments').select('id').where('provider_payment_id', '=', 'DEMO202611200000000001').execute();
    expect(anywhere).toEqual([]);
    expect(await paymentsOf(id)).toEqual([]);
    expect(await fileState(id)).toBe('awaiting_payment');
  });

  it('is not there for an office on the SNAP adapter, nor in production', async () => {
    const production = createDemoBankService({
      db: ctx.db,
      clock: ctx.clock,
      dataKey: ctx.services.config.dataEncryptionKey,
      address: { baseUrl: base, defaultTenant: ctx.tenant.code },
      production: true,
    });
    await expect(production.open({ tenant: ctx.tenant })).rejects.toMatchObject({ code: 'not_found' });

    const admin = await userWithToken(ctx, 'admin');
    const current = (await ctx.app.inject({ method: 'GET', url: '/api/v1/payments/settings', headers: auth(admin.token) })).json<{
      settings: Record<string, unknown> & { qrisMerchant: unknown };
    }>().settings;
    const toSnap = await ctx.app.inject({
      method: 'PUT',
      url: '/api/v1/payments/settings',
      headers: auth(admin.token),
      payload: {
        adapter: 'snap',
        partnerServiceId: current.partnerServiceId,
        billExpiryDays: current.billExpiryDays,
        legalBasis: current.legalBasis,
        qrisMerchant: current.qrisMerchant,
        snapClientId: current.snapClientId,
        snapBankPublicKey: current.snapBankPublicKey,
        snapSignatureEncoding: current.snapSignatureEncoding,
      },
    });
    expect(toSnap.statusCode, toSnap.body).toBe(200);
    expect((await payer.get('/bank-demo')).statusCode).toBe(404);
    expect((await payer.get('/bank-demo/va?nomor=2026000001')).statusCode).toBe(404);
    expect((await payer.post('/bank-demo/qris', { qris: 'x' })).statusCode).toBe(404);
  });
});
