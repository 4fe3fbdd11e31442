/**
 * Bills (SKRD) as the citizen and the officers see and use them, on SQLite and PostgreSQL: the PBG
 * file's assessed amount with its breakdown and how to pay (VA, QRIS image, expiry) on the citizen's
 * page; the printable bill with its QR, verified at /v/{code}; the treasurer's re-issue (the old code
 * voided, the new one open) from the API and the case page; an expired bill's "new payment code";
 * nobody else's file is visible.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { upsertPaymentSettings } from '../../src/payments/payments.repository.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';
import { carryToIssued } from '../helpers/permits.js';
import { totpAt } from '../../src/auth/totp.js';

type BillJson = {
  id: string;
  number: string;
  status: string;
  amount: number;
  customerNo: string;
  virtualAccountNo: string;
  partnerServiceId: string;
  qris: string | null;
  verificationCode: string;
  expiresAt: string;
};
type BillsJson = { bills: BillJson[]; can: { reissue: boolean; requestNewCode: boolean }; adapter: string | null };

const PARTNER = '88899';

describe.each(DIALECTS)('bills: the citizen’s and the officers’ view (%s)', (dialect) => {
  let ctx: TestContext;
  let people = 0;
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  let citizen: { token: string; page: PageClient; email: string; password: string };
  let otherCitizen: { token: string; page: PageClient };
  let otherOfficeTreasurer = '';
  let treasurerPage: PageClient;
  let verifierPage: PageClient;

  async function account(role: Role): Promise<{ email: string; password: string; userId: string }> {
    people++;
    const email = `bills.${role}.${people}@izin.izol.test`;
    const password = `${role} kata sandi panjang ${people}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role} ${people}`, email, password });
    return { email, password, userId };
  }

  async function signedInApplicant(): Promise<{ token: string; page: PageClient; email: string; password: string }> {
    const { email, password } = await account('applicant');
    return { ...(await signIn(email, password)), email, password };
  }

  async function signIn(email: string, password: string): Promise<{ token: string; page: PageClient }> {
    const token = (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, clientIp: '127.0.0.1', kind: 'bearer' })).token;
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).statusCode).toBe(303);
    return { token, page };
  }

  async function signedInOfficer(role: Role): Promise<PageClient> {
    const { email, password, userId } = await account(role);
    const secret = await enrollSecondFactor(ctx, userId);
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return page;
  }

  /** A PBG file of `token`'s applicant, carried to the fee, assessed at what the formula gives: the bill is issued. */
  async function assessedFile(token = citizen.token): Promise<{ id: string; amount: number }> {
    const code = 'PBG';
    // A private house, not a low-income (MBR) one: the formula gives an amount above zero.
    const answers = await validAnswers(ctx, code);
    for (const [field, value] of Object.entries({ ownership: 'private', buildingFunction: 'housing', lowIncomeHouse: false })) {
      if (field in answers) answers[field] = value;
    }
    const id = await readyDraft(ctx, token, code, { answers });
    expect((await act(ctx, token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const fee = await ctx.app.inject({ url: `/api/v1/applications/${id}/fee`, headers: auth(staff.treasurer.token) });
    expect(fee.statusCode, fee.body).toBe(200);
    const amount = fee.json<{ amount: number }>().amount;
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: amount });
    expect(assessed.statusCode, assessed.body).toBe(200);
    return { id, amount };
  }

  async function billsOf(id: string, token = citizen.token): Promise<BillsJson> {
    const res = await ctx.app.inject({ url: `/api/v1/applications/${id}/bills`, headers: auth(token) });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<BillsJson>();
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    await upsertPaymentSettings(ctx.db, {
      tenant_id: ctx.tenant.id,
      adapter: 'demo',
      partner_service_id: PARTNER,
      bill_expiry_days: 7,
      legal_basis: 'Perda Kota Malang Nomor 1 Tahun 2024 tentang Retribusi PBG',
      qris_merchant: JSON.stringify({ merchantId: 'IZOL0001', mcc: '9399', name: 'DPMPTSP KOTA MALANG', city: 'MALANG' }),
      snap_client_id: null,
      snap_client_secret: null,
      snap_bank_public_key: null,
      snap_signature_encoding: 'base64',
      updated_at: ctx.clock.now().toISOString(),
      updated_by: null,
    });
    citizen = await signedInApplicant();
    otherCitizen = await signedInApplicant();
    treasurerPage = await signedInOfficer('treasurer');
    verifierPage = await signedInOfficer('verifier');
    const office2 = await ensureOffice(ctx.services, SECOND_OFFICE);
    otherOfficeTreasurer = (await userWithToken(ctx, 'treasurer', { host: SECOND_OFFICE.hostnames[0], tenantId: office2.id })).token;
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('shows the citizen the assessed amount, the PBG breakdown, the VA number, a QRIS image and the expiry', async () => {
    const { id, amount } = await assessedFile();
    const { bills, adapter } = await billsOf(id);
    expect(adapter).toBe('demo');
    expect(bills).toHaveLength(1);
    const bill = bills[0]!;
    expect(bill).toMatchObject({ status: 'open', amount, partnerServiceId: PARTNER });
    expect(bill.virtualAccountNo).toBe(`   ${PARTNER}${bill.customerNo}`);
    expect(bill.qris).toMatch(/^000201010212/);

    const res = await citizen.page.get(`/permohonan/${id}`);
    expect(res.statusCode).toBe(200);
    const body = res.body;
    const rupiah = `Rp ${new Intl.NumberFormat('id-ID').format(amount)}`;
    expect(body).toContain('Tagihan retribusi dan cara membayar');
    expect(body).toMatch(new RegExp(`data-assessed-amount>${rupiah.replace('.', '\\.')}`));
    expect(body).toContain('data-bill-breakdown');
    expect(body).toContain('LLt × (Ilo × SHST) × It × Ibg');
    expect(body).toContain(`data-biller-code>${PARTNER}<`);
    expect(body).toContain(`data-customer-no>${bill.customerNo}<`);
    expect(body).toContain(`data-va-number>${PARTNER}${bill.customerNo}<`);
    expect(body).toMatch(/<figure class="qr" data-qris><svg role="img" aria-label="Kode QRIS untuk membayar tagihan [^"]+"/);
    // The expiry in the office's time zone (Asia/Jakarta: WIB).
    expect(body).toMatch(/data-bill-expires>[^<]*27 Nov 2026[^<]*WIB</);
    expect(body).toContain('Perda Kota Malang Nomor 1 Tahun 2024');
    expect(body).toContain(`href="/bank-demo?va=${bill.customerNo}"`);
    expect(body).not.toContain('Minta kode bayar baru');
  });

  it('prints the bill with the QR to its verification page and the QRIS, and /v/{code} verifies it', async () => {
    const { id, amount } = await assessedFile();
    const bill = (await billsOf(id)).bills[0]!;
    const print = await citizen.page.get(`/permohonan/${id}/tagihan`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('Surat Ketetapan Retribusi Daerah (SKRD)');
    expect(print.body).toContain(`data-bill-number>${bill.number}<`);
    expect(print.body).toMatch(/<figure class="qr" data-verify-qr><svg role="img"/);
    expect(print.body).toContain(`/v/${bill.verificationCode}`);
    expect(print.body).toMatch(/data-qris><svg/);
    // Staff see it too.
    expect((await treasurerPage.get(`/permohonan/${id}/tagihan`)).statusCode).toBe(200);

    const verified = await new PageClient(ctx).get(`/v/${bill.verificationCode}`);
    expect(verified.statusCode).toBe(200);
    expect(verified.body).toContain('Tagihan ini asli dan belum dibayar');
    expect(verified.body).toContain(bill.number);
    expect(verified.body).toContain(`Rp ${new Intl.NumberFormat('id-ID').format(amount)}`);
    expect(verified.body).toContain('data-bill-signed');
    const api = await ctx.app.inject({ url: `/api/v1/verify/${bill.verificationCode}` });
    expect(api.statusCode, api.body).toBe(200);
    expect(api.json()).toMatchObject({ status: 'open', kind: 'bill', bill: { number: bill.number, amount, status: 'open' } });
    expect(api.json<{ signed: { document: string } }>().signed.document).toContain(bill.number);
  });

  it('the treasurer re-issues: the old code is voided, the new one open; the applicant cannot', async () => {
    const { id } = await assessedFile();
    const old = (await billsOf(id)).bills[0]!;
    const refused = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/bills/reissue`,
      headers: auth(citizen.token),
      payload: { reason: 'mau kode baru' },
    });
    expect(refused.statusCode).toBe(403);
    const noReason = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/bills/reissue`,
      headers: auth(staff.treasurer.token),
      payload: { reason: ' ' },
    });
    expect(noReason.statusCode).toBe(400);
    expect((await billsOf(id)).bills).toHaveLength(1);

    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/bills/reissue`,
      headers: auth(staff.treasurer.token),
      payload: { reason: 'Pemohon kehilangan tagihan' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const fresh = res.json<BillJson>();
    expect(fresh.customerNo).not.toBe(old.customerNo);
    expect(await ctx.services.payments.inquire({ tenantId: ctx.tenant.id, customerNo: old.customerNo })).toMatchObject({
      payable: false,
      reason: 'bill_voided',
    });
    expect(await ctx.services.payments.inquire({ tenantId: ctx.tenant.id, customerNo: fresh.customerNo })).toMatchObject({ payable: true });
    const after = await billsOf(id);
    expect(after.bills.map((b) => b.status)).toEqual(['open', 'voided']);
    const voidedCheck = await ctx.app.inject({ url: `/api/v1/verify/${old.verificationCode}` });
    expect(voidedCheck.json()).toMatchObject({ kind: 'bill', status: 'voided' });
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', fresh.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['bill.issued', 'bill.reissued']);
  });

  it('the case page lists bills and payments, and offers the treasurer (only) the re-issue form', async () => {
    const { id } = await assessedFile();
    const old = (await billsOf(id)).bills[0]!;
    const asVerifier = await verifierPage.get(`/kantor/berkas/${id}`);
    expect(asVerifier.statusCode).toBe(200);
    expect(asVerifier.body).toContain('id="case-bills"');
    expect(asVerifier.body).toContain(`data-bill="${old.number}"`);
    expect(asVerifier.body).not.toContain('data-bill-reissue');
    const page = await treasurerPage.get(`/kantor/berkas/${id}`);
    expect(page.body).toContain('data-bill-reissue');

    const empty = await treasurerPage.post(`/kantor/berkas/${id}/tagihan/terbit-ulang`, { 'bill-reason': '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('data-error-summary');
    expect(empty.body).toContain('Tulis alasan menerbitkan ulang tagihan');
    expect((await billsOf(id)).bills).toHaveLength(1);

    const done = await treasurerPage.post(`/kantor/berkas/${id}/tagihan/terbit-ulang`, { 'bill-reason': 'Salah cetak tagihan' });
    expect(done.statusCode, done.body).toBe(303);
    const bills = (await billsOf(id)).bills;
    expect(bills.map((b) => b.status)).toEqual(['open', 'voided']);
    const shown = await treasurerPage.get(`/kantor/berkas/${id}`);
    expect(shown.body).toContain('Salah cetak tagihan');

    // Paid at the bank counter: the payment is listed, the bill says paid, re-issuing is refused.
    expect((await act(ctx, staff.treasurer.token, id, 'record_payment', { paymentReference: `NTB-${id.slice(0, 8)}` })).statusCode).toBe(200);
    const paid = await treasurerPage.get(`/kantor/berkas/${id}`);
    expect(paid.body).toContain('data-bill-payments');
    expect(paid.body).toContain(`NTB-${id.slice(0, 8)}`);
    expect(paid.body).not.toContain('data-bill-reissue');
    const citizenView = await citizen.page.get(`/permohonan/${id}`);
    expect(citizenView.body).toContain('data-bill-paid');
    expect(citizenView.body).toContain('Retribusi sudah lunas dibayar pada');
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/bills/reissue`,
      headers: auth(staff.treasurer.token),
      payload: { reason: 'Coba lagi' },
    });
    expect(again.statusCode).toBe(409);
  });

  it('the applicant’s message on the fee assessment carries the bill: amount, payment code and expiry', async () => {
    const { id, amount } = await assessedFile();
    const bill = (await billsOf(id)).bills[0]!;
    await ctx.services.outbox.drain();
    const messages = await ctx.db.selectFrom('notifications').select(['kind', 'body', 'params']).where('application_id', '=', id).execute();
    const assessed = messages.filter((m) => m.kind === 'application_transitioned' && m.body.includes('Tagihan retribusi'));
    expect(assessed).toHaveLength(1);
    expect(assessed[0]!.body).toContain(`Rp ${new Intl.NumberFormat('id-ID').format(amount)}`);
    expect(assessed[0]!.body).toContain(`${PARTNER}${bill.customerNo}`);
    expect(assessed[0]!.body).toMatch(/Bayar sebelum 27 Nov 2026/);
  });

  it('two re-issues at once: each issues a new code or is refused as changed meanwhile; always one open bill', async () => {
    const { id } = await assessedFile();
    const both = await Promise.all(
      ['Tagihan hilang', 'Tagihan rusak'].map((reason) =>
        ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/bills/reissue`, headers: auth(staff.treasurer.token), payload: { reason } }),
      ),
    );
    const codes = both.map((r) => r.statusCode);
    expect(
      codes.every((c) => c === 201 || c === 409),
      JSON.stringify(codes),
    ).toBe(true);
    const issued = codes.filter((c) => c === 201).length;
    expect(issued).toBeGreaterThanOrEqual(1);
    const bills = (await billsOf(id)).bills;
    expect(bills.filter((b) => b.status === 'open')).toHaveLength(1);
    expect(bills).toHaveLength(1 + issued);
  });

  it('refuses a re-issue, readably, when the office has no payment settings', async () => {
    const { id } = await assessedFile();
    const saved = await ctx.db.selectFrom('payment_settings').selectAll().where('tenant_id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
    await ctx.db.deleteFrom('payment_settings').where('tenant_id', '=', ctx.tenant.id).execute();
    try {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${id}/bills/reissue`,
        headers: auth(staff.treasurer.token),
        payload: { reason: 'Kode bayar baru' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json<{ detail: string }>().detail).toContain('pengaturan pembayaran');
      expect((await billsOf(id)).bills.map((b) => b.status)).toEqual(['open']);
      const page = await treasurerPage.get(`/kantor/berkas/${id}`);
      expect(page.body).toContain('Kantor belum mengisi pengaturan pembayaran');
      expect(page.body).not.toContain('data-bill-reissue');
    } finally {
      await upsertPaymentSettings(ctx.db, saved);
    }
  });

  it('another office’s staff and another applicant get 404', async () => {
    const { id } = await assessedFile();
    const otherOffice = await ctx.app.inject({
      url: `/api/v1/applications/${id}/bills`,
      headers: auth(otherOfficeTreasurer, { host: SECOND_OFFICE.hostnames[0]! }),
    });
    expect(otherOffice.statusCode).toBe(404);
    const otherReissue = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/bills/reissue`,
      headers: auth(otherOfficeTreasurer, { host: SECOND_OFFICE.hostnames[0]! }),
      payload: { reason: 'bukan kantor saya' },
    });
    expect(otherReissue.statusCode).toBe(404);
    expect((await ctx.app.inject({ url: `/api/v1/applications/${id}/bills`, headers: auth(otherCitizen.token) })).statusCode).toBe(404);
    const newCode = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/bills/new-code`, headers: auth(otherCitizen.token) });
    expect(newCode.statusCode).toBe(404);
    expect((await otherCitizen.page.get(`/permohonan/${id}/tagihan`)).statusCode).toBe(404);
  });

  // Last: it moves the test clock past the bill's expiry.
  it('an expired bill offers a new payment code, and the applicant’s request gives a new open code', async () => {
    const { id } = await assessedFile();
    const early = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/bills/new-code`, headers: auth(citizen.token) });
    expect(early.statusCode, early.body).toBe(409);
    expect(early.json<{ detail: string }>().detail).toContain('masih berlaku');
    const old = (await billsOf(id)).bills[0]!;

    ctx.clock.advanceMinutes(8 * 24 * 60);
    const again = await signIn(citizen.email, citizen.password);
    expect((await billsOf(id, again.token)).bills[0]).toMatchObject({ status: 'expired' });
    expect((await billsOf(id, again.token)).can.requestNewCode).toBe(true);
    expect(await ctx.services.payments.inquire({ tenantId: ctx.tenant.id, customerNo: old.customerNo })).toMatchObject({ reason: 'bill_expired' });
    const page = await again.page.get(`/permohonan/${id}`);
    expect(page.body).toContain('data-bill-expired');
    expect(page.body).toContain(`action="/permohonan/${id}/tagihan/kode-baru"`);
    expect(page.body).toContain('Minta kode bayar baru');
    expect(page.body).not.toContain('data-qris');

    const posted = await again.page.post(`/permohonan/${id}/tagihan/kode-baru`, {});
    expect(posted.statusCode, posted.body).toBe(303);
    const bills = (await billsOf(id, again.token)).bills;
    expect(bills.map((b) => b.status)).toEqual(['open', 'voided']);
    expect(bills[0]!.customerNo).not.toBe(old.customerNo);
    expect(await ctx.services.payments.inquire({ tenantId: ctx.tenant.id, customerNo: bills[0]!.customerNo })).toMatchObject({ payable: true });
    const shown = await again.page.get(`/permohonan/${id}`);
    expect(shown.body).toContain(`data-customer-no>${bills[0]!.customerNo}<`);
    // Not expired any more: a second request is refused with the reason, and nothing changes.
    const twice = await again.page.post(`/permohonan/${id}/tagihan/kode-baru`, {});
    expect(twice.statusCode).toBe(409);
    expect(twice.body).toContain('masih berlaku');
    expect((await billsOf(id, again.token)).bills).toHaveLength(2);
  });
});
