import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/** The citizen portal through its HTML forms, with no JavaScript: what a basic phone browser does. */
describe.each(DIALECTS)('citizen portal pages (%s)', (dialect) => {
  let ctx: TestContext;
  let citizen: PageClient;
  let appUrl = '';

  const latestCode = async (userEmail: string) => {
    await ctx.services.outbox.drain();
    const mail = await ctx.db
      .selectFrom('notifications')
      .select('body')
      .where('recipient', '=', userEmail)
      .where('kind', '=', 'contact_code')
      .orderBy('outbox_id', 'desc')
      .executeTakeFirstOrThrow();
    return /(\d{6})/.exec(mail.body)![1]!;
  };
  const userCount = async () =>
    Number(
      (
        await ctx.db
          .selectFrom('users')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    citizen = new PageClient(ctx);
  });
  afterAll(async () => ctx?.close());

  it('re-shows the registration form with an error summary, keeps the answers, and saves nothing', async () => {
    const before = await userCount();
    const res = await citizen.post('/akun/daftar', { name: 'Rina <b>Putri</b>', nik: '1234', email: 'rina@contoh.id', password: 'pendek' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('class="error-summary"');
    expect(res.body).toContain('href="#f-nik"');
    expect(res.body).toContain('NIK harus 16 angka');
    expect(res.body).toContain('value="Rina &lt;b&gt;Putri&lt;/b&gt;"');
    expect(res.body).toContain('value="rina@contoh.id"');
    // Issue 16 (item 5): another field's error does not clear the password, and such a page is never stored.
    expect(res.body).toContain('value="pendek"');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatch(/<title>Kesalahan: /);
    expect(await userCount()).toBe(before);
  });

  it('refuses a form post without the anti-forgery token, changing nothing', async () => {
    const before = await userCount();
    const res = await citizen.post(
      '/akun/daftar',
      { name: 'Rina', nik: uniqueNik(), email: 'csrf@contoh.id', password: 'kopi pagi hari ini', consent: 'yes' },
      { csrf: false },
    );
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('Halaman sudah kedaluwarsa');
    expect(await userCount()).toBe(before);
  });

  it('registers, signs the citizen in with a secure cookie, and verifies the contact with a code from the mailbox (v5.0.0-3.3.1, 3.3.3, 3.3.4)', async () => {
    const res = await citizen.post('/akun/daftar', {
      name: 'Rina Putri',
      nik: uniqueNik(),
      email: 'rina@contoh.id',
      password: 'kopi pagi hari ini',
      consent: 'yes',
    });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/akun/verifikasi');
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-izol-session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Secure/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const wrong = await citizen.post('/akun/verifikasi', { code: '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Kode salah');
    const ok = await citizen.post('/akun/verifikasi', { code: await latestCode('rina@contoh.id') });
    expect(ok.statusCode).toBe(303);
    expect((await citizen.get('/akun/verifikasi')).body).toContain('Kontak Anda sudah dipastikan');
  });

  it('kills a contact code after five wrong tries, even though each wrong try is refused', async () => {
    const guesser = new PageClient(ctx);
    const res = await guesser.post('/akun/daftar', {
      name: 'Sari Tebak',
      nik: uniqueNik(),
      email: 'sari@contoh.id',
      password: 'teh sore hari ini',
      consent: 'yes',
    });
    expect(res.statusCode).toBe(303);
    const code = await latestCode('sari@contoh.id');
    const wrongCode = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++)
      expect((await guesser.post('/akun/verifikasi', { code: wrongCode }, { remoteAddress: `10.8.0.${i + 1}` })).statusCode).toBe(400);
    const late = await guesser.post('/akun/verifikasi', { code }, { remoteAddress: '10.8.0.9' });
    expect(late.statusCode).toBe(400);
    expect((await guesser.get('/akun/verifikasi')).body).not.toContain('Kontak Anda sudah dipastikan');
  });

  it('stamps the messages it delivers with the service clock, not the machine’s', async () => {
    await ctx.services.outbox.drain();
    const mails = await ctx.db.selectFrom('notifications').select('created_at').where('recipient', '=', 'rina@contoh.id').execute();
    expect(mails.length).toBeGreaterThan(0);
    for (const m of mails) expect(m.created_at).toBe(ctx.clock.now().toISOString());
  });

  it('lists a permit type’s steps from its workflow: the office’s way to the permit, without the detours', async () => {
    const { workflow } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' });
    const label = (code: string) => workflow.states.find((s) => s.code === code)!.label.id;
    const guide = await new PageClient(ctx).get('/izin/pbg');
    expect(guide.statusCode).toBe(200);
    const steps = [...(/<h2>Langkah-langkah<\/h2>\s*<ol>(.*?)<\/ol>/s.exec(guide.body)?.[1] ?? '').matchAll(/<li>([^<]*)<\/li>/g)].map((m) => m[1]);
    expect(steps).toEqual(['submitted', 'verification', 'technical_review', 'fee_assessment', 'approval', 'signing', 'issued'].map(label));
  });

  it('applies for a permit one question per page, keeping bad answers on screen without saving them', async () => {
    const start = await citizen.post('/izin/NIB/mulai', {});
    expect(start.statusCode).toBe(303);
    appUrl = start.headers.location!.replace(/\/isian\/.*$/, '');
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
    const nikField = type.definition.fields.find((f) => f.type === 'nik')!;
    const bad = await citizen.post(`${appUrl}/isian/${nikField.name}`, { [nikField.name]: '12345' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('error-summary');
    expect(bad.body).toContain('value="12345"');
    const id = appUrl.split('/').pop()!;
    expect(JSON.parse((await ctx.db.selectFrom('applications').select('answers').where('id', '=', id).executeTakeFirstOrThrow()).answers)).not.toHaveProperty(
      nikField.name,
    );

    const answers: Record<string, string> = {
      nik: '3573014506900002',
      npwp: '',
      kbli: '47111',
      email: 'rina@contoh.id',
      phone: '0812 3456 7890',
      address: 'Jl. Ijen No. 5, Klojen, Kota Malang',
      number: '50000000',
      text: 'Toko <script>alert(1)</script> Rina',
    };
    for (const f of type.definition.fields) {
      const res = await citizen.post(`${appUrl}/isian/${f.name}`, { [f.name]: answers[f.type] ?? 'Contoh' });
      expect(res.statusCode, `${f.name}: ${res.body.slice(0, 300)}`).toBe(303);
    }
    // The check page shows what was typed, escaped; submitting without documents is explained, not accepted.
    const check = await citizen.get(`${appUrl}/periksa`);
    expect(check.body).toContain('Toko &lt;script&gt;alert(1)&lt;/script&gt; Rina');
    expect(check.body).not.toContain('<script>alert(1)');
    // Changing one answer from the check page returns there.
    const first = type.definition.fields[0]!;
    expect((await citizen.get(`${appUrl}/isian/${first.name}?ubah=1`)).body).toContain('name="ubah" value="1"');
    const changed = await citizen.post(`${appUrl}/isian/${first.name}`, { [first.name]: answers[first.type] ?? 'Contoh', ubah: '1' });
    expect(changed.headers.location).toBe(`${appUrl}/periksa`);
    const early = await citizen.post(`${appUrl}/ajukan`, { declaration: 'yes' });
    expect(early.statusCode).toBe(400);
    // Each missing required document is its own error, linking to its upload page.
    for (const r of type.definition.requirements.filter((x) => x.required))
      expect(early.body).toContain(`<a href="${appUrl}/dokumen/${r.code}">Unggah ${r.name.id}</a>`);
  });

  it('refuses a renamed file on the upload page with a clear message, then accepts a real PDF', async () => {
    const requirement = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' })).definition.requirements.find((r) => r.required)!;
    const renamed = await citizen.upload(`${appUrl}/dokumen/${requirement.code}`, 'ktp.pdf', DEMO_PNG, 'application/pdf');
    expect(renamed.statusCode).toBe(415);
    expect(renamed.body).toContain('error-summary');
    expect(renamed.body).toContain('isinya harus sesuai dengan nama berkasnya');
    const ok = await citizen.upload(`${appUrl}/dokumen/${requirement.code}`, 'ktp.pdf', DEMO_PDF, 'application/pdf');
    expect(ok.statusCode).toBe(303);
    expect((await citizen.get(`${appUrl}/dokumen`)).body).toContain('ktp.pdf');
  });

  it('needs the declaration, then submits and shows the number, tracking code and receipt', async () => {
    const noDeclaration = await citizen.post(`${appUrl}/ajukan`, {});
    expect(noDeclaration.statusCode).toBe(400);
    expect(noDeclaration.body).toContain('Centang pernyataan');
    const submitted = await citizen.post(`${appUrl}/ajukan`, { declaration: 'yes' });
    expect(submitted.statusCode).toBe(303);
    const done = await citizen.get(submitted.headers.location!);
    const number = /data-number>([^<]+)</.exec(done.body)![1]!;
    const code = /data-tracking-code>([^<]+)</.exec(done.body)![1]!;
    expect(number).toMatch(/^MLG-NIB-2026-\d{6}$/);
    expect(done.body).toContain('Perkiraan selesai');
    const receipt = (await citizen.get(`${appUrl}/tanda-terima`)).body;
    expect(receipt).toContain(code);
    // The receipt is signed: its code opens a public page saying it is genuine.
    const receiptCode = /data-receipt-code>([^<]+)</.exec(receipt)![1]!;
    const check = await new PageClient(ctx).get(`/v/${receiptCode.replace('-', '')}`);
    expect(check.statusCode).toBe(200);
    expect(check.body).toContain('data-verification-status="valid"');
    expect(check.body).toContain(number);
    expect((await citizen.get('/permohonan')).body).toContain(number);

    // Anyone can track it with number and code, without signing in; no personal data shows.
    const stranger = new PageClient(ctx);
    const tracked = await stranger.post('/lacak', { number, code });
    expect(tracked.statusCode).toBe(200);
    expect(tracked.body).toContain('Diajukan');
    expect(tracked.body).not.toContain('Rina');
    const wrong = await stranger.post('/lacak', { number, code: 'AAAAAAAA' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('Tidak ada permohonan dengan nomor');
    // The tracking form is a form like any other: without its anti-forgery token it shows nothing.
    const forged = await new PageClient(ctx).post('/lacak', { number, code }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).not.toContain(number);
  });

  it('hides one citizen’s application pages from another citizen', async () => {
    const other = new PageClient(ctx);
    await other.post('/akun/daftar', { name: 'Budi', nik: uniqueNik(), email: 'budi@contoh.id', password: 'teh manis hangat sekali', consent: 'yes' });
    for (const path of ['', '/periksa', '/dokumen', '/tanda-terima', '/tarik']) {
      const res = await other.get(`${appUrl}${path}`);
      expect(res.statusCode, path).toBe(404);
      expect(res.body).not.toContain('Toko');
    }
    const withdraw = await other.post(`${appUrl}/tarik`, {});
    expect(withdraw.statusCode).toBe(404);
  });

  it('remembers the English switch and shows pages in English', async () => {
    const res = await citizen.post('/bahasa', { lang: 'en', kembali: '/permohonan' });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/permohonan');
    const page = await citizen.get('/permohonan');
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain('My applications');
    const back = await citizen.post('/bahasa', { lang: 'id', kembali: 'https://evil.example/' });
    expect(back.headers.location).toBe('/');
  });

  it('lets the citizen withdraw after confirming, and signs out everywhere', async () => {
    const res = await citizen.post(`${appUrl}/tarik`, {});
    expect(res.statusCode).toBe(303);
    expect((await citizen.get(res.headers.location!)).body).toMatch(/withdrawn|ditarik/);
    const out = await citizen.post('/akun/keluar', {});
    expect(out.statusCode).toBe(200);
    // A __Host- cookie is only deleted by a Set-Cookie with the same attributes: Secure, path /.
    const cleared = ([] as string[]).concat(out.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-izol-session='));
    expect(cleared).toMatch(/; Secure/);
    expect(cleared).toMatch(/; Path=\//);
    const after = await citizen.get('/permohonan');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toMatch(/^\/akun\/masuk/);
  });
});
