/**
 * The treasurer's money desk pages (/kantor/bendahara/…) on SQLite and PostgreSQL: linked from /kantor
 * for the treasurer only; a held payment closed with a note; a statement uploaded as a file, its line
 * resolved and the day closed; a statement that cannot be read shown as an error summary with its line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

describe.each(DIALECTS)('the treasurer’s money desk pages (%s)', (dialect) => {
  let ctx: TestContext;
  let treasurer: PageClient;

  async function signIn(role: 'treasurer' | 'verifier', email: string): Promise<PageClient> {
    const password = `${role} meja uang kota malang`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role}`, email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    const client = new PageClient(ctx);
    await client.post('/akun/masuk', { login: email, password });
    expect((await client.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return client;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    treasurer = await signIn('treasurer', 'bendahara@uji.izol.id');
  });
  afterAll(async () => ctx?.close());

  it('is linked from the back office for the treasurer and refused to a verifier', async () => {
    const home = await treasurer.get('/kantor');
    expect(home.body).toContain('href="/kantor/bendahara/pembayaran"');
    expect(home.body).toContain('href="/kantor/bendahara/rekonsiliasi"');
    const verifier = await signIn('verifier', 'verifikator@uji.izol.id');
    expect((await verifier.get('/kantor')).body).not.toContain('/kantor/bendahara/');
    expect((await verifier.get('/kantor/bendahara/pembayaran')).statusCode).toBe(403);
    expect((await verifier.get('/kantor/bendahara/rekonsiliasi')).statusCode).toBe(403);
  });

  it('closes a held payment with a note', async () => {
    const held = await ctx.services.payments.receive({
      tenantId: ctx.tenant.id,
      provider: 'qris',
      providerPaymentId: 'QR-<b>77</b>',
      bill: { billNumber: 'MLG-SKRD-2026-999999' },
      amount: 150_000,
      paidAt: ctx.clock.now().toISOString(),
      bankReference: null,
      payerName: 'Sari <i>',
      details: {},
    });
    expect(held).toMatchObject({ outcome: 'held', reason: 'unknown_bill' });
    const list = await treasurer.get('/kantor/bendahara/pembayaran');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<caption class="table__caption">Pembayaran menunggu keputusan');
    expect(list.body).toContain('QR-&lt;b&gt;77&lt;/b&gt;');
    expect(list.body).toContain('Tagihan tidak dikenal');
    const url = `/kantor/bendahara/pembayaran/${held.payment.id}`;
    const one = await treasurer.get(url);
    expect(one.body).toContain('Sari &lt;i&gt;');
    expect(one.body).not.toContain('value="accept"');
    const empty = await treasurer.post(url, { decision: 'close', note: '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('error-summary');
    expect(empty.body).toContain('href="#f-note"');
    const done = await treasurer.post(url, { decision: 'close', note: 'Tidak ada tagihan ini: dana dikembalikan' });
    expect(done.statusCode, done.body.slice(0, 300)).toBe(303);
    const after = await treasurer.get(done.headers.location!);
    expect(after.body).toContain('Keputusan disimpan.');
    expect(after.body).toContain('Tidak ada tagihan ini: dana dikembalikan');
    expect(after.body).not.toContain('name="decision"');
  });

  it('imports a statement file, resolves its line and closes the day; an unreadable file names its line', async () => {
    const bad = await treasurer.upload(
      '/kantor/bendahara/rekonsiliasi',
      'mutasi.csv',
      Buffer.from('Tanggal;Referensi;Jumlah\n20/11/2026;TRF-1;sejuta\n'),
      'text/csv',
    );
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toContain('error-summary');
    expect(bad.body).toContain('Baris 2');
    expect(await ctx.db.selectFrom('reconciliation_days').select('id').execute()).toEqual([]);

    const csv = 'Tanggal;Jam;Referensi;Jumlah\n20/11/2026;09:15;TRF-1;Rp 250.000\n';
    const ok = await treasurer.upload('/kantor/bendahara/rekonsiliasi', 'mutasi.csv', Buffer.from(csv), 'text/csv');
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(303);
    expect(ok.headers.location).toBe('/kantor/bendahara/rekonsiliasi/2026-11-20?disimpan=1');
    const day = await treasurer.get(ok.headers.location!);
    expect(day.body).toContain('<caption class="table__caption">Baris rekonsiliasi');
    expect(day.body).toContain('data-line-kind="unexpected"');
    // The QRIS payment held above was paid today too: the bank would list it, so it is missing here.
    expect(day.body).toContain('data-line-kind="missing"');

    const refused = await treasurer.post('/kantor/bendahara/rekonsiliasi/2026-11-20/tutup', { note: '' });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('2 baris belum diselesaikan');

    for (const href of [...day.body.matchAll(/href="(\/kantor\/bendahara\/rekonsiliasi\/2026-11-20\/baris\/[^"]+)"/g)].map((m) => m[1]!)) {
      expect((await treasurer.get(href)).statusCode).toBe(200);
      const resolved = await treasurer.post(href, { note: 'Sudah dicek dengan bank' });
      expect(resolved.statusCode).toBe(303);
    }
    const closed = await treasurer.post('/kantor/bendahara/rekonsiliasi/2026-11-20/tutup', { note: 'Selesai' });
    expect(closed.statusCode).toBe(303);
    const list = await treasurer.get('/kantor/bendahara/rekonsiliasi');
    expect(list.body).toContain('Ditutup');
    const again = await treasurer.upload('/kantor/bendahara/rekonsiliasi', 'mutasi.csv', Buffer.from(csv), 'text/csv');
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('sudah ditutup');
  });
});
