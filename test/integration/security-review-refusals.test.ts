import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/audit/audit.verify.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Security review (issue 10, item 6; SECURITY.md #25): refused access (401, 403, and 404 on someone
 * else's file) leaves an audit row with who, from where, which route and the verdict, and a probe
 * cannot flood the log: one row per actor (or address) and route a minute, the rest counted.
 */
describe.each(DIALECTS)('security review: refused access is audited (%s): v5.0.0-16.3.2, 16.3.3', (dialect) => {
  let ctx: TestContext;
  let owner: { token: string; userId: string };
  let other: { token: string; userId: string };
  let fileId: string;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    owner = await userWithToken(ctx, 'applicant');
    other = await userWithToken(ctx, 'applicant');
    fileId = await readyDraft(ctx, owner.token);
  });
  afterAll(async () => ctx?.close());

  type Row = { actor_id: string | null; data: Record<string, unknown> };
  const refusals = async (): Promise<Row[]> =>
    (
      await ctx.db
        .selectFrom('audit_events')
        .select(['actor_id', 'data', 'seq'])
        .where('tenant_id', '=', ctx.tenant.id)
        .where('action', '=', 'access.refused')
        .orderBy('seq')
        .execute()
    ).map((r) => ({ actor_id: r.actor_id, data: JSON.parse(r.data) as Record<string, unknown> }));

  it("records a 404 on someone else's file with the actor, address, route and verdict", async () => {
    const before = (await refusals()).length;
    const res = await ctx.app.inject({ url: `/api/v1/applications/${fileId}`, headers: auth(other.token), remoteAddress: '203.0.113.9' });
    expect(res.statusCode).toBe(404);
    const rows = (await refusals()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor_id: other.userId,
      data: { method: 'GET', route: '/api/v1/applications/:id', status: 404, verdict: 'not_found', permission: 'application.read', address: '203.0.113.9' },
    });
    // The owner reading their own file leaves no refusal; nor does a plain 404 for a file that does not exist.
    expect((await ctx.app.inject({ url: `/api/v1/applications/${fileId}`, headers: auth(owner.token) })).statusCode).toBe(200);
    const missing = await ctx.app.inject({ url: '/api/v1/applications/00000000-0000-4000-8000-000000000000', headers: auth(other.token) });
    expect(missing.statusCode).toBe(404);
    expect((await refusals()).length).toBe(before + 1);
  });

  it('records a 401 without a session (no actor) and a 403 on a staff route', async () => {
    const before = (await refusals()).length;
    expect((await ctx.app.inject({ url: '/api/v1/me', remoteAddress: '203.0.113.10' })).statusCode).toBe(401);
    expect((await ctx.app.inject({ url: '/api/v1/work-queue', headers: auth(other.token), remoteAddress: '203.0.113.10' })).statusCode).toBe(403);
    const rows = (await refusals()).slice(before);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.actor_id).toBeNull();
    expect(rows[0]?.data).toMatchObject({ route: '/api/v1/me', status: 401, verdict: 'unauthenticated', address: '203.0.113.10' });
    expect(rows[1]?.actor_id).toBe(other.userId);
    expect(rows[1]?.data).toMatchObject({ route: '/api/v1/work-queue', status: 403, verdict: 'forbidden', permission: 'office.enter' });
  });

  it('records an applicant refused at the back office page', async () => {
    const before = (await refusals()).length;
    const pages = new PageClient(ctx);
    const email = `warga.${Math.random().toString(36).slice(2, 8)}@contoh.id`;
    await ctx.services.auth.registerApplicant({
      tenantId: ctx.tenant.id,
      name: 'Warga Penasaran',
      nik: '3573011204900007',
      email,
      password: 'kopi tubruk pagi hari',
      consent: true,
    });
    expect((await pages.post('/akun/masuk', { login: email, password: 'kopi tubruk pagi hari' })).statusCode).toBe(303);
    const res = await pages.get('/kantor');
    expect(res.statusCode).toBe(403);
    const rows = (await refusals()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.data).toMatchObject({ method: 'GET', route: '/kantor', status: 403, verdict: 'forbidden', permission: 'office.enter' });
  });

  it('a probe of 50 refusals in a minute writes one row, and the next minute says how many were left out', async () => {
    const probe = () => ctx.app.inject({ url: `/api/v1/applications/${fileId}/notes`, headers: auth(other.token), remoteAddress: '203.0.113.11' });
    ctx.clock.advanceMinutes(1);
    const before = (await refusals()).length;
    for (let i = 0; i < 50; i++) expect((await probe()).statusCode).toBe(404);
    const rows = (await refusals()).slice(before);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.data).toMatchObject({ route: '/api/v1/applications/:id/notes', suppressedBefore: 0 });
    // Another route in the same minute is its own row.
    expect((await ctx.app.inject({ url: `/api/v1/applications/${fileId}/permits`, headers: auth(other.token) })).statusCode).toBe(404);
    expect((await refusals()).length).toBe(before + 2);
    ctx.clock.advanceMinutes(1);
    expect((await probe()).statusCode).toBe(404);
    const after = (await refusals()).slice(before);
    expect(after).toHaveLength(3);
    expect(after[2]?.data).toMatchObject({ route: '/api/v1/applications/:id/notes', suppressedBefore: 49 });
  });

  it('the log of refusals keeps the audit chain valid', async () => {
    const [chain] = await verifyAuditChain(ctx.db, { tenantId: ctx.tenant.id });
    expect(chain).toMatchObject({ ok: true });
    expect((await refusals()).length).toBeGreaterThanOrEqual(6);
  });
});
