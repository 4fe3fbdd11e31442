import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { act, readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

type Items = { items: { code: string; name: { id: string; en: string } }[] };

/** The portal's permit search, over the real seed catalogue: the API's `q` and the /izin page. */
describe.each(DIALECTS)('search that understands people (%s)', (dialect) => {
  let ctx: TestContext;
  const api = async (q?: string) => {
    const res = await ctx.app.inject({ url: `/api/v1/permit-types${q === undefined ? '' : `?q=${encodeURIComponent(q)}`}` });
    expect(res.statusCode).toBe(200);
    return json<Items>(res).items.map((i) => i.code);
  };
  const headings = (body: string, tag: 'h2' | 'h3') =>
    [...body.matchAll(new RegExp(`<${tag}[^>]*>(.*?)</${tag}>`, 'g'))].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
  const links = (body: string) => [...body.matchAll(/<a href="\/izin\/([A-Z0-9]+)"/g)].map((m) => m[1]!);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // More than a year ago: three job-seeker cards, which no longer count as "most used".
    ctx.clock.set('2025-09-01T03:00:00.000Z');
    const old = await userWithToken(ctx, 'applicant');
    for (let i = 0; i < 3; i++) expect((await act(ctx, old.token, await readyDraft(ctx, old.token, 'AK1'), 'submit')).statusCode).toBe(200);
    // This year: two billboard permits and one doctor's practice permit.
    ctx.clock.set('2026-11-20T03:00:00.000Z');
    const citizen = await userWithToken(ctx, 'applicant');
    for (const code of ['REKLAME', 'REKLAME', 'SIPDOK'])
      expect((await act(ctx, citizen.token, await readyDraft(ctx, citizen.token, code), 'submit')).statusCode).toBe(200);
  });
  afterAll(async () => ctx?.close());
  const count = async () => (await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id })).length;

  it('finds PBG first for "tambah lantai rumah", in any word order, and for "IMB"', async () => {
    expect((await api('tambah lantai rumah'))[0]).toBe('PBG');
    expect(await api('rumah lantai tambah')).toEqual(await api('tambah lantai rumah'));
    expect((await api('IMB'))[0]).toBe('PBG');
    expect((await api('Membangun rumah'))[0]).toBe('PBG');
  });

  it('sends "warung" to the NIB assistance and "baliho" to REKLAME', async () => {
    expect((await api('warung'))[0]).toBe('NIB');
    expect((await api('baliho'))[0]).toBe('REKLAME');
  });

  it('does not rank the pharmacist permit, whose text mentions "rumah sakit", for "rumah"', async () => {
    const ranked = await api('rumah');
    expect(ranked[0]).toBe('PBG');
    expect(ranked).not.toContain('SIPA');
  });

  it('keeps the API list whole and in code order without a query', async () => {
    const all = await api();
    expect(all).toEqual([...all].sort());
    expect(all).toHaveLength(await count());
  });

  it('shows the ranked results on the page, the best first', async () => {
    const res = await new PageClient(ctx).get('/izin?q=tambah+lantai+rumah');
    expect(res.statusCode).toBe(200);
    expect(links(res.body)[0]).toBe('PBG');
    expect(res.body).toContain('href="/izin"');
  });

  it('groups the whole list by topic, the most used of the last 365 days first', async () => {
    const res = await new PageClient(ctx).get('/izin');
    expect(headings(res.body, 'h2').slice(0, 6)).toEqual([
      'Bangunan dan reklame',
      'Kesehatan',
      'Usaha',
      'Angkutan',
      'Kerja dan pelatihan',
      'Acara dan kegiatan',
    ]);
    const codes = links(res.body);
    expect(codes.indexOf('REKLAME')).toBeLessThan(codes.indexOf('PBG'));
    expect(new Set(codes).size).toBe(await count());
  });

  it('answers "no results" with the whole list by topic and where to ask for help', async () => {
    const res = await new PageClient(ctx).get('/izin?q=xyzzy+qwerty');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tidak ada jenis izin yang cocok dengan &quot;xyzzy qwerty&quot;.');
    expect(headings(res.body, 'h2')).toEqual(
      expect.arrayContaining(['Bangunan dan reklame', 'Usaha', 'Kesehatan', 'Angkutan', 'Kerja dan pelatihan', 'Acara dan kegiatan']),
    );
    expect(new Set(links(res.body)).size).toBe(await count());
    expect(res.body).toContain('href="/bantuan"');
    expect(res.body).toContain('href="/janji-temu"');
  });

  it('understands English words too, on the English page', async () => {
    const res = await ctx.app.inject({ url: '/izin?q=add+a+floor+to+my+house', headers: { cookie: '__Host-izol-lang=en' } });
    expect(res.body).toContain('<html lang="en">');
    expect(links(res.body)[0]).toBe('PBG');
    expect((await api('shop'))[0]).toBe('NIB');
    const none = await ctx.app.inject({ url: '/izin?q=xyzzy', headers: { cookie: '__Host-izol-lang=en' } });
    expect(headings(none.body, 'h2')).toEqual(
      expect.arrayContaining(['Building and signs', 'Business', 'Health', 'Transport', 'Work and training', 'Events and activities']),
    );
  });

  it('escapes the query it shows back', async () => {
    const res = await new PageClient(ctx).get(`/izin?q=${encodeURIComponent('<script>x</script>')}`);
    expect(res.body).not.toContain('<script>x</script>');
  });
});
