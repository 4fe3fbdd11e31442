import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, describeViolations, launch } from '../browser/browser.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

/**
 * The citizen's PBG fee calculator in Debian's Chromium at a phone's width: from the guide's link, the
 * form, a refused answer's error summary whose link takes the field, and the estimate with its steps;
 * axe-core (WCAG 2.2 AA) finds nothing and nothing is wider than the screen. The HTML is the same on both
 * databases (fees-estimate.test.ts reads it on each), so this runs on SQLite, like test/browser/.
 */
describe('the fee calculator in a browser', () => {
  let ctx: TestContext;
  let base: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `fees-estimate-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }
  const choose = (page: Page, name: string, value: string) => page.locator(`input[name="${name}"][value="${value}"]`).check({ force: true });

  it('estimates the worked example from the guide, after a refused answer, at 360 px', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/izin/PBG`);
      await page.locator('a[href="/izin/PBG/perkiraan"]').click();
      await page.waitForURL(/\/izin\/PBG\/perkiraan$/);
      await checked(page, 'form');

      await page.fill('#f-floorArea', 'dua ratus');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/hitung=1/);
      await checked(page, 'error');
      await page.locator('.error-summary a[href="#f-floorArea"]').click();
      expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('f-floorArea');

      await page.fill('#f-floorArea', '235');
      await page.fill('#f-floorCount', '2');
      await choose(page, 'buildingFunction', 'umkm');
      await choose(page, 'complexity', 'not_simple');
      await choose(page, 'permanence', 'permanent');
      await choose(page, 'ownership', 'private');
      await choose(page, 'buildingWorkType', 'new');
      await choose(page, 'lowIncomeHouse', 'no');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('[data-estimate-amount]').textContent()).toBe('Perkiraan: Rp 6.176.270');
      await checked(page, 'result');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
