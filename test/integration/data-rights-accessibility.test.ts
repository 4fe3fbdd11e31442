import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';

/**
 * The personal data pages (LAW-5) in Debian's Chromium at a phone's width: axe-core (WCAG 2.2 AA) finds nothing, nothing is wider than the screen, and a form sent
 * with a mistake gets an error summary linking to the field. data-rights.test.ts reads the same pages
 * as HTML on both databases; the HTML does not depend on the database, so this runs on SQLite.
 */
describe('personal data pages in a browser (LAW-5)', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'kopi tubruk pagi hari';
  const citizen = 'ani@data-pribadi.izol.id';
  let desk: { email: string; secret: string };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const email = 'loket@data-pribadi.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket', email, password: PASSWORD });
    desk = { email, secret: await enrollSecondFactor(ctx, userId) };
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Ani Lestari', email: citizen, password: PASSWORD });
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `data-rights-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('(LAW-5) the citizen reads "Data pribadi saya", sends a correction (after an error summary) and reads the erasure page', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', citizen);
      await page.fill('#f-password', PASSWORD);
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL((url) => !url.pathname.startsWith('/akun/masuk'));
      await page.goto(`${base}/akun/data-pribadi`);
      await checked(page, 'mine');

      await page.goto(`${base}/akun/data-pribadi/pembetulan`);
      await checked(page, 'correction-form');
      await page.locator('main form button[type=submit]').click();
      expect(await page.locator('.error-summary a[href="#f-currentValue"]').count()).toBe(1);
      await checked(page, 'correction-error');
      await page.locator('label[for="f-subject-4"]').click();
      await page.fill('#f-currentValue', 'Jl. Ijen No. 10');
      await page.fill('#f-requestedValue', 'Jl. Ijen No. 12');
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(/\/akun\/data-pribadi\/permintaan\//);
      expect(await page.locator('[data-reference]').innerText()).toMatch(/^KOR-/);
      await checked(page, 'correction-filed');

      await page.goto(`${base}/akun/data-pribadi/hapus`);
      await checked(page, 'erasure-form');
    } finally {
      await browser.close();
    }
  });

  it('(LAW-5) the front desk reads the open requests and one request with its answer form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: desk.email, password: PASSWORD, code: totpAt(desk.secret, ctx.clock.now()) });
      await page.goto(`${base}/kantor/data-pribadi`);
      expect(await page.locator('table[data-requests] tbody tr').count()).toBe(1);
      await checked(page, 'office-list');
      await page.locator('table[data-requests] tbody a').first().click();
      await page.waitForURL(/\/kantor\/data-pribadi\/[0-9a-f-]{36}$/);
      await checked(page, 'office-request');
      await page.locator('main form button[type=submit]').click();
      expect(await page.locator('.error-summary').count()).toBe(1);
      await checked(page, 'office-request-error');
    } finally {
      await browser.close();
    }
  });
});
