/**
 * The demo office's revenue page (src/demo/demo-data.ts sets a target for the current year), on SQLite
 * and PostgreSQL: the target is there, so the page shows a target line and a percentage, and the year's
 * total is the sum of the demo's recorded bank-counter payments paid this year in Asia/Jakarta.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/demo-data.js';
import { localDate } from '../../src/shared/time.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

describe.each(DIALECTS)('the demo office’s revenue (%s)', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await seedDemoData(ctx.services, ctx.tenant, { applications: 80 });
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('has a target for the current year and measures the recorded payments against it', async () => {
    const head = await ctx.db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('role', '=', 'head')
      .executeTakeFirstOrThrow();
    const actor = { userId: head.id, tenantId: ctx.tenant.id, role: 'head' as const, name: head.name };
    const report = await ctx.services.revenue.getRevenue({ actor });
    // The test clock stands at 20 November 2026.
    expect(report.year).toBe(2026);
    expect(report.target).toMatchObject({ amount: 500_000_000, version: 1 });
    const rows = await ctx.db
      .selectFrom('payments')
      .select(['amount', 'paid_at'])
      .where('tenant_id', '=', ctx.tenant.id)
      .where('state', '=', 'recorded')
      .execute();
    const thisYear = rows.filter((p) => localDate(p.paid_at, 'Asia/Jakarta').startsWith('2026-'));
    expect(thisYear.length).toBeGreaterThan(0);
    const total = thisYear.reduce((sum, p) => sum + Number(p.amount), 0);
    expect(report.total).toBe(total);
    expect(report.achievedPermille).toBe(Math.round((total * 1000) / 500_000_000));
    expect(report.projection.basis).toBe('pace');
  });
});
