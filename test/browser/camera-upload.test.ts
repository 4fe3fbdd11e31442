import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestContext, type TestContext } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';
import { cameraPhoto } from '../helpers/photos.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

/**
 * Issue 16, item 6, in Chromium at 360 px: Ibu Sri picks the 4 MB photo her phone camera took of her
 * KTP (2 MB at most). With JavaScript the browser makes it smaller before sending (1600 px, JPEG 0.8)
 * and says how far the sending is and not to close the page; without, the server does (the audit row
 * of the upload says which: `reducedFrom` only when the server reduced it).
 */
const MB = 1048576;

describe('a camera photo uploaded from the browser', () => {
  let ctx: TestContext;
  let base: string;
  let token: string;
  let photoPath: string;
  let photoBytes: number;
  const email = 'sri.kamera@browser.izol.id';
  const password = 'warung malang lantai dua';

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Sri Wahyuni', email, password });
    token = (await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } })).json<{ token: string }>().token;
    const photo = await cameraPhoto({ orientation: 6 });
    photoBytes = photo.length;
    photoPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'izol-camera-')), 'IMG_20261201_0930.jpg');
    fs.writeFileSync(photoPath, photo);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);
  afterAll(async () => ctx?.close());

  const newDraft = async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: 'REKLAME', answers: await validAnswers(ctx, 'REKLAME') },
    });
    expect(created.statusCode, created.body).toBe(201);
    return created.json<{ id: string }>().id;
  };

  /** The KTP kept for the draft, as the office will download it, and whether the server reduced it. */
  const keptKtp = async (id: string) => {
    const doc = await ctx.db
      .selectFrom('documents')
      .select(['id', 'file_name', 'media_type', 'size_bytes'])
      .where('application_id', '=', id)
      .where('requirement_code', '=', 'ktp')
      .where('superseded_at', 'is', null)
      .executeTakeFirstOrThrow();
    const download = await ctx.app.inject({ url: `/api/v1/applications/${id}/documents/${doc.id}`, headers: auth(token) });
    const meta = await sharp(download.rawPayload).metadata();
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'document.uploaded')
      .where('subject_id', '=', doc.id)
      .executeTakeFirstOrThrow();
    return { doc, meta, reducedByServer: 'reducedFrom' in (JSON.parse(audit.data) as object) };
  };

  const signIn = async (js: boolean) => {
    const browser = await launch({ javaScriptEnabled: js });
    const page = await browser.context.newPage();
    await page.goto(`${base}/akun/masuk`);
    await page.fill('#f-login', email);
    await page.fill('#f-password', password);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/akun/masuk')), page.locator('main form button[type=submit]').click()]);
    return { browser, page };
  };

  it('with JavaScript: reduces the 4 MB photo in the browser to a 1600 px JPEG under 1 MB, shows the percentage and "Jangan tutup halaman ini", and goes on to the documents list', async () => {
    const id = await newDraft();
    const { browser, page } = await signIn(true);
    try {
      await page.goto(`${base}/permohonan/${id}/dokumen/ktp`);
      // Without JavaScript's work yet, the progress bar is hidden (its `hidden` attribute, not CSS).
      expect(await page.locator('progress.upload-progress').getAttribute('hidden')).not.toBeNull();
      // A slow mobile upload (about 1 Mbit/s), so the percentage has time to show.
      const cdp = await browser.context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 100, downloadThroughput: -1, uploadThroughput: 128 * 1024 });
      const seen: string[] = [];
      await page.exposeFunction('izolSaw', (text: string) => seen.push(text));
      await page.evaluate(`new MutationObserver(() => {
        const s = document.querySelector('.upload-status');
        if (s) window.izolSaw(s.textContent);
      }).observe(document.body, { subtree: true, childList: true, characterData: true })`);
      const sent: number[] = [];
      page.on('request', (r) => {
        if (r.method() === 'POST' && r.url().endsWith(`/permohonan/${id}/dokumen/ktp`)) sent.push(r.postDataBuffer()?.length ?? -1);
      });
      await page.setInputFiles('#f-file', photoPath);
      await page.locator('main form button[type=submit]').click();
      await page.waitForSelector('.upload-status');
      await page.screenshot({ path: path.join(ARTIFACTS, 'camera-upload-js-sending.png'), fullPage: true });
      const violations = await axeViolations(page);
      expect(violations, describeViolations('upload page while sending', violations)).toEqual([]);
      await page.waitForURL(`${base}/permohonan/${id}/dokumen`, { timeout: 60_000 });
      expect(await page.locator('main').textContent()).toContain('IMG_20261201_0930.jpg');

      expect(seen.some((t) => t === 'Memperkecil foto… Jangan tutup halaman ini.')).toBe(true);
      const percentages = seen.map((t) => /^Mengirim (\d+)%… Jangan tutup halaman ini\.$/.exec(t)?.[1]).filter((p) => p !== undefined);
      expect(percentages.length, seen.join(' | ')).toBeGreaterThan(1);
      expect(percentages).toContain('100');
      // What went over the network was the browser's reduced copy, not the 4 MB photo.
      expect(sent).toHaveLength(1);
      expect(sent[0]).toBeLessThan(MB);
      expect(photoBytes).toBeGreaterThan(3.5 * MB);
    } finally {
      await browser.close();
    }
    const { doc, meta, reducedByServer } = await keptKtp(id);
    expect(doc.media_type).toBe('image/jpeg');
    expect(doc.size_bytes).toBeLessThan(MB);
    expect(reducedByServer).toBe(false);
    // Upright (the browser applies the EXIF orientation), longest side 1600.
    expect([meta.width, meta.height]).toEqual([1200, 1600]);
  }, 120_000);

  it('without JavaScript: the same photo is accepted and the server keeps its reduced copy', async () => {
    const id = await newDraft();
    const { browser, page } = await signIn(false);
    try {
      await page.goto(`${base}/permohonan/${id}/dokumen/ktp`);
      await page.setInputFiles('#f-file', photoPath);
      await Promise.all([page.waitForURL(`${base}/permohonan/${id}/dokumen`, { timeout: 60_000 }), page.locator('main form button[type=submit]').click()]);
      expect(await page.locator('main').textContent()).toContain('IMG_20261201_0930.jpg');
    } finally {
      await browser.close();
    }
    const { doc, meta, reducedByServer } = await keptKtp(id);
    expect(doc.media_type).toBe('image/jpeg');
    expect(doc.size_bytes).toBeLessThanOrEqual(2 * MB);
    expect(reducedByServer).toBe(true);
    expect([meta.width, meta.height]).toEqual([1200, 1600]);
  }, 120_000);
});
