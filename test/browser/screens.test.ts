/**
 * The videotron screen in Chromium (issue 13, item 4): /layar left alone, with nobody signed in, runs
 * through the office's whole playlist twice in 16:9 landscape (1920×1080) and in 9:16 portrait
 * (1080×1920), moving on by itself after each slide's duration; the slides seen are the playlist twice,
 * in order. Each how-to slide's QR code is read from a screenshot, as a phone camera would, and must be
 * the permit type's guide on the office's address; every slide passes axe (WCAG 2.2 AA rules). With
 * JavaScript the script moves on (location.replace: the history does not grow); without it the meta
 * refresh does, and a third walk checks that path's order and timing (axe would report its timed
 * refresh, rule meta-refresh, WCAG 2.2.1: the unattended screen has no user to ask for more time).
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import jsqr from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { createApp } from '../../src/app.js';
import { totpAt } from '../../src/auth/totp.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from './browser.js';

// jsqr is CommonJS whose types declare only a default export; under NodeNext that is `.default`.
const jsQR = jsqr.default;

type Seen = { slide: string; kind: string; at: number };

describe('the videotron screen in Chromium: unattended through its playlist twice, landscape and portrait', () => {
  let ctx: TestContext;
  let server: FastifyInstance;
  let base: string;
  /** The playlist in order: slide id, kind and, for a how-to slide, its permit type. */
  let playlist: { id: string; kind: string; permitCode: string | null }[] = [];
  const admin = { email: 'admin@browser-layar.izol.id', password: 'admin layar browser 2026', secret: '' };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    server = await createApp(ctx.services);
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin Layar',
      email: admin.email,
      password: admin.password,
    });
    admin.secret = await enrollSecondFactor(ctx, userId);
    const actor: Actor = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Layar' };
    // The admin's playlist for the test: the shortest duration allowed (5 s), four slides.
    for (const s of (await ctx.services.screens.playlist({ actor })).slides) await ctx.services.screens.removeSlide({ actor, id: s.id });
    for (const slide of [
      { kind: 'how_to_apply', permitCode: 'REKLAME', durationSeconds: 5 },
      { kind: 'digital_take_up', durationSeconds: 5 },
      { kind: 'how_to_apply', permitCode: 'PBG', durationSeconds: 5 },
      { kind: 'announcement', text: { id: 'Ajukan izin secara online di rumah', en: 'Apply online from home' }, durationSeconds: 5 },
    ]) {
      await ctx.services.screens.addSlide({ actor, slide });
    }
    playlist = (await ctx.services.screens.playlist({ actor })).slides.map((s) => ({ id: s.id, kind: s.kind, permitCode: s.permitCode }));
    expect(playlist).toHaveLength(4);
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  /** Reads the QR code on the slide from its pixels. */
  const scanQr = async (page: Page): Promise<string> => {
    const png = PNG.sync.read(await page.locator('main figure.layar__qr svg').screenshot());
    return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? '';
  };

  /**
   * Opens /layar{query} and lets it run by itself for the playlist twice; at each slide it records what is
   * shown, checks it (axe, the QR code, the layout), and waits for the page to move on by itself.
   */
  async function watch(page: Page, label: string, query: string, opts: { width: number; height: number; script: boolean }): Promise<Seen[]> {
    const seen: Seen[] = [];
    await page.goto(`${base}/layar${query}`);
    const historyAtStart = await page.evaluate<number>('history.length');
    for (let k = 0; k < playlist.length * 2; k++) {
      if (k > 0) await page.waitForEvent('load', { timeout: 20_000 });
      const at = Date.now();
      const main = page.locator('main');
      const slide = (await main.getAttribute('data-slide')) ?? '';
      const kind = (await main.getAttribute('data-slide-kind')) ?? '';
      seen.push({ slide, kind, at });
      // The second round is watched for its order only; without JavaScript only the order (the checks are the runs above).
      if (k >= playlist.length || !opts.script) continue;
      const entry = playlist.find((p) => p.id === slide);
      const shot = path.join(ARTIFACTS, `layar-${label}-${k + 1}-${kind}.png`);
      await page.screenshot({ path: shot });
      const v = await axeViolations(page);
      expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
      // Full screen, nothing to scroll.
      expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(opts.width);
      if (kind === 'how_to_apply' && entry) {
        expect(await scanQr(page), `${label} slide ${k + 1}`).toBe(`${ctx.services.config.baseUrl}/izin/${entry.permitCode}`);
        const qr = (await page.locator('main figure.layar__qr').boundingBox())!;
        const text = (await page.locator('main h1').boundingBox())!;
        const lastDocument = (await page.locator('main [data-documents] li').last().boundingBox())!;
        const kicker = (await page.locator('main .layar__kicker').boundingBox())!;
        const foot = (await page.locator('footer').boundingBox())!;
        // The whole slide is on the screen above the footer: from the first line to the QR code and the last document listed.
        expect(kicker.y, `${label}: first line on screen`).toBeGreaterThanOrEqual(0);
        expect(qr.y + qr.height, `${label}: QR code above the footer`).toBeLessThanOrEqual(foot.y);
        expect(lastDocument.y + lastDocument.height, `${label}: documents above the footer`).toBeLessThanOrEqual(foot.y);
        if (opts.width > opts.height) expect(qr.x, 'landscape: the QR code beside the text').toBeGreaterThan(text.x + text.width / 2);
        else expect(qr.y, 'portrait: the QR code below the text').toBeGreaterThan(text.y + text.height);
      }
    }
    if (opts.script) expect(await page.evaluate<number>('history.length'), 'location.replace: the history does not grow').toBe(historyAtStart);
    return seen;
  }

  const expectPlaylistTwice = (seen: Seen[]) => {
    expect(seen.map((s) => s.slide)).toEqual([...playlist.map((p) => p.id), ...playlist.map((p) => p.id)]);
    expect(seen.map((s) => s.kind)).toEqual([...playlist.map((p) => p.kind), ...playlist.map((p) => p.kind)]);
    // Each slide stays its 5 seconds (a little more: the next page's load), never much longer.
    for (let i = 1; i < seen.length; i++) {
      const gap = seen[i]!.at - seen[i - 1]!.at;
      expect(gap, `slide ${i} stayed ${gap} ms`).toBeGreaterThanOrEqual(4_000);
      expect(gap, `slide ${i} stayed ${gap} ms`).toBeLessThan(10_000);
    }
  };

  for (const o of [
    { label: 'landscape', width: 1920, height: 1080, query: '' },
    { label: 'portrait', width: 1080, height: 1920, query: '' },
  ]) {
    it(`runs unattended in ${o.label} (${o.width}×${o.height}), JavaScript on`, { timeout: 120_000 }, async () => {
      const browser = await launch({ javaScriptEnabled: true });
      try {
        const page = await browser.context.newPage();
        await page.setViewportSize({ width: o.width, height: o.height });
        expectPlaylistTwice(await watch(page, o.label, o.query, { width: o.width, height: o.height, script: true }));
      } finally {
        await browser.close();
      }
    });
  }

  it('runs unattended on the meta refresh alone (JavaScript off), portrait forced on a landscape screen', { timeout: 120_000 }, async () => {
    const browser = await launch({ javaScriptEnabled: false });
    try {
      const page = await browser.context.newPage();
      await page.setViewportSize({ width: 1080, height: 1920 });
      const seen = await watch(page, 'no-script', '?orientasi=potret', { width: 1080, height: 1920, script: false });
      expectPlaylistTwice(seen);
      expect(page.url()).toContain('orientasi=potret');
    } finally {
      await browser.close();
    }
  });

  it('gives the admin an accessible playlist page, its error summary included', { timeout: 60_000 }, async () => {
    const browser = await launch({ javaScriptEnabled: true, width: 1280 });
    try {
      const page = await browser.context.newPage();
      await signInOfficer(page, base, { email: admin.email, password: admin.password, code: totpAt(admin.secret, ctx.clock.now()) });
      await page.goto(`${base}/kantor/admin/layar`);
      expect(await page.locator('[data-slide-row]').count()).toBe(playlist.length);
      let v = await axeViolations(page);
      expect(v, describeViolations(page.url(), v)).toEqual([]);
      // A duration of 3 seconds: the error summary links to the field; nothing is added.
      await page.fill('#f-textId', 'Loket tutup pukul 15.00');
      await page.fill('#f-textEn', 'The counters close at 3 pm');
      await page.fill('#f-duration', '3');
      await Promise.all([page.waitForLoadState('load'), page.locator('main form[data-slide-form] button[type=submit]').click()]);
      await expect.poll(() => page.locator('.error-summary').textContent()).toContain('Durasi harus bilangan bulat 5 sampai 120 detik');
      await page.screenshot({ path: path.join(ARTIFACTS, 'layar-admin-error.png'), fullPage: true });
      v = await axeViolations(page);
      expect(v, describeViolations(page.url(), v)).toEqual([]);
      expect(await page.locator('[data-slide-row]').count()).toBe(playlist.length);
    } finally {
      await browser.close();
    }
  });
});
