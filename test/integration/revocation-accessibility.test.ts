import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, describeViolations, launch } from '../browser/browser.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit } from '../helpers/journeys.js';

/**
 * The verification page's new answer, "not authentic" because a revoked permit's row was set back to
 * valid (docs/verification.md), and the revoked answer beside it, in Debian's Chromium at a phone's width:
 * axe-core (WCAG 2.2 AA) finds nothing, nothing is wider than the screen, each page is under 50 KB.
 * The HTML is the same on both databases (revocation.test.ts reads it on each), so this runs on SQLite.
 */
describe('the verification page for a tampered status, in a browser', () => {
  let ctx: TestContext;
  let base: string;
  let permit: Awaited<ReturnType<typeof issuedPermit>>;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    const applicant = await userWithToken(ctx, 'applicant');
    const staff = {
      verifier: (await userWithToken(ctx, 'verifier')).token,
      technical: (await userWithToken(ctx, 'technical')).token,
      treasurer: (await userWithToken(ctx, 'treasurer')).token,
      head: (await userWithToken(ctx, 'head')).token,
    };
    permit = await issuedPermit(ctx, applicant.token, staff, 'REKLAME');
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${permit.permitId}/revoke`,
      headers: auth(staff.head),
      payload: { reason: 'Reklame <b>dipasang</b> di luar titik yang diizinkan.' },
    });
    expect(res.statusCode, res.body).toBe(200);
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `revocation-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
    const size = await page.evaluate('document.documentElement.outerHTML.length');
    expect(size, `${label} is heavier than 50 KB`).toBeLessThan(50 * 1024);
  }

  it('passes axe on the revoked answer and on the not-authentic answer after the row is set back to valid', async () => {
    const browser = await launch({ javaScriptEnabled: true, width: 360 });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/v/${permit.verificationCode}`);
      await expect(page.locator('[data-verification-status]').getAttribute('data-verification-status')).resolves.toBe('revoked');
      // The reason is the head's text, escaped: no element is made of it.
      expect(await page.locator('[data-revocation-reason] b').count()).toBe(0);
      await checked(page, 'revoked');

      await ctx.db
        .updateTable('permits')
        .set({ status: 'valid', revoked_at: null, revoked_by: null, revocation_reason: null })
        .where('id', '=', permit.permitId)
        .execute();
      await page.goto(`${base}/verifikasi?kode=${permit.verificationCode}`);
      expect(page.url()).toBe(`${base}/v/${permit.verificationCode}`);
      await expect(page.locator('[data-verification-status]').getAttribute('data-verification-status')).resolves.toBe('not_authentic');
      await expect(page.locator('h1').first().textContent()).resolves.toContain('Tidak asli');
      expect(await page.locator('[data-status-statement="revoked"]').count()).toBe(1);
      // What the office signed stays checkable: the signed JSON and the revocation list are linked.
      expect(await page.locator(`a[href="/api/v1/verify/${permit.verificationCode}"]`).count()).toBe(1);
      expect(await page.locator('a[href="/.well-known/izol-revocations.json"]').count()).toBe(1);
      await checked(page, 'tampered');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
