import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, describeViolations, launch } from '../browser/browser.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit } from '../helpers/journeys.js';

/**
 * The page a sealed QR code opens (/V/<sealed text>, docs/verification.md) in Debian's Chromium at a
 * phone's width: valid, revoked and not authentic (the page itself needs no JavaScript). axe-core (WCAG 2.2 AA) finds
 * nothing, nothing is wider than the screen, each page is under 50 KB. The HTML is the same on both
 * databases (sealed-qr.test.ts reads it on each), so this runs on SQLite.
 */
describe('the sealed QR verification page in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const sealedPaths: { valid: string; revoked: string } = { valid: '', revoked: '' };
  const pathOf = (sealed: string) => `/V/${encodeURIComponent(sealed)}`;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    const applicant = await userWithToken(ctx, 'applicant');
    const t = async (role: 'verifier' | 'technical' | 'head') => (await userWithToken(ctx, role)).token;
    const staff = { verifier: await t('verifier'), technical: await t('technical'), head: await t('head') };
    const sealedOf = async (permitId: string) =>
      (await ctx.app.inject({ url: `/api/v1/permits/${permitId}`, headers: auth(applicant.token) })).json<{ sealedText: string }>().sealedText;
    sealedPaths.valid = pathOf(await sealedOf((await issuedPermit(ctx, applicant.token, staff)).permitId));
    const other = (await issuedPermit(ctx, applicant.token, staff)).permitId;
    sealedPaths.revoked = pathOf(await sealedOf(other));
    const revoked = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${other}/revoke`,
      headers: auth(staff.head),
      payload: { reason: 'Reklame dipasang di luar titik yang diizinkan.' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `seal-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
    const size = await page.evaluate('document.documentElement.outerHTML.length');
    expect(size, `${label} is heavier than 50 KB`).toBeLessThan(50 * 1024);
  }

  it('passes axe on a valid, a revoked and a tampered seal', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      const status = () => page.locator('[data-verification-status]').getAttribute('data-verification-status');
      await page.goto(`${base}${sealedPaths.valid}`);
      expect(await status()).toBe('valid');
      expect(await page.locator('h1').innerText()).toBe('Izin ini sah dan berlaku');
      await checked(page, 'valid');
      await page.goto(`${base}${sealedPaths.revoked}`);
      expect(await status()).toBe('revoked');
      await checked(page, 'revoked');
      // One base45 character changed, never one inside a %20/%25/%2F escape (a %00 would be refused as input, not a seal).
      const at = [...sealedPaths.valid].findIndex((ch, i) => i >= 40 && /[0-9A-Z]/.test(ch) && !sealedPaths.valid.slice(i - 2, i).includes('%'));
      const tampered = sealedPaths.valid.slice(0, at) + (sealedPaths.valid[at] === '0' ? '1' : '0') + sealedPaths.valid.slice(at + 1);
      await page.goto(`${base}${tampered}`);
      expect(await status()).toBe('not_authentic');
      await checked(page, 'not-authentic');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
