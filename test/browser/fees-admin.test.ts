/**
 * The admin's PBG retribution coefficient pages in Chromium (issue 12; the integration tests show they work without JavaScript): the list of
 * years, one year's form, a refused save with its error summary (a link to the field, which takes focus
 * when followed), and a saved version in the history; each passes axe (WCAG 2.2 AA rules) and fits a
 * phone's width.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { totpAt } from '../../src/auth/totp.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from './browser.js';

describe('the retribution coefficient pages in Chromium', () => {
  let ctx: TestContext;
  let server: FastifyInstance;
  let base = '';
  const admin = { email: 'admin@browser-retribusi.izol.id', password: 'admin retribusi browser 2026', secret: '' };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    server = await createApp(ctx.services);
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Retribusi', ...admin });
    admin.secret = await enrollSecondFactor(ctx, userId);
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  const check = async (page: Page, label: string) => {
    await page.screenshot({ path: path.join(ARTIFACTS, `fees-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${label} fits 360 px`).toBeLessThanOrEqual(360);
  };
  const submit = async (page: Page) => {
    await Promise.all([page.waitForLoadState('load'), page.locator('main form button[type=submit]').last().click()]);
    await page.waitForLoadState('load');
  };

  it('lists, refuses with an error summary, saves a version', { timeout: 120_000 }, async () => {
    const browser = await launch({ javaScriptEnabled: true, width: 360 });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: admin.email, password: admin.password, code: totpAt(admin.secret, ctx.clock.now()) });

      await page.goto(`${base}/kantor/admin`);
      await Promise.all([page.waitForLoadState('load'), page.click('a[href="/kantor/admin/retribusi"]')]);
      expect(await page.locator('tr[data-year="2026"]').innerText()).toContain('Rp 6.800.000');
      await check(page, '01-years');

      await Promise.all([page.waitForLoadState('load'), page.click('a[href="/kantor/admin/retribusi/2026"]')]);
      await check(page, '02-year-form');
      await page.fill('#f-ilo', '0,05');
      await submit(page);
      const summary = page.locator('.error-summary');
      expect(await summary.innerText()).toContain('Ilo harus lebih dari 0 dan paling besar 0,005');
      expect(await summary.innerText()).toContain('Tulis alasan perubahan');
      await check(page, '03-refused');
      await page.click('.error-summary a[href="#f-ilo"]');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-ilo');

      await page.fill('#f-ilo', '0,004');
      await page.fill('#f-reason', 'Keputusan Wali Kota tentang indeks lokalitas');
      await submit(page);
      expect(await page.locator('main').innerText()).toContain('Versi 2 disimpan.');
      expect(await page.locator('li[data-version="2"]').innerText()).toContain('Keputusan Wali Kota tentang indeks lokalitas');
      await check(page, '04-saved');
    } finally {
      await browser.close();
    }
  });
});
