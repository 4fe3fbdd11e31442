/**
 * The appointment pages, on SQLite and PostgreSQL, through their HTML forms with no JavaScript: a
 * citizen books one thing per page (service, permit, time, name and WhatsApp, the code, check answers),
 * gets the pass (number, time in the office's zone, a QR code holding the check-in address, what to
 * bring), and views, moves and cancels it; a wrong code or a full slot books nothing; English too.
 */
import jsqr from 'jsqr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { totpAt } from '../../src/auth/totp.js';
import { PageClient } from '../helpers/pages.js';

const MONDAY_0900 = '2026-11-23T02:00:00.000Z';
// jsqr is CommonJS whose types declare only a default export; under NodeNext that is `.default`.
const jsQR = jsqr.default;

/** Reads the QR code of an SVG as the qrcode package draws it (one path of horizontal runs), as a camera would: pixels, then jsQR. */
function readQrFromSvg(svg: string): string | null {
  const size = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
  const dark = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  let x = 0;
  let y = 0;
  for (const [, cmd, a, b] of d.matchAll(/([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?/g)) {
    if (cmd === 'M') [x, y] = [Number(a), Number(b)];
    else if (cmd === 'm') [x, y] = [x + Number(a), y + Number(b)];
    else {
      const to = cmd === 'h' ? x + Number(a) : Number(a);
      for (let i = x; i < to; i++) dark[Math.floor(y)]![i] = true;
      x = to;
    }
  }
  const scale = 4;
  const px = size * scale;
  const rgba = new Uint8ClampedArray(px * px * 4);
  for (let r = 0; r < px; r++)
    for (let c = 0; c < px; c++) {
      const v = dark[Math.floor(r / scale)]![Math.floor(c / scale)] ? 0 : 255;
      rgba.set([v, v, v, 255], (r * px + c) * 4);
    }
  return jsQR(rgba, px, px)?.data ?? null;
}

describe.each(DIALECTS)('appointment pages (%s)', (dialect) => {
  let ctx: TestContext;
  let n = 0;
  const address = () => `10.41.0.${++n}`;
  const codeFor = async (phone: string) => {
    await ctx.services.outbox.drain();
    const row = await ctx.db
      .selectFrom('notifications')
      .select('params')
      .where('recipient', '=', phone)
      .where('kind', '=', 'contact_code')
      .orderBy('outbox_id', 'desc')
      .executeTakeFirstOrThrow();
    return (JSON.parse(row.params) as { code: string }).code;
  };
  const bookings = () => ctx.db.selectFrom('appointments').selectAll().where('tenant_id', '=', ctx.tenant.id).execute();
  /** The hidden and typed fields of the page's first POST form to `action`, as the browser would send them. */
  const formFields = (body: string, action: string) => {
    const form = new RegExp(`<form method="post" action="${action}"[\\s\\S]*?</form>`).exec(body)?.[0] ?? '';
    const out: Record<string, string> = {};
    for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      if (m[1] !== '_csrf') out[m[1]!] = m[2]!.replaceAll('&amp;', '&').replaceAll('&#39;', "'").replaceAll('&quot;', '"');
    }
    return out;
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('books an appointment one question per page and shows the pass with its QR code and what to bring', async () => {
    const citizen = new PageClient(ctx);
    const start = await citizen.get('/janji-temu');
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('href="/janji-temu/layanan"');
    const service = await citizen.get('/janji-temu/layanan');
    expect(service.body).toContain('Untuk keperluan apa Anda datang?');
    expect(service.body).toContain('value="KONSULTASI"');
    // No choice made: the same question again with an error summary.
    const none = await citizen.get('/janji-temu/izin');
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('class="error-summary"');
    const permit = await citizen.get('/janji-temu/izin?layanan=PENGAJUAN');
    expect(permit.body).toContain('value="PBG"');
    const time = await citizen.get('/janji-temu/waktu?layanan=PENGAJUAN&izin=PBG&dari=2026-11-23');
    expect(time.statusCode).toBe(200);
    expect(time.body).toContain('Senin, 23 November 2026');
    expect(time.body).toContain(`value="${MONDAY_0900}"`);
    expect(time.body).toContain('10 tempat tersisa');
    expect(time.body).toContain('Asia/Jakarta');
    const details = await citizen.get(`/janji-temu/data?layanan=PENGAJUAN&izin=PBG&mulai=${MONDAY_0900}`);
    expect(details.body).toContain('Nomor WhatsApp');

    // A wrong number: the same page, the answers kept, nothing sent.
    const bad = await citizen.post(
      '/janji-temu/data',
      { ...formFields(details.body, '/janji-temu/data'), name: 'Rudi <i>Hartono</i>', whatsapp: '021 555' },
      { remoteAddress: address() },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('href="#f-whatsapp"');
    expect(bad.body).toContain('value="Rudi &lt;i&gt;Hartono&lt;/i&gt;"');

    const codePage = await citizen.post(
      '/janji-temu/data',
      { ...formFields(details.body, '/janji-temu/data'), name: 'Rudi Hartono', whatsapp: '0812 4444 0001' },
      { remoteAddress: address() },
    );
    expect(codePage.statusCode, codePage.body).toBe(200);
    expect(codePage.body).toContain('Masukkan kode dari WhatsApp');
    const code = await codeFor('+6281244440001');

    // A wrong code at the end: back to the code page with an error, nothing booked.
    const checkWrong = await citizen.post('/janji-temu/periksa', {
      ...formFields(codePage.body, '/janji-temu/periksa'),
      kode: code === '000000' ? '111111' : '000000',
    });
    expect(checkWrong.statusCode).toBe(200);
    const wrong = await citizen.post('/janji-temu/pesan', formFields(checkWrong.body, '/janji-temu/pesan'), { remoteAddress: address() });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain('href="#f-kode"');
    expect(await bookings()).toHaveLength(0);

    const check = await citizen.post('/janji-temu/periksa', { ...formFields(wrong.body, '/janji-temu/periksa'), kode: code });
    expect(check.body).toContain('Periksa janji temu Anda');
    expect(check.body).toContain('Senin, 23 November 2026 pukul 09.00 WIB');
    expect(check.body).toContain('Persetujuan Bangunan Gedung');
    const booked = await citizen.post('/janji-temu/pesan', formFields(check.body, '/janji-temu/pesan'), { remoteAddress: address() });
    expect(booked.statusCode).toBe(303);
    const passUrl = booked.headers.location as string;
    expect(passUrl).toMatch(/^\/janji-temu\/tiket\?nomor=MLG-APT-20261123-\d{4}&kode=[0-9A-Z]{8}$/);
    const [row] = await bookings();
    expect(row).toMatchObject({ name: 'Rudi Hartono', phone: '+6281244440001', service_code: 'PENGAJUAN', permit_type_code: 'PBG', starts_at: MONDAY_0900 });

    const pass = await citizen.get(passUrl);
    expect(pass.statusCode).toBe(200);
    expect(pass.body).toContain(row!.number);
    expect(pass.body).toContain('Senin, 23 November 2026 pukul 09.00 WIB');
    expect(pass.body).toContain('Yang perlu dibawa');
    expect(pass.body).toContain('KTP asli');
    const qr = readQrFromSvg(/<svg[\s\S]*?<\/svg>/.exec(pass.body)![0]);
    const code8 = new URL(passUrl, 'http://x').searchParams.get('kode')!;
    expect(qr).toBe(`${ctx.services.config.baseUrl}/antrian/lapor?nomor=${row!.number}&kode=${code8}`);
  });

  it('asks no code of a signed-in citizen whose verified number it is, and a code of an officer trying the portal', async () => {
    const detailsUrl = `/janji-temu/data?layanan=KONSULTASI&mulai=${MONDAY_0900}`;
    const sign = async (role: 'applicant' | 'front_desk', phone: string) => {
      const email = `${role}.${++n}@janji-halaman.izol.test`;
      const password = 'kopi susu pagi hari';
      const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role}`, email, password });
      await ctx.db.updateTable('users').set({ phone, phone_verified_at: ctx.clock.now().toISOString() }).where('id', '=', userId).execute();
      return { email, password, userId };
    };
    const citizenAccount = await sign('applicant', '+6281244440077');
    const citizen = new PageClient(ctx);
    expect((await citizen.post('/akun/masuk', { login: citizenAccount.email, password: citizenAccount.password })).statusCode).toBe(303);
    const details = await citizen.get(detailsUrl);
    const check = await citizen.post(
      '/janji-temu/data',
      { ...formFields(details.body, '/janji-temu/data'), name: 'Warga Terverifikasi', whatsapp: '0812 4444 0077' },
      { remoteAddress: address() },
    );
    expect(check.body).toContain('Periksa janji temu Anda');
    expect(check.body).not.toContain('Masukkan kode dari WhatsApp');
    const booked = await citizen.post('/janji-temu/pesan', formFields(check.body, '/janji-temu/pesan'), { remoteAddress: address() });
    expect(booked.statusCode, booked.body).toBe(303);
    const mine = (await bookings()).find((b) => b.phone === '+6281244440077');
    expect(mine).toMatchObject({ user_id: citizenAccount.userId, channel: 'online' });

    // An officer on the portal's pages books as a visitor would: the number needs its code.
    const desk = await sign('front_desk', '+6281244440078');
    const secret = await enrollSecondFactor(ctx, desk.userId);
    const officer = new PageClient(ctx);
    expect((await officer.post('/akun/masuk', { login: desk.email, password: desk.password })).headers.location).toBe('/kantor/kode');
    expect((await officer.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    const asked = await officer.post(
      '/janji-temu/data',
      { ...formFields((await officer.get(detailsUrl)).body, '/janji-temu/data'), name: 'Petugas Mencoba', whatsapp: '0812 4444 0078' },
      { remoteAddress: address() },
    );
    expect(asked.body).toContain('Masukkan kode dari WhatsApp');
  });

  it('views, moves and cancels a booking with its number and code', async () => {
    const citizen = new PageClient(ctx);
    const b = await ctx.services.appointments.book({
      tenant: ctx.tenant,
      actor: null,
      service: 'KONSULTASI',
      start: MONDAY_0900,
      name: 'Wati',
      whatsapp: '0812 4444 0002',
      code: await (async () => {
        await ctx.services.appointments.requestCode({ tenant: ctx.tenant, whatsapp: '0812 4444 0002', lang: 'id' });
        return codeFor('+6281244440002');
      })(),
      lang: 'id',
    });
    const wrong = await citizen.get(`/janji-temu/tiket?nomor=${b.appointment.number}&kode=SALAH123`);
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).toContain('Tidak ada janji temu dengan nomor dan kode itu');

    const movePage = await citizen.get(`/janji-temu/pindah?nomor=${b.appointment.number}&kode=${b.code}&dari=2026-11-24`);
    expect(movePage.statusCode).toBe(200);
    expect(movePage.body).toContain('value="2026-11-24T01:00:00.000Z"');
    const noChoice = await citizen.post('/janji-temu/pindah', { nomor: b.appointment.number, kode: b.code });
    expect(noChoice.statusCode).toBe(400);
    const moved = await citizen.post('/janji-temu/pindah', { nomor: b.appointment.number, kode: b.code, mulai: '2026-11-24T01:00:00.000Z' });
    expect(moved.statusCode).toBe(303);
    const after = await citizen.get(moved.headers.location as string);
    expect(after.body).toContain('Janji temu dipindahkan');
    expect(after.body).toContain('Selasa, 24 November 2026 pukul 08.00 WIB');

    const cancelPage = await citizen.get(`/janji-temu/batal?nomor=${b.appointment.number}&kode=${b.code}`);
    expect(cancelPage.body).toContain('Batalkan janji temu');
    const csrfLess = await citizen.post('/janji-temu/batal', { nomor: b.appointment.number, kode: b.code }, { csrf: false });
    expect(csrfLess.statusCode).toBe(403);
    expect((await bookings()).find((x) => x.number === b.appointment.number)!.status).toBe('booked');
    const cancelled = await citizen.post('/janji-temu/batal', { nomor: b.appointment.number, kode: b.code });
    expect(cancelled.statusCode).toBe(303);
    const gone = await citizen.get(cancelled.headers.location as string);
    expect(gone.body).toContain('Janji temu dibatalkan');
    expect(gone.body).toContain('Dibatalkan');
    expect(gone.body).not.toContain('<svg');
    expect((await bookings()).find((x) => x.number === b.appointment.number)!.status).toBe('cancelled');
  });

  it('sends the citizen back to choose another time when the slot filled meanwhile, booking nothing', async () => {
    const full = '2026-11-25T02:00:00.000Z';
    for (let i = 0; i < 10; i++) {
      await ctx.services.appointments.requestCode({ tenant: ctx.tenant, whatsapp: `0813 5000 ${1000 + i}`, lang: 'id' });
      const code = await codeFor(`+628135000${String(1000 + i)}`);
      await ctx.services.appointments.book({
        tenant: ctx.tenant,
        actor: null,
        service: 'KONSULTASI',
        start: full,
        name: `Tamu ${i}`,
        whatsapp: `0813 5000 ${1000 + i}`,
        code,
        lang: 'id',
      });
    }
    const citizen = new PageClient(ctx);
    await citizen.get('/');
    await ctx.services.appointments.requestCode({ tenant: ctx.tenant, whatsapp: '0812 4444 0003', lang: 'id' });
    const code = await codeFor('+6281244440003');
    const before = (await bookings()).length;
    const res = await citizen.post(
      '/janji-temu/pesan',
      { layanan: 'KONSULTASI', izin: '', mulai: full, name: 'Telat', whatsapp: '0812 4444 0003', kode: code },
      { remoteAddress: address() },
    );
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toContain('/janji-temu/waktu?layanan=KONSULTASI&penuh=1');
    const again = await citizen.get(res.headers.location as string);
    expect(again.body).toContain('jam itu baru saja penuh');
    expect((await bookings()).length).toBe(before);
  });

  it('speaks English when asked', async () => {
    const citizen = new PageClient(ctx);
    await citizen.post('/bahasa', { lang: 'en', kembali: '/janji-temu' });
    const start = await citizen.get('/janji-temu');
    expect(start.body).toContain('Book an appointment');
    const time = await citizen.get('/janji-temu/waktu?layanan=KONSULTASI&dari=2026-11-23');
    expect(time.body).toContain('Monday, 23 November 2026');
    expect(time.body).toContain('When will you come?');
  });
});
