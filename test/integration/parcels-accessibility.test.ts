import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';

/**
 * The front desk's parcel pages in Debian's Chromium at a phone's width, the forms plain HTML (parcels-pages.test.ts posts them without any script):
 * axe-core (WCAG 2.2 AA) finds nothing, nothing is wider than the screen, and a parcel is logged,
 * linked to a new courier file and its return recorded through the forms. The HTML is the same on both
 * databases (parcels-pages.test.ts reads it on each), so this runs on SQLite, like test/browser/.
 */
describe('courier parcel pages in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'kiriman kurir pagi hari';
  let desk: { email: string; secret: string };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const email = 'loket@browser-kiriman.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket', email, password: PASSWORD });
    desk = { email, secret: await enrollSecondFactor(ctx, userId) };
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `parcels-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }
  const submit = (page: Page, form: string) => page.locator(`main form[method="post"][action="${form}"] button[type=submit]`).click();

  it('logs a parcel, shows its errors, links it to a new courier file and records the return', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: desk.email, password: PASSWORD, code: totpAt(desk.secret, ctx.clock.now()) });

      await page.goto(`${base}/kantor/kiriman`);
      await checked(page, 'list-empty');
      await page.goto(`${base}/kantor/kiriman/baru`);
      await page.selectOption('#f-jenis', 'NIB', { timeout: 5000 });
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/jenis=NIB/, { timeout: 5000 });
      await checked(page, 'log-form');
      await page.fill('#f-company', 'JNE');
      await page.fill('#f-senderName', 'Bu Lestari');
      await submit(page, '/kantor/kiriman/baru');
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a[href="#f-trackingNumber"]').count()).toBe(1);
      await checked(page, 'log-error');
      await page.fill('#f-trackingNumber', 'JN 0099 1122');
      await page.locator('main .checkboxes__label').first().click();
      await submit(page, '/kantor/kiriman/baru');
      await page.waitForURL(/dicatat=1/);
      await checked(page, 'parcel');

      const parcelPath = new URL(page.url()).pathname;
      await submit(page, `${parcelPath}/permohonan-baru`);
      await page.waitForURL(/\/kantor\/loket\//);
      const file = new URL(page.url()).pathname;
      expect(await page.locator('main').textContent()).toContain('(JNE)');

      await page.goto(`${base}${parcelPath}`);
      await checked(page, 'parcel-linked');
      await page.goto(`${base}/kantor/kiriman/keluar`);
      await submit(page, '/kantor/kiriman/keluar');
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a[href="#f-contents"]').count()).toBe(1);
      await checked(page, 'ship-error');
      await page.goto(`${base}/kantor/kiriman/laporan`);
      await checked(page, 'report');
      await page.goto(`${base}/kantor/kiriman`);
      expect(await page.locator('main table tbody tr').count()).toBe(1);
      await checked(page, 'list');
      expect(file).toMatch(/^\/kantor\/loket\//);
    } finally {
      await browser.close();
    }
  });
});
