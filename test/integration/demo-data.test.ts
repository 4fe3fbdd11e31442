import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/demo-data.js';
import { ROLES } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext } from '../helpers/context.js';

describe.each(DIALECTS)('demo data for a newcomer (%s)', (dialect) => {
  let ctx: TestContext;
  let summary: Awaited<ReturnType<typeof seedDemoData>>;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    summary = await seedDemoData(ctx.services, ctx.tenant);
    // Three hundred files and the demo applicant's fourteen through the real services: about three minutes on PostgreSQL on a busy machine.
  }, 300_000);
  afterAll(async () => ctx?.close());

  it('creates one account per role, each accepting the password shown at start; officers must then set up a second factor', async () => {
    expect(new Set(DEMO_ACCOUNTS.map((a) => a.role))).toEqual(new Set(ROLES));
    for (const a of DEMO_ACCOUNTS) {
      if (a.role === 'applicant') {
        const res = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: a.email, password: a.password, clientIp: '10.0.0.1', kind: 'bearer' });
        expect(res.user.role).toBe('applicant');
      } else {
        await expect(
          ctx.services.auth.login({ tenantId: ctx.tenant.id, login: a.email, password: a.password, clientIp: '10.0.0.1', kind: 'bearer' }),
        ).rejects.toMatchObject({ code: 'second_factor_setup_required' });
        const page = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: a.email, password: a.password, clientIp: '10.0.0.1', kind: 'cookie' });
        expect(page.secondFactor).toBe('set_up');
      }
    }
  });

  it('creates a few hundred applications across channels, permit types and states', async () => {
    expect(summary.applications).toBeGreaterThanOrEqual(200);
    const rows = await ctx.db.selectFrom('applications').select(['channel', 'permit_code', 'state', 'number']).execute();
    expect(rows.length).toBe(summary.applications);
    expect(new Set(rows.map((r) => r.channel))).toEqual(new Set(['online', 'courier', 'walk_in', 'assisted']));
    expect(new Set(rows.map((r) => r.permit_code)).size).toBeGreaterThanOrEqual(10);
    const states = new Set(rows.map((r) => r.state));
    for (const s of ['draft', 'submitted', 'verification', 'returned_to_applicant', 'technical_review', 'awaiting_payment', 'approval', 'issued', 'rejected']) {
      expect(states).toContain(s);
    }
    const numbers = rows.map((r) => r.number).filter((n): n is string => n !== null);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('issues signed permits (one revoked), all dated in the past like everything else', async () => {
    const now = ctx.clock.now().toISOString();
    const permits = await ctx.db.selectFrom('permits').select(['status', 'issued_at', 'verification_code']).execute();
    expect(permits.length).toBeGreaterThan(20);
    expect(permits.filter((p) => p.status === 'revoked')).toHaveLength(1);
    expect(permits.every((p) => p.issued_at < now)).toBe(true);
    const events = await ctx.db
      .selectFrom('application_events')
      .select((eb) => eb.fn.max('created_at').as('latest'))
      .executeTakeFirstOrThrow();
    expect(String(events.latest) < now).toBe(true);
    const v = await ctx.services.permits.verify({ tenantId: ctx.tenant.id, code: permits.find((p) => p.status === 'valid')!.verification_code });
    expect(v.status === 'valid' || v.status === 'expired').toBe(true);
  });

  it('shows the demo applicant their own applications through the API', async () => {
    const a = DEMO_ACCOUNTS.find((x) => x.role === 'applicant')!;
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: a.email, password: a.password } });
    const list = json<{ total: number; items: { applicantName: string }[] }>(
      await ctx.app.inject({ url: '/api/v1/applications', headers: auth(json<{ token: string }>(login).token) }),
    );
    expect(list.total).toBeGreaterThan(0);
    expect(list.items.every((i) => i.applicantName === a.name)).toBe(true);
  });
});

describe('production configuration', () => {
  it('never creates demo accounts', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      VIRUS_SCANNER: 'builtin',
      BASE_URL: 'https://izin.example.go.id',
      DATA_ENCRYPTION_KEY: 'a'.repeat(64),
    });
    expect(config.seedDemo).toBe(false);
  });
});
