import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

/**
 * The revenue page (/kantor/pendapatan) in Debian's Chromium at a phone's width, without JavaScript:
 * axe-core (WCAG 2.2 AA) finds nothing on the page with a paid file and a target, on its refused target
 * form, or on a year without a target; nothing is wider than the screen; the year picker is a plain
 * GET form. The HTML is the same on both databases (revenue.test.ts reads it on each), so this runs on
 * SQLite, like test/browser/.
 */
describe('the revenue page in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'pendapatan retribusi tahunan';
  let admin: { email: string; secret: string };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    const applicant = await userWithToken(ctx, 'applicant');
    const officers: Partial<Record<Role, Actor>> = {};
    let treasurer = '';
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      officers[role] = { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` };
      if (role === 'treasurer') treasurer = token;
    }
    // One PBG file assessed and paid at the bank counter (no payment settings: no bill, the fee is the amount).
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers: await validAnswers(ctx, 'PBG') });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    expect((await act(ctx, treasurer, id, 'assess_fee', { feeAmount: 6_176_270, feeReason: 'Uji: jumlah contoh' })).statusCode).toBe(200);
    expect((await act(ctx, treasurer, id, 'record_payment', { paymentReference: 'NTB-A11Y-1' })).statusCode).toBe(200);
    const email = 'admin@browser-pendapatan.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Kantor', email, password: PASSWORD });
    admin = { email, secret: await enrollSecondFactor(ctx, userId) };
    await ctx.services.revenue.setTarget({
      actor: { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Kantor' },
      year: 2026,
      amount: 12_500_000_000,
      reason: 'APBD 2026',
    });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `revenue-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('passes axe with the chart, the table and the forms, and the year picker is a plain GET form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      await signInOfficer(page, base, { email: admin.email, password: PASSWORD, code: totpAt(admin.secret, ctx.clock.now()) });
      await page.goto(`${base}/kantor/pendapatan`);
      expect(await page.locator('svg[role="img"] title').textContent()).toBe('Realisasi kumulatif 2026 terhadap target');
      expect(await page.locator('[data-achieved]').textContent()).toBe('0,0%'); // 6,176,270 / 12.5 billion = 0.049 %
      await checked(page, 'year');
      await page.locator('figure.revenue-figure').screenshot({ path: path.join(ARTIFACTS, 'revenue-chart.png') });
      await page.locator('main form[method="post"] button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a[href="#f-reason"]').count()).toBe(1);
      await checked(page, 'target-error');
      await page.selectOption('#f-tahun', '2027');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/tahun=2027/);
      expect(await page.locator('[data-no-target]').textContent()).toBe('Belum ada target untuk 2027');
      await checked(page, 'future-year');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
