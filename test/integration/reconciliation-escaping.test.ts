/**
 * What a bank's statement says comes out as text on the money desk, never as markup, on SQLite and
 * PostgreSQL: a CSV line whose reference is `<script>` is shown escaped on the day's page and on the
 * line's resolve page, and a payer name with markup is escaped on the held payment's page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

const SCRIPT = '<script>alert(1)</script>';
const ESCAPED = '&lt;script&gt;alert(1)&lt;/script&gt;';

describe.each(DIALECTS)('the money desk escapes what the bank and the payer wrote (%s)', (dialect) => {
  let ctx: TestContext;
  let treasurer: PageClient;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const email = 'bendahara.escape@uji.izol.id';
    const password = 'bendahara meja uang kota malang';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'treasurer', name: 'Uji bendahara', email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    treasurer = new PageClient(ctx);
    await treasurer.post('/akun/masuk', { login: email, password });
    expect((await treasurer.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
  });
  afterAll(async () => ctx?.close());

  it('shows a statement reference with <script> as text on the day and on its line', async () => {
    const csv = `Tanggal;Jam;Referensi;Jumlah\n20/11/2026;09:15;"${SCRIPT}";Rp 250.000\n`;
    const ok = await treasurer.upload('/kantor/bendahara/rekonsiliasi', `${SCRIPT}.csv`, Buffer.from(csv), 'text/csv');
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(303);
    const day = await treasurer.get(ok.headers.location!);
    expect(day.statusCode).toBe(200);
    expect(day.body).toContain('data-line-kind="unexpected"');
    expect(day.body).toContain(ESCAPED);
    expect(day.body).not.toContain(SCRIPT);
    const href = /href="(\/kantor\/bendahara\/rekonsiliasi\/2026-11-20\/baris\/[^"]+)"/.exec(day.body)?.[1];
    expect(href).toBeTruthy();
    const line = await treasurer.get(href!);
    expect(line.statusCode).toBe(200);
    expect(line.body).toContain(ESCAPED);
    expect(line.body).not.toContain(SCRIPT);
  });

  it('shows a payer name with <script> as text on the held payment', async () => {
    const held = await ctx.services.payments.receive({
      tenantId: ctx.tenant.id,
      provider: 'snap_va',
      providerPaymentId: 'ESC-1',
      bill: { customerNo: '2026999999' },
      amount: 150_000,
      paidAt: ctx.clock.now().toISOString(),
      bankReference: SCRIPT,
      payerName: SCRIPT,
      details: {},
    });
    expect(held).toMatchObject({ outcome: 'held', reason: 'unknown_bill' });
    const page = await treasurer.get(`/kantor/bendahara/pembayaran/${held.payment.id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(ESCAPED);
    expect(page.body).not.toContain(SCRIPT);
  });
});
