import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/** The office's help contacts (issue 16, item 7): set by the admin in the office settings, shown in every page's footer. */
describe.each(DIALECTS)('office help contacts (%s)', (dialect) => {
  let ctx: TestContext;
  let adminId = '';
  let admin: PageClient;
  const base = {
    name: 'DPMPTSP Kota Malang',
    timeZone: 'Asia/Jakarta',
    hostnames: 'localhost\n127.0.0.1\nmalang.izol.test',
    logoText: 'Izol Kota Malang',
    phone: '0341-751942',
    email: '',
  };
  const contacts = {
    address: 'Jl. Mayjend Sungkono, Kota Malang',
    whatsapp: '0812-3456-7890',
    instagram: '@dpmptsp.kotamalang',
    facebook: 'dpmptsp.kotamalang',
    hours: 'Senin–Jumat   08.00–15.00',
  };
  const none = { address: '', whatsapp: '', instagram: '', facebook: '', hours: '' };

  const branding = async () =>
    JSON.parse((await ctx.db.selectFrom('tenants').select('branding').where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow()).branding) as Record<
      string,
      string
    >;
  const audits = async () =>
    (
      await ctx.db
        .selectFrom('audit_events')
        .select(['actor_id', 'data'])
        .where('tenant_id', '=', ctx.tenant.id)
        .where('action', '=', 'tenant.settings_updated')
        .orderBy('seq')
        .execute()
    ).map((a) => ({ actor: a.actor_id, data: JSON.parse(a.data) as { changed: string[]; branding: Record<string, string> } }));
  const footer = (body: string) => /<footer[\s\S]*<\/footer>/.exec(body)?.[0] ?? '';

  async function save(form: Record<string, string>): Promise<void> {
    const res = await admin.post('/kantor/admin/pengaturan', { ...base, ...form });
    expect(res.statusCode).toBe(303);
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const password = 'admin kantor malang rahasia';
    ({ userId: adminId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Sari Admin Malang',
      email: 'sari.admin@kantor.izol.id',
      password,
    }));
    const secret = await enrollSecondFactor(ctx, adminId);
    admin = new PageClient(ctx);
    const first = await admin.post('/akun/masuk', { login: 'sari.admin@kantor.izol.id', password });
    expect(first.headers.location).toBe('/kantor/kode');
    const code = await admin.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(code.headers.location).toBe('/kantor');
  });
  afterAll(async () => ctx?.close());

  it('lets the admin set the help contacts: the number kept as 628…, handles without @, audited', async () => {
    const before = (await audits()).length;
    const res = await admin.post('/kantor/admin/pengaturan', { ...base, ...contacts });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/kantor/admin/pengaturan?ok=disimpan');
    expect(await branding()).toMatchObject({
      address: 'Jl. Mayjend Sungkono, Kota Malang',
      whatsapp: '6281234567890',
      instagram: 'dpmptsp.kotamalang',
      facebook: 'dpmptsp.kotamalang',
      hours: 'Senin–Jumat 08.00–15.00',
    });
    const added = (await audits()).slice(before);
    expect(added).toHaveLength(1);
    expect(added[0]!.actor).toBe(adminId);
    expect(added[0]!.data.changed).toEqual(['branding']);
    expect(added[0]!.data.branding).toMatchObject({ whatsapp: '6281234567890', instagram: 'dpmptsp.kotamalang' });
    const page = await admin.get('/kantor/admin/pengaturan');
    expect(page.body).toContain('Kontak bantuan untuk warga');
    expect(page.body).toContain('value="0812-3456-7890"');
    expect(page.body).toContain('value="dpmptsp.kotamalang"');
    expect(page.body).toContain('value="Senin–Jumat 08.00–15.00"');
    // +62 and 62… are the same number.
    await save({ ...contacts, whatsapp: '+62 812 3456 7890' });
    expect((await branding()).whatsapp).toBe('6281234567890');
  });

  it('refuses bad values with a message on each field, writing nothing', async () => {
    await save(contacts);
    const stored = await branding();
    const before = (await audits()).length;
    const res = await admin.post('/kantor/admin/pengaturan', {
      ...base,
      ...contacts,
      whatsapp: '0341-751942',
      instagram: 'dpmptsp kota/malang',
      facebook: 'https://facebook.com/x',
      hours: 'Senin '.repeat(30),
    });
    expect(res.statusCode).toBe(400);
    for (const field of ['whatsapp', 'instagram', 'facebook', 'hours']) expect(res.body).toContain(`href="#f-${field}"`);
    expect(res.body).toContain('Nomor WhatsApp kantor: isi nomor HP Indonesia yang diawali 08 atau +62, misalnya 0812-3456-7890.');
    expect(res.body).toContain('Akun Instagram: gunakan huruf, angka, titik dan garis bawah saja');
    expect(res.body).toContain('Halaman Facebook: gunakan huruf, angka dan titik saja (5 sampai 50)');
    expect(res.body).toContain('Jam buka:');
    // What was typed stays in the form to be corrected.
    expect(res.body).toContain('value="0341-751942"');
    expect(res.body).toContain('value="dpmptsp kota/malang"');
    expect(await branding()).toEqual(stored);
    expect(await audits()).toHaveLength(before);
    // Another mobile number form that is not Indonesian, and a too-short one.
    for (const whatsapp of ['+1 415 555 0100', '0812-345']) {
      const bad = await admin.post('/kantor/admin/pengaturan', { ...base, ...contacts, whatsapp });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('href="#f-whatsapp"');
    }
    expect(await branding()).toEqual(stored);
  });

  it('shows the contacts in the footer of a public page, with the right links', async () => {
    await save(contacts);
    const res = await new PageClient(ctx).get('/izin');
    expect(res.statusCode).toBe(200);
    const f = footer(res.body);
    expect(f).toContain('<h2 id="footer-contacts">Kontak kantor</h2>');
    expect(f).toContain('<a href="https://wa.me/6281234567890" rel="noopener">WhatsApp kantor: 0812-3456-7890</a>');
    expect(f).toContain('<a href="https://www.instagram.com/dpmptsp.kotamalang" rel="noopener">Instagram kantor: @dpmptsp.kotamalang</a>');
    expect(f).toContain('<a href="https://www.facebook.com/dpmptsp.kotamalang" rel="noopener">Facebook kantor: dpmptsp.kotamalang</a>');
    expect(f).toContain(
      'Alamat: Jl. Mayjend Sungkono, Kota Malang (<a href="https://www.openstreetmap.org/search?query=Jl.%20Mayjend%20Sungkono%2C%20Kota%20Malang" rel="noopener">Lihat alamat kantor di peta</a>)',
    );
    expect(f).toContain('Jam buka: Senin–Jumat 08.00–15.00');
  });

  it('shows them on a 404 page and a 413 page too, in English for an English reader', async () => {
    await save(contacts);
    const visitor = new PageClient(ctx);
    const missing = await visitor.get('/halaman-yang-tidak-ada');
    expect(missing.statusCode).toBe(404);
    expect(footer(missing.body)).toContain('<a href="https://wa.me/6281234567890" rel="noopener">WhatsApp kantor: 0812-3456-7890</a>');
    expect(footer(missing.body)).toContain('https://www.openstreetmap.org/search?query=');
    // A request too large for the server (413) gets an error page with the same footer.
    const tooLarge = await visitor.post('/akun/masuk', { login: 'x'.repeat(1100 * 1024), password: 'x' });
    expect(tooLarge.statusCode).toBe(413);
    expect(footer(tooLarge.body)).toContain('<a href="https://wa.me/6281234567890" rel="noopener">WhatsApp kantor: 0812-3456-7890</a>');
    const switched = await visitor.post('/bahasa', { lang: 'en', kembali: '/izin' });
    expect(switched.statusCode).toBe(303);
    const english = await visitor.get('/halaman-yang-tidak-ada');
    expect(english.statusCode).toBe(404);
    const f = footer(english.body);
    expect(f).toContain('<h2 id="footer-contacts">Contact the office</h2>');
    expect(f).toContain('<a href="https://wa.me/6281234567890" rel="noopener">Office WhatsApp: 0812-3456-7890</a>');
    expect(f).toContain('Opening hours: Senin–Jumat 08.00–15.00');
  });

  it('escapes an address holding markup, in the text and in the map link', async () => {
    await save({ ...contacts, address: '<script>alert("x")</script> Jl. Merdeka & Co' });
    const f = footer((await new PageClient(ctx).get('/izin')).body);
    expect(f).not.toContain('<script>');
    expect(f).toContain('Alamat: &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Jl. Merdeka &amp; Co');
    expect(f).toContain('search?query=%3Cscript%3Ealert(%22x%22)%3C%2Fscript%3E%20Jl.%20Merdeka%20%26%20Co"');
  });

  it('shows nothing when no contact is set, and only the ones set otherwise', async () => {
    await save(none);
    expect(await branding()).not.toHaveProperty('whatsapp');
    for (const url of ['/izin', '/halaman-yang-tidak-ada']) {
      const f = footer((await new PageClient(ctx).get(url)).body);
      expect(f).not.toContain('Kontak kantor');
      expect(f).not.toContain('footer-contacts');
      expect(f).not.toContain('wa.me');
      expect(f).not.toContain('openstreetmap');
    }
    await save({ ...none, hours: 'Senin–Kamis 08.00–14.00' });
    const f = footer((await new PageClient(ctx).get('/izin')).body);
    expect(f).toContain('Kontak kantor');
    expect(f).toContain('Jam buka: Senin–Kamis 08.00–14.00');
    expect(f).not.toContain('WhatsApp kantor');
    expect(f).not.toContain('instagram.com');
    expect(f).not.toContain('facebook.com');
    expect(f).not.toContain('Alamat');
  });
});
