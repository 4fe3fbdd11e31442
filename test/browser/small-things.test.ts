import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestContext, type TestContext } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

/**
 * Issue 16 item 9 in Chromium at 360 px: without JavaScript the receipt's Print button and the upload
 * progress bar stay hidden (they carry `hidden`; the stylesheet no longer overrides it), with
 * JavaScript the Print button appears; the receipt and the new pages (delete a draft, the privacy notice, the
 * profile's sign-out on all devices) pass axe, and a draft is deleted through its confirm page.
 */
describe('smaller things seen, in the browser', () => {
  let ctx: TestContext;
  let base: string;
  let token: string;
  let filed: string;
  const email = 'sri.kecil@browser.izol.id';
  const password = 'warung malang lantai dua';

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Sri Wahyuni', email, password });
    token = (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } })).json<{ token: string }>().token;
    filed = await readyDraft(ctx, token, 'SIPDOK');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${filed}/submit`, headers: auth(token) })).statusCode).toBe(200);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function signedIn(js: boolean): Promise<{ page: Page; close: () => Promise<void> }> {
    const browser = await launch({ javaScriptEnabled: js });
    const page = await browser.context.newPage();
    await page.goto(`${base}/akun/masuk`);
    await page.fill('#f-login', email);
    await page.fill('#f-password', password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/akun/masuk')), page.locator('main form button[type=submit]').click()]);
    return { page, close: () => browser.close() };
  }

  async function accessible(page: Page, name: string): Promise<void> {
    const violations = await axeViolations(page);
    expect(violations, describeViolations(page.url(), violations)).toEqual([]);
    await page.screenshot({ path: path.join(ARTIFACTS, `small-things-${name}.png`), fullPage: true });
  }

  it('keeps the receipt’s Print button and the progress bar hidden without JavaScript', async () => {
    const { page, close } = await signedIn(false);
    try {
      await page.goto(`${base}/permohonan/${filed}/tanda-terima`);
      const print = page.locator('button[data-print]');
      expect(await print.count()).toBe(1);
      expect(await print.isVisible()).toBe(false);
      expect(await page.locator('[data-receipt-number]').isVisible()).toBe(true);
      expect(await page.locator('[data-receipt-tracking]').isVisible()).toBe(true);
      await page.screenshot({ path: path.join(ARTIFACTS, 'small-things-receipt-nojs.png'), fullPage: true });

      const draft = await readyDraft(ctx, token, 'SIPDOK');
      await page.goto(`${base}/permohonan/${draft}/dokumen/photo`);
      const progress = page.locator('progress.upload-progress');
      expect(await progress.count()).toBe(1);
      expect(await progress.isVisible()).toBe(false);
    } finally {
      await close();
    }
  });

  it('shows the Print button once JavaScript runs', async () => {
    const { page, close } = await signedIn(true);
    try {
      await page.goto(`${base}/permohonan/${filed}/tanda-terima`);
      await expect.poll(() => page.locator('button[data-print]').isVisible()).toBe(true);
      await accessible(page, 'receipt');
    } finally {
      await close();
    }
  });

  // axe runs in the page, so this walk has JavaScript on (the confirm page is a plain form either way).
  it('deletes a draft through its confirm page, and the new pages pass axe', async () => {
    const { page, close } = await signedIn(true);
    try {
      await page.goto(`${base}/izin/SIPDOK/mulai`);
      await Promise.all([page.waitForURL(/\/isian\//), page.locator('main form button[type=submit]').click()]);
      const draft = /\/permohonan\/([0-9a-f-]{36})\//.exec(page.url())![1]!;
      await page.goto(`${base}/permohonan/${draft}`);
      await page.locator('main a', { hasText: 'Hapus draf ini' }).click();
      await page.waitForURL(`${base}/permohonan/${draft}/hapus`);
      expect(await page.locator('h1').innerText()).toBe('Hapus draf ini?');
      await accessible(page, 'delete-draft');
      await Promise.all([page.waitForURL(`${base}/permohonan?dihapus=1`), page.locator('main form button[type=submit]').click()]);
      expect(await page.locator('main').innerText()).toContain('Draf sudah dihapus.');
      expect(await page.locator(`main a[href="/permohonan/${draft}"]`).count()).toBe(0);
      await accessible(page, 'list-after-delete');

      await page.goto(`${base}/akun/profil`);
      expect(await page.locator('main a[href="/privasi"]').isVisible()).toBe(true);
      await accessible(page, 'profile');
      await page.goto(`${base}/privasi`);
      await accessible(page, 'privacy');
    } finally {
      await close();
    }
  });
});
