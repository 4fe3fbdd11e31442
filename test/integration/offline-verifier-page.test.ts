import { brotliCompressSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { PageClient } from '../helpers/pages.js';

const KB50 = 50 * 1024;
const text = (body: string) =>
  body
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

/**
 * Issue 14 item 2, what the server gives for /verifikasi/luring: a page that without JavaScript says the
 * online check at /verifikasi is the way (Indonesian first, English on request), its form hidden until
 * the script shows it; the camera allowed on this page only; the service worker allowed to control the
 * page; and the page with its stylesheets and scripts under 50 KB as sent.
 */
describe.each(DIALECTS)('the offline verifier page (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('explains without JavaScript that the online check at /verifikasi is the way, in Indonesian and in English', async () => {
    const page = new PageClient(ctx);
    const res = await page.get('/verifikasi/luring');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    const noscript = /<noscript>([\s\S]*?)<\/noscript>/.exec(res.body)?.[1] ?? '';
    expect(text(noscript)).toContain('Halaman ini memerlukan JavaScript');
    expect(text(noscript)).toContain('Periksa izin secara online dengan kode verifikasinya');
    expect(res.body).toMatch(/<a href="\/verifikasi" data-online-check>Periksa secara online di \/verifikasi<\/a>/);
    // The seal form only works with the script: it is hidden until the script shows it, and so is the camera.
    expect(res.body).toMatch(/<form id="luring-form" novalidate hidden>/);
    expect(res.body).toMatch(/<section id="luring-scan"[^>]* hidden>/);
    expect(res.body).toContain('<h1>Periksa izin tanpa internet</h1>');

    expect((await page.post('/bahasa', { lang: 'en', kembali: '/verifikasi/luring' })).statusCode).toBe(303);
    const en = await page.get('/verifikasi/luring');
    expect(en.body).toContain('<html lang="en">');
    expect(text(/<noscript>([\s\S]*?)<\/noscript>/.exec(en.body)?.[1] ?? '')).toContain('This page needs JavaScript');
    expect(en.body).toContain('Check online at /verifikasi');
    // The script's verdicts come in the page's language.
    const words = JSON.parse(/<script type="application\/json" id="luring-text">([\s\S]*?)<\/script>/.exec(en.body)?.[1] ?? '{}') as Record<string, string>;
    expect(words['luring.js.revoked']).toBe('This permit was revoked');
    expect(words['luring.js.list.age']).toBe('Revocation list updated {age}.');
  });

  it('lets this page use the camera and its service worker control it, with the site’s content security policy', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/verifikasi/luring' });
    expect(res.headers['permissions-policy']).toBe('camera=(self), microphone=(), geolocation=()');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    // Elsewhere the camera stays refused.
    expect((await ctx.app.inject({ method: 'GET', url: '/verifikasi' })).headers['permissions-policy']).toBe('camera=(), microphone=(), geolocation=()');

    const sw = await ctx.app.inject({ method: 'GET', url: '/verifikasi/luring/sw.js' });
    expect(sw.statusCode).toBe(200);
    expect(sw.headers['content-type']).toContain('text/javascript');
    expect(sw.headers['service-worker-allowed']).toBe('/verifikasi/luring');
    expect(sw.headers['cache-control']).toBe('no-cache');
    // The worker keeps exactly the assets the page loads.
    const page = await ctx.app.inject({ method: 'GET', url: '/verifikasi/luring' });
    const loaded = [...page.body.matchAll(/(?:href|src)="(\/(?:assets|verifikasi\/luring\/aset)\/[^"]+)"/g)].map((m) => m[1]!);
    expect(loaded).toHaveLength(4);
    for (const url of loaded) expect(sw.body).toContain(JSON.stringify(url));
    expect(sw.body).toContain("'/.well-known/izol-signing-keys.json'");
    expect(sw.body).toContain("'/.well-known/izol-revocations.json'");
    for (const url of loaded) {
      const a = await ctx.app.inject({ method: 'GET', url });
      expect(a.statusCode).toBe(200);
      expect(a.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    }
    expect((await ctx.app.inject({ method: 'GET', url: '/verifikasi/luring/aset/000000000000/luring.js' })).headers['cache-control']).toBe('no-cache');
    expect((await ctx.app.inject({ method: 'GET', url: '/verifikasi/luring/aset/000000000000/lain.js' })).statusCode).toBe(404);
  });

  it('stays under 50 KB with its stylesheets and scripts, compressed as served', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/verifikasi/luring', headers: { 'accept-encoding': 'br' } });
    let total = page.rawPayload.length;
    const urls = [...page.body.matchAll(/(?:href|src)="(\/(?:assets|verifikasi\/luring\/aset)\/[^"]+)"/g)].map((m) => m[1]!);
    for (const url of urls) {
      const a = await ctx.app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'br' } });
      // Compressed by the server when big enough to be worth it; otherwise sent as it is.
      total += a.headers['content-encoding'] ? a.rawPayload.length : brotliCompressSync(a.rawPayload).length;
    }
    expect(total).toBeLessThan(KB50);
  });
});
