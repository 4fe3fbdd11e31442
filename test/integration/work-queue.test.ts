/**
 * The work queue's read model (issue 9): an office with a thousand files waiting for the verifier,
 * spread over the SLA states, is shown whole, counted right and in due order, one page at a time, on
 * the queue page and through the API; each page costs the same number of SQL statements with 100
 * files as with 1,000. Both databases.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import { backfillDueDates } from '../../src/db/migrations/0010_work_queue.js';
import type { Application, Database, Tenant } from '../../src/db/schema.js';
import type { Services } from '../../src/services.js';
import { slaDueOn, type SlaEvent } from '../../src/sla/sla.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, type TestContext } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

type QueueItem = {
  id: string;
  number: string;
  permitType: { code: string };
  channel: string;
  state: { code: string };
  sla: { status: string; dueDate: string | null };
  heldByYou: boolean;
};
type QueuePage = { items: QueueItem[]; page: number; pageSize: number; total: number };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The usual test context, but on a database handle that counts the SQL statements it runs (Kysely's
 * `log`), so a test can tell how many statements one request costs.
 */
async function countingContext(dialect: TestDialect): Promise<TestContext & { statements: { n: number } }> {
  const statements = { n: 0 };
  const ctx = await createTestContext(dialect, {}, { log: (event) => void (event.level === 'query' && statements.n++) });
  return { ...ctx, statements };
}

describe.each(DIALECTS)('the work queue (%s)', (dialect) => {
  let ctx: Awaited<ReturnType<typeof countingContext>>;
  let services: Services;
  let app: FastifyInstance;
  let tenant: Tenant;
  let verifier: { actor: Actor; token: string; page: PageClient };
  let admin: Actor;
  /** Every file that waits for the verifier, as the test made it. */
  const waiting: Pick<Application, 'id' | 'sla_due_on' | 'submitted_at'>[] = [];
  let seeded = 0;
  let citizenToken = '';

  async function officer(role: Role): Promise<{ actor: Actor; token: string; page: PageClient }> {
    const email = `${role}.${randomUUID().slice(0, 8)}@antrean.izol.test`;
    const password = `${role} kata sandi antrean panjang`;
    const name = `Petugas ${role}`;
    const { userId } = await services.auth.createUser({ tenantId: tenant.id, role, name, email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    const { token } = await services.auth.login({
      tenantId: tenant.id,
      login: email,
      password,
      clientIp: '127.0.0.1',
      kind: 'bearer',
      otp: totpAt(secret, ctx.clock.now()),
    });
    // Each authenticator code works once: the page sign-in takes the next one.
    ctx.clock.advanceMinutes(0.5);
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return { actor: { userId, tenantId: tenant.id, role, name }, token, page };
  }

  /**
   * Inserts files straight into the tables, as the services would have left them: filed 0 to 40 days
   * ago (so on track, due soon and overdue), some in verification, some resubmitted after a return,
   * and some back with the applicant but held by the verifier (paused); plus files that do not wait
   * for the verifier at all. Due dates are worked out by the same slaDueOn the transitions use.
   */
  async function seed(count: number): Promise<void> {
    const holidays = await services.holidays.forTenant(tenant.id);
    const types = await Promise.all(['SIPDOK', 'REKLAME'].map((code) => services.catalogue.getPermitType({ tenantId: tenant.id, code })));
    const now = ctx.clock.now().getTime();
    const rows: Application[] = [];
    const events: Database['application_events'][] = [];
    const make = (i: number, shape: 'submitted' | 'verification' | 'resubmitted' | 'paused' | 'technical' | 'draft' | 'closed') => {
      const type = types[i % 2]!;
      const id = randomUUID();
      const filed = now - ((i * 7) % 41) * DAY - ((i * 5) % 9) * HOUR - 60_000;
      const timeline: SlaEvent[] = [{ from_state: null, to_state: 'draft', created_at: new Date(filed - 2 * HOUR).toISOString() }];
      const step = (to: string, at: number) =>
        timeline.push({ from_state: timeline.at(-1)!.to_state, to_state: to, created_at: new Date(Math.min(at, now - 1000)).toISOString() });
      if (shape !== 'draft') step('submitted', filed);
      if (shape === 'verification' || shape === 'resubmitted' || shape === 'paused' || shape === 'technical' || shape === 'closed')
        step('verification', filed + HOUR);
      if (shape === 'resubmitted' || shape === 'paused') step('returned_to_applicant', filed + 2 * HOUR);
      if (shape === 'resubmitted') step('resubmitted', filed + ((i % 5) + 1) * DAY);
      if (shape === 'technical') step('technical_review', filed + 3 * HOUR);
      if (shape === 'closed') step('rejected', filed + 3 * HOUR);
      const last = timeline.at(-1)!;
      const filedAt = shape === 'draft' ? null : timeline[1]!.created_at;
      const dueOn = slaDueOn({
        events: timeline,
        workflow: type.workflow,
        slaWorkingDays: type.definition.slaWorkingDays,
        timeZone: tenant.time_zone,
        holidays,
      });
      const n = ++seeded;
      rows.push({
        id,
        tenant_id: tenant.id,
        permit_type_id: type.permitTypeId,
        permit_type_version_id: type.versionId,
        permit_code: type.definition.code,
        number: filedAt ? `MLG-${type.definition.code}-2026-${String(100_000 + n).padStart(6, '0')}` : null,
        tracking_code: filedAt ? 'ABCD2345' : null,
        state: last.to_state,
        channel: (['online', 'walk_in', 'courier', 'assisted'] as const)[i % 4]!,
        channel_detail: null,
        applicant_id: null,
        applicant_name: `Pemohon Antrean ${n}`,
        applicant_contact: null,
        claim_code_hash: null,
        claim_expires_at: null,
        created_by: verifier.actor.userId,
        intake_officer_id: null,
        answers: '{}',
        fee_amount: null,
        payment_reference: null,
        fee_paid_at: null,
        inspection_result: null,
        inspection_recorded_at: null,
        idempotency_key: null,
        submitted_at: filedAt,
        state_entered_at: last.created_at,
        decided_at: shape === 'closed' ? last.created_at : null,
        sla_used_working_days: null,
        sla_met: null,
        created_at: timeline[0]!.created_at,
        updated_at: last.created_at,
        revision: timeline.length - 1,
        assigned_to: shape === 'paused' ? verifier.actor.userId : null,
        inspection_scheduled_for: null,
        inspection_officer_id: null,
        renews_permit_id: null,
        sla_due_on: dueOn,
      });
      timeline.forEach((e, position) =>
        events.push({
          id: randomUUID(),
          tenant_id: tenant.id,
          application_id: id,
          position,
          action: position === 0 ? 'create' : 'seed',
          from_state: e.from_state,
          to_state: e.to_state,
          actor_id: null,
          actor_role: null,
          reason: null,
          data: '{}',
          created_at: e.created_at,
        }),
      );
      if (shape !== 'technical' && shape !== 'draft' && shape !== 'closed') waiting.push({ id, sla_due_on: dueOn, submitted_at: filedAt });
    };
    const shapes = [
      'submitted',
      'submitted',
      'submitted',
      'verification',
      'verification',
      'resubmitted',
      'submitted',
      'verification',
      'paused',
      'submitted',
    ] as const;
    for (let i = 0; i < count; i++) make(seeded + i, shapes[i % shapes.length]!);
    // Not the verifier's: with the technical team, drafts, closed files.
    for (let i = 0; i < count / 20; i++) make(seeded + i, (['technical', 'draft', 'closed'] as const)[i % 3]!);
    for (let i = 0; i < rows.length; i += 100)
      await ctx.db
        .insertInto('applications')
        .values(rows.slice(i, i + 100))
        .execute();
    for (let i = 0; i < events.length; i += 200)
      await ctx.db
        .insertInto('application_events')
        .values(events.slice(i, i + 200))
        .execute();
  }

  /** The queue in the order it must come: soonest due first, files without a running clock last, then by filing time and id. */
  const expectedOrder = () =>
    [...waiting]
      .sort(
        (a, b) =>
          (a.sla_due_on ?? '9999-12-31').localeCompare(b.sla_due_on ?? '9999-12-31') ||
          (a.submitted_at ?? '').localeCompare(b.submitted_at ?? '') ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
      .map((w) => w.id);

  const api = async (query: string) => {
    const res = await app.inject({ url: `/api/v1/work-queue${query}`, headers: auth(verifier.token) });
    expect(res.statusCode, res.body).toBe(200);
    return json<QueuePage>(res);
  };

  /** Every page of the API's queue, in order. */
  async function walkApi(query = ''): Promise<{ items: QueueItem[]; totals: number[] }> {
    const items: QueueItem[] = [];
    const totals: number[] = [];
    for (let page = 1; ; page++) {
      const res = await api(`?pageSize=100&page=${page}${query}`);
      items.push(...res.items);
      totals.push(res.total);
      if (res.items.length < 100) return { items, totals };
    }
  }

  const ids = (body: string) => [...body.matchAll(/data-queue-item="([^"]+)"/g)].map((m) => m[1]!);
  const total = (body: string) => Number(/data-queue-total="(\d+)"/.exec(body)?.[1]);

  beforeAll(async () => {
    ctx = await countingContext(dialect);
    ({ services, app, tenant } = ctx);
    verifier = await officer('verifier');
    admin = (await officer('admin')).actor;
  });
  afterAll(async () => ctx?.close());

  it('gives a file its due date in the transition that files it (the effect), the one computeSla shows', async () => {
    await services.auth.createUser({
      tenantId: tenant.id,
      role: 'applicant',
      name: 'Warga Antrean',
      email: 'warga@antrean.izol.test',
      password: 'kata sandi warga panjang',
    });
    const { token } = await services.auth.login({
      tenantId: tenant.id,
      login: 'warga@antrean.izol.test',
      password: 'kata sandi warga panjang',
      clientIp: '127.0.0.1',
      kind: 'bearer',
    });
    citizenToken = token;
    const id = await readyDraft(ctx, token, 'SIPDOK');
    const row = () => ctx.db.selectFrom('applications').select(['sla_due_on', 'submitted_at']).where('id', '=', id).executeTakeFirstOrThrow();
    expect((await row()).sla_due_on).toBeNull();
    expect((await app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(token) })).statusCode).toBe(200);
    const view = await services.applications.getApplication({ actor: verifier.actor, applicationId: id });
    expect((await row()).sla_due_on).toBe(view.sla.dueDate);
    waiting.push({ id, ...(await row()) });
  });

  describe('with 100 waiting files', () => {
    let small: { firstPage: number; lastPage: number; apiPage: number };

    beforeAll(async () => {
      await seed(100);
    });

    it('shows them all in due order, and costs a fixed number of statements per page', async () => {
      const walked = await walkApi();
      expect(walked.items.map((i) => i.id)).toEqual(expectedOrder());
      // Warm the caches (catalogue versions, holidays), then count one page of each kind.
      await verifier.page.get('/kantor');
      const count = async (fn: () => Promise<unknown>) => {
        ctx.statements.n = 0;
        await fn();
        return ctx.statements.n;
      };
      small = {
        firstPage: await count(() => verifier.page.get('/kantor')),
        lastPage: await count(() => verifier.page.get('/kantor?halaman=3')),
        apiPage: await count(() => api('?pageSize=50')),
      };
      expect(small.firstPage).toBeGreaterThan(0);
    });

    describe('and then 1,000', () => {
      beforeAll(async () => {
        await seed(900);
      });

      it('lists every one of the 1,000 through the API, counted on every page, in due order', async () => {
        expect(waiting.length).toBe(1001);
        const walked = await walkApi();
        expect(walked.totals.every((t) => t === 1001)).toBe(true);
        expect(walked.totals).toHaveLength(11);
        expect(walked.items.map((i) => i.id)).toEqual(expectedOrder());
        const statuses = new Map<string, number>();
        for (const item of walked.items) statuses.set(item.sla.status, (statuses.get(item.sla.status) ?? 0) + 1);
        for (const status of ['on_track', 'due_soon', 'overdue', 'paused']) expect(statuses.get(status), status).toBeGreaterThan(20);
        // Due dates never go down along the queue; the paused files come last.
        const dates = walked.items.map((i) => (i.sla.status === 'paused' ? '9999-12-31' : i.sla.dueDate!));
        expect(dates).toEqual([...dates].sort());
        expect(walked.items.filter((i) => i.sla.status === 'paused').every((i) => i.heldByYou)).toBe(true);
      });

      it('shows the same queue on the page, fifty at a time, following its “next” links', async () => {
        const seen: string[] = [];
        let url: string | undefined = '/kantor';
        let pages = 0;
        while (url) {
          const res = await verifier.page.get(url);
          expect(res.statusCode).toBe(200);
          expect(total(res.body)).toBe(1001);
          expect(res.body).toContain('1001 berkas menunggu tindakan peran Anda');
          pages++;
          expect(res.body).toContain(`Halaman ${pages} dari 21`);
          const page = ids(res.body);
          expect(page.length).toBe(pages < 21 ? 50 : 1);
          seen.push(...page);
          url = /<a href="([^"]+)" rel="next">/.exec(res.body)?.[1]?.replace(/&amp;/g, '&');
          if (pages > 1) expect(res.body).toContain('rel="prev"');
        }
        expect(pages).toBe(21);
        expect(seen).toEqual(expectedOrder());
      });

      it('counts and pages each SLA status as computeSla judges it, on the page and through the API', async () => {
        const all = (await walkApi()).items;
        for (const status of ['on_track', 'due_soon', 'overdue', 'paused']) {
          const want = all.filter((i) => i.sla.status === status).map((i) => i.id);
          const filtered = await walkApi(`&sla=${status}`);
          expect(
            filtered.items.map((i) => i.id),
            status,
          ).toEqual(want);
          expect(filtered.totals[0], status).toBe(want.length);
          const page = await verifier.page.get(`/kantor?sla=${status}`);
          expect(total(page.body), status).toBe(want.length);
          expect(ids(page.body), status).toEqual(want.slice(0, 50));
        }
        // The stored due date gives the status the SLA clock gives from the whole timeline.
        for (const item of all.filter((_, i) => i % 7 === 0)) {
          const { sla } = await services.applications.getApplication({ actor: verifier.actor, applicationId: item.id });
          expect(item.sla.status, item.number).toBe(sla.status);
          if (sla.status === 'paused' || sla.remainingWorkingDays > 0) expect(item.sla.dueDate, item.number).toBe(sla.dueDate);
        }
      });

      it('filters by type, channel, state, number or name, and the files held, all counted in SQL', async () => {
        const all = (await walkApi()).items;
        const reklame = await walkApi('&permitType=REKLAME');
        expect(reklame.items.map((i) => i.id)).toEqual(all.filter((i) => i.permitType.code === 'REKLAME').map((i) => i.id));
        const resubmitted = await api('?state=resubmitted&pageSize=100');
        expect(resubmitted.total).toBe(all.filter((i) => i.state.code === 'resubmitted').length);
        const mine = await walkApi('&mine=true');
        expect(mine.items.map((i) => i.id)).toEqual(all.filter((i) => i.heldByYou).map((i) => i.id));
        const one = all[500]!;
        expect((await api(`?q=${encodeURIComponent(one.number.toLowerCase())}`)).items.map((i) => i.id)).toEqual([one.id]);
        const walkIn = await walkApi('&channel=walk_in');
        expect(walkIn.items.map((i) => i.id)).toEqual(all.filter((i) => i.channel === 'walk_in').map((i) => i.id));
        expect(walkIn.totals[0]).toBeGreaterThan(100);
        // English pages say it with the right plural form.
        await verifier.page.post('/bahasa', { lang: 'en', kembali: '/kantor' });
        expect((await verifier.page.get(`/kantor?cari=${one.number}`)).body).toContain('1 file waits for your role.');
        expect((await verifier.page.get('/kantor')).body).toContain('1001 files wait for your role, soonest due first.');
        await verifier.page.post('/bahasa', { lang: 'id', kembali: '/kantor' });
      });

      it('costs no more statements per page with 1,000 files than with 100', async () => {
        const count = async (fn: () => Promise<unknown>) => {
          ctx.statements.n = 0;
          await fn();
          return ctx.statements.n;
        };
        expect(await count(() => verifier.page.get('/kantor'))).toBe(small.firstPage);
        expect(await count(() => verifier.page.get('/kantor?halaman=21'))).toBe(small.lastPage);
        expect(await count(() => api('?pageSize=50'))).toBe(small.apiPage);
        for (const page of [2, 10, 20]) expect(await count(() => verifier.page.get(`/kantor?halaman=${page}`))).toBeLessThanOrEqual(small.lastPage);
      });

      it('keeps the office’s other roles to their own work, and refuses applicants', async () => {
        const technical = await officer('technical');
        const inTechnicalReview = await ctx.db.selectFrom('applications').select('id').where('state', '=', 'technical_review').execute();
        const theirs = json<QueuePage>(await app.inject({ url: '/api/v1/work-queue?pageSize=100', headers: auth(technical.token) }));
        expect(inTechnicalReview.length).toBeGreaterThan(10);
        expect(theirs.total).toBe(inTechnicalReview.length);
        expect(theirs.items.map((i) => i.id).sort()).toEqual(inTechnicalReview.map((r) => r.id).sort());
        expect((await app.inject({ url: '/api/v1/work-queue', headers: auth(citizenToken) })).statusCode).toBe(403);
        expect((await app.inject({ url: '/api/v1/work-queue' })).statusCode).toBe(401);
      });

      it('moves the due dates when the holidays change (recomputeDueDates), and the backfill gives what the transitions gave', async () => {
        const before = await ctx.db.selectFrom('applications').select(['id', 'sla_due_on']).where('tenant_id', '=', tenant.id).orderBy('id').execute();
        await ctx.db.updateTable('applications').set({ sla_due_on: null }).where('tenant_id', '=', tenant.id).execute();
        expect(await backfillDueDates(ctx.db)).toBe(before.filter((r) => r.sla_due_on !== null).length);
        expect(await ctx.db.selectFrom('applications').select(['id', 'sla_due_on']).where('tenant_id', '=', tenant.id).orderBy('id').execute()).toEqual(before);
        // The office closes on Monday 23 November: every clock that runs over it is due a working day later,
        // as soon as the admin saves the day (the holidays service tells the applications service).
        await services.holidays.upsert({ actor: admin, date: '2026-11-23', kind: 'local', name: 'Libur daerah', decree: 'Keputusan Wali Kota' });
        const after = await ctx.db.selectFrom('applications').select(['id', 'sla_due_on']).where('tenant_id', '=', tenant.id).orderBy('id').execute();
        expect(after.filter((r, i) => r.sla_due_on !== before[i]!.sla_due_on).length).toBeGreaterThan(100);
        expect((await services.applications.recomputeDueDates({ actor: admin })).updated).toBe(0);
        await expect(services.applications.recomputeDueDates({ actor: verifier.actor })).rejects.toMatchObject({ code: 'forbidden' });
        const all = (await walkApi()).items;
        for (const item of all.filter((_, i) => i % 11 === 0)) {
          const { sla } = await services.applications.getApplication({ actor: verifier.actor, applicationId: item.id });
          expect(item.sla.status, item.number).toBe(sla.status);
          if (sla.status === 'paused' || sla.remainingWorkingDays > 0) expect(item.sla.dueDate, item.number).toBe(sla.dueDate);
        }
      });
    });
  });
  it('drops a file the officer held once it is decided: held files wait only while they are open', async () => {
    const id = await readyDraft(ctx, citizenToken, 'SIPDOK');
    const act = (url: string, payload: Record<string, unknown> = {}) => app.inject({ method: 'POST', url, headers: auth(verifier.token), payload });
    expect((await app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizenToken) })).statusCode).toBe(200);
    expect((await act(`/api/v1/applications/${id}/assign`, { assigneeId: verifier.actor.userId })).statusCode).toBe(200);
    expect((await walkApi('&mine=true')).items.map((i) => i.id)).toContain(id);
    const before = (await api('?pageSize=1')).total;
    expect((await act(`/api/v1/applications/${id}/actions`, { action: 'start_verification' })).statusCode).toBe(200);
    expect((await act(`/api/v1/applications/${id}/actions`, { action: 'reject', reason: 'Dokumen bukan milik pemohon.' })).statusCode).toBe(200);
    expect((await walkApi('&mine=true')).items.map((i) => i.id)).not.toContain(id);
    expect((await api('?pageSize=1')).total).toBe(before - 1);
  });
});
