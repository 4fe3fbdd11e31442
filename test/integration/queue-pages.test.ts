/**
 * The queue's pages (issue 11), on SQLite and PostgreSQL, as a browser without JavaScript uses them: the
 * kiosk's ticket with its QR code, the booking pass's check-in (the scanned address or "NUMBER CODE"),
 * the visitor's ticket page, the counter screen (call, start, complete, transfer), the front desk's
 * list, the day's report, the admin's settings, the lobby display and its server-sent events stream.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, type TestContext, userWithToken } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

const at = (hhmm: string, day = '2026-11-20') => new Date(Date.parse(`${day}T${hhmm}:00+07:00`)).toISOString();
const idFrom = (location: unknown) => /\/antrian\/kios\/([0-9a-f-]{36})$/.exec(String(location))?.[1] ?? '';

describe.each(DIALECTS)('queue pages (%s)', (dialect) => {
  let ctx: TestContext;
  let office: PageClient;
  let admin: PageClient;
  let token: string;
  /** The office's kiosk: a device an admin enrolled on the queue settings page, then signed out of. */
  let kioskDevice: PageClient;

  const staff = async (role: 'front_desk' | 'admin', email: string) => {
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role,
      name: `Petugas ${role}`,
      email,
      password: 'antrean kota malang 2026',
    });
    const secret = await enrollSecondFactor(ctx, userId);
    const client = new PageClient(ctx);
    await client.post('/akun/masuk', { login: email, password: 'antrean kota malang 2026' });
    expect((await client.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return client;
  };
  const book = async (start: string, whatsapp: string) => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: auth(token),
      payload: { service: 'PENGAJUAN', start, name: 'Rina', whatsapp },
    });
    expect(res.statusCode, res.body).toBe(201);
    return json<{ number: string; code: string }>(res);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.clock.set(at('08:30'));
    office = await staff('front_desk', `loket.${dialect}@antrian.izol.id`);
    admin = await staff('admin', `admin.${dialect}@antrian.izol.id`);
    token = (await userWithToken(ctx, 'front_desk')).token;
    kioskDevice = await staff('admin', `kios.${dialect}@antrian.izol.id`);
    const enrolled = await kioskDevice.post('/kantor/admin/antrian/kios', { name: 'Kios lobi' });
    expect(enrolled.statusCode, enrolled.body).toBe(200);
    expect(enrolled.body).toContain('Perangkat ini sekarang kios antrean');
    expect((await kioskDevice.post('/akun/keluar', {})).statusCode).toBe(200);
  });
  afterAll(async () => ctx?.close());

  it('gives a ticket at the kiosk and shows its number, its QR code and the visitor’s page', async () => {
    const kiosk = kioskDevice;
    const page = await kiosk.get('/antrian');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Konsultasi perizinan');
    expect(page.body).toContain('0 orang menunggu');
    const res = await kiosk.post('/antrian/tiket', { service: 'KONSULTASI' });
    expect(res.statusCode, res.body).toBe(303);
    const id = idFrom(res.headers.location);
    const screen = await kiosk.get(`/antrian/kios/${id}`);
    expect(screen.body).toContain('A-001');
    expect(screen.body).toContain('<svg role="img"');
    const second = await kiosk.post('/antrian/tiket', { service: 'KONSULTASI', prioritas: 'yes' });
    const mine = await new PageClient(ctx).get(`/antrian/tiket/${idFrom(second.headers.location)}`);
    expect(mine.statusCode).toBe(200);
    expect(mine.body).toContain('A-002');
    expect(mine.body).toContain('Anda berikutnya');
    expect(mine.body).toContain('sekitar 0 menit');
    expect(mine.body).toContain('Muat ulang halaman ini untuk melihat posisi terbaru Anda.');
    // Only the lobby display refreshes itself; a page reloading under a screen reader would lose its place.
    expect(mine.body).not.toContain('http-equiv="refresh"');
    const third = await kiosk.post('/antrian/tiket', { service: 'KONSULTASI' });
    const phone = new PageClient(ctx);
    await phone.post('/bahasa', { lang: 'en', kembali: '/' });
    const english = await phone.get(`/antrian/tiket/${idFrom(third.headers.location)}`);
    expect(english.body).toContain('2 people before you');
    // Two ahead × the assumed 10 minutes ÷ the two counters serving the group.
    expect(english.body).toContain('about 10 minutes');
    expect(english.body).toContain('No earlier estimates to compare yet.');
    expect((await kiosk.post('/antrian/tiket', { service: 'PIJAT' })).statusCode).toBe(422);
    expect((await kiosk.get('/antrian/tiket/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });

  it('checks a booked visitor in with the pass’s scanned address, once, and only on the booking’s day', async () => {
    const booking = await book(at('09:30'), '0812 5555 6666');
    const kiosk = new PageClient(ctx);
    const scanned = `http://localhost:3000/antrian/lapor?nomor=${booking.number}&kode=${booking.code}`;
    const confirm = await kiosk.get(`/antrian/lapor?pass=${encodeURIComponent(scanned)}`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(booking.number);
    expect(confirm.body).toContain('09:30');
    const res = await kiosk.post('/antrian/lapor', { nomor: booking.number, kode: booking.code });
    expect(res.statusCode, res.body).toBe(303);
    const id = idFrom(res.headers.location);
    const row = await ctx.db.selectFrom('queue_tickets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ service_code: 'PENGAJUAN', appointment_number: booking.number, slot_start: at('09:30'), channel: 'booking' });
    expect((await ctx.db.selectFrom('appointments').select('status').where('number', '=', booking.number).executeTakeFirstOrThrow()).status).toBe('checked_in');
    // Scanning the pass again shows the same ticket; typing "NUMBER CODE" works too.
    const again = await kiosk.get(`/antrian/lapor?pass=${encodeURIComponent(`${booking.number} ${booking.code.toLowerCase()}`)}`);
    expect(again.statusCode).toBe(303);
    expect(idFrom(again.headers.location)).toBe(id);
    const page = await kiosk.get(`/antrian/kios/${id}`);
    expect(page.body).toContain('Anda dipanggil mulai pukul 09:30');
    // A wrong code, text that is no pass, a booking for another day: a clear page, nothing issued.
    const count = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('queue_tickets')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await count();
    const wrong = await kiosk.get(`/antrian/lapor?nomor=${booking.number}&kode=WRONG123`);
    expect(wrong.statusCode).toBe(404);
    expect(wrong.body).toContain('Janji temu tidak ditemukan');
    expect((await kiosk.get('/antrian/lapor?pass=hello')).statusCode).toBe(400);
    const monday = await book(at('09:00', '2026-11-23'), '0812 7777 8888');
    const other = await kiosk.get(`/antrian/lapor?nomor=${monday.number}&kode=${monday.code}`);
    expect(other.statusCode).toBe(409);
    expect(other.body).toContain('23 November 2026');
    expect((await kiosk.post('/antrian/lapor', { nomor: monday.number, kode: monday.code })).statusCode).toBe(409);
    expect((await kiosk.post('/antrian/lapor', { nomor: booking.number, kode: 'WRONG123' })).statusCode).toBe(404);
    expect(await count()).toBe(before);
  });

  it('lets a counter call, start, transfer and complete, and the report derives the times from the events', async () => {
    const counter = await office.get('/kantor/antrian/loket?loket=Loket%201');
    expect(counter.statusCode).toBe(200);
    expect(counter.body).toContain('Panggil berikutnya: Konsultasi perizinan (3 menunggu)');
    const call = await office.post('/kantor/antrian/loket/panggil', { loket: 'Loket 1', service: 'KONSULTASI' });
    expect(call.statusCode).toBe(303);
    const after = await office.get(String(call.headers.location));
    // The priority visitor (A-002) first.
    expect(after.body).toContain('Nomor A-002 dipanggil ke Loket 1.');
    const t = await ctx.db.selectFrom('queue_tickets').selectAll().where('number', '=', 'A-002').executeTakeFirstOrThrow();
    ctx.clock.set(at('08:32'));
    expect((await office.post(`/kantor/antrian/tiket/${t.id}/aksi`, { loket: 'Loket 1', action: 'start' })).statusCode).toBe(303);
    ctx.clock.set(at('08:38'));
    expect((await office.post(`/kantor/antrian/tiket/${t.id}/aksi`, { loket: 'Loket 1', action: 'complete' })).statusCode).toBe(303);
    await office.post('/kantor/antrian/loket/panggil', { loket: 'Loket 1', service: 'KONSULTASI' });
    const a1 = await ctx.db.selectFrom('queue_tickets').selectAll().where('number', '=', 'A-001').executeTakeFirstOrThrow();
    expect(a1.status).toBe('called');
    const moved = await office.post(`/kantor/antrian/tiket/${a1.id}/aksi`, { loket: 'Loket 1', action: 'transfer', service: 'PENGAMBILAN' });
    expect(moved.statusCode).toBe(303);
    expect(await ctx.db.selectFrom('queue_tickets').select(['number', 'transferred_from']).where('id', '=', a1.id).executeTakeFirstOrThrow()).toEqual({
      number: 'C-001',
      transferred_from: 'A-001',
    });
    // Nothing waiting for pick-up but the transferred ticket, then nobody: said on the page.
    await office.post('/kantor/antrian/loket/panggil', { loket: 'Loket 1', service: 'PENGAMBILAN' });
    const empty = await office.post('/kantor/antrian/loket/panggil', { loket: 'Loket 1', service: 'PENGAMBILAN' });
    expect(empty.statusCode).toBe(409);
    expect(empty.body).toContain('Tidak ada tiket yang menunggu');
    const report = await office.get('/kantor/antrian/laporan?tanggal=2026-11-20');
    expect(report.statusCode).toBe(200);
    // A-002: waited 0 minutes (issued and called at 08:30), served 6 (08:32–08:38); A-001 counts where it ended,
    // at pick-up, having waited 8 minutes for its first call.
    expect(report.body).toContain(
      '<tr data-service="KONSULTASI"><th scope="row">Konsultasi perizinan</th><td>2</td><td>1</td><td>0</td><td data-wait>0 / 0</td><td data-service-time>6 / 6</td></tr>',
    );
    expect(report.body).toContain('<tr data-service="PENGAMBILAN"><th scope="row">Pengambilan izin</th><td>1</td><td>0</td><td>0</td><td data-wait>8 / 8</td>');
    const desk = await office.get('/kantor/antrian');
    expect(desk.body).toContain('data-ticket="C-001"');
    const issued = await office.post('/kantor/antrian/tiket', { service: 'PENGAMBILAN' });
    expect(issued.headers.location).toBe('/kantor/antrian?diberi=C-002');
    const contact = await ctx.db.selectFrom('contacts').select('channel').where('label', '=', 'C-002').executeTakeFirstOrThrow();
    expect(contact.channel).toBe('front_desk');
    expect((await new PageClient(ctx).get('/kantor/antrian/loket')).statusCode).toBe(303);
  });

  it('lets the admin set counters, priority, closing time and grace, and the kiosk closes then', async () => {
    expect((await office.get('/kantor/admin/antrian')).statusCode).toBe(403);
    const page = await admin.get('/kantor/admin/antrian');
    expect(page.body).toContain('Loket 1: KONSULTASI, PENGAJUAN, PENGAMBILAN');
    const bad = await admin.post('/kantor/admin/antrian', {
      counters: 'Loket 1: PIJAT',
      weight: '0',
      maxInRow: '2',
      closesAt: '25:00',
      grace: '10',
      defaultMinutes: '10',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Bobot prioritas: masukkan bilangan bulat dari 1 sampai 10');
    expect(bad.body).toContain('Jam tutup: masukkan jam seperti 14:30');
    const unknown = await admin.post('/kantor/admin/antrian', {
      counters: 'Loket 1: PIJAT',
      weight: '2',
      maxInRow: '2',
      closesAt: '',
      grace: '10',
      defaultMinutes: '10',
    });
    expect(unknown.statusCode).toBe(400);
    const ok = await admin.post('/kantor/admin/antrian', {
      counters: 'Loket 1: KONSULTASI\nLoket Prima: PENGAJUAN, PENGAMBILAN',
      weight: '3',
      maxInRow: '1',
      closesAt: '08:45',
      grace: '15',
      defaultMinutes: '12',
    });
    expect(ok.statusCode, ok.body).toBe(303);
    const saved = await ctx.services.queue.settingsOf(ctx.tenant.id);
    expect(saved.queue).toEqual({
      counters: [
        { name: 'Loket 1', services: ['KONSULTASI'] },
        { name: 'Loket Prima', services: ['PENGAJUAN', 'PENGAMBILAN'] },
      ],
      priority: { weight: 3, maxInRow: 1 },
      closesAt: '08:45',
      graceMinutes: 15,
      defaultServiceMinutes: 12,
    });
    ctx.clock.set(at('08:45'));
    const kiosk = await kioskDevice.get('/antrian');
    expect(kiosk.body).toContain('Antrean sedang tutup');
    expect(kiosk.body).toContain('ditutup pukul 08:45');
    expect(kiosk.body).not.toContain('name="service"');
  });

  it('gives numbers only on an enrolled kiosk: another device sees why, and a removed kiosk stops', async () => {
    ctx.clock.set(at('08:35'));
    const before = await ctx.db.selectFrom('queue_tickets').select('id').execute();
    const stranger = new PageClient(ctx);
    const page = await stranger.get('/antrian');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('Perangkat ini belum terdaftar sebagai kios');
    expect(page.body).not.toContain('name="service"');
    // A booked visitor can still report with the pass (its code) there.
    expect(page.body).toContain('action="/antrian/lapor"');
    const tried = await stranger.post('/antrian/tiket', { service: 'KONSULTASI' });
    expect(tried.statusCode).toBe(403);
    expect(tried.body).toContain('Nomor antrean hanya dapat diambil di kios kantor atau di meja layanan');
    expect(await ctx.db.selectFrom('queue_tickets').select('id').execute()).toHaveLength(before.length);
    // The admin's page lists the kiosk; a name is needed to enrol; removing one stops that device.
    const settings = await admin.get('/kantor/admin/antrian');
    expect(settings.body).toContain('Kios lobi');
    const unnamed = await admin.post('/kantor/admin/antrian/kios', { name: '  ' });
    expect(unnamed.statusCode).toBe(400);
    expect(unnamed.body).toContain('Masukkan nama perangkat');
    const spare = await staff('admin', `kios2.${dialect}@antrian.izol.id`);
    const enrolled = await spare.post('/kantor/admin/antrian/kios', { name: 'Kios cadangan' });
    const apiToken = /data-kiosk-token>([^<]+)</.exec(enrolled.body)?.[1] ?? '';
    expect(apiToken.length).toBeGreaterThan(20);
    await spare.post('/akun/keluar', {});
    expect((await spare.get('/antrian')).statusCode).toBe(200);
    const id = (await ctx.db.selectFrom('queue_kiosks').select('id').where('name', '=', 'Kios cadangan').executeTakeFirstOrThrow()).id;
    expect((await office.post('/kantor/admin/antrian/kios/hapus', { id })).statusCode).toBe(403);
    const removed = await admin.post('/kantor/admin/antrian/kios/hapus', { id });
    expect(removed.statusCode).toBe(303);
    expect((await admin.get(String(removed.headers.location))).body).toContain('Kios dihapus');
    expect((await spare.get('/antrian')).statusCode).toBe(403);
    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/queue/tickets',
      headers: { 'x-kiosk-token': apiToken },
      payload: { service: 'KONSULTASI' },
    });
    expect(api.statusCode).toBe(403);
    expect((await kioskDevice.get('/antrian')).statusCode).toBe(200);
  });

  it('shows the lobby display without JavaScript (refreshing itself) and streams each change as an event', async () => {
    const d = await new PageClient(ctx).get('/antrian/layar');
    expect(d.statusCode).toBe(200);
    expect(d.body).toContain('<noscript><meta http-equiv="refresh" content="15"></noscript>');
    expect(d.body).toMatch(/<tr data-serving-row data-counter="Loket 1" data-key="[^"]+"><td>C-001<\/td><td>Loket 1<\/td><\/tr>/);
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (ctx.app.server.address() as AddressInfo).port;
    const events: string[] = [];
    let buffer = '';
    const req = http.get({ host: '127.0.0.1', port, path: '/antrian/layar/peristiwa' });
    const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/event-stream');
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      const parts = buffer.split('\n\n');
      buffer = parts.pop() ?? '';
      for (const p of parts) if (p.startsWith('event: display')) events.push(p.slice(p.indexOf('data: ') + 6));
    });
    const waitFor = async (n: number) => {
      for (let i = 0; i < 100 && events.length < n; i++) await new Promise((r) => setTimeout(r, 50));
      expect(events.length).toBeGreaterThanOrEqual(n);
    };
    await waitFor(1);
    expect(JSON.parse(events[0]!)).toMatchObject({ nowServing: [expect.objectContaining({ counter: 'Loket 1', number: 'C-001' })] });
    // A call made through the API (another instance, as far as the stream knows): the next event shows it.
    ctx.clock.set(at('08:44'));
    const called = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/queue/call-next',
      headers: auth(token),
      payload: { service: 'KONSULTASI', counter: 'Loket 2' },
    });
    expect(called.statusCode, called.body).toBe(200);
    await waitFor(2);
    expect(JSON.parse(events[1]!)).toMatchObject({
      nowServing: expect.arrayContaining([expect.objectContaining({ counter: 'Loket 2', number: 'A-003' })]) as unknown,
    });
    req.destroy();
    expect((await new PageClient(ctx).get('/antrian/layar/peristiwa?layanan=PIJAT')).statusCode).toBe(422);
  });

  it('keeps the counter pages to counter staff, and speaks English on the display when asked', async () => {
    const email = `verifikator.${dialect}@antrian.izol.id`;
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'verifier',
      name: 'Verifikator',
      email,
      password: 'antrean kota malang 2026',
    });
    const secret = await enrollSecondFactor(ctx, userId);
    const verifier = new PageClient(ctx);
    await verifier.post('/akun/masuk', { login: email, password: 'antrean kota malang 2026' });
    await verifier.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    const events = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('queue_events')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = await events();
    for (const url of ['/kantor/antrian', '/kantor/antrian/loket?loket=Loket%201', '/kantor/antrian/laporan', '/kantor/admin/antrian']) {
      expect((await verifier.get(url)).statusCode, url).toBe(403);
    }
    expect((await verifier.post('/kantor/antrian/loket/panggil', { loket: 'Loket 1', service: 'KONSULTASI' })).statusCode).toBe(403);
    expect((await verifier.post('/kantor/antrian/tiket', { service: 'KONSULTASI' })).statusCode).toBe(403);
    expect(await events()).toBe(before);
    const tv = new PageClient(ctx);
    await tv.post('/bahasa', { lang: 'en', kembali: '/antrian/layar' });
    const english = await tv.get('/antrian/layar');
    expect(english.body).toContain('Now serving');
    expect(english.body).toContain('data-say="Number {number}, please go to {counter}"');
    expect(english.body).toContain('Turn on call sounds');
  });
});
