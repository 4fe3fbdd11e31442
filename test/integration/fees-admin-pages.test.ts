/**
 * The admin's PBG retribution coefficient pages (/kantor/admin/retribusi), on SQLite and PostgreSQL, without
 * JavaScript: the admin home links to them; the years with their version in force; one year's form with
 * SHST, Ilo and the index tables; a bad value or no reason is a 400 with the GOV.UK error summary, what was
 * typed kept and nothing saved; a save is a new version (in the history, audited) that the next assessment
 * uses; 2027 is entered ahead from a copy of 2026; the head reads and cannot save; other roles are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { type PageClient, signedInOfficer } from '../helpers/pages.js';

describe.each(DIALECTS)('PBG retribution coefficient pages (%s)', (dialect) => {
  let ctx: TestContext;
  const pages = {} as Record<'admin' | 'head' | 'treasurer', PageClient>;

  const signedIn = (role: Role) => signedInOfficer(ctx, role, 'retribusi-admin.izol.test');

  /** The form's current values, as a browser would send them back. */
  function formValues(body: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const m of body.matchAll(/<input [^>]*name="([^"]+)"[^>]*>/g)) {
      const value = /value="([^"]*)"/.exec(m[0])?.[1];
      if (m[1] !== '_csrf') out[m[1]!] = (value ?? '').replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
    }
    const note = /<textarea [^>]*name="dataNote"[^>]*>([\s\S]*?)<\/textarea>/.exec(body)?.[1];
    if (note !== undefined) out.dataNote = note.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
    return out;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['admin', 'head', 'treasurer'] as const) pages[role] = await signedIn(role);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('links from the admin home and lists the years with the version in force', async () => {
    expect((await pages.admin.get('/kantor/admin')).body).toContain('href="/kantor/admin/retribusi"');
    const res = await pages.admin.get('/kantor/admin/retribusi');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Koefisien retribusi PBG</h1>');
    expect(res.body).toMatch(/<tr data-year="2026">[\s\S]*?<td>1<\/td><td>Rp 6\.800\.000<\/td><td>0,005<\/td>/);
    expect(res.body).toContain('Seeded from seed-data/retribution.json');
    expect(res.body).toContain('href="/kantor/admin/retribusi/2027"');
  });

  it('refuses a bad SHST, an Ilo above 0.5%, a falling height index and no reason: error summary, typed values kept, nothing saved', async () => {
    const form = await pages.admin.get('/kantor/admin/retribusi/2026');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Versi 1 berlaku.');
    const values = formValues(form.body);
    expect(values).toMatchObject({ shst: '6800000', ilo: '0.005', 'heightIndex.2': '1.09', 'if.classes.umkm.index': '0.5', 'ibg.renovation_heavy': '0.325' });
    const before = await ctx.db.selectFrom('retribution_coefficients').select('id').execute();
    const res = await pages.admin.post('/kantor/admin/retribusi/2026', { ...values, shst: 'enam juta', ilo: '0,05', 'heightIndex.3': '1,0', reason: '' });
    expect(res.statusCode).toBe(400);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(res.body)?.[0] ?? '';
    expect(summary).toContain('href="#f-shst"');
    expect(summary).toContain('SHST harus bilangan bulat rupiah lebih dari 0');
    expect(summary).toContain('Ilo harus lebih dari 0 dan paling besar 0,005');
    expect(summary).toContain('href="#f-heightIndex-3"');
    expect(summary).toContain('3 lantai: tidak boleh lebih kecil dari indeks untuk lantai yang lebih sedikit');
    expect(summary).toContain('Tulis alasan perubahan');
    expect(res.body).toContain('value="enam juta"');
    expect(await ctx.db.selectFrom('retribution_coefficients').select('id').execute()).toHaveLength(before.length);
  });

  it('saves a new version that the history shows and the next assessment uses; the audit keeps who and why', async () => {
    const values = formValues((await pages.admin.get('/kantor/admin/retribusi/2026')).body);
    const res = await pages.admin.post('/kantor/admin/retribusi/2026', {
      ...values,
      shst: '7.000.000',
      'heightIndex.2': '1,1',
      reason: 'Keputusan Wali Kota Nomor 12/2026',
    });
    expect(res.statusCode, res.body.match(/error-summary[\s\S]*?<\/ul>/)?.[0]).toBe(303);
    expect(res.headers.location).toBe('/kantor/admin/retribusi/2026?disimpan=2');
    const after = await pages.admin.get('/kantor/admin/retribusi/2026?disimpan=2');
    expect(after.body).toContain('Versi 2 disimpan. Perhitungan berikutnya memakainya.');
    expect(after.body).toMatch(
      /<li data-version="2"><strong>Versi 2: SHST Rp 7\.000\.000, Ilo 0,005<\/strong><br>[\s\S]*?Petugas admin: Keputusan Wali Kota Nomor 12\/2026<\/li>/,
    );
    expect(after.body).toContain('<li data-version="1">');
    const { years } = await ctx.services.fees.listCoefficients({
      actor: { userId: 'x', tenantId: ctx.tenant.id, role: 'head', name: 'Kepala' },
    });
    expect(years[0]!.current).toMatchObject({ version: 2, coefficients: { shst: 7_000_000, heightIndex: { '2': 1.1 } } });
    // Everything the form did not change stays as it was.
    expect(years[0]!.current.coefficients.if).toEqual(years[0]!.history[1]!.coefficients.if);
    const audit = await ctx.db.selectFrom('audit_events').select('data').where('action', '=', 'fees.coefficients_saved').executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ year: 2026, version: 2, reason: 'Keputusan Wali Kota Nomor 12/2026', shst: 7_000_000 });
  });

  it('enters 2027 ahead of the year from a copy of 2026, in English too', async () => {
    const form = await pages.admin.get('/kantor/admin/retribusi/2027');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('Belum ada koefisien untuk 2027. Isian di bawah disalin dari tahun 2026');
    const res = await pages.admin.post('/kantor/admin/retribusi/2027', { ...formValues(form.body), shst: '7250000', reason: 'SHST 2027 telah ditetapkan' });
    expect(res.statusCode).toBe(303);
    const list = await pages.admin.get('/kantor/admin/retribusi');
    expect(list.body).toMatch(/<tr data-year="2027">[\s\S]*?<td>1<\/td><td>Rp 7\.250\.000<\/td>/);
    expect((await pages.admin.post('/bahasa', { lang: 'en', kembali: '/kantor/admin/retribusi/2027' })).statusCode).toBe(303);
    const english = await pages.admin.get('/kantor/admin/retribusi/2027');
    expect(english.body).toContain('Version 1 is in force.');
    expect(english.body).toContain('Save as a new version');
  });

  it('lets the head read without a form, and refuses the treasurer', async () => {
    expect((await pages.head.get('/kantor/admin')).body).toContain('href="/kantor/admin/retribusi"');
    const list = await pages.head.get('/kantor/admin/retribusi');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('data-retribution-years');
    const year = await pages.head.get('/kantor/admin/retribusi/2026');
    expect(year.statusCode).toBe(200);
    expect(year.body).toContain('data-history');
    expect(year.body).not.toContain('<form method="post" action="/kantor/admin/retribusi/2026"');
    const values = formValues((await pages.admin.get('/kantor/admin/retribusi/2026')).body);
    const before = await ctx.db.selectFrom('retribution_coefficients').select('id').execute();
    expect((await pages.head.post('/kantor/admin/retribusi/2026', { ...values, reason: 'Kepala mencoba' })).statusCode).toBe(403);
    expect((await pages.treasurer.get('/kantor/admin/retribusi')).statusCode).toBe(403);
    expect((await pages.treasurer.post('/kantor/admin/retribusi/2026', { ...values, reason: 'Bendahara mencoba' })).statusCode).toBe(403);
    expect(await ctx.db.selectFrom('retribution_coefficients').select('id').execute()).toHaveLength(before.length);
  });
});
