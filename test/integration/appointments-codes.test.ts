/**
 * Appointments, second step (issue 11), on SQLite and PostgreSQL: a booker without a verified account
 * proves the WhatsApp number with a 6-digit code sent through the outbox (wrong, used or expired: 422,
 * nothing booked; one code a minute per number); the front desk books for a caller without a code and
 * the pass goes to the caller's WhatsApp; each booking is in the channel history; a booking moves to
 * another slot atomically (full: 409 and the old place kept) and checks in once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_MESSAGES } from '../../src/shared/messages.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';

type Booking = { number: string; status: string; start: string; end: string; code: string };
type Problem = { status: number; code: string; title: string; detail: string; errors?: { field: string; code: string }[] };

// The test clock starts at 2026-11-20T03:00Z: Friday 10:00 in Malang (WIB, UTC+7).
const MONDAY_0800 = '2026-11-23T01:00:00.000Z';
const MONDAY_0830 = '2026-11-23T01:30:00.000Z';
const TUESDAY_0900 = '2026-11-24T02:00:00.000Z';

describe.each(DIALECTS)('appointment codes, front desk, moving (%s)', (dialect) => {
  let ctx: TestContext;
  let addresses = 0;
  const from = () => `10.21.${Math.floor(++addresses / 256) % 256}.${addresses % 256}`;

  const requestCode = (whatsapp: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/appointments/code', payload: { whatsapp }, headers, remoteAddress: from() });
  const book = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/appointments', payload, headers, remoteAddress: from() });
  const booking = (over: Record<string, unknown> = {}) => ({
    service: 'KONSULTASI',
    start: MONDAY_0800,
    name: 'Dewi Lestari',
    whatsapp: '0812 7777 0001',
    ...over,
  });
  /** The messages the outbox composed for a number, newest first. */
  const messagesTo = async (phone: string) => {
    await ctx.services.outbox.drain();
    const rows = await ctx.db
      .selectFrom('notifications')
      .select(['kind', 'params', 'channel', 'body'])
      .where('recipient', '=', phone)
      .orderBy('created_at', 'desc')
      .orderBy('outbox_id', 'desc')
      .execute();
    return rows.map((r) => ({ ...r, params: JSON.parse(r.params) as Record<string, unknown> }));
  };
  const codeSentTo = async (phone: string) => {
    const m = (await messagesTo(phone)).find((r) => r.kind === 'contact_code');
    return String(m?.params.code);
  };
  const bookings = () => ctx.db.selectFrom('appointments').selectAll().where('tenant_id', '=', ctx.tenant.id).execute();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('sends a 6-digit code to the WhatsApp number and books with it; the pass goes there too', async () => {
    const sent = await requestCode('0812 7777 0001');
    expect(sent.statusCode, sent.body).toBe(202);
    expect(json(sent)).toEqual({ sent: true, minutes: 10 });
    const code = await codeSentTo('+6281277770001');
    expect(code).toMatch(/^\d{6}$/);
    const codeMessage = (await messagesTo('+6281277770001'))[0]!;
    expect(codeMessage.channel).toBe('whatsapp');
    expect(codeMessage.body).toContain(code);

    const res = await book(booking({ code, permitTypeCode: 'PBG' }));
    expect(res.statusCode, res.body).toBe(201);
    const b = json<Booking>(res);
    const pass = (await messagesTo('+6281277770001')).find((m) => m.kind === 'appointment_booked')!;
    expect(pass.params).toMatchObject({
      number: b.number,
      when: { id: 'Senin, 23 November 2026 pukul 08.00 WIB', en: 'Monday, 23 November 2026 at 08:00 WIB' },
    });
    expect(String(pass.params.link)).toContain(`/janji-temu/tiket?nomor=${b.number}&kode=${b.code}`);
    // The booking is in the channel history, as an online booking of the number.
    const contact = await ctx.db
      .selectFrom('contacts')
      .selectAll()
      .where('ref_id', '=', (await bookings()).find((x) => x.number === b.number)!.id)
      .executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ kind: 'booking', channel: 'online', phone: '+6281277770001', label: b.number, user_id: null });

    // The code is used up: a second booking with it books nothing.
    const again = await book(booking({ code, start: MONDAY_0830 }));
    expect(again.statusCode).toBe(422);
    expect(json<Problem>(again).code).toBe('appointment_code_wrong');
    expect((await bookings()).filter((x) => x.phone === '+6281277770001')).toHaveLength(1);
  });

  it('refuses a missing, wrong or expired code with 422 on the code field, and books nothing', async () => {
    const before = (await bookings()).length;
    const slotsBefore = await ctx.db.selectFrom('appointment_slots').selectAll().orderBy('starts_at').execute();
    const none = await book(booking({ whatsapp: '0812 7777 0002' }));
    expect(none.statusCode).toBe(422);
    expect(json<Problem>(none).errors?.[0]).toMatchObject({ field: 'code', code: 'appointment_code_missing' });

    expect((await requestCode('0812 7777 0002')).statusCode).toBe(202);
    const right = await codeSentTo('+6281277770002');
    const wrongCode = right === '000000' ? '111111' : '000000';
    const wrong = await book(booking({ whatsapp: '0812 7777 0002', code: wrongCode }), { 'accept-language': 'en' });
    expect(wrong.statusCode).toBe(422);
    const p = json<Problem>(wrong);
    expect(p.code).toBe('appointment_code_wrong');
    expect(p.title).toBe(ERROR_MESSAGES.appointment_code_wrong.en.title);
    expect(p.errors?.[0]).toMatchObject({ field: 'code', code: 'appointment_code_wrong' });
    // A code given for another number proves nothing about this one.
    expect((await book(booking({ whatsapp: '0812 7777 0003', code: right }))).statusCode).toBe(422);

    // Ten minutes later the right code has expired.
    ctx.clock.advanceMinutes(11);
    const late = await book(booking({ whatsapp: '0812 7777 0002', code: right }));
    expect(late.statusCode).toBe(422);
    expect(json<Problem>(late).code).toBe('appointment_code_wrong');
    expect((await bookings()).length).toBe(before);
    expect(await ctx.db.selectFrom('appointment_slots').selectAll().orderBy('starts_at').execute()).toEqual(slotsBefore);
  });

  it('allows five tries of a code, then even the right one fails', async () => {
    expect((await requestCode('0812 7777 0004')).statusCode).toBe(202);
    const right = await codeSentTo('+6281277770004');
    const wrongCode = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await book(booking({ whatsapp: '0812 7777 0004', code: wrongCode }))).statusCode).toBe(422);
    expect((await book(booking({ whatsapp: '0812 7777 0004', code: right }))).statusCode).toBe(422);
  });

  it('sends one code a minute to a number (429), and a new code replaces the old one', async () => {
    expect((await requestCode('0812 7777 0005')).statusCode).toBe(202);
    const first = await codeSentTo('+6281277770005');
    const soon = await requestCode('+62 812 7777 0005');
    expect(soon.statusCode).toBe(429);
    expect(json<Problem>(soon).code).toBe('too_many_attempts');
    // Two at once after the minute: one counts.
    ctx.clock.advanceMinutes(1);
    const both = await Promise.all([requestCode('0812 7777 0005'), requestCode('0812 7777 0005')]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([202, 429]);
    const second = await codeSentTo('+6281277770005');
    expect((await messagesTo('+6281277770005')).filter((m) => m.kind === 'contact_code')).toHaveLength(2);
    if (first !== second) expect((await book(booking({ whatsapp: '0812 7777 0005', code: first }))).statusCode).toBe(422);
    expect((await book(booking({ whatsapp: '0812 7777 0005', code: second }))).statusCode).toBe(201);
  });

  it('sends at most five codes a day to one number (each costs the office a message), then 429 until the day is over', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push((await requestCode('0812 7777 0030')).statusCode);
      await ctx.services.outbox.drain();
      ctx.clock.advanceMinutes(2);
    }
    expect(answers).toEqual([202, 202, 202, 202, 202, 429]);
    const refused = await requestCode('0812 7777 0030', { 'accept-language': 'en' });
    expect(json<Problem>(refused).detail).toMatch(/Wait \d+ minutes/);
    expect((await messagesTo('+6281277770030')).filter((m) => m.kind === 'contact_code')).toHaveLength(5);
    // Another number is not held up; a day after the first request the number gets codes again.
    expect((await requestCode('0812 7777 0031')).statusCode).toBe(202);
    ctx.clock.advanceMinutes(24 * 60 - 10);
    expect((await requestCode('0812 7777 0030')).statusCode).toBe(202);
  });

  it('keeps the code unused when the slot is full, so the booker picks another time with it', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    const full = '2026-11-23T02:30:00.000Z';
    for (let i = 0; i < 10; i++) expect((await book(booking({ start: full, whatsapp: `0813 1111 ${1000 + i}` }), auth(desk.token))).statusCode).toBe(201);
    expect((await requestCode('0812 7777 0006')).statusCode).toBe(202);
    const code = await codeSentTo('+6281277770006');
    expect(json<Problem>(await book(booking({ start: full, whatsapp: '0812 7777 0006', code }))).code).toBe('slot_full');
    expect((await book(booking({ start: '2026-11-23T03:00:00.000Z', whatsapp: '0812 7777 0006', code }))).statusCode).toBe(201);
  });

  it('lets the front desk book for a caller without a code; the pass goes to the caller; other staff may not', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    const res = await book(booking({ whatsapp: '0812 7777 0007', name: 'Pak Budi' }), auth(desk.token));
    expect(res.statusCode, res.body).toBe(201);
    const b = json<Booking>(res);
    const row = (await bookings()).find((x) => x.number === b.number)!;
    expect(row).toMatchObject({ channel: 'front_desk', booked_by: desk.userId, user_id: null, phone: '+6281277770007' });
    const contact = await ctx.db.selectFrom('contacts').selectAll().where('ref_id', '=', row.id).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ kind: 'booking', channel: 'front_desk', label: b.number });
    const pass = (await messagesTo('+6281277770007')).find((m) => m.kind === 'appointment_booked')!;
    expect(String(pass.params.link)).toContain(`kode=${b.code}`);

    const verifier = await userWithToken(ctx, 'verifier');
    const refused = await book(booking({ whatsapp: '0812 7777 0008' }), auth(verifier.token));
    expect(refused.statusCode).toBe(403);
    expect((await bookings()).filter((x) => x.phone === '+6281277770008')).toHaveLength(0);
  });

  it('asks an account for the code unless its verified number is the one given', async () => {
    const applicant = await userWithToken(ctx, 'applicant');
    await ctx.db.updateTable('users').set({ phone: '+6281277770009', phone_verified_at: null }).where('id', '=', applicant.userId).execute();
    expect((await book(booking({ whatsapp: '0812 7777 0009' }), auth(applicant.token))).statusCode).toBe(422);
    await ctx.db.updateTable('users').set({ phone_verified_at: ctx.clock.now().toISOString() }).where('id', '=', applicant.userId).execute();
    expect((await book(booking({ whatsapp: '0812 7777 0010' }), auth(applicant.token))).statusCode).toBe(422);
    const ok = await book(booking({ whatsapp: '0812 7777 0009' }), auth(applicant.token));
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await bookings()).find((x) => x.number === json<Booking>(ok).number)).toMatchObject({ user_id: applicant.userId, channel: 'online' });
  });

  describe('moving and checking in', () => {
    let desk: string;
    const move = (number: string, payload: Record<string, unknown>) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/appointments/${number}/reschedule`, payload, remoteAddress: from() });
    const free = async (start: string) => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/slots?service=PENGAJUAN&from=${start.slice(0, 10)}&days=1` });
      return json<{ slots: { start: string; free: number }[] }>(res).slots.find((s) => s.start === start)!.free;
    };
    beforeAll(async () => {
      desk = (await userWithToken(ctx, 'front_desk')).token;
    });

    it('moves a booking to another slot: the new place is taken, the old one freed, number and code kept', async () => {
      const b = json<Booking>(await book(booking({ service: 'PENGAJUAN', whatsapp: '0812 7777 0020' }), auth(desk)));
      expect(await free(MONDAY_0800)).toBe(9);
      const res = await move(b.number, { code: b.code, start: TUESDAY_0900 });
      expect(res.statusCode, res.body).toBe(200);
      expect(json(res)).toMatchObject({ number: b.number, status: 'booked', start: TUESDAY_0900, end: '2026-11-24T02:30:00.000Z' });
      expect(await free(MONDAY_0800)).toBe(10);
      expect(await free(TUESDAY_0900)).toBe(9);
      const seen = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.number}?code=${b.code}` });
      expect(json(seen)).toMatchObject({ start: TUESDAY_0900 });
      // A fresh pass with the new time goes to the booker.
      const passes = (await messagesTo('+6281277770020')).filter((m) => m.kind === 'appointment_booked');
      expect(passes).toHaveLength(2);
      expect(passes[0]!.params.when).toMatchObject({ en: 'Tuesday, 24 November 2026 at 09:00 WIB' });
    });

    it('leaves the booking where it was when the new slot is full (409), or the time is not offered (422)', async () => {
      const target = '2026-11-24T03:00:00.000Z';
      for (let i = 0; i < 10; i++)
        expect((await book(booking({ service: 'PENGAJUAN', start: target, whatsapp: `0813 2222 ${1000 + i}` }), auth(desk))).statusCode).toBe(201);
      const b = json<Booking>(await book(booking({ service: 'PENGAJUAN', start: MONDAY_0830, whatsapp: '0812 7777 0021' }), auth(desk)));
      const res = await move(b.number, { code: b.code, start: target });
      expect(res.statusCode).toBe(409);
      expect(json<Problem>(res).code).toBe('slot_full');
      expect((await bookings()).find((x) => x.number === b.number)).toMatchObject({ starts_at: MONDAY_0830, status: 'booked' });
      expect(await free(MONDAY_0830)).toBe(9);
      expect(await free(target)).toBe(0);
      const saturday = await move(b.number, { code: b.code, start: '2026-11-21T01:00:00.000Z' });
      expect(json<Problem>(saturday).code).toBe('slot_unavailable');
      expect((await move(b.number, { code: 'ZZZZZZZZ', start: TUESDAY_0900 })).statusCode).toBe(404);
      expect((await bookings()).find((x) => x.number === b.number)).toMatchObject({ starts_at: MONDAY_0830 });
    });

    it('gives the last place to one of two bookings moving into it at once', async () => {
      const target = '2026-11-24T04:00:00.000Z';
      for (let i = 0; i < 9; i++) await book(booking({ service: 'PENGAJUAN', start: target, whatsapp: `0813 3333 ${1000 + i}` }), auth(desk));
      const a = json<Booking>(await book(booking({ service: 'PENGAJUAN', start: '2026-11-24T05:00:00.000Z', whatsapp: '0812 7777 0022' }), auth(desk)));
      const c = json<Booking>(await book(booking({ service: 'PENGAJUAN', start: '2026-11-24T05:30:00.000Z', whatsapp: '0812 7777 0023' }), auth(desk)));
      const answers = await Promise.all([move(a.number, { code: a.code, start: target }), move(c.number, { code: c.code, start: target })]);
      expect(answers.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      expect(await free(target)).toBe(0);
      // The loser kept its place; the winner's old place is free.
      expect((await free('2026-11-24T05:00:00.000Z')) + (await free('2026-11-24T05:30:00.000Z'))).toBe(19);
    });

    it('checks a booking in once (the queue calls checkIn); a cancelled one or a wrong code is refused', async () => {
      const b = json<Booking>(await book(booking({ service: 'PENGAMBILAN', whatsapp: '0812 7777 0024' }), auth(desk)));
      const checks = await Promise.allSettled([
        ctx.services.appointments.checkIn({ tenant: ctx.tenant, number: b.number, code: b.code }),
        ctx.services.appointments.checkIn({ tenant: ctx.tenant, number: b.number, code: b.code }),
      ]);
      expect(checks.filter((c) => c.status === 'fulfilled')).toHaveLength(1);
      const refused = checks.find((c) => c.status === 'rejected');
      expect((refused as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_state' });
      const seen = await ctx.app.inject({ method: 'GET', url: `/api/v1/appointments/${b.number}?code=${b.code}` });
      expect(json(seen)).toMatchObject({ status: 'checked_in' });
      expect((await bookings()).find((x) => x.number === b.number)!.checked_in_at).not.toBeNull();
      await expect(ctx.services.appointments.checkIn({ tenant: ctx.tenant, number: b.number, code: 'WRONG123' })).rejects.toMatchObject({ code: 'not_found' });
      const moved = await move(b.number, { code: b.code, start: TUESDAY_0900 });
      expect(moved.statusCode).toBe(409);
    });
  });
});
