import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { type IssuingStaff, issuedPermit } from '../helpers/journeys.js';
import { launch } from './browser.js';

const DAY = 24 * 3600 * 1000;

/**
 * Issue 14, the second Done-when with real permits, and the offline half of the third: permits issued
 * and sealed by the app, one revoked through the API
 * before the online visit, so the app's own signed revocation list holds it; offline, the pasted seals
 * read valid, revoked (from the kept list), not genuine when changed, and expired for one issued more
 * than a year ago. Then a second permit is revoked and its row set back to 'valid' in the database: once
 * the page has refreshed its list online, offline it still says revoked, since the list is built from
 * the signed status statements, not from permits.status.
 */
describe('the offline verifier with permits the app issued and revoked', () => {
  let ctx: TestContext;
  let base: string;
  let applicant: string;
  let staff: IssuingStaff;
  const sealed = { valid: '', revoked: '', expired: '', later: '' };
  let laterId = '';

  /** The seal the issuer made: what the permit's QR code carries (`sealedText` in the permit JSON). */
  const sealOf = async (permit: { permitId: string }) => {
    const res = await ctx.app.inject({ url: `/api/v1/permits/${permit.permitId}`, headers: auth(applicant) });
    expect(res.statusCode).toBe(200);
    const text = res.json<{ sealedText: string | null }>().sealedText;
    expect(text).toMatch(/^IZ1:/);
    return text!;
  };
  const revoke = async (permitId: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${permitId}/revoke`,
      headers: auth(staff.head),
      payload: { reason: 'Izin dicabut karena pelanggaran.' },
    });
    expect(res.statusCode).toBe(200);
  };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    // Sessions are made at the clock's time, so each period gets its own applicant and officers.
    const people = async () => {
      applicant = (await userWithToken(ctx, 'applicant')).token;
      const t = async (role: 'verifier' | 'technical' | 'treasurer' | 'head') => (await userWithToken(ctx, role)).token;
      staff = { verifier: await t('verifier'), technical: await t('technical'), treasurer: await t('treasurer'), head: await t('head') };
    };
    // A one-year billboard permit issued 400 days ago has expired by now (the browser's clock is the real one).
    ctx.clock.set(new Date(Date.now() - 400 * DAY).toISOString());
    await people();
    sealed.expired = await sealOf(await issuedPermit(ctx, applicant, staff, 'REKLAME'));
    ctx.clock.set(new Date().toISOString());
    await people();
    sealed.valid = await sealOf(await issuedPermit(ctx, applicant, staff, 'REKLAME'));
    const revoked = await issuedPermit(ctx, applicant, staff, 'REKLAME');
    sealed.revoked = await sealOf(revoked);
    await revoke(revoked.permitId);
    const later = await issuedPermit(ctx, applicant, staff, 'REKLAME');
    laterId = later.permitId;
    sealed.later = await sealOf(later);
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function check(page: Page, text: string): Promise<string | null> {
    await page.fill('#luring-input', text);
    await page.locator('#luring-form button[type=submit]').click();
    const verdict = page.locator('#luring-result [data-verification-status]');
    await verdict.waitFor();
    return verdict.getAttribute('data-verification-status');
  }

  /** Cuts the network: the browser offline, and any request that still reaches the server noted and its connection cut. */
  function cut(): { served: string[]; restore(): void } {
    const served: string[] = [];
    const listener = (req: IncomingMessage) => {
      served.push(req.url ?? '');
      req.socket.destroy();
    };
    ctx.app.server.on('request', listener);
    return { served, restore: () => void ctx.app.server.off('request', listener) };
  }

  it('DONE-WHEN: offline after one online visit, valid, revoked, changed and expired seals; a revocation hidden in the database stays revoked', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/verifikasi/luring`);
      await expect.poll(() => page.locator('#luring-ready').getAttribute('data-offline-ready'), { timeout: 20_000 }).toBe('true');
      await page.waitForLoadState('networkidle');

      let net = cut();
      await browser.context.setOffline(true);
      await page.reload();
      await expect.poll(() => page.locator('[data-list-age]').count()).toBe(1);
      expect(await page.locator('[data-list-stale]').count()).toBe(0);
      expect(await check(page, sealed.valid)).toBe('valid');
      expect(await page.locator('#luring-result').innerText()).toContain('Asli dan berlaku');
      expect(await check(page, sealed.revoked)).toBe('revoked');
      expect(await page.locator('#luring-result').innerText()).toContain('Daftar pencabutan diperbarui');
      const middle = Math.floor(sealed.valid.length / 2);
      const changed = sealed.valid.slice(0, middle) + (sealed.valid[middle] === '0' ? '1' : '0') + sealed.valid.slice(middle + 1);
      expect(await check(page, changed)).toBe('not_authentic');
      expect(await check(page, sealed.expired)).toBe('expired');
      expect(await check(page, sealed.later)).toBe('valid');
      net.restore();
      // Only the browser's own check for a newer worker script tried the network.
      expect(net.served.filter((url) => url !== '/verifikasi/luring/sw.js')).toEqual([]);

      // Revoked, then set back to valid in the database by someone with access to it.
      await revoke(laterId);
      await ctx.db
        .updateTable('permits')
        .set({ status: 'valid', revoked_at: null, revoked_by: null, revocation_reason: null })
        .where('id', '=', laterId)
        .execute();
      await browser.context.setOffline(false);
      await page.reload();
      await expect.poll(() => page.locator('[data-offline]').count()).toBe(0);
      await page.waitForLoadState('networkidle');

      net = cut();
      await browser.context.setOffline(true);
      await page.reload();
      await expect.poll(() => page.locator('[data-list-age]').count()).toBe(1);
      expect(await check(page, sealed.later)).toBe('revoked');
      expect(await check(page, sealed.valid)).toBe('valid');
      net.restore();
    } finally {
      await browser.close();
    }
  }, 120_000);
});
