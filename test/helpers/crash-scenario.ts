import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createApp } from '../../src/app.js';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice, KOTA_MALANG } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createSnapClient, type SnapClient } from '../../src/payments/snap-client.js';
import { createServices } from '../../src/services.js';
import { encryptField } from '../../src/shared/crypto.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { type TestContext, TestClock, userWithToken } from './context.js';
import type { FakeSmtp } from './fake-gateways.js';
import { act, readyDraft, validAnswers } from './journeys.js';
import { usePaymentSettings } from './payments.js';
import { carryToIssued } from './permits.js';
import { type ServerProcess, startServer, stopServer } from './server-process.js';

/**
 * The crash scenario beyond submissions (issue 15, item 4), shared by test/integration/crash-effects.test.ts
 * and `npm run crash-check`: the real server (a child process) takes concurrent submissions and SNAP
 * payment notifications signed as the bank signs them, while its outbox sends mail to a real local
 * SMTP server that holds one message (received, its "250 OK" not yet given); the server is SIGKILLed
 * then, restarted on the same database, the bank retries what it had no answer for, and the outbox
 * settles. What it finds is returned as checks, each with what it saw.
 */
const CODE = 'NIB'; // one required document: cheap drafts
const FEE = 1_250_000;
const CLIENT_ID = 'BANKJATIM-CRASH-01';
const CLIENT_SECRET = 'a-long-shared-secret-for-the-crash-scenario-0123456789';
const PARTNER_SERVICE_ID = '88899';
/** Longer than the delivery lease (DELIVERY_LEASE_MINUTES = 5): the dead worker's claim has run out. */
const AFTER_LEASE_MS = 6 * 60_000;

export type Check = { what: string; ok: boolean; saw: string };
export type CrashEffectsResult = {
  checks: Check[];
  counts: {
    submissionsAcknowledged: number;
    submissionsLost: number;
    paymentsAcknowledged: number;
    paymentsLost: number;
    mailsBeforeLeaseRanOut: number;
    /** Deliveries the killed worker had claimed (its batch, one of them at the SMTP server): sent once their lease ran out. */
    claimedAtKill: number;
    outboxClaimedAtKill: number;
    mails: number;
    messageIds: number;
    deliveredTwice: number;
  };
};

/** A test context (app, services, clock at the real now) on an existing database: the crash-check script's. */
export async function contextOnDatabase(databaseUrl: string, storageDir: string): Promise<TestContext> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    STORAGE_DIR: storageDir,
    LOG_LEVEL: 'silent',
    SHED_EVENT_LOOP_DELAY_MS: '0',
    SHED_MAX_IN_FLIGHT: '0',
  });
  const db = createDatabase(config.database);
  await migrateToLatest(db);
  const clock = new TestClock();
  clock.set(new Date().toISOString());
  const services = createServices({ config, db, clock });
  const tenant = await ensureOffice(services, KOTA_MALANG);
  const app = await createApp(services);
  await app.ready();
  return {
    dialect: config.database.kind === 'sqlite' ? 'sqlite' : 'postgres',
    databaseUrl,
    storageDir,
    db,
    services,
    app,
    clock,
    tenant,
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}

type Bill = { applicationId: string; billId: string; customerNo: string; amount: number };

/** Drafts ready to file (one document each) and PBG files at their open bill; the office takes SNAP from the test bank. */
async function prepare(ctx: TestContext, sizes: { drafts: number; bills: number }) {
  // The setup moves its clock a minute per upload (the upload limit); it starts far enough back to end
  // before the real now the server lives in, and within a bearer token's 2-hour idle time.
  const minutesAhead = Math.min(110, sizes.drafts + sizes.bills * 10 + 5);
  ctx.clock.set(new Date(Date.now() - minutesAhead * 60_000).toISOString());
  const applicants = [];
  // One account may upload 30 files a minute: 20 drafts each.
  for (let i = 0; i < Math.ceil(sizes.drafts / 20) + 1; i++) applicants.push(await userWithToken(ctx, 'applicant'));
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
    const { token, userId } = await userWithToken(ctx, role);
    staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
  }
  const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await usePaymentSettings(ctx, {
    adapter: 'snap',
    partner_service_id: PARTNER_SERVICE_ID,
    snap_client_id: CLIENT_ID,
    snap_client_secret: encryptField(ctx.services.config.dataEncryptionKey, CLIENT_SECRET),
    snap_bank_public_key: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    updated_at: new Date().toISOString(),
  });

  const answers = await validAnswers(ctx, CODE);
  const drafts: { id: string; token: string }[] = [];
  for (let i = 0; i < sizes.drafts; i++) {
    const token = applicants[i % (applicants.length - 1)]!.token;
    drafts.push({ id: await readyDraft(ctx, token, CODE, { answers }), token });
  }
  const bills: Bill[] = [];
  const payer = applicants[applicants.length - 1]!.token;
  const pbgAnswers = await validAnswers(ctx, 'PBG');
  for (let i = 0; i < sizes.bills; i++) {
    const id = await readyDraft(ctx, payer, 'PBG', { answers: pbgAnswers });
    const filed = await act(ctx, payer, id, 'submit');
    if (filed.statusCode !== 200) throw new Error(`PBG submit: ${filed.body}`);
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: FEE, feeReason: 'Uji: jumlah tetap untuk tes crash' });
    if (assessed.statusCode !== 200) throw new Error(`assess_fee: ${assessed.body}`);
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    bills.push({ applicationId: id, billId: bill.id, customerNo: bill.customer_no, amount: Number(bill.amount) });
  }
  if (ctx.clock.now().getTime() > Date.now()) throw new Error('the setup clock ran past the real time: fewer drafts or bills (CRASH_DRAFTS, CRASH_BILLS)');
  return { drafts, bills, bankKey: pair.privateKey };
}

function bankFor(base: string, key: KeyObject): SnapClient {
  return createSnapClient({ baseUrl: base, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, privateKey: key, partnerId: CLIENT_ID, channelId: '95221' });
}

const check = (checks: Check[], what: string, ok: boolean, saw: string) => checks.push({ what, ok, saw });

export async function runCrashEffects(options: {
  ctx: TestContext;
  smtp: FakeSmtp;
  /** The server's settings: DATABASE_URL, STORAGE_DIR (those of ctx). */
  env: Record<string, string>;
  drafts: number;
  bills: number;
  log?: (line: string) => void;
}): Promise<CrashEffectsResult> {
  const { ctx, smtp } = options;
  const log = options.log ?? (() => undefined);
  const checks: Check[] = [];
  log(`preparing ${options.drafts} drafts and ${options.bills} files with an open bill …`);
  const { drafts, bills, bankKey } = await prepare(ctx, options);
  // No load shedding: this counts writes, and a busy test machine's refusals would only leave fewer of
  // them (a refused request is unacknowledged, so it could not break a check, only thin the evidence).
  const env = { SHED_EVENT_LOOP_DELAY_MS: '0', SHED_MAX_IN_FLIGHT: '0', ...options.env, ...smtp.env };
  let first: ServerProcess | undefined;
  let second: ServerProcess | undefined;
  try {
    first = await startServer(env);
    const server = first;
    log(`server started (${server.base}); filing, paying and sending at once, then SIGKILL`);
    const bank = bankFor(server.base, bankKey);
    const token = await bank.accessToken();
    if (token.status !== 200) throw new Error(`SNAP access token: ${JSON.stringify(token.body)}\n${server.output().slice(-3000)}`);

    // The next mail the SMTP server receives is held: received, but no "250 OK" yet.
    const held = smtp.holdNext();
    let heldArrived = false;
    void held.arrived.then(() => (heldArrived = true));
    const submitted = new Map<string, string>();
    const paid = new Set<string>();
    let killed = false;
    const maybeKill = () => {
      if (!killed && heldArrived && submitted.size >= 5 && paid.size >= 2) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    };
    const watcher = setInterval(maybeKill, 10);
    const submissions = drafts.map(async (d) => {
      try {
        const res = await fetch(`${server.base}/api/v1/applications/${d.id}/submit`, { method: 'POST', headers: { authorization: `Bearer ${d.token}` } });
        const body = (await res.json()) as { number?: string };
        if (res.status === 200 && body.number) submitted.set(d.id, body.number);
        maybeKill();
      } catch {
        // connection lost: not acknowledged
      }
    });
    // The bank's notifications come one after another, as a bank's queue sends them.
    const payments = (async () => {
      for (const b of bills) {
        if (killed) return;
        try {
          const res = await bank.payment({
            partnerServiceId: PARTNER_SERVICE_ID,
            customerNo: b.customerNo,
            paymentRequestId: `PAY-${b.billId}`,
            paidAmount: b.amount,
          });
          if (res.status === 200 && res.body.responseCode === '2002500') paid.add(b.billId);
          maybeKill();
        } catch {
          return; // connection lost
        }
      }
    })();
    await Promise.all([...submissions, payments]);
    // Everything answered before the mail came: kill now, the held mail still unanswered.
    if (!killed) {
      await Promise.race([held.arrived, new Promise((r) => setTimeout(r, 15_000))]);
      killed = true;
      server.child.kill('SIGKILL');
    }
    clearInterval(watcher);
    await server.exited;
    // The SMTP server had the message; it now says 250 to a client that is gone.
    held.release();
    check(
      checks,
      'the server was SIGKILLed mid-way',
      server.child.signalCode === 'SIGKILL',
      `signal ${server.child.signalCode}, held mail received: ${heldArrived}`,
    );
    log(
      `killed: ${submitted.size}/${drafts.length} submissions and ${paid.size}/${bills.length} payments acknowledged; one mail held at the SMTP server: ${heldArrived}`,
    );

    second = await startServer(env);
    log(`restarted (${second.base}); the bank retries what it had no answer for`);
    const retryBank = bankFor(second.base, bankKey);
    const retried: string[] = [];
    for (const b of bills) {
      const res = await retryBank.payment({
        partnerServiceId: PARTNER_SERVICE_ID,
        customerNo: b.customerNo,
        paymentRequestId: `PAY-${b.billId}`,
        paidAmount: b.amount,
        flagAdvise: 'Y',
      });
      retried.push(`${res.status} ${res.body.responseCode}`);
    }
    const retriedOk = retried.every((r) => r === '200 2002500');
    check(
      checks,
      'every payment notification, retried after the restart, is a success',
      retriedOk,
      retried.join(', ') + (retriedOk ? '' : `\n${second.output().slice(-4000)}`),
    );

    // Submissions: every acknowledged one is there with its number; numbers without gaps or repeats.
    const rows = await ctx.db
      .selectFrom('applications')
      .select(['id', 'state', 'number'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('permit_code', '=', CODE)
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const missing = [...submitted].filter(([id, number]) => byId.get(id)?.number !== number || byId.get(id)?.state !== 'submitted');
    check(
      checks,
      'every acknowledged submission is filed with the number it was given',
      missing.length === 0,
      `${submitted.size} acknowledged, ${missing.length} missing or different`,
    );
    const numbered = rows.filter((r) => r.number !== null);
    const suffixes = numbered.map((r) => Number(/-(\d{6})$/.exec(r.number!)?.[1])).sort((a, b) => a - b);
    check(
      checks,
      'the filing numbers run 1…n without a gap or a repeat',
      suffixes.every((n, i) => n === i + 1),
      `${numbered.length} numbered: ${suffixes.slice(0, 5).join(', ')}${suffixes.length > 5 ? ' …' : ''}`,
    );
    const events = await ctx.db
      .selectFrom('application_events')
      .select('application_id')
      .where('tenant_id', '=', ctx.tenant.id)
      .where('action', '=', 'submit')
      .execute();
    const numberedIds = new Set(numbered.map((r) => r.id));
    const submitEvents = events.filter((e) => byId.has(e.application_id));
    check(
      checks,
      'each filing has exactly one timeline event',
      submitEvents.length === numbered.length && submitEvents.every((e) => numberedIds.has(e.application_id)),
      `${submitEvents.length} events for ${numbered.length} filings`,
    );

    // Payments: exactly one recorded payment per bill, for acknowledged and retried alike; the bill paid.
    const recorded = await ctx.db
      .selectFrom('payments')
      .select(['bill_id', 'provider_payment_id', 'state'])
      .where(
        'bill_id',
        'in',
        bills.map((b) => b.billId),
      )
      .execute();
    const perBill = bills.map((b) => recorded.filter((p) => p.bill_id === b.billId).length);
    check(
      checks,
      'every bill has exactly one payment (acknowledged ones included), none twice',
      perBill.every((n) => n === 1),
      `payments per bill: ${perBill.join(', ')}`,
    );
    const billStates = await ctx.db
      .selectFrom('bills')
      .select('state')
      .where(
        'id',
        'in',
        bills.map((b) => b.billId),
      )
      .execute();
    check(
      checks,
      'every bill is paid',
      billStates.every((b) => b.state === 'paid'),
      billStates.map((b) => b.state).join(', '),
    );

    // The outbox settles on the restarted server; a delivery the dead worker had claimed waits for its lease.
    const settleBy = Date.now() + 30_000;
    let pendingOutbox = -1;
    let unsettled = -1;
    for (;;) {
      const now = new Date().toISOString();
      pendingOutbox = Number(
        (
          await ctx.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('done_at', 'is', null)
            .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]))
            .executeTakeFirstOrThrow()
        ).n,
      );
      unsettled = Number(
        (
          await ctx.db
            .selectFrom('notifications')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('status', '=', 'pending')
            .where((w) => w.or([w('locked_until', 'is', null), w('locked_until', '<', now)]))
            .executeTakeFirstOrThrow()
        ).n,
      );
      if ((pendingOutbox === 0 && unsettled === 0) || Date.now() > settleBy) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    check(checks, 'the restarted server handled every outbox message the killed one had not claimed', pendingOutbox === 0, `${pendingOutbox} left`);
    const outboxClaimed = await ctx.db
      .selectFrom('outbox')
      .select(['id', 'topic', 'last_error', 'locked_until', 'attempts'])
      .where('done_at', 'is', null)
      .execute();
    const leasedByTheDead = await ctx.db
      .selectFrom('notifications')
      .select(['id', 'provider_message_id'])
      .where('status', '=', 'pending')
      .where('channel', '=', 'email')
      .execute();
    const mailsBefore = smtp.mails.length;
    log(
      `settled: ${smtp.mails.length} mails received; ${outboxClaimed.length} outbox messages and ${leasedByTheDead.length} deliveries still claimed by the killed server (5-minute leases)`,
    );

    // After the lease (5 minutes, on a clock moved on): a worker takes them over and sends them again.
    const later = createServices({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }),
      db: ctx.db,
      clock: { now: () => new Date(Date.now() + AFTER_LEASE_MS) },
    });
    await later.outbox.drain();
    await later.deliveries.drain();
    const outboxLeft = await ctx.db.selectFrom('outbox').select('id').where('done_at', 'is', null).execute();
    check(
      checks,
      'after the lease every outbox message is handled',
      outboxLeft.length === 0,
      `${outboxClaimed.length} were claimed at the kill, ${outboxLeft.length} left`,
    );

    const sent = await ctx.db
      .selectFrom('notifications')
      .select(['id', 'outbox_id', 'recipient', 'kind', 'status', 'provider_message_id'])
      .where('channel', '=', 'email')
      .execute();
    const notSent = sent.filter((n) => n.status !== 'sent');
    check(
      checks,
      'every email notification is sent in the end',
      notSent.length === 0,
      `${sent.length} notifications, ${notSent.length} not sent (${notSent.map((n) => n.status).join(', ')})`,
    );
    const perOutbox = new Map<string, number>();
    for (const n of sent) perOutbox.set(`${n.outbox_id}|${n.recipient}|${n.kind}`, (perOutbox.get(`${n.outbox_id}|${n.recipient}|${n.kind}`) ?? 0) + 1);
    check(
      checks,
      'no outbox message made two notifications for one recipient',
      [...perOutbox.values()].every((n) => n === 1),
      `${perOutbox.size} outbox messages`,
    );
    const copies = new Map<string, number>();
    for (const m of smtp.mails) copies.set(m.messageId, (copies.get(m.messageId) ?? 0) + 1);
    const twice = [...copies].filter(([, n]) => n > 1).map(([id]) => id);
    const expectedIds = new Set(sent.map((n) => n.provider_message_id));
    check(
      checks,
      'every sent notification reached the SMTP server under its own Message-ID',
      [...expectedIds].every((id) => id !== null && copies.has(id)) && copies.size === expectedIds.size,
      `${copies.size} Message-IDs received, ${expectedIds.size} notifications`,
    );
    const twiceAreInFlight = twice.every((id) => sent.some((n) => n.provider_message_id === id && leasedByTheDead.some((l) => l.id === n.id)));
    check(
      checks,
      'a message reached the SMTP server twice only when its send was in flight at the kill, and then with the same Message-ID',
      twiceAreInFlight && [...copies.values()].every((n) => n <= 2),
      `${twice.length} delivered twice (${twice.join(', ') || 'none'}); claimed by the killed worker: ${leasedByTheDead.length}`,
    );

    await stopServer(second, 'SIGTERM');
    check(checks, 'the restarted server stops cleanly', second.child.exitCode === 0, `exit ${second.child.exitCode}`);
    return {
      checks,
      counts: {
        submissionsAcknowledged: submitted.size,
        submissionsLost: drafts.length - submitted.size,
        paymentsAcknowledged: paid.size,
        paymentsLost: bills.length - paid.size,
        mailsBeforeLeaseRanOut: mailsBefore,
        claimedAtKill: leasedByTheDead.length,
        outboxClaimedAtKill: outboxClaimed.length,
        mails: smtp.mails.length,
        messageIds: copies.size,
        deliveredTwice: twice.length,
      },
    };
  } finally {
    await stopServer(first, 'SIGKILL');
    await stopServer(second, 'SIGKILL');
  }
}
