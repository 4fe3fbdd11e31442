/**
 * What stays the same is sent once (issue 15, item 1), on SQLite and PostgreSQL: the permit-type list
 * carries an ETag (a 304 for a client that has it) that changes when the office's list changes, and the
 * stylesheet goes out compressed once at start, brotli or gzip as the browser takes, with an ETag.
 */
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assetUrl } from '../../src/web/assets.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, json, type TestContext } from '../helpers/context.js';

describe.each(DIALECTS)('public responses kept and revalidated (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('the permit-type list has an ETag, a 304 for a client that has it, and a new one when the list changes', async () => {
    const list = await ctx.app.inject({ url: '/api/v1/permit-types' });
    expect(list.statusCode).toBe(200);
    const codes = json<{ items: { code: string }[] }>(list).items.map((i) => i.code);
    expect(codes).toContain('NIB');
    const etag = list.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(list.headers['cache-control']).toBe('no-cache');
    const again = await ctx.app.inject({ url: '/api/v1/permit-types', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');

    await ctx.services.catalogue.setEnabled({ tenantId: ctx.tenant.id, code: 'NIB', enabled: false, actorId: null });
    const changed = await ctx.app.inject({ url: '/api/v1/permit-types', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(json<{ items: { code: string }[] }>(changed).items.map((i) => i.code)).toEqual(codes.filter((c) => c !== 'NIB'));
    await ctx.services.catalogue.setEnabled({ tenantId: ctx.tenant.id, code: 'NIB', enabled: true, actorId: null });
    // A search is answered as before, best match first.
    expect(json<{ items: { code: string }[] }>(await ctx.app.inject({ url: '/api/v1/permit-types?q=reklame' })).items[0]!.code).toBe('REKLAME');
  });

  it('the stylesheet goes out compressed as the browser asks, the same bytes, with an ETag', async () => {
    const url = assetUrl('app.css');
    const plain = await ctx.app.inject({ url });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['content-type']).toMatch(/^text\/css/);
    const br = await ctx.app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString('utf8')).toBe(plain.body);
    expect(br.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    const gz = await ctx.app.inject({ url, headers: { 'accept-encoding': 'gzip, br;q=0' } });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(plain.body);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await ctx.app.inject({ url, headers: { 'if-none-match': plain.headers.etag as string } })).statusCode).toBe(304);
  });

  it('the stylesheet and the health probe set no cookie, so a shared cache may keep the stylesheet, and keep the security headers', async () => {
    for (const url of [assetUrl('app.css'), '/health']) {
      const res = await ctx.app.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['set-cookie'], url).toBeUndefined();
      expect(res.headers['x-content-type-options'], url).toBe('nosniff');
      expect(res.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
    }
    // A page with a form gets its anti-forgery cookie on a first visit; a page without one sets none.
    expect(String((await ctx.app.inject({ url: '/akun/masuk' })).headers['set-cookie'])).toContain('__Host-izol-csrf=');
    expect((await ctx.app.inject({ url: '/izin' })).headers['set-cookie']).toBeUndefined();
  });
});
