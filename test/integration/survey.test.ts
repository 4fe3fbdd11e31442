/**
 * The SKM satisfaction survey (src/survey/), on SQLite and PostgreSQL: the permit's issuing makes an
 * invitation (offered on the applicant's file page and in the "permit issued" message), the public page
 * /survei/{token} answers it once without sign-in, the answer row is anonymous (its table has no person,
 * file or invitation column), malformed answers are 400 with field errors and write nothing, and the
 * report's figures (API, page, CSV) equal the hand computation of test/unit/skm.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { KIOSK_COOKIE } from '../../src/queue/queue.schemas.js';
import { ensureInvitation } from '../../src/survey/survey.repository.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

const ELEMENTS = ['requirements', 'procedure', 'time', 'fee', 'product', 'competence', 'behaviour', 'complaints', 'facilities'] as const;
const scores = (s: readonly number[]) => Object.fromEntries(ELEMENTS.map((e, i) => [e, s[i]!]));
/* The four respondents of test/unit/skm.test.ts: per element sums 14 14 11 16 14 14 15 8 11, index 81.25, grade B. */
const R1 = [4, 4, 3, 4, 4, 3, 4, 2, 3];
const R2 = [3, 3, 3, 4, 3, 3, 4, 2, 3];
const R3 = [4, 3, 2, 4, 4, 4, 4, 3, 3];
const R4 = [3, 4, 3, 4, 3, 4, 3, 1, 2];

describe.each(DIALECTS)('the SKM survey (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; page: PageClient };
  const tokens = {} as Record<'head' | 'admin' | 'verifier', string>;
  let applicationId: string;
  let token: string;

  async function signedIn(role: Role): Promise<PageClient> {
    const email = `${role}.${Math.random().toString(36).slice(2, 8)}@skm.izol.test`;
    const password = `${role} kata sandi yang panjang`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Petugas ${role}`, email, password });
    const client = new PageClient(ctx);
    await client.post('/akun/masuk', { login: email, password });
    if (role !== 'applicant') {
      const secret = await enrollSecondFactor(ctx, userId);
      expect((await client.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    }
    return client;
  }

  const answerApi = (tok: string, payload: unknown) =>
    ctx.app.inject({ method: 'POST', url: `/api/v1/survey/invitations/${tok}/answer`, payload: payload as Record<string, unknown> });
  const answersCount = async () =>
    Number(
      (
        await ctx.db
          .selectFrom('survey_answers')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const form = (s: readonly number[], extra: Record<string, string> = {}) => ({ ...Object.fromEntries(ELEMENTS.map((e, i) => [e, String(s[i])])), ...extra });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    ctx.clock.set('2026-04-15T03:00:00.000Z');
    const email = `pemohon.${randomUUID().slice(0, 6)}@skm.izol.test`;
    const password = 'pemohon kata sandi yang panjang';
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name: 'Siti Pemohon', email, password });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } });
    const page = new PageClient(ctx);
    await page.post('/akun/masuk', { login: email, password });
    applicant = { token: login.json<{ token: string }>().token, page };
    for (const role of ['head', 'admin', 'verifier'] as const) tokens[role] = (await userWithToken(ctx, role)).token;
    const technical = (await userWithToken(ctx, 'technical')).token;
    const issued = await issuedPermit(ctx, applicant.token, { verifier: tokens.verifier, technical, head: tokens.head });
    applicationId = issued.applicationId;
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('invites the applicant when the permit is issued: on the file page and in the issued message', async () => {
    const inv = await ctx.db.selectFrom('survey_invitations').selectAll().where('subject_id', '=', applicationId).execute();
    expect(inv).toHaveLength(1);
    expect(inv[0]).toMatchObject({ occasion: 'permit_issued', service_kind: 'permit', service_code: 'REKLAME', used: 0 });
    token = inv[0]!.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const file = await applicant.page.get(`/permohonan/${applicationId}`);
    expect(file.statusCode).toBe(200);
    expect(file.body).toContain(`href="/survei/${token}"`);
    await ctx.services.outbox.drain();
    const issuedMail = await ctx.db
      .selectFrom('notifications')
      .select(['body', 'channel'])
      .where('application_id', '=', applicationId)
      .where('kind', '=', 'permit_issued')
      .execute();
    expect(issuedMail.length).toBeGreaterThan(0);
    expect(issuedMail.some((m) => m.body.includes(`/survei/${token}`))).toBe(true);
    // The token is not in the file's timeline or audit trail.
    const events = await ctx.db.selectFrom('application_events').selectAll().where('application_id', '=', applicationId).execute();
    expect(JSON.stringify(events)).not.toContain(token);
  });

  it('shows the nine elements and the optional details without sign-in', async () => {
    const res = await new PageClient(ctx).get(`/survei/${token}`);
    expect(res.statusCode).toBe(200);
    for (const e of ELEMENTS) expect(res.body).toContain(`name="${e}" type="radio" value="4"`);
    for (const d of ['ageBand', 'sex', 'education', 'occupation']) expect(res.body).toContain(`name="${d}"`);
    expect(res.body).toContain('Reklame');
    expect(Buffer.byteLength(res.body)).toBeLessThan(50 * 1024);
  });

  it('refuses malformed answers with field errors and writes nothing', async () => {
    const visitor = new PageClient(ctx);
    const bad = await visitor.post(`/survei/${token}`, { ...form(R1), fee: '5', facilities: '', ageBand: 'seratus' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Pilih nilai 1 sampai 4 untuk “Biaya”');
    expect(bad.body).toContain('Pilih nilai 1 sampai 4 untuk “Sarana”');
    expect(bad.body).toContain('Pilih salah satu pilihan untuk “Usia”');
    const api = await answerApi(token, { ...scores(R1), time: 0, sex: 'other' });
    expect(api.statusCode).toBe(400);
    const fields = (api.json<{ errors?: { field: string }[] }>().errors ?? []).map((f) => f.field).sort();
    expect(fields).toEqual(['sex', 'time']);
    expect(await answersCount()).toBe(0);
    expect((await ctx.db.selectFrom('survey_invitations').select('used').where('token', '=', token).executeTakeFirstOrThrow()).used).toBe(0);
  });

  it('answers once; a second submit says it was already answered', async () => {
    const visitor = new PageClient(ctx);
    const ok = await visitor.post(`/survei/${token}`, form(R1, { ageBand: '30_39', sex: 'female', education: 'bachelor', occupation: '' }));
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`/survei/${token}?terima=kasih`);
    expect((await visitor.get(ok.headers.location as string)).body).toContain('Terima kasih atas jawaban Anda');
    const again = await visitor.post(`/survei/${token}`, form(R2));
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('Survei ini sudah dijawab');
    expect((await answerApi(token, scores(R2))).statusCode).toBe(409);
    expect((await new PageClient(ctx).get(`/survei/${token}`)).body).toContain('Survei ini sudah dijawab');
    expect(await answersCount()).toBe(1);
    const row = await ctx.db.selectFrom('survey_answers').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      service_kind: 'permit',
      service_code: 'REKLAME',
      period: '2026-04',
      u1_requirements: 4,
      u8_complaints: 2,
      age_band: '30_39',
      sex: 'female',
      occupation: null,
    });
    // Answered: the file page no longer offers the link.
    expect((await applicant.page.get(`/permohonan/${applicationId}`)).body).not.toContain('/survei/');
  });

  it('keeps the answer anonymous: no person, file, invitation or time column in the answer table', async () => {
    const tables = await ctx.db.introspection.getTables();
    const columns = tables
      .find((t) => t.name === 'survey_answers')!
      .columns.map((c) => c.name)
      .sort();
    expect(columns).toEqual(
      [
        'id',
        'tenant_id',
        'service_kind',
        'service_code',
        'period',
        'u1_requirements',
        'u2_procedure',
        'u3_time',
        'u4_fee',
        'u5_product',
        'u6_competence',
        'u7_behaviour',
        'u8_complaints',
        'u9_facilities',
        'age_band',
        'sex',
        'education',
        'occupation',
      ].sort(),
    );
    const row = await ctx.db.selectFrom('survey_answers').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(applicationId);
  });

  it('answers 404 for a malformed or unknown token', async () => {
    for (const url of ['/survei/abc', `/survei/${'x'.repeat(43)}`, `/survei/${token}x`]) expect((await new PageClient(ctx).get(url)).statusCode).toBe(404);
    expect((await answerApi('abc', scores(R1))).statusCode).toBe(404);
    expect((await answerApi('y'.repeat(43), scores(R1))).statusCode).toBe(404);
    expect((await ctx.app.inject({ url: `/api/v1/survey/invitations/${'z'.repeat(43)}` })).statusCode).toBe(404);
  });

  it('reports index, grade and element means per service equal to the hand computation (API, page, CSV)', async () => {
    // Three more REKLAME invitations (R2–R4) and one help-desk visit answered all 4, through the API.
    for (const [kind, code, s] of [
      ['permit', 'REKLAME', R2],
      ['permit', 'REKLAME', R3],
      ['permit', 'REKLAME', R4],
      ['helpdesk', 'HELPDESK', [4, 4, 4, 4, 4, 4, 4, 4, 4]],
    ] as const) {
      const inv = await ensureInvitation(ctx.db, {
        tenantId: ctx.tenant.id,
        occasion: kind === 'permit' ? 'permit_issued' : 'help_closed',
        subjectId: randomUUID(),
        serviceKind: kind,
        serviceCode: code,
        now: ctx.clock.now().toISOString(),
      });
      expect((await answerApi(inv.token, scores(s))).statusCode).toBe(200);
    }
    const res = await ctx.app.inject({ url: '/api/v1/survey/skm?from=2026-01&to=2026-12', headers: auth(tokens.head) });
    expect(res.statusCode, res.body).toBe(200);
    const report = res.json<{ overall: Record<string, unknown>; services: Record<string, unknown>[] }>();
    const reklame = report.services.find((s) => s.code === 'REKLAME');
    expect(reklame).toMatchObject({
      respondents: 4,
      means: { requirements: 3.5, procedure: 3.5, time: 2.75, fee: 4, product: 3.5, competence: 3.5, behaviour: 3.75, complaints: 2, facilities: 2.75 },
      weightedIndex: 3.25,
      index: 81.25,
      grade: 'B',
      label: { id: 'Baik', en: 'Good' },
    });
    expect(report.services.find((s) => s.code === 'HELPDESK')).toMatchObject({ respondents: 1, index: 100, grade: 'A' });
    // All five: sum 117 + 36 = 153; 25 × 153 ÷ (9 × 5) = 85.00, B.
    expect(report.overall).toMatchObject({ respondents: 5, index: 85, grade: 'B' });
    const only = (await ctx.app.inject({ url: '/api/v1/survey/skm?from=2026-04&to=2026-04&service=REKLAME', headers: auth(tokens.head) })).json<{
      overall: { index: number };
      services: unknown[];
    }>();
    expect(only.overall.index).toBe(81.25);
    expect(only.services).toHaveLength(1);
    expect(
      (await ctx.app.inject({ url: '/api/v1/survey/skm?from=2026-03&to=2026-03', headers: auth(tokens.admin) })).json<{ overall: unknown }>().overall,
    ).toBeNull();

    const head = await signedIn('head');
    const page = await head.get('/kantor/skm?periode=triwulan&tahun=2026&triwulan=2');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-index="81.25"');
    expect(page.body).toContain('81,25');
    expect(page.body).toContain('B (Baik)');
    expect(page.body).toContain('data-overall="85.00"');
    expect(Buffer.byteLength(page.body)).toBeLessThan(50 * 1024);
    const march = await head.get('/kantor/skm?periode=bulan&tahun=2026&bulan=3');
    expect(march.body).toContain('Belum ada jawaban survei pada periode ini.');
    const csv = await head.get('/kantor/skm.csv?periode=tahun&tahun=2026');
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'unit,from,to,service_kind,service_code,service,respondents,u1_requirements,u2_procedure,u3_time,u4_fee,u5_product,u6_competence,u7_behaviour,u8_complaints,u9_facilities,weighted_index,index,grade,grade_label',
    );
    expect(lines.find((l) => l.includes('"REKLAME"'))).toMatch(/,4,3\.50,3\.50,2\.75,4\.00,3\.50,3\.50,3\.75,2\.00,2\.75,3\.25,81\.25,B,"Baik"$/);
    expect(lines.at(-1)).toMatch(/^.*,all,"ALL","Semua layanan",5,.*,85\.00,B,"Baik"$/);
  });

  it('lets only head and admin read the report', async () => {
    expect((await ctx.app.inject({ url: '/api/v1/survey/skm', headers: auth(applicant.token) })).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: '/api/v1/survey/skm', headers: auth(tokens.verifier) })).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: '/api/v1/survey/skm' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: '/api/v1/survey/skm', headers: auth(tokens.admin) })).statusCode).toBe(200);
    expect((await applicant.page.get('/kantor/skm')).statusCode).toBe(403);
    expect((await applicant.page.get('/kantor/skm.csv')).statusCode).toBe(403);
    expect((await ctx.app.inject({ url: '/api/v1/survey/skm?from=2026-13', headers: auth(tokens.head) })).statusCode).toBe(400);
  });

  it('invites the visitor when a counter visit is completed: the link is on the ticket page, and answered counts as the queue service', async () => {
    ctx.clock.set('2026-04-17T03:00:00.000Z'); // Friday 10:00 in Malang: the counters are open
    const admin = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin',
      email: 'kios.admin@skm.izol.test',
      password: 'kios admin kata sandi panjang',
    });
    const kiosk = (
      await ctx.services.queue.enrolKiosk({
        actor: { userId: admin.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' },
        tenant: ctx.tenant,
        name: 'Kios lobi',
      })
    ).token;
    const desk = (await userWithToken(ctx, 'front_desk')).token;
    const freshHead = (await userWithToken(ctx, 'head')).token;
    const ticket = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/queue/tickets',
      headers: { 'x-kiosk-token': kiosk },
      payload: { service: 'KONSULTASI' },
    });
    expect(ticket.statusCode, ticket.body).toBe(201);
    const id = ticket.json<{ id: string }>().id;
    const visitor = new PageClient(ctx);
    const act = (action: string) => ctx.app.inject({ method: 'POST', url: `/api/v1/queue/tickets/${id}/events`, headers: auth(desk), payload: { action } });
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/v1/queue/call-next', headers: auth(desk), payload: { service: 'KONSULTASI', counter: 'Loket 1' } }))
        .statusCode,
    ).toBe(200);
    expect((await act('start')).statusCode).toBe(200);
    expect((await visitor.get(`/antrian/tiket/${id}`)).body).not.toContain('/survei/');
    expect((await act('complete')).statusCode).toBe(200);
    const inv = await ctx.db.selectFrom('survey_invitations').selectAll().where('subject_id', '=', id).executeTakeFirstOrThrow();
    expect(inv).toMatchObject({ occasion: 'visit_completed', service_kind: 'queue', service_code: 'KONSULTASI', used: 0 });
    const page = await visitor.get(`/antrian/tiket/${id}`);
    expect(page.body).toContain(`href="/survei/${inv.token}"`);
    const survey = await visitor.get(`/survei/${inv.token}`);
    expect(survey.body).toContain('Layanan loket KONSULTASI');
    expect((await visitor.post(`/survei/${inv.token}`, form([4, 4, 4, 4, 4, 4, 4, 4, 4]))).statusCode).toBe(303);
    expect((await visitor.get(`/antrian/tiket/${id}`)).body).not.toContain('/survei/');
    const report = (await ctx.app.inject({ url: '/api/v1/survey/skm?from=2026-04&to=2026-04&service=KONSULTASI', headers: auth(freshHead) })).json<{
      services: { kind: string; respondents: number; index: number }[];
    }>();
    expect(report.services).toEqual([expect.objectContaining({ kind: 'queue', respondents: 1, index: 100 })]);
  });

  it("invites the citizen when a help request is closed: the link is on the help desk's request page, to send in a reply", async () => {
    const desk = await signedIn('front_desk');
    const deskToken = (await userWithToken(ctx, 'front_desk')).token;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      payload: { handle: 'warga.skm@contoh.id', name: 'Warga', message: 'Kapan kantor buka?' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    expect((await desk.get(`/kantor/bantuan/${id}`)).body).not.toContain('data-survey-link');
    const closed = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/help-requests/${id}`, headers: auth(deskToken), payload: { status: 'closed' } });
    expect(closed.statusCode, closed.body).toBe(200);
    const inv = await ctx.db.selectFrom('survey_invitations').selectAll().where('subject_id', '=', id).executeTakeFirstOrThrow();
    expect(inv).toMatchObject({ occasion: 'help_closed', service_kind: 'helpdesk', service_code: 'HELPDESK', used: 0 });
    expect((await desk.get(`/kantor/bantuan/${id}`)).body).toContain(`href="/survei/${inv.token}"`);
    expect((await new PageClient(ctx).get(`/survei/${inv.token}`)).body).toContain('Layanan bantuan (help desk)');
  });

  it('at the lobby kiosk: an enrolled kiosk starts a fresh survey for whoever is at the screen; another device is refused', async () => {
    const admin = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin',
      email: 'kios.survei@skm.izol.test',
      password: 'kios survei kata sandi panjang',
    });
    const kiosk = (
      await ctx.services.queue.enrolKiosk({
        actor: { userId: admin.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' },
        tenant: ctx.tenant,
        name: 'Kios survei',
      })
    ).token;
    expect((await new PageClient(ctx).get('/survei/kios')).statusCode).toBe(403);
    const stranger = new PageClient(ctx);
    expect((await stranger.post('/survei/kios', {})).statusCode).toBe(403);
    const device = new PageClient(ctx);
    await device.get('/');
    (Reflect.get(device, 'cookies') as Map<string, string>).set(KIOSK_COOKIE, kiosk);
    const start = await device.get('/survei/kios');
    expect(start.statusCode).toBe(200);
    expect(start.body).toContain('Mulai survei');
    const before = await ctx.db.selectFrom('survey_invitations').select('id').where('occasion', '=', 'kiosk').execute();
    const first = await device.post('/survei/kios', {});
    expect(first.statusCode).toBe(303);
    const token = String(first.headers.location).replace('/survei/', '');
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await device.get(`/survei/${token}`)).body).toContain('Pelayanan di kantor (kios survei)');
    expect((await device.post(`/survei/${token}`, form(R3))).statusCode).toBe(303);
    // The next person gets a new invitation.
    const second = await device.post('/survei/kios', {});
    expect(second.headers.location).not.toBe(first.headers.location);
    expect((await ctx.db.selectFrom('survey_invitations').select('id').where('occasion', '=', 'kiosk').execute()).length).toBe(before.length + 2);
  });
});
