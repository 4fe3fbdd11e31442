import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/demo-data.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

/** The demo data, made through the real services, carries a channel history (issue 11). */
describe.each(DIALECTS)('demo channel history (%s)', (dialect) => {
  let ctx: TestContext;
  let summary: Awaited<ReturnType<typeof seedDemoData>>;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    summary = await seedDemoData(ctx.services, ctx.tenant, { applications: 12 });
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('records one contact per demo file, with its channel', async () => {
    const contacts = await ctx.db.selectFrom('contacts').select(['kind', 'channel', 'ref_id']).where('tenant_id', '=', ctx.tenant.id).execute();
    const files = await ctx.db.selectFrom('applications').select(['id', 'channel']).execute();
    expect(files).toHaveLength(summary.applications);
    expect(contacts.map((c) => [c.ref_id, c.kind, c.channel]).sort()).toEqual(files.map((f) => [f.id, 'application', f.channel]).sort());
  });

  it('shows the demo applicant her first visit at the counter, joined to her account by her verified number', async () => {
    const demo = DEMO_ACCOUNTS.find((a) => a.role === 'applicant')!;
    const user = await ctx.db.selectFrom('users').select(['id', 'name', 'phone_verified_at']).where('email', '=', demo.email).executeTakeFirstOrThrow();
    expect(user.phone_verified_at).not.toBeNull();
    const actor: Actor = { userId: user.id, tenantId: ctx.tenant.id, role: 'applicant', name: user.name };
    const history = await ctx.services.contacts.getMyChannelHistory({ actor });
    const oldest = history.items[history.items.length - 1]!;
    expect(oldest).toMatchObject({ kind: 'application', channel: 'walk_in', canOpen: false });
    expect(history.total).toBe(history.items.length);
  });
});
