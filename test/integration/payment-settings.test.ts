/**
 * The office's payment settings (src/payments/payment-settings.*), on SQLite and PostgreSQL: the defaults a
 * new office gets at start (the demo adapter outside production, written once even when starts race, never
 * over the admin's settings); the admin reads them without the client secret and saves them through the API
 * and the page, each refusal naming its field with nothing written; the secret is stored encrypted and kept
 * when left empty; the next bill uses a saved biller code without a restart; every other role is refused.
 */
import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice, KOTA_MALANG } from '../../src/bootstrap.js';
import { DEMO_BANK_PUBLIC_KEY_PEM } from '../../src/payments/demo-bank/demo-keys.js';
import { decryptField } from '../../src/shared/crypto.js';
import { insertTenant } from '../../src/tenants/tenants.repository.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { signedInOfficer } from '../helpers/pages.js';
import { carryToIssued } from '../helpers/permits.js';

const rsa = (bits: number) =>
  generateKeyPairSync('rsa', { modulusLength: bits, publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const BANK = rsa(2048);

describe.each(DIALECTS)('payment settings (%s)', (dialect) => {
  let ctx: TestContext;
  const tokens = {} as Record<Role, string>;
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;

  const get = (role: Role = 'admin', lang = 'id') =>
    ctx.app.inject({ method: 'GET', url: '/api/v1/payments/settings', headers: auth(tokens[role], { 'accept-language': lang }) });
  const put = (payload: Record<string, unknown>, role: Role = 'admin', lang = 'id') =>
    ctx.app.inject({ method: 'PUT', url: '/api/v1/payments/settings', headers: auth(tokens[role], { 'accept-language': lang }), payload });

  /** A complete, valid body: the SNAP adapter with a real-looking bank's key. */
  const valid = (over: Record<string, unknown> = {}) => ({
    adapter: 'snap',
    partnerServiceId: '12345',
    billExpiryDays: 14,
    legalBasis: 'Peraturan Daerah Kota Malang Nomor 1 Tahun 2024 tentang Pajak Daerah dan Retribusi Daerah',
    qrisMerchant: { name: 'DPMPTSP KOTA MALANG', city: 'MALANG', merchantId: 'ID1023456789', mcc: '9399' },
    snapClientId: 'bank-jatim-izol',
    snapClientSecret: '',
    snapBankPublicKey: BANK.publicKey,
    snapSignatureEncoding: 'hex',
    ...over,
  });

  const row = () => ctx.db.selectFrom('payment_settings').selectAll().where('tenant_id', '=', ctx.tenant.id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['admin', 'applicant', 'front_desk'] as const) tokens[role] = (await userWithToken(ctx, role)).token;
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      tokens[role] = token;
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('gives a new office the demo defaults at start, and never returns the client secret', async () => {
    const res = await get();
    expect(res.statusCode, res.body).toBe(200);
    const { settings } = res.json<{ settings: Record<string, unknown> }>();
    expect(settings).toMatchObject({
      adapter: 'demo',
      partnerServiceId: '88899',
      billExpiryDays: 7,
      legalBasis: 'Peraturan Daerah tentang Retribusi Persetujuan Bangunan Gedung',
      qrisMerchant: { name: 'DPMPTSP KOTA MALANG', city: 'MALANG', merchantId: 'IZOLDEMOMLG', mcc: '9399', guid: 'ID.CO.QRIS.WWW' },
      snapClientId: 'izol-demo-bank',
      snapClientSecretSet: true,
      snapBankPublicKey: DEMO_BANK_PUBLIC_KEY_PEM,
      snapSignatureEncoding: 'base64',
      snapMissing: [],
      demoBank: true,
      updatedBy: null,
    });
    expect(settings).not.toHaveProperty('snapClientSecret');
    const stored = await row();
    const secret = decryptField(ctx.services.config.dataEncryptionKey, stored.snap_client_secret!);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(stored.snap_client_secret).not.toContain(secret);
    expect(res.body).not.toContain(secret);
    expect(res.body).not.toContain(stored.snap_client_secret!);
  });

  it('writes the defaults once when starts race, and a start never overwrites what the admin saved', async () => {
    const tenant = await insertTenant(ctx.db, {
      code: 'BTU',
      name: 'DPMPTSP Kota Batu',
      timeZone: 'Asia/Jakarta',
      hostnames: ['batu.izol.test'],
      branding: {},
      now: ctx.clock.now().toISOString(),
    });
    ctx.services.tenants.invalidate();
    const wrote = await Promise.all(Array.from({ length: 6 }, () => ctx.services.paymentSettings.ensureDefaultSettings(tenant.id)));
    expect(wrote.filter(Boolean)).toHaveLength(1);
    const rows = await ctx.db.selectFrom('payment_settings').selectAll().where('tenant_id', '=', tenant.id).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!.qris_merchant!)).toMatchObject({ name: 'DPMPTSP KOTA BATU', city: 'BATU', merchantId: 'IZOLDEMOBTU' });
    const audits = await ctx.db
      .selectFrom('audit_events')
      .select('action')
      .where('tenant_id', '=', tenant.id)
      .where('action', '=', 'payments.settings_defaulted')
      .execute();
    expect(audits).toHaveLength(1);
    // Each office has its own secret.
    const malang = await row();
    const key = ctx.services.config.dataEncryptionKey;
    expect(decryptField(key, rows[0]!.snap_client_secret!)).not.toBe(decryptField(key, malang.snap_client_secret!));

    const saved = await put(valid({ partnerServiceId: '4321', snapClientSecret: 'bank-jatim-secret-0001' }));
    expect(saved.statusCode, saved.body).toBe(200);
    await ensureOffice(ctx.services, KOTA_MALANG); // the next start
    const after = (await get()).json<{ settings: Record<string, unknown> }>().settings;
    expect(after).toMatchObject({ adapter: 'snap', partnerServiceId: '4321', billExpiryDays: 14, snapClientId: 'bank-jatim-izol', demoBank: false });
  });

  it('saves through the API: the secret is write-only, encrypted at rest, kept when left empty, and never in the audit trail', async () => {
    const secret = 'rahasia-bank-jatim-2026-xyz';
    const res = await put(valid({ snapClientSecret: secret }));
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json<{ settings: Record<string, unknown>; changed: string[] }>();
    expect(body.changed).toEqual(expect.arrayContaining(['snapClientSecret']));
    expect(body.settings).toMatchObject({ snapClientSecretSet: true, snapMissing: [], snapSignatureEncoding: 'hex' });
    expect(res.body).not.toContain(secret);
    const key = ctx.services.config.dataEncryptionKey;
    const stored = await row();
    expect(stored.snap_client_secret).not.toContain(secret);
    expect(decryptField(key, stored.snap_client_secret!)).toBe(secret);
    expect((await get()).body).not.toContain(secret);

    // Empty keeps it; so does leaving the field out.
    expect((await put(valid({ snapClientSecret: '', billExpiryDays: 10 }))).statusCode).toBe(200);
    const { snapClientSecret: _omit, ...withoutSecret } = valid({ billExpiryDays: 11 });
    const kept = await put(withoutSecret);
    expect(kept.statusCode, kept.body).toBe(200);
    expect(kept.json<{ changed: string[] }>().changed).toEqual(['billExpiryDays']);
    expect(decryptField(key, (await row()).snap_client_secret!)).toBe(secret);

    const audits = await ctx.db
      .selectFrom('audit_events')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('action', '=', 'payments.settings_saved')
      .execute();
    expect(audits.length).toBeGreaterThanOrEqual(3);
    for (const a of audits) {
      expect(JSON.stringify(a)).not.toContain(secret);
      expect(JSON.stringify(a)).not.toContain('rahasia');
    }
    expect(audits.some((a) => a.data.includes('"snapClientSecretChanged":true'))).toBe(true);
  });

  it('refuses a bad biller code, a key that is not a PEM, a private key, a short or non-RSA key and bad days, in Indonesian and English, writing nothing', async () => {
    const before = await row();
    const auditsBefore = await ctx.db.selectFrom('audit_events').select('id').where('tenant_id', '=', ctx.tenant.id).execute();
    const refused = async (over: Record<string, unknown>, field: string, code: string, lang = 'id') => {
      const res = await put(valid(over), 'admin', lang);
      expect(res.statusCode, res.body).toBe(400);
      const problem = res.json<{ code: string; errors: { field: string; code: string; message: string }[] }>();
      expect(problem.code).toBe('invalid_input');
      const e = problem.errors.find((x) => x.field === field);
      expect(e, res.body).toMatchObject({ code });
      return e!.message;
    };
    expect(await refused({ partnerServiceId: '123456789' }, 'partnerServiceId', 'invalid_partner_service_id')).toBe('Kode biller harus 1 sampai 8 angka.');
    expect(await refused({ partnerServiceId: '12a45' }, 'partnerServiceId', 'invalid_partner_service_id', 'en')).toBe('The biller code must be 1 to 8 digits.');
    await refused({ partnerServiceId: '' }, 'partnerServiceId', 'invalid_partner_service_id');
    expect(await refused({ snapBankPublicKey: 'not a key at all' }, 'snapBankPublicKey', 'invalid_public_key')).toContain('kunci publik RSA');
    const mangled = BANK.publicKey.replace(/[A-Za-z]{8}/, 'AAAAAAAA');
    await refused({ snapBankPublicKey: mangled }, 'snapBankPublicKey', 'invalid_public_key');
    await refused({ snapBankPublicKey: BANK.privateKey }, 'snapBankPublicKey', 'invalid_public_key');
    await refused({ snapBankPublicKey: rsa(1024).publicKey }, 'snapBankPublicKey', 'invalid_public_key');
    const ec = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await refused({ snapBankPublicKey: ec.publicKey }, 'snapBankPublicKey', 'invalid_public_key');
    await refused({ billExpiryDays: 61 }, 'billExpiryDays', 'invalid_bill_expiry_days');
    await refused({ billExpiryDays: 0 }, 'billExpiryDays', 'invalid_bill_expiry_days');
    await refused({ billExpiryDays: 2.5 }, 'billExpiryDays', 'invalid_bill_expiry_days');
    await refused({ adapter: 'paypal' }, 'adapter', 'invalid_option');
    await refused({ snapClientSecret: 'short' }, 'snapClientSecret', 'invalid_client_secret');
    await refused(
      { qrisMerchant: { name: 'DPMPTSP KOTA MALANG YANG SANGAT PANJANG', city: 'MALANG', merchantId: 'X1', mcc: '9399' } },
      'qrisMerchant.name',
      'invalid_qris_merchant',
    );
    await refused({ snapSignatureEncoding: 'base32' }, 'snapSignatureEncoding', 'invalid_option');
    // Types the route itself refuses.
    const typed = await put({ ...valid(), billExpiryDays: 'tujuh' });
    expect(typed.statusCode).toBe(400);
    const unknown = await put({ ...valid(), apiKey: 'x' });
    expect(unknown.statusCode).toBe(400);

    const after = await row();
    expect(after).toEqual(before);
    expect(await ctx.db.selectFrom('audit_events').select('id').where('tenant_id', '=', ctx.tenant.id).execute()).toHaveLength(auditsBefore.length);
  });

  it('lets only the admin read or change them: every other role is refused with 403', async () => {
    for (const role of ['applicant', 'front_desk', 'verifier', 'technical', 'treasurer', 'head'] as const) {
      const r = await get(role);
      expect(r.statusCode, `${role} GET`).toBe(403);
      expect(r.body).not.toContain('bank-jatim');
      expect((await put(valid({ partnerServiceId: '999' }), role)).statusCode, `${role} PUT`).toBe(403);
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/payments/settings' })).statusCode).toBe(401);
    expect((await row()).partner_service_id).not.toBe('999');
  });

  it('takes effect without a restart: the next bill carries the biller code just saved', async () => {
    const saved = await put(valid({ partnerServiceId: '7788' }));
    expect(saved.statusCode, saved.body).toBe(200);
    const applicant = await userWithToken(ctx, 'applicant');
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    const submitted = await act(ctx, applicant.token, id, 'submit');
    expect(submitted.statusCode, submitted.body).toBe(200);
    await carryToIssued(ctx, id, Object.fromEntries(Object.entries(staff).map(([r, s]) => [r, s.actor])), { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', {
      feeAmount: 500_000,
      feeReason: 'Uji: jumlah ditetapkan untuk pengujian pengaturan pembayaran',
    });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
    expect(bill.va_number).toBe(`    7788${bill.customer_no}`);
    expect(Number(bill.amount)).toBe(500_000);
    expect(bill.legal_basis).toContain('Nomor 1 Tahun 2024');
    expect(Date.parse(bill.expires_at) - Date.parse(bill.issued_at)).toBe(14 * 86_400_000);
  });

  describe('the admin page', () => {
    const signedIn = (role: Role) => signedInOfficer(ctx, role, 'pembayaran.izol.test');

    const form = (over: Record<string, string> = {}) => ({
      adapter: 'snap',
      partnerServiceId: '5566',
      billExpiryDays: '21',
      legalBasis: 'Perda Kota Malang Nomor 1 Tahun 2024',
      qris: 'on',
      'qrisMerchant.name': 'DPMPTSP KOTA MALANG',
      'qrisMerchant.city': 'MALANG',
      'qrisMerchant.postalCode': '65119',
      'qrisMerchant.merchantId': 'ID1023456789',
      'qrisMerchant.mcc': '9399',
      'qrisMerchant.guid': '',
      'qrisMerchant.pan': '',
      'qrisMerchant.criteria': '',
      snapClientId: 'bank-jatim-izol',
      snapClientSecret: '',
      snapBankPublicKey: BANK.publicKey,
      snapSignatureEncoding: 'base64',
      ...over,
    });

    it('is linked from the admin home for the admin only, shows where things stand and never the secret', async () => {
      const admin = await signedIn('admin');
      expect((await admin.get('/kantor/admin')).body).toContain('href="/kantor/admin/pembayaran"');
      const res = await admin.get('/kantor/admin/pembayaran');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<h1>Pengaturan pembayaran</h1>');
      expect(res.body).toContain('Tersimpan (terenkripsi; tidak pernah ditampilkan)');
      expect(res.body).toContain('type="password"');
      const secret = decryptField(ctx.services.config.dataEncryptionKey, (await row()).snap_client_secret!);
      expect(res.body).not.toContain(secret);
      const head = await signedIn('head');
      expect((await head.get('/kantor/admin')).body).not.toContain('/kantor/admin/pembayaran');
      expect((await head.get('/kantor/admin/pembayaran')).statusCode).toBe(403);
      expect((await head.post('/kantor/admin/pembayaran', form())).statusCode).toBe(403);
      const treasurer = await signedIn('treasurer');
      expect((await treasurer.get('/kantor/admin/pembayaran')).statusCode).toBe(403);
    });

    it('refuses a bad save with the error summary, keeps what was typed (not the secret) and saves nothing; a good save redirects', async () => {
      const admin = await signedIn('admin');
      const before = await row();
      const bad = await admin.post(
        '/kantor/admin/pembayaran',
        form({
          partnerServiceId: '123456789',
          snapBankPublicKey: '-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----',
          snapClientSecret: 'typed-secret-1234567890',
          billExpiryDays: '90',
        }),
      );
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('class="error-summary"');
      expect(bad.body).toContain('href="#f-partnerServiceId">Kode biller harus 1 sampai 8 angka</a>');
      expect(bad.body).toContain('href="#f-snapBankPublicKey">');
      expect(bad.body).toContain('href="#f-billExpiryDays">Masa berlaku tagihan harus 1 sampai 60 hari</a>');
      expect(bad.body).toContain('value="123456789"');
      expect(bad.body).not.toContain('typed-secret-1234567890');
      expect(await row()).toEqual(before);

      const badMerchant = await admin.post('/kantor/admin/pembayaran', form({ 'qrisMerchant.mcc': '93' }));
      expect(badMerchant.statusCode).toBe(400);
      expect(badMerchant.body).toContain('href="#f-qrisMerchant-mcc">');

      const good = await admin.post('/kantor/admin/pembayaran', form());
      expect(good.statusCode, good.body).toBe(303);
      expect(good.headers.location).toBe('/kantor/admin/pembayaran?disimpan=1');
      const shown = await admin.get('/kantor/admin/pembayaran?disimpan=1');
      expect(shown.body).toContain('Pengaturan pembayaran disimpan.');
      expect(shown.body).toContain('value="5566"');
      const after = await row();
      expect(after).toMatchObject({ partner_service_id: '5566', bill_expiry_days: 21, snap_client_secret: before.snap_client_secret });
      expect(JSON.parse(after.qris_merchant!)).toMatchObject({ postalCode: '65119', merchantId: 'ID1023456789' });

      const noQris = await admin.post('/kantor/admin/pembayaran', form({ qris: 'off' }));
      expect(noQris.statusCode).toBe(303);
      expect((await row()).qris_merchant).toBeNull();
    });
  });
});
