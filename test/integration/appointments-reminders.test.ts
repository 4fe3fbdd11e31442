/**
 * The day-before reminder (issue 11), on SQLite and PostgreSQL: each of tomorrow's bookings (office-local)
 * still booked gets exactly one reminder through the outbox, even with two instances running the job at
 * once; cancelled bookings and other days get none; a moved booking is reminded for its new day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';

type Booking = { number: string; code: string };

describe.each(DIALECTS)('appointment reminders (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: string;
  let n = 0;
  const book = async (start: string, over: Record<string, unknown> = {}) => {
    n++;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: auth(desk, over.lang === 'en' ? { 'accept-language': 'en' } : {}),
      payload: { service: 'KONSULTASI', start, name: `Tamu ${n}`, whatsapp: `0815 5555 ${String(1000 + n)}` },
      remoteAddress: `10.31.0.${n}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    return json<Booking>(res);
  };
  const reminders = async () => {
    await ctx.services.outbox.drain();
    return ctx.db.selectFrom('notifications').select(['recipient', 'params', 'language', 'body']).where('kind', '=', 'appointment_reminder').execute();
  };
  const reminderRows = () => ctx.db.selectFrom('outbox').select('payload').where('topic', '=', 'appointments.reminder').execute();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    desk = (await userWithToken(ctx, 'front_desk')).token;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('reminds each of tomorrow’s bookings once, even when two instances run the job at once', async () => {
    // Friday 20 November, 10:00 WIB. Bookings on Monday 23rd (08:00 and 14:30 WIB) and Tuesday 24th.
    const early = await book('2026-11-23T01:00:00.000Z');
    const late = await book('2026-11-23T07:30:00.000Z', { lang: 'en' });
    const tuesday = await book('2026-11-24T01:00:00.000Z');
    const cancelled = await book('2026-11-23T02:00:00.000Z');
    const c = await ctx.app.inject({ method: 'POST', url: `/api/v1/appointments/${cancelled.number}/cancel`, payload: { code: cancelled.code } });
    expect(c.statusCode).toBe(200);

    // Today is Friday: Monday is not tomorrow, nothing is reminded yet.
    expect(await ctx.services.appointments.remindTomorrow({ clock: ctx.clock })).toEqual({ reminded: 0 });
    // Sunday 22nd, 06:30 WIB: Monday is tomorrow, but nobody is woken up.
    ctx.clock.set('2026-11-21T23:30:00.000Z');
    expect(await ctx.services.appointments.remindTomorrow({ clock: ctx.clock })).toEqual({ reminded: 0 });
    // Sunday 22nd, 20:00 WIB: Monday's bookings are tomorrow's.
    ctx.clock.set('2026-11-22T13:00:00.000Z');
    const runs = await Promise.all([
      ctx.services.appointments.remindTomorrow({ clock: ctx.clock }),
      ctx.services.appointments.remindTomorrow({ clock: ctx.clock }),
      ctx.services.appointments.remindTomorrow({ clock: ctx.clock }),
    ]);
    expect(runs.reduce((sum, r) => sum + r.reminded, 0)).toBe(2);
    expect(await reminderRows()).toHaveLength(2);
    const sent = await reminders();
    expect(sent.map((r) => (JSON.parse(r.params) as { number: string }).number).sort()).toEqual([early.number, late.number].sort());
    const english = sent.find((r) => (JSON.parse(r.params) as { number: string }).number === late.number)!;
    expect(english.language).toBe('en');
    expect(english.body).toContain('tomorrow, Monday, 23 November 2026 at 14:30 WIB');
    // Later runs the same evening add nothing.
    ctx.clock.advanceMinutes(30);
    expect(await ctx.services.appointments.remindTomorrow({ clock: ctx.clock })).toEqual({ reminded: 0 });
    expect(await reminderRows()).toHaveLength(2);
    // Tuesday's booker (the day after tomorrow) and the cancelled one hear nothing yet.
    const heard = await reminders();
    for (const quiet of [tuesday, cancelled]) {
      expect(heard.map((r) => (JSON.parse(r.params) as { number: string }).number)).not.toContain(quiet.number);
      const row = await ctx.db.selectFrom('appointments').select(['phone', 'reminded_at']).where('number', '=', quiet.number).executeTakeFirstOrThrow();
      expect(row.reminded_at).toBeNull();
      expect(heard.filter((r) => r.recipient === row.phone)).toEqual([]);
    }
  });

  it('reminds a booking moved to tomorrow, by the office’s own day', async () => {
    ctx.clock.set('2026-11-23T16:30:00.000Z'); // Monday 23:30 WIB: tomorrow is Tuesday 24th.
    desk = (await userWithToken(ctx, 'front_desk')).token; // a fresh session at the new time
    const moved = await book('2026-11-25T01:00:00.000Z');
    const r = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/appointments/${moved.number}/reschedule`,
      payload: { code: moved.code, start: '2026-11-24T03:00:00.000Z' },
    });
    expect(r.statusCode, r.body).toBe(200);
    ctx.clock.set('2026-11-24T01:30:00.000Z'); // Tuesday 08:30 WIB: tomorrow is Wednesday 25th, nothing booked then.
    expect(await ctx.services.appointments.remindTomorrow({ clock: ctx.clock })).toEqual({ reminded: 0 });
    ctx.clock.set('2026-11-23T16:45:00.000Z'); // Back to Monday 23:45 WIB: Tuesday's two bookings.
    const both = await Promise.all([
      ctx.services.appointments.remindTomorrow({ clock: ctx.clock }),
      ctx.services.appointments.remindTomorrow({ clock: ctx.clock }),
    ]);
    expect(both[0].reminded + both[1].reminded).toBe(2);
    const numbers = (await reminders()).map((x) => (JSON.parse(x.params) as { number: string }).number);
    expect(numbers).toContain(moved.number);
    expect(numbers.filter((x) => x === moved.number)).toHaveLength(1);
  });

  it('runs as a registered job of the jobs loop', () => {
    expect(ctx.services.jobs.map((j) => j.name)).toContain('appointments.reminders');
  });
});
