import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { verifyAuditChain } from '../../src/audit/audit.verify.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { issuedPermit, readyDraft } from '../helpers/journeys.js';
import { PageClient, signedInOfficer } from '../helpers/pages.js';
import { runScript } from '../helpers/scripts.js';

/**
 * The data subject's rights (UU PDP 27/2022, SECURITY.md LAW-5): an applicant downloads everything the
 * office holds about them, asks for a correction the office answers, and has their account erased, with
 * what the office must keep kept and said why. Through the API and the pages, on both databases.
 */

type Export = {
  profile: { id: string; name: string; email: string | null; nik: string | null };
  applications: { id: string; number: string | null; answers: Record<string, unknown>; documents: { id: string; download: string; sha256: string }[] }[];
  permits: { id: string; number: string; download: string }[];
  officerAccess: { what: string; officerRole: string | null; applicationNumber: string | null }[];
  contacts: { kind: string; channel: string }[];
  dataRequests: { reference: string }[];
};
type DataRequest = {
  id: string;
  reference: string;
  kind: string;
  status: string;
  resolution: string | null;
  outcome: {
    erased: { drafts: number; documents: number; sessions: number };
    kept: { item: string; count: number | null; reason: { id: string; en: string } }[];
  } | null;
};
type Problem = { code: string; errors?: { field: string; code: string }[] };

const PASSWORD = 'kopi tubruk di pagi hari';
const OTHER_HOST = SECOND_OFFICE.hostnames[0]!;

describe.each(DIALECTS)('personal data rights (%s)', (dialect) => {
  let ctx: TestContext;
  let staff: { verifier: string; technical: string; head: string; treasurer: string };
  let n = 0;

  type Citizen = { userId: string; token: string; email: string; nik: string; actor: Actor };
  /** Registers through the API (a NIK, an email, consent) and signs in with a bearer token. */
  async function citizen(): Promise<Citizen> {
    n++;
    const email = `warga.${n}.${Math.random().toString(36).slice(2, 8)}@pdp.izol.test`;
    const nik = uniqueNik();
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: `Warga PDP ${n}`, nik, email, password: PASSWORD, consent: true },
      remoteAddress: `198.51.100.${n}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { userId } = json<{ userId: string }>(res);
    const { token } = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password: PASSWORD, clientIp: '127.0.0.1', kind: 'bearer' });
    return { userId, token, email, nik, actor: { userId, tenantId: ctx.tenant.id, role: 'applicant', name: `Warga PDP ${n}` } };
  }
  async function pagesOf(c: Citizen): Promise<PageClient> {
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: c.email, password: PASSWORD })).statusCode).toBe(303);
    return page;
  }
  const get = (token: string, url: string, host?: string) => ctx.app.inject({ method: 'GET', url, headers: auth(token, host ? { host } : {}) });
  const post = (token: string, url: string, payload: unknown, host?: string) =>
    ctx.app.inject({ method: 'POST', url, headers: auth(token, host ? { host } : {}), payload: payload as Record<string, unknown> });
  const problem = (res: LightMyRequestResponse, status: number) => {
    expect(res.statusCode, res.body.slice(0, 400)).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    return json<Problem>(res);
  };
  const count = async (table: 'data_requests' | 'applications' | 'documents') =>
    Number(
      (
        await ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const [verifier, technical, head, treasurer] = await Promise.all(
      (['verifier', 'technical', 'head', 'treasurer'] as const).map((r) => userWithToken(ctx, r).then((u) => u.token)),
    );
    staff = { verifier: verifier!, technical: technical!, head: head!, treasurer: treasurer! };
  }, 120_000);
  afterAll(async () => ctx?.close());

  describe('access: the whole file as one JSON document', () => {
    let a: Citizen;
    let b: Citizen;
    let aDraft: string;
    let aPermit: Awaited<ReturnType<typeof issuedPermit>>;
    let bDraft: string;

    beforeAll(async () => {
      a = await citizen();
      b = await citizen();
      aDraft = await readyDraft(ctx, a.token);
      aPermit = await issuedPermit(ctx, a.token, staff, 'REKLAME');
      bDraft = await readyDraft(ctx, b.token);
      // An officer opens one of A's documents: the audit chain records it, and A's export lists it.
      const view = json<{ requirements: { document: { id: string } | null }[] }>(await get(staff.verifier, `/api/v1/applications/${aPermit.applicationId}`));
      const docId = view.requirements.find((r) => r.document)!.document!.id;
      const opened = await get(staff.verifier, `/api/v1/applications/${aPermit.applicationId}/documents/${docId}`);
      expect(opened.statusCode).toBe(200);
    }, 120_000);

    it('(LAW-5) an applicant downloads their data and finds their own applications, documents, permit and officers’ openings, and not another applicant’s', async () => {
      const res = await get(a.token, '/api/v1/me/personal-data');
      expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(String(res.headers['content-disposition'])).toMatch(/^attachment; filename="data-pribadi-\d{4}-\d{2}-\d{2}\.json"/);
      const data = json<Export>(res);
      // Their own account, with their own NIK in full (this export only; the page masks it).
      expect(data.profile).toMatchObject({ id: a.userId, email: a.email, nik: a.nik });
      const ids = data.applications.map((x) => x.id);
      expect(ids).toEqual(expect.arrayContaining([aDraft, aPermit.applicationId]));
      expect(ids).not.toContain(bDraft);
      expect(res.body).not.toContain(b.nik);
      expect(res.body).not.toContain(b.email);
      expect(res.body).not.toContain(b.userId);
      // Documents are listed with a download link that goes through the normal access check.
      const filed = data.applications.find((x) => x.id === aPermit.applicationId)!;
      expect(filed.number).not.toBeNull();
      expect(filed.documents.length).toBeGreaterThan(0);
      const link = filed.documents[0]!.download;
      expect(link).toBe(`/api/v1/applications/${aPermit.applicationId}/documents/${filed.documents[0]!.id}`);
      expect((await get(a.token, link)).statusCode).toBe(200);
      expect((await get(b.token, link)).statusCode).toBe(404);
      // The permit, with its PDF link; and the officer's opening of A's document, by role.
      expect(data.permits.map((p) => p.number)).toContain(aPermit.number);
      expect((await get(a.token, data.permits[0]!.download)).statusCode).toBe(200);
      expect(data.officerAccess).toEqual(
        expect.arrayContaining([expect.objectContaining({ what: 'document', officerRole: 'verifier', applicationNumber: filed.number })]),
      );
      // The channel history under the account: each online application is a contact.
      expect(data.contacts).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'application', channel: 'online' })]));
      // No officer-only fields: no officer's account id appears anywhere.
      const officerIds = await ctx.db.selectFrom('users').select('id').where('role', '!=', 'applicant').execute();
      for (const o of officerIds) expect(res.body).not.toContain(o.id);
      // Form answers keep NIKs masked (an answer may hold someone else's NIK).
      expect(res.body).not.toContain('3573014506900002');
      // Another applicant's export is theirs alone.
      const other = json<Export>(await get(b.token, '/api/v1/me/personal-data'));
      expect(other.applications.map((x) => x.id)).toEqual([bDraft]);
      expect(JSON.stringify(other)).not.toContain(a.nik);
    });

    it('(LAW-5) shows "Data pribadi saya" with the NIK masked and a download link that gives the same file, never cached; an officer is refused', async () => {
      const page = await pagesOf(a);
      const profile = await page.get('/akun/profil');
      expect(profile.body).toContain('href="/akun/data-pribadi"');
      const mine = await page.get('/akun/data-pribadi');
      expect(mine.statusCode).toBe(200);
      expect(mine.body).toContain('Data pribadi saya');
      expect(mine.body).not.toContain(a.nik);
      expect(mine.body).toContain(`${a.nik.slice(0, 4)}••••••••••${a.nik.slice(-2)}`);
      expect(mine.body).toContain('href="/akun/data-pribadi/unduh"');
      const file = await page.get('/akun/data-pribadi/unduh');
      expect(file.statusCode).toBe(200);
      expect(file.headers['cache-control']).toBe('no-store');
      expect(String(file.headers['content-type'])).toMatch(/^application\/json/);
      expect(json<Export>(file).applications.map((x) => x.id)).toEqual(expect.arrayContaining([aDraft, aPermit.applicationId]));
      // An officer has no such export of applicants' data.
      expect(problem(await get(staff.verifier, '/api/v1/me/personal-data'), 403).code).toBe('forbidden');
      // Signed out: 401 on the API, the sign-in page for the page.
      expect((await ctx.app.inject({ url: '/api/v1/me/personal-data' })).statusCode).toBe(401);
      expect((await ctx.app.inject({ url: '/akun/data-pribadi/unduh' })).statusCode).toBe(303);
    });
  });

  describe('correction: filed, answered, seen', () => {
    let a: Citizen;
    let b: Citizen;
    let requestId: string;
    let reference: string;
    let aNumber: string;

    beforeAll(async () => {
      a = await citizen();
      b = await citizen();
      const id = await readyDraft(ctx, a.token);
      expect((await post(a.token, `/api/v1/applications/${id}/submit`, {})).statusCode).toBe(200);
      aNumber = (await ctx.db.selectFrom('applications').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number!;
    }, 60_000);

    it('(LAW-5) a correction request goes from filed to resolved, the applicant is told and sees the answer', async () => {
      const page = await pagesOf(a);
      const form = await page.get('/akun/data-pribadi/pembetulan');
      expect(form.statusCode).toBe(200);
      const filed = await page.post('/akun/data-pribadi/pembetulan', {
        subject: 'application',
        applicationNumber: aNumber,
        currentValue: 'Alamat: Jl. Ijen No. 10',
        requestedValue: 'Alamat: Jl. Ijen No. 12',
        details: 'Nomor rumah salah ketik.',
      });
      expect(filed.statusCode, filed.body.slice(0, 500)).toBe(303);
      const location = String(filed.headers.location);
      expect(location).toMatch(/^\/akun\/data-pribadi\/permintaan\/[0-9a-f-]{36}\?baru=1$/);
      requestId = location.split('/').pop()!.split('?')[0]!;
      const seen = await page.get(location);
      expect(seen.statusCode).toBe(200);
      reference = /data-reference>(KOR-[A-Z0-9]+)</.exec(seen.body)![1]!;
      expect(seen.body).toContain('Sedang diperiksa');
      expect(seen.body).toContain('Jl. Ijen No. 12');

      // The front desk sees it among the open requests (page and API) and answers it on the page.
      const desk = await signedInOfficer(ctx, 'front_desk');
      const list = await desk.get('/kantor/data-pribadi');
      expect(list.statusCode).toBe(200);
      expect(list.body).toContain(reference);
      const { token: deskToken } = await userWithToken(ctx, 'front_desk');
      const open = json<{ id: string; requester: { userId: string } }[]>(await get(deskToken, '/api/v1/data-requests'));
      expect(open.find((r) => r.id === requestId)?.requester.userId).toBe(a.userId);
      const answered = await desk.post(`/kantor/data-pribadi/${requestId}`, {
        outcome: 'corrected',
        resolution: 'Alamat pada berkas sudah dibetulkan menjadi Jl. Ijen No. 12.',
      });
      expect(answered.statusCode, answered.body.slice(0, 300)).toBe(200);
      expect(answered.body).toContain('Jawaban terkirim');
      expect(json<{ id: string }[]>(await get(deskToken, '/api/v1/data-requests')).map((r) => r.id)).not.toContain(requestId);
      expect(json<{ id: string }[]>(await get(deskToken, '/api/v1/data-requests?status=closed')).map((r) => r.id)).toContain(requestId);

      // The applicant sees the answer, by API and on the page, and is told through the outbox.
      const mine = json<DataRequest>(await get(a.token, `/api/v1/me/data-requests/${requestId}`));
      expect(mine).toMatchObject({
        reference,
        kind: 'correction',
        status: 'corrected',
        resolution: 'Alamat pada berkas sudah dibetulkan menjadi Jl. Ijen No. 12.',
      });
      const after = await page.get(`/akun/data-pribadi/permintaan/${requestId}`);
      expect(after.body).toContain('Dibetulkan');
      expect(after.body).toContain('sudah dibetulkan menjadi Jl. Ijen No. 12');
      expect((await page.get('/akun/data-pribadi')).body).toContain(reference);
      await ctx.services.outbox.drain();
      const told = await ctx.db
        .selectFrom('notifications')
        .select(['body'])
        .where('recipient_user_id', '=', a.userId)
        .where('kind', '=', 'data_request_resolved')
        .execute();
      expect(told).toHaveLength(1);
      expect(told[0]!.body).toContain(reference);

      // Every step is in the audit chain, without the request's texts (the chain is never erased).
      const events = await ctx.db.selectFrom('audit_events').select(['action', 'data']).where('subject_id', '=', requestId).orderBy('seq').execute();
      expect(events.map((e) => e.action)).toEqual(['data_request.filed', 'data_request.resolved']);
      expect(events.map((e) => e.data).join(' ')).not.toContain('Ijen');
      // Answered once: a second answer is 409 and changes nothing.
      expect(
        problem(await post(deskToken, `/api/v1/data-requests/${requestId}/resolve`, { outcome: 'refused', resolution: 'Alasan lain sekali' }), 409).code,
      ).toBe('invalid_state');
      expect(json<DataRequest>(await get(a.token, `/api/v1/me/data-requests/${requestId}`)).status).toBe('corrected');
    });

    it('(LAW-5) another applicant or another office cannot read or resolve someone else’s request (404/403), and nothing changes', async () => {
      const filed = await post(a.token, '/api/v1/me/data-requests/corrections', {
        subject: 'name',
        currentValue: 'Warga PDP',
        requestedValue: 'Warga P. D. Pratama',
      });
      expect(filed.statusCode, filed.body).toBe(201);
      const { id } = json<DataRequest>(filed);
      // Another applicant: not found, by API and page; not in their list.
      expect(problem(await get(b.token, `/api/v1/me/data-requests/${id}`), 404).code).toBe('not_found');
      const bPage = await pagesOf(b);
      expect((await bPage.get(`/akun/data-pribadi/permintaan/${id}`)).statusCode).toBe(404);
      expect(json<DataRequest[]>(await get(b.token, '/api/v1/me/data-requests'))).toEqual([]);
      // Applicants and officers outside the policy (verifier) cannot list or answer.
      expect(problem(await get(b.token, '/api/v1/data-requests'), 403).code).toBe('forbidden');
      expect(problem(await post(b.token, `/api/v1/data-requests/${id}/resolve`, { outcome: 'refused', resolution: 'Saya menolaknya' }), 403).code).toBe(
        'forbidden',
      );
      expect(problem(await get(staff.verifier, `/api/v1/data-requests/${id}`), 403).code).toBe('forbidden');
      const verifierPage = await signedInOfficer(ctx, 'verifier');
      expect((await verifierPage.get('/kantor/data-pribadi')).statusCode).toBe(403);
      // Another office's admin finds nothing: not in its list, 404 to read or answer.
      const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
      const other = await userWithToken(ctx, 'admin', { host: OTHER_HOST, tenantId: batu.id });
      expect(json<{ id: string }[]>(await get(other.token, '/api/v1/data-requests', OTHER_HOST))).toEqual([]);
      expect(problem(await get(other.token, `/api/v1/data-requests/${id}`, OTHER_HOST), 404).code).toBe('not_found');
      expect(
        problem(await post(other.token, `/api/v1/data-requests/${id}/resolve`, { outcome: 'refused', resolution: 'Bukan kantor kami' }, OTHER_HOST), 404).code,
      ).toBe('not_found');
      // This office's admin may, so the refusals were about who asked.
      const admin = await userWithToken(ctx, 'admin');
      expect(json<DataRequest>(await get(admin.token, `/api/v1/data-requests/${id}`)).status).toBe('open');
      expect(json<DataRequest>(await get(a.token, `/api/v1/me/data-requests/${id}`)).status).toBe('open');
    });

    it('(LAW-5) bad input to a correction or an answer gets a clear 4xx with the field named, and changes nothing', async () => {
      const before = await count('data_requests');
      const bApp = await readyDraft(ctx, b.token);
      expect((await post(b.token, `/api/v1/applications/${bApp}/submit`, {})).statusCode).toBe(200);
      const bNumber = (await ctx.db.selectFrom('applications').select('number').where('id', '=', bApp).executeTakeFirstOrThrow()).number!;
      const valid = { subject: 'address', currentValue: 'Jl. Lama', requestedValue: 'Jl. Baru' };
      const cases: [string, Record<string, unknown>, string, string][] = [
        ['no current value', { ...valid, currentValue: '   ' }, 'currentValue', 'required'],
        ['a full NIK typed', { ...valid, requestedValue: 'NIK saya 3573 0145 0690 0002' }, 'requestedValue', 'nik_not_here'],
        ['text past the limit', { ...valid, details: 'x'.repeat(2001) }, 'details', 'too_long'],
        ['an unknown subject', { ...valid, subject: 'salary' }, 'subject', 'invalid_value'],
        ['another applicant’s application', { ...valid, subject: 'application', applicationNumber: bNumber }, 'applicationNumber', 'not_your_application'],
        ['an application subject without a number', { ...valid, subject: 'application' }, 'applicationNumber', 'required'],
        ['an officer-only field', { ...valid, status: 'corrected' }, 'status', 'unknown_field'],
      ];
      for (const [what, body, field, code] of cases) {
        const p = problem(await post(a.token, '/api/v1/me/data-requests/corrections', body), 400);
        expect(p.code, what).toBe('invalid_input');
        expect(p.errors?.find((e) => e.field === field)?.code, `${what}: ${JSON.stringify(p.errors)}`).toBe(code);
      }
      // The page says it next to the field.
      const page = await pagesOf(a);
      const bad = await page.post('/akun/data-pribadi/pembetulan', { subject: 'identity', currentValue: '3573014506900002', requestedValue: '' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Jangan tulis NIK lengkap di sini');
      expect(bad.body).toContain('Wajib diisi');
      // An answer without a reason, or with an outcome that is not one.
      const open = json<DataRequest>(await post(a.token, '/api/v1/me/data-requests/corrections', valid));
      const admin = await userWithToken(ctx, 'admin');
      const noReason = problem(await post(admin.token, `/api/v1/data-requests/${open.id}/resolve`, { outcome: 'refused', resolution: ' ' }), 400);
      expect(noReason.errors?.find((e) => e.field === 'resolution')?.code).toBe('required');
      expect(problem(await post(admin.token, `/api/v1/data-requests/${open.id}/resolve`, { outcome: 'maybe', resolution: 'Sudah diperiksa' }), 400).code).toBe(
        'invalid_input',
      );
      expect(json<DataRequest>(await get(a.token, `/api/v1/me/data-requests/${open.id}`)).status).toBe('open');
      expect(await count('data_requests')).toBe(before + 1);
    });
  });

  describe('erasure', () => {
    it('(LAW-5) erasure removes drafts and their uploads and blocks sign-in, while the submitted application and issued permit stay and audit:verify still passes', async () => {
      const c = await citizen();
      const draft = await readyDraft(ctx, c.token);
      const draftDocs = await ctx.db.selectFrom('documents').select(['id', 'sha256']).where('application_id', '=', draft).execute();
      expect(draftDocs.length).toBeGreaterThan(0);
      const permit = await issuedPermit(ctx, c.token, staff, 'REKLAME');
      const page = await pagesOf(c);
      const applicationsBefore = await count('applications');

      // A wrong password or no confirmation: 400, nothing erased.
      const wrong = problem(await post(c.token, '/api/v1/me/erasure', { currentPassword: 'bukan sandinya', confirm: true }), 400);
      expect(wrong.errors?.find((e) => e.field === 'currentPassword')?.code).toBe('wrong_password');
      const unconfirmed = problem(await post(c.token, '/api/v1/me/erasure', { currentPassword: PASSWORD, confirm: false }), 400);
      expect(unconfirmed.errors?.find((e) => e.field === 'confirm')?.code).toBe('erasure_confirm');
      expect((await get(c.token, '/api/v1/me')).statusCode).toBe(200);
      expect(await count('applications')).toBe(applicationsBefore);

      const res = await post(c.token, '/api/v1/me/erasure', { currentPassword: PASSWORD, confirm: true });
      expect(res.statusCode, res.body.slice(0, 400)).toBe(200);
      const done = json<DataRequest>(res);
      expect(done.reference).toMatch(/^HPS-[A-Z0-9]{8}$/);
      expect(done.outcome!.erased).toMatchObject({ drafts: 1, documents: draftDocs.length });
      expect(done.outcome!.erased.sessions).toBeGreaterThanOrEqual(2);
      const kept = Object.fromEntries(done.outcome!.kept.map((k) => [k.item, k]));
      expect(kept.applications?.count).toBe(1);
      expect(kept.permits?.count).toBe(1);
      expect(kept.permits?.reason.id).toMatch(/ditandatangani/);
      expect(kept.audit_trail).toBeDefined();

      // The draft and its uploads are gone (their files are left to the file sweep through document.pruned).
      expect(await ctx.db.selectFrom('applications').select('id').where('id', '=', draft).executeTakeFirst()).toBeUndefined();
      expect(await ctx.db.selectFrom('documents').select('id').where('application_id', '=', draft).execute()).toEqual([]);
      const pruned = await ctx.db
        .selectFrom('audit_events')
        .select('subject_id')
        .where('action', '=', 'document.pruned')
        .where('actor_id', '=', c.userId)
        .execute();
      expect(pruned.map((p) => p.subject_id).sort()).toEqual(draftDocs.map((d) => d.id).sort());
      // Signed out everywhere and unable to sign in again; the profile holds no contact or NIK.
      expect((await get(c.token, '/api/v1/me')).statusCode).toBe(401);
      expect((await page.get('/akun/profil')).statusCode).toBe(303);
      const login = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { login: c.email, password: PASSWORD },
        remoteAddress: '203.0.113.9',
      });
      expect(login.statusCode).toBe(401);
      const row = await ctx.db.selectFrom('users').selectAll().where('id', '=', c.userId).executeTakeFirstOrThrow();
      expect({ email: row.email, phone: row.phone, nik: row.nik_encrypted, index: row.nik_index }).toEqual({
        email: null,
        phone: null,
        nik: null,
        index: null,
      });
      expect(row.disabled_at).not.toBeNull();
      // The same NIK and email may register again as a new account.
      const again = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { name: 'Warga Baru', nik: c.nik, email: c.email, password: PASSWORD, consent: true },
        remoteAddress: '198.51.100.201',
      });
      expect(again.statusCode, again.body).toBe(201);

      // The filed application and its permit stay, and the permit still verifies with its signature.
      const filed = await ctx.db
        .selectFrom('applications')
        .select(['number', 'applicant_name'])
        .where('id', '=', permit.applicationId)
        .executeTakeFirstOrThrow();
      expect(filed.number).not.toBeNull();
      const verified = await ctx.app.inject({ url: `/api/v1/verify/${permit.verificationCode}` });
      expect(json<{ status: string }>(verified).status).toBe('valid');
      // The erasure is recorded as a request with its outcome; the office's record keeps it.
      const recorded = await ctx.db.selectFrom('data_requests').selectAll().where('reference', '=', done.reference).executeTakeFirstOrThrow();
      expect(recorded).toMatchObject({ kind: 'erasure', status: 'completed', user_id: c.userId });
      // The audit chain is whole: in-process and through the real command.
      const chains = await verifyAuditChain(ctx.db);
      expect(
        chains.every((v) => v.ok),
        JSON.stringify(chains.filter((v) => !v.ok)),
      ).toBe(true);
      const cli = await runScript('scripts/audit-verify.ts', ctx.databaseUrl);
      expect(cli.code, cli.stdout + cli.stderr).toBe(0);
    }, 120_000);

    it('(LAW-5) erasure on the page asks for the password and the confirmation, then says what was erased and what was kept, signed out', async () => {
      const d = await citizen();
      await readyDraft(ctx, d.token);
      const page = await pagesOf(d);
      const form = await page.get('/akun/data-pribadi/hapus');
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('Yang tetap disimpan, dan alasannya');
      // Without the box ticked: 400 with the message next to it; nothing erased.
      const unticked = await page.post('/akun/data-pribadi/hapus', { currentPassword: PASSWORD });
      expect(unticked.statusCode).toBe(400);
      expect(unticked.body).toContain('Centang kotak ini');
      expect((await get(d.token, '/api/v1/me')).statusCode).toBe(200);
      const erased = await page.post('/akun/data-pribadi/hapus', { currentPassword: PASSWORD, confirm: 'yes' });
      expect(erased.statusCode, erased.body.slice(0, 300)).toBe(200);
      expect(erased.body).toContain('Akun Anda sudah dihapus');
      expect(erased.body).toMatch(/data-reference>HPS-[A-Z0-9]{8}</);
      expect(erased.body).toContain('Catatan audit');
      expect((await page.get('/akun/data-pribadi')).statusCode).toBe(303);
      expect((await get(d.token, '/api/v1/me')).statusCode).toBe(401);
      expect(await ctx.db.selectFrom('applications').select('id').where('applicant_id', '=', d.userId).execute()).toEqual([]);
    });
  });
});
