import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';

/**
 * The channel history pages in Debian's Chromium at a phone's width: axe-core (WCAG 2.2 AA) finds
 * nothing, nothing is wider than the screen, and the look-up is a plain GET form (the pages carry no
 * script of their own; contacts-pages.test.ts reads them as HTML). The HTML is the same on both
 * databases, so this runs on SQLite, like test/browser/.
 */
describe('channel history pages in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'kopi tubruk pagi hari';
  const phone = '081355501234';
  let desk: { email: string; secret: string };
  let citizenId = '';

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const email = 'loket@browser-riwayat.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket', email, password: PASSWORD });
    desk = { email, secret: await enrollSecondFactor(ctx, userId) };
    const { token } = await ctx.services.auth.login({
      tenantId: ctx.tenant.id,
      login: email,
      password: PASSWORD,
      clientIp: '127.0.0.1',
      kind: 'bearer',
      otp: totpAt(desk.secret, ctx.clock.now()),
    });
    for (const channel of ['walk_in', 'courier', 'assisted']) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(token),
        payload: { permitTypeCode: 'REKLAME', channel, applicantName: 'Rahmat Hidayat', applicantContact: phone },
      });
      expect(res.statusCode, res.body).toBe(201);
      ctx.clock.advanceMinutes(30);
    }
    citizenId = (
      await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Rahmat Hidayat', email: 'rahmat@contoh.id', password: PASSWORD })
    ).userId;
    await ctx.services.applications.createApplication({
      actor: { userId: citizenId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Rahmat Hidayat' },
      permitTypeCode: 'PBG',
    });
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `contacts-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('the front desk looks a number up with the form, sees the table, and a mistyped number gets an error summary', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: desk.email, password: PASSWORD, code: totpAt(desk.secret, ctx.clock.now()) });

      await page.goto(`${base}/kantor/warga`);
      await checked(page, 'lookup-form');
      await page.fill('#f-telepon', 'bukan nomor');
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(/\/kantor\/warga\?telepon=/);
      expect(await page.locator('.error-summary a[href="#f-telepon"]').count()).toBe(1);
      await checked(page, 'lookup-error');

      await page.fill('#f-telepon', phone);
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(/\/kantor\/warga\?telepon=/);
      expect(await page.locator('table[data-contacts] tbody tr').count()).toBe(3);
      await checked(page, 'lookup-result');
    } finally {
      await browser.close();
    }
  });

  it('the citizen reads their own history', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', 'rahmat@contoh.id');
      await page.fill('#f-password', PASSWORD);
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL((url) => !url.pathname.startsWith('/akun/masuk'));
      await page.goto(`${base}/akun/riwayat`);
      expect(await page.locator('table[data-contacts] tbody tr').count()).toBe(1);
      await checked(page, 'mine');
    } finally {
      await browser.close();
    }
  });
});
