import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';

/**
 * The treasurer's money desk pages in Debian's Chromium at a phone's width (the forms are plain HTML:
 * reconciliation-pages.test.ts posts them without any script): axe-core (WCAG 2.2 AA) finds nothing and
 * nothing is wider than the screen, while a held payment is closed, a statement with an unreadable line is
 * refused with an error summary, a good one uploaded, its line resolved. The HTML is the same on both
 * databases (reconciliation-pages.test.ts reads it on each), so this runs on SQLite.
 */
describe('the money desk pages in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'bendahara kota malang pagi';
  let treasurer: { email: string; secret: string };
  let dir: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const email = 'bendahara@browser-meja-uang.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'treasurer', name: 'Bendahara Uji', email, password: PASSWORD });
    treasurer = { email, secret: await enrollSecondFactor(ctx, userId) };
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-recon-'));
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `money-desk-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }
  const submit = (page: Page, form: string) => page.locator(`main form[method="post"][action="${form}"] button[type=submit]`).click();

  it('closes a held payment and reconciles a day, every page passing axe at phone width', async () => {
    const held = await ctx.services.payments.receive({
      tenantId: ctx.tenant.id,
      provider: 'snap_va',
      providerPaymentId: 'PRQ-BROWSER-1',
      bill: { customerNo: '2026999999' },
      amount: 750_000,
      paidAt: ctx.clock.now().toISOString(),
      bankReference: 'NTB-778899',
      payerName: 'Sari',
      details: {},
    });
    expect(held.outcome).toBe('held');
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: treasurer.email, password: PASSWORD, code: totpAt(treasurer.secret, ctx.clock.now()) });

      await page.goto(`${base}/kantor/bendahara/pembayaran`);
      await checked(page, 'held-list');
      await page.goto(`${base}/kantor/bendahara/pembayaran/${held.payment.id}`);
      await checked(page, 'held-one');
      await submit(page, `/kantor/bendahara/pembayaran/${held.payment.id}`);
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a[href="#f-note"]').count()).toBe(1);
      await checked(page, 'held-error');
      await page.fill('#f-note', 'Tagihan tidak dikenal: dana dikembalikan');
      await submit(page, `/kantor/bendahara/pembayaran/${held.payment.id}`);
      await page.waitForURL(/disimpan=1/);
      await checked(page, 'held-closed');

      await page.goto(`${base}/kantor/bendahara/rekonsiliasi`);
      await checked(page, 'days-empty');
      const badFile = path.join(dir, 'mutasi-salah.csv');
      fs.writeFileSync(badFile, 'Tanggal;Referensi;Jumlah\n20/11/2026;TRF-1;sejuta\n');
      await page.setInputFiles('#f-statement', badFile);
      await submit(page, '/kantor/bendahara/rekonsiliasi');
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a[href="#f-statement"]').count()).toBe(1);
      expect(await page.locator('.error-summary').textContent()).toContain('Baris 2');
      await checked(page, 'upload-error');

      const goodFile = path.join(dir, 'mutasi.csv');
      fs.writeFileSync(goodFile, 'Tanggal;Jam;Referensi;Nomor VA;Jumlah\n20/11/2026;10:00;NTB-778899;;750.000\n20/11/2026;11:00;TRF-2;;125.000\n');
      await page.setInputFiles('#f-statement', goodFile);
      await submit(page, '/kantor/bendahara/rekonsiliasi');
      await page.waitForURL(/rekonsiliasi\/2026-11-20/);
      expect(await page.locator('main tr[data-line-kind]').count()).toBe(2);
      await checked(page, 'day');
      const resolve = page.locator('main a[href*="/baris/"]');
      expect(await resolve.count()).toBe(1);
      await resolve.click();
      await page.waitForURL(/\/baris\//);
      await checked(page, 'line');
      await page.fill('#f-note', 'Salah transfer, dikembalikan ke pengirim');
      await page.locator('main form[method="post"] button[type=submit]').click();
      await page.waitForURL(/rekonsiliasi\/2026-11-20$/);
      await submit(page, '/kantor/bendahara/rekonsiliasi/2026-11-20/tutup');
      await page.waitForURL(/rekonsiliasi\/2026-11-20$/);
      await checked(page, 'day-closed');
      await page.goto(`${base}/kantor/bendahara/rekonsiliasi`);
      await checked(page, 'days');
    } finally {
      await browser.close();
    }
  });
});
