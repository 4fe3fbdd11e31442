import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext, uniqueNik } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

describe.each(DIALECTS)('the front desk’s courier parcel pages (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: PageClient;
  let parcelUrl = '';
  let fileUrl = '';
  let number = '';
  let trackingCode = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'front_desk',
      name: 'Rina Loket',
      email: 'rina@loket.izol.id',
      password: 'loket kiriman kota malang',
    });
    const secret = await enrollSecondFactor(ctx, userId);
    desk = new PageClient(ctx);
    await desk.post('/akun/masuk', { login: 'rina@loket.izol.id', password: 'loket kiriman kota malang' });
    expect((await desk.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
  });
  afterAll(async () => ctx?.close());

  it('is reached from the back office and kept to the front desk and the admin', async () => {
    const home = await desk.get('/kantor');
    expect(home.body).toContain('href="/kantor/kiriman"');
    expect((await desk.get('/kantor/kiriman')).statusCode).toBe(200);
    const citizen = new PageClient(ctx);
    await citizen.post('/akun/daftar', { name: 'Budi', nik: uniqueNik(), email: 'budi.kiriman@contoh.id', password: 'nasi pecel madiun', consent: 'yes' });
    expect((await citizen.get('/kantor/kiriman')).statusCode).toBe(403);
    expect((await new PageClient(ctx).get('/kantor/kiriman/laporan')).statusCode).toBe(303);
  });

  it('logs a parcel in two steps (permit type, then the details and the checklist), keeping what was typed when something is wrong', async () => {
    const step = await desk.get('/kantor/kiriman/baru?jenis=NIB');
    expect(step.statusCode).toBe(200);
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
    for (const r of type.definition.requirements) expect(step.body).toContain(`name="req-${r.code}"`);
    const first = type.definition.requirements[0]!;
    const form = {
      permitTypeCode: 'NIB',
      company: 'SiCepat',
      trackingNumber: '',
      senderName: 'Bu Lestari <Toko>',
      senderContact: '0812 3456 7300',
      [`req-${first.code}`]: 'yes',
    };
    const missing = await desk.post('/kantor/kiriman/baru', form);
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('error-summary');
    expect(missing.body).toContain('Nomor resi');
    expect(missing.body).toContain('value="Bu Lestari &lt;Toko&gt;"');
    expect(missing.body).toMatch(new RegExp(`name="req-${first.code}" type="checkbox" value="yes" checked`));
    const ahead = await desk.post('/kantor/kiriman/baru', { ...form, trackingNumber: '0042 9911 77', receivedDate: '2027-01-05' });
    expect(ahead.statusCode).toBe(400);
    expect(ahead.body).toContain('href="#f-receivedDate"');
    // A day that is not on the calendar (a 13th month, a 30th of February): the field's error, what was typed kept.
    for (const receivedDate of ['2026-13-01', '2026-02-30', '2026-00-10']) {
      const impossible = await desk.post('/kantor/kiriman/baru', { ...form, trackingNumber: '0042 9911 77', receivedDate, receivedTime: '08:15' });
      expect(impossible.statusCode, receivedDate).toBe(400);
      expect(impossible.body).toContain('error-summary');
      expect(impossible.body).toContain('href="#f-receivedDate"');
      expect(impossible.body).toContain('Tulis tanggal seperti 2026-11-20');
      expect(impossible.body).toContain(`value="${receivedDate}"`);
      expect(impossible.body).toContain('value="0042 9911 77"');
    }
    expect(await ctx.db.selectFrom('parcels').selectAll().execute()).toEqual([]);

    const ok = await desk.post('/kantor/kiriman/baru', { ...form, trackingNumber: '0042 9911 77', receivedTime: '08:15' });
    expect(ok.statusCode, ok.body.slice(0, 500)).toBe(303);
    parcelUrl = ok.headers.location!.replace(/\?.*$/, '');
    const page = await desk.get(ok.headers.location!);
    expect(page.body).toContain('SiCepat 0042991177');
    expect(page.body).toContain('Rina Loket');
    expect(page.body).toContain('Bu Lestari &lt;Toko&gt;');
    // 08:15 in Malang on the test day.
    const row = await ctx.db.selectFrom('parcels').selectAll().executeTakeFirstOrThrow();
    expect(row.at).toBe('2026-11-20T01:15:00.000Z');
    const again = await desk.post('/kantor/kiriman/baru', { ...form, trackingNumber: '0042991177', company: 'sicepat' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('sudah dicatat');
  });

  it('adds a photo, refusing a file that is not one', async () => {
    const wrong = await desk.upload(`${parcelUrl}/foto`, 'surat.pdf', DEMO_PDF, 'application/pdf');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#f-photo"');
    const up = await desk.upload(`${parcelUrl}/foto`, 'paket.png', DEMO_PNG, 'image/png');
    expect(up.statusCode).toBe(303);
    const page = await desk.get(parcelUrl);
    const link = /href="(\/kantor\/kiriman\/[^"]+\/foto\/[^"]+)"/.exec(page.body)![1]!;
    const photo = await desk.get(link);
    expect(photo.statusCode).toBe(200);
    expect(photo.headers['content-type']).toBe('image/png');
    expect(photo.headers['content-security-policy']).toContain('sandbox');
    // A label shows a name and an address: opening the photo is audited.
    expect(await ctx.db.selectFrom('audit_events').select('action').where('action', '=', 'parcel.photo_opened').execute()).toHaveLength(1);
  });

  it('turns the parcel into a courier application, filled and submitted on the intake pages', async () => {
    const bad = await desk.post(`${parcelUrl}/permohonan-baru`, { permitTypeCode: 'PIJAT', applicantName: 'Bu Lestari', applicantContact: '' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#f-permitTypeCode"');
    const created = await desk.post(`${parcelUrl}/permohonan-baru`, {
      permitTypeCode: 'NIB',
      applicantName: 'Lestari Wulandari',
      applicantContact: '0812 3456 7300',
    });
    expect(created.statusCode, created.body.slice(0, 300)).toBe(303);
    fileUrl = created.headers.location!;
    expect(fileUrl).toMatch(/^\/kantor\/loket\//);
    const file = await desk.get(fileUrl);
    expect(file.body).toContain('Lestari Wulandari');
    expect(file.body).toContain('(SiCepat)');

    const answers = Object.fromEntries(
      Object.entries(await validAnswers(ctx, 'NIB')).map(([k, v]) => [k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)]),
    );
    expect((await desk.post(`${fileUrl}/isian`, answers)).statusCode).toBe(200);
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
    for (const r of type.definition.requirements.filter((x) => x.required)) {
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
    trackingCode = (await ctx.db.selectFrom('applications').select('tracking_code').where('number', '=', number).executeTakeFirstOrThrow()).tracking_code!;
    const parcel = await desk.get(parcelUrl);
    expect(parcel.body).toContain(number);
    expect(parcel.body).not.toContain('/hubungkan"');
  });

  it('records the papers going back (the permit only once issued), and the citizen sees both parcels on tracking and, after claiming, on their own page', async () => {
    const missing = await desk.post('/kantor/kiriman/keluar', { applicationNumber: number, company: 'POS Indonesia', trackingNumber: 'P2611209999' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#f-contents"');
    const unknown = await desk.post('/kantor/kiriman/keluar', {
      applicationNumber: 'MLG-NIB-2026-999999',
      company: 'POS',
      trackingNumber: 'P2611209999',
      contents: 'permit',
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('href="#f-applicationNumber"');
    // No permit is issued yet: only papers can go back.
    const noPermit = await desk.post('/kantor/kiriman/keluar', {
      applicationNumber: number,
      company: 'POS Indonesia',
      trackingNumber: 'P2611209999',
      contents: 'permit',
    });
    expect(noPermit.statusCode).toBe(400);
    expect(noPermit.body).toContain('belum memiliki izin yang berlaku');
    const before = await ctx.db.selectFrom('parcels').select('id').execute();
    for (const sentDate of ['2026-00-10', '2026-11-31', '2026-13-01']) {
      const impossible = await desk.post('/kantor/kiriman/keluar', {
        applicationNumber: number,
        company: 'POS Indonesia',
        trackingNumber: 'P2611209999',
        contents: 'returned_papers',
        sentDate,
      });
      expect(impossible.statusCode, sentDate).toBe(400);
      expect(impossible.body).toContain('error-summary');
      expect(impossible.body).toContain('href="#f-sentDate"');
      expect(impossible.body).toContain(`value="${sentDate}"`);
      expect(impossible.body).toContain('value="P2611209999"');
    }
    expect(await ctx.db.selectFrom('parcels').select('id').execute()).toEqual(before);
    const sent = await desk.post('/kantor/kiriman/keluar', {
      applicationNumber: number,
      company: 'POS Indonesia',
      trackingNumber: 'P2611209999',
      contents: 'returned_papers',
    });
    expect(sent.statusCode).toBe(200);
    expect(sent.body).toContain('P2611209999');

    const visitor = new PageClient(ctx);
    const tracked = await visitor.post('/lacak', { number, code: trackingCode });
    expect(tracked.body).toContain('Kiriman diterima');
    expect(tracked.body).toContain('Berkas dikembalikan lewat kurir');
    expect(tracked.body).toContain('0042991177');
    expect(tracked.body).toContain('P2611209999');

    await ctx.services.outbox.drain();
    const claim = await ctx.db
      .selectFrom('notifications')
      .select('body')
      .where('kind', '=', 'claim_code')
      .where('recipient', '=', '+6281234567300')
      .executeTakeFirstOrThrow();
    const code = /kode klaim: ([0-9A-Z]{8})/.exec(claim.body)![1]!;
    const citizen = new PageClient(ctx);
    await citizen.post('/akun/daftar', {
      name: 'Lestari Wulandari',
      nik: uniqueNik(),
      phone: '0812 3456 7300',
      password: 'kopi tubruk gula aren',
      consent: 'yes',
    });
    const claimed = await citizen.post('/permohonan/klaim', { number, code });
    expect(claimed.statusCode).toBe(303);
    const mine = await citizen.get(claimed.headers.location!);
    expect(mine.body).toContain('Kiriman diterima');
    expect(mine.body).toContain('Berkas dikembalikan lewat kurir');
    await citizen.post('/bahasa', { lang: 'en', kembali: claimed.headers.location! });
    const english = await citizen.get(claimed.headers.location!);
    expect(english.body).toContain('Parcel received');
    expect(english.body).toContain('Papers returned by courier');

    const office = await desk.get(`/kantor/berkas/${fileUrl.split('/').pop()!}`);
    expect(office.body).toContain('Kiriman diterima');
  });

  it('shows the report: per day, not linked, and overdue', async () => {
    await desk.post('/kantor/kiriman/baru', {
      permitTypeCode: '',
      company: 'JNE',
      trackingNumber: 'JNE0001',
      senderName: 'Pak Joko',
      receivedDate: '2026-11-16',
      receivedTime: '10:00',
    });
    const report = await desk.get('/kantor/kiriman/laporan?dari=2026-11-16&sampai=2026-11-20');
    expect(report.statusCode).toBe(200);
    const overdue = report.body.slice(report.body.indexOf('Lebih dari dua hari kerja'), report.body.indexOf('Kiriman belum dihubungkan</h2>'));
    expect(overdue).toContain('JNE0001');
    expect(report.body).toMatch(/<td>2026-11-20<\/td><td>1<\/td><td>1<\/td>/);
    expect(report.body).toMatch(/<td>2026-11-16<\/td><td>1<\/td><td>0<\/td>/);
    const backwards = await desk.get('/kantor/kiriman/laporan?dari=2026-11-20&sampai=2026-11-16');
    expect(backwards.statusCode).toBe(400);
    expect(backwards.body).toContain('error-summary');
  });

  it('shows the parcels 50 a page, with the next and previous pages linked', async () => {
    for (let i = 0; i < 52; i++) {
      const res = await desk.post('/kantor/kiriman/baru', {
        permitTypeCode: '',
        company: 'Ninja Xpress',
        trackingNumber: `NX${String(i).padStart(6, '0')}`,
        senderName: 'Pengirim',
        receivedDate: '2026-11-18',
        receivedTime: `${String(8 + Math.floor(i / 60)).padStart(2, '0')}:${String(59 - (i % 60)).padStart(2, '0')}`,
      });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(303);
    }
    const total = (await ctx.db.selectFrom('parcels').select('id').execute()).length;
    // The recent parcels, below the ones not linked yet (all of which show on every page).
    const recent = (body: string) => body.slice(body.indexOf('Kiriman terakhir</h2>'));
    const recentRows = (body: string) => recent(body).split('<tr><td>').length - 1;
    const first = await desk.get('/kantor/kiriman');
    expect(first.statusCode).toBe(200);
    expect(recentRows(first.body)).toBe(50);
    expect(first.body).toContain(`Halaman 1 dari ${Math.ceil(total / 50)}`);
    expect(first.body).toContain('href="/kantor/kiriman?page=2" rel="next"');
    expect(first.body).not.toContain('rel="prev"');
    const second = await desk.get('/kantor/kiriman?page=2');
    expect(recentRows(second.body)).toBe(Math.min(50, total - 50));
    expect(second.body).toContain('href="/kantor/kiriman?page=1" rel="prev"');
    // The earliest of them (08:08 on the 18th) is on the second page, not the first.
    expect(recent(second.body)).toContain('NX000051');
    expect(recent(first.body)).not.toContain('NX000051');
    // A page that is no number is the first page.
    const odd = await desk.get('/kantor/kiriman?page=dua');
    expect(odd.statusCode).toBe(200);
    expect(recentRows(odd.body)).toBe(50);
  });
});
