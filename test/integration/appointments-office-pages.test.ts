/**
 * The office's appointment pages, on SQLite and PostgreSQL: the front desk books for a caller without a
 * WhatsApp code (the pass goes to the caller's number); the admin changes services, hours, slot length and
 * capacity with an error summary for what does not read, and a slot already booked keeps its capacity;
 * other roles are refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

const MONDAY_0800 = '2026-11-23T01:00:00.000Z';

describe.each(DIALECTS)('appointment office pages (%s)', (dialect) => {
  let ctx: TestContext;
  let count = 0;
  const officer = async (role: Role) => {
    count++;
    const email = `${role}.${count}@kantor.izol.id`;
    const password = `kantor kota malang ${count} rahasia`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Petugas ${count}`, email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    const client = new PageClient(ctx);
    await client.post('/akun/masuk', { login: email, password });
    const ok = await client.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(ok.statusCode).toBe(303);
    return { client, userId };
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('lets the front desk book for a caller without a code; the pass opens to print and goes to the caller', async () => {
    const { client, userId } = await officer('front_desk');
    expect((await client.get('/kantor')).body).toContain('href="/kantor/janji-temu"');
    const form = await client.get('/kantor/janji-temu?layanan=PENGAMBILAN&tanggal=2026-11-23');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(`value="${MONDAY_0800}"`);
    const missing = await client.post('/kantor/janji-temu', {
      layanan: 'PENGAMBILAN',
      tanggal: '2026-11-23',
      mulai: MONDAY_0800,
      name: 'Pak Slamet',
      whatsapp: '',
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#f-whatsapp"');
    expect(missing.body).toContain('value="Pak Slamet"');
    const res = await client.post('/kantor/janji-temu', {
      layanan: 'PENGAMBILAN',
      tanggal: '2026-11-23',
      mulai: MONDAY_0800,
      izin: 'REKLAME',
      name: 'Pak Slamet',
      whatsapp: '0812 6666 0001',
    });
    expect(res.statusCode, res.body).toBe(303);
    const pass = await client.get(res.headers.location as string);
    expect(pass.body).toContain('Senin, 23 November 2026 pukul 08.00 WIB');
    const row = await ctx.db.selectFrom('appointments').selectAll().where('phone', '=', '+6281266660001').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ channel: 'front_desk', booked_by: userId, permit_type_code: 'REKLAME', service_code: 'PENGAMBILAN' });
    await ctx.services.outbox.drain();
    const sent = await ctx.db.selectFrom('notifications').select(['kind', 'channel']).where('recipient', '=', '+6281266660001').execute();
    expect(sent).toEqual([{ kind: 'appointment_booked', channel: 'whatsapp' }]);
  });

  it('refuses the booking desk and the settings to roles without the permission', async () => {
    const { client } = await officer('verifier');
    expect((await client.get('/kantor')).body).not.toContain('href="/kantor/janji-temu"');
    expect((await client.get('/kantor/janji-temu')).statusCode).toBe(403);
    expect((await client.get('/kantor/admin/janji-temu')).statusCode).toBe(403);
    const before = await ctx.db.selectFrom('appointments').select('id').execute();
    expect(
      (await client.post('/kantor/janji-temu', { layanan: 'KONSULTASI', tanggal: '2026-11-23', mulai: MONDAY_0800, name: 'X Y', whatsapp: '0812 6666 0009' }))
        .statusCode,
    ).toBe(403);
    expect(await ctx.db.selectFrom('appointments').select('id').execute()).toHaveLength(before.length);
    const desk = await officer('front_desk');
    expect((await desk.client.get('/kantor/admin/janji-temu')).statusCode).toBe(403);
  });

  it('lets the admin change services, hours, slot length and capacity, with an error summary for what does not read', async () => {
    const { client } = await officer('admin');
    expect((await client.get('/kantor/admin')).body).toContain('href="/kantor/admin/janji-temu"');
    const page = await client.get('/kantor/admin/janji-temu');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('KONSULTASI | Konsultasi perizinan | Permit consultation');
    expect(page.body).toContain('value="08:00-15:00"');
    const before = await ctx.services.appointments.settingsFor(ctx.tenant.id);

    const bad = await client.post('/kantor/admin/janji-temu', {
      services: 'konsultasi | Konsultasi',
      hours_mon: 'pagi saja',
      slotMinutes: '0',
      capacity: '10',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('class="error-summary"');
    for (const f of ['services', 'hours_mon', 'slotMinutes']) expect(bad.body).toContain(`href="#f-${f}"`);
    expect(bad.body).toContain('pagi saja');
    const reversed = await client.post('/kantor/admin/janji-temu', {
      services: 'KONSULTASI | Konsultasi | Consultation',
      hours_mon: '15:00-08:00',
      slotMinutes: '30',
      capacity: '10',
    });
    expect(reversed.statusCode).toBe(400);
    expect(await ctx.services.appointments.settingsFor(ctx.tenant.id)).toEqual(before);

    const saved = await client.post('/kantor/admin/janji-temu', {
      services:
        'PENGAMBILAN | Pengambilan izin | Permit pick-up\nKONSULTASI | Konsultasi perizinan | Permit consultation\nUMKM | Klinik UMKM | Small business clinic',
      hours_mon: '08:00-12:00, 13:00-15:00',
      hours_tue: '08:00-15:00',
      hours_sat: '08.00-10.00',
      slotMinutes: '60',
      capacity: '3',
    });
    expect(saved.statusCode).toBe(303);
    expect((await client.get(saved.headers.location as string)).body).toContain('Pengaturan janji temu disimpan');
    const after = await ctx.services.appointments.settingsFor(ctx.tenant.id);
    expect(after).toEqual({
      services: [
        { code: 'PENGAMBILAN', name: { id: 'Pengambilan izin', en: 'Permit pick-up' } },
        { code: 'KONSULTASI', name: { id: 'Konsultasi perizinan', en: 'Permit consultation' } },
        { code: 'UMKM', name: { id: 'Klinik UMKM', en: 'Small business clinic' } },
      ],
      hours: {
        mon: [
          { from: '08:00', to: '12:00' },
          { from: '13:00', to: '15:00' },
        ],
        tue: [{ from: '08:00', to: '15:00' }],
        sat: [{ from: '08:00', to: '10:00' }],
      },
      slotMinutes: 60,
      capacity: 3,
    });
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('action', '=', 'appointments.settings_updated').execute();
    expect(audit).toHaveLength(1);

    // The slot the front desk booked at 08:00 Monday keeps its capacity of 10; new slots have 3; no slot at 12:00 (the lunch break).
    const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/appointments/slots?service=PENGAMBILAN&from=2026-11-23&days=1' });
    const slots = res.json<{ slots: { start: string; capacity: number; free: number }[] }>().slots;
    expect(slots.map((s) => s.start)).toEqual([
      '2026-11-23T01:00:00.000Z',
      '2026-11-23T02:00:00.000Z',
      '2026-11-23T03:00:00.000Z',
      '2026-11-23T04:00:00.000Z',
      '2026-11-23T06:00:00.000Z',
      '2026-11-23T07:00:00.000Z',
    ]);
    expect(slots[0]).toMatchObject({ capacity: 10, free: 9 });
    expect(slots[1]).toMatchObject({ capacity: 3, free: 3 });
    const saturday = await ctx.app.inject({ method: 'GET', url: '/api/v1/appointments/slots?service=UMKM&from=2026-11-28&days=1' });
    expect(saturday.json<{ slots: unknown[] }>().slots).toHaveLength(2);
  });
});
