import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext, uniqueNik } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

describe.each(DIALECTS)('front-desk intake pages and the citizen’s claim (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: PageClient;
  let fileUrl = '';
  let number = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'front_desk',
      name: 'Agus Loket',
      email: 'agus@loket.izol.id',
      password: 'loket kota malang 2026',
    });
    const secret = await enrollSecondFactor(ctx, userId);
    desk = new PageClient(ctx);
    await desk.post('/akun/masuk', { login: 'agus@loket.izol.id', password: 'loket kota malang 2026' });
    const ok = await desk.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(ok.statusCode).toBe(303);
  });
  afterAll(async () => ctx?.close());

  it('takes in a file for a citizen who asked on Instagram, keeping values when something is missing', async () => {
    const missing = await desk.post('/kantor/loket', { permitTypeCode: 'NIB', channel: 'assisted', channelDetail: 'Instagram', applicantName: '' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('error-summary');
    expect(missing.body).toContain('value="Instagram"');
    const created = await desk.post('/kantor/loket', {
      permitTypeCode: 'NIB',
      channel: 'assisted',
      channelDetail: 'Instagram',
      applicantName: 'Bu Sri <Warung>',
      applicantContact: '0812 3456 7111',
    });
    expect(created.statusCode).toBe(303);
    fileUrl = created.headers.location!;
    const page = await desk.get(fileUrl);
    expect(page.body).toContain('Bu Sri &lt;Warung&gt;');
  });

  it('fills the form from the papers, uploads the scan and submits; the claim code goes out', async () => {
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
    const answers: Record<string, string> = {};
    for (const f of type.definition.fields) {
      answers[f.name] =
        f.type === 'nik'
          ? '12'
          : f.type === 'kbli'
            ? '47111'
            : f.type === 'email'
              ? 'sri@contoh.id'
              : f.type === 'phone'
                ? '081234567111'
                : f.type === 'number'
                  ? '1000000'
                  : f.type === 'npwp'
                    ? ''
                    : f.type === 'address'
                      ? 'Jl. Kawi No. 3, Kota Malang'
                      : 'Warung Sri';
    }
    const bad = await desk.post(`${fileUrl}/isian`, answers);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('NIK harus 16 angka');
    expect(bad.body).toContain('value="Warung Sri"');
    const nikField = type.definition.fields.find((f) => f.type === 'nik')!.name;
    const good = await desk.post(`${fileUrl}/isian`, { ...answers, [nikField]: '3573014506900002' });
    expect(good.statusCode).toBe(200);
    const required = type.definition.requirements.filter((r) => r.required);
    for (const r of required) {
      const pdf = r.acceptedTypes.includes('pdf');
      const up = await desk.upload(
        `${fileUrl}/dokumen/${r.code}`,
        pdf ? 'scan.pdf' : 'scan.png',
        pdf ? DEMO_PDF : DEMO_PNG,
        pdf ? 'application/pdf' : 'image/png',
      );
      expect(up.statusCode, up.body.slice(0, 200)).toBe(303);
    }
    const submitted = await desk.post(`${fileUrl}/ajukan`, {});
    expect(submitted.statusCode).toBe(200);
    number = /MLG-NIB-2026-\d{6}/.exec(submitted.body)![0];
    expect(submitted.body).toContain('+6281234567111');
  });

  it('lets the citizen claim the file into a new account and see it there, channel still assisted', async () => {
    await ctx.services.outbox.drain();
    const mail = await ctx.db.selectFrom('notifications').select('body').where('recipient', '=', '+6281234567111').executeTakeFirstOrThrow();
    const code = /kode klaim: ([0-9A-Z]{8})/.exec(mail.body)![1]!;
    const citizen = new PageClient(ctx);
    await citizen.post('/akun/daftar', { name: 'Sri Wahyuni', nik: uniqueNik(), phone: '0812 3456 7111', password: 'kopi susu gula aren', consent: 'yes' });
    const wrong = await citizen.post('/permohonan/klaim', { number, code: 'AAAAAAAA' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('tidak cocok');
    const ok = await citizen.post('/permohonan/klaim', { number, code });
    expect(ok.statusCode).toBe(303);
    const detail = await citizen.get(ok.headers.location!);
    expect(detail.statusCode).toBe(200);
    expect(detail.body).toContain(number);
    expect(detail.body).toContain('Bantuan petugas');
    expect((await citizen.get('/permohonan')).body).toContain(number);
  });

  it('keeps the intake pages to the front desk', async () => {
    const citizen = new PageClient(ctx);
    await citizen.post('/akun/daftar', { name: 'Budi', nik: uniqueNik(), email: 'budi.loket@contoh.id', password: 'nasi pecel madiun', consent: 'yes' });
    expect((await citizen.get('/kantor/loket')).statusCode).toBe(403);
    expect((await new PageClient(ctx).get('/kantor/loket')).statusCode).toBe(303);
  });
});
