/**
 * Queue, first step (issue 11), on SQLite and PostgreSQL: 500 tickets at once are numbered A-001…A-500
 * with no gaps; numbering restarts on the next office-local day; two counters calling at once get
 * different tickets; the counter actions follow the ticket's status, each a timestamped event; bad input
 * changes nothing; one office's tickets are unknown to another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice } from '../../src/bootstrap.js';
import type { Tenant } from '../../src/db/schema.js';
import { ERROR_MESSAGES } from '../../src/shared/messages.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';

type Ticket = {
  id: string;
  number: string;
  service: { code: string; name: string };
  day: string;
  status: string;
  position: number | null;
  counter: string | null;
  issuedAt: string;
  calledAt: string | null;
  appointmentNumber: string | null;
};
type Problem = { status: number; code: string; title: string; detail: string; errors?: { field: string; code: string }[] };

const JAYAPURA = {
  code: 'JYP',
  name: 'DPMPTSP Kota Jayapura',
  timeZone: 'Asia/Jayapura',
  hostnames: ['jayapura.izol.test'],
  branding: { logoText: 'Izol Kota Jayapura' },
};
// The test clock starts at 2026-11-20T03:00Z: Friday 10:00 in Malang (WIB), open 08:00–11:00.
const FRIDAY_1000_WIB = '2026-11-20T03:00:00.000Z';
const MONDAY_0830_WIB = '2026-11-23T01:30:00.000Z';

/** Enrols a kiosk for the office as its admin would, and gives its token (the device's cookie or X-Kiosk-Token). */
async function enrolKiosk(ctx: TestContext, tenant: Tenant): Promise<string> {
  const n = Math.random().toString(36).slice(2, 8);
  const { userId } = await ctx.services.auth.createUser({
    tenantId: tenant.id,
    role: 'admin',
    name: 'Admin',
    email: `kiosk.admin.${n}@izol.id`,
    password: `kiosk admin password ${n}`,
  });
  return (await ctx.services.queue.enrolKiosk({ actor: { userId, tenantId: tenant.id, role: 'admin', name: 'Admin' }, tenant, name: 'Kios lobi' })).token;
}

describe.each(DIALECTS)('queue (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: string;
  let deskTwo: string;
  let batuId: string;

  let address = 0;
  /** Each office's enrolled kiosk (its token), by host: the anonymous requests below come from it. */
  const kiosks = new Map<string | undefined, string>();
  /** Each kiosk request from its own address, under the per-address rate limit. */
  const issue = (payload: Record<string, unknown>, headers: Record<string, string> = {}) => {
    address++;
    return ctx.app.inject({
      method: 'POST',
      url: '/api/v1/queue/tickets',
      headers: { 'x-kiosk-token': kiosks.get(headers.host) ?? '', ...headers },
      payload,
      remoteAddress: `10.${Math.floor(address / 65_000) % 250}.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`,
    });
  };
  const callNext = (token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: '/api/v1/queue/call-next', headers: { ...auth(token), ...headers }, payload });
  const act = (token: string, id: string, action: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/queue/tickets/${id}/events`, headers: { ...auth(token), ...headers }, payload: { action } });
  const getTicket = (id: string, host?: string) => ctx.app.inject({ method: 'GET', url: `/api/v1/queue/tickets/${id}`, headers: host ? { host } : {} });
  const state = async () => ({
    tickets: await ctx.db.selectFrom('queue_tickets').select(['id', 'status', 'counter', 'called_at']).orderBy('id').execute(),
    counters: await ctx.db.selectFrom('queue_counters').selectAll().orderBy('service_code').orderBy('day').execute(),
    events: Number(
      (
        await ctx.db
          .selectFrom('queue_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });
  const byNumber = (number: string, day = '2026-11-20') =>
    ctx.db
      .selectFrom('queue_tickets')
      .selectAll()
      .where('tenant_id', '=', ctx.tenant.id)
      .where('day', '=', day)
      .where('number', '=', number)
      .executeTakeFirstOrThrow();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    batuId = batu.id;
    const jayapura = await ensureOffice(ctx.services, JAYAPURA);
    for (const [host, tenant] of [
      [undefined, ctx.tenant],
      ['batu.izol.test', batu],
      ['jayapura.izol.test', jayapura],
    ] as const) {
      kiosks.set(host, await enrolKiosk(ctx, tenant));
    }
    desk = (await userWithToken(ctx, 'front_desk')).token;
    deskTwo = (await userWithToken(ctx, 'admin')).token;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('numbers 500 simultaneous tickets A-001 to A-500, no gaps, none twice', async () => {
    const answers = await Promise.all(Array.from({ length: 500 }, () => issue({ service: 'KONSULTASI' })));
    for (const r of answers) expect(r.statusCode, r.body).toBe(201);
    const tickets = answers.map((r) => json<Ticket>(r));
    const expected = Array.from({ length: 500 }, (_, i) => `A-${String(i + 1).padStart(3, '0')}`);
    expect(tickets.map((t) => t.number).sort()).toEqual(expected);
    expect(new Set(tickets.map((t) => t.id)).size).toBe(500);
    for (const t of tickets)
      expect(t).toMatchObject({
        status: 'waiting',
        service: { code: 'KONSULTASI', name: 'Konsultasi perizinan' },
        day: '2026-11-20',
        issuedAt: FRIDAY_1000_WIB,
      });
    const stored = await ctx.db.selectFrom('queue_tickets').select(['number', 'seq']).where('tenant_id', '=', ctx.tenant.id).execute();
    expect(stored.map((s) => s.number).sort()).toEqual(expected);
    expect(stored.map((s) => Number(s.seq)).sort((a, b) => a - b)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    const counter = await ctx.db.selectFrom('queue_counters').selectAll().where('tenant_id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
    expect(Number(counter.last_number)).toBe(500);
    // The visitor's page: A-010 has nine waiting before it.
    const tenth = await getTicket(tickets.find((t) => t.number === 'A-010')!.id);
    expect(tenth.statusCode).toBe(200);
    expect(json<Ticket>(tenth)).toMatchObject({ number: 'A-010', status: 'waiting', position: 9, counter: null });
    // 500 requests through the whole app take about 30 s on this 2-core machine alone; the full suite runs
    // beside it, so the default 60 s is not enough room. A correctness test of numbering, not a timing one.
  }, 240_000);

  it('gives each service group its own prefix and numbers, and says how many wait before', async () => {
    const b1 = await issue({ service: 'pengajuan' }, { 'accept-language': 'en' });
    expect(b1.statusCode, b1.body).toBe(201);
    expect(json<Ticket>(b1)).toMatchObject({ number: 'B-001', service: { code: 'PENGAJUAN', name: 'File submission' }, position: 0 });
    const b2 = json<Ticket>(await issue({ service: 'PENGAJUAN' }));
    expect(b2).toMatchObject({ number: 'B-002', position: 1 });
    const a501 = json<Ticket>(await issue({ service: 'KONSULTASI' }));
    expect(a501).toMatchObject({ number: 'A-501', position: 500 });
  });

  it('gives two counters calling at once two different tickets, oldest first', async () => {
    const [one, two] = await Promise.all([
      callNext(desk, { service: 'KONSULTASI', counter: 'Loket 1' }),
      callNext(deskTwo, { service: 'KONSULTASI', counter: 'Loket 2' }),
    ]);
    expect(one.statusCode, one.body).toBe(200);
    expect(two.statusCode, two.body).toBe(200);
    const called = [json<Ticket>(one), json<Ticket>(two)];
    expect(called.map((t) => t.number).sort()).toEqual(['A-001', 'A-002']);
    expect(called.map((t) => t.counter).sort()).toEqual(['Loket 1', 'Loket 2']);
    for (const t of called) expect(t).toMatchObject({ status: 'called', position: null, calledAt: FRIDAY_1000_WIB });
    // A-003 is now first in line.
    const third = await byNumber('A-003');
    expect(json<Ticket>(await getTicket(third.id))).toMatchObject({ position: 0 });
    // Eight counters at once on the same queue: eight different tickets.
    const many = await Promise.all(Array.from({ length: 8 }, (_, i) => callNext(i % 2 ? desk : deskTwo, { service: 'KONSULTASI', counter: `Loket ${i + 3}` })));
    const numbers = many.map((r) => json<Ticket>(r).number);
    expect(numbers.sort()).toEqual(['A-003', 'A-004', 'A-005', 'A-006', 'A-007', 'A-008', 'A-009', 'A-010']);
  });

  it('records start and complete as timestamped events, and refuses an invalid step with 409', async () => {
    const t = await byNumber('A-001');
    ctx.clock.advanceMinutes(2);
    const started = await act(desk, t.id, 'start');
    expect(started.statusCode, started.body).toBe(200);
    expect(json<Ticket>(started).status).toBe('serving');
    ctx.clock.advanceMinutes(5);
    const done = await act(desk, t.id, 'complete');
    expect(json<Ticket>(done).status).toBe('completed');
    const events = await ctx.db
      .selectFrom('queue_events')
      .select(['action', 'from_status', 'to_status', 'at'])
      .where('ticket_id', '=', t.id)
      .orderBy('at')
      .execute();
    expect(events).toEqual([
      { action: 'issue', from_status: null, to_status: 'waiting', at: FRIDAY_1000_WIB },
      { action: 'call', from_status: 'waiting', to_status: 'called', at: FRIDAY_1000_WIB },
      { action: 'start', from_status: 'called', to_status: 'serving', at: '2026-11-20T03:02:00.000Z' },
      { action: 'complete', from_status: 'serving', to_status: 'completed', at: '2026-11-20T03:07:00.000Z' },
    ]);
    const before = await state();
    for (const action of ['start', 'complete', 'recall', 'skip', 'no_show']) {
      const again = await act(desk, t.id, action);
      expect(again.statusCode, action).toBe(409);
      expect(json<Problem>(again).code).toBe('invalid_state');
    }
    // A waiting ticket cannot be started before it is called.
    const waiting = await byNumber('A-020');
    expect((await act(desk, waiting.id, 'start')).statusCode).toBe(409);
    expect(await state()).toEqual(before);
  });

  it('skips, recalls and marks no-show a called ticket', async () => {
    const t = await byNumber('A-002');
    expect(json<Ticket>(await act(desk, t.id, 'skip')).status).toBe('skipped');
    expect((await act(desk, t.id, 'start')).statusCode).toBe(409);
    ctx.clock.advanceMinutes(1);
    const recalled = json<Ticket>(await act(desk, t.id, 'recall'));
    expect(recalled).toMatchObject({ status: 'called', calledAt: '2026-11-20T03:08:00.000Z' });
    expect(json<Ticket>(await act(desk, t.id, 'no_show')).status).toBe('no_show');
    const actions = await ctx.db.selectFrom('queue_events').select('action').where('ticket_id', '=', t.id).orderBy('at').orderBy('action').execute();
    expect(actions.map((a) => a.action)).toEqual(['call', 'issue', 'skip', 'no_show', 'recall']);
  });

  it('says clearly when nobody is waiting', async () => {
    const res = await callNext(desk, { service: 'PENGAMBILAN', counter: 'Loket 1' });
    expect(res.statusCode).toBe(409);
    const p = json<Problem>(res);
    expect(p).toMatchObject({ code: 'queue_empty', title: ERROR_MESSAGES.queue_empty.id.title, detail: ERROR_MESSAGES.queue_empty.id.detail });
  });

  it('refuses bad input with a clear 4xx and changes nothing', async () => {
    const before = await state();
    const unknown = await issue({ service: 'PIJAT' });
    expect(unknown.statusCode).toBe(422);
    expect(json<Problem>(unknown)).toMatchObject({ code: 'queue_service_unknown', title: ERROR_MESSAGES.queue_service_unknown.id.title });
    expect(json<Problem>(unknown).errors).toEqual([expect.objectContaining({ field: 'service', code: 'invalid_option' })]);
    expect((await issue({})).statusCode).toBe(400);
    expect((await issue({ service: 'KONSULTASI', extra: 1 })).statusCode).toBe(400);
    expect((await issue({ service: 'KONSULTASI', appointmentNumber: 'MLG-APT-20261120-9999' })).statusCode).toBe(400);
    expect((await callNext(desk, { service: 'PIJAT', counter: 'Loket 1' })).statusCode).toBe(422);
    expect((await callNext(desk, { service: 'KONSULTASI' })).statusCode).toBe(400);
    expect((await act(desk, (await byNumber('A-030')).id, 'transfer')).statusCode).toBe(400);
    expect((await getTicket('not-a-ticket')).statusCode).toBe(400);
    expect((await getTicket('6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54')).statusCode).toBe(404);
    // Outside opening hours (Friday after 11:00), at the weekend and on a holiday: closed.
    for (const at of ['2026-11-20T04:00:00.000Z', '2026-11-21T02:00:00.000Z', '2026-12-25T02:00:00.000Z', '2026-11-23T00:59:00.000Z']) {
      ctx.clock.set(at);
      const closed = await issue({ service: 'KONSULTASI' }, { 'accept-language': 'en' });
      expect(closed.statusCode, at).toBe(422);
      expect(json<Problem>(closed)).toMatchObject({ code: 'queue_closed', title: 'Queue closed' });
    }
    // Counters and visitors without the right role: nothing called.
    const applicant = await userWithToken(ctx, 'applicant');
    const verifier = await userWithToken(ctx, 'verifier');
    expect((await callNext(applicant.token, { service: 'KONSULTASI', counter: 'Loket 1' })).statusCode).toBe(403);
    expect((await callNext(verifier.token, { service: 'KONSULTASI', counter: 'Loket 1' })).statusCode).toBe(403);
    expect((await act(verifier.token, (await byNumber('A-030')).id, 'skip')).statusCode).toBe(403);
    expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/queue/call-next', payload: { service: 'KONSULTASI', counter: 'Loket 1' } })).statusCode).toBe(
      401,
    );
    expect(await state()).toEqual(before);
  });

  it('starts numbering again on the next office-local day; a booking number alone gives no ticket, the pass does', async () => {
    ctx.clock.set(MONDAY_0830_WIB);
    const res = await issue({ service: 'KONSULTASI' });
    expect(res.statusCode, res.body).toBe(201);
    expect(json<Ticket>(res)).toMatchObject({ number: 'A-001', day: '2026-11-23', position: 0 });
    // Friday's waiting tickets are not called on Monday.
    const monday = (await userWithToken(ctx, 'front_desk')).token;
    expect(json<Ticket>(await callNext(monday, { service: 'KONSULTASI', counter: 'Loket 1' }))).toMatchObject({ number: 'A-001', day: '2026-11-23' });
    // Jayapura (UTC+9): 23:30 UTC on Sunday is Monday 08:30 there, open, and its own first ticket.
    ctx.clock.set('2026-11-22T23:30:00.000Z');
    const east = await issue({ service: 'KONSULTASI' }, { host: 'jayapura.izol.test' });
    expect(east.statusCode, east.body).toBe(201);
    expect(json<Ticket>(east)).toMatchObject({ number: 'A-001', day: '2026-11-23' });
    expect((await issue({ service: 'KONSULTASI' })).statusCode).toBe(422);
    // A booking's number alone (someone else's, from a photo of a pass) gives no ticket at all, let alone a booked one.
    ctx.clock.set(MONDAY_0830_WIB);
    const booked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/appointments',
      // Booked by the front desk for a caller (no WhatsApp code needed).
      headers: auth(monday),
      payload: { service: 'PENGAJUAN', start: '2026-11-23T02:00:00.000Z', name: 'Siti Rahayu', whatsapp: '0812 3456 7890' },
    });
    expect(booked.statusCode, booked.body).toBe(201);
    const booking = json<{ number: string; code: string }>(booked);
    const before = await state();
    const contactsBefore = await ctx.db.selectFrom('contacts').select('id').where('kind', '=', 'queue_ticket').execute();
    for (const headers of [{}, auth(monday)]) {
      const withNumber = await issue({ service: 'PENGAJUAN', appointmentNumber: booking.number }, headers);
      expect(withNumber.statusCode, withNumber.body).toBe(400);
      expect(json<Problem>(withNumber).errors).toEqual([expect.objectContaining({ field: 'appointmentNumber', code: 'unknown_field' })]);
    }
    expect(await state()).toEqual(before);
    expect(await ctx.db.selectFrom('contacts').select('id').where('kind', '=', 'queue_ticket').execute()).toHaveLength(contactsBefore.length);
    expect((await ctx.db.selectFrom('appointments').select('status').where('number', '=', booking.number).executeTakeFirstOrThrow()).status).toBe('booked');
    // With the pass (number and code) the visitor checks in and gets the booked ticket.
    const withPass = await ctx.services.queue.checkIn({ tenant: ctx.tenant, number: booking.number, code: booking.code, lang: 'id' });
    expect(withPass).toMatchObject({ number: 'B-001', appointmentNumber: booking.number, slotStart: '2026-11-23T02:00:00.000Z' });
  });

  it('gives anonymous tickets only to an enrolled kiosk of the office; the front desk always', async () => {
    ctx.clock.set(FRIDAY_1000_WIB);
    const before = await state();
    const send = (headers: Record<string, string>) =>
      ctx.app.inject({ method: 'POST', url: '/api/v1/queue/tickets', headers: { 'accept-language': 'en', ...headers }, payload: { service: 'KONSULTASI' } });
    const refused = async (headers: Record<string, string>) => {
      const res = await send(headers);
      expect(res.statusCode, res.body).toBe(403);
      expect(json<Problem>(res)).toMatchObject({ code: 'queue_kiosk_required', title: 'This device is not a queue kiosk' });
    };
    // Any device on the internet, a made-up token, another office's kiosk: no ticket.
    await refused({});
    await refused({ 'x-kiosk-token': 'made-up-token' });
    await refused({ 'x-kiosk-token': kiosks.get('batu.izol.test')! });
    // A kiosk the admin removed issues nothing any more.
    const admin = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin',
      email: `kiosk.${dialect}@izol.id`,
      password: 'admin kiosk password 2026',
    });
    const actor = { userId: admin.userId, tenantId: ctx.tenant.id, role: 'admin' as const, name: 'Admin' };
    const old = await ctx.services.queue.enrolKiosk({ actor, tenant: ctx.tenant, name: 'Kios lama' });
    await ctx.services.queue.removeKiosk({ actor, tenant: ctx.tenant, id: old.id });
    await refused({ 'x-kiosk-token': old.token });
    expect(await state()).toEqual(before);
    // Only the token's hash is stored.
    const stored = await ctx.db.selectFrom('queue_kiosks').select('token_hash').where('id', '=', old.id).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toContain(old.token);
    // The office's kiosk, and the front desk without one: tickets.
    expect((await send({ 'x-kiosk-token': kiosks.get(undefined)! })).statusCode).toBe(201);
    expect((await send(auth(desk))).statusCode).toBe(201);
    // Enrolling and removing kiosks is the admin's.
    const deskActor = { userId: (await userWithToken(ctx, 'front_desk')).userId, tenantId: ctx.tenant.id, role: 'front_desk' as const, name: 'Desk' };
    await expect(ctx.services.queue.enrolKiosk({ actor: deskActor, tenant: ctx.tenant, name: 'Kios' })).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('knows nothing of another office’s tickets', async () => {
    const mine = await byNumber('A-030');
    expect((await getTicket(mine.id, 'batu.izol.test')).statusCode).toBe(404);
    const batuDesk = await userWithToken(ctx, 'front_desk', { host: 'batu.izol.test', tenantId: batuId });
    const before = await state();
    const there = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/queue/tickets/${mine.id}/events`,
      headers: { ...auth(batuDesk.token), host: 'batu.izol.test' },
      payload: { action: 'skip' },
    });
    expect(there.statusCode).toBe(404);
    const called = await callNext(batuDesk.token, { service: 'KONSULTASI', counter: 'Loket 1' }, { host: 'batu.izol.test' });
    expect(json<Problem>(called).code).toBe('queue_empty');
    // Kota Malang's own desk token is refused at Kota Batu's address.
    const malangDesk = (await userWithToken(ctx, 'front_desk')).token;
    expect([401, 403]).toContain((await callNext(malangDesk, { service: 'KONSULTASI', counter: 'Loket 1' }, { host: 'batu.izol.test' })).statusCode);
    expect(await state()).toEqual(before);
  });
});
