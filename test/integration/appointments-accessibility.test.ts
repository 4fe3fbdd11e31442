import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, axeViolations, describeViolations, launch } from '../browser/browser.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

/**
 * The appointment journey in Debian's Chromium at a phone's width, through its forms alone (no page of it
 * needs a script: appointments-pages.test.ts walks it as plain HTML): axe-core (WCAG 2.2 AA) finds nothing, nothing is wider than the
 * screen. The HTML is the same on both databases, so this runs on SQLite, like test/browser/.
 */
describe('appointment pages in a browser', () => {
  let ctx: TestContext;
  let base: string;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `appointments-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }
  const submit = (page: Page) => page.locator('main form button[type=submit]').first().click();

  it('books, shows the pass, moves and cancels with the forms alone', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/janji-temu`);
      await checked(page, 'start');
      await page.locator('main a.button').click();
      await submit(page); // nothing chosen
      expect(await page.locator('.error-summary a[href="#f-layanan"]').count()).toBe(1);
      await checked(page, 'service-error');
      await page.check('input[name=layanan][value=PENGAJUAN]', { force: true });
      await submit(page);
      await checked(page, 'permit');
      await page.check('input[name=izin][value=PBG]', { force: true });
      await submit(page);
      await checked(page, 'time');
      await page.locator('input[name=mulai]').first().check({ force: true });
      await submit(page);
      await checked(page, 'details');
      await page.fill('#f-name', 'Sari Wulandari');
      await page.fill('#f-whatsapp', '0812 7000 0001');
      await submit(page);
      await checked(page, 'code');
      await ctx.services.outbox.drain();
      const row = await ctx.db
        .selectFrom('notifications')
        .select('params')
        .where('recipient', '=', '+6281270000001')
        .where('kind', '=', 'contact_code')
        .executeTakeFirstOrThrow();
      await page.fill('#f-kode', (JSON.parse(row.params) as { code: string }).code);
      await submit(page);
      await checked(page, 'check');
      await submit(page);
      await page.waitForURL(/\/janji-temu\/tiket\?/);
      expect(await page.locator('main svg[role=img]').count()).toBe(1);
      await checked(page, 'pass');

      await page.locator('a[href^="/janji-temu/pindah"]').click();
      await checked(page, 'move');
      await page.locator('input[name=mulai]').nth(1).check({ force: true });
      await submit(page);
      await page.waitForURL(/pindah=1/);
      await page.locator('a[href^="/janji-temu/batal"]').click();
      await checked(page, 'cancel');
      await submit(page);
      await page.waitForURL(/batal=1/);
      await checked(page, 'cancelled');
      expect((await ctx.db.selectFrom('appointments').select('status').executeTakeFirstOrThrow()).status).toBe('cancelled');

      await page.goto(`${base}/janji-temu/lihat`);
      await checked(page, 'view');
    } finally {
      await browser.close();
    }
  }, 300_000);
});
