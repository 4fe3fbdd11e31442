/**
 * Appointments, first step (issue 11), on SQLite and PostgreSQL: the slots follow the office's opening
 * hours, weekends, holidays, time zone and the clock; the capacity of a slot holds under 200 bookings at
 * once; cancelling frees a place; bad input changes nothing; one office's bookings are unknown to another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice } from '../../src/bootstrap.js';
import { ERROR_MESSAGES } from '../../src/shared/messages.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';

type Slot = { start: string; end: string; capacity: number; free: number };
type Slots = { service: { code: string; name: string }; timeZone: string; slots: Slot[] };
type Booking = { number: string; status: string; service: { code: string; name: string }; start: string; end: string; name: string; code: string };
type Problem = { status: number; code: string; title: string; detail: string; errors?: { field: string; code: string }[] };

const JAYAPURA = {
  code: 'JYP',
  name: 'DPMPTSP Kota Jayapura',
  timeZone: 'Asia/Jayapura',
  hostnames: ['jayapura.izol.test'],
  branding: { logoText: 'Izol Kota Jayapura' },
};

// The test clock starts at 2026-11-20T03:00Z: Friday 10:00 in Malang (WIB, UTC+7).
const MONDAY_0800_WIB = '2026-11-23T01:00:00.000Z';

describe.each(DIALECTS)('appointments (%s)', (dialect) => {
  let ctx: TestContext;

  const slots = async (query: string, host?: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/slots?${query}`, headers: host ? { host } : {} });
    expect(res.statusCode, res.body).toBe(200);
    return json<Slots>(res);
  };
  // Each booking from its own address (bookings are limited to 10 a minute per address) unless one is given.
  // By the front desk for a caller unless other headers are given: no WhatsApp code (appointments-codes.test.ts covers those).
  let addresses = 0;
  let desk: string;
  const book = (payload: Record<string, unknown>, headers?: Record<string, string>, remoteAddress?: string) => {
    addresses++;
    return ctx.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: headers ?? auth(desk),
      payload,
      remoteAddress: remoteAddress ?? `10.${Math.floor(addresses / 65536) % 256}.${Math.floor(addresses / 256) % 256}.${addresses % 256}`,
    });
  };
  const booking = (over: Record<string, unknown> = {}) => ({
    service: 'KONSULTASI',
    start: MONDAY_0800_WIB,
    name: 'Siti Rahayu',
    whatsapp: '0812 3456 7890',
    ...over,
  });
  const count = async (where: { start?: string; status?: 'booked' | 'cancelled' } = {}) => {
    let q = ctx.db
      .selectFrom('appointments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', ctx.tenant.id);
    if (where.start) q = q.where('starts_at', '=', where.start);
    if (where.status) q = q.where('status', '=', where.status);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await ensureOffice(ctx.services, SECOND_OFFICE);
    await ensureOffice(ctx.services, JAYAPURA);
    desk = (await userWithToken(ctx, 'front_desk')).token;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('seeds the default settings for each office', async () => {
    const settings = await ctx.services.appointments.settingsFor(ctx.tenant.id);
    expect(settings.services.map((s) => s.code)).toEqual(['KONSULTASI', 'PENGAJUAN', 'PENGAMBILAN']);
    expect(settings).toMatchObject({ slotMinutes: 30, capacity: 10, hours: { mon: [{ from: '08:00', to: '15:00' }], fri: [{ from: '08:00', to: '11:00' }] } });
    const stored = await ctx.db.selectFrom('appointment_settings').select('tenant_id').execute();
    expect(stored).toHaveLength(3);
  });

  it('offers slots within the opening hours, none in the past or at the weekend', async () => {
    const body = await slots('service=KONSULTASI&from=2026-11-20&days=4');
    expect(body.service).toEqual({ code: 'KONSULTASI', name: 'Konsultasi perizinan' });
    expect(body.timeZone).toBe('Asia/Jakarta');
    const starts = body.slots.map((s) => s.start);
    // Friday: 08:00–11:00, it is 10:00 now, so only 10:30 is left; Saturday and Sunday: none; Monday: 08:00–15:00.
    expect(starts[0]).toBe('2026-11-20T03:30:00.000Z');
    expect(starts.filter((s) => s.startsWith('2026-11-20'))).toHaveLength(1);
    expect(starts.filter((s) => s.startsWith('2026-11-21') || s.startsWith('2026-11-22'))).toEqual([]);
    const monday = starts.filter((s) => s.startsWith('2026-11-23'));
    expect(monday).toHaveLength(14);
    expect(monday[0]).toBe(MONDAY_0800_WIB);
    expect(monday.at(-1)).toBe('2026-11-23T07:30:00.000Z');
    expect(body.slots.at(-1)).toEqual({ start: '2026-11-23T07:30:00.000Z', end: '2026-11-23T08:00:00.000Z', capacity: 10, free: 10 });
    const english = await ctx.app.inject({
      method: 'GET',
      url: '/api/v1/appointments/slots?service=pengambilan&from=2026-11-23&days=1',
      headers: { 'accept-language': 'en' },
    });
    expect(json<Slots>(english).service).toEqual({ code: 'PENGAMBILAN', name: 'Permit pick-up' });
  });

  it('offers no slots on holidays', async () => {
    // 24 December 2026 is cuti bersama, 25 December Christmas, then the weekend: only Monday the 28th is open.
    const body = await slots('service=PENGAJUAN&from=2026-12-24&days=5');
    expect(new Set(body.slots.map((s) => s.start.slice(0, 10)))).toEqual(new Set(['2026-12-28']));
    expect(body.slots).toHaveLength(14);
  });

  it('follows the office time zone', async () => {
    const body = await slots('service=KONSULTASI&from=2026-11-23&days=1', 'jayapura.izol.test');
    expect(body.timeZone).toBe('Asia/Jayapura');
    // 08:00 WIT (UTC+9) is 23:00 UTC the day before.
    expect(body.slots[0]!.start).toBe('2026-11-22T23:00:00.000Z');
    expect(body.slots.at(-1)!.start).toBe('2026-11-23T05:30:00.000Z');
  });

  it('gives exactly 10 of 200 simultaneous bookings a place and 190 a clear "slot full"', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => book(booking({ name: `Pemohon ${i}`, whatsapp: `08123456${String(1000 + i)}` }))));
    const created = answers.filter((r) => r.statusCode === 201);
    const full = answers.filter((r) => r.statusCode === 409);
    expect(created).toHaveLength(10);
    expect(full).toHaveLength(190);
    for (const r of full) {
      const p = json<Problem>(r);
      expect(p.code).toBe('slot_full');
      expect(p.title).toBe(ERROR_MESSAGES.slot_full.id.title);
      expect(p.detail).toBe(ERROR_MESSAGES.slot_full.id.detail);
    }
    const numbers = created.map((r) => json<Booking>(r).number);
    expect(new Set(numbers).size).toBe(10);
    for (const n of numbers) expect(n).toMatch(/^MLG-APT-20261123-\d{4}$/);
    expect(await count({ start: MONDAY_0800_WIB })).toBe(10);
    const slot = await ctx.db
      .selectFrom('appointment_slots')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('starts_at', '=', MONDAY_0800_WIB)
      .executeTakeFirstOrThrow();
    expect(Number(slot.booked)).toBe(10);
    const listed = await slots('service=KONSULTASI&from=2026-11-23&days=1');
    expect(listed.slots[0]).toMatchObject({ start: MONDAY_0800_WIB, free: 0 });
    // Another service group's same hour is not affected.
    expect((await slots('service=PENGAJUAN&from=2026-11-23&days=1')).slots[0]).toMatchObject({ start: MONDAY_0800_WIB, free: 10 });
    const en = await book(booking(), auth(desk, { 'accept-language': 'en' }));
    expect(en.statusCode).toBe(409);
    expect(json<Problem>(en).title).toBe('Slot full');
  });

  it('frees the place when a booking is cancelled, for a new booking to take', async () => {
    const first = await ctx.db.selectFrom('appointments').select('number').where('starts_at', '=', MONDAY_0800_WIB).executeTakeFirstOrThrow();
    // The code is shown only once, at booking: book another slot to have one at hand.
    const own = await book(booking({ start: '2026-11-23T01:30:00.000Z', permitTypeCode: 'PBG' }));
    expect(own.statusCode, own.body).toBe(201);
    const mine = json<Booking>(own);
    expect(mine).toMatchObject({ status: 'booked', service: { code: 'KONSULTASI' }, start: '2026-11-23T01:30:00.000Z', end: '2026-11-23T02:00:00.000Z' });
    expect(mine.code).toMatch(/^[0-9A-Z]{8}$/);
    const seen = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${mine.number}?code=${mine.code.toLowerCase()}` });
    expect(seen.statusCode, seen.body).toBe(200);
    expect(json(seen)).toMatchObject({ number: mine.number, status: 'booked', permitTypeCode: 'PBG', name: 'Siti Rahayu' });
    expect(json(seen)).not.toHaveProperty('code');
    const wrong = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${first.number}?code=${mine.code}` });
    expect(json<Problem>(wrong).code).toBe('not_found');

    // Fill the half hour, cancel one, and the freed place goes to the next booking.
    for (let i = 0; i < 9; i++) expect((await book(booking({ start: '2026-11-23T01:30:00.000Z' }))).statusCode).toBe(201);
    expect(json<Problem>(await book(booking({ start: '2026-11-23T01:30:00.000Z' }))).code).toBe('slot_full');
    const cancel = await ctx.app.inject({ method: 'POST', url: `/api/v1/appointments/${mine.number}/cancel`, payload: { code: mine.code } });
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect(json(cancel)).toMatchObject({ number: mine.number, status: 'cancelled' });
    expect((await slots('service=KONSULTASI&from=2026-11-23&days=1')).slots[1]).toMatchObject({ start: '2026-11-23T01:30:00.000Z', free: 1 });
    const again = await ctx.app.inject({ method: 'POST', url: `/api/v1/appointments/${mine.number}/cancel`, payload: { code: mine.code } });
    expect(again.statusCode).toBe(409);
    expect((await slots('service=KONSULTASI&from=2026-11-23&days=1')).slots[1]!.free).toBe(1);
    expect((await book(booking({ start: '2026-11-23T01:30:00.000Z' }))).statusCode).toBe(201);
    expect(json<Problem>(await book(booking({ start: '2026-11-23T01:30:00.000Z' }))).code).toBe('slot_full');
    expect(await count({ start: '2026-11-23T01:30:00.000Z', status: 'booked' })).toBe(10);
  });

  it('records the applicant of a booking made with an account whose number is verified (no code needed)', async () => {
    const applicant = await userWithToken(ctx, 'applicant');
    await ctx.db
      .updateTable('users')
      .set({ phone: '+6281234567890', phone_verified_at: ctx.clock.now().toISOString() })
      .where('id', '=', applicant.userId)
      .execute();
    const res = await book(booking({ start: '2026-11-23T02:00:00.000Z' }), auth(applicant.token));
    expect(res.statusCode, res.body).toBe(201);
    const row = await ctx.db.selectFrom('appointments').select(['user_id', 'phone']).where('number', '=', json<Booking>(res).number).executeTakeFirstOrThrow();
    expect(row).toEqual({ user_id: applicant.userId, phone: '+6281234567890' });
  });

  it('takes at most 10 bookings a minute from one address: the 11th gets 429 and books nothing', async () => {
    const from = '192.0.2.77';
    const answers = [];
    for (let i = 0; i < 11; i++)
      answers.push(await book(booking({ start: '2026-11-23T03:00:00.000Z', whatsapp: `0813000077${String(10 + i)}` }), undefined, from));
    expect(answers.slice(0, 10).map((r) => r.statusCode)).toEqual(Array(10).fill(201));
    expect(answers[10]!.statusCode).toBe(429);
    expect(await ctx.db.selectFrom('appointments').select('id').where('starts_at', '=', '2026-11-23T03:00:00.000Z').execute()).toHaveLength(10);
  });

  it('turns away bad bookings with a 4xx and changes nothing', async () => {
    const before = { all: await count(), slots: await ctx.db.selectFrom('appointment_slots').selectAll().orderBy('starts_at').execute() };
    const cases: [string, Record<string, unknown>, number, string, string?][] = [
      ['a slot in the past', { start: '2026-11-20T02:30:00.000Z' }, 422, 'slot_unavailable'],
      ['a Saturday', { start: '2026-11-21T01:00:00.000Z' }, 422, 'slot_unavailable'],
      ['a holiday', { start: '2026-12-25T01:00:00.000Z' }, 422, 'slot_unavailable'],
      ['after closing on a Friday', { start: '2026-11-27T04:00:00.000Z' }, 422, 'slot_unavailable'],
      ['not a slot start', { start: '2026-11-23T01:10:00.000Z' }, 422, 'slot_unavailable'],
      ['an unknown service group', { service: 'PIJAT' }, 400, 'invalid_input', 'service'],
      ['a number that is not a mobile number', { whatsapp: '021 555 1234' }, 400, 'invalid_input', 'whatsapp'],
      ['an unknown permit type', { start: '2026-11-23T03:00:00.000Z', permitTypeCode: 'NOPE' }, 400, 'invalid_input', 'permitTypeCode'],
      ['a time that is not a date', { start: 'besok pagi' }, 400, 'invalid_input', 'start'],
      ['an unknown field', { seats: 5 }, 400, 'invalid_input', 'seats'],
    ];
    for (const [label, over, status, code, field] of cases) {
      const res = await book(booking(over));
      expect(res.statusCode, `${label}: ${res.body}`).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      const p = json<Problem>(res);
      expect(p.code, label).toBe(code);
      if (field)
        expect(
          p.errors?.map((e) => e.field),
          label,
        ).toContain(field);
    }
    const badQueries = ['service=KONSULTASI&from=2026-13-01', 'service=KONSULTASI&from=2026-11-23&days=90', 'from=2026-11-23', 'service=PIJAT&from=2026-11-23'];
    for (const q of badQueries) expect((await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/slots?${q}` })).statusCode, q).toBe(400);
    const cancelBad = await ctx.app.inject({ method: 'POST', url: '/api/v1/appointments/MLG-APT-20261123-0001/cancel', payload: { code: 'ZZZZZZZZ' } });
    expect(cancelBad.statusCode).toBe(404);
    expect({ all: await count(), slots: await ctx.db.selectFrom('appointment_slots').selectAll().orderBy('starts_at').execute() }).toEqual(before);
  });

  it('does not find one office’s booking from another office', async () => {
    const res = await book(booking({ start: '2026-11-24T01:00:00.000Z' }));
    const b = json<Booking>(res);
    const here = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.number}?code=${b.code}` });
    expect(here.statusCode).toBe(200);
    const there = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.number}?code=${b.code}`, headers: { host: 'batu.izol.test' } });
    expect(there.statusCode).toBe(404);
    const cancelThere = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/appointments/${b.number}/cancel`,
      headers: { host: 'batu.izol.test' },
      payload: { code: b.code },
    });
    expect(cancelThere.statusCode).toBe(404);
    expect(json(await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.number}?code=${b.code}` }))).toMatchObject({ status: 'booked' });
    // The other office's slots are its own.
    expect((await slots('service=KONSULTASI&from=2026-11-24&days=1', 'batu.izol.test')).slots[0]).toMatchObject({ free: 10 });
  });
});
