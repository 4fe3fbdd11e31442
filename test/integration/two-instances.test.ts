/**
 * Issue 15, item 3: several instances on one PostgreSQL. Two real `src/server.ts` processes share one
 * fresh database, one file store, one SMTP server and one Redis (RATE_LIMIT_REDIS_URL, a key prefix of
 * their own), behind no proxy but trusting one hop (TRUST_PROXY_HOPS=1), so each simulated client has its
 * own X-Forwarded-For address, as a load balancer would send it. Everything a citizen, the bank or the
 * office does is driven through both at once:
 * - submissions get numbers without a duplicate or a gap;
 * - a slot with N free places takes exactly N of more than N bookings;
 * - the bank's payment notification delivered to both instances at once is recorded once, and both
 *   answer it as the bank expects (SNAP success, the retry being idempotent);
 * - every outbox message is delivered once to the SMTP server;
 * - a holiday, an office setting and a catalogue change made through instance A are seen by instance B
 *   within a few seconds (bounded polls; the cache generations, src/cache/cache-generations.ts);
 * - a rate limit counts the requests of one address across both instances.
 *
 * PostgreSQL only, unlike the other suites: SQLite is one file with one writer on one machine, a
 * deployment for a single instance (ARCHITECTURE, the SQLite decision); two processes writing one SQLite
 * file is not a configuration Izol supports, so there is nothing to prove there.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { createApp } from '../../src/app.js';
import { totpAt } from '../../src/auth/totp.js';
import { ensureOffice, KOTA_MALANG } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createSnapClient, type SnapClient } from '../../src/payments/snap-client.js';
import { createServices } from '../../src/services.js';
import { encryptField } from '../../src/shared/crypto.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { enrollSecondFactor, TestClock, type TestContext, userWithToken } from '../helpers/context.js';
import { createTestDatabase } from '../helpers/databases.js';
import { type FakeSmtp, startFakeSmtp } from '../helpers/fake-gateways.js';
import { OneConnectionBrowser } from '../helpers/http-browser.js';
import { act, readyDraft } from '../helpers/journeys.js';
import { usePaymentSettings } from '../helpers/payments.js';
import { carryToIssued } from '../helpers/permits.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { type ServerProcess, startServer, stopServer } from '../helpers/server-process.js';

const CODE = 'NIB'; // one required document: cheap drafts
const DRAFTS = 40;
const APPLICANTS = 4;
const NUMBER_PATTERN = new RegExp(`^MLG-${CODE}-\\d{4}-(\\d{6})$`);
const CLIENT_ID = 'BANKJATIM-IZOL-01';
const CLIENT_SECRET = 'a-long-shared-secret-for-hmac-sha512-0123456789';
const PARTNER_SERVICE_ID = '88899';
const FEE = 1_250_000;
/** How long a change on one instance may take to show on the other: the generations are polled every second. */
const SEEN_WITHIN_MS = 5_000;

/** A clock that runs: the setup's services stamp rows the real servers read with the real time. */
class LiveClock extends TestClock {
  override now(): Date {
    return new Date();
  }
}

type Server = ServerProcess;

let addresses = 0;
/** A client address of its own (the X-Forwarded-For a load balancer adds), so no two clients share a rate limit. */
const nextAddress = () => `10.77.${Math.floor(++addresses / 250) % 250}.${(addresses % 250) + 1}`;

async function call(
  base: string,
  method: string,
  url: string,
  opts: { token?: string; body?: unknown; address?: string } = {},
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      'x-forwarded-for': opts.address ?? nextAddress(),
      ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
      ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
  });
  const text = await res.text();
  let json: Record<string, unknown>;
  try {
    json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    json = { text };
  }
  return { status: res.status, json };
}

/** Polls `check` until it holds or `ms` pass; returns how long it took, or null if it never held. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started <= ms) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}

const form = (fields: Record<string, string>) => Buffer.from(new URLSearchParams(fields).toString());

/** An officer signed in to the back-office pages of one instance over HTTP: password, then the second factor. */
async function officePages(
  server: Server,
  email: string,
  password: string,
  secret: string,
): Promise<OneConnectionBrowser & { post(url: string, fields: Record<string, string>): Promise<number> }> {
  const browser = new OneConnectionBrowser(Number(new URL(server.base).port));
  const address = nextAddress();
  const headers = { 'content-type': 'application/x-www-form-urlencoded', origin: server.base, 'x-forwarded-for': address };
  const post = async (url: string, fields: Record<string, string>) =>
    (await browser.send('POST', url, { headers, body: form({ _csrf: browser.csrf, ...fields }) })).status;
  // The sign-in page (a form) sets the anti-forgery cookie; a page without a form sets none.
  await browser.send('GET', '/akun/masuk', { headers: { 'x-forwarded-for': address } });
  expect(await post('/akun/masuk', { login: email, password })).toBe(303);
  expect(await post('/kantor/kode', { code: totpAt(secret, new Date()) })).toBe(303);
  return Object.assign(browser, { post });
}

/** Slot starts with their free places, per office date (WIB, UTC+7), as a citizen's slot list shows them. */
async function slotsByDay(base: string): Promise<Map<string, { start: string; free: number }[]>> {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const res = await call(base, 'GET', `/api/v1/appointments/slots?service=PENGAJUAN&from=${today}&days=14`);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  const days = new Map<string, { start: string; free: number }[]>();
  for (const s of res.json.slots as { start: string; free: number }[]) {
    const day = new Date(Date.parse(s.start) + 7 * 3600_000).toISOString().slice(0, 10);
    days.set(day, [...(days.get(day) ?? []), s]);
  }
  return days;
}

describe('two instances on one PostgreSQL database (postgres)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let ctx: TestContext;
  let smtp: FakeSmtp;
  let a: Server | undefined;
  let b: Server | undefined;
  const drafts: { id: string; token: string }[] = [];
  let desk: string;
  let admin: { email: string; password: string; secret: string };
  let bill: { id: string; customer_no: string; amount: number; applicationId: string };
  let bankKey: ReturnType<typeof generateKeyPairSync>['privateKey'];
  let s3: TestS3 | undefined;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    smtp = await startFakeSmtp();
    /** The one file store both instances (and this setup) write: one S3-compatible bucket (test/helpers/s3.ts). */
    s3 = await startS3();
    const sharedStorageEnv: Record<string, string> = s3.env;
    const common = { DATABASE_URL: database.url, ...sharedStorageEnv, ...smtp.env };
    const instanceEnv = {
      ...common,
      RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379',
      RATE_LIMIT_REDIS_PREFIX: `izol-test-${randomBytes(6).toString('hex')}:`,
      TRUST_PROXY_HOPS: '1',
    };

    // The office, its accounts, drafts and a bill, prepared by a third instance of the services (in this process).
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SHED_EVENT_LOOP_DELAY_MS: '0', SHED_MAX_IN_FLIGHT: '0', ...common });
    const db = createDatabase(config.database);
    await migrateToLatest(db);
    const clock = new LiveClock();
    const services = createServices({ config, db, clock });
    const tenant = await ensureOffice(services, KOTA_MALANG);
    const app = await createApp(services);
    await app.ready();
    ctx = {
      dialect: 'postgres',
      databaseUrl: database.url,
      storageDir: path.join(database.dir, 'files'),
      db,
      services,
      app,
      clock,
      tenant,
      close: async () => {
        await app.close();
        await db.destroy();
      },
    };

    const applicants = await Promise.all(Array.from({ length: APPLICANTS }, () => userWithToken(ctx, 'applicant')));
    for (let i = 0; i < DRAFTS; i += APPLICANTS) {
      await Promise.all(applicants.map(async (ap) => drafts.push({ id: await readyDraft(ctx, ap.token, CODE), token: ap.token })));
    }
    desk = (await userWithToken(ctx, 'front_desk')).token;

    const adminPassword = 'admin kata sandi yang panjang 2026';
    const adminEmail = 'admin.two@kantor.izol.test';
    const { userId } = await services.auth.createUser({ tenantId: tenant.id, role: 'admin', name: 'Admin Uji', email: adminEmail, password: adminPassword });
    admin = { email: adminEmail, password: adminPassword, secret: await enrollSecondFactor(ctx, userId) };

    // A PBG file with its bill open, and the office's SNAP settings with a bank key of this test.
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    bankKey = pair.privateKey;
    await usePaymentSettings(ctx, {
      adapter: 'snap',
      partner_service_id: PARTNER_SERVICE_ID,
      snap_client_id: CLIENT_ID,
      snap_client_secret: encryptField(config.dataEncryptionKey, CLIENT_SECRET),
      snap_bank_public_key: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    const owner = await userWithToken(ctx, 'applicant');
    const staff: Partial<Record<Role, Actor>> = {};
    let treasurer = '';
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const s = await userWithToken(ctx, role);
      staff[role] = { userId: s.userId, tenantId: tenant.id, role, name: `Uji ${role}` };
      if (role === 'treasurer') treasurer = s.token;
    }
    const fileId = await readyDraft(ctx, owner.token, 'PBG');
    expect((await act(ctx, owner.token, fileId, 'submit')).statusCode).toBe(200);
    await carryToIssued(ctx, fileId, staff, { stopBefore: 'assess_fee' });
    const assessed = await act(ctx, treasurer, fileId, 'assess_fee', { feeAmount: FEE, feeReason: 'Uji: dua instans' });
    expect(assessed.statusCode, assessed.body).toBe(200);
    const row = await db.selectFrom('bills').selectAll().where('application_id', '=', fileId).where('state', '=', 'open').executeTakeFirstOrThrow();
    bill = { id: row.id, customer_no: row.customer_no, amount: Number(row.amount), applicationId: fileId };

    [a, b] = await Promise.all([startServer(instanceEnv), startServer(instanceEnv)]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([stopServer(a, 'SIGTERM'), stopServer(b, 'SIGTERM')]);
    await ctx?.close();
    await smtp?.close();
    await database?.drop();
    await s3?.stop();
  });

  it('serves a file kept through one instance from the other, out of the shared bucket', async () => {
    const draft = drafts[0]!;
    const view = await call(b!.base, 'GET', `/api/v1/applications/${draft.id}`, { token: draft.token });
    expect(view.status).toBe(200);
    const documentId = (view.json.requirements as { document: { id: string } | null }[]).find((r) => r.document)!.document!.id;
    const bytes = await Promise.all(
      [a!, b!].map(async (server) => {
        const res = await fetch(`${server.base}/api/v1/applications/${draft.id}/documents/${documentId}`, {
          headers: { authorization: `Bearer ${draft.token}`, 'x-forwarded-for': nextAddress() },
        });
        expect(res.status).toBe(200);
        return Buffer.from(await res.arrayBuffer());
      }),
    );
    expect(bytes[0]!.length).toBeGreaterThan(0);
    expect(bytes[0]!.equals(bytes[1]!)).toBe(true);
    // Nothing went to a local folder: the bucket is the only store.
    expect(fs.existsSync(path.join(database.dir, 'files'))).toBe(false);
  });

  it(
    'numbers, books, records a payment and sends each message once across both instances (REL-2, REL-3, REL-4, v5.0.0-2.3.4)',
    { timeout: 60_000 },
    async () => {
      const [A, B] = [a!, b!];
      const instances = [A, B];

      // A slot with room on the next working day but one (clear of today's booking cut-off), from instance B's list.
      const days = await slotsByDay(B.base);
      const firstDay = [...days.keys()][1];
      const slot = days.get(firstDay!)!.find((s) => s.free > 0)!;
      const places = slot.free;
      const bookings = places * 2 + 3;

      const bank = (server: Server): SnapClient =>
        createSnapClient({
          baseUrl: server.base,
          clientId: CLIENT_ID,
          clientSecret: CLIENT_SECRET,
          privateKey: bankKey,
          partnerId: CLIENT_ID,
          channelId: '95221',
        });
      const banks = [bank(A), bank(B)];
      const inquiry = await banks[0]!.inquiry({ partnerServiceId: PARTNER_SERVICE_ID, customerNo: bill.customer_no, inquiryRequestId: 'INQ-TWO-1' });
      expect(inquiry.body.responseCode).toBe('2002400');
      const payment = { partnerServiceId: PARTNER_SERVICE_ID, customerNo: bill.customer_no, paymentRequestId: 'INQ-TWO-1', paidAmount: bill.amount };

      // Everything at once, every kind of request split across A and B.
      const [submitted, booked, paid] = await Promise.all([
        Promise.all(drafts.map((d, i) => call(instances[i % 2]!.base, 'POST', `/api/v1/applications/${d.id}/submit`, { token: d.token }))),
        Promise.all(
          Array.from({ length: bookings }, (_, i) =>
            call(instances[i % 2]!.base, 'POST', '/api/v1/appointments', {
              token: desk,
              body: { service: 'PENGAJUAN', start: slot.start, name: 'Rina Wulandari', whatsapp: `0813 5555 ${1000 + i}` },
            }),
          ),
        ),
        // The bank delivers the same payment to both instances, twice each (a retry after a timeout).
        Promise.all([...banks, ...banks].map((x) => x.payment(payment))),
      ]);

      // Submissions: every one filed, numbers 1..n with no duplicate and no gap.
      expect(submitted.map((s) => s.status)).toEqual(drafts.map(() => 200));
      const suffixes = submitted.map((s) => Number(NUMBER_PATTERN.exec(String(s.json.number))?.[1])).sort((x, y) => x - y);
      expect(suffixes).toEqual(drafts.map((_, i) => i + 1));

      // Bookings: exactly the free places were taken, the others were told the slot is full.
      expect(booked.filter((r) => r.status === 201)).toHaveLength(places);
      expect(booked.filter((r) => r.status !== 201).map((r) => [r.status, r.json.code])).toEqual(
        Array.from({ length: bookings - places }, () => [409, 'slot_full']),
      );
      const after = (await slotsByDay(A.base)).get(firstDay!)!.find((s) => s.start === slot.start);
      expect(after?.free ?? 0).toBe(0);
      const counter = await ctx.db.selectFrom('appointment_slots').select('booked').where('starts_at', '=', slot.start).executeTakeFirstOrThrow();
      expect(Number(counter.booked)).toBe(places);

      // The payment: every delivery answered as a success (the bank stops retrying), one payment recorded, the bill paid.
      expect(paid.map((p) => [p.status, p.body.responseCode])).toEqual(paid.map(() => [200, '2002500']));
      const payments = await ctx.db.selectFrom('payments').select(['state']).where('bill_id', '=', bill.id).execute();
      expect(payments).toHaveLength(1);
      expect((await ctx.db.selectFrom('bills').select('state').where('id', '=', bill.id).executeTakeFirstOrThrow()).state).toBe('paid');

      // Outbox: every message of the run handled once, every e-mail delivered once to the SMTP server.
      const settled = await within(20_000, async () => {
        const open = await ctx.db.selectFrom('outbox').select('id').where('done_at', 'is', null).execute();
        const pending = await ctx.db.selectFrom('notifications').select('id').where('channel', '=', 'email').where('status', '=', 'pending').execute();
        return open.length === 0 && pending.length === 0;
      });
      expect(settled, 'the outbox and the deliveries drained').not.toBeNull();
      const emails = await ctx.db.selectFrom('notifications').select(['outbox_id', 'status', 'provider_message_id']).where('channel', '=', 'email').execute();
      const sent = emails.filter((e) => e.status === 'sent');
      // At least one receipt of filing per submission went out by e-mail (the applicants have only an address).
      expect(sent.length).toBeGreaterThanOrEqual(DRAFTS);
      expect(new Set(emails.map((e) => e.outbox_id)).size).toBe(emails.length);
      for (const e of sent) expect(smtp.mails.filter((m) => m.messageId === e.provider_message_id)).toHaveLength(1);
      expect(smtp.mails).toHaveLength(sent.length);
      expect(new Set(smtp.mails.map((m) => m.messageId)).size).toBe(smtp.mails.length);
    },
  );

  it('shows a holiday, an office setting and a catalogue change made on A on B within seconds', { timeout: 60_000 }, async () => {
    const [A, B] = [a!, b!];
    const pages = await officePages(A, admin.email, admin.password, admin.secret);
    try {
      // Holiday: B has the office's calendar in its cache (it has just listed the slots); A adds a closed day.
      const days = await slotsByDay(B.base);
      const lastDay = [...days.keys()].at(-1)!;
      expect(days.get(lastDay)!.length).toBeGreaterThan(0);
      expect(
        await pages.post('/kantor/admin/libur/simpan', { date: lastDay, kind: 'local', name: 'Libur uji dua instans', decree: 'SK Wali Kota 1/2026' }),
      ).toBe(303);
      expect((await slotsByDay(A.base)).has(lastDay)).toBe(false);
      const holidaySeen = await within(SEEN_WITHIN_MS, async () => !(await slotsByDay(B.base)).has(lastDay));
      expect(holidaySeen, `B still offered slots on the holiday ${lastDay} after ${SEEN_WITHIN_MS} ms`).not.toBeNull();

      // Office setting: B shows the office's name on its pages (cached); A renames the office.
      const home = async (s: Server) => (await fetch(`${s.base}/`, { headers: { 'x-forwarded-for': nextAddress() } })).text();
      expect(await home(B)).toContain(KOTA_MALANG.name);
      const renamed = 'DPMPTSP Kota Malang (uji dua instans)';
      const status = await pages.post('/kantor/admin/pengaturan', {
        name: renamed,
        timeZone: 'Asia/Jakarta',
        hostnames: KOTA_MALANG.hostnames.join('\n'),
        logoText: '',
        address: '',
        phone: '',
        email: '',
        whatsapp: '',
        instagram: '',
        facebook: '',
        hours: '',
        channelOrder: '',
      });
      expect(status).toBe(303);
      const renameSeen = await within(SEEN_WITHIN_MS, async () => (await home(B)).includes(renamed));
      expect(renameSeen, `B still showed the old office name after ${SEEN_WITHIN_MS} ms`).not.toBeNull();

      // Catalogue: A switches a permit type off; B stops offering it (the lists are read from the database).
      const offered = async (s: Server) =>
        ((await call(s.base, 'GET', '/api/v1/permit-types')).json.items as { code: string }[] | undefined)?.map((t) => t.code) ?? [];
      expect(await offered(B)).toContain('REKLAME');
      expect(await pages.post('/kantor/admin/izin/REKLAME/status', { enabled: '0' })).toBe(303);
      const catalogueSeen = await within(SEEN_WITHIN_MS, async () => !(await offered(B)).includes('REKLAME'));
      expect(catalogueSeen, `B still offered REKLAME after ${SEEN_WITHIN_MS} ms`).not.toBeNull();
      console.log(`seen on B after: holiday ${holidaySeen} ms, office name ${renameSeen} ms, catalogue ${catalogueSeen} ms`);
    } finally {
      pages.close();
    }
  });

  it('counts a rate limit across both instances (v5.0.0-2.4.1)', async () => {
    const [A, B] = [a!, b!];
    // The open-data export allows 10 requests a minute per address: 10 split across A and B, then both refuse.
    const address = nextAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await call([A, B][i % 2]!.base, 'GET', '/api/v1/transparency/export.json?dataset=filed', { address })).status);
    expect(statuses).toEqual([...Array.from({ length: 10 }, () => 200), 429, 429]);
    // Another address is not affected.
    expect((await call(B.base, 'GET', '/api/v1/transparency/export.json?dataset=filed')).status).toBe(200);
  });
});
