/**
 * Queue, second step (issue 11), on SQLite and PostgreSQL: the priority policy (a weight, at most N
 * priority calls in a row, nobody starves), booked visitors called at their slot time and marked no-show
 * only after the grace period, transfer to another service group, the day's closing time, the wait
 * promised at issue and the error of past promises, the channel history, and the display's JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import type { Tenant } from '../../src/db/schema.js';
import { defaultQueueSettings, type QueueSettings } from '../../src/queue/queue.settings.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';

type Ticket = {
  id: string;
  number: string;
  status: string;
  position: number | null;
  counter: string | null;
  priority: boolean;
  slotStart: string | null;
  transferredFrom: string | null;
  service: { code: string };
  estimate: { minutes: number | null; promisedMinutes: number | null; pastError: { minutes: number; tickets: number } | null };
};
type Problem = { status: number; code: string; title: string; detail: string };
type Display = {
  nowServing: { counter: string; number: string; status: string }[];
  next: { service: { code: string }; waiting: number; numbers: string[] }[];
};

const SERVICES = ['KONSULTASI', 'PENGAJUAN', 'PENGAMBILAN'];
// The test clock starts at 2026-11-20T03:00Z: Friday 10:00 in Malang (WIB), open 08:00–11:00.
const at = (hhmm: string, day = '2026-11-20') => new Date(Date.parse(`${day}T${hhmm}:00+07:00`)).toISOString();

describe.each(DIALECTS)('queue policy (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: string;
  let admin: Actor;
  let batu: Tenant;
  let batuDesk: string;
  let address = 0;

  /** Each office's enrolled kiosk (its token), by host: the anonymous tickets below come from it. */
  const kiosks = new Map<string | undefined, string>();
  const issue = (payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
    address++;
    return ctx.app.inject({
      method: 'POST',
      url: '/api/v1/queue/tickets',
      headers: { 'x-kiosk-token': kiosks.get(headers.host) ?? '', ...headers },
      payload,
      remoteAddress: `10.7.${Math.floor(address / 250)}.${(address % 250) + 1}`,
    });
  };
  const ticket = async (payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const res = await issue(payload, headers);
    expect(res.statusCode, res.body).toBe(201);
    return json<Ticket>(res);
  };
  const callNext = (service: string, counter = 'Loket 1', token = desk, host?: string) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/queue/call-next', headers: auth(token, host ? { host } : {}), payload: { service, counter } });
  const called = async (service: string, counter = 'Loket 1', token = desk, host?: string) => {
    const res = await callNext(service, counter, token, host);
    expect(res.statusCode, res.body).toBe(200);
    return json<Ticket>(res);
  };
  const act = (id: string, payload: Record<string, unknown>, token = desk, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/queue/tickets/${id}/events`, headers: auth(token, headers), payload });
  const get = async (id: string, host?: string) => json<Ticket>(await ctx.app.inject({ url: `/api/v1/queue/tickets/${id}`, headers: host ? { host } : {} }));
  const settle = async (tenant: Tenant, change: Partial<QueueSettings>) => {
    const actor = tenant.id === ctx.tenant.id ? admin : { ...admin, tenantId: tenant.id };
    const current = (await ctx.services.queue.getSettings({ actor, tenant })).queue;
    await ctx.services.queue.saveSettings({ actor, tenant, settings: { ...current, ...change } });
  };
  const book = async (service: string, start: string, whatsapp = '0812 3456 7890') => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      headers: auth(desk),
      payload: { service, start, name: 'Siti Rahayu', whatsapp },
    });
    expect(res.statusCode, res.body).toBe(201);
    return json<{ number: string; code: string }>(res);
  };

  /** The booked visitor reports with the pass (its number and code), as the kiosk's /antrian/lapor does. */
  const checkIn = async (booking: { number: string; code: string }): Promise<Ticket> =>
    ctx.services.queue.checkIn({ tenant: ctx.tenant, number: booking.number, code: booking.code, lang: 'id' });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    desk = (await userWithToken(ctx, 'front_desk')).token;
    const a = await userWithToken(ctx, 'admin');
    admin = { userId: a.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' };
    const bAdmin = await ctx.services.auth.createUser({
      tenantId: batu.id,
      role: 'admin',
      name: 'Admin Batu',
      email: `admin.${dialect}@batu.izol.id`,
      password: 'admin batu password 2026',
    });
    kiosks.set(undefined, (await ctx.services.queue.enrolKiosk({ actor: admin, tenant: ctx.tenant, name: 'Kios lobi' })).token);
    kiosks.set(
      'batu.izol.test',
      (
        await ctx.services.queue.enrolKiosk({
          actor: { userId: bAdmin.userId, tenantId: batu.id, role: 'admin', name: 'Admin Batu' },
          tenant: batu,
          name: 'Kios',
        })
      ).token,
    );
    await ctx.services.queue.saveSettings({
      actor: { userId: bAdmin.userId, tenantId: batu.id, role: 'admin', name: 'Admin Batu' },
      tenant: batu,
      settings: { ...defaultQueueSettings(SERVICES), counters: [{ name: 'Loket 1', services: ['KONSULTASI'] }] },
    });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('calls priority visitors first, but never more than N in a row while others wait', async () => {
    ctx.clock.set(at('09:00'));
    await settle(ctx.tenant, { priority: { weight: 2, maxInRow: 2 } });
    const p1 = await ticket({ service: 'KONSULTASI', priority: true });
    await ticket({ service: 'KONSULTASI', priority: true });
    await ticket({ service: 'KONSULTASI', priority: true });
    const w1 = await ticket({ service: 'KONSULTASI' });
    await ticket({ service: 'KONSULTASI' });
    expect(p1).toMatchObject({ number: 'A-001', priority: true, position: 0 });
    // The first walk-in stands after two priority visitors, not three: that is the order they are called in.
    expect(await get(w1.id)).toMatchObject({ number: 'A-004', position: 2 });
    const order = [];
    for (let i = 0; i < 5; i++) order.push((await called('KONSULTASI')).number);
    expect(order).toEqual(['A-001', 'A-002', 'A-004', 'A-003', 'A-005']);
    expect(json<Problem>(await callNext('KONSULTASI')).code).toBe('queue_empty');
  });

  it('weights a priority visitor’s wait, so a walk-in who has waited long enough still goes first', async () => {
    ctx.clock.set(at('09:10'));
    const walkIn = await ticket({ service: 'KONSULTASI' });
    ctx.clock.set(at('09:15'));
    const late = await ticket({ service: 'KONSULTASI', priority: true });
    // Waited 5 minutes (+1) against 0 (+1) × 2: the walk-in first.
    expect((await called('KONSULTASI')).number).toBe(walkIn.number);
    expect((await called('KONSULTASI')).number).toBe(late.number);
    ctx.clock.set(at('09:20'));
    const walkIn2 = await ticket({ service: 'KONSULTASI' });
    ctx.clock.set(at('09:22'));
    await settle(ctx.tenant, { priority: { weight: 10, maxInRow: 2 } });
    const heavy = await ticket({ service: 'KONSULTASI', priority: true });
    expect((await called('KONSULTASI')).number).toBe(heavy.number);
    expect((await called('KONSULTASI')).number).toBe(walkIn2.number);
    await settle(ctx.tenant, { priority: { weight: 2, maxInRow: 2 } });
  });

  it('calls a booked visitor who checked in at their slot time, not before, and before walk-ins then', async () => {
    ctx.clock.set(at('09:25'));
    const booking = await book('PENGAJUAN', at('10:00'));
    const walkIn = await ticket({ service: 'PENGAJUAN' });
    ctx.clock.set(at('09:40'));
    const booked = await checkIn(booking);
    expect(booked).toMatchObject({ slotStart: at('10:00'), appointmentNumber: booking.number });
    const walkIn2 = await ticket({ service: 'PENGAJUAN' });
    // Before 10:00 the walk-ins go first; the booked visitor waits for their slot.
    expect((await called('PENGAJUAN')).number).toBe(walkIn.number);
    expect((await get(booked.id)).position).toBe(1);
    ctx.clock.set(at('10:00'));
    expect((await get(booked.id)).position).toBe(0);
    expect((await called('PENGAJUAN', 'Loket 2')).number).toBe(booked.number);
    expect((await called('PENGAJUAN')).number).toBe(walkIn2.number);
    // Alone in the queue, a booked visitor is called before the slot rather than kept waiting for nothing.
    const early = await book('PENGAJUAN', at('10:30'), '0813 1111 2222');
    const alone = await checkIn(early);
    expect((await called('PENGAJUAN')).number).toBe(alone.number);
  });

  it('marks a booked visitor no-show only after the grace period after their slot start', async () => {
    ctx.clock.set(at('10:05'));
    const booking = await book('PENGAMBILAN', at('10:30'), '0813 3333 4444');
    const booked = await checkIn(booking);
    ctx.clock.set(at('10:30'));
    const c = await called('PENGAMBILAN', 'Loket 3');
    expect(c.id).toBe(booked.id);
    ctx.clock.set(at('10:35'));
    const early = await act(booked.id, { action: 'no_show' }, desk, { 'accept-language': 'en' });
    expect(early.statusCode).toBe(409);
    expect(json<Problem>(early)).toMatchObject({ code: 'queue_grace_period', title: 'Too early for a no-show' });
    expect(json<Problem>(early).detail).toContain('10:40');
    expect((await get(booked.id)).status).toBe('called');
    ctx.clock.set(at('10:40'));
    const late = await act(booked.id, { action: 'no_show' });
    expect(late.statusCode, late.body).toBe(200);
    expect(json<Ticket>(late).status).toBe('no_show');
    // A walk-in has no grace period.
    const walkIn = await ticket({ service: 'PENGAMBILAN' });
    await called('PENGAMBILAN', 'Loket 3');
    expect(json<Ticket>(await act(walkIn.id, { action: 'no_show' })).status).toBe('no_show');
  });

  it('transfers a ticket to another group under its next number, keeping the visitor’s place by arrival', async () => {
    ctx.clock.set(at('10:41'));
    const first = await ticket({ service: 'KONSULTASI' });
    await called('KONSULTASI');
    await act(first.id, { action: 'start' });
    ctx.clock.set(at('10:43'));
    const later = await ticket({ service: 'PENGAMBILAN' });
    const moved = await act(first.id, { action: 'transfer', service: 'pengambilan' });
    expect(moved.statusCode, moved.body).toBe(200);
    const t = json<Ticket>(moved);
    expect(t).toMatchObject({ status: 'waiting', service: { code: 'PENGAMBILAN' }, transferredFrom: first.number, counter: null, position: 0 });
    expect(t.number).toMatch(/^C-\d{3}$/);
    expect((await get(later.id)).position).toBe(1);
    expect((await called('PENGAMBILAN', 'Loket 2')).id).toBe(first.id);
    const events = await ctx.db.selectFrom('queue_events').select(['action', 'from_status', 'to_status']).where('ticket_id', '=', first.id).execute();
    expect(events).toContainEqual({ action: 'transfer', from_status: 'serving', to_status: 'waiting' });
    // No target, the same group, an unknown group, a ticket that is not at a counter: refused, nothing moves.
    const before = await get(later.id);
    expect((await act(later.id, { action: 'transfer' })).statusCode).toBe(400);
    expect((await act(later.id, { action: 'transfer', service: 'KONSULTASI' })).statusCode).toBe(409);
    await called('PENGAMBILAN', 'Loket 2');
    expect((await act(later.id, { action: 'transfer', service: 'PENGAMBILAN' })).statusCode).toBe(400);
    expect((await act(later.id, { action: 'transfer', service: 'PIJAT' })).statusCode).toBe(422);
    expect((await get(later.id)).number).toBe(before.number);
  });

  it('closes the day’s queue at the set time with a clear message', async () => {
    await settle(ctx.tenant, { closesAt: '10:50' });
    ctx.clock.set(at('10:49'));
    expect((await issue({ service: 'KONSULTASI' })).statusCode).toBe(201);
    ctx.clock.set(at('10:50'));
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
    for (const lang of ['id', 'en'] as const) {
      const res = await issue({ service: 'KONSULTASI' }, { 'accept-language': lang });
      expect(res.statusCode).toBe(422);
      const p = json<Problem>(res);
      expect(p.code).toBe('queue_closed_for_day');
      expect(p.detail).toContain('10:50');
      expect(p.title).toBe(lang === 'id' ? 'Antrean hari ini sudah ditutup' : 'Today’s queue is closed');
    }
    expect(await count()).toBe(before);
    // Counters still call those already waiting.
    expect((await callNext('KONSULTASI')).statusCode).toBe(200);
    await settle(ctx.tenant, { closesAt: null });
  });

  it('promises a wait from the office’s own service times and shows how far past promises were off', async () => {
    const host = 'batu.izol.test';
    ctx.clock.set(at('09:00', '2026-11-23'));
    batuDesk = (await userWithToken(ctx, 'front_desk', { host, tenantId: batu.id })).token;
    const tickets: Ticket[] = [];
    for (let i = 0; i < 3; i++) tickets.push(await ticket({ service: 'KONSULTASI' }, { host }));
    // No history yet: the office's assumed 10 minutes, one counter serves the group.
    expect(tickets.map((t) => t.estimate.promisedMinutes)).toEqual([0, 10, 20]);
    expect(tickets[2]!.estimate).toMatchObject({ minutes: 20, pastError: null });
    // Each is served in 6 minutes, straight after the one before.
    for (let i = 0; i < 3; i++) {
      const c = await called('KONSULTASI', 'Loket 1', batuDesk, host);
      expect(c.id).toBe(tickets[i]!.id);
      await act(c.id, { action: 'start' }, batuDesk, { host });
      ctx.clock.advanceMinutes(6);
      await act(c.id, { action: 'complete' }, batuDesk, { host });
    }
    // Promised 0, 10, 20; waited 0, 6, 12: off by 0, 4 and 8 minutes, the median 4.
    const fourth = await ticket({ service: 'KONSULTASI' }, { host });
    const fifth = await ticket({ service: 'KONSULTASI' }, { host });
    // Now the office's own median of 6 minutes: one person ahead, 6 minutes.
    expect(fifth.estimate).toEqual({ minutes: 6, promisedMinutes: 6, pastError: { minutes: 4, tickets: 3 } });
    expect(fourth.estimate.promisedMinutes).toBe(0);
  });

  it('records each ticket in the channel history, with the booking’s number when it came from one', async () => {
    ctx.clock.set(at('09:00', '2026-11-24'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    const kiosk = await ticket({ service: 'KONSULTASI' });
    const front = await ticket({ service: 'KONSULTASI' }, auth(desk));
    const booking = await book('PENGAJUAN', at('09:30', '2026-11-24'), '0812 9999 0000');
    const booked = await checkIn(booking);
    const rows = await ctx.db
      .selectFrom('contacts')
      .select(['kind', 'channel', 'ref_id', 'label', 'phone'])
      .where('kind', '=', 'queue_ticket')
      .where('ref_id', 'in', [kiosk.id, front.id, booked.id])
      .execute();
    expect(rows).toEqual(
      expect.arrayContaining([
        { kind: 'queue_ticket', channel: 'kiosk', ref_id: kiosk.id, label: kiosk.number, phone: null },
        { kind: 'queue_ticket', channel: 'front_desk', ref_id: front.id, label: front.number, phone: null },
        { kind: 'queue_ticket', channel: 'booking', ref_id: booked.id, label: booked.number, phone: expect.stringContaining('81299990000') as unknown },
      ]),
    );
    expect(rows).toHaveLength(3);
  });

  it('shows on the display the ticket each counter serves and the next numbers in call order', async () => {
    ctx.clock.set(at('09:00', '2026-11-25'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    const a = [];
    for (let i = 0; i < 4; i++) a.push(await ticket({ service: 'KONSULTASI', priority: i === 3 }));
    const b = await ticket({ service: 'PENGAJUAN' });
    await called('KONSULTASI', 'Loket 1');
    const second = await called('KONSULTASI', 'Loket 2');
    await act(second.id, { action: 'start' });
    const res = await ctx.app.inject({ url: '/api/v1/queue/display' });
    expect(res.statusCode).toBe(200);
    const d = json<Display>(res);
    expect(d.nowServing.map((s) => [s.counter, s.number, s.status]).sort()).toEqual([
      ['Loket 1', 'A-004', 'called'],
      ['Loket 2', 'A-001', 'serving'],
    ]);
    expect(d.next.find((n) => n.service.code === 'KONSULTASI')).toEqual({
      service: expect.objectContaining({ code: 'KONSULTASI' }) as unknown,
      waiting: 2,
      numbers: ['A-002', 'A-003'],
    });
    expect(d.next.find((n) => n.service.code === 'PENGAJUAN')?.numbers).toEqual([b.number]);
    // A recall keeps the counter's ticket; the next call replaces it.
    await called('KONSULTASI', 'Loket 1');
    const after = json<Display>(await ctx.app.inject({ url: '/api/v1/queue/display?service=KONSULTASI' }));
    expect(after.nowServing.find((s) => s.counter === 'Loket 1')?.number).toBe('A-002');
    expect(after.next).toHaveLength(1);
    expect((await ctx.app.inject({ url: '/api/v1/queue/display?service=PIJAT' })).statusCode).toBe(422);
    expect((await ctx.app.inject({ url: '/api/v1/queue/display?x=1' })).statusCode).toBe(400);
  });

  it('calls the priority visitors left after N in a row when nobody else waits, instead of never answering', async () => {
    ctx.clock.set(at('09:00', '2026-11-27'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    await settle(ctx.tenant, { priority: { weight: 2, maxInRow: 2 } });
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(await ticket({ service: 'KONSULTASI', priority: true }));
    // Three priority visitors and nobody else: the third call answers with the third, not a loop.
    const order = [];
    for (let i = 0; i < 3; i++) order.push((await called('KONSULTASI')).number);
    expect(order).toEqual(tickets.map((t) => t.number));
    expect(json<Problem>(await callNext('KONSULTASI')).code).toBe('queue_empty');
    // A walk-in who arrives after that still goes before the next priority visitor.
    const later = await ticket({ service: 'KONSULTASI', priority: true });
    const walkIn = await ticket({ service: 'KONSULTASI' });
    expect((await called('KONSULTASI')).number).toBe(walkIn.number);
    expect((await called('KONSULTASI')).number).toBe(later.number);
  });

  it('gives one ticket for three check-ins of one pass at the same moment, and shows it to all three', async () => {
    ctx.clock.set(at('09:00', '2026-11-30'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    const booking = await book('PENGAJUAN', at('10:00', '2026-11-30'), '0813 5555 6666');
    const taps = await Promise.all([1, 2, 3].map(() => checkIn(booking)));
    expect(new Set(taps.map((t) => t.id)).size).toBe(1);
    expect(taps[0]).toMatchObject({ appointmentNumber: booking.number, slotStart: at('10:00', '2026-11-30'), status: 'waiting' });
    const linked = () => ctx.db.selectFrom('queue_tickets').select('id').where('appointment_number', '=', booking.number).execute();
    expect(await linked()).toEqual([{ id: taps[0]!.id }]);
    const appointment = await ctx.db.selectFrom('appointments').select('status').where('number', '=', booking.number).executeTakeFirstOrThrow();
    expect(appointment.status).toBe('checked_in');
    // Checked in but without a ticket (as a failure before one transaction could leave it): three taps, one ticket.
    const other = await book('PENGAJUAN', at('10:30', '2026-11-30'), '0813 7777 8888');
    await ctx.db
      .updateTable('appointments')
      .set({ status: 'checked_in', checked_in_at: at('09:00', '2026-11-30') })
      .where('number', '=', other.number)
      .execute();
    const again = await Promise.all([1, 2, 3].map(() => checkIn(other)));
    expect(new Set(again.map((t) => t.id)).size).toBe(1);
    expect(await ctx.db.selectFrom('queue_tickets').select('id').where('appointment_number', '=', other.number).execute()).toHaveLength(1);
    // The database itself refuses a second ticket for the booking on the same day (migration 0025).
    const row = await ctx.db.selectFrom('queue_tickets').selectAll().where('id', '=', again[0]!.id).executeTakeFirstOrThrow();
    await expect(
      ctx.db
        .insertInto('queue_tickets')
        .values({ ...row, id: crypto.randomUUID(), seq: 999, number: 'B-999' })
        .execute(),
    ).rejects.toThrow();
  });

  it('estimates a booked visitor by their slot time, and counts booked visitors whose slot comes first in a walk-in’s wait', async () => {
    ctx.clock.set(at('09:20', '2026-12-01'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    // Two counters and the assumed 10 minutes: one call every 5 minutes.
    const walkIns: Ticket[] = [];
    for (let i = 0; i < 20; i++) walkIns.push(await ticket({ service: 'PENGAJUAN' }));
    expect(walkIns[19]!.estimate.promisedMinutes).toBe(95);
    // Checked in for the 09:30 slot, behind 20 walk-ins: called at the slot, in about 10 minutes, not 100.
    const booking = await book('PENGAJUAN', at('09:30', '2026-12-01'), '0813 2222 3333');
    const booked = await checkIn(booking);
    expect(booked.estimate).toMatchObject({ minutes: 10, promisedMinutes: 10 });
    // The walk-ins from the third on are called after the booked visitor: five minutes later than before.
    expect((await get(walkIns[1]!.id)).estimate.minutes).toBe(5);
    expect((await get(walkIns[2]!.id)).estimate.minutes).toBe(15);
    expect((await get(walkIns[19]!.id)).estimate.minutes).toBe(100);
    // A walk-in arriving now is promised the wait behind all 21 (not 20).
    const last = await ticket({ service: 'PENGAJUAN' });
    expect(last.estimate).toMatchObject({ minutes: 105, promisedMinutes: 105 });
    // A minute before the slot with one visitor called first, the turn (5 minutes) comes after the slot: the later of the two.
    ctx.clock.set(at('09:29', '2026-12-01'));
    expect((await get(booked.id)).estimate.minutes).toBe(5);
    ctx.clock.set(at('09:35', '2026-12-01'));
    expect((await get(booked.id)).estimate.minutes).toBe(0);
  });

  it('keeps, for a booking that got two tickets before migration 0025, the first linked and the other in the queue', async () => {
    ctx.clock.set(at('09:00', '2026-12-02'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    const booking = await book('PENGAJUAN', at('10:00', '2026-12-02'), '0813 4444 9999');
    const first = await checkIn(booking);
    await migrateTo(ctx.db, '0024_helpdesk');
    const row = await ctx.db.selectFrom('queue_tickets').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    const secondId = crypto.randomUUID();
    await ctx.db
      .insertInto('queue_tickets')
      .values({ ...row, id: secondId, seq: 900, number: 'B-900', issued_at: at('09:01', '2026-12-02') })
      .execute();
    await migrateToLatest(ctx.db);
    // Going down and up again also dropped the enrolled kiosks: enrol Kota Malang's again.
    kiosks.set(undefined, (await ctx.services.queue.enrolKiosk({ actor: admin, tenant: ctx.tenant, name: 'Kios lobi' })).token);
    const tickets = await ctx.db.selectFrom('queue_tickets').select(['id', 'appointment_number', 'status']).where('id', 'in', [first.id, secondId]).execute();
    expect(tickets.sort((a, b) => (a.id === first.id ? -1 : b.id === first.id ? 1 : 0))).toEqual([
      { id: first.id, appointment_number: booking.number, status: 'waiting' },
      { id: secondId, appointment_number: null, status: 'waiting' },
    ]);
    expect((await checkIn(booking)).id).toBe(first.id);
  });

  it('keeps to at most N priority calls in a row when counters call at the same moment', async () => {
    ctx.clock.set(at('09:00', '2026-11-26'));
    desk = (await userWithToken(ctx, 'front_desk')).token;
    await settle(ctx.tenant, { priority: { weight: 2, maxInRow: 2 } });
    for (let i = 0; i < 5; i++) await ticket({ service: 'KONSULTASI', priority: true });
    for (let i = 0; i < 5; i++) await ticket({ service: 'KONSULTASI' });
    // Three counters at once: two priority visitors, then the counter that lost the race takes a walk-in.
    const first = await Promise.all(['Loket 1', 'Loket 2', 'Loket 3'].map((c) => called('KONSULTASI', c)));
    expect(first.filter((t) => t.priority)).toHaveLength(2);
    expect(new Set(first.map((t) => t.id)).size).toBe(3);
    const run = await ctx.db
      .selectFrom('queue_counters')
      .select('priority_run')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('service_code', '=', 'KONSULTASI')
      .where('day', '=', '2026-11-26')
      .executeTakeFirstOrThrow();
    expect(Number(run.priority_run)).toBe(0);
    const second = await Promise.all(['Loket 1', 'Loket 2', 'Loket 3'].map((c) => called('KONSULTASI', c)));
    expect(second.filter((t) => t.priority)).toHaveLength(2);
  });
});
