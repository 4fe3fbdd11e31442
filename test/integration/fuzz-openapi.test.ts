/**
 * Property-based fuzzing of every operation in the OpenAPI document, on SQLite and PostgreSQL
 * (ASVS v5.0.0-2.2.1/2.2.2: allow-list validation finds 0 unhandled inputs; v5.0.0-16.5.1/16.5.3:
 * generic errors, no stack trace, fail closed).
 *
 * For each operation the served document (/api/openapi.json) describes, fast-check draws requests from
 * its parameter and body schemas (test/helpers/openapi-arbitrary.ts: valid-shaped, boundary, hostile and
 * wrong-typed values, real ids from a seeded journey, malformed JSON, wrong content types, broken
 * multipart) and sends each through app.inject, as anonymous, as the role the operation is for, or as
 * some other role, from one of 250 addresses (so the per-address rate limits do not stop every case at
 * the door). Every answer must be below 500 with no stack trace, source path or "node_modules" in its
 * body; the process must not see an uncaught exception or unhandled rejection; and the app's log (a
 * pino stream read here, as createLogger writes it in production) must have no error-level entry and
 * no stack trace.
 *
 * Cases per operation: FUZZ_RUNS (default 1,000) on SQLite, FUZZ_RUNS_POSTGRES (default 150) on
 * PostgreSQL, where the same request costs several times as much on this 2-core machine; `npm run fuzz`
 * runs 10,000 per operation on both (docs/security.md). Seeds are fixed: FUZZ_SEED (default 20261202)
 * plus a hash of the operation id. A failure prints fast-check's seed and path; replay it with
 * `FUZZ_ONLY=<operationId> FUZZ_SEED=<seed> FUZZ_PATH=<path>` (with FUZZ_PATH, FUZZ_SEED is the printed seed
 * itself, not a base). FUZZ_ONLY takes a comma-separated list too. The database state the earlier
 * operations' cases left differs in a replay, so it is close, not exact.
 */
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger } from '../../src/app.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { upsertPaymentSettings } from '../../src/payments/payments.repository.js';
import { formatSnapTimestamp, signAccessTokenRequest, signSymmetric } from '../../src/payments/snap-signature.js';
import { encryptField } from '../../src/shared/crypto.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { ROLES } from '../../src/workflow/workflow.schema.js';
import { createTestContext, staffOtp, type TestContext } from '../helpers/context.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { issuedPermit, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';
import { operationsOf, requestArb, type FuzzRequest, type OpenApiDocument, type Operation, type RealValues } from '../helpers/openapi-arbitrary.js';

const positive = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}=${raw}: give a whole number of cases per operation`);
  return n;
};
const RUNS: Record<TestDialect, number> = {
  sqlite: positive('FUZZ_RUNS', 1000),
  postgres: positive('FUZZ_RUNS_POSTGRES', process.env.FUZZ_RUNS ? positive('FUZZ_RUNS', 1000) : 150),
};
const SEED = positive('FUZZ_SEED', 20261202);
const ONLY = process.env.FUZZ_ONLY;
const PATH = process.env.FUZZ_PATH;

/** The operations, read from the document the app serves (built once here, before the suites). */
const DOCUMENT: OpenApiDocument = await (async () => {
  const ctx = await createTestContext('sqlite');
  try {
    return (await ctx.app.inject({ url: '/api/openapi.json' })).json<OpenApiDocument>();
  } finally {
    await ctx.close();
  }
})();
const OPERATIONS = operationsOf(DOCUMENT).filter((op) => !ONLY || ONLY.split(',').includes(op.operationId));

/** `bank`: the office's bank over SNAP, its requests signed as the bank signs them (only the body and path are fuzzed). */
type Who = 'anonymous' | 'bank' | Role;
/** The role each operation is for (anyone's operations: anonymous); every case also goes out as anonymous or another role. */
const FOR: Record<string, Who> = {
  logout: 'applicant',
  getCurrentUser: 'applicant',
  createApplication: 'applicant',
  updateApplication: 'applicant',
  uploadDocument: 'applicant',
  downloadDocument: 'applicant',
  reviewDocument: 'verifier',
  recordInspection: 'technical',
  submitApplication: 'applicant',
  withdrawApplication: 'applicant',
  getApplication: 'applicant',
  listApplications: 'applicant',
  listWorkQueue: 'verifier',
  performApplicationAction: 'verifier',
  claimApplication: 'applicant',
  listApplicationNotes: 'verifier',
  addApplicationNote: 'verifier',
  getFeeAssessment: 'verifier',
  assignApplication: 'verifier',
  scheduleInspection: 'technical',
  uploadInspectionPhoto: 'technical',
  listPermits: 'applicant',
  listReceipts: 'applicant',
  getPermit: 'applicant',
  downloadPermitPdf: 'applicant',
  revokePermit: 'head',
  reissuePermit: 'head',
  renewPermit: 'applicant',
  listApplicationMessages: 'applicant',
  listFailedMessages: 'admin',
  resendMessage: 'admin',
  issueQueueTicket: 'front_desk',
  callNextTicket: 'front_desk',
  updateQueueTicket: 'front_desk',
  getChannelHistory: 'verifier',
  getMyChannelHistory: 'applicant',
  getMyPersonalData: 'applicant',
  listMyDataRequests: 'applicant',
  getMyDataRequest: 'applicant',
  createCorrectionRequest: 'applicant',
  eraseMyAccount: 'applicant',
  listDataRequests: 'front_desk',
  getDataRequest: 'front_desk',
  resolveDataRequest: 'front_desk',
  logParcel: 'admin',
  listParcels: 'admin',
  getParcel: 'admin',
  linkParcel: 'admin',
  uploadParcelPhoto: 'admin',
  recordParcelShipment: 'admin',
  getParcelReport: 'admin',
  listHelpRequests: 'admin',
  getHelpRequest: 'admin',
  replyToHelpRequest: 'admin',
  addHelpRequestNote: 'admin',
  updateHelpRequest: 'admin',
  assistHelpRequest: 'admin',
  claimApplicationByLink: 'applicant',
  listRetributionCoefficients: 'admin',
  saveRetributionCoefficients: 'admin',
  listApplicationBills: 'applicant',
  reissueApplicationBill: 'treasurer',
  requestNewBillCode: 'applicant',
  getPaymentSettings: 'admin',
  savePaymentSettings: 'admin',
  listHeldPayments: 'treasurer',
  getHeldPayment: 'treasurer',
  acceptHeldPayment: 'treasurer',
  closeHeldPayment: 'treasurer',
  listReconciliationDays: 'treasurer',
  importBankStatement: 'treasurer',
  getReconciliationDay: 'treasurer',
  resolveReconciliationLine: 'treasurer',
  closeReconciliationDay: 'treasurer',
  getRevenue: 'head',
  exportRevenueCsv: 'head',
  setRevenueTarget: 'admin',
  getSkmReport: 'head',
  getDashboard: 'head',
  exportDashboardCsv: 'head',
  getScreenPlaylist: 'admin',
  addScreenSlide: 'admin',
  updateScreenSlide: 'admin',
  removeScreenSlide: 'admin',
  reorderScreenSlides: 'admin',
  snapAccessTokenB2b: 'bank',
  snapVaInquiry: 'bank',
  snapVaPayment: 'bank',
  snapQrisNotify: 'bank',
};
const SNAP_PARTNER = '88899';
const SNAP_CLIENT = 'BANK-FUZZ-01';
const SNAP_SECRET = 'rahasia-bersama-hmac-sha512-uji-fuzz-0123456789abcdef';

/** Leaked internals: stack frames, source locations, installed packages, our own paths. */
const LEAKS = [/(?:\n|\\n)\s+at\s/, /\bat\s+\S+\s+\([^)]*:\d+:\d+\)/, /node_modules/, /\.(?:ts|js|mjs|cjs):\d+:\d+/, /\/work\/|\/tmp\/izol-test/];

const seedOf = (op: string) => (SEED + createHash('sha256').update(op).digest().readUInt32BE(0)) % 2 ** 31;

type Person = { token: string; userId: string };
type FuzzCase = { request: FuzzRequest; who: Who; address: string };
type Bank = { key: KeyObject; token: string; externalIds: number };

/** A signed-in account, through the services (the rate-limited login route stays free for the cases). */
async function person(ctx: TestContext, role: Role, n: number): Promise<Person> {
  const email = `fuzz.${role}.${n}.${Math.random().toString(36).slice(2, 8)}@fuzz.izol.test`;
  const password = `${role} kata sandi panjang ${n}`;
  const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role} ${n}`, email, password });
  const otp = await staffOtp(ctx, userId, role);
  const { token } = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, clientIp: '127.0.0.1', kind: 'bearer', otp });
  return { token, userId };
}

describe.each(DIALECTS)('fuzzing every OpenAPI operation (%s): v5.0.0-2.2.1 v5.0.0-2.2.2 v5.0.0-16.5.1 v5.0.0-16.5.3', (dialect) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  let real: RealValues;
  let bank: Bank;
  const crew = {} as Record<Role, Person>;
  /** Accounts only the logout cases use: signing out must not sign out the accounts the other operations need. */
  const leavers = {} as Record<Role, Person>;
  const logLines: string[] = [];
  const crashes: string[] = [];
  const onCrash = (e: unknown) => void crashes.push(e instanceof Error ? (e.stack ?? e.message) : String(e));

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    ctx = await createTestContext(dialect);
    // The app under test logs as production does (createLogger), into a stream read here; warn and above.
    app = await createApp(ctx.services, { logger: createLogger('warn', { write: (line: string) => void logLines.push(line) }) });
    await app.ready();
    let n = 0;
    for (const role of ROLES) {
      crew[role] = await person(ctx, role, ++n);
      leavers[role] = await person(ctx, role, ++n);
    }
    // A seeded journey: a billboard permit issued to the applicant, a draft with its documents, a parcel,
    // a help request, the office's playlist. Their ids go into the cases so that handlers get past 404.
    const staff = { verifier: crew.verifier.token, technical: crew.technical.token, head: crew.head.token, treasurer: crew.treasurer.token };
    const issued = await issuedPermit(ctx, crew.applicant.token, staff, 'REKLAME');
    const actor = (role: Role) => ({ userId: crew[role].userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` });
    const pbg = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' });
    const answers = await validAnswers(ctx, 'PBG');
    const { application } = await ctx.services.applications.createApplication({ actor: actor('applicant'), permitTypeCode: 'PBG', answers });
    for (const req of pbg.definition.requirements.filter((r) => r.required)) {
      const pdf = req.acceptedTypes.includes('pdf');
      await ctx.services.documents.uploadDocument({
        actor: actor('applicant'),
        applicationId: application.id,
        requirementCode: req.code,
        fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
        claimedType: pdf ? 'application/pdf' : 'image/png',
        source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
      });
    }
    const submitted = await ctx.services.applications.createApplication({
      actor: actor('applicant'),
      permitTypeCode: 'REKLAME',
      answers: await validAnswers(ctx, 'REKLAME'),
    });
    // A correction request (src/data-rights/), so the office's operations on one get past 404.
    const correction = await ctx.services.dataRights.fileCorrection({
      actor: actor('applicant'),
      subject: 'name',
      currentValue: 'Uji',
      requestedValue: 'Uji Baru',
    });
    const parcel = await ctx.services.parcels.logParcel({ actor: actor('admin'), company: 'JNE', trackingNumber: 'JN000123456', senderName: 'Pak Darto' });
    const help = await app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      payload: { channel: 'web', handle: 'warga@contoh.id', name: 'Sari', message: 'Bagaimana cara mengurus PBG?' },
    });
    expect(help.statusCode, help.body).toBeLessThan(300);
    const playlist = await ctx.services.screens.playlist({ actor: actor('admin') });
    // Money: a PBG file carried to its open bill, and the office's bank set up for SNAP.
    ctx.clock.advanceMinutes(1);
    const { application: billApp } = await ctx.services.applications.createApplication({ actor: actor('applicant'), permitTypeCode: 'PBG', answers });
    for (const req of pbg.definition.requirements.filter((r) => r.required)) {
      const pdf = req.acceptedTypes.includes('pdf');
      await ctx.services.documents.uploadDocument({
        actor: actor('applicant'),
        applicationId: billApp.id,
        requirementCode: req.code,
        fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
        claimedType: pdf ? 'application/pdf' : 'image/png',
        source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
      });
    }
    await ctx.services.applications.performAction({ actor: actor('applicant'), applicationId: billApp.id, action: 'submit' });
    const officers = { verifier: actor('verifier'), technical: actor('technical'), treasurer: actor('treasurer'), head: actor('head') };
    await carryToIssued(ctx, billApp.id, officers, { stopBefore: 'assess_fee' });
    await ctx.services.applications.performAction({
      actor: actor('treasurer'),
      applicationId: billApp.id,
      action: 'assess_fee',
      feeAmount: 150_000,
      feeReason: 'Uji fuzz: jumlah contoh',
    });
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', billApp.id).where('state', '=', 'open').executeTakeFirstOrThrow();
    const bankKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await upsertPaymentSettings(ctx.db, {
      tenant_id: ctx.tenant.id,
      adapter: 'snap',
      partner_service_id: SNAP_PARTNER,
      bill_expiry_days: 7,
      legal_basis: 'Peraturan Daerah Kota Malang tentang Retribusi PBG',
      qris_merchant: null,
      snap_client_id: SNAP_CLIENT,
      snap_client_secret: encryptField(ctx.services.config.dataEncryptionKey, SNAP_SECRET),
      snap_bank_public_key: bankKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      snap_signature_encoding: 'base64',
      updated_at: ctx.clock.now().toISOString(),
      updated_by: null,
    });
    const ts = formatSnapTimestamp(ctx.clock.now());
    const issuedToken = await app.inject({
      method: 'POST',
      url: '/snap/v1.0/access-token/b2b',
      headers: { 'x-client-key': SNAP_CLIENT, 'x-timestamp': ts, 'x-signature': signAccessTokenRequest(bankKey.privateKey, SNAP_CLIENT, ts) },
      payload: { grantType: 'client_credentials' },
    });
    expect(issuedToken.statusCode, issuedToken.body).toBe(200);
    bank = { key: bankKey.privateKey, token: issuedToken.json<{ accessToken: string }>().accessToken, externalIds: 0 };
    const amount = { value: `${Number(bill.amount)}.00`, currency: 'IDR' };
    const rows = await ctx.db.selectFrom('applications').select(['id', 'number', 'tracking_code']).execute();
    const documents = await ctx.db.selectFrom('documents').select('id').execute();
    const helpRequests = await ctx.db.selectFrom('help_requests').select('id').execute();
    const users = Object.values(crew).map((p) => p.userId);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.tenant.time_zone }).format(ctx.clock.now());
    const ids = [
      ...rows.map((r) => r.id),
      ...documents.map((d) => d.id),
      issued.permitId,
      parcel.id,
      ...helpRequests.map((h) => h.id),
      ...playlist.slides.flatMap((s) => (s.id ? [s.id] : [])),
      ...users,
      submitted.application.id,
      correction.id,
    ];
    real = {
      uuid: ids,
      id: ids,
      documentId: documents.map((d) => d.id),
      applicationId: rows.map((r) => r.id),
      userId: users,
      requirementCode: pbg.definition.requirements.map((r) => r.code),
      code: ['PBG', 'REKLAME', 'reklame', issued.verificationCode, issued.verificationCode.toLowerCase()],
      permitType: ['PBG', 'REKLAME', 'reklame'],
      permitTypeCode: ['PBG', 'REKLAME'],
      permitCode: ['PBG', 'REKLAME'],
      type: ['reklame', 'pbg'],
      answers: [answers, await validAnswers(ctx, 'REKLAME')],
      number: rows.flatMap((r) => (r.number ? [r.number] : [])).concat([issued.number]),
      trackingCode: rows.flatMap((r) => (r.tracking_code ? [r.tracking_code] : [])),
      year: [2026, 2027, '2026'],
      day: [today],
      from: [today, '2026-01-01'],
      to: [today, '2026-12-31'],
      action: ['submit', 'start_verification', 'forward', 'approve', 'reject', 'assess_fee', 'sign', 'withdraw'],
      status: ['accepted', 'rejected', 'valid', 'open', 'closed'],
      service: ['PBG', 'REKLAME', 'umum', 'pbg'],
      partnerServiceId: [`   ${SNAP_PARTNER}`, SNAP_PARTNER],
      customerNo: [bill.customer_no],
      virtualAccountNo: [`   ${SNAP_PARTNER}${bill.customer_no}`],
      paidAmount: [amount, { ...amount, value: '1.00' }],
      totalAmount: [amount],
      amount: [amount],
      originalReferenceNo: [bill.number],
      latestTransactionStatus: ['00', '06'],
      grantType: ['client_credentials'],
    };
    ctx.clock.advanceMinutes(1);
  });
  afterAll(async () => {
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    await app?.close();
    await ctx?.close();
  });

  it('fuzzes exactly the operations the document lists', () => {
    const served = Object.values(DOCUMENT.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    expect(served.length).toBeGreaterThan(100);
    if (!ONLY) expect(OPERATIONS.map((o) => o.operationId).sort()).toEqual([...served].sort());
  });

  const caseArb = (op: Operation): fc.Arbitrary<FuzzCase> => {
    const own = FOR[op.operationId] ?? 'anonymous';
    const who: fc.Arbitrary<Who> = fc.oneof(
      { weight: 2, arbitrary: fc.constant<Who>('anonymous') },
      { weight: own === 'anonymous' ? 0 : 5, arbitrary: fc.constant<Who>(own) },
      { weight: own === 'bank' ? 0 : 1, arbitrary: fc.constantFrom<Who>(...ROLES) },
    );
    return fc.record({
      request: requestArb(op, { real, files: { pdf: DEMO_PDF, png: DEMO_PNG } }),
      who,
      address: fc.integer({ min: 1, max: 250 }).map((n) => `10.0.${n % 5}.${n}`),
    });
  };

  /** The headers the bank sends: a valid signature over exactly this path and body. */
  function bankHeaders(op: Operation, request: FuzzRequest): Record<string, string> {
    const ts = formatSnapTimestamp(ctx.clock.now());
    if (op.operationId === 'snapAccessTokenB2b') {
      return { 'x-client-key': SNAP_CLIENT, 'x-timestamp': ts, 'x-signature': signAccessTokenRequest(bank.key, SNAP_CLIENT, ts) };
    }
    const body = typeof request.payload === 'string' ? request.payload : (request.payload?.toString('utf8') ?? '');
    let signature: string;
    try {
      signature = signSymmetric(SNAP_SECRET, { method: request.method, path: request.url, accessToken: bank.token, body, timestamp: ts });
    } catch {
      // A body that is not JSON cannot be signed as SNAP signs (over the minified JSON): the bank's signature is then of nothing.
      signature = signSymmetric(SNAP_SECRET, { method: request.method, path: request.url, accessToken: bank.token, body: '', timestamp: ts });
    }
    return {
      authorization: `Bearer ${bank.token}`,
      'x-timestamp': ts,
      'x-signature': signature,
      'x-partner-id': SNAP_CLIENT,
      'x-external-id': `${Date.now()}${String(++bank.externalIds).padStart(6, '0')}`,
      'channel-id': '95221',
    };
  }

  async function send(op: Operation, c: FuzzCase) {
    const people = op.operationId === 'logout' ? leavers : crew;
    const token = c.who === 'anonymous' || c.who === 'bank' ? undefined : people[c.who].token;
    const headers = {
      ...(token && !c.request.headers.authorization ? { authorization: `Bearer ${token}` } : {}),
      ...c.request.headers,
      ...(c.who === 'bank' ? bankHeaders(op, c.request) : {}),
    };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 15 s')), 15_000);
    });
    try {
      return await Promise.race([
        app.inject({
          method: c.request.method,
          url: c.request.url,
          headers,
          remoteAddress: c.address,
          ...(c.request.payload !== undefined ? { payload: c.request.payload } : {}),
        }),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  const describeCase = (c: FuzzCase) =>
    `${c.request.method} ${c.request.url.slice(0, 300)} as ${c.who === 'bank' ? 'the bank (signed)' : c.who} from ${c.address}, headers ${JSON.stringify(c.request.headers).slice(0, 300)}, body (${c.request.bodyKind}) ${String(c.request.payload ?? '').slice(0, 300)}`;

  it.each(OPERATIONS.map((op) => [op.operationId, op] as const))(
    '%s: no 5xx, no stack trace, no crash, no error logged (v5.0.0-2.2.1, v5.0.0-16.5.1)',
    async (_id, op) => {
      // The log lines not looked at yet: each case looks at those its request added.
      let seen = logLines.length;
      const numRuns = RUNS[dialect];
      await fc.assert(
        fc.asyncProperty(caseArb(op), async (c) => {
          const res = await send(op, c);
          const fail = (why: string) => {
            throw new Error(`${why} after ${describeCase(c)} → ${res.statusCode} ${res.body.slice(0, 500)}`);
          };
          if (res.statusCode >= 500) fail('5xx');
          for (const leak of LEAKS) if (leak.test(res.body)) fail(`the body leaks ${leak}`);
          if (crashes.length) fail(`crashed: ${crashes.join('\n')}`);
          const fresh = logLines.slice(seen);
          seen = logLines.length;
          const logged = fresh.filter((l) => {
            const entry = JSON.parse(l) as { level: number; err?: { stack?: string } };
            return entry.level >= 50 || entry.err?.stack !== undefined || LEAKS.some((p) => p.test(l));
          });
          if (logged.length) fail(`logged ${logged.join('\n').slice(0, 2_000)}`);
        }),
        { numRuns, seed: PATH ? SEED : seedOf(op.operationId), ...(PATH ? { path: PATH } : {}), endOnFailure: true },
      );
      // Still up, and still answering a plain request as before.
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
    },
    // About 4 ms a case at worst on this machine, several times that on a busy PostgreSQL; and time to shrink.
    RUNS[dialect] * 60 + 120_000,
  );
});
