/**
 * Appointments at the same moment (issue 11 review), on SQLite and PostgreSQL: a booking moved twice at
 * once, or moved and cancelled at once, ends in exactly one place (the other request gets 409 and changes
 * nothing), so a full slot takes exactly as many new bookings as places were really freed and every slot's
 * counter equals its bookings; two bookings swapping slots both go through; a WhatsApp code books once even
 * when two bookings carry it at the same moment; the plain booking code leaves the outbox once the pass is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/errors.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';

type Booking = { number: string; status: string; start: string; code: string };
type Problem = { status: number; code: string; errors?: { field: string; code: string; message: string }[] };

// The test clock starts at 2026-11-20T03:00Z: Friday 10:00 in Malang (WIB, UTC+7). A slot start in WIB, on Monday 23 November unless another day is given:
const at = (hhmm: string, day = 23) => `2026-11-${day}T${String(Number(hhmm.slice(0, 2)) - 7).padStart(2, '0')}:${hhmm.slice(3)}:00.000Z`;

describe.each(DIALECTS)('appointments at the same moment (%s): v5.0.0-2.3.4, REL-3', (dialect) => {
  let ctx: TestContext;
  let desk: string;
  let addresses = 0;
  let phones = 0;
  const from = () => `10.41.${Math.floor(++addresses / 256) % 256}.${addresses % 256}`;

  const book = (payload: Record<string, unknown>, headers: Record<string, string> = auth(desk)) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/appointments', payload, headers, remoteAddress: from() });
  const booking = (start: string, over: Record<string, unknown> = {}) => ({
    service: 'PENGAJUAN',
    start,
    name: 'Rina Wulandari',
    whatsapp: `0813 4444 ${1000 + ++phones}`,
    ...over,
  });
  const booked = async (start: string) => {
    const res = await book(booking(start));
    expect(res.statusCode, res.body).toBe(201);
    return json<Booking>(res);
  };
  const move = (b: Booking, start: string) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/appointments/${b.number}/reschedule`, payload: { code: b.code, start }, remoteAddress: from() });
  const cancel = (b: Booking) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/appointments/${b.number}/cancel`, payload: { code: b.code }, remoteAddress: from() });
  const seen = async (b: Booking) => json<Booking>(await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.number}?code=${b.code}` }));
  /** The free places the slot list shows for a slot start. */
  const free = async (start: string) => {
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/slots?service=PENGAJUAN&from=${start.slice(0, 10)}&days=1` });
    return json<{ slots: { start: string; free: number }[] }>(res).slots.find((s) => s.start === start)!.free;
  };
  /** Fills the slot with new bookings until it says full; returns how many got in. */
  const fill = async (start: string) => {
    const answers = await Promise.all(Array.from({ length: 4 }, () => book(booking(start))));
    expect(answers.every((r) => r.statusCode === 201 || json<Problem>(r).code === 'slot_full')).toBe(true);
    return answers.filter((r) => r.statusCode === 201).length;
  };
  /** Every slot counter against the bookings that hold a place in it. */
  const countersAndBookings = async () => {
    const slots = await ctx.db
      .selectFrom('appointment_slots')
      .select(['starts_at', 'booked'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('service_code', '=', 'PENGAJUAN')
      .orderBy('starts_at')
      .execute();
    const rows = await ctx.db
      .selectFrom('appointments')
      .select('starts_at')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('service_code', '=', 'PENGAJUAN')
      .where('status', '!=', 'cancelled')
      .execute();
    return {
      counters: Object.fromEntries(slots.map((s) => [s.starts_at, Number(s.booked)])),
      bookings: Object.fromEntries(slots.map((s) => [s.starts_at, rows.filter((r) => r.starts_at === s.starts_at).length])),
    };
  };
  /** Two requests at the same moment: through the service, so that both read the booking before either changes it. */
  const reschedule = (b: Booking, start: string) =>
    ctx.services.appointments.reschedule({ tenant: ctx.tenant, number: b.number, code: b.code, start, lang: 'id' });
  /** The loser's refusal: 409 invalid_state, saying the booking was moved or cancelled meanwhile. */
  const expectChangedMeanwhile = (answer: PromiseSettledResult<unknown>, orAlreadyCancelled = false) => {
    expect(answer.status).toBe('rejected');
    const err = (answer as PromiseRejectedResult).reason as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect([err.code, err.status]).toEqual(['invalid_state', 409]);
    // A request that started only after the other had finished reads the booking cancelled, and says so.
    if (orAlreadyCancelled && err.message === 'the booking is cancelled, not booked') return;
    expect(err.details.fields).toEqual([expect.objectContaining({ field: 'number', code: 'booking_changed' })]);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    desk = (await userWithToken(ctx, 'front_desk')).token;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('moves a booking of a full slot once when it is moved to two slots at once; the full slot then takes exactly one more', async () => {
    for (const [full, b, c] of [
      [at('08:00'), at('08:30'), at('09:00')],
      [at('09:30'), at('10:00'), at('10:30')],
    ] as const) {
      const x = await booked(full);
      for (let i = 0; i < 9; i++) await booked(full);
      expect(await free(full)).toBe(0);

      // Both requests read the booking in its full slot before either moves it: one moves it, the other is
      // refused (were one to start only after the other had finished, it would move it on, which is fine too).
      const answers = await Promise.allSettled([reschedule(x, b), reschedule(x, c)]);
      const refused = answers.filter((a) => a.status === 'rejected');
      expect(refused.length).toBeLessThanOrEqual(1);
      for (const r of refused) expectChangedMeanwhile(r);
      expect([b, c]).toContain((await seen(x)).start);
      // The booking holds one place, where it is; the other slot holds none; its old place is free once.
      expect((await free(b)) + (await free(c))).toBe(19);
      expect(await free(full)).toBe(1);
      expect(await fill(full)).toBe(1);
      expect(await free(full)).toBe(0);
    }
    const { counters, bookings } = await countersAndBookings();
    expect(counters).toEqual(bookings);
  });

  it('either moves or cancels a booking of a full slot moved and cancelled at once, never both', async () => {
    // The cancel starts a little later each round, so that the move wins some rounds and the cancel others.
    const rounds = [
      [at('11:00'), at('11:30')],
      [at('12:00'), at('12:30')],
      [at('13:00'), at('13:30')],
      [at('14:00'), at('14:30')],
    ] as const;
    for (const [round, [full, target]] of rounds.entries()) {
      const x = await booked(full);
      for (let i = 0; i < 9; i++) await booked(full);
      const later = async () => {
        for (let i = 0; i < round; i++) await new Promise((resolve) => setImmediate(resolve));
        return ctx.services.appointments.cancel({ tenant: ctx.tenant, number: x.number, code: x.code, lang: 'id' });
      };
      const [moved, cancelled] = await Promise.allSettled([reschedule(x, target), later()]);
      const now = await seen(x);
      if (moved.status === 'rejected') expectChangedMeanwhile(moved, true);
      if (cancelled.status === 'rejected') expectChangedMeanwhile(cancelled);
      // Moved and then cancelled one after the other is fine too: then it is cancelled where it was moved to.
      if (moved.status === 'fulfilled' && cancelled.status === 'rejected') expect(now).toMatchObject({ status: 'booked', start: target });
      else expect(now.status).toBe('cancelled');
      expect(await free(target)).toBe(now.status === 'booked' ? 9 : 10);
      expect(await fill(full)).toBe(1);
    }
    const { counters, bookings } = await countersAndBookings();
    expect(counters).toEqual(bookings);
  });

  it('moves two bookings swapping their slots at the same moment, both of them', async () => {
    const [a, b] = [at('11:00', 24), at('11:30', 24)];
    for (let round = 0; round < 3; round++) {
      const x = await booked(a);
      const y = await booked(b);
      const answers = await Promise.allSettled([reschedule(x, b), reschedule(y, a)]);
      expect(
        answers.map((r) => r.status),
        answers.map((r) => (r.status === 'rejected' ? String(r.reason) : '')).join(' '),
      ).toEqual(['fulfilled', 'fulfilled']);
      expect((await seen(x)).start).toBe(b);
      expect((await seen(y)).start).toBe(a);
    }
    const { counters, bookings } = await countersAndBookings();
    expect(counters).toEqual(bookings);
    expect([counters[a], counters[b]]).toEqual([3, 3]);
  });

  it('books once with a WhatsApp code that two bookings carry at the same moment', async () => {
    const phone = '0812 9999 0001';
    const sent = await ctx.app.inject({ method: 'POST', url: '/api/v1/appointments/code', payload: { whatsapp: phone }, remoteAddress: from() });
    expect(sent.statusCode, sent.body).toBe(202);
    await ctx.services.outbox.drain();
    const message = await ctx.db
      .selectFrom('notifications')
      .select('params')
      .where('recipient', '=', '+6281299990001')
      .where('kind', '=', 'contact_code')
      .executeTakeFirstOrThrow();
    const code = String((JSON.parse(message.params) as { code: string }).code);
    const before = await countersAndBookings();

    const answers = await Promise.all([
      book(booking(at('12:00', 24), { whatsapp: phone, code }), {}),
      book(booking(at('12:30', 24), { whatsapp: phone, code }), {}),
      book(booking(at('12:00', 24), { whatsapp: phone, code }), {}),
    ]);
    expect(answers.map((r) => r.statusCode).sort(), answers.map((r) => r.body).join('\n')).toEqual([201, 422, 422]);
    for (const r of answers.filter((x) => x.statusCode === 422)) expect(json<Problem>(r).code).toBe('appointment_code_wrong');
    const mine = await ctx.db.selectFrom('appointments').select('starts_at').where('phone', '=', '+6281299990001').execute();
    expect(mine).toHaveLength(1);
    // Only the winner's place is taken.
    const after = await countersAndBookings();
    expect(after.counters).toEqual(after.bookings);
    const taken = Object.keys(after.counters).reduce((sum, k) => sum + (after.counters[k]! - (before.counters[k] ?? 0)), 0);
    expect(taken).toBe(1);
  });

  it('keeps the plain booking code in the outbox only until the pass is composed (booked, moved, or cancelled before it went)', async () => {
    const passRows = (id: string) =>
      ctx.db
        .selectFrom('outbox')
        .select(['payload', 'done_at'])
        .where('tenant_id', '=', ctx.tenant.id)
        .where('topic', '=', 'appointments.booked')
        .execute()
        .then((rows) => rows.filter((r) => (JSON.parse(r.payload) as { appointmentId: string }).appointmentId === id));
    const idOf = async (b: Booking) => (await ctx.db.selectFrom('appointments').select('id').where('number', '=', b.number).executeTakeFirstOrThrow()).id;

    const x = await booked(at('08:00', 25));
    expect((await move(x, at('08:30', 25))).statusCode).toBe(200);
    const id = await idOf(x);
    // Waiting to be sent, the rows carry the code the pass link needs.
    expect((await passRows(id)).map((r) => r.payload.includes(x.code))).toEqual([true, true]);
    await ctx.services.outbox.drain();
    const done = await passRows(id);
    expect(done).toHaveLength(2);
    for (const r of done) {
      expect(r.done_at).not.toBeNull();
      expect(r.payload).not.toContain(x.code);
    }
    // The booker got both passes, with the code in the link.
    const passes = await ctx.db
      .selectFrom('notifications')
      .select('params')
      .where('kind', '=', 'appointment_booked')
      .where('recipient', '=', (await ctx.db.selectFrom('appointments').select('phone').where('id', '=', id).executeTakeFirstOrThrow()).phone)
      .execute();
    expect(passes).toHaveLength(2);
    for (const p of passes) expect(String((JSON.parse(p.params) as { link: string }).link)).toContain(`kode=${x.code}`);
    // The booking still opens with its code.
    expect(await seen(x)).toMatchObject({ number: x.number, start: at('08:30', 25) });

    const y = await booked(at('08:00', 25));
    expect((await cancel(y)).statusCode).toBe(200);
    await ctx.services.outbox.drain();
    const cancelledRows = await passRows(await idOf(y));
    expect(cancelledRows).toHaveLength(1);
    expect(cancelledRows[0]!.done_at).not.toBeNull();
    expect(cancelledRows[0]!.payload).not.toContain(y.code);
  });
});
