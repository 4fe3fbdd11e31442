import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/** A tracking result can be bookmarked without the code in the address: a short-lived signed link (issue 16, item 8). */
describe.each(DIALECTS)('tracking: the signed bookmark link (%s)', (dialect) => {
  let ctx: TestContext;
  let number = '';
  let code = '';
  let link = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const citizen = (await userWithToken(ctx, 'applicant')).token;
    const id = await readyDraft(ctx, citizen, 'PBG');
    const submitted = json<{ number: string; trackingCode: string }>(
      await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) }),
    );
    number = submitted.number;
    code = submitted.trackingCode;
  });
  afterAll(async () => ctx?.close());

  it('shows a link on the result page that carries no tracking code, and opens the same result for anyone', async () => {
    const result = await new PageClient(ctx).post('/lacak', { number, code: code.toLowerCase() }, { remoteAddress: '10.16.5.1' });
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('Simpan atau tandai tautan ini');
    link = /<a href="([^"]+)" data-bookmark>/.exec(result.body)![1]!;
    expect(link).toMatch(/^\/lacak\/t\/[^/]+\/\d+\/[\w-]+$/);
    expect(link.toUpperCase()).not.toContain(code);
    expect(link).not.toContain(number);

    const opened = await new PageClient(ctx).get(link);
    expect(opened.statusCode).toBe(200);
    expect(opened.body).toContain(`<h1>${number}</h1>`);
    expect(opened.body).toContain('data-step');
    expect(opened.body).not.toContain(code);

    const api = json<{ bookmark: { path: string; expiresAt: string } }>(
      await ctx.app.inject({ method: 'POST', url: '/api/v1/track', payload: { number, trackingCode: code }, remoteAddress: '10.16.5.2' }),
    );
    expect(api.bookmark.path).toBe(link);
    expect(new Date(api.bookmark.expiresAt).getTime() - ctx.clock.now().getTime()).toBe(30 * 24 * 3_600_000);
  });

  it('refuses an altered link with a clear message, showing nothing of the file', async () => {
    const [, , , id, expires, signature] = link.split('/') as [string, string, string, string, string, string];
    const flip = (s: string) => (s.endsWith('A') ? `${s.slice(0, -1)}B` : `${s.slice(0, -1)}A`);
    const altered = [
      `/lacak/t/${id}/${expires}/${flip(signature)}`,
      `/lacak/t/${id}/${Number(expires) + 86_400 * 365}/${signature}`,
      `/lacak/t/${flip(id)}/${expires}/${signature}`,
      `/lacak/t/${id}/soon/${signature}`,
    ];
    for (const url of altered) {
      const res = await new PageClient(ctx).get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.body, url).toContain('Tautan lacak ini tidak sah');
      expect(res.body, url).not.toContain(number);
      expect(res.body, url).toContain('action="/lacak"');
    }
  });

  it('refuses the genuine link once it has expired (after 30 days), and says how to get a new one', async () => {
    ctx.clock.advanceMinutes(60 * 24 * 29);
    expect((await new PageClient(ctx).get(link)).statusCode).toBe(200);
    ctx.clock.advanceMinutes(60 * 24 * 2);
    const res = await new PageClient(ctx).get(link);
    expect(res.statusCode).toBe(410);
    expect(res.body).toContain('Tautan lacak ini sudah kedaluwarsa');
    expect(res.body).not.toContain(number);
    const english = new PageClient(ctx);
    await english.post('/bahasa', { lang: 'en', kembali: '/lacak' });
    expect((await english.get(link)).body).toContain('This tracking link has expired');
    // Tracking again with number and code gives a fresh link.
    const again = await new PageClient(ctx).post('/lacak', { number, code }, { remoteAddress: '10.16.5.3' });
    const fresh = /<a href="([^"]+)" data-bookmark>/.exec(again.body)![1]!;
    expect(fresh).not.toBe(link);
    expect((await new PageClient(ctx).get(fresh)).statusCode).toBe(200);
  });
});
