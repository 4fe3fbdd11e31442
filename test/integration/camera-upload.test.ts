import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { OneConnectionBrowser } from '../helpers/http-browser.js';
import { readyDraft, validAnswers } from '../helpers/journeys.js';
import { cameraPhoto, pixelBombPng } from '../helpers/photos.js';

/**
 * Issue 16, item 6: a KTP photo straight from the phone camera (about 4 MB; the KTP takes 2 MB) sent
 * without JavaScript is accepted, and what is kept, scanned and downloaded by the office is a reduced
 * copy: upright, 1600 px at most, a JPEG without the camera's metadata. A PDF over the limit is still
 * refused with its size, the limit and how to make it smaller, and a picture with absurd dimensions
 * (a decompression bomb) is refused with a message, not decoded.
 */
const MB = 1048576;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let photo: Promise<Buffer>;
let screenshot: Promise<Buffer>;
beforeAll(() => {
  // Made once for both databases: EXIF orientation 6, as a phone held upright writes it.
  photo = cameraPhoto({ orientation: 6 });
  // A PNG of a photo, as a screenshot of a camera picture is: no JPEG, and over 2 MB.
  screenshot = cameraPhoto({ format: 'png', width: 1400, height: 1000 });
});

/** A PDF of `bytes` (a valid header and trailer around filler), as a scanned document is. */
function bigPdf(bytes: number): Buffer {
  const head = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const tail = Buffer.from('\n%%EOF\n');
  return Buffer.concat([head, Buffer.alloc(bytes - head.length - tail.length, 0x20), tail]);
}

describe.each(DIALECTS)('camera photos uploaded without JavaScript (%s)', (dialect) => {
  let ctx: TestContext;
  let port: number;
  let token: string;
  let verifier: string;
  let draftId: string;
  const email = `sri.${Math.random().toString(36).slice(2, 8)}@camera.izol.test`;
  const password = 'warung malang lantai dua';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await ctx.app.listen({ host: '127.0.0.1', port: 0 });
    port = (ctx.app.server.address() as AddressInfo).port;
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Sri Wahyuni', email, password });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } });
    token = login.json<{ token: string }>().token;
    verifier = (await userWithToken(ctx, 'verifier')).token;
    // Every required document is in (the KTP as the demo PDF); the camera photo replaces the KTP.
    draftId = await readyDraft(ctx, token, 'REKLAME');
  }, 60_000);
  afterAll(async () => ctx?.close());

  const signedIn = async () => {
    const browser = new OneConnectionBrowser(port);
    await browser.send('GET', '/akun/masuk');
    const form = new URLSearchParams({ _csrf: browser.csrf, login: email, password }).toString();
    const signIn = await browser.send('POST', '/akun/masuk', { body: Buffer.from(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(signIn.status).toBe(303);
    return browser;
  };
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
  const currentKtp = async (id = draftId) =>
    ctx.db
      .selectFrom('documents')
      .select(['id', 'file_name', 'media_type', 'size_bytes', 'sha256'])
      .where('application_id', '=', id)
      .where('requirement_code', '=', 'ktp')
      .where('superseded_at', 'is', null)
      .executeTakeFirst();

  it('accepts a 4 MB camera JPEG for the 2 MB KTP and keeps an upright 1600 px JPEG under 2 MB without the camera metadata, which the office downloads', async () => {
    const original = await photo;
    expect(original.length).toBeGreaterThan(3.5 * MB);
    const browser = await signedIn();
    try {
      // The upload page says so before she chooses the file, beside the 2 MB limit.
      const page = await browser.send('GET', `/permohonan/${draftId}/dokumen/ktp`);
      expect(page.body).toContain('paling besar 2 MB. Foto langsung dari kamera ponsel sampai 10 MB tetap diterima: foto itu diperkecil otomatis.');
      const sent = await browser.upload(`/permohonan/${draftId}/dokumen/ktp`, 'IMG_20261201_0930.jpg', original, 'image/jpeg');
      // As for any accepted file: on to the documents list, which names it.
      expect(sent.status, sent.body.slice(0, 500)).toBe(303);
      expect(sent.headers.location).toBe(`/permohonan/${draftId}/dokumen`);
      const list = await browser.send('GET', `/permohonan/${draftId}/dokumen`);
      expect(list.body).toContain('IMG_20261201_0930.jpg');
    } finally {
      browser.close();
    }
    const doc = (await currentKtp())!;
    expect(doc.media_type).toBe('image/jpeg');
    expect(doc.size_bytes).toBeLessThanOrEqual(2 * MB);
    expect(doc.sha256).not.toBe(sha256(original));

    // The office sees the file once it is sent: it downloads exactly what was kept.
    const submitted = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${draftId}/submit`, headers: auth(token) });
    expect(submitted.statusCode, submitted.body).toBe(200);
    const download = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(verifier) });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/jpeg');
    const kept = download.rawPayload;
    expect(kept.length).toBe(doc.size_bytes);
    expect(sha256(kept)).toBe(doc.sha256);

    const meta = await sharp(kept).metadata();
    expect(meta.format).toBe('jpeg');
    // Turned upright per the EXIF orientation (4000 × 3000 shown a quarter turned: portrait), longest side 1600.
    expect([meta.width, meta.height]).toEqual([1200, 1600]);
    expect(meta.orientation).toBeUndefined();
    expect(meta.exif).toBeUndefined();
    // The red corner of the stored pixels (top left) is shown top right once turned a quarter clockwise.
    const { data, info } = await sharp(kept).raw().toBuffer({ resolveWithObject: true });
    // A 30 × 30 block's mean colour: the noise averages to grey, the corner stays red.
    const isRed = (x0: number, y0: number) => {
      const sum = [0, 0, 0];
      for (let y = y0; y < y0 + 30; y++)
        for (let x = x0; x < x0 + 30; x++) for (let c = 0; c < 3; c++) sum[c]! += data[(y * info.width + x) * info.channels + c]!;
      const [r, g, b] = sum.map((v) => v / 900);
      return r! > 200 && g! < 60 && b! < 60;
    };
    expect(isRed(info.width - 60, 30)).toBe(true);
    expect(isRed(30, 30)).toBe(false);
    expect(isRed(30, info.height - 60)).toBe(false);

    // The audit row names both: what was received and what was kept.
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'document.uploaded')
      .where('subject_id', '=', doc.id)
      .executeTakeFirstOrThrow();
    const recorded = JSON.parse(audit.data) as { sha256: string; reducedFrom: { sha256: string; sizeBytes: number } };
    expect(recorded.sha256).toBe(doc.sha256);
    expect(recorded.reducedFrom).toEqual({ sha256: sha256(original), sizeBytes: original.length });
  }, 60_000);

  it('keeps a PNG photo over the limit as a reduced JPEG (the KTP accepts JPEG), named .jpg, through the API too', async () => {
    const id = await newDraft();
    const png = await screenshot;
    expect(png.length).toBeGreaterThan(2 * MB);
    const file = multipartFile('tangkapan-layar.png', png, 'image/png');
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/ktp`,
      headers: { ...auth(token), ...file.headers },
      payload: file.payload,
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json<{ fileName: string; mediaType: string; sizeBytes: number }>();
    expect(view).toMatchObject({ fileName: 'tangkapan-layar.jpg', mediaType: 'image/jpeg' });
    expect(view.sizeBytes).toBeLessThan(png.length / 2);
    const meta = await sharp(
      (await ctx.app.inject({ url: `/api/v1/applications/${id}/documents/${(await currentKtp(id))!.id}`, headers: auth(token) })).rawPayload,
    ).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1400, 1000]);
  }, 60_000);

  it('refuses a 4 MB PDF for the 2 MB KTP with its size, the limit and how to make it smaller, and the next page on the same connection comes at once', async () => {
    const id = await newDraft();
    const browser = await signedIn();
    try {
      const tooBig = await browser.upload(`/permohonan/${id}/dokumen/ktp`, 'ktp-scan.pdf', bigPdf(4 * MB), 'application/pdf');
      expect(tooBig.status).toBe(413);
      expect(tooBig.body).toMatch(/<a href="#f-file">Berkas ini 4 MB\. Ukuran berkas paling besar 2 MB\./);
      expect(tooBig.body).toContain('foto ulang dengan resolusi lebih rendah, atau kecilkan di aplikasi galeri');
      expect(await currentKtp(id)).toBeUndefined();
      const next = await browser.send('GET', `/permohonan/${id}/dokumen`);
      expect(next.status).toBe(200);
      expect(next.ms).toBeLessThan(5000);
    } finally {
      browser.close();
    }
  }, 60_000);

  it('refuses a photo over the 10 MB photo limit with the size message', async () => {
    const id = await newDraft();
    const huge = Buffer.concat([await photo, Buffer.alloc(8 * MB)]);
    const file = multipartFile('IMG_0001.jpg', huge, 'image/jpeg');
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/ktp`,
      headers: { ...auth(token), ...file.headers, 'accept-language': 'en' },
      payload: file.payload,
    });
    expect(res.statusCode).toBe(413);
    expect(res.json<{ code: string; detail: string }>().detail).toMatch(/^This file is 11\.\d MB\. The file must be at most 2 MB\. Make it smaller/);
    expect(await currentKtp(id)).toBeUndefined();
  }, 60_000);

  it('refuses a picture declaring 20000 × 20000 pixels (a decompression bomb) with a message, on the page and through the API', async () => {
    const id = await newDraft();
    const bomb = pixelBombPng(20000, 20000);
    const browser = await signedIn();
    try {
      const page = await browser.upload(`/permohonan/${id}/dokumen/ktp`, 'ktp.png', bomb, 'image/png');
      expect(page.status).toBe(422);
      expect(page.body).toContain('class="error-summary"');
      expect(page.body).toContain('Gambar ini 20000 × 20000 piksel; paling besar 120 megapiksel.');
    } finally {
      browser.close();
    }
    // Over the size limit too (the bytes padded past 2 MB): refused before anything is decoded.
    const padded = Buffer.concat([bomb, Buffer.alloc(3 * MB)]);
    const file = multipartFile('ktp.png', padded, 'image/png');
    const api = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/ktp`,
      headers: { ...auth(token), ...file.headers, 'accept-language': 'en' },
      payload: file.payload,
    });
    expect(api.statusCode).toBe(422);
    const problem = api.json<{ code: string; detail: string }>();
    expect(problem.code).toBe('image_too_large');
    expect(problem.detail).toContain('This picture is 20000 × 20000 pixels; at most 120 megapixels are accepted.');
    expect(await currentKtp(id)).toBeUndefined();
  }, 60_000);
});
