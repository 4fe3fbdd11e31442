/**
 * The queue's journey in Chromium (issue 11): a citizen books a slot on a phone-sized screen (the
 * appointment pages), reports at the kiosk by scanning the booking pass (its QR code read from the
 * screenshot, as a camera would, and typed into the kiosk's field as a hardware scanner does), watches
 * their position and expected wait on their phone, is called on the lobby display (live over server-sent
 * events, also across a server restart, and after a reload with JavaScript off), is served and completed
 * at a counter, and the day's report shows the waiting and service times. Every queue page passes axe
 * (WCAG 2.2 AA rules).
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import path from 'node:path';
import jsqr from 'jsqr';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { totpAt } from '../../src/auth/totp.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

// jsqr is CommonJS whose types declare only a default export; under NodeNext that is `.default`.
const jsQR = jsqr.default;
const at = (hhmm: string) => new Date(Date.parse(`2026-11-20T${hhmm}:00+07:00`)).toISOString();

describe('the queue in Chromium: book, report at the kiosk, called on the display, served at a counter', () => {
  let ctx: TestContext;
  let base: string;
  let port: number;
  /** The server the browsers talk to: its own app over the test's services, so that the test can restart it. */
  let server: FastifyInstance;
  const officer = { email: 'loket@browser-antrian.izol.id', password: 'loket antrean browser 2026', secret: '' };
  const admin = { email: 'admin@browser-antrian.izol.id', password: 'admin antrean browser 2026', secret: '' };
  let kioskToken = '';

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    server = await createApp(ctx.services);
    await server.listen({ port: 0, host: '127.0.0.1' });
    port = (server.server.address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'front_desk', name: 'Agus Loket', ...officer });
    officer.secret = await enrollSecondFactor(ctx, userId);
    const a = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Antrean', ...admin });
    admin.secret = await enrollSecondFactor(ctx, a.userId);
    // The office's other kiosk, which uses the API.
    kioskToken = (
      await ctx.services.queue.enrolKiosk({
        actor: { userId: a.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Antrean' },
        tenant: ctx.tenant,
        name: 'Kios API',
      })
    ).token;
  });
  afterAll(async () => {
    await server?.close();
    await ctx?.close();
  });

  const check = async (page: Page, label: string, width?: number) => {
    await page.screenshot({ path: path.join(ARTIFACTS, `queue-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    if (width) expect(await page.evaluate<number>('document.documentElement.scrollWidth'), `${label} fits ${width} px`).toBeLessThanOrEqual(width);
  };
  const submit = async (page: Page, selector = 'main form button[type=submit]') => {
    await Promise.all([page.waitForLoadState('load'), page.locator(selector).last().click()]);
    await page.waitForLoadState('load');
  };
  const signIn = async (page: Page, who: { email: string; password: string; secret: string }) => {
    await page.goto(`${base}/akun/masuk`);
    await page.fill('#f-login', who.email);
    await page.fill('#f-password', who.password);
    await submit(page);
    await page.fill('#f-code', totpAt(who.secret, ctx.clock.now()));
    await submit(page);
  };

  it('runs the whole visit', { timeout: 180_000 }, async () => {
    // Friday 20 November 2026, 09:00 in Malang: two walk-ins are already waiting for file submission.
    ctx.clock.set(at('09:00'));
    for (let i = 0; i < 2; i++) {
      const r = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/queue/tickets',
        headers: { 'x-kiosk-token': kioskToken },
        payload: { service: 'PENGAJUAN' },
        remoteAddress: `10.9.0.${i + 1}`,
      });
      expect(r.statusCode, r.body).toBe(201);
    }

    const phone = await launch({ javaScriptEnabled: true, width: 360 });
    const kiosk = await launch({ javaScriptEnabled: true, width: 800 });
    const tv = await launch({ javaScriptEnabled: true, width: 1280 });
    const counter = await launch({ javaScriptEnabled: true, width: 1024 });
    const plainTv = await launch({ javaScriptEnabled: false, width: 1280 });
    try {
      // ── Before opening, the admin enrols the lobby tablet as the office's kiosk, and signs out ──────
      const enrol = await kiosk.context.newPage();
      await signIn(enrol, admin);
      await enrol.goto(`${base}/kantor/admin/antrian`);
      await enrol.fill('#f-name', 'Kios lobi');
      await submit(enrol, 'main form[action="/kantor/admin/antrian/kios"] button[type=submit]');
      expect(await enrol.locator('main').innerText()).toContain('Perangkat ini sekarang kios antrean');
      await submit(enrol, 'form[action="/akun/keluar"] button[type=submit]');
      await enrol.close();

      // ── The citizen books the 09:30 slot on their phone ──────────────────────────────────────────
      const p = await phone.context.newPage();
      await p.goto(`${base}/janji-temu`);
      await Promise.all([p.waitForLoadState('load'), p.locator('main a[href="/janji-temu/layanan"]').click()]);
      await p.getByLabel('Pengajuan berkas').check({ force: true });
      await submit(p);
      await submit(p); // no permit type chosen
      await p.locator(`input[name=mulai][value="${at('09:30')}"]`).check({ force: true });
      await submit(p);
      await p.fill('#f-name', 'Rina Wulandari');
      await p.fill('#f-whatsapp', '0812 3456 7001');
      await submit(p);
      await ctx.services.outbox.drain();
      const sent = await ctx.db
        .selectFrom('notifications')
        .select('params')
        .where('recipient', '=', '+6281234567001')
        .where('kind', '=', 'contact_code')
        .executeTakeFirstOrThrow();
      await p.fill('#f-kode', (JSON.parse(sent.params) as { code: string }).code);
      await submit(p, 'main form[action="/janji-temu/periksa"] button[type=submit]');
      await submit(p, 'main form[action="/janji-temu/pesan"] button[type=submit]'); // confirm the answers
      expect(p.url()).toContain('/janji-temu/tiket?nomor=');
      // The pass's QR code, read from its pixels.
      const png = PNG.sync.read(await p.locator('main figure svg').first().screenshot());
      const scanned = jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data ?? '';
      expect(scanned).toMatch(/\/antrian\/lapor\?nomor=MLG-APT-20261120-\d{4}&kode=[0-9A-Z]{8}$/);

      // ── 09:20: at the kiosk, the hardware scanner types the QR code's text into the field ─────────
      ctx.clock.set(at('09:20'));
      const k = await kiosk.context.newPage();
      await k.goto(`${base}/antrian`);
      await check(k, '01-kiosk', 800);
      await k.fill('#f-pass', scanned);
      await Promise.all([k.waitForURL(/\/antrian\/lapor\?/), k.press('#f-pass', 'Enter')]);
      await check(k, '02-report-arrival', 800);
      await expect.poll(() => k.locator('main').innerText()).toContain('09:30');
      await submit(k, 'main form[action="/antrian/lapor"] button[type=submit]');
      expect(k.url()).toMatch(/\/antrian\/kios\/[0-9a-f-]{36}$/);
      const number = (await k.locator('[data-ticket-number]').innerText()).trim();
      expect(number).toBe('B-003');
      await check(k, '03-kiosk-number', 800);
      const ticketPath = (await k.locator('[data-ticket-link]').getAttribute('href'))!;
      // The ticket's own QR code leads to the visitor's ticket page.
      const kpng = PNG.sync.read(await k.locator('main figure svg').first().screenshot());
      expect(jsQR(new Uint8ClampedArray(kpng.data), kpng.width, kpng.height)?.data).toBe(`${ctx.services.config.baseUrl}${ticketPath}`);

      // ── On the phone: position and expected wait (the two walk-ins go first until 09:30) ──────────
      // About 10 minutes: the slot starts in 10, and the two walk-ins before it take 2 × 10 ÷ 2 counters.
      await p.goto(`${base}${ticketPath}`);
      const mine = await p.locator('main').innerText();
      expect(mine).toContain('2 orang lagi sebelum Anda');
      expect(mine).toContain('sekitar 10 menit');
      expect(mine).toContain('Anda dipanggil mulai pukul 09:30');
      await check(p, '04-ticket-phone', 360);

      // ── The lobby display, live ──────────────────────────────────────────────────────────────────
      const screen = await tv.context.newPage();
      await screen.goto(`${base}/antrian/layar`);
      await expect.poll(() => screen.locator('#q-live').innerText()).toBe('Diperbarui langsung');
      await expect.poll(() => screen.locator('#q-next').innerText()).toContain(number);
      await check(screen, '05-display', 1280);
      // The sound is off until someone turns it on (browsers block autoplay).
      await screen.locator('#q-sound').click();
      expect(await screen.locator('#q-sound').getAttribute('aria-pressed')).toBe('true');

      // ── 09:30: the counter officer signs in and calls the next file submission ────────────────────
      ctx.clock.set(at('09:30'));
      const c = await counter.context.newPage();
      await signIn(c, officer);
      await c.goto(`${base}/kantor/antrian/loket`);
      await c.getByLabel('Loket 2').check({ force: true });
      await submit(c);
      await check(c, '06-counter', 1024);
      await submit(c, 'main form[action="/kantor/antrian/loket/panggil"] button[value=PENGAJUAN]');
      // At their slot time the booked visitor goes before the walk-ins.
      await expect.poll(() => c.locator('main').innerText()).toContain(`Nomor ${number} dipanggil ke Loket 2.`);
      await check(c, '07-counter-called', 1024);

      // The display shows it without a reload, over the stream.
      await expect.poll(() => screen.locator('#q-serving-body').innerText(), { timeout: 10_000 }).toContain(number);
      expect(await screen.locator('#q-serving-body tr').first().innerText()).toContain('Loket 2');
      // A display without JavaScript shows it too, and refreshes itself.
      const plain = await plainTv.context.newPage();
      await plain.goto(`${base}/antrian/layar`);
      expect(await plain.locator('#q-serving-body').innerText()).toContain(number);
      expect(await plain.content()).toContain('<meta http-equiv="refresh" content="15">');
      // The server restarts: the display reconnects by itself and is live again.
      await server.close();
      server = await createApp(ctx.services);
      await server.listen({ port, host: '127.0.0.1' });
      // A minute later the counter calls the visitor again: the display, on its new stream, shows the new call.
      ctx.clock.set(at('09:31'));
      await submit(c, 'main form.inline-form button[value=recall]');
      await expect
        .poll(async () => screen.locator('#q-serving-body tr').first().getAttribute('data-key'), { timeout: 20_000 })
        .toBe(`${number}@${at('09:31')}`);
      // The phone's page names the counter.
      await p.goto(`${base}${ticketPath}`);
      expect(await p.locator('main').innerText()).toContain('Silakan menuju Loket 2');

      // ── Served for seven minutes, then completed ─────────────────────────────────────────────────
      await submit(c, 'main form.inline-form button[value=start]');
      ctx.clock.set(at('09:38'));
      await submit(c, 'main form.inline-form button[value=complete]');
      expect(await c.locator('main').innerText()).toContain(`Tercatat: ${number} Selesai.`);
      await p.goto(`${base}${ticketPath}`);
      expect(await p.locator('main').innerText()).toContain('Selesai');

      // ── The day's report: waiting and service times derived from the events ─────────────────────
      await c.goto(`${base}/kantor/antrian/laporan?tanggal=2026-11-20`);
      const row = await c.locator('tr[data-service="PENGAJUAN"]').innerText();
      // Three tickets, one completed; the booked visitor waited 10 minutes (09:20 to the first call at 09:30) and was served 7 (09:31–09:38).
      expect(row).toMatch(/Pengajuan berkas\s+3\s+1\s+0\s+10 \/ 10\s+7 \/ 7/);
      await check(c, '08-report', 1024);
      await c.goto(`${base}/kantor/antrian`);
      expect(await c.locator(`tr[data-ticket="${number}"]`).innerText()).toContain('Janji temu 09:30');
      await check(c, '09-front-desk', 1024);
      // The admin's queue settings.
      const adminPage = await plainTv.context.newPage();
      await signIn(adminPage, admin);
      await adminPage.goto(`${base}/kantor/admin/antrian`);
      expect(await adminPage.locator('#f-counters').inputValue()).toContain('Loket 1: KONSULTASI, PENGAJUAN, PENGAMBILAN');
      // axe needs script: the page's HTML is checked in a browser with JavaScript, at the site's address.
      const checker = await counter.context.newPage();
      await checker.goto(`${base}/health`);
      await checker.setContent(await adminPage.content(), { waitUntil: 'load' });
      await check(checker, '10-settings', 1024);
      // And the display after a reload with JavaScript off: the counter still shows the completed visit's number gone.
      await plain.reload();
      expect(await plain.locator('#q-serving-body').innerText()).not.toContain(number);
    } finally {
      await Promise.all([phone.close(), kiosk.close(), tv.close(), counter.close(), plainTv.close()]);
    }
  });
});
