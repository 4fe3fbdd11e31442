/**
 * Paying a PBG bill through the built-in demo bank in Chromium at 360 px (issue 12): the demo citizen
 * (Siti, pemohon@demo.izol.id) has two PBG files the treasurer assessed. For the first she reads the
 * payment code on her application's page (B1's bill section), follows its demo bank link, sees what the
 * office answered the bank's inquiry (her name, the amount), pays by VA and, back on the application,
 * sees it paid and moved on. For the second she scans the bill's QRIS from the page (its pixels decoded
 * with jsQR, as a phone camera would), the test checks the string's CRC-16/CCITT-FALSE with its own
 * table-driven implementation, she pastes it into the demo bank and pays by QRIS, with the notification
 * arriving after her page (the race a redirect and a webhook run); the application moves on once it does.
 * The demo bank calls the office's SNAP endpoints over real HTTP (the app listens on BASE_URL). Every
 * demo bank page passes axe (WCAG 2.2 AA) and fits 360 px.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { totpAt } from '../../src/auth/totp.js';
import { createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from './browser.js';

// jsqr is CommonJS whose types declare only a default export; under NodeNext that is `.default`.
const jsQR = jsqr.default;

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR), table-driven, written
 * here on purpose instead of using src/payments/qris.ts: the check value of "123456789" is 0x29B1.
 */
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n << 8;
  for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
  return c;
});
function crcCcittFalse(text: string): number {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'latin1')) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc;
}

async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

describe('paying a PBG bill through the demo bank in Chromium, by VA and by QRIS', () => {
  let ctx: TestContext;
  let base: string;
  const citizen = DEMO_ACCOUNTS.find((a) => a.role === 'applicant')!;
  const files: { id: string; number: string }[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ctx = await createTestContext('sqlite', { BASE_URL: base });
    await ctx.app.listen({ port, host: '127.0.0.1' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    // The demo citizen's account, as the demo data makes it (src/demo/demo-data.ts).
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: citizen.name, email: citizen.email, password: citizen.password });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: citizen.email, password: citizen.password } });
    const token = login.json<{ token: string }>().token;
    const officers: Partial<Record<Role, Actor>> = {};
    let treasurer = '';
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const u = await userWithToken(ctx, role);
      officers[role] = { userId: u.userId, tenantId: ctx.tenant.id, role, name: `Petugas ${role}` };
      if (role === 'treasurer') treasurer = u.token;
    }
    // Two PBG files, filed by Siti and assessed by the treasurer: each gets a bill with its payment code and QRIS.
    for (const amount of [1_250_000, 3_400_000]) {
      const id = await readyDraft(ctx, token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
      expect((await act(ctx, token, id, 'submit')).statusCode).toBe(200);
      await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
      const assessed = await act(ctx, treasurer, id, 'assess_fee', { feeAmount: amount, feeReason: 'Uji perjalanan pembayaran di peramban' });
      expect(assessed.statusCode, assessed.body).toBe(200);
      const app = await ctx.db.selectFrom('applications').select('number').where('id', '=', id).executeTakeFirstOrThrow();
      files.push({ id, number: app.number! });
    }
  }, 240_000);
  afterAll(async () => {
    await ctx?.services.demoBank.idle();
    await ctx?.close();
  });

  it('Siti pays one bill by VA and one by QRIS, and sees each application move on', { timeout: 180_000 }, async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      let step = 0;
      const check = async (label: string) => {
        step++;
        await page.screenshot({ path: path.join(ARTIFACTS, `payments-${String(step).padStart(2, '0')}-${label}.png`), fullPage: true });
        const v = await axeViolations(page);
        expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${label} fits 360 px`).toBeLessThanOrEqual(360);
      };
      const click = async (selector: string) => {
        await Promise.all([page.waitForEvent('load'), page.locator(selector).first().click()]);
      };
      const main = async () => (await page.locator('main').innerText()).replace(/\s+/g, ' ');

      // ── Siti signs in and opens her first application: the bill and how to pay it ─────────────────
      await page.goto(`${base}/akun/masuk?kembali=${encodeURIComponent(`/permohonan/${files[0]!.id}`)}`);
      await page.fill('#f-login', citizen.email);
      await page.fill('#f-password', citizen.password);
      await click('main form button[type=submit]');
      expect(page.url()).toBe(`${base}/permohonan/${files[0]!.id}`);
      // The VA number as the page prints it (B1's bill section), read as Siti reads it.
      const customerNo = (await page.locator('[data-customer-no]').innerText()).trim();
      const vaNumber = (await page.locator('[data-va-number]').innerText()).trim();
      expect(vaNumber).toBe(`88899${customerNo}`);
      expect(await page.locator('[data-bill-status]').getAttribute('data-bill-status')).toBe('open');

      // ── The demo bank, from the bill's link: the inquiry shows her name and the amount ─────────────
      await click('[data-demo-bank]');
      expect(page.url()).toBe(`${base}/bank-demo?va=${customerNo}`);
      expect(await page.inputValue('#f-nomor')).toBe(customerNo);
      await check('bank-start');
      await page.fill('#f-nomor', vaNumber); // at the ATM she types the whole VA number
      await click('main form[action="/bank-demo/va"] button[type=submit]');
      expect(await page.locator('[data-inquiry-name]').innerText()).toBe(citizen.name);
      expect(await page.locator('[data-inquiry-amount]').innerText()).toBe('Rp 1.250.000');
      await check('bank-inquiry');
      await page.locator('main details summary').click();
      await page.getByLabel('Sekali', { exact: true }).check({ force: true });
      await click('main form[action="/bank-demo/va"] button[type=submit]');
      expect(await main()).toContain('Pembayaran berhasil');
      const reference = (await page.locator('[data-bank-reference]').innerText()).trim();
      expect(reference).toMatch(/^DEMO\d{16}$/);
      await check('bank-paid-va');

      // ── Back on the application: paid, and moved on to approval ───────────────────────────────────
      await click(`main a[href="/permohonan/${files[0]!.id}"]`);
      expect(await page.locator('[data-bill-status]').getAttribute('data-bill-status')).toBe('paid');
      expect(await page.locator('[data-bill-paid]').count()).toBe(1);
      const first = await ctx.db.selectFrom('applications').select('state').where('id', '=', files[0]!.id).executeTakeFirstOrThrow();
      expect(first.state).toBe('approval');
      const paidVa = await ctx.db.selectFrom('payments').selectAll().where('application_id', '=', files[0]!.id).execute();
      expect(paidVa.map((p) => [p.provider, p.bank_reference, p.state])).toEqual([['snap_va', reference, 'recorded']]);

      // ── The second application: she scans the bill's QRIS with her phone ─────────────────────────
      await page.goto(`${base}/permohonan/${files[1]!.id}`);
      const png = PNG.sync.read(await page.locator('[data-qris] svg').first().screenshot());
      const qris = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? '';
      expect(qris).toMatch(/^000201010212/);
      // The CRC in tag 63 is what an independent CRC-16/CCITT-FALSE gives over everything up to "6304".
      expect(crcCcittFalse('123456789')).toBe(0x29b1);
      expect(qris.slice(-8, -4)).toBe('6304');
      expect(qris.slice(-4)).toBe(crcCcittFalse(qris.slice(0, -4)).toString(16).toUpperCase().padStart(4, '0'));
      const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', files[1]!.id).executeTakeFirstOrThrow();
      expect(qris).toBe(bill.qris);

      await page.goto(`${base}/bank-demo`);
      await page.fill('#f-qris', qris);
      await click('main form[action="/bank-demo/qris"] button[type=submit]');
      expect(await page.locator('[data-qris-bill]').innerText()).toBe(bill.number);
      expect(await page.locator('[data-qris-amount]').innerText()).toBe('Rp 3.400.000');
      await check('bank-qris');
      await page.locator('main details summary').click();
      await page.getByLabel('Terlambat', { exact: false }).check({ force: true });
      await click('main form[action="/bank-demo/qris/bayar"] button[type=submit]');
      expect(await main()).toContain('Pembayaran berhasil');
      expect(await main()).toContain('Bank sedang mengirim pemberitahuan ke kantor.');
      const qrisReference = (await page.locator('[data-bank-reference]').innerText()).trim();
      await check('bank-paid-qris');

      // Back before the office heard from the bank: the bill is still open; the page catches up once it has.
      await click(`main a[href="/permohonan/${files[1]!.id}"]`);
      await ctx.services.demoBank.idle();
      await page.reload();
      expect(await page.locator('[data-bill-status]').getAttribute('data-bill-status')).toBe('paid');
      const second = await ctx.db.selectFrom('applications').select('state').where('id', '=', files[1]!.id).executeTakeFirstOrThrow();
      expect(second.state).toBe('approval');
      const paidQris = await ctx.db.selectFrom('payments').selectAll().where('application_id', '=', files[1]!.id).execute();
      expect(paidQris.map((p) => [p.provider, p.provider_payment_id, p.state])).toEqual([['qris', qrisReference, 'recorded']]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'payments-99-moved-on.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
  it('the admin reads the payment settings, is told what a bad save lacks, and saves', { timeout: 120_000 }, async () => {
    const admin = { email: 'admin@pembayaran-browser.izol.id', password: 'admin pembayaran peramban 2026' };
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Pembayaran', ...admin });
    const secret = await enrollSecondFactor(ctx, userId);
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      const check = async (label: string) => {
        await page.screenshot({ path: path.join(ARTIFACTS, `payments-settings-${label}.png`), fullPage: true });
        const v = await axeViolations(page);
        expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
        expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${label} fits 360 px`).toBeLessThanOrEqual(360);
      };
      await signInOfficer(page, base, { ...admin, code: totpAt(secret, ctx.clock.now()) });
      await page.goto(`${base}/kantor/admin`);
      await Promise.all([page.waitForEvent('load'), page.locator('main a[href="/kantor/admin/pembayaran"]').click()]);
      expect(await page.locator('main').innerText()).toContain('Bank demo aktif');
      await check('page');
      await page.fill('#f-partnerServiceId', '12a45');
      await Promise.all([page.waitForEvent('load'), page.locator('main form button[type=submit]').click()]);
      expect(await page.locator('.error-summary').innerText()).toContain('Kode biller harus 1 sampai 8 angka');
      await check('refused');
      // The summary's link takes the admin to the field.
      await page.locator('.error-summary a[href="#f-partnerServiceId"]').click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-partnerServiceId');
      await page.fill('#f-partnerServiceId', '88899');
      await page.fill('#f-billExpiryDays', '14');
      await Promise.all([page.waitForEvent('load'), page.locator('main form button[type=submit]').click()]);
      expect(page.url()).toBe(`${base}/kantor/admin/pembayaran?disimpan=1`);
      expect(await page.locator('main').innerText()).toContain('Pengaturan pembayaran disimpan.');
      const saved = await ctx.db
        .selectFrom('payment_settings')
        .select(['bill_expiry_days', 'updated_by'])
        .where('tenant_id', '=', ctx.tenant.id)
        .executeTakeFirstOrThrow();
      expect(saved).toEqual({ bill_expiry_days: 14, updated_by: userId });
    } finally {
      await browser.close();
    }
  });
});
