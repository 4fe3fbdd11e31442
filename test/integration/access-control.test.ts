/**
 * Access control over the JSON API, on SQLite and PostgreSQL:
 * - data-level (ASVS v5.0.0-8.2.2, IDOR/BOLA): one applicant cannot reach another's applications or documents;
 * - tenant isolation: one office's staff and tokens mean nothing in another office;
 * - function-level and business flow (ASVS v5.0.0-8.2.1, 2.3.1): the role × action × state matrix follows
 *   the workflow data exactly (allowed → 200, wrong role → 403, wrong state → 409, and refusals change nothing);
 * - field-level (ASVS v5.0.0-8.2.3, BOPLA): officer-only fields cannot be set by an applicant;
 * - permits: only their holder and their own office see them, only the head revokes or re-issues, only the
 *   holder renews, and one office's verification page and registry know nothing of another office's permits;
 * - every protected operation answers 401 problem+json to anyone not signed in.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { Readable } from 'node:stream';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessResource, can, type Permission, requireAccess } from '../../src/access/access.js';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { loadRetributionTable } from '../../src/fees/retribution.loader.js';
import { upsertPaymentSettings } from '../../src/payments/payments.repository.js';
import { createSnapClient, SNAP_PATHS } from '../../src/payments/snap-client.js';
import { formatSnapTimestamp } from '../../src/payments/snap-signature.js';
import { encryptField } from '../../src/shared/crypto.js';
import { AppError, ERROR_CODES } from '../../src/shared/errors.js';
import { ROLES, type Role, type WorkflowAction, type WorkflowDefinition } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { WORKED_EXAMPLE_FORM } from '../helpers/fees.js';
import { DEMO_PAYMENT_SETTINGS, injectFetch } from '../helpers/payments.js';
import { auth, createTestContext, json, multipartFile, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { staffOtp } from '../helpers/context.js';
import { issuedPermit, validAnswers } from '../helpers/journeys.js';

const OTHER_HOST = 'batu.izol.test';
const PERMIT = 'PBG';

type Person = { token: string; userId: string; actor: Actor };
type Crew = Record<Role, Person>;
type Problem = { type: string; title: string; status: number; detail: string; code: string };
type AppView = {
  id: string;
  state: { code: string };
  applicantName: string;
  channel: string;
  availableActions: { code: string }[];
  requirements: { code: string; document: { id: string } | null }[];
};

let people = 0;
/** An account signed in through the auth service (not the rate-limited login route), with its bearer token. */
async function person(ctx: TestContext, role: Role, tenantId = ctx.tenant.id, name?: string): Promise<Person> {
  people++;
  const email = `${role}.${people}.${Math.random().toString(36).slice(2, 8)}@akses.izol.test`;
  const password = `${role} kata sandi panjang ${people}`;
  const fullName = name ?? `Uji ${role} ${people}`;
  const { userId } = await ctx.services.auth.createUser({ tenantId, role, name: fullName, email, password });
  const { token } = await ctx.services.auth.login({
    tenantId,
    login: email,
    password,
    clientIp: '127.0.0.1',
    kind: 'bearer',
    otp: await staffOtp(ctx, userId, role),
  });
  return { token, userId, actor: { userId, tenantId, role, name: fullName } };
}

function expectProblem(res: LightMyRequestResponse, statuses: readonly number[]): Problem {
  expect(statuses, `${res.statusCode} ${res.body}`).toContain(res.statusCode);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = json<Problem>(res);
  expect(body.status).toBe(res.statusCode);
  expect(body.detail).toBeTruthy();
  return body;
}

/** What a user would notice changed on an application: its row, its documents and its timeline. */
async function snapshot(ctx: TestContext, id: string) {
  const row = await ctx.db
    .selectFrom('applications')
    .select(['state', 'revision', 'answers', 'updated_at', 'fee_amount', 'payment_reference', 'number', 'inspection_recorded_at', 'applicant_id', 'channel'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  const docs = await ctx.db.selectFrom('documents').select(['id', 'review_status', 'superseded_at']).where('application_id', '=', id).orderBy('id').execute();
  const events = await ctx.db
    .selectFrom('application_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('application_id', '=', id)
    .executeTakeFirstOrThrow();
  return { ...row, docs, events: Number(events.n) };
}

/** Shortest path of workflow actions from the initial state to `target` (breadth-first over the workflow data). */
function pathTo(workflow: WorkflowDefinition, target: string): WorkflowAction[] {
  const prev = new Map<string, { from: string; action: WorkflowAction }>();
  const queue = [workflow.initial];
  const seen = new Set(queue);
  while (queue.length) {
    const s = queue.shift()!;
    for (const a of workflow.actions) {
      if (a.from.includes(s) && !seen.has(a.to)) {
        seen.add(a.to);
        prev.set(a.to, { from: s, action: a });
        queue.push(a.to);
      }
    }
  }
  if (target !== workflow.initial && !prev.has(target)) throw new Error(`state ${target} cannot be reached in workflow ${workflow.code}`);
  const out: WorkflowAction[] = [];
  for (let s = target; s !== workflow.initial;) {
    const p = prev.get(s)!;
    out.unshift(p.action);
    s = p.from;
  }
  return out;
}

/** The role the fixtures use to take an action: the applicant for the applicant's side, otherwise the first office role listed. */
function actingRole(a: WorkflowAction): Role {
  if (a.roles.includes('applicant')) return 'applicant';
  const role = a.roles.find((r) => r !== 'front_desk');
  if (!role) throw new Error(`action ${a.code} has no role the fixtures can use`);
  return role;
}

/** A bank reference is recorded once (payments_provider_payment): each payment in these tests gets its own. */
let references = 0;

function extrasFor(a: WorkflowAction): Record<string, unknown> {
  return {
    ...(a.requiresReason ? { reason: 'Alasan pengujian akses' } : {}),
    // An amount other than the rules give needs the treasurer's reason (fee_reason_required otherwise).
    ...(a.input === 'fee_amount' ? { feeAmount: 250_000, feeReason: 'Alasan pengujian akses' } : {}),
    ...(a.input === 'payment_reference' ? { paymentReference: `NTB-UJI-${++references}` } : {}),
  };
}

/** Runs `fn` over `items`, at most `limit` at a time (PostgreSQL commits overlap; SQLite simply queues). */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Everything a refused call could try to set, so that a call wrongly let through would really change something. */
const EVERY_EXTRA = { reason: 'Alasan pengujian akses', feeAmount: 250_000, feeReason: 'Alasan pengujian akses', paymentReference: 'SSRD-UJI-0001' } as const;

describe.each(DIALECTS)('access control (%s)', (dialect) => {
  let ctx: TestContext;
  let workflow: WorkflowDefinition;
  let crew: Crew; // crew.applicant is applicant A, the owner of the matrix applications
  let applicantB: Person;
  let applicantA: Person;

  /** A draft owned by `owner` with valid answers and every required document, made through the services. */
  async function draft(owner: Person): Promise<string> {
    const tenantId = owner.actor.tenantId;
    const { application } = await ctx.services.applications.createApplication({
      actor: owner.actor,
      permitTypeCode: PERMIT,
      answers: await validAnswers(ctx, PERMIT),
    });
    const type = await ctx.services.catalogue.getPermitType({ tenantId, code: PERMIT });
    for (const req of type.definition.requirements.filter((r) => r.required)) {
      const pdf = req.acceptedTypes.includes('pdf');
      const upload = () =>
        ctx.services.documents.uploadDocument({
          actor: owner.actor,
          applicationId: application.id,
          requirementCode: req.code,
          fileName: pdf ? `${req.code}.pdf` : `${req.code}.png`,
          claimedType: pdf ? 'application/pdf' : 'image/png',
          source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
        });
      // The matrix makes hundreds of drafts for one owner: it waits out the per-account upload limit
      // (30 a minute, documents.service.ts UPLOAD_LIMITS) by moving the test clock on a minute.
      await upload().catch(async (err: unknown) => {
        if (!(err instanceof AppError && err.code === 'too_many_attempts')) throw err;
        ctx.clock.advanceMinutes(1);
        await upload();
      });
    }
    return application.id;
  }

  /** Makes the preconditions of `action` true the way the office would (accepting documents, recording the inspection). */
  async function satisfy(id: string, action: WorkflowAction, staff: Crew): Promise<void> {
    for (const p of action.preconditions) {
      if (p === 'all_required_documents_accepted') {
        const app = await ctx.services.applications.getApplication({ actor: staff.verifier.actor, applicationId: id });
        const reviewer = workflow.actions.some((a) => a.from.includes(app.app.state) && a.roles.includes('verifier')) ? staff.verifier : staff.technical;
        for (const d of app.docs.filter((doc) => doc.review_status !== 'accepted')) {
          await ctx.services.documents.reviewDocument({ actor: reviewer.actor, applicationId: id, documentId: d.id, status: 'accepted' });
        }
      } else if (p === 'inspection_recorded') {
        await ctx.services.inspections.recordInspection({ actor: staff.technical.actor, applicationId: id, result: 'pass', findings: 'Sesuai gambar rencana' });
      } else if (!['all_required_documents_uploaded', 'no_document_refused', 'fee_assessed', 'fee_paid'].includes(p)) {
        throw new Error(`the fixtures do not know how to satisfy precondition ${p}: teach satisfy() about it`);
      }
    }
  }

  /** A fresh application of `owner`'s in `state`, driven there through the services along the workflow's shortest path. */
  async function applicationIn(state: string, staff: Crew = crew, owner: Person = staff.applicant): Promise<string> {
    const id = await draft(owner);
    for (const step of pathTo(workflow, state)) {
      await satisfy(id, step, staff);
      const role = actingRole(step);
      await ctx.services.applications.performAction({
        actor: (role === 'applicant' ? owner : staff[role]).actor,
        applicationId: id,
        action: step.code,
        ...extrasFor(step),
      });
    }
    const row = await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow();
    if (row.state !== state) throw new Error(`fixture meant to reach ${state} but got ${row.state}`);
    return id;
  }

  const get = (token: string, url: string, extra: Record<string, string> = {}) => ctx.app.inject({ method: 'GET', url, headers: auth(token, extra) });
  const actHttp = (token: string, id: string, action: string, extra: Record<string, unknown> = {}) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/actions`, headers: auth(token), payload: { action, ...extra } });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    workflow = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: PERMIT })).workflow;
    const entries = await Promise.all(
      ROLES.map(async (role) => [role, await person(ctx, role, ctx.tenant.id, role === 'applicant' ? 'Ayu Pemohon Satu' : undefined)] as const),
    );
    crew = Object.fromEntries(entries) as Crew;
    applicantA = crew.applicant;
    applicantB = await person(ctx, 'applicant', ctx.tenant.id, 'Bambang Pemohon Dua');
  });
  afterAll(async () => ctx?.close());

  describe('one applicant cannot reach another applicant’s data (ASVS v5.0.0-8.2.2)', () => {
    let bDraft: string;
    let bInVerification: string;
    let bDocument: string;
    let aDraft: string;

    beforeAll(async () => {
      bDraft = await draft(applicantB);
      bInVerification = await applicationIn('verification', crew, applicantB);
      aDraft = await draft(applicantA);
      bDocument = (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', bDraft).executeTakeFirstOrThrow()).id;
    });

    /** Every operation on an application id, as applicant A's token would send it against B's application. */
    function attacksOn(id: string, documentId: string): { name: string; request: InjectOptions }[] {
      const upload = multipartFile('ktp.pdf', DEMO_PDF, 'application/pdf');
      const base = `/api/v1/applications/${id}`;
      return [
        { name: 'getApplication', request: { method: 'GET', url: base } },
        { name: 'updateApplication', request: { method: 'PATCH', url: base, payload: { answers: { floorCount: 7 } } } },
        { name: 'uploadDocument', request: { method: 'PUT', url: `${base}/documents/ktp`, headers: upload.headers, payload: upload.payload } },
        { name: 'downloadDocument', request: { method: 'GET', url: `${base}/documents/${documentId}` } },
        { name: 'downloadDocument through A’s own application', request: { method: 'GET', url: `/api/v1/applications/${aDraft}/documents/${documentId}` } },
        { name: 'submitApplication', request: { method: 'POST', url: `${base}/submit` } },
        { name: 'withdrawApplication', request: { method: 'POST', url: `${base}/withdraw`, payload: { reason: 'bukan punya saya' } } },
        ...[...new Set(workflow.actions.map((a) => a.code))].map((code) => ({
          name: `performApplicationAction ${code}`,
          request: { method: 'POST' as const, url: `${base}/actions`, payload: { action: code, ...EVERY_EXTRA } },
        })),
        { name: 'reviewDocument', request: { method: 'POST', url: `${base}/documents/${documentId}/review`, payload: { status: 'accepted' } } },
        { name: 'recordInspection', request: { method: 'POST', url: `${base}/inspection`, payload: { result: 'pass', findings: 'Sesuai' } } },
      ];
    }

    it.each(['draft', 'verification'] as const)(
      'refuses A every operation on B’s application in %s with 403/404, revealing and changing nothing',
      async (which) => {
        const id = which === 'draft' ? bDraft : bInVerification;
        const docId =
          which === 'draft' ? bDocument : (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', id).executeTakeFirstOrThrow()).id;
        const before = await snapshot(ctx, id);
        const attacks = attacksOn(id, docId);
        expect(attacks.length).toBeGreaterThan(10);
        for (const attack of attacks) {
          const res = await ctx.app.inject({
            ...attack.request,
            headers: { ...auth(applicantA.token), ...(attack.request.headers as Record<string, string> | undefined) },
          });
          expect([403, 404], `${attack.name} → ${res.statusCode} ${res.body}`).toContain(res.statusCode);
          expectProblem(res, [403, 404]);
          // Nothing of B's is shown: not the name, not the answers, not the document.
          expect(res.body, attack.name).not.toContain('Bambang');
          expect(res.body, attack.name).not.toContain(docId);
          expect(res.headers['content-disposition'], attack.name).toBeUndefined();
        }
        expect(await snapshot(ctx, id)).toEqual(before);
        // B still sees their own application, untouched.
        const own = await get(applicantB.token, `/api/v1/applications/${id}`);
        expect(own.statusCode).toBe(200);
        expect(json<AppView>(own).state.code).toBe(which);
      },
    );

    it('lists only A’s own applications to A, whatever the filters', async () => {
      const mine = await ctx.db.selectFrom('applications').select('id').where('applicant_id', '=', applicantA.userId).execute();
      const theirs = await ctx.db.selectFrom('applications').select('id').where('applicant_id', '=', applicantB.userId).execute();
      expect(theirs.length).toBeGreaterThanOrEqual(2);
      for (const query of [
        '',
        '?pageSize=100',
        '?q=Bambang',
        `?permitType=${PERMIT}&pageSize=100`,
        '?state=verification',
        '?state=draft&pageSize=100',
        '?channel=online&pageSize=100',
      ]) {
        const res = await get(applicantA.token, `/api/v1/applications${query}`);
        expect(res.statusCode, query).toBe(200);
        const page = json<{ items: { id: string; applicantName: string }[]; total: number }>(res);
        const ids = page.items.map((i) => i.id);
        for (const t of theirs) expect(ids, query).not.toContain(t.id);
        expect(
          page.items.every((i) => i.applicantName === applicantA.actor.name),
          query,
        ).toBe(true);
        expect(page.total, query).toBeLessThanOrEqual(mine.length);
      }
      const all = json<{ total: number }>(await get(applicantA.token, '/api/v1/applications?pageSize=100'));
      expect(all.total).toBe(mine.length);
      // Staff of the office do see B's applications: the filter is by owner, not a blanket refusal.
      const staffList = json<{ items: { id: string }[] }>(await get(crew.verifier.token, '/api/v1/applications?pageSize=100&q=Bambang'));
      expect(staffList.items.map((i) => i.id)).toEqual(expect.arrayContaining(theirs.map((t) => t.id)));
    });
  });

  describe('offices are isolated from each other', () => {
    let office2Id: string;
    let office2Verifier: { token: string; userId: string };
    let office1Submitted: string;
    let office1Document: string;

    beforeAll(async () => {
      // ensureOffice's parameter is typed as KOTA_MALANG (every branding field required); the second office has fewer.
      office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      office2Verifier = await userWithToken(ctx, 'verifier', { host: OTHER_HOST, tenantId: office2Id });
      office1Submitted = await applicationIn('submitted');
      office1Document = (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', office1Submitted).executeTakeFirstOrThrow()).id;
    });

    it('keeps office 1’s applications out of the sight and reach of office 2’s staff', async () => {
      const o2 = { host: OTHER_HOST };
      const before = await snapshot(ctx, office1Submitted);
      const list = await get(office2Verifier.token, '/api/v1/applications?pageSize=100', o2);
      expect(list.statusCode).toBe(200);
      expect(json<{ items: { id: string }[]; total: number }>(list)).toMatchObject({ items: [], total: 0 });
      expectProblem(await get(office2Verifier.token, `/api/v1/applications/${office1Submitted}`, o2), [404]);
      expectProblem(await get(office2Verifier.token, `/api/v1/applications/${office1Submitted}/documents/${office1Document}`, o2), [404]);
      const action = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${office1Submitted}/actions`,
        headers: auth(office2Verifier.token, o2),
        payload: { action: 'start_verification' },
      });
      expectProblem(action, [404]);
      const review = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${office1Submitted}/documents/${office1Document}/review`,
        headers: auth(office2Verifier.token, o2),
        payload: { status: 'accepted' },
      });
      expectProblem(review, [404]);
      expect(await snapshot(ctx, office1Submitted)).toEqual(before);
      // Office 1's own verifier can still work on it.
      expect((await actHttp(crew.verifier.token, office1Submitted, 'start_verification')).statusCode).toBe(200);
    });

    it('treats a token from one office as not signed in at the other office', async () => {
      for (const url of ['/api/v1/me', '/api/v1/applications']) {
        expect(expectProblem(await get(crew.admin.token, url, { host: OTHER_HOST }), [401]).code).toBe('unauthenticated');
        expect(expectProblem(await get(applicantA.token, url, { host: OTHER_HOST }), [401]).code).toBe('unauthenticated');
        expect(expectProblem(await get(office2Verifier.token, url), [401]).code).toBe('unauthenticated');
      }
      const mine = await get(office2Verifier.token, '/api/v1/me', { host: OTHER_HOST });
      expect(mine.statusCode).toBe(200);
      expect(json<{ office: { code: string } }>(mine).office.code).toBe(SECOND_OFFICE.code);
    });

    it('gives each office’s applicants numbers and lists of their own office only', async () => {
      const o2Staff = { ...crew, verifier: await person(ctx, 'verifier', office2Id) };
      const o2Applicant = await person(ctx, 'applicant', office2Id, 'Citra Pemohon Batu');
      const o2App = await applicationIn('submitted', o2Staff, o2Applicant);
      const row = await ctx.db.selectFrom('applications').select(['number', 'tenant_id']).where('id', '=', o2App).executeTakeFirstOrThrow();
      expect(row.tenant_id).toBe(office2Id);
      expect(row.number).toMatch(new RegExp(`^${SECOND_OFFICE.code}-${PERMIT}-`));
      const office1List = json<{ items: { id: string }[] }>(await get(crew.verifier.token, '/api/v1/applications?pageSize=100'));
      expect(office1List.items.map((i) => i.id)).not.toContain(o2App);
      expectProblem(await get(crew.verifier.token, `/api/v1/applications/${o2App}`), [404]);
      const office2List = json<{ items: { id: string }[] }>(await get(office2Verifier.token, '/api/v1/applications?pageSize=100', { host: OTHER_HOST }));
      expect(office2List.items.map((i) => i.id)).toEqual([o2App]);
    });

    it('shows each host its own office’s permit catalogue', async () => {
      await ctx.services.catalogue.setEnabled({ tenantId: office2Id, code: 'NIB', enabled: false, actorId: null });
      const codes = async (headers: Record<string, string>) => {
        const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/permit-types', headers });
        expect(res.statusCode).toBe(200);
        return json<{ items: { code: string }[] }>(res).items.map((i) => i.code);
      };
      const office1 = await codes({});
      const office2 = await codes({ host: OTHER_HOST });
      expect(office1).toContain('NIB');
      expect(office2).not.toContain('NIB');
      expect(office2.length).toBe(office1.length - 1);
      const expected1 = (await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id })).map((t) => t.definition.code);
      const expected2 = (await ctx.services.catalogue.listPermitTypes({ tenantId: office2Id })).map((t) => t.definition.code);
      expect(office1).toEqual(expected1);
      expect(office2).toEqual(expected2);
    });
  });

  describe('permits are reached only by their holder and the head of their own office', () => {
    type PermitView = { id: string; status: string; holderName: string; revokedAt: string | null; supersededById: string | null };
    type Issued = Awaited<ReturnType<typeof issuedPermit>>;
    let office2Id: string;
    let office2Head: Person;
    let bPermit: Issued;

    const staffTokens = () => ({ verifier: crew.verifier.token, technical: crew.technical.token, head: crew.head.token, treasurer: crew.treasurer.token });
    /** What a refused call could have changed: the permit row, and the number of permits and applications. */
    async function permitState(permitId: string) {
      const row = await ctx.db
        .selectFrom('permits')
        .select(['status', 'holder_name', 'revoked_at', 'revoked_by', 'revocation_reason', 'superseded_at', 'superseded_by_id', 'document', 'signature'])
        .where('id', '=', permitId)
        .executeTakeFirstOrThrow();
      const count = async (t: 'permits' | 'applications' | 'application_events') =>
        Number(
          (
            await ctx.db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      return { row, permits: await count('permits'), applications: await count('applications'), events: await count('application_events') };
    }
    const post = (token: string, url: string, payload?: Record<string, unknown>, extra: Record<string, string> = {}) =>
      ctx.app.inject({ method: 'POST', url, headers: auth(token, extra), ...(payload ? { payload } : {}) });
    const REVOKE = { reason: 'Reklame dipasang di luar titik yang diizinkan' };
    const REISSUE = { reason: 'Nama pemegang izin salah ketik', holderName: 'Nama Yang Disisipkan' };

    beforeAll(async () => {
      // ensureOffice's parameter is typed as KOTA_MALANG (every branding field required); the second office has fewer.
      office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      office2Head = await person(ctx, 'head', office2Id, 'Kepala Kantor Batu');
      // A billboard permit (renewable) issued to applicant B through the API.
      bPermit = await issuedPermit(ctx, applicantB.token, staffTokens(), 'REKLAME');
    });

    it('lets the holder and the office see the permit (so the refusals below are about who asks)', async () => {
      const own = await get(applicantB.token, `/api/v1/permits/${bPermit.permitId}`);
      expect(own.statusCode).toBe(200);
      expect(json<PermitView>(own)).toMatchObject({ id: bPermit.permitId, status: 'valid', holderName: 'Bambang Pemohon Dua' });
      const pdf = await get(applicantB.token, `/api/v1/permits/${bPermit.permitId}/pdf`);
      expect(pdf.statusCode).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      expect((await get(crew.verifier.token, `/api/v1/permits/${bPermit.permitId}`)).statusCode).toBe(200);
      expect((await get(crew.head.token, `/api/v1/applications/${bPermit.applicationId}/permits`)).statusCode).toBe(200);
    });

    it('answers 404 to an applicant who asks for, downloads or renews another applicant’s permit, changing nothing', async () => {
      const before = await permitState(bPermit.permitId);
      const attempts: [string, LightMyRequestResponse][] = [
        ['getPermit', await get(applicantA.token, `/api/v1/permits/${bPermit.permitId}`)],
        ['downloadPermitPdf', await get(applicantA.token, `/api/v1/permits/${bPermit.permitId}/pdf`)],
        ['renewPermit', await post(applicantA.token, `/api/v1/permits/${bPermit.permitId}/renew`)],
        ['listPermits', await get(applicantA.token, `/api/v1/applications/${bPermit.applicationId}/permits`)],
        ['listReceipts', await get(applicantA.token, `/api/v1/applications/${bPermit.applicationId}/receipts`)],
        ['revokePermit', await post(applicantA.token, `/api/v1/permits/${bPermit.permitId}/revoke`, REVOKE)],
        ['reissuePermit', await post(applicantA.token, `/api/v1/permits/${bPermit.permitId}/reissue`, REISSUE)],
      ];
      for (const [name, res] of attempts) {
        // Revoking and re-issuing are the head's: the role is refused before the permit is even looked up.
        const want = name === 'revokePermit' || name === 'reissuePermit' ? 403 : 404;
        expect(res.statusCode, `${name} → ${res.statusCode} ${res.body.slice(0, 200)}`).toBe(want);
        expectProblem(res, [want]);
        expect(res.body, name).not.toContain('Bambang');
        expect(res.body, name).not.toContain(bPermit.number);
        expect(res.body, name).not.toContain(bPermit.verificationCode);
        expect(res.headers['content-disposition'], name).toBeUndefined();
      }
      expect(await permitState(bPermit.permitId)).toEqual(before);
      // No renewal draft was opened for A (or anyone) from B's permit.
      const renewals = await ctx.db.selectFrom('applications').select('id').where('renews_permit_id', '=', bPermit.permitId).execute();
      expect(renewals).toEqual([]);
    });

    it('refuses a verifier (and every officer but the head) who tries to revoke or re-issue a permit with 403; the permit stays valid', async () => {
      const before = await permitState(bPermit.permitId);
      for (const role of ROLES.filter((r) => r !== 'head')) {
        const revoke = await post(crew[role].token, `/api/v1/permits/${bPermit.permitId}/revoke`, REVOKE);
        expect(expectProblem(revoke, [403]).code, `${role} revoke`).toBe('forbidden');
        const reissue = await post(crew[role].token, `/api/v1/permits/${bPermit.permitId}/reissue`, REISSUE);
        expect(expectProblem(reissue, [403]).code, `${role} reissue`).toBe('forbidden');
      }
      // Renewal is the holder's: an officer cannot start one for them.
      for (const role of ROLES.filter((r) => r !== 'applicant')) {
        expect(expectProblem(await post(crew[role].token, `/api/v1/permits/${bPermit.permitId}/renew`), [403]).code, `${role} renew`).toBe('forbidden');
      }
      expect(await permitState(bPermit.permitId)).toEqual(before);
      expect(json<PermitView>(await get(applicantB.token, `/api/v1/permits/${bPermit.permitId}`))).toMatchObject({
        status: 'valid',
        revokedAt: null,
        supersededById: null,
      });
      const verified = await ctx.app.inject({ method: 'GET', url: `/api/v1/verify/${bPermit.verificationCode}` });
      expect(json(verified)).toMatchObject({ status: 'valid', kind: 'permit' });
    });

    it('lets the head of the office revoke, so the refusals above were about the role', async () => {
      const other = await issuedPermit(ctx, applicantB.token, staffTokens(), 'REKLAME');
      const res = await post(crew.head.token, `/api/v1/permits/${other.permitId}/revoke`, REVOKE);
      expect(res.statusCode, res.body).toBe(200);
      expect(json<PermitView>(res)).toMatchObject({ id: other.permitId, status: 'revoked' });
      expect(json(await ctx.app.inject({ method: 'GET', url: `/api/v1/verify/${other.verificationCode}` }))).toMatchObject({
        status: 'revoked',
        kind: 'permit',
      });
    });

    it('keeps office 1’s permit out of the sight and reach of the head of office 2', async () => {
      const o2 = { host: OTHER_HOST };
      const before = await permitState(bPermit.permitId);
      for (const [name, res] of [
        ['getPermit', await get(office2Head.token, `/api/v1/permits/${bPermit.permitId}`, o2)],
        ['downloadPermitPdf', await get(office2Head.token, `/api/v1/permits/${bPermit.permitId}/pdf`, o2)],
        ['listPermits', await get(office2Head.token, `/api/v1/applications/${bPermit.applicationId}/permits`, o2)],
        ['listReceipts', await get(office2Head.token, `/api/v1/applications/${bPermit.applicationId}/receipts`, o2)],
        ['revokePermit', await post(office2Head.token, `/api/v1/permits/${bPermit.permitId}/revoke`, REVOKE, o2)],
        ['reissuePermit', await post(office2Head.token, `/api/v1/permits/${bPermit.permitId}/reissue`, REISSUE, o2)],
      ] as const) {
        expect(expectProblem(res, [404]).code, name).toBe('not_found');
        expect(res.body, name).not.toContain(bPermit.number);
        expect(res.body, name).not.toContain('Bambang');
      }
      // Office 2's head token means nothing at office 1, nor office 1's head token at office 2.
      expect(expectProblem(await post(office2Head.token, `/api/v1/permits/${bPermit.permitId}/revoke`, REVOKE), [401]).code).toBe('unauthenticated');
      expect(expectProblem(await post(crew.head.token, `/api/v1/permits/${bPermit.permitId}/revoke`, REVOKE, o2), [401]).code).toBe('unauthenticated');
      expect(await permitState(bPermit.permitId)).toEqual(before);
      expect(json<PermitView>(await get(applicantB.token, `/api/v1/permits/${bPermit.permitId}`)).status).toBe('valid');
    });

    it('does not find office 1’s permit when its code or PDF is checked at office 2’s address', async () => {
      const at2 = await ctx.app.inject({ method: 'GET', url: `/api/v1/verify/${bPermit.verificationCode}`, headers: { host: OTHER_HOST } });
      expect(at2.statusCode).toBe(200);
      expect(json(at2)).toEqual({ status: 'not_found', kind: null });
      expect(at2.body).not.toContain(bPermit.number);
      expect(at2.body).not.toContain('Bambang');
      // The same code at office 1 does find it.
      expect(json(await ctx.app.inject({ method: 'GET', url: `/api/v1/verify/${bPermit.verificationCode}` }))).toMatchObject({
        status: 'valid',
        kind: 'permit',
        permit: { number: bPermit.number },
      });
      const pdf = (await get(applicantB.token, `/api/v1/permits/${bPermit.permitId}/pdf`)).rawPayload;
      const upload = multipartFile('izin.pdf', pdf, 'application/pdf');
      const pdfAt2 = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/verify/pdf',
        headers: { ...upload.headers, host: OTHER_HOST },
        payload: upload.payload,
      });
      expect(pdfAt2.statusCode).toBe(200);
      expect(json(pdfAt2)).toEqual({ status: 'not_authentic', kind: null });
      // Nor does office 2's public registry list it.
      const registry = await ctx.app.inject({ method: 'GET', url: `/api/v1/registry?q=${encodeURIComponent(bPermit.number)}`, headers: { host: OTHER_HOST } });
      expect(registry.statusCode).toBe(200);
      expect(json<{ total: number }>(registry).total).toBe(0);
      const exported = await ctx.app.inject({ method: 'GET', url: '/api/v1/registry/export.csv', headers: { host: OTHER_HOST } });
      expect(exported.statusCode).toBe(200);
      expect(exported.body).not.toContain(bPermit.verificationCode);
    });

    it('publishes each office’s revocation list at its own address only: office 2’s lists none of office 1’s revocations', async () => {
      const revoked = await ctx.db.selectFrom('permits').select('number').where('tenant_id', '=', ctx.tenant.id).where('status', '=', 'revoked').execute();
      expect(revoked.length).toBeGreaterThan(0);
      const hashes = revoked.map((p) => createHash('sha256').update(`MLG:${p.number}`, 'utf8').digest('hex'));
      type List = { office: string; entries: { h: string }[] };
      const at1 = json<List>(await ctx.app.inject({ method: 'GET', url: '/.well-known/izol-revocations.json' }));
      expect(at1.office).toBe('MLG');
      expect(at1.entries.map((e) => e.h)).toEqual(expect.arrayContaining(hashes));
      const at2res = await ctx.app.inject({ method: 'GET', url: '/.well-known/izol-revocations.json', headers: { host: OTHER_HOST } });
      expect(at2res.statusCode).toBe(200);
      const at2 = json<List>(at2res);
      expect(at2.office).toBe(SECOND_OFFICE.code);
      for (const h of hashes) expect(at2.entries.map((e) => e.h)).not.toContain(h);
      // A bearer token (even office 1's head's) changes nothing: the list is public and the same for all.
      const withToken = json<List>(await ctx.app.inject({ method: 'GET', url: '/.well-known/izol-revocations.json', headers: auth(crew.head.token) }));
      expect(withToken.entries).toEqual(at1.entries);
    });
  });

  describe('the role × action × state matrix follows the workflow, through the API alone (ASVS v5.0.0-8.2.1, 2.3.1, 8.3.1)', () => {
    /** What the API must answer when `role` asks for `code` on an online application in `state`. */
    function expected(state: string, role: Role, code: string): 200 | 403 | 409 {
      const action = workflow.actions.find((a) => a.code === code && a.from.includes(state));
      if (!action) return 409;
      if (!action.roles.includes(role)) return 403;
      // The front desk acts for the applicant only on files it took in; these are online applications.
      if (role === 'front_desk') return 403;
      return 200;
    }

    it('reaches every state of the workflow, so the matrix below covers all of them', () => {
      for (const s of workflow.states) expect(() => pathTo(workflow, s.code), s.code).not.toThrow();
    });

    it('refuses every role and action the workflow does not allow from each state, with 403 or 409, changing nothing', async () => {
      const codes = [...new Set(workflow.actions.map((a) => a.code))];
      const mismatches: string[] = [];
      const states = workflow.states.map((s) => s.code);
      const probes = await inParallel(states, 4, async (state) => {
        const id = await applicationIn(state);
        // Preconditions met where they can be, so a refusal can only come from the role or the state.
        for (const a of workflow.actions.filter((x) => x.from.includes(state))) await satisfy(id, a, crew);
        return { state, id, before: await snapshot(ctx, id) };
      });
      await inParallel(probes, 4, async ({ state, id }) => {
        for (const role of ROLES) {
          const view = await get(crew[role].token, `/api/v1/applications/${id}`);
          if (view.statusCode !== 200) mismatches.push(`${state} / ${role}: cannot read the application (${view.statusCode})`);
          const offered =
            view.statusCode === 200
              ? json<AppView>(view)
                  .availableActions.map((a) => a.code)
                  .sort()
              : [];
          const allowed = codes.filter((c) => expected(state, role, c) === 200).sort();
          if (JSON.stringify(offered) !== JSON.stringify(allowed))
            mismatches.push(`${state} / ${role}: offers [${offered.join(',')}] but the workflow allows [${allowed.join(',')}]`);
          for (const code of codes) {
            const want = expected(state, role, code);
            if (want === 200) continue;
            const res = await actHttp(crew[role].token, id, code, EVERY_EXTRA);
            const problem = res.headers['content-type']?.toString().startsWith('application/problem+json') ? json<Problem>(res) : undefined;
            const wantCode = want === 403 ? 'forbidden' : 'invalid_state';
            if (res.statusCode !== want || problem?.code !== wantCode)
              mismatches.push(`${state} / ${role} / ${code}: expected ${want} ${wantCode}, got ${res.statusCode} ${problem?.code}`);
          }
        }
      });
      for (const { state, id, before } of probes) expect(await snapshot(ctx, id), `nothing changed in ${state}`).toEqual(before);
      expect(mismatches.sort()).toEqual([]);
    });

    it('allows exactly the roles the workflow lists, each on a fresh copy of an application in that state', async () => {
      const cases = workflow.states.flatMap((s) =>
        workflow.actions
          .filter((a) => a.from.includes(s.code))
          .flatMap((action) => action.roles.filter((r) => expected(s.code, r, action.code) === 200).map((role) => ({ state: s.code, action, role }))),
      );
      // Every action of the workflow is allowed to someone from somewhere, and gets tried.
      expect(new Set(cases.map((c) => c.action))).toEqual(new Set(workflow.actions));
      const mismatches = await inParallel(cases, 4, async ({ state, action, role }) => {
        const id = await applicationIn(state);
        await satisfy(id, action, crew);
        const res = await actHttp(crew[role].token, id, action.code, extrasFor(action));
        const to = res.statusCode === 200 ? json<AppView>(res).state.code : undefined;
        return res.statusCode === 200 && to === action.to
          ? null
          : `${state} / ${role} / ${action.code}: expected 200 → ${action.to}, got ${res.statusCode} ${res.body.slice(0, 200)}`;
      });
      expect(mismatches.filter(Boolean)).toEqual([]);
    });

    it('does not let a verifier approve, nor the treasurer, nor anyone but the head', async () => {
      const id = await applicationIn('approval');
      const before = await snapshot(ctx, id);
      for (const role of ROLES.filter((r) => r !== 'head')) {
        expect(expectProblem(await actHttp(crew[role].token, id, 'approve'), [403]).code, role).toBe('forbidden');
      }
      expect(await snapshot(ctx, id)).toEqual(before);
      expect(json<AppView>(await actHttp(crew.head.token, id, 'approve')).state.code).toBe('signing');
    });

    it('does not let the head approve a draft (409), or approve before the fee is paid', async () => {
      const draftId = await applicationIn('draft');
      const unpaid = await applicationIn('awaiting_payment');
      const before = [await snapshot(ctx, draftId), await snapshot(ctx, unpaid)];
      expect(expectProblem(await actHttp(crew.head.token, draftId, 'approve'), [409]).code).toBe('invalid_state');
      expect(expectProblem(await actHttp(crew.head.token, unpaid, 'approve'), [409]).code).toBe('invalid_state');
      expect(expectProblem(await actHttp(crew.head.token, unpaid, 'sign'), [409]).code).toBe('invalid_state');
      expect(expectProblem(await actHttp(crew.treasurer.token, unpaid, 'approve'), [409]).code).toBe('invalid_state');
      expect([await snapshot(ctx, draftId), await snapshot(ctx, unpaid)]).toEqual(before);
      const unpaidView = json<AppView & { fee: { paid: boolean } }>(await get(crew.head.token, `/api/v1/applications/${unpaid}`));
      expect(unpaidView.fee.paid).toBe(false);
      expect(unpaidView.availableActions).toEqual([]);
    });

    it('refuses the submit and withdraw shortcuts to office staff, and to the front desk on an online application', async () => {
      const id = await applicationIn('draft');
      const before = await snapshot(ctx, id);
      for (const role of ROLES.filter((r) => r !== 'applicant')) {
        for (const op of ['submit', 'withdraw']) {
          const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/${op}`, headers: auth(crew[role].token), payload: {} });
          expect(expectProblem(res, [403]).code, `${role} ${op}`).toBe('forbidden');
        }
      }
      expect(await snapshot(ctx, id)).toEqual(before);
    });

    it('lets the front desk act for an applicant only on a file it took in', async () => {
      const desk = crew.front_desk;
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(desk.token),
        payload: { permitTypeCode: PERMIT, answers: await validAnswers(ctx, PERMIT), channel: 'walk_in', applicantName: 'Pak Darto' },
      });
      expect(created.statusCode).toBe(201);
      const walkIn = json<AppView>(created).id;
      // Applicant A is not the owner of the walk-in file: to A it does not exist.
      expectProblem(await actHttp(applicantA.token, walkIn, 'submit'), [404]);
      expectProblem(await get(applicantA.token, `/api/v1/applications/${walkIn}`), [404]);
      // A verifier cannot submit it on the desk's behalf.
      expectProblem(await actHttp(crew.verifier.token, walkIn, 'submit'), [403]);
      expect(json<Problem>(await actHttp(desk.token, walkIn, 'submit')).code).toBe('precondition_failed');
    });
  });

  describe('notes, assignment, fee assessment, document review and inspection follow the policy per role', () => {
    /** The states where each office role's work on a file happens: the verifier's, the technical team's, the treasurer's. */
    const STATES = ['verification', 'technical_review', 'fee_assessment'] as const;
    type Asker = { label: string; person: Person; headers: Record<string, string> };
    type Operation = {
      name: string;
      permission: Permission;
      /** The status of a call the policy allows. */
      ok: number;
      request: (id: string, documentId: string) => InjectOptions;
    };
    const photo = multipartFile('lokasi.png', DEMO_PNG, 'image/png');
    const OPERATIONS: Operation[] = [
      { name: 'listApplicationNotes', permission: 'application.read', ok: 200, request: (id) => ({ method: 'GET', url: `/api/v1/applications/${id}/notes` }) },
      {
        name: 'addApplicationNote',
        permission: 'note.add',
        ok: 201,
        request: (id) => ({ method: 'POST', url: `/api/v1/applications/${id}/notes`, payload: { kind: 'internal', body: 'Catatan uji akses' } }),
      },
      {
        name: 'assignApplication (release)',
        permission: 'application.assign',
        ok: 200,
        request: (id) => ({ method: 'POST', url: `/api/v1/applications/${id}/assign`, payload: { assigneeId: null } }),
      },
      { name: 'getFeeAssessment', permission: 'fee.assess', ok: 200, request: (id) => ({ method: 'GET', url: `/api/v1/applications/${id}/fee` }) },
      {
        name: 'reviewDocument',
        permission: 'document.review',
        ok: 200,
        request: (id, documentId) => ({ method: 'POST', url: `/api/v1/applications/${id}/documents/${documentId}/review`, payload: { status: 'accepted' } }),
      },
      {
        name: 'scheduleInspection',
        permission: 'inspection.schedule',
        ok: 200,
        request: (id) => ({
          method: 'POST',
          url: `/api/v1/applications/${id}/inspection-schedule`,
          payload: { date: '2026-12-02', officerId: crew.technical.userId },
        }),
      },
      {
        name: 'recordInspection',
        permission: 'inspection.record',
        ok: 200,
        request: (id) => ({ method: 'POST', url: `/api/v1/applications/${id}/inspection`, payload: { result: 'pass', findings: 'Sesuai gambar rencana' } }),
      },
      {
        name: 'uploadInspectionPhoto',
        permission: 'inspection.record',
        ok: 201,
        request: (id) => ({ method: 'POST', url: `/api/v1/applications/${id}/inspection/photos`, headers: photo.headers, payload: photo.payload }),
      },
    ];

    /** What the policy answers: the allowed status, or the status of requireAccess's refusal (403, 404 or 409). */
    function policyStatus(actor: Actor, op: Operation, resource: AccessResource): number {
      if (can(actor, op.permission, resource)) return op.ok;
      try {
        requireAccess({ actor, permission: op.permission, resource });
      } catch (err) {
        if (err instanceof AppError) return ERROR_CODES[err.code];
        throw err;
      }
      throw new Error(`${op.permission}: can() refuses but requireAccess allows`);
    }

    const noteCount = async (id: string) =>
      Number(
        (
          await ctx.db
            .selectFrom('application_notes')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('application_id', '=', id)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const changes = async (id: string) => ({ ...(await snapshot(ctx, id)), notes: await noteCount(id) });

    it.each(STATES)('answers each role as the policy says, in %s, and a refusal changes nothing', async (state) => {
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const askers: Asker[] = [
        ...ROLES.map((role) => ({ label: role, person: crew[role], headers: {} })),
        { label: 'technical of another office', person: await person(ctx, 'technical', office2Id), headers: { host: OTHER_HOST } },
      ];
      const id = await applicationIn(state);
      // One internal note and one message to the applicant, so that reading them shows who sees which.
      await ctx.services.notes.addNote({ actor: crew.verifier.actor, applicationId: id, kind: 'internal', body: 'Catatan internal rahasia' });
      await ctx.services.notes.addNote({ actor: crew.verifier.actor, applicationId: id, kind: 'to_applicant', body: 'Pesan untuk pemohon' });
      const documentId = (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', id).executeTakeFirstOrThrow()).id;
      const mismatches: string[] = [];
      let allowed = 0;
      for (const asker of askers) {
        for (const op of OPERATIONS) {
          // Judged on the row as it is now: an allowed call before this one may have changed it (not its state).
          const application = await ctx.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
          const { workflow: wf, definition } = await ctx.services.catalogue.getVersion(application.permit_type_version_id);
          const want = policyStatus(asker.person.actor, op, { application, workflow: wf, definition });
          const before = await changes(id);
          const request = op.request(id, documentId);
          const res = await ctx.app.inject({
            ...request,
            headers: { ...auth(asker.person.token, asker.headers), ...(request.headers as Record<string, string> | undefined) },
          });
          if (res.statusCode !== want)
            mismatches.push(`${state} / ${asker.label} / ${op.name}: the policy says ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
          if (want === op.ok) {
            allowed++;
          } else {
            expectProblem(res, [want]);
            expect(await changes(id), `${state} / ${asker.label} / ${op.name} changed something`).toEqual(before);
          }
          if (op.name === 'listApplicationNotes' && res.statusCode === 200) {
            const kinds = json<{ items: { kind: string }[] }>(res)
              .items.map((n) => n.kind)
              .sort();
            const internal = can(asker.person.actor, 'note.readInternal', { application, workflow: wf, definition });
            // Staff read every note; the applicant only the messages addressed to them.
            if (internal ? !kinds.includes('internal') : kinds.some((k) => k !== 'to_applicant') || !kinds.includes('to_applicant'))
              mismatches.push(`${state} / ${asker.label}: reads notes [${kinds.join(',')}] though note.readInternal is ${internal}`);
          }
        }
      }
      expect(mismatches).toEqual([]);
      // Someone was allowed each time, so the refusals are about who asks, not a broken fixture.
      expect(allowed).toBeGreaterThan(askers.length);
    });
  });

  describe('field-level access (ASVS v5.0.0-8.2.3)', () => {
    it.each([
      ['state', { state: 'issued' }],
      ['feeAmount', { feeAmount: 0 }],
      ['number', { number: 'MLG-PBG-2026-999999' }],
      ['applicantId', { applicantId: '0f8fad5b-d9cb-469f-a165-70867728950e' }],
      ['paymentReference', { paymentReference: 'LUNAS' }],
      ['channel', { channel: 'walk_in' }],
    ])('rejects an applicant PATCH that also sets %s, changing nothing', async (_field, extra) => {
      const id = await applicationIn('draft');
      const before = await snapshot(ctx, id);
      const res = await ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/applications/${id}`,
        headers: auth(applicantA.token),
        payload: { answers: { floorCount: 3 }, ...extra },
      });
      expect(expectProblem(res, [400]).code).toBe('invalid_input');
      expect(await snapshot(ctx, id)).toEqual(before);
      // The same edit without the officer-only field goes through.
      const ok = await ctx.app.inject({
        method: 'PATCH',
        url: `/api/v1/applications/${id}`,
        headers: auth(applicantA.token),
        payload: { answers: { floorCount: 3 } },
      });
      expect(ok.statusCode).toBe(200);
    });

    it('rejects officer-only fields on an applicant’s action too', async () => {
      const id = await applicationIn('draft');
      const before = await snapshot(ctx, id);
      const res = await actHttp(applicantA.token, id, 'submit', { state: 'approval', number: 'X' });
      expect(expectProblem(res, [400]).code).toBe('invalid_input');
      expect(await snapshot(ctx, id)).toEqual(before);
    });

    it.each(['walk_in', 'courier', 'assisted'] as const)('refuses an applicant who files with channel %s (403), creating nothing', async (channel) => {
      const count = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('applications')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const before = await count();
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(applicantA.token),
        payload: { permitTypeCode: PERMIT, channel },
      });
      expect(expectProblem(res, [403]).code).toBe('forbidden');
      expect(await count()).toBe(before);
    });

    it('files an applicant’s application under their own name, whatever applicantName says', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(applicantA.token),
        payload: { permitTypeCode: PERMIT, applicantName: 'Bambang Pemohon Dua', channel: 'online' },
      });
      expect(res.statusCode).toBe(201);
      const view = json<AppView>(res);
      expect(view).toMatchObject({ applicantName: applicantA.actor.name, channel: 'online' });
      const row = await ctx.db.selectFrom('applications').select(['applicant_id', 'intake_officer_id']).where('id', '=', view.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ applicant_id: applicantA.userId, intake_officer_id: null });
    });

    it('never shows the applicant which officer reviewed their documents', async () => {
      const id = await applicationIn('technical_review');
      const view = await get(applicantA.token, `/api/v1/applications/${id}`);
      expect(view.statusCode).toBe(200);
      expect(view.body).not.toContain(crew.verifier.userId);
      expect(view.body).not.toContain(crew.technical.userId);
      expect(view.body).not.toContain(crew.verifier.actor.name);
    });
  });

  describe('the help desk follows helpdesk.manage (front desk and admin), within the office; only the front desk opens assisted drafts', () => {
    it('answers each role as the policy says, a refusal writes nothing, and another office’s front desk finds nothing', async () => {
      const created = json<{ id: string }>(
        await ctx.app.inject({ method: 'POST', url: '/api/v1/help-requests', payload: { handle: 'akses.bantuan@contoh.id', message: 'Uji akses bantuan' } }),
      );
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherDesk = await person(ctx, 'front_desk', office2Id);
      const messageCount = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('help_messages')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('request_id', '=', created.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      for (const role of ROLES) {
        const allowed = can(crew[role].actor, 'helpdesk.manage', { tenantId: ctx.tenant.id });
        expect(allowed, role).toBe(role === 'front_desk' || role === 'admin');
        expect((await get(crew[role].token, '/api/v1/help-requests')).statusCode, role).toBe(allowed ? 200 : 403);
        expect((await get(crew[role].token, `/api/v1/help-requests/${created.id}`)).statusCode, role).toBe(allowed ? 200 : 403);
        const before = await messageCount();
        const note = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/help-requests/${created.id}/notes`,
          headers: auth(crew[role].token),
          payload: { body: `Catatan ${role}` },
        });
        expect(note.statusCode, role).toBe(allowed ? 201 : 403);
        expect(await messageCount(), role).toBe(before + (allowed ? 1 : 0));
      }
      // Assist opens an application: the front desk's intake, not the admin's.
      for (const role of ROLES) {
        const mayAssist =
          can(crew[role].actor, 'helpdesk.manage', { tenantId: ctx.tenant.id }) && can(crew[role].actor, 'application.intake', { tenantId: ctx.tenant.id });
        expect(mayAssist, role).toBe(role === 'front_desk');
        if (role === 'front_desk') continue;
        const res = await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/help-requests/${created.id}/assist`,
          headers: auth(crew[role].token),
          payload: { permitTypeCode: PERMIT },
        });
        expect(res.statusCode, role).toBe(403);
      }
      const row = await ctx.db.selectFrom('help_requests').select('application_id').where('id', '=', created.id).executeTakeFirstOrThrow();
      expect(row.application_id).toBeNull();
      const assisted = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/help-requests/${created.id}/assist`,
        headers: auth(crew.front_desk.token),
        payload: { permitTypeCode: PERMIT },
      });
      expect(assisted.statusCode, assisted.body).toBe(201);
      // Claiming by link is a citizen's: an officer is refused whatever the token.
      for (const role of ROLES.filter((r) => r !== 'applicant')) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/claim-links/claim',
          headers: auth(crew[role].token),
          payload: { token: 'n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM' },
        });
        expect(res.statusCode, role).toBe(403);
      }
      expectProblem(await get(otherDesk.token, `/api/v1/help-requests/${created.id}`, { host: OTHER_HOST }), [404]);
      const theirs = json<{ items: { id: string }[] }>(await get(otherDesk.token, '/api/v1/help-requests', { host: OTHER_HOST }));
      expect(theirs.items.map((i) => i.id)).not.toContain(created.id);
    });
  });

  describe('courier parcels follow parcels.manage (front desk and admin), within the office', () => {
    it('answers each role as the policy says, and another office’s front desk finds nothing', async () => {
      const logged = await ctx.services.parcels.logParcel({
        actor: crew.front_desk.actor,
        company: 'JNE',
        trackingNumber: 'AKSES0001',
        senderName: 'Pak Darto',
      });
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherDesk = await person(ctx, 'front_desk', office2Id);
      const parcelCount = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('parcels')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      for (const role of ROLES) {
        const allowed = can(crew[role].actor, 'parcels.manage', { tenantId: ctx.tenant.id });
        expect(allowed, role).toBe(role === 'front_desk' || role === 'admin');
        expect((await get(crew[role].token, '/api/v1/parcels')).statusCode, role).toBe(allowed ? 200 : 403);
        expect((await get(crew[role].token, `/api/v1/parcels/${logged.id}`)).statusCode, role).toBe(allowed ? 200 : 403);
        expect((await get(crew[role].token, '/api/v1/parcels/report')).statusCode, role).toBe(allowed ? 200 : 403);
        const before = await parcelCount();
        const res = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/parcels',
          headers: auth(crew[role].token),
          payload: { company: 'JNE', trackingNumber: `AKSES-${ROLES.indexOf(role)}`, senderName: 'Pak Darto' },
        });
        expect(res.statusCode, role).toBe(allowed ? 201 : 403);
        expect(await parcelCount(), role).toBe(before + (allowed ? 1 : 0));
      }
      expectProblem(await get(otherDesk.token, `/api/v1/parcels/${logged.id}`, { host: OTHER_HOST }), [404]);
      const theirs = json<{ parcels: { id: string }[] }>(await get(otherDesk.token, '/api/v1/parcels', { host: OTHER_HOST }));
      expect(theirs.parcels.map((p) => p.id)).not.toContain(logged.id);
      const link = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/parcels/${logged.id}/link`,
        headers: auth(otherDesk.token, { host: OTHER_HOST }),
        payload: { newApplication: { permitTypeCode: PERMIT } },
      });
      expectProblem(link, [404]);
      expect((await ctx.db.selectFrom('parcels').select('application_id').where('id', '=', logged.id).executeTakeFirstOrThrow()).application_id).toBeNull();
    });
  });

  describe('appointments: the front desk and the admin book for a caller (appointment.bookFor), without the WhatsApp code', () => {
    it('answers each role as the policy says; anonymous callers and applicants need the code', async () => {
      const bookings = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('appointments')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const book = (headers: Record<string, string>, i: number) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/v1/appointments',
          headers,
          payload: { service: 'KONSULTASI', start: '2026-11-24T02:00:00.000Z', name: 'Penelpon', whatsapp: `0812 9000 ${String(1000 + i)}` },
          remoteAddress: `10.77.0.${i + 1}`,
        });
      for (const [i, role] of ROLES.entries()) {
        const allowed = can(crew[role].actor, 'appointment.bookFor', { tenantId: ctx.tenant.id });
        expect(allowed, role).toBe(role === 'front_desk' || role === 'admin');
        expect(can(crew[role].actor, 'appointments.manage', { tenantId: ctx.tenant.id }), role).toBe(role === 'admin');
        const before = await bookings();
        const res = await book(auth(crew[role].token), i);
        expect(res.statusCode, role).toBe(allowed ? 201 : role === 'applicant' ? 422 : 403);
        expect(await bookings(), role).toBe(before + (allowed ? 1 : 0));
      }
      const before = await bookings();
      expect(expectProblem(await book({}, 50), [422]).code).toBe('appointment_code_wrong');
      expect(await bookings()).toBe(before);
    });
  });

  describe('the retribution coefficients follow fees.manage (admin) and fees.read (admin, head), within the office', () => {
    it('answers each role as the policy says; a refused save writes nothing; another office’s admin sees only its own', async () => {
      const coefficients = loadRetributionTable().offices.MLG!['2026']!;
      const url = '/api/v1/fees/retribution-coefficients';
      const versions = async () =>
        Number(
          (
            await ctx.db
              .selectFrom('retribution_coefficients')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('tenant_id', '=', ctx.tenant.id)
              .executeTakeFirstOrThrow()
          ).n,
        );
      for (const role of ROLES) {
        const reads = can(crew[role].actor, 'fees.read', { tenantId: ctx.tenant.id });
        const manages = can(crew[role].actor, 'fees.manage', { tenantId: ctx.tenant.id });
        expect(reads, role).toBe(role === 'admin' || role === 'head');
        expect(manages, role).toBe(role === 'admin');
        expect((await ctx.app.inject({ method: 'GET', url, headers: auth(crew[role].token) })).statusCode, role).toBe(reads ? 200 : 403);
        const before = await versions();
        const res = await ctx.app.inject({
          method: 'PUT',
          url: `${url}/2027`,
          headers: auth(crew[role].token),
          payload: { coefficients, reason: `Uji ${role}` },
        });
        expect(res.statusCode, role).toBe(manages ? 201 : 403);
        expect(await versions(), role).toBe(before + (manages ? 1 : 0));
      }
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherAdmin = await person(ctx, 'admin', office2Id);
      const theirs = await ctx.app.inject({ method: 'GET', url, headers: auth(otherAdmin.token, { host: 'batu.izol.test' }) });
      expect(theirs.statusCode).toBe(200);
      expect(json<{ years: { year: number }[] }>(theirs).years.map((y) => y.year)).not.toContain(2027);
    });
  });

  // ── Money (issue 12): bills, payment settings, the money desk, revenue, the fee estimate, SNAP ────────────────
  /** A count of rows of one table (optionally of one office), for "a refused write changes nothing". */
  const rows = async (table: 'bills' | 'payments' | 'revenue_targets' | 'reconciliation_days' | 'snap_access_tokens' | 'applications', tenantId?: string) =>
    Number(
      (
        await (tenantId ? ctx.db.selectFrom(table).where('tenant_id', '=', tenantId) : ctx.db.selectFrom(table))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  /** A PBG file of applicant A waiting for payment, with its open bill (the office has default payment settings from its set-up). */
  async function fileWithBill(): Promise<{ id: string; bill: { id: string; customer_no: string; number: string; amount: number } }> {
    const id = await applicationIn('awaiting_payment');
    const bill = await ctx.db.selectFrom('bills').selectAll().where('application_id', '=', id).where('state', '=', 'open').executeTakeFirstOrThrow();
    return { id, bill: { ...bill, amount: Number(bill.amount) } };
  }
  const bills = async (applicationId: string) =>
    ctx.db.selectFrom('bills').select(['id', 'state', 'expires_at', 'voided_at']).where('application_id', '=', applicationId).orderBy('id').execute();

  describe('bills follow application.read (the file’s applicant, the office’s staff) and payments.manage (treasurer), within the office', () => {
    it('answers each role as the policy says on listApplicationBills, reissueApplicationBill and requestNewBillCode; a refusal changes nothing', async () => {
      const file = await fileWithBill();
      const url = `/api/v1/applications/${file.id}/bills`;
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const application = await ctx.db.selectFrom('applications').selectAll().where('id', '=', file.id).executeTakeFirstOrThrow();
      const askers: { label: string; person: Person; headers: Record<string, string> }[] = [
        ...ROLES.map((role) => ({ label: role, person: crew[role], headers: {} })),
        { label: 'another applicant', person: applicantB, headers: {} },
        { label: 'treasurer of another office', person: await person(ctx, 'treasurer', office2Id), headers: { host: OTHER_HOST } },
      ];
      const mismatches: string[] = [];
      const check = (label: string, op: string, res: LightMyRequestResponse, want: number) => {
        if (res.statusCode !== want) mismatches.push(`${label} / ${op}: the policy says ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
        else if (want >= 400) expectProblem(res, [want]);
      };
      for (const asker of askers) {
        const actor = asker.person.actor;
        const sameOffice = actor.tenantId === ctx.tenant.id;
        // listApplicationBills: whoever may read the file; another applicant's or another office's file does not exist (404).
        const list = await get(asker.person.token, url, asker.headers);
        check(asker.label, 'listApplicationBills', list, can(actor, 'application.read', { application }) ? 200 : 404);
        if (list.statusCode === 200) {
          const body = json<{ bills: { number: string; status: string }[]; can: { reissue: boolean; requestNewCode: boolean } }>(list);
          expect(
            body.bills.map((b) => b.number),
            asker.label,
          ).toContain(file.bill.number);
          expect(body.can.reissue, asker.label).toBe(can(actor, 'payments.manage', { application }));
          expect(body.can.requestNewCode, asker.label).toBe(false);
        } else {
          expect(list.body, asker.label).not.toContain(file.bill.number);
        }
        // reissueApplicationBill: payments.manage, asked for the office first (a role is refused before the file is looked up).
        const before = await bills(file.id);
        const reissue = await ctx.app.inject({
          method: 'POST',
          url: `${url}/reissue`,
          headers: auth(asker.person.token, asker.headers),
          payload: { reason: `Kode bayar hilang (${asker.label})` },
        });
        const mayReissue = can(actor, 'payments.manage', { tenantId: actor.tenantId });
        check(asker.label, 'reissueApplicationBill', reissue, mayReissue ? (sameOffice ? 201 : 404) : 403);
        if (reissue.statusCode !== 201) expect(await bills(file.id), `${asker.label} reissue changed the bills`).toEqual(before);
        // requestNewBillCode: the file's own applicant only, and not while the code can be paid (409).
        const beforeCode = await bills(file.id);
        const code = await ctx.app.inject({ method: 'POST', url: `${url}/new-code`, headers: auth(asker.person.token, asker.headers) });
        const owner = can(actor, 'application.read', { application }) && actor.userId === application.applicant_id;
        check(asker.label, 'requestNewBillCode', code, owner ? 409 : can(actor, 'application.read', { application }) ? 403 : 404);
        expect(await bills(file.id), `${asker.label} new-code changed the bills`).toEqual(beforeCode);
      }
      expect(mismatches).toEqual([]);
      // The treasurer's re-issue above voided the first bill and issued one open bill in its place.
      const after = await bills(file.id);
      expect(after.filter((b) => b.state === 'open')).toHaveLength(1);
      expect(after.filter((b) => b.state === 'voided').map((b) => b.id)).toContain(file.bill.id);
      // Once the code has expired, the applicant of the file gets a new one at once (and nobody else does).
      await ctx.db
        .updateTable('bills')
        .set({ expires_at: '2020-01-01T00:00:00.000Z' })
        .where('application_id', '=', file.id)
        .where('state', '=', 'open')
        .execute();
      const beforeExpired = await bills(file.id);
      for (const role of ROLES.filter((r) => r !== 'applicant')) {
        expectProblem(await ctx.app.inject({ method: 'POST', url: `${url}/new-code`, headers: auth(crew[role].token) }), [403]);
      }
      expectProblem(await ctx.app.inject({ method: 'POST', url: `${url}/new-code`, headers: auth(applicantB.token) }), [404]);
      expect(await bills(file.id)).toEqual(beforeExpired);
      const fresh = await ctx.app.inject({ method: 'POST', url: `${url}/new-code`, headers: auth(applicantA.token) });
      expect(fresh.statusCode, fresh.body).toBe(201);
      expect((await bills(file.id)).filter((b) => b.state === 'open')).toHaveLength(1);
      // Not signed in: 401 on all three, nothing changed.
      const beforeAnon = await bills(file.id);
      for (const [method, path] of [
        ['GET', url],
        ['POST', `${url}/reissue`],
        ['POST', `${url}/new-code`],
      ] as const) {
        const res = await ctx.app.inject({
          method,
          url: path,
          ...(method === 'POST' && path.endsWith('reissue') ? { payload: { reason: 'Tanpa sesi' } } : {}),
        });
        expect(expectProblem(res, [401]).code, path).toBe('unauthenticated');
      }
      expect(await bills(file.id)).toEqual(beforeAnon);
    });
  });

  describe('payment settings follow payments.settings (admin), within the office', () => {
    it('answers each role as the policy says; a refused save writes nothing; another office’s admin reads and saves only its own', async () => {
      const url = '/api/v1/payments/settings';
      type Settings = {
        adapter: string;
        partnerServiceId: string;
        billExpiryDays: number;
        legalBasis: string;
        qrisMerchant: Record<string, unknown> | null;
        snapClientId: string | null;
        snapBankPublicKey: string | null;
        snapSignatureEncoding: string;
      };
      const row = (tenantId: string) => ctx.db.selectFrom('payment_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
      const current = json<{ settings: Settings }>(await get(crew.admin.token, url)).settings;
      expect(current).toMatchObject({ adapter: 'demo', partnerServiceId: '88899' });
      const body = (legalBasis: string) => ({
        adapter: current.adapter,
        partnerServiceId: current.partnerServiceId,
        billExpiryDays: current.billExpiryDays,
        legalBasis,
        qrisMerchant: current.qrisMerchant,
        snapClientId: current.snapClientId,
        snapBankPublicKey: current.snapBankPublicKey,
        snapSignatureEncoding: current.snapSignatureEncoding,
      });
      for (const role of ROLES) {
        const allowed = can(crew[role].actor, 'payments.settings', { tenantId: ctx.tenant.id });
        expect(allowed, role).toBe(role === 'admin');
        const read = await get(crew[role].token, url);
        expect(read.statusCode, role).toBe(allowed ? 200 : 403);
        if (!allowed) {
          expect(expectProblem(read, [403]).code).toBe('forbidden');
          expect(read.body, role).not.toContain(current.legalBasis);
        }
        const before = await row(ctx.tenant.id);
        const save = await ctx.app.inject({ method: 'PUT', url, headers: auth(crew[role].token), payload: body(`${current.legalBasis} (uji ${role})`) });
        expect(save.statusCode, `${role} ${save.body.slice(0, 200)}`).toBe(allowed ? 200 : 403);
        if (allowed) expect((await row(ctx.tenant.id)).legal_basis).toBe(`${current.legalBasis} (uji ${role})`);
        else expect(await row(ctx.tenant.id), role).toEqual(before);
      }
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherAdmin = await person(ctx, 'admin', office2Id);
      const o2 = { host: OTHER_HOST };
      const theirs = await get(otherAdmin.token, url, o2);
      expect(theirs.statusCode).toBe(200);
      expect(json<{ settings: Settings }>(theirs).settings.legalBasis).not.toContain('(uji admin)');
      const mine = await row(ctx.tenant.id);
      const saved = await ctx.app.inject({ method: 'PUT', url, headers: auth(otherAdmin.token, o2), payload: body('Perda Kota Batu tentang Retribusi') });
      expect(saved.statusCode, saved.body).toBe(200);
      expect(await row(ctx.tenant.id)).toEqual(mine);
      expect((await row(office2Id)).legal_basis).toBe('Perda Kota Batu tentang Retribusi');
      // Office 1's admin token means nothing at office 2, and nobody signed in is refused.
      expect(expectProblem(await get(crew.admin.token, url, o2), [401]).code).toBe('unauthenticated');
      expect(expectProblem(await ctx.app.inject({ method: 'PUT', url, payload: body('Tanpa sesi') }), [401]).code).toBe('unauthenticated');
      expect(await row(ctx.tenant.id)).toEqual(mine);
    });
  });

  describe('the money desk follows payments.manage (treasurer), within the office', () => {
    it('answers each role as the policy says on the nine operations; a refusal writes nothing; another office’s treasurer finds nothing', async () => {
      const file = await fileWithBill();
      // A payment of the wrong amount: kept for the treasurer (amount_mismatch), the bill unpaid.
      const received = await ctx.services.payments.receive({
        tenantId: ctx.tenant.id,
        provider: 'snap_va',
        providerPaymentId: `AKSES-HELD-${file.bill.customer_no}`,
        bill: { customerNo: file.bill.customer_no },
        amount: file.bill.amount - 1,
        paidAt: ctx.clock.now().toISOString(),
        bankReference: 'NTB-AKSES-1',
        payerName: 'Ayu',
        details: {},
      });
      expect(received.outcome).toBe('held');
      const heldId = received.payment.id;
      // The statement's day is the office's (Asia/Jakarta) today.
      const day = new Intl.DateTimeFormat('en-CA', { timeZone: ctx.tenant.time_zone }).format(ctx.clock.now());
      const statement = (reference: string) => ({ format: 'csv', content: `${day},08:00,${reference},,100000`, day, fileName: 'mutasi.csv' });
      const imported = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/reconciliation/statements',
        headers: auth(crew.treasurer.token),
        payload: statement('AKSES-0'),
      });
      expect(imported.statusCode, imported.body).toBe(201);
      const lineId = json<{ lines: { id: string; needsResolution: boolean }[] }>(imported).lines.find((l) => l.needsResolution)!.id;
      type Op = { name: string; method: 'GET' | 'POST'; url: string; payload?: Record<string, unknown>; ok: number };
      const ops: Op[] = [
        { name: 'listHeldPayments', method: 'GET', url: '/api/v1/payments/held', ok: 200 },
        { name: 'getHeldPayment', method: 'GET', url: `/api/v1/payments/held/${heldId}`, ok: 200 },
        // Allowed, but a payment of another amount cannot pay its file: 409 payment_not_acceptable.
        { name: 'acceptHeldPayment', method: 'POST', url: `/api/v1/payments/held/${heldId}/accept`, payload: { note: 'Terima pembayaran uji' }, ok: 409 },
        { name: 'listReconciliationDays', method: 'GET', url: '/api/v1/reconciliation/days', ok: 200 },
        { name: 'importBankStatement', method: 'POST', url: '/api/v1/reconciliation/statements', payload: statement('AKSES-0'), ok: 201 },
        { name: 'getReconciliationDay', method: 'GET', url: `/api/v1/reconciliation/days/${day}`, ok: 200 },
        // Allowed, but the day still has a line to resolve: 409 reconciliation_unresolved.
        { name: 'closeReconciliationDay', method: 'POST', url: `/api/v1/reconciliation/days/${day}/close`, payload: {}, ok: 409 },
      ];
      const deskState = async () => ({
        payment: await ctx.db.selectFrom('payments').select(['state', 'resolved_at', 'resolution_note']).where('id', '=', heldId).executeTakeFirstOrThrow(),
        days: await ctx.db
          .selectFrom('reconciliation_days')
          .select(['id', 'state', 'imported_at'])
          .where('tenant_id', '=', ctx.tenant.id)
          .orderBy('id')
          .execute(),
        lines: await ctx.db.selectFrom('reconciliation_lines').select(['id', 'resolved_at']).orderBy('id').execute(),
        bill: await ctx.db.selectFrom('bills').select(['state']).where('id', '=', file.bill.id).executeTakeFirstOrThrow(),
        app: await snapshot(ctx, file.id),
      });
      const mismatches: string[] = [];
      for (const role of ROLES) {
        const allowed = can(crew[role].actor, 'payments.manage', { tenantId: ctx.tenant.id });
        expect(allowed, role).toBe(role === 'treasurer');
        for (const op of ops) {
          const before = await deskState();
          const res = await ctx.app.inject({ method: op.method, url: op.url, headers: auth(crew[role].token), ...(op.payload ? { payload: op.payload } : {}) });
          const want = allowed ? op.ok : 403;
          if (res.statusCode !== want) mismatches.push(`${role} / ${op.name}: the policy says ${want}, got ${res.statusCode} ${res.body.slice(0, 160)}`);
          if (!allowed) {
            expectProblem(res, [403]);
            expect(await deskState(), `${role} / ${op.name} changed something`).toEqual(before);
          }
        }
      }
      expect(mismatches).toEqual([]);
      // Another office's treasurer: the payment and the day do not exist there; its lists are its own (empty).
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const other = await person(ctx, 'treasurer', office2Id);
      const o2 = { host: OTHER_HOST };
      const before = await deskState();
      const at2 = (method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
        ctx.app.inject({ method, url, headers: auth(other.token, o2), ...(payload ? { payload } : {}) });
      for (const [name, res] of [
        ['getHeldPayment', await at2('GET', `/api/v1/payments/held/${heldId}`)],
        ['acceptHeldPayment', await at2('POST', `/api/v1/payments/held/${heldId}/accept`, { note: 'Bukan milik kami' })],
        ['closeHeldPayment', await at2('POST', `/api/v1/payments/held/${heldId}/close`, { note: 'Bukan milik kami' })],
        ['getReconciliationDay', await at2('GET', `/api/v1/reconciliation/days/${day}`)],
        ['resolveReconciliationLine', await at2('POST', `/api/v1/reconciliation/days/${day}/lines/${lineId}/resolve`, { note: 'Bukan milik kami' })],
        ['closeReconciliationDay', await at2('POST', `/api/v1/reconciliation/days/${day}/close`, {})],
      ] as const) {
        expect(expectProblem(res, [404]).code, name).toBe('not_found');
        expect(res.body, name).not.toContain(file.bill.number);
      }
      expect(json<{ held: { id: string }[] }>(await at2('GET', '/api/v1/payments/held')).held.map((p) => p.id)).not.toContain(heldId);
      expect(json<{ days: unknown[] }>(await at2('GET', '/api/v1/reconciliation/days')).days).toEqual([]);
      expect(await deskState()).toEqual(before);
      // Nobody signed in: 401.
      expect(expectProblem(await ctx.app.inject({ method: 'GET', url: '/api/v1/payments/held' }), [401]).code).toBe('unauthenticated');
      expect(
        expectProblem(await ctx.app.inject({ method: 'POST', url: `/api/v1/payments/held/${heldId}/close`, payload: { note: 'Tanpa sesi' } }), [401]).code,
      ).toBe('unauthenticated');
      expect(await deskState()).toEqual(before);
      // The treasurer resolves a line and closes the payment, so the refusals above were about who asks.
      const current = json<{ lines: { id: string; needsResolution: boolean }[] }>(await get(crew.treasurer.token, `/api/v1/reconciliation/days/${day}`));
      const open = current.lines.find((l) => l.needsResolution)!.id;
      const resolved = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/reconciliation/days/${day}/lines/${open}/resolve`,
        headers: auth(crew.treasurer.token),
        payload: { note: 'Transfer salah kirim' },
      });
      expect(resolved.statusCode, resolved.body).toBe(200);
      const closed = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/payments/held/${heldId}/close`,
        headers: auth(crew.treasurer.token),
        payload: { note: 'Dikembalikan ke pembayar' },
      });
      expect(closed.statusCode, closed.body).toBe(200);
      expect(json<{ state: string }>(closed).state).toBe('resolved');
    });
  });

  describe('revenue follows revenue.read (head, admin, treasurer) and revenue.manage (admin), within the office', () => {
    it('answers each role as the policy says; a refused target writes nothing; another office’s admin sees only its own', async () => {
      const year = Number(ctx.clock.now().toISOString().slice(0, 4)) + 1;
      for (const role of ROLES) {
        const reads = can(crew[role].actor, 'revenue.read', { tenantId: ctx.tenant.id });
        const manages = can(crew[role].actor, 'revenue.manage', { tenantId: ctx.tenant.id });
        expect(reads, role).toBe(role === 'head' || role === 'admin' || role === 'treasurer');
        expect(manages, role).toBe(role === 'admin');
        expect((await get(crew[role].token, `/api/v1/revenue?year=${year}`)).statusCode, role).toBe(reads ? 200 : 403);
        const csv = await get(crew[role].token, `/api/v1/revenue.csv?year=${year}`);
        expect(csv.statusCode, role).toBe(reads ? 200 : 403);
        if (reads) expect(csv.headers['content-type'], role).toMatch(/^text\/csv/);
        else expectProblem(csv, [403]);
        const before = await rows('revenue_targets');
        const res = await ctx.app.inject({
          method: 'PUT',
          url: `/api/v1/revenue/targets/${year}`,
          headers: auth(crew[role].token),
          payload: { amount: 5_000_000_000 + ROLES.indexOf(role), reason: `APBD uji ${role}` },
        });
        expect(res.statusCode, `${role} ${res.body.slice(0, 200)}`).toBe(manages ? 200 : 403);
        expect(await rows('revenue_targets'), role).toBe(before + (manages ? 1 : 0));
      }
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherAdmin = await person(ctx, 'admin', office2Id);
      const theirs = await get(otherAdmin.token, `/api/v1/revenue?year=${year}`, { host: OTHER_HOST });
      expect(theirs.statusCode).toBe(200);
      expect(json<{ target: unknown }>(theirs).target).toBeNull();
      expect(json<{ target: { amount: number } }>(await get(crew.admin.token, `/api/v1/revenue?year=${year}`)).target.amount).toBe(5_000_000_006);
      const before = await rows('revenue_targets');
      for (const res of [
        await get(crew.head.token, `/api/v1/revenue?year=${year}`, { host: OTHER_HOST }),
        await ctx.app.inject({ method: 'GET', url: `/api/v1/revenue.csv?year=${year}` }),
        await ctx.app.inject({ method: 'PUT', url: `/api/v1/revenue/targets/${year}`, payload: { amount: 1_000, reason: 'Tanpa sesi' } }),
      ]) {
        expect(expectProblem(res, [401]).code).toBe('unauthenticated');
      }
      expect(await rows('revenue_targets')).toBe(before);
    });
  });

  describe('the dashboard follows dashboard.read (head, admin), within the office', () => {
    it('answers each role as the policy says, the page’s JSON and every CSV table; another office’s head sees only its own', async () => {
      const query = 'from=2026-11-01&to=2026-11-30';
      for (const role of ROLES) {
        const reads = can(crew[role].actor, 'dashboard.read', { tenantId: ctx.tenant.id });
        expect(reads, role).toBe(role === 'head' || role === 'admin');
        const res = await get(crew[role].token, `/api/v1/dashboard?${query}`);
        expect(res.statusCode, role).toBe(reads ? 200 : 403);
        if (reads) expect(json<{ from: string; to: string }>(res), role).toMatchObject({ from: '2026-11-01', to: '2026-11-30' });
        else expectProblem(res, [403]);
        for (const table of ['serapan', 'tunggakan', 'terlambat']) {
          const csv = await get(crew[role].token, `/api/v1/dashboard/${table}.csv?${query}`);
          expect(csv.statusCode, `${role} ${table}`).toBe(reads ? 200 : 403);
          if (reads) expect(csv.headers['content-type'], role).toMatch(/^text\/csv/);
          else expectProblem(csv, [403]);
        }
      }
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherHead = await person(ctx, 'head', office2Id);
      const theirs = await get(otherHead.token, `/api/v1/dashboard?${query}`, { host: OTHER_HOST });
      expect(theirs.statusCode).toBe(200);
      expect(json<{ from: string; filters: unknown }>(theirs)).toMatchObject({ from: '2026-11-01', filters: { permitType: null, channel: null } });
      for (const res of [
        await get(crew.head.token, `/api/v1/dashboard?${query}`, { host: OTHER_HOST }),
        await ctx.app.inject({ method: 'GET', url: `/api/v1/dashboard/serapan.csv?${query}` }),
      ]) {
        expect(expectProblem(res, [401]).code).toBe('unauthenticated');
      }
    });
  });

  describe('the videotron playlist follows screens.manage (admin), within the office', () => {
    const slideCount = async (tenantId: string) =>
      Number(
        (
          await ctx.db
            .selectFrom('screen_slides')
            .where('tenant_id', '=', tenantId)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    type Playlist = { slides: { id: string; kind: string; durationSeconds: number }[] };

    it('answers each role as the policy says; a refused add, change, order or removal changes nothing', async () => {
      const first = await get(crew.admin.token, '/api/v1/screens/playlist');
      expect(first.statusCode, first.body.slice(0, 200)).toBe(200);
      const slideId = json<Playlist>(first).slides[0]!.id;
      for (const role of ROLES) {
        const manages = can(crew[role].actor, 'screens.manage', { tenantId: ctx.tenant.id });
        expect(manages, role).toBe(role === 'admin');
        expect((await get(crew[role].token, '/api/v1/screens/playlist')).statusCode, role).toBe(manages ? 200 : 403);
        const before = json<Playlist>(await get(crew.admin.token, '/api/v1/screens/playlist')).slides;
        const headers = auth(crew[role].token);
        const added = await ctx.app.inject({
          method: 'POST',
          url: '/api/v1/screens/playlist/slides',
          headers,
          payload: { kind: 'announcement', text: { id: `Pengumuman ${role}`, en: `Notice ${role}` }, durationSeconds: 10 },
        });
        expect(added.statusCode, `${role} ${added.body.slice(0, 200)}`).toBe(manages ? 201 : 403);
        const changed = await ctx.app.inject({
          method: 'PUT',
          url: `/api/v1/screens/playlist/slides/${slideId}`,
          headers,
          payload: { kind: 'now_serving', durationSeconds: 30 + ROLES.indexOf(role) },
        });
        expect(changed.statusCode, role).toBe(manages ? 200 : 403);
        const order = json<Playlist>(await get(crew.admin.token, '/api/v1/screens/playlist')).slides.map((s) => s.id);
        const reordered = await ctx.app.inject({ method: 'PUT', url: '/api/v1/screens/playlist/order', headers, payload: { slideIds: [...order].reverse() } });
        expect(reordered.statusCode, role).toBe(manages ? 200 : 403);
        const newId = manages ? json<{ id: string }>(added).id : before[before.length - 1]!.id;
        const removed = await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${newId}`, headers });
        expect(removed.statusCode, role).toBe(manages ? 204 : 403);
        const after = json<Playlist>(await get(crew.admin.token, '/api/v1/screens/playlist')).slides;
        if (manages) {
          expect(after.map((s) => s.id)).toEqual([...order].reverse().filter((id) => id !== newId));
          expect(after.find((s) => s.id === slideId)).toMatchObject({ kind: 'now_serving', durationSeconds: 30 + ROLES.indexOf(role) });
        } else {
          expect(after, role).toEqual(before);
          for (const res of [added, changed, reordered, removed]) expectProblem(res, [403]);
        }
      }
      const office2Id = (await ensureOffice(ctx.services, SECOND_OFFICE)).id;
      const otherAdmin = await person(ctx, 'admin', office2Id);
      const theirs = await get(otherAdmin.token, '/api/v1/screens/playlist', { host: OTHER_HOST });
      expect(theirs.statusCode).toBe(200);
      expect(json<Playlist>(theirs).slides.map((s) => s.id)).not.toContain(slideId);
      const ours = await slideCount(ctx.tenant.id);
      const refused = await ctx.app.inject({
        method: 'DELETE',
        url: `/api/v1/screens/playlist/slides/${slideId}`,
        headers: auth(otherAdmin.token, { host: OTHER_HOST }),
      });
      expect(expectProblem(refused, [404]).code).toBe('not_found');
      for (const res of [
        await get(crew.admin.token, '/api/v1/screens/playlist', { host: OTHER_HOST }),
        await ctx.app.inject({ method: 'POST', url: '/api/v1/screens/playlist/slides', payload: { kind: 'now_serving', durationSeconds: 15 } }),
        await ctx.app.inject({ method: 'DELETE', url: `/api/v1/screens/playlist/slides/${slideId}` }),
      ]) {
        expect(expectProblem(res, [401]).code).toBe('unauthenticated');
      }
      expect(await slideCount(ctx.tenant.id)).toBe(ours);
    });
  });

  describe('the fee estimate is public (estimateFee), each office by its host', () => {
    it('answers anyone, signed in or not, the same estimate, and writes nothing', async () => {
      // The guide's worked example (test/integration/fees-estimate.test.ts).
      const answers = WORKED_EXAMPLE_FORM;
      const url = `/api/v1/fees/estimate?${new URLSearchParams({ permitType: PERMIT, ...answers }).toString()}`;
      await ensureOffice(ctx.services, SECOND_OFFICE);
      const before = await rows('applications');
      const anonymous = await ctx.app.inject({ method: 'GET', url });
      expect(anonymous.statusCode, anonymous.body).toBe(200);
      const amount = json<{ amount: number }>(anonymous).amount;
      for (const role of ROLES) {
        const res = await get(crew[role].token, url);
        expect(res.statusCode, role).toBe(200);
        expect(json<{ amount: number }>(res).amount, role).toBe(amount);
      }
      // Another office's host answers from that office's own coefficients: office 2 has none for PBG, so it
      // says so (409) rather than giving office 1's estimate.
      const elsewhere = await ctx.app.inject({ method: 'GET', url, headers: { host: OTHER_HOST } });
      expect(expectProblem(elsewhere, [409]).code).toBe('precondition_failed');
      expect(elsewhere.body).not.toContain(String(amount));
      expect(await rows('applications')).toBe(before);
    });
  });

  describe('SNAP endpoints answer only a bank holding this office’s SNAP access token; an Izol bearer token is none', () => {
    it('refuses every role’s Izol token, no token and another office’s bank with 401 SNAP JSON, changing nothing; the bank is answered', async () => {
      const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const clientId = 'BANK-AKSES-01';
      const clientSecret = 'rahasia-bersama-hmac-sha512-untuk-uji-akses-0123';
      const partnerServiceId = '88899';
      // The office's bank: its RSA public key and the shared secret in the payment settings (as the admin saves them).
      await upsertPaymentSettings(ctx.db, {
        tenant_id: ctx.tenant.id,
        adapter: 'snap',
        partner_service_id: partnerServiceId,
        bill_expiry_days: 7,
        legal_basis: 'Perda Kota Malang tentang Retribusi PBG',
        qris_merchant: null,
        snap_client_id: clientId,
        snap_client_secret: encryptField(ctx.services.config.dataEncryptionKey, clientSecret),
        snap_bank_public_key: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        snap_signature_encoding: 'base64',
        updated_at: ctx.clock.now().toISOString(),
        updated_by: null,
      });
      const bankAt = (headers: Record<string, string> = {}) =>
        createSnapClient({
          baseUrl: 'http://localhost',
          clientId,
          clientSecret,
          privateKey: pair.privateKey,
          partnerId: clientId,
          channelId: '95221',
          fetch: injectFetch(ctx.app),
          clock: () => ctx.clock.now(),
          headers,
        });
      const bank = bankAt();
      const file = await fileWithBill();
      const inquiry = { partnerServiceId, customerNo: file.bill.customer_no, inquiryRequestId: 'AKSES-INQ-1' };
      const payment = { partnerServiceId, customerNo: file.bill.customer_no, paymentRequestId: 'AKSES-PAY-1', paidAmount: file.bill.amount };
      const qris = { originalReferenceNo: 'AKSES-QR-1', billNumber: file.bill.number, amount: file.bill.amount };
      const state = async () => ({
        app: await snapshot(ctx, file.id),
        bills: await bills(file.id),
        payments: await rows('payments'),
        tokens: await rows('snap_access_tokens'),
      });
      const expectRefusal = (res: { status: number; body: { responseCode: string; responseMessage: string } }, status: number, what: string) => {
        expect(res.status, `${what}: ${JSON.stringify(res.body)}`).toBe(status);
        expect(res.body.responseCode, what).toMatch(new RegExp(`^${status}\\d{4}$`));
        expect(res.body.responseMessage, what).toBeTruthy();
        expect(JSON.stringify(res.body), what).not.toMatch(/\n\s+at\s|\.ts:\d+|type":"https/);
      };
      const before = await state();
      for (const role of ROLES) {
        const izol = crew[role].token;
        // A correctly signed request with an Izol bearer token in place of the bank's SNAP token.
        expectRefusal(await bank.inquiry(inquiry, { accessToken: izol }), 401, `${role} snapVaInquiry`);
        expectRefusal(await bank.payment(payment, { accessToken: izol }), 401, `${role} snapVaPayment`);
        expectRefusal(await bank.qrisNotify(qris, { accessToken: izol }), 401, `${role} snapQrisNotify`);
        // The access token endpoint takes the bank's signature, not an Izol session.
        const token = await ctx.app.inject({
          method: 'POST',
          url: SNAP_PATHS.accessToken,
          headers: { ...auth(izol), 'content-type': 'application/json', 'x-timestamp': formatSnapTimestamp(ctx.clock.now()) },
          payload: JSON.stringify({ grantType: 'client_credentials' }),
        });
        expectRefusal({ status: token.statusCode, body: json(token) }, 401, `${role} snapAccessTokenB2b`);
      }
      // No token at all (timestamp present): 401.
      for (const path of [SNAP_PATHS.vaInquiry, SNAP_PATHS.vaPayment, SNAP_PATHS.qrisNotify]) {
        const res = await ctx.app.inject({
          method: 'POST',
          url: path,
          headers: { 'content-type': 'application/json', 'x-timestamp': formatSnapTimestamp(ctx.clock.now()) },
          payload: JSON.stringify(inquiry),
        });
        expectRefusal({ status: res.statusCode, body: json(res) }, 401, `no token ${path}`);
      }
      expect(await state()).toEqual(before);
      // This office's bank token at another office's address is no token there; nor does that office know the bank.
      await ensureOffice(ctx.services, SECOND_OFFICE);
      const token = await bank.accessToken();
      expect(token.status, JSON.stringify(token.body)).toBe(200);
      const atOffice2 = bankAt({ host: OTHER_HOST });
      const office1Token = { accessToken: String(token.body.accessToken) };
      expectRefusal(await atOffice2.inquiry(inquiry, office1Token), 401, 'office 1 token at office 2: inquiry');
      expectRefusal(await atOffice2.payment(payment, office1Token), 401, 'office 1 token at office 2: payment');
      expectRefusal(await atOffice2.accessToken(), 401, 'office 2 does not know the bank');
      const after = await state();
      expect({ ...after, tokens: before.tokens }).toEqual(before);
      // The bank itself is answered, so the refusals were about the token.
      const answered = await bank.inquiry(inquiry);
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      expect(answered.body.responseCode).toBe('2002400');
    });
  });

  describe('not signed in', () => {
    type Spec = { paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>> };

    it('answers 401 problem+json on every protected operation in the OpenAPI document, changing nothing', async () => {
      const spec = json<Spec>(await ctx.app.inject({ url: '/api/openapi.json' }));
      const id = await applicationIn('verification', crew, applicantB);
      const documentId = (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', id).executeTakeFirstOrThrow()).id;
      // A valid, renewable permit of B's: the target of the operations on /permits/{id}.
      const permit = await issuedPermit(
        ctx,
        applicantB.token,
        { verifier: crew.verifier.token, technical: crew.technical.token, head: crew.head.token, treasurer: crew.treasurer.token },
        'REKLAME',
      );
      const upload = multipartFile('ktp.pdf', DEMO_PDF, 'application/pdf');
      // A body each operation would accept from someone signed in, so that only the missing session can refuse it.
      const validRequest: Record<string, Pick<InjectOptions, 'payload' | 'headers'>> = {
        logout: {},
        getCurrentUser: {},
        createApplication: { payload: { permitTypeCode: PERMIT } },
        listApplications: {},
        listWorkQueue: {},
        updateApplication: { payload: { answers: { floorCount: 2 } } },
        getApplication: {},
        submitApplication: {},
        withdrawApplication: { payload: {} },
        performApplicationAction: { payload: { action: 'forward' } },
        uploadDocument: { payload: upload.payload, headers: upload.headers },
        downloadDocument: {},
        reviewDocument: { payload: { status: 'accepted' } },
        recordInspection: { payload: { result: 'pass', findings: 'Sesuai' } },
        claimApplication: { payload: { number: 'MLG-NIB-2026-000001', claimCode: 'ABCD2345' } },
        listApplicationNotes: {},
        getFeeAssessment: {},
        addApplicationNote: { payload: { kind: 'internal', body: 'Catatan' } },
        assignApplication: { payload: { assigneeId: null } },
        scheduleInspection: { payload: { date: '2026-12-01', officerId: '6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54' } },
        uploadInspectionPhoto: { payload: upload.payload, headers: upload.headers },
        listPermits: {},
        listReceipts: {},
        getPermit: {},
        downloadPermitPdf: {},
        revokePermit: { payload: { reason: 'Reklame dipasang di luar titik yang diizinkan' } },
        reissuePermit: { payload: { reason: 'Nama pemegang izin salah ketik', holderName: 'Bambang Pemohon Dua' } },
        renewPermit: {},
        listApplicationMessages: {},
        listFailedMessages: {},
        resendMessage: {},
        callNextTicket: { payload: { service: 'KONSULTASI', counter: 'Loket 1' } },
        updateQueueTicket: { payload: { action: 'start' } },
        getChannelHistory: {},
        logParcel: { payload: { company: 'JNE', trackingNumber: 'JN000111', senderName: 'Pak Darto' } },
        listParcels: {},
        getParcel: {},
        linkParcel: { payload: { newApplication: {} } },
        uploadParcelPhoto: { payload: upload.payload, headers: upload.headers },
        recordParcelShipment: { payload: { applicationNumber: 'MLG-PBG-2026-000001', company: 'POS', trackingNumber: 'P000111', contents: 'permit' } },
        getParcelReport: {},
        getMyChannelHistory: {},
        getMyPersonalData: {},
        listMyDataRequests: {},
        getMyDataRequest: {},
        createCorrectionRequest: { payload: { subject: 'name', currentValue: 'Nama lama', requestedValue: 'Nama baru' } },
        eraseMyAccount: { payload: { currentPassword: 'kata sandi apa saja', confirm: true } },
        listDataRequests: {},
        getDataRequest: {},
        resolveDataRequest: { payload: { outcome: 'refused', resolution: 'Data sudah benar' } },
        listHelpRequests: {},
        getHelpRequest: {},
        replyToHelpRequest: { payload: { body: 'Jawaban kami' } },
        addHelpRequestNote: { payload: { body: 'Catatan' } },
        updateHelpRequest: { payload: { status: 'closed' } },
        assistHelpRequest: { payload: { permitTypeCode: PERMIT } },
        claimApplicationByLink: { payload: { token: 'n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM' } },
        listRetributionCoefficients: {},
        saveRetributionCoefficients: { payload: { coefficients: loadRetributionTable().offices.MLG!['2026']!, reason: 'Keputusan baru' } },
        listApplicationBills: {},
        reissueApplicationBill: { payload: { reason: 'Kode bayar hilang' } },
        requestNewBillCode: {},
        getPaymentSettings: {},
        savePaymentSettings: {
          payload: DEMO_PAYMENT_SETTINGS,
        },
        listHeldPayments: {},
        getHeldPayment: {},
        acceptHeldPayment: { payload: { note: 'Catatan uji' } },
        closeHeldPayment: { payload: { note: 'Catatan uji' } },
        listReconciliationDays: {},
        importBankStatement: { payload: { format: 'csv', content: '2026-12-01,08:00,XYZ,,100000' } },
        getReconciliationDay: {},
        resolveReconciliationLine: { payload: { note: 'Catatan uji' } },
        closeReconciliationDay: { payload: {} },
        getRevenue: {},
        exportRevenueCsv: {},
        setRevenueTarget: { payload: { amount: 1_000_000_000, reason: 'APBD uji' } },
        getSkmReport: {},
        getDashboard: {},
        exportDashboardCsv: {},
        getScreenPlaylist: {},
        addScreenSlide: { payload: { kind: 'now_serving', durationSeconds: 15 } },
        updateScreenSlide: { payload: { kind: 'now_serving', durationSeconds: 15 } },
        removeScreenSlide: {},
        reorderScreenSlides: { payload: { slideIds: [] } },
      };
      const protectedOps = Object.entries(spec.paths).flatMap(([path, ops]) =>
        Object.entries(ops)
          .filter(([, op]) => op.security?.length)
          .map(([method, op]) => ({ path, method: method.toUpperCase() as 'GET', operationId: op.operationId })),
      );
      expect(protectedOps.map((o) => o.operationId).sort()).toEqual(Object.keys(validRequest).sort());
      // Public operations (verification, registry, published keys and checkpoints) carry no security requirement.
      const publicOps = Object.values(spec.paths).flatMap((ops) =>
        Object.values(ops)
          .filter((op) => !op.security?.length)
          .map((op) => op.operationId),
      );
      expect(publicOps).toEqual(
        expect.arrayContaining([
          'verifyPermit',
          'verifyPermitPdf',
          'searchRegistry',
          'exportRegistryJson',
          'exportRegistryCsv',
          'getRegistrySchema',
          'getAuditCheckpoints',
          'getSigningCertificates',
          'getRevocationList',
          'listAppointmentSlots',
          'bookAppointment',
          'getAppointment',
          'cancelAppointment',
          'requestAppointmentCode',
          'rescheduleAppointment',
          'issueQueueTicket',
          'getQueueTicket',
          'getQueueDisplay',
          'createHelpRequest',
          'estimateFee',
          // SNAP: a bank's own signed requests and SNAP access token, no Izol session (its own describe block above).
          'snapAccessTokenB2b',
          'snapVaInquiry',
          'snapVaPayment',
          'snapQrisNotify',
          // The SKM survey: the link's token is the key (src/survey/).
          'getSurveyInvitation',
          'answerSurvey',
          // The transparency figures and their open data: counts only, for anyone (src/transparency/).
          'getTransparency',
          'exportTransparencyJson',
          'exportTransparencyCsv',
          'getTransparencySchema',
        ]),
      );
      const before = await snapshot(ctx, id);
      const permitRow = () =>
        ctx.db
          .selectFrom('permits')
          .select(['status', 'holder_name', 'revoked_at', 'revocation_reason', 'superseded_by_id', 'document'])
          .where('id', '=', permit.permitId)
          .executeTakeFirstOrThrow();
      const permitBefore = await permitRow();
      const counts = async () =>
        Promise.all(
          (['applications', 'documents', 'application_events', 'sessions', 'permits', 'receipts'] as const).map(async (t) =>
            Number(
              (
                await ctx.db
                  .selectFrom(t)
                  .select((eb) => eb.fn.countAll<number>().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            ),
          ),
        );
      const countsBefore = await counts();
      const credentials: [string, Record<string, string>][] = [
        ['no authorization header', {}],
        ['an unknown token', { authorization: 'Bearer this-token-was-never-issued-0123456789' }],
        ['a malformed header', { authorization: `Bearer ${applicantB.token} extra` }],
        ['another scheme', { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` }],
      ];
      for (const op of protectedOps) {
        const url = op.path
          .replace('{id}', op.path.startsWith('/api/v1/permits/') ? permit.permitId : id)
          .replace('{documentId}', documentId)
          .replace('{requirementCode}', 'ktp')
          .replace('{year}', '2026')
          .replace('{day}', '2026-12-01')
          .replace('{table}', 'serapan')
          .replace('{lineId}', '6f1c2a4e-9b8d-4c3e-a1f2-0d9e8c7b6a54');
        const extra = validRequest[op.operationId]!;
        for (const [label, headers] of credentials) {
          const res = await ctx.app.inject({
            method: op.method,
            url,
            headers: { ...(extra.headers as Record<string, string> | undefined), ...headers },
            ...(extra.payload !== undefined ? { payload: extra.payload } : {}),
          });
          const problem = expectProblem(res, [401]);
          expect(problem.code, `${op.operationId} with ${label}`).toBe('unauthenticated');
          expect(res.headers['cache-control']).toBe('no-store');
        }
      }
      expect(await snapshot(ctx, id)).toEqual(before);
      expect(await permitRow()).toEqual(permitBefore);
      expect(await counts()).toEqual(countsBefore);
    });

    it('treats a token as not signed in once its owner has signed out', async () => {
      const c = await person(ctx, 'applicant');
      expect((await get(c.token, '/api/v1/me')).statusCode).toBe(200);
      expect((await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: auth(c.token) })).statusCode).toBe(204);
      expect(expectProblem(await get(c.token, '/api/v1/me'), [401]).code).toBe('unauthenticated');
      const create = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(c.token), payload: { permitTypeCode: PERMIT } });
      expect(expectProblem(create, [401]).code).toBe('unauthenticated');
    });
  });
});
