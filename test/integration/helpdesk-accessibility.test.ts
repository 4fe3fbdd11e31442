import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';

/**
 * The help desk's pages in Debian's Chromium at a phone's width, (the script-free behaviour is read as HTML in helpdesk-pages.test.ts):
 * axe-core (WCAG 2.2 AA) finds nothing and nothing is wider than the screen, on the portal's form, its
 * error summary and confirmation, the claim link (open and no longer working) and the office's list,
 * record form and request page. The HTML is the same on both databases, so this runs on SQLite, like
 * test/browser/; helpdesk-pages.test.ts reads the pages as HTML on both.
 */
describe('help desk pages in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'teh manis di meja loket';
  let desk: { email: string; secret: string; actor: Actor };
  let requestId = '';
  let claimPath = '';

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const email = 'loket@browser-bantuan.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket', email, password: PASSWORD });
    desk = { email, secret: await enrollSecondFactor(ctx, userId), actor: { userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket' } };
    const request = await ctx.services.helpdesk.createHelpRequest({
      tenant: ctx.tenant,
      actor: desk.actor,
      channel: 'facebook',
      handle: 'Warung Makan Bu Tini',
      name: 'Bu Tini',
      message: 'Apakah izin reklame perlu untuk spanduk di depan warung?',
      permitCode: 'REKLAME',
    });
    requestId = request.id;
    ctx.clock.advanceMinutes(5);
    await ctx.services.helpdesk.replyToHelpRequest({ actor: desk.actor, id: requestId, body: 'Perlu, kami bantu lewat Messenger.', lang: 'id' });
    const other = await ctx.services.helpdesk.createHelpRequest({
      tenant: ctx.tenant,
      actor: desk.actor,
      channel: 'phone',
      handle: '0812 3456 7001',
      message: 'Telepon soal PBG',
    });
    const assisted = await ctx.services.helpdesk.assistHelpRequest({
      actor: desk.actor,
      id: other.id,
      permitTypeCode: 'PBG',
      applicantName: 'Pak Joko',
      lang: 'id',
    });
    claimPath = new URL(assisted.claimLink!).pathname;
  });
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `helpdesk-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('the portal’s form, its errors and its confirmation, and the claim link in a browser', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/bantuan`);
      await checked(page, 'ask-form');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('.error-summary').count()).toBe(1);
      await checked(page, 'ask-errors');
      await page.fill('#f-handle', 'warga@contoh.id');
      await page.fill('#f-message', 'Berapa lama izin reklame selesai?');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('h1').innerText()).toContain('Pertanyaan Anda sudah kami terima');
      await checked(page, 'ask-done');
      await page.goto(`${base}${claimPath}`);
      expect(await page.locator('h1').innerText()).toBe('Lanjutkan permohonan Anda');
      await checked(page, 'claim-link');
      await page.goto(`${base}/klaim/tautan-yang-tidak-ada-sama-sekali-0123`);
      await checked(page, 'claim-link-gone');
    } finally {
      await browser.close();
    }
  });

  it('the office’s list, record form and request page in a browser', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: desk.email, password: PASSWORD, code: totpAt(desk.secret, ctx.clock.now()) });
      await page.goto(`${base}/kantor/bantuan`);
      await checked(page, 'office-list');
      await page.goto(`${base}/kantor/bantuan/baru`);
      await checked(page, 'office-record');
      await page.goto(`${base}/kantor/bantuan/${requestId}?jawaban=fee`);
      expect(await page.locator('#f-body').inputValue()).toContain('Biaya');
      await checked(page, 'office-request');
    } finally {
      await browser.close();
    }
  });
});
