import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessResource } from '../../src/access/access.js';
import type { Actor } from '../../src/access/actor.js';
import { allows, API_POLICY, ROUTE_POLICY, type RouteRule } from '../../src/access/route-policy.js';
import { insertSession } from '../../src/auth/sessions.repository.js';
import { ensureOffice } from '../../src/bootstrap.js';
import type { Tenant } from '../../src/db/schema.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { loadRetributionTable } from '../../src/fees/retribution.loader.js';
import { sha256Hex } from '../../src/shared/crypto.js';
import type { PageConfig } from '../../src/web/page-route.js';
import { CSRF_COOKIE, isPageRequest, SESSION_COOKIE } from '../../src/web/web-context.js';
import type { WorkflowDefinition } from '../../src/workflow/workflow.schema.js';
import { ROLES, type Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, multipartFile, SECOND_OFFICE, type TestContext } from '../helpers/context.js';
import { validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';
import { DEMO_PAYMENT_SETTINGS } from '../helpers/payments.js';

/**
 * The generated access matrix (ASVS v5.0.0-8.2.1, 8.2.2, 8.1.1): every route Fastify registered and
 * every operation the served OpenAPI document lists × every kind of person, judged against the written
 * policy (src/access/route-policy.ts, which evaluates the one access policy, `can`/`requireAccess`).
 *
 * What it covers:
 * - The routes come from the app's own route table (`app.routeTable`, filled by an onRoute hook) and
 *   the OpenAPI document, never from a list here: a new route with no line in the policy fails
 *   "has a policy line for every route" with its name, and the cell loops never run it unjudged.
 * - The people: anonymous; the applicant who owns office 1's file; another applicant of office 1;
 *   each staff role of office 1; and office 2's applicant and staff roles twice: at office 2's host
 *   with office 1's ids, and with their office-2 session at office 1's host.
 * - The ids are real: each office gets one application carried through the workflow to an issued
 *   permit with a paid bill (so a document, a receipt, notes and messages), a courier parcel, a help
 *   request and a playlist slide; path parameters are filled from office 1's. Ids that only open a
 *   capability (booking numbers, survey and claim tokens, tracking links) and records the fixture has
 *   none of (held payments, reconciliation lines, queue tickets, failed messages) get a well-formed id
 *   that does not exist: for them the matrix checks the function-level gate, not the data.
 * - Refused cells answer 401, 403 or 404 (a page may instead send a signed-out visitor to the sign-in
 *   page), never 2xx or 5xx, and all of them together change nothing: every table but the sessions,
 *   the sign-in attempts and the refusals' own audit rows is fingerprinted before and after.
 * - Allowed cells answer neither 401 nor 403 nor 5xx. Their bodies are the smallest a person could
 *   send, so many answer 400, 404 or 409 (an issued file cannot be edited): that is allowed. They run
 *   after every refusal, GETs first; the state-changing ones run on the shared fixture (they change
 *   data, not who may do what), with the sign-out routes last because they end the caller's sessions.
 *   For a route open to anyone only five people's allowed cells are sent (anonymous, the applicant,
 *   the admin, office 2's admin at each host), and the lobby display's event stream, which never
 *   ends, is not sent at all; every other allowed cell is.
 * - Everything is judged on one file, filed and issued: rules that depend on the file's state (editing,
 *   reviewing, the workflow's actions) count "allowed, but not now" (409) as allowed. The applicant's
 *   editing pages send whoever sees the file but may not change it now back to the file's page, which
 *   counts as a refusal (no content, and the fingerprint shows no change).
 * - Every page form refuses its allowed caller's post without the anti-forgery token (403).
 * - The SNAP routes validate the bank's signed headers before anything else: with an Izol session
 *   they answer 400 or 401, which the matrix counts as refused (test access-control.test.ts's SNAP
 *   block checks the bank's credentials themselves).
 * Not covered here: which rows a list shows (access-control.test.ts checks lists per office and per
 * applicant), field-level access (8.2.3, ibid.) and the workflow's state rules (ibid., the role ×
 * action × state matrix).
 */

const OFFICE_1_HOST = 'malang.izol.test';
const OFFICE_2_HOST = SECOND_OFFICE.hostnames[0]!;
const STAFF: Role[] = ROLES.filter((r) => r !== 'applicant');
const PERMIT = 'PBG';
/** A well-formed id no row has: for records the fixture does not make. */
const NO_SUCH_ID = '6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54';
const NO_SUCH_TOKEN = 'n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM';

/** Bodies each operation would accept from someone allowed, so that only the policy can refuse it. */
const upload = multipartFile('surat.pdf', DEMO_PDF, 'application/pdf');
const API_BODIES: Record<string, Pick<InjectOptions, 'payload' | 'headers'>> = {
  createApplication: { payload: { permitTypeCode: PERMIT } },
  updateApplication: { payload: { answers: { floorCount: 2 } } },
  withdrawApplication: { payload: {} },
  performApplicationAction: { payload: { action: 'forward' } },
  uploadDocument: upload,
  reviewDocument: { payload: { status: 'accepted' } },
  recordInspection: { payload: { result: 'pass', findings: 'Sesuai' } },
  claimApplication: { payload: { number: 'MLG-NIB-2026-000001', claimCode: 'ABCD2345' } },
  addApplicationNote: { payload: { kind: 'internal', body: 'Catatan' } },
  assignApplication: { payload: { assigneeId: null } },
  scheduleInspection: { payload: { date: '2026-12-01', officerId: NO_SUCH_ID } },
  uploadInspectionPhoto: upload,
  revokePermit: { payload: { reason: 'Reklame dipasang di luar titik yang diizinkan' } },
  reissuePermit: { payload: { reason: 'Nama pemegang izin salah ketik', holderName: 'Bambang Pemohon Dua' } },
  issueQueueTicket: { payload: { service: 'KONSULTASI' } },
  callNextTicket: { payload: { service: 'KONSULTASI', counter: 'Loket 1' } },
  updateQueueTicket: { payload: { action: 'start' } },
  logParcel: { payload: { company: 'JNE', trackingNumber: 'JN000111', senderName: 'Pak Darto' } },
  linkParcel: { payload: { newApplication: {} } },
  uploadParcelPhoto: upload,
  recordParcelShipment: { payload: { applicationNumber: 'MLG-PBG-2026-000001', company: 'POS', trackingNumber: 'P000111', contents: 'permit' } },
  replyToHelpRequest: { payload: { body: 'Jawaban kami' } },
  addHelpRequestNote: { payload: { body: 'Catatan' } },
  updateHelpRequest: { payload: { status: 'closed' } },
  assistHelpRequest: { payload: { permitTypeCode: PERMIT } },
  claimApplicationByLink: { payload: { token: NO_SUCH_TOKEN } },
  saveRetributionCoefficients: { payload: { coefficients: loadRetributionTable().offices.MLG!['2026']!, reason: 'Keputusan baru' } },
  reissueApplicationBill: { payload: { reason: 'Kode bayar hilang' } },
  createCorrectionRequest: { payload: { subject: 'address', currentValue: 'Jl. Lama 1', requestedValue: 'Jl. Baru 2' } },
  // A wrong password: an allowed applicant is refused the erasure (4xx), so the matrix erases nobody.
  eraseMyAccount: { payload: { currentPassword: 'bukan kata sandinya', confirm: true } },
  resolveDataRequest: { payload: { outcome: 'refused', resolution: 'Data yang tercatat sudah sesuai dokumen' } },
  savePaymentSettings: {
    payload: DEMO_PAYMENT_SETTINGS,
  },
  acceptHeldPayment: { payload: { note: 'Catatan uji' } },
  closeHeldPayment: { payload: { note: 'Catatan uji' } },
  importBankStatement: { payload: { format: 'csv', content: '2026-12-01,08:00,XYZ,,100000' } },
  resolveReconciliationLine: { payload: { note: 'Catatan uji' } },
  closeReconciliationDay: { payload: {} },
  setRevenueTarget: { payload: { amount: 1_000_000_000, reason: 'APBD uji' } },
  addScreenSlide: { payload: { kind: 'now_serving', durationSeconds: 15 } },
  updateScreenSlide: { payload: { kind: 'now_serving', durationSeconds: 15 } },
  reorderScreenSlides: { payload: { slideIds: [] } },
  bookAppointment: { payload: { service: 'UMUM', start: '2026-12-01T09:00:00+07:00', name: 'Siti Aminah', whatsapp: '081234567890' } },
  createHelpRequest: { payload: { channel: 'web', handle: 'warga@contoh.id', name: 'Sari', message: 'Bagaimana cara mengurus PBG?' } },
};
/** What a page form posts besides its token: enough fields that a form's own checks rarely answer first (the case page re-renders a bad form 400). */
const pageForm = (documentId: string): Record<string, string> => ({
  reason: 'Alasan pengujian akses yang cukup panjang',
  body: 'Catatan uji',
  note: 'Catatan uji',
  code: '123456',
  name: 'Siti',
  [`doc-${documentId}-status`]: 'accepted',
  'inspection-result': 'pass',
  'inspection-findings': 'Sesuai gambar rencana',
});
/** The lobby display's event stream never ends: its allowed cells are not sent (test/integration/queue-display-stream.test.ts). */
const STREAMS = new Set(['GET /antrian/layar/peristiwa']);
/** For a route open to anyone, the allowed cells sent: one of each kind of person, not all 23. */
const PUBLIC_SAMPLE = new Set(['anonymous', 'the owning applicant', 'admin', "office 2's admin at office 2", "office 2's admin at office 1"]);
/** Routes that end the caller's own sessions: their allowed cells run last. */
const ENDS_SESSIONS = new Set(['logout', 'POST /akun/keluar', 'POST /akun/keluar-semua']);

type Who = 'anonymous' | 'owner' | 'other-applicant' | 'staff' | 'office-2 at its host' | 'office-2 at office 1';
type Principal = { label: string; who: Who; actor: Actor | null; host: string; bearer?: string; cookie?: string; csrf: string };
type Fixture = {
  tenant: Tenant;
  host: string;
  owner: Actor;
  otherApplicant: Actor;
  staff: Record<Role, Actor>;
  spareStaffId: string;
  applicationId: string;
  documentId: string;
  permitId: string;
  verificationCode: string;
  parcelId: string;
  helpRequestId: string;
  slideId: string;
  requirementCode: string;
  fieldName: string;
};
/** One route the matrix judges: an API operation or a route table entry, with the line of the policy that judges it. */
type Route = { key: string; method: string; url: string; api: boolean; page: PageConfig | undefined; rule: RouteRule | undefined };
type Cell = { route: Route; principal: Principal; allowed: boolean };

describe.each(DIALECTS)('the generated access matrix (%s)', (dialect) => {
  let ctx: TestContext;
  let office1: Fixture;
  let office2: Fixture;
  let workflow: WorkflowDefinition;
  let routes: Route[];
  let principals: Principal[];
  let address = 0;
  // Each request comes from its own address, so no per-address rate limit answers before the policy.
  const nextAddress = () => `10.${Math.floor(++address / 62500) % 250}.${Math.floor(address / 250) % 250}.${(address % 250) + 1}`;
  const timings: string[] = [];

  /** A session for `actor` minted the way sign-in stores one (past the second factor): a bearer token or a page cookie. */
  async function session(actor: Actor, kind: 'bearer' | 'cookie'): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = ctx.clock.now();
    await insertSession(ctx.db, {
      id: sha256Hex(token),
      tenantId: actor.tenantId,
      userId: actor.userId,
      kind,
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + 20 * 3600_000).toISOString(),
    });
    return token;
  }

  let people = 0;
  async function person(tenantId: string, role: Role): Promise<Actor> {
    people++;
    const name = `Uji ${role} ${people}`;
    const { userId } = await ctx.services.auth.createUser({
      tenantId,
      role,
      name,
      email: `${role}.${people}.${randomBytes(3).toString('hex')}@matriks.izol.test`,
      password: `${role} kata sandi panjang ${people}`,
    });
    return { userId, tenantId, role, name };
  }

  /** One office's people and its real records: a PBG file carried to its permit (documents, bill, receipt), a parcel, a help request, a slide. */
  async function buildOffice(tenant: Tenant, host: string): Promise<Fixture> {
    const here = { ...ctx, tenant };
    const owner = await person(tenant.id, 'applicant');
    const otherApplicant = await person(tenant.id, 'applicant');
    const staff = {} as Record<Role, Actor>;
    for (const role of ROLES) staff[role] = role === 'applicant' ? owner : await person(tenant.id, role);
    const spare = await person(tenant.id, 'verifier');
    const type = await ctx.services.catalogue.getPermitType({ tenantId: tenant.id, code: PERMIT });
    const { application } = await ctx.services.applications.createApplication({
      actor: owner,
      permitTypeCode: PERMIT,
      answers: await validAnswers(here, PERMIT),
    });
    for (const req of type.definition.requirements.filter((r) => r.required)) {
      const pdf = req.acceptedTypes.includes('pdf');
      await ctx.services.documents.uploadDocument({
        actor: owner,
        applicationId: application.id,
        requirementCode: req.code,
        fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
        claimedType: pdf ? 'application/pdf' : 'image/png',
        source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
      });
    }
    await ctx.services.applications.performAction({ actor: owner, applicationId: application.id, action: 'submit' });
    expect(await carryToIssued(here, application.id, staff)).toBe('issued');
    const permit = await ctx.db
      .selectFrom('permits')
      .select(['id', 'verification_code'])
      .where('application_id', '=', application.id)
      .executeTakeFirstOrThrow();
    const bill = await ctx.db.selectFrom('bills').select(['id', 'state']).where('application_id', '=', application.id).executeTakeFirstOrThrow();
    expect(bill.state).toBe('paid');
    const document = await ctx.db.selectFrom('documents').select('id').where('application_id', '=', application.id).executeTakeFirstOrThrow();
    const parcel = await ctx.services.parcels.logParcel({ actor: staff.admin, company: 'JNE', trackingNumber: `JN${people}0001`, senderName: 'Pak Darto' });
    const help = await ctx.app.inject({ method: 'POST', url: '/api/v1/help-requests', headers: { host }, payload: API_BODIES.createHelpRequest!.payload });
    expect(help.statusCode, help.body).toBeLessThan(300);
    const helpRow = await ctx.db.selectFrom('help_requests').select('id').where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow();
    const slides = (await ctx.services.screens.playlist({ actor: staff.admin })).slides.flatMap((s) => (s.id ? [s.id] : []));
    return {
      tenant,
      host,
      owner,
      otherApplicant,
      staff,
      spareStaffId: spare.userId,
      applicationId: application.id,
      documentId: document.id,
      permitId: permit.id,
      verificationCode: permit.verification_code,
      parcelId: parcel.id,
      helpRequestId: helpRow.id,
      slideId: slides[0] ?? NO_SUCH_ID,
      requirementCode: type.definition.requirements[0]!.code,
      fieldName: type.definition.fields[0]!.name,
    };
  }

  async function principal(label: string, who: Who, actor: Actor | null, host: string): Promise<Principal> {
    const csrf = randomBytes(32).toString('base64url');
    if (!actor) return { label, who, actor, host, csrf };
    return { label, who, actor, host, csrf, bearer: await session(actor, 'bearer'), cookie: await session(actor, 'cookie') };
  }

  beforeAll(async () => {
    const started = Date.now();
    ctx = await createTestContext(dialect);
    const tenant2 = await ensureOffice(ctx.services, SECOND_OFFICE);
    workflow = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: PERMIT })).workflow;
    office1 = await buildOffice(ctx.tenant, OFFICE_1_HOST);
    office2 = await buildOffice(tenant2, OFFICE_2_HOST);

    const doc = (await ctx.app.inject({ url: '/api/openapi.json' })).json<{ paths: Record<string, Record<string, { operationId: string }>> }>();
    const apiRoutes: Route[] = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        key: op.operationId,
        method: method.toUpperCase(),
        url: path.replace(/\{(\w+)\}/g, ':$1'),
        api: true,
        page: undefined,
        rule: API_POLICY[op.operationId],
      })),
    );
    const apiKeys = new Set(apiRoutes.map((r) => `${r.method} ${r.url}`));
    const others: Route[] = ctx.app.routeTable
      .filter((r) => r.method !== 'HEAD' && !apiKeys.has(`${r.method} ${r.url}`))
      .map((r) => ({ key: `${r.method} ${r.url}`, method: r.method, url: r.url, api: false, page: r.config.page, rule: ROUTE_POLICY[`${r.method} ${r.url}`] }));
    routes = [...apiRoutes, ...others];

    principals = [await principal('anonymous', 'anonymous', null, OFFICE_1_HOST)];
    principals.push(await principal('the owning applicant', 'owner', office1.owner, OFFICE_1_HOST));
    principals.push(await principal('another applicant', 'other-applicant', office1.otherApplicant, OFFICE_1_HOST));
    for (const role of STAFF) principals.push(await principal(role, 'staff', office1.staff[role], OFFICE_1_HOST));
    for (const role of ROLES) {
      const actor = role === 'applicant' ? office2.otherApplicant : office2.staff[role];
      principals.push(await principal(`office 2's ${role} at office 2`, 'office-2 at its host', actor, OFFICE_2_HOST));
      principals.push(await principal(`office 2's ${role} at office 1`, 'office-2 at office 1', actor, OFFICE_1_HOST));
    }
    timings.push(`fixtures ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
  afterAll(async () => {
    if (timings.length) console.info(`access matrix (${dialect}): ${timings.join(', ')}`);
    await ctx?.close();
  });

  /** The office-1 id each path parameter names; `ids` records which of them point at office 1's records. */
  function fill(url: string): { url: string; namesRecord: boolean } {
    const f = office1;
    let namesRecord = false;
    const real = (v: string): string => {
      namesRecord = true;
      return v;
    };
    const idFor = (): string => {
      if (/^\/api\/v1\/(applications|permohonan)\/|^\/permohonan\/|^\/kantor\/(berkas|loket)\//.test(url)) return real(f.applicationId);
      if (/^\/api\/v1\/permits\//.test(url)) return real(f.permitId);
      if (/^\/api\/v1\/parcels\/|^\/kantor\/kiriman\//.test(url)) return real(f.parcelId);
      if (/^\/api\/v1\/help-requests\/|^\/kantor\/bantuan\//.test(url)) return real(f.helpRequestId);
      if (/^\/api\/v1\/screens\/playlist\/slides\/|^\/kantor\/admin\/layar\//.test(url)) return real(f.slideId);
      if (/^\/kantor\/admin\/staf\//.test(url)) return real(f.spareStaffId);
      return NO_SUCH_ID;
    };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: f.tenant.time_zone }).format(ctx.clock.now());
    const value = (name: string): string => {
      switch (name) {
        case 'id':
          return idFor();
        case 'documentId':
        case 'docId':
          return real(f.documentId);
        case 'permitId':
          return real(f.permitId);
        case 'userId':
          return real(f.owner.userId);
        case 'requirementCode':
        case 'req':
          return f.requirementCode;
        case 'field':
          return f.fieldName;
        case 'code':
          return url.includes('/verify/') || url.startsWith('/v/') ? real(f.verificationCode) : PERMIT;
        case 'year':
          return '2026';
        case 'day':
          return today;
        case 'date':
          return '2026-12-25';
        case 'table':
          return 'serapan';
        case 'token':
        case 'signature':
          return NO_SUCH_TOKEN;
        case 'number':
          return 'MLG-APT-20261201-0001';
        case 'expires':
          return '4102444800';
        default:
          return name === 'lineId' || name === 'photoId' ? NO_SUCH_ID : 'x';
      }
    };
    const out = url.replace(/:(\w+)/g, (_m, name: string) => value(name)).replace(/\*$/, 'x');
    return { url: out, namesRecord };
  }

  /** The file a `file`/`owner` rule is judged on: office 1's application, with its workflow and type. */
  async function fileResource(): Promise<AccessResource> {
    const application = await ctx.db.selectFrom('applications').selectAll().where('id', '=', office1.applicationId).executeTakeFirstOrThrow();
    const { definition } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: PERMIT });
    return { application, workflow, definition };
  }

  /** Whether the policy lets this person call this route: office 1's people judged on office 1's file, office 2's on what they reach. */
  function expected(rule: RouteRule, p: Principal, resource: AccessResource, namesRecord: boolean): boolean {
    switch (p.who) {
      case 'anonymous':
      case 'office-2 at office 1': // a session is honoured only at its own office's host: here they are nobody
        return allows(rule, null, resource);
      case 'office-2 at its host':
        // Office 1's records are out of their reach; a route naming none is their own office's.
        return namesRecord ? rule.who === 'anyone' : allows(rule, p.actor, { tenantId: p.actor!.tenantId });
      default:
        return allows(rule, p.actor, resource);
    }
  }

  async function cells(): Promise<Cell[]> {
    const resource = await fileResource();
    // A route with no policy line is judged by nobody here: "has a policy line for every route" fails with its name.
    return routes.flatMap((route) =>
      route.rule ? principals.map((principal) => ({ route, principal, allowed: expected(route.rule!, principal, resource, fill(route.url).namesRecord) })) : [],
    );
  }

  function send(cell: Cell, opts: { csrf?: boolean } = {}): Promise<LightMyRequestResponse> {
    const { route, principal: p } = cell;
    const url = fill(route.url).url;
    const base = { method: route.method as 'GET', url, remoteAddress: nextAddress() };
    if (route.api || !isPageRequest(route.url)) {
      const body = API_BODIES[route.key];
      return ctx.app.inject({
        ...base,
        headers: { host: p.host, ...(p.bearer ? { authorization: `Bearer ${p.bearer}` } : {}), ...(body?.headers as Record<string, string> | undefined) },
        ...(body?.payload !== undefined ? { payload: body.payload } : {}),
      });
    }
    const cookie = [`${CSRF_COOKIE}=${p.csrf}`, ...(p.cookie ? [`${SESSION_COOKIE}=${p.cookie}`] : [])].join('; ');
    const headers = { host: p.host, cookie };
    if (route.method === 'GET') return ctx.app.inject({ ...base, headers });
    const token: Record<string, string> = opts.csrf === false ? {} : { _csrf: p.csrf };
    if (route.page?.csrf === 'multipart') {
      const boundary = `----izolmatrix${randomBytes(6).toString('hex')}`;
      const payload = Buffer.concat([
        Buffer.from(opts.csrf === false ? '' : `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${p.csrf}\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="surat.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        DEMO_PDF,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return ctx.app.inject({ ...base, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    }
    return ctx.app.inject({
      ...base,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ ...token, ...pageForm(office1.documentId) }).toString(),
    });
  }

  const describeCell = (c: Cell, res: LightMyRequestResponse) =>
    `${c.route.key} as ${c.principal.label}: ${res.statusCode}${res.statusCode === 303 ? ` → ${String(res.headers.location)}` : ''}`;

  /**
   * A refusal: 401, 403 or 404. A page may instead send a signed-out visitor to the sign-in page, and
   * send someone who sees the file but may not change it now (staff on the citizen's editing pages, as
   * the owner of a filed application) back to the file's own page: no content, no change.
   */
  function refused(c: Cell, res: LightMyRequestResponse): boolean {
    if ([401, 403, 404].includes(res.statusCode)) return true;
    if (c.route.rule?.who === 'bank' && res.statusCode === 400) return true;
    if (c.route.api || res.statusCode !== 303) return false;
    const to = String(res.headers.location);
    return to.startsWith('/akun/masuk') || to === `/permohonan/${office1.applicationId}`;
  }

  /** Runs the cells, four at a time (PostgreSQL overlaps them; SQLite queues), and returns the cells that answered wrongly. */
  async function run(list: Cell[], judge: (c: Cell, res: LightMyRequestResponse) => boolean): Promise<string[]> {
    const wrong: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < list.length) {
        const c = list[next++]!;
        const res = await send(c);
        if (res.statusCode >= 500 || !judge(c, res)) wrong.push(describeCell(c, res));
      }
    };
    await Promise.all(Array.from({ length: 4 }, worker));
    return wrong.sort();
  }

  /** Every row of every table but the sessions, the sign-in attempts and the refusals' own audit trail, a hash per table. */
  async function fingerprint(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    const skip = new Set(['sessions', 'login_attempts', 'audit_heads', 'cache_generations']);
    const tables = (await ctx.db.introspection.getTables()).map((t) => t.name).filter((n) => !skip.has(n) && !n.startsWith('kysely_'));
    for (const name of tables.sort()) {
      let q = ctx.db.selectFrom(name as 'users').selectAll();
      // The refusals' own trace: access.refused rows, and the SNAP door's record of a refused bank call.
      if (name === 'audit_events') q = q.where('action' as never, 'not in', ['access.refused', 'payment.notification_refused'] as never);
      const rows = await q.execute();
      out[name] = createHash('sha256')
        .update(JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()))
        .digest('hex');
    }
    return out;
  }

  it('has a policy line for every route and operation the app serves, and no line for one it does not (ASVS v5.0.0-8.1.1)', () => {
    const missing = routes.filter((r) => !r.rule).map((r) => r.key);
    expect(missing, 'add a line to src/access/route-policy.ts (API_POLICY by operationId, ROUTE_POLICY by "METHOD /url")').toEqual([]);
    const served = new Set(routes.map((r) => r.key));
    expect([...Object.keys(API_POLICY), ...Object.keys(ROUTE_POLICY)].filter((k) => !served.has(k))).toEqual([]);
    expect(routes.filter((r) => r.api).length).toBeGreaterThan(100);
    expect(routes.filter((r) => r.page).length).toBeGreaterThan(200);
  });

  it('writes the same gate in the policy as the page kit applies and the OpenAPI document declares (ASVS v5.0.0-8.1.1)', async () => {
    // A page's line must name the gate its kit options give it (`access`, `permission`).
    const mismatched: string[] = [];
    for (const r of routes.filter((x) => x.page)) {
      const { access, permission } = r.page!;
      const rule = r.rule!;
      const ok =
        rule.who === 'anyone'
          ? access === 'anyone' && !permission
          : rule.who === 'signed-in'
            ? access === 'signed-in' && !permission
            : rule.who === 'device'
              ? access === 'anyone' && !permission
              : rule.who === 'office-any'
                ? access === 'office' && !permission
                : rule.who === 'office'
                  ? access !== 'anyone' &&
                    (!permission || rule.permissions.includes(permission)) &&
                    (access !== 'office' || Boolean(permission) || rule.permissions.includes('office.enter'))
                  : rule.who === 'file' || rule.who === 'owner' || rule.who === 'workflow'
                    ? access !== 'anyone' && (!permission || (rule.who === 'file' && rule.office.includes(permission)))
                    : false;
      if (!ok) mismatched.push(`${r.key}: policy ${JSON.stringify(rule)}, page kit ${JSON.stringify({ access, permission })}`);
    }
    expect(mismatched).toEqual([]);
    // An operation open to anyone (or to the bank alone) declares no bearer security; every other does.
    const spec = (await ctx.app.inject({ url: '/api/openapi.json' })).json<{
      paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>>;
    }>();
    const declared = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((op) => [op.operationId, Boolean(op.security?.length)] as const));
    expect(
      declared.filter(([id, secured]) => secured === ['anyone', 'citizen-or', 'device-or', 'bank'].includes(API_POLICY[id]!.who)).map(([id]) => id),
    ).toEqual([]);
  });

  it('says in ARCHITECTURE.md what the policy says, for every operation the docs table names (ASVS v5.0.0-8.1.1)', async () => {
    const text = fs.readFileSync(new URL('../../ARCHITECTURE.md', import.meta.url), 'utf8');
    const table = text.slice(text.indexOf('## Access policy (function and data level)'));
    const rows = table
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| Operation') && !l.startsWith('|---'))
      .map((l) => l.split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, '').trim()));
    const resource = await fileResource();
    const person = (role: Role, owner = true): Actor => (role === 'applicant' ? (owner ? office1.owner : office1.otherApplicant) : office1.staff[role]);
    const named = new Set<string>();
    const disagree: string[] = [];
    for (const [ops, anonymous, applicant, frontDesk, others] of rows) {
      const ids = [...ops!.matchAll(/\b([a-z][A-Za-z0-9]+)\b/g)].map((m) => m[1]!).filter((id) => API_POLICY[id]);
      // "exportRegistry*" names both exports.
      if (ops!.includes('exportRegistry*')) ids.push('exportRegistryJson', 'exportRegistryCsv');
      for (const id of ids) {
        named.add(id);
        const rule = API_POLICY[id]!;
        const says = (cell: string | undefined, actor: Actor | null, label: string) => {
          if (!cell || cell === '–') return;
          const no = /^(401|403)\b/.test(cell);
          const yes = /^(✓|own\b|all notes|messages to them|as the workflow allows)/.test(cell);
          if (!no && !yes) return;
          if (allows(rule, actor, resource) !== yes) disagree.push(`${id} for ${label}: the docs say "${cell}"`);
        };
        says(anonymous, null, 'anonymous');
        says(applicant, person('applicant'), 'the applicant');
        says(frontDesk, person('front_desk'), 'the front desk');
        // The last column: "X only", "X, Y (others 403)" or one answer for all five roles.
        const roles: Role[] = ['verifier', 'technical', 'treasurer', 'head', 'admin'];
        const listed = /^([a-z_, ]+?)(?: only)?(?: \(|$| ✓)/.exec(others ?? '');
        const names = listed?.[1]?.split(/,\s*|\s+and\s+/).filter((n) => (roles as string[]).includes(n)) ?? [];
        if (names.length && /only|\(others 403\)/.test(others!)) {
          for (const role of roles) {
            if (allows(rule, person(role), resource) !== names.includes(role)) disagree.push(`${id} for ${role}: the docs say "${others}"`);
          }
        } else {
          for (const role of roles) says(others, person(role), role);
        }
      }
    }
    expect(disagree).toEqual([]);
    // Every operation that is not for anyone is in the docs table.
    expect(
      Object.entries(API_POLICY)
        .filter(([id, rule]) => rule.who !== 'anyone' && !named.has(id))
        .map(([id]) => id),
    ).toEqual([]);
  });

  it('answers every refused cell 401, 403 or 404, never 2xx or 5xx, and all the refusals change nothing (ASVS v5.0.0-8.2.1, 8.2.2)', async () => {
    const started = Date.now();
    const all = await cells();
    const refusals = all.filter((c) => !c.allowed);
    const before = await fingerprint();
    const refusedBefore = await ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'access.refused')
      .executeTakeFirstOrThrow();
    const wrong = await run(refusals, refused);
    expect(wrong).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    // The refusals left their trace (SECURITY.md #25), rate-limited per person and route.
    const refusedAfter = await ctx.db
      .selectFrom('audit_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'access.refused')
      .executeTakeFirstOrThrow();
    expect(Number(refusedAfter.n)).toBeGreaterThan(Number(refusedBefore.n));
    // Each kind of person was refused somewhere, and office 2's at office 1's records everywhere but the public routes.
    for (const who of ['anonymous', 'owner', 'other-applicant', 'staff', 'office-2 at its host', 'office-2 at office 1'] as const) {
      expect(
        refusals.some((c) => c.principal.who === who),
        who,
      ).toBe(true);
    }
    timings.push(
      `${all.length} cells (${routes.length} routes × ${principals.length} people), ${refusals.length} refused in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  });

  it('lets every allowed cell through: reads first, then the state-changing calls, sign-outs last (ASVS v5.0.0-8.2.1)', { timeout: 240_000 }, async () => {
    const started = Date.now();
    const allowed = (await cells()).filter(
      (c) => c.allowed && !STREAMS.has(c.route.key) && (c.route.rule?.who !== 'anyone' || PUBLIC_SAMPLE.has(c.principal.label)),
    );
    // Office 2's people reach their own office's routes: their sessions are real, so their refusals above mean something.
    expect(allowed.filter((c) => c.principal.who === 'office-2 at its host' && c.route.rule?.who !== 'anyone').length).toBeGreaterThan(50);
    const notRefused = (_c: Cell, res: LightMyRequestResponse) => res.statusCode !== 401 && res.statusCode !== 403;
    const reads = allowed.filter((c) => c.route.method === 'GET');
    const writes = allowed.filter((c) => c.route.method !== 'GET' && !ENDS_SESSIONS.has(c.route.key));
    const signOuts = allowed.filter((c) => ENDS_SESSIONS.has(c.route.key));
    expect(await run(reads, notRefused)).toEqual([]);
    expect(await run(writes, notRefused)).toEqual([]);
    expect(await run(signOuts, notRefused)).toEqual([]);
    timings.push(`${allowed.length} allowed (${reads.length} reads) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  it('refuses every page form without its anti-forgery token, even from a person the policy allows (ASVS v5.0.0-8.2.1)', async () => {
    // Sessions of the people above may have ended with the sign-outs: fresh ones for each.
    const fresh = new Map<string, Principal>();
    const forms = routes.filter((r) => r.page && r.method === 'POST');
    const resource = await fileResource();
    const wrong: string[] = [];
    for (const route of forms) {
      const p =
        principals.find((x) => (x.who === 'owner' || x.who === 'staff' || x.who === 'anonymous') && expected(route.rule!, x, resource, true)) ?? principals[0]!;
      if (p.actor && !fresh.has(p.label)) fresh.set(p.label, await principal(p.label, p.who, p.actor, p.host));
      const res = await send({ route, principal: fresh.get(p.label) ?? p, allowed: true }, { csrf: false });
      if (res.statusCode !== 403) wrong.push(`${route.key} as ${p.label}: ${res.statusCode}`);
    }
    expect(forms.length).toBeGreaterThan(80);
    expect(wrong).toEqual([]);
  });
});
