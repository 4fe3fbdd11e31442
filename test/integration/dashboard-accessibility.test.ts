import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';

/**
 * The head's dashboard (/kantor/dasbor) in Debian's Chromium at a phone's width (the page has no script):
 * axe-core (WCAG 2.2 AA) finds nothing on the page with its SVG charts and tables (files filed through
 * the real API, a draft left unsubmitted), nor on a period with nothing recorded; nothing is wider
 * than the screen; the filters are a plain GET form; the page is under 50 KB. The HTML is the same on
 * both databases (dashboard.test.ts reads its figures on each), so this runs on SQLite.
 */
describe('the head’s dashboard in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'dasbor kepala dinas uji';
  let head: { email: string; secret: string };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    ctx.clock.set('2026-05-20T03:00:00.000Z');
    const applicant = await userWithToken(ctx, 'applicant');
    for (let i = 0; i < 3; i++) {
      const id = await readyDraft(ctx, applicant.token, 'REKLAME');
      expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    }
    await readyDraft(ctx, applicant.token, 'REKLAME');
    const email = 'kepala@browser-dasbor.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'head', name: 'Kepala Dinas', email, password: PASSWORD });
    head = { email, secret: await enrollSecondFactor(ctx, userId) };
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('passes axe with the charts and tables, and the filters are a plain GET form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      await signInOfficer(page, base, { email: head.email, password: PASSWORD, code: totpAt(head.secret, ctx.clock.now()) });
      const res = await page.goto(`${base}/kantor/dasbor`);
      expect((await res!.body()).byteLength).toBeLessThan(50 * 1024);
      expect(await page.locator('[data-headline]').textContent()).toContain('100,0% (3 dari 3)');
      expect(await page.locator('svg[role="img"]').count()).toBe(3);
      expect(await page.locator('#chart-channels-t').textContent()).toBe('Bagian setiap jalur, 2026-05-01 sampai 2026-05-20');
      expect(await page.locator('[data-completion]').textContent()).toContain('75,0% (3 dari 4)');
      await checked(page, 'month');
      await page.fill('#f-dari', '2027-01-01');
      await page.fill('#f-sampai', '2027-01-31');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/dari=2027-01-01/);
      expect(await page.locator('[data-headline]').textContent()).toBe('belum tercatat');
      await checked(page, 'empty');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
