import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, describeViolations, launch } from '../browser/browser.js';
import { createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';

/**
 * The public transparency page (/transparansi) in Debian's Chromium at a phone's width (the page has
 * no script of its own; axe needs the browser's): axe-core (WCAG 2.2 AA) finds nothing with its SVG chart and tables
 * (files filed through the real API), nor on a year with nothing recorded, nor in English; nothing is
 * wider than the screen; the year is a plain GET form; the page is under 50 KB. The HTML is the same on
 * both databases (transparency.test.ts reads its figures on each), so this runs on SQLite.
 */
describe('the public transparency page in a browser', () => {
  let ctx: TestContext;
  let base: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    ctx.clock.set('2026-05-20T03:00:00.000Z');
    const applicant = await userWithToken(ctx, 'applicant');
    for (let i = 0; i < 3; i++) {
      const id = await readyDraft(ctx, applicant.token, 'REKLAME');
      expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    }
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `transparency-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('passes axe with the chart and tables, on an empty year and in English; the year is a plain GET form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      const res = await page.goto(`${base}/transparansi`);
      expect((await res!.body()).byteLength).toBeLessThan(50 * 1024);
      expect(await page.locator('[data-headline] strong').textContent()).toBe('100,0% (3 dari 3)');
      expect(await page.locator('svg[role="img"]').count()).toBe(1);
      expect(await page.locator('#chart-digital-t').textContent()).toBe('Serapan digital per bulan, Juni 2025 sampai Mei 2026');
      expect(await page.locator('[data-table="bulan"] tr[data-month="2026-05"] td').last().textContent()).toBe('100,0% (3 dari 3)');
      await checked(page, 'year');
      await page.selectOption('#f-tahun', '2026');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/tahun=2026/);
      expect(await page.locator('#chart-digital-t').textContent()).toBe('Serapan digital per bulan, Januari 2026 sampai Mei 2026');
      await page.goto(`${base}/transparansi?tahun=2025`);
      expect(await page.locator('[data-headline] strong').textContent()).toBe('belum tercatat');
      expect(await page.locator('[data-skm-headline] strong').textContent()).toBe('belum tercatat');
      await checked(page, 'empty');
      // The site's language switch (it returns to the page's path, as on every page).
      await page.locator('.header__lang button').click();
      await page.locator('h1', { hasText: 'Service transparency' }).waitFor();
      expect(await page.locator('[data-headline] strong').textContent()).toBe('100.0% (3 of 3)');
      await checked(page, 'english');
      await page.goto(`${base}/transparansi?tahun=2025`);
      expect(await page.locator('[data-headline] strong').textContent()).toBe('not yet recorded');
      await checked(page, 'english-empty');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
