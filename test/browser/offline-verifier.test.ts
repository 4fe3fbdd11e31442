import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { officeRevocationList, officeSeal, type RevocationListFixture, type SealClaims, strangerSeal } from '../helpers/seal-fixture.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

const HOUR = 3600;

/**
 * Issue 14 item 2, the second Done-when, in Chromium at 360 px: /verifikasi/luring opened once online
 * (its service worker keeps the page, the office's keys and its revocation list), then the network cut
 * and the page reloaded: it still loads, and checks pasted seals in the browser alone (not one request
 * reaches the server): a genuine one is valid, a revoked one revoked from the kept list with the list's
 * age, a tampered one and one signed by a stranger's key not genuine, an expired one expired.
 */
describe('the offline verifier, in the browser', () => {
  let ctx: TestContext;
  let base: string;
  let list: RevocationListFixture;
  const now = Math.floor(Date.now() / 1000);
  const claims = (n: string, extra: Partial<SealClaims> = {}): SealClaims => ({
    office: ctx.tenant.code,
    iat: now - 30 * 24 * HOUR,
    exp: now + 335 * 24 * HOUR,
    permit: { n, t: 'SIPDOK', h: 'dr. Sri Wahyuni', s: 'Praktik dokter umum, Jl. Ijen 12, Malang', v: 'K7Q2M9X4TA' },
    ...extra,
  });
  const seals = { valid: '', revoked: '', expired: '', tampered: '', stranger: '' };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    const valid = await officeSeal(ctx, claims('503/SIP-DOK/0001/2026'));
    seals.valid = valid.text;
    seals.revoked = (await officeSeal(ctx, claims('503/SIP-DOK/0002/2026'))).text;
    seals.expired = (await officeSeal(ctx, claims('503/SIP-DOK/0003/2025', { iat: now - 400 * 24 * HOUR, exp: now - 35 * 24 * HOUR }))).text;
    // The holder's name changed inside the signed payload, the signature left as it was.
    const bytes = Buffer.from(valid.cose);
    const at = bytes.indexOf(Buffer.from('Sri Wahyuni'));
    bytes.write('Sri Wahyuno', at, 'utf8');
    const { sealedText } = await import('../helpers/seal-fixture.js');
    seals.tampered = sealedText(bytes);
    seals.stranger = await strangerSeal(valid.keyId, claims('503/SIP-DOK/0001/2026'));
    const issued = new Date(Date.now() - 3 * HOUR * 1000);
    list = await officeRevocationList(ctx, {
      issuedAt: issued.toISOString(),
      nextUpdate: new Date(issued.getTime() + 24 * HOUR * 1000).toISOString(),
      entries: [{ h: createHash('sha256').update(`${ctx.tenant.code}:503/SIP-DOK/0002/2026`).digest('hex'), at: '2026-11-28T02:00:00.000Z', s: 'revoked' }],
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => ctx?.close());

  async function check(page: Page, text: string): Promise<{ status: string | null; text: string }> {
    await page.fill('#luring-input', text);
    await page.locator('#luring-form button[type=submit]').click();
    const verdict = page.locator('#luring-result [data-verification-status]');
    await verdict.waitFor();
    const result = {
      status: await verdict.getAttribute('data-verification-status'),
      text: (await page.locator('#luring-result').innerText()).replace(/\s+/g, ' '),
    };
    return result;
  }

  it('keeps working offline once opened online: valid, revoked from the kept list, tampered, a stranger’s key, expired', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      // Until the revocation list is served by the app (branch `revocation`), the office-signed fixture stands in for it.
      await browser.context.route('**/.well-known/izol-revocations.json', (route) => route.fulfill({ json: list }));
      const page = await browser.context.newPage();
      await page.goto(`${base}/verifikasi/luring`);
      await expect.poll(() => page.locator('#luring-ready').getAttribute('data-offline-ready'), { timeout: 20_000 }).toBe('true');
      expect(await page.locator('#luring-ready').innerText()).toBe('Siap dipakai tanpa internet.');

      // Whatever the online visit still had in flight is over before the count starts.
      await page.waitForLoadState('networkidle');
      // From here the server is as good as gone: every request that still reaches it is noted and its connection cut.
      const served: string[] = [];
      const count = (req: IncomingMessage) => {
        served.push(req.url ?? '');
        req.socket.destroy();
      };
      ctx.app.server.on('request', count);
      await browser.context.setOffline(true);
      await page.reload();
      expect(await page.locator('h1').innerText()).toBe('Periksa izin tanpa internet');
      await expect.poll(() => page.locator('[data-list-age]').count()).toBe(1);
      expect(await page.locator('[data-list-age]').innerText()).toBe('Daftar pencabutan diperbarui 3 jam lalu.');
      expect(await page.locator('[data-offline]').count()).toBe(1);

      const valid = await check(page, seals.valid);
      expect(valid.status).toBe('valid');
      expect(valid.text).toContain('Asli dan berlaku');
      expect(valid.text).toContain('503/SIP-DOK/0001/2026');
      expect(valid.text).toContain('dr. Sri Wahyuni');
      expect(valid.text).toContain('K7Q2M9X4TA');
      await page.screenshot({ path: path.join(ARTIFACTS, 'offline-verifier-valid.png'), fullPage: true });

      const revoked = await check(page, seals.revoked);
      expect(revoked.status).toBe('revoked');
      expect(revoked.text).toContain('Izin ini dicabut');
      expect(revoked.text).toContain('Daftar pencabutan diperbarui 3 jam lalu.');
      expect(revoked.text).toContain('503/SIP-DOK/0002/2026');

      const tampered = await check(page, seals.tampered);
      expect(tampered.status).toBe('not_authentic');
      expect(tampered.text).toContain('telah diubah atau dipalsukan');
      expect(tampered.text).not.toContain('Sri Wahyuno');

      expect((await check(page, seals.stranger)).status).toBe('not_authentic');
      expect((await check(page, 'IZ1:BUKAN-SEGEL')).status).toBe('not_authentic');

      const expired = await check(page, seals.expired);
      expect(expired.status).toBe('expired');
      expect(expired.text).toContain('masa berlakunya habis');

      // The QR code's address form (upper case; space, % and / percent-encoded) reads the same.
      const address = `HTTPS://MALANG.IZOL.ID/V/${seals.valid.replace(/[ %/]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`)}`;
      expect((await check(page, address)).status).toBe('valid');

      const violations = await axeViolations(page);
      expect(violations, describeViolations(page.url(), violations)).toEqual([]);
      ctx.app.server.off('request', count);
      // Only the browser's own check for a newer worker script tried the network (it does so on every visit, and fails offline).
      expect(served.filter((url) => url !== '/verifikasi/luring/sw.js')).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('refreshes the list when online, warns when it is past its next update, and ignores a list whose signature fails', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const issued = new Date(Date.now() - 30 * HOUR * 1000);
      const stale = await officeRevocationList(ctx, {
        issuedAt: issued.toISOString(),
        nextUpdate: new Date(issued.getTime() + 24 * HOUR * 1000).toISOString(),
        entries: list.entries,
      });
      await browser.context.route('**/.well-known/izol-revocations.json', (route) => route.fulfill({ json: stale }));
      const page = await browser.context.newPage();
      await page.goto(`${base}/verifikasi/luring`);
      await expect.poll(() => page.locator('#luring-ready').getAttribute('data-offline-ready'), { timeout: 20_000 }).toBe('true');
      await expect.poll(() => page.locator('[data-list-stale]').count()).toBe(1);
      expect(await page.locator('[data-list-age]').innerText()).toBe('Daftar pencabutan diperbarui 30 jam lalu.');
      expect(await page.locator('[data-list-stale]').innerText()).toContain('sudah melewati jadwal pembaruannya');
      expect((await check(page, seals.revoked)).status).toBe('revoked');

      // A list whose entries were changed after signing (the revoked permit taken out) counts as no list.
      await browser.context.unroute('**/.well-known/izol-revocations.json');
      await browser.context.route('**/.well-known/izol-revocations.json', (route) => route.fulfill({ json: { ...list, entries: [] } }));
      await page.reload();
      await expect.poll(() => page.locator('[data-list-missing]').count()).toBe(1);
      const unchecked = await check(page, seals.revoked);
      expect(unchecked.status).toBe('unchecked');
      expect(unchecked.text).toContain('status pencabutan tidak dapat diperiksa');

      // Online again with the office's current list: the page takes it (the network first) and the warning goes.
      await browser.context.unroute('**/.well-known/izol-revocations.json');
      await browser.context.route('**/.well-known/izol-revocations.json', (route) => route.fulfill({ json: list }));
      await page.reload();
      await expect.poll(() => page.locator('[data-list-age]').count()).toBe(1);
      expect(await page.locator('[data-list-stale]').count()).toBe(0);
      expect(await page.locator('[data-list-age]').innerText()).toBe('Daftar pencabutan diperbarui 3 jam lalu.');
      expect((await check(page, seals.revoked)).status).toBe('revoked');
    } finally {
      await browser.close();
    }
  }, 90_000);

  it('without JavaScript says the online check is the way, hides the seal form, and passes axe', async () => {
    const browser = await launch({ javaScriptEnabled: false });
    try {
      const page = await browser.context.newPage();
      await page.goto(`${base}/verifikasi/luring`);
      expect(await page.locator('[data-nojs]').isVisible()).toBe(true);
      expect(await page.locator('[data-nojs]').innerText()).toContain('Halaman ini memerlukan JavaScript');
      expect(await page.locator('a[data-online-check]').getAttribute('href')).toBe('/verifikasi');
      expect(await page.locator('#luring-form').isVisible()).toBe(false);
      expect(await page.locator('#luring-scan').isVisible()).toBe(false);
      // axe is a script: it runs on the same page as seen without JavaScript (no scripts, <noscript> shown) in a browser with it.
      const checker = await launch({ javaScriptEnabled: true });
      const copy = await checker.context.newPage();
      await copy.goto(`${base}/health`);
      const seen = (await page.content()).replace(/<script[\s\S]*?<\/script>/g, '').replace(/<(\/?)noscript>/g, '<$1div>');
      const violations = await copy
        .setContent(seen, { waitUntil: 'load' })
        .then(() => axeViolations(copy))
        .finally(() => checker.close());
      expect(violations, describeViolations(page.url(), violations)).toEqual([]);
      await page.screenshot({ path: path.join(ARTIFACTS, 'offline-verifier-nojs.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
