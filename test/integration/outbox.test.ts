import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { createAppointmentHandlers } from '../../src/appointments/appointments.handlers.js';
import { createHelpdeskHandlers } from '../../src/helpdesk/helpdesk.handlers.js';
import { createNotificationHandlers } from '../../src/notifications/notifications.handlers.js';
import { createWhatsAppHandlers } from '../../src/whatsapp/whatsapp.handlers.js';
import { claimDue, enqueue, pendingCount } from '../../src/outbox/outbox.repository.js';
import { createOutboxWorker, type OutboxHandler, type OutboxHandlers } from '../../src/outbox/outbox.worker.js';
import type { OutboxTopic } from '../../src/outbox/outbox.schemas.js';
import { isoNow } from '../../src/shared/time.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';

/**
 * SECURITY.md, Reliability: "Side effects run from a transactional outbox: exactly-once effect across
 * restarts and across instances." The outbox row is written in the business transaction; workers
 * claim rows with a lease and run each handler in the transaction that marks the row done.
 */

const CODE = 'NIB';
type AnyHandler = OutboxHandler<OutboxTopic>;

/** Wraps every handler so the test sees each committed-or-not invocation, by outbox id. */
function wrapHandlers(base: OutboxHandlers, around: (rowId: number, run: () => Promise<void>) => Promise<void>): OutboxHandlers {
  return Object.fromEntries(
    Object.entries(base).map(([topic, handler]) => [
      topic,
      ((trx, message, row) => around(row.id, () => (handler as AnyHandler)(trx, message, row))) satisfies AnyHandler,
    ]),
  ) as unknown as OutboxHandlers;
}

describe.each(DIALECTS)('transactional outbox (%s): REL-4', (dialect) => {
  let ctx: TestContext;
  let applicants: Actor[];
  let desk: Actor;
  let answers: Record<string, unknown>;
  let secondDb: Db | undefined;

  async function submittedApplication(actor: Actor, extra: { channel?: 'walk_in'; applicantName?: string } = {}): Promise<string> {
    const { application } = await ctx.services.applications.createApplication({ actor, permitTypeCode: CODE, answers, ...extra });
    await ctx.services.documents.uploadDocument({
      actor,
      applicationId: application.id,
      requirementCode: 'ktp',
      fileName: 'ktp.pdf',
      claimedType: 'application/pdf',
      source: Readable.from([DEMO_PDF]),
    });
    await ctx.services.applications.performAction({ actor, applicationId: application.id, action: 'submit' });
    return application.id;
  }

  // Built as services.ts builds them (a variable, so the call stays valid as the handlers' needs grow).
  const handlers = () => {
    const deps = {
      catalogue: ctx.services.catalogue,
      address: { baseUrl: ctx.services.config.baseUrl, defaultTenant: ctx.services.config.defaultTenant },
      dataKey: ctx.services.config.dataEncryptionKey,
      clock: ctx.services.clock,
    };
    // As services.ts merges them: the notifications feature's handlers and other features' (WhatsApp replies).
    const all: OutboxHandlers = {
      ...createNotificationHandlers(deps),
      ...createWhatsAppHandlers(deps),
      ...createAppointmentHandlers(deps),
      ...createHelpdeskHandlers(deps),
    };
    return all;
  };
  const outboxRowsFor = (applicationId: string) =>
    ctx.db.selectFrom('outbox').selectAll().where('payload', 'like', `%${applicationId}%`).orderBy('id').execute();
  const lastValue = async () =>
    Number(
      (
        await ctx.db
          .selectFrom('number_sequences')
          .select('last_value')
          .where('tenant_id', '=', ctx.tenant.id)
          .where('scope', '=', `${CODE}-2026`)
          .executeTakeFirst()
      )?.last_value ?? 0,
    );

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    answers = await validAnswers(ctx, CODE);
    applicants = [];
    for (let i = 0; i < 4; i++) {
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'applicant',
        name: `Warga ${i}`,
        email: `warga.${i}@outbox.izol.id`,
        password: `warga outbox ${i} rahasia`,
      });
      applicants.push({ userId, tenantId: ctx.tenant.id, role: 'applicant', name: `Warga ${i}` });
    }
    const deskUser = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'front_desk',
      name: 'Loket 1',
      email: 'loket@outbox.izol.id',
      password: 'loket outbox rahasia 2026',
    });
    desk = { userId: deskUser.userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Loket 1' };
  });
  afterAll(async () => {
    await secondDb?.destroy();
    await ctx?.close();
  });

  it('delivers each message exactly once when two instances drain at the same time', { timeout: 120_000 }, async () => {
    await ctx.services.outbox.drain(); // whatever set-up queued
    for (let i = 0; i < 60; i++) await submittedApplication(applicants[i % applicants.length]!);
    // Front-desk intake has no applicant account: its message is processed but notifies nobody.
    for (let i = 0; i < 6; i++) await submittedApplication(desk, { channel: 'walk_in', applicantName: `Pak Walk-in ${i}` });
    const queued = await ctx.db.selectFrom('outbox').selectAll().where('done_at', 'is', null).orderBy('id').execute();
    expect(queued.length).toBeGreaterThanOrEqual(66);

    // A second instance: on PostgreSQL its own connection pool. On SQLite the two workers share the one
    // connection (a second in-process connection would block the event loop on SQLite's file lock).
    secondDb =
      dialect === 'postgres' ? createDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'silent' }).database) : undefined;
    const runs = new Map<number, number>();
    if (secondDb) await sql`select 1`.execute(secondDb); // connected before the race starts
    const count = async (rowId: number, run: () => Promise<void>) => {
      runs.set(rowId, (runs.get(rowId) ?? 0) + 1);
      await run();
      // A delivery takes a moment (a gateway call): long enough for the other instance to claim meanwhile.
      await new Promise((resolve) => setTimeout(resolve, 3));
    };
    const one = createOutboxWorker({ db: ctx.db, clock: ctx.clock, handlers: wrapHandlers(handlers(), count), pollMs: 1000, batchSize: 5 });
    const two = createOutboxWorker({ db: secondDb ?? ctx.db, clock: ctx.clock, handlers: wrapHandlers(handlers(), count), pollMs: 1000, batchSize: 5 });
    // Each instance keeps polling until nothing is pending (drain() alone stops at the first empty
    // claim, which is what the instance that loses a race for the same rows gets).
    const poll = async (worker: typeof one) => {
      let n = 0;
      for (let i = 0; i < 10_000 && (await pendingCount(ctx.db)) > 0; i++) n += await worker.runOnce();
      return n;
    };
    const handled = await Promise.all([poll(one), poll(two)]);
    expect(await pendingCount(ctx.db)).toBe(0);
    expect(handled[0] + handled[1]).toBe(queued.length);
    expect(handled[0]).toBeGreaterThan(0);
    expect(handled[1]).toBeGreaterThan(0);

    // Each handler ran once: no message was claimed by both instances.
    expect([...runs.keys()].sort((x, y) => x - y)).toEqual(queued.map((q) => q.id));
    expect([...runs.values()].every((n) => n === 1)).toBe(true);

    const rows = await ctx.db
      .selectFrom('outbox')
      .selectAll()
      .where(
        'id',
        'in',
        queued.map((q) => q.id),
      )
      .execute();
    for (const r of rows) expect(r).toMatchObject({ attempts: 0, last_error: null, locked_by: null, locked_until: null });
    expect(rows.every((r) => r.done_at !== null)).toBe(true);

    // One notification per application message with a recipient, none for the walk-in files.
    const applicationRows = rows.filter((r) => r.topic.startsWith('notify.application_'));
    const withRecipient = applicationRows.filter((r) => (JSON.parse(r.payload) as { userId: string | null }).userId !== null);
    expect(withRecipient).toHaveLength(60);
    const notes = await ctx.db
      .selectFrom('notifications')
      .select(['outbox_id'])
      .where(
        'outbox_id',
        'in',
        applicationRows.map((r) => r.id),
      )
      .execute();
    expect(notes.map((n) => Number(n.outbox_id)).sort((x, y) => x - y)).toEqual(withRecipient.map((r) => Number(r.id)).sort((x, y) => x - y));
  });

  it('claims exactly the batch size, and two racing instances claim different rows', { timeout: 60_000 }, async () => {
    await ctx.services.outbox.drain();
    const now = isoNow(ctx.clock);
    await ctx.db.transaction().execute(async (trx) => {
      for (let i = 0; i < 12; i++)
        await enqueue(trx, { tenantId: ctx.tenant.id, message: { topic: 'notify.account_registered', userId: applicants[0]!.userId }, now });
    });
    const other =
      dialect === 'postgres' ? createDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: ctx.databaseUrl, LOG_LEVEL: 'silent' }).database) : ctx.db;
    const [a, b] = await Promise.all([
      claimDue(ctx.db, { workerId: 'a', now, limit: 5, leaseMinutes: 5 }),
      claimDue(other, { workerId: 'b', now, limit: 5, leaseMinutes: 5 }),
    ]);
    expect(a).toHaveLength(5);
    expect(b).toHaveLength(5);
    expect(new Set([...a, ...b].map((r) => r.id)).size).toBe(10);
    if (other !== ctx.db) await other.destroy();
    await ctx.db.updateTable('outbox').set({ locked_by: null, locked_until: null }).where('done_at', 'is', null).execute();
    await ctx.services.outbox.drain();
  });

  it('hands over the messages of an instance that died holding them, once its lease runs out', { timeout: 60_000 }, async () => {
    const ids = [await submittedApplication(applicants[0]!), await submittedApplication(applicants[1]!)];
    const rowIds = (await Promise.all(ids.map(outboxRowsFor))).flat().map((r) => r.id);
    // An instance claims them and is killed before handling them.
    const claimed = await claimDue(ctx.db, { workerId: 'instance-killed', now: isoNow(ctx.clock), limit: 100, leaseMinutes: 5 });
    expect(claimed.map((c) => c.id).sort((x, y) => x - y)).toEqual(rowIds.sort((x, y) => x - y));

    const survivor = createOutboxWorker({ db: ctx.db, clock: ctx.clock, handlers: handlers(), pollMs: 1000 });
    expect(await survivor.drain()).toBe(0); // still leased
    ctx.clock.advanceMinutes(6);
    expect(await survivor.drain()).toBe(rowIds.length);
    expect(await survivor.drain()).toBe(0);
    const notes = await ctx.db.selectFrom('notifications').select('outbox_id').where('outbox_id', 'in', rowIds).execute();
    expect(notes).toHaveLength(rowIds.length);
  });

  it('retries a failing handler later with growing back-off, and delivers once when it recovers', { timeout: 60_000 }, async () => {
    await ctx.services.outbox.drain();
    const id = await submittedApplication(applicants[2]!);
    const [queued] = await outboxRowsFor(id);
    expect(queued).toBeDefined();

    let failuresLeft = 2;
    let calls = 0;
    // The handler writes its notification, then the "gateway" fails: the write must roll back with it.
    const flaky = wrapHandlers(handlers(), async (_rowId, run) => {
      calls++;
      await run();
      if (failuresLeft > 0) {
        failuresLeft--;
        throw new Error('SMTP gateway unavailable');
      }
    });
    const worker = createOutboxWorker({ db: ctx.db, clock: ctx.clock, handlers: flaky, pollMs: 1000 });
    const row = async () => ctx.db.selectFrom('outbox').selectAll().where('id', '=', queued!.id).executeTakeFirstOrThrow();
    const delivered = async () => (await ctx.db.selectFrom('notifications').select('id').where('outbox_id', '=', queued!.id).execute()).length;

    const t0 = isoNow(ctx.clock);
    expect(await worker.runOnce()).toBe(1);
    const afterFirst = await row();
    expect(afterFirst).toMatchObject({ attempts: 1, last_error: 'SMTP gateway unavailable', done_at: null, locked_by: null, locked_until: null });
    expect(Date.parse(afterFirst.available_at) - Date.parse(t0)).toBe(60_000);
    expect(await delivered()).toBe(0);

    expect(await worker.runOnce()).toBe(0); // not due yet
    ctx.clock.advanceMinutes(1);
    expect(await worker.runOnce()).toBe(1);
    const afterSecond = await row();
    expect(afterSecond).toMatchObject({ attempts: 2, last_error: 'SMTP gateway unavailable', done_at: null });
    expect(Date.parse(afterSecond.available_at) - Date.parse(isoNow(ctx.clock))).toBe(2 * 60_000);
    expect(Date.parse(afterSecond.available_at)).toBeGreaterThan(Date.parse(afterFirst.available_at));
    expect(await delivered()).toBe(0);

    ctx.clock.advanceMinutes(1);
    expect(await worker.runOnce()).toBe(0); // the back-off doubled
    ctx.clock.advanceMinutes(1);
    expect(await worker.runOnce()).toBe(1);
    const done = await row();
    expect(done.done_at).not.toBeNull();
    expect(done.attempts).toBe(2);
    expect(await delivered()).toBe(1);

    ctx.clock.advanceMinutes(60);
    expect(await worker.drain()).toBe(0);
    expect(await delivered()).toBe(1);
    expect(calls).toBe(3);
  });

  it('writes no outbox row when the business transaction does not commit (v5.0.0-2.3.3)', { timeout: 60_000 }, async () => {
    const citizen = await userWithToken(ctx, 'applicant');
    const actor: Actor = { userId: citizen.userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'rollback' };
    const before = await lastValue();

    // A precondition failure: refused before anything is written.
    const { application: bare } = await ctx.services.applications.createApplication({ actor, permitTypeCode: CODE, answers });
    const early = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${bare.id}/submit`, headers: auth(citizen.token) });
    expect(early.statusCode).toBe(409);
    expect(await outboxRowsFor(bare.id)).toEqual([]);

    // A failure inside the transaction, after the state change, the number, the event and the audit row
    // were written: the database refuses the outbox insert, and everything must roll back together.
    const { application: draft } = await ctx.services.applications.createApplication({ actor, permitTypeCode: CODE, answers });
    await ctx.services.documents.uploadDocument({
      actor,
      applicationId: draft.id,
      requirementCode: 'ktp',
      fileName: 'ktp.pdf',
      claimedType: 'application/pdf',
      source: Readable.from([DEMO_PDF]),
    });
    const revision = (await ctx.db.selectFrom('applications').select('revision').where('id', '=', draft.id).executeTakeFirstOrThrow()).revision;
    const auditBefore = (await ctx.db.selectFrom('audit_events').select('id').execute()).length;
    if (dialect === 'postgres') {
      await sql
        .raw(
          `create function izol_test_fail() returns trigger language plpgsql as $$ begin if new.payload like '%${draft.id}%' then raise exception 'injected failure'; end if; return new; end $$`,
        )
        .execute(ctx.db);
      await sql.raw('create trigger izol_test_fail after insert on outbox for each row execute function izol_test_fail()').execute(ctx.db);
    } else {
      await sql
        .raw(`create trigger izol_test_fail after insert on outbox when new.payload like '%${draft.id}%' begin select raise(abort, 'injected failure'); end`)
        .execute(ctx.db);
    }
    try {
      await expect(ctx.services.applications.performAction({ actor, applicationId: draft.id, action: 'submit' })).rejects.toThrow(/injected failure/);
    } finally {
      await sql.raw('drop trigger izol_test_fail' + (dialect === 'postgres' ? ' on outbox' : '')).execute(ctx.db);
      if (dialect === 'postgres') await sql.raw('drop function izol_test_fail()').execute(ctx.db);
    }
    expect(await outboxRowsFor(draft.id)).toEqual([]);
    const after = await ctx.db.selectFrom('applications').selectAll().where('id', '=', draft.id).executeTakeFirstOrThrow();
    expect(after).toMatchObject({ state: 'draft', number: null, tracking_code: null, submitted_at: null, revision });
    const events = await ctx.db.selectFrom('application_events').select('action').where('application_id', '=', draft.id).execute();
    expect(events.map((e) => e.action)).toEqual(['create']);
    expect((await ctx.db.selectFrom('audit_events').select('id').execute()).length).toBe(auditBefore);
    expect(await lastValue()).toBe(before);

    // A transaction that enqueues and then fails leaves nothing either.
    await expect(
      ctx.db.transaction().execute(async (trx) => {
        await enqueue(trx, {
          tenantId: ctx.tenant.id,
          now: isoNow(ctx.clock),
          message: { topic: 'notify.application_submitted', applicationId: bare.id, userId: actor.userId },
        });
        throw new Error('business rule failed after enqueue');
      }),
    ).rejects.toThrow('business rule failed after enqueue');
    expect(await outboxRowsFor(bare.id)).toEqual([]);

    // Once the fault is gone the same submission goes through, with the next number and one message.
    const ok = await ctx.services.applications.performAction({ actor, applicationId: draft.id, action: 'submit' });
    expect(ok.number).toBe(`MLG-${CODE}-2026-${String(before + 1).padStart(6, '0')}`);
    expect(await outboxRowsFor(draft.id)).toHaveLength(1);
  });
});
