/**
 * Caches that several instances keep (issue 15, item 3), on SQLite and PostgreSQL: an instance that
 * cached an office's holidays or the offices themselves reads them again once it sees another instance's
 * change (the generation bumped in the change's transaction, read by its `cache-generations` job every
 * second), and not before: the job's poll is the only thing between a change and the other instance.
 * Two instances here are two sets of services in this process on one database; the job's poll is run by
 * hand. test/integration/two-instances.test.ts shows the same between two real servers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { CACHE_POLL_MS } from '../../src/cache/cache-generations.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';

describe.each(DIALECTS)('cache generations across instances (%s)', (dialect) => {
  let ctx: TestContext;
  let other: Services;
  let admin: Actor;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    other = createServices({ config: ctx.services.config, db: ctx.db, clock: ctx.clock });
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin',
      email: 'admin@cache.izol.test',
      password: 'admin kata sandi panjang',
    });
    admin = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' };
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('polls every second on every instance', () => {
    expect(other.jobs.find((j) => j.name === 'cache-generations')).toMatchObject({ intervalMs: CACHE_POLL_MS, runAtStart: true });
    expect(CACHE_POLL_MS).toBeLessThanOrEqual(1000);
  });

  it('a holiday added on one instance is counted by the other after its next poll', async () => {
    const day = '2026-12-28';
    await other.cacheGenerations.poll();
    expect((await other.holidays.forTenant(ctx.tenant.id)).has(day)).toBe(false);
    await ctx.services.holidays.upsert({ actor: admin, date: day, kind: 'local', name: 'Libur uji', decree: 'SK 1/2026' });
    // The instance that made the change counts it at once; the other still has its copy until it polls.
    expect((await ctx.services.holidays.forTenant(ctx.tenant.id)).has(day)).toBe(true);
    expect((await other.holidays.forTenant(ctx.tenant.id)).has(day)).toBe(false);
    await other.cacheGenerations.poll();
    expect((await other.holidays.forTenant(ctx.tenant.id)).has(day)).toBe(true);

    await ctx.services.holidays.remove({ actor: admin, date: day, decree: 'SK 2/2026' });
    await other.cacheGenerations.poll();
    expect((await other.holidays.forTenant(ctx.tenant.id)).has(day)).toBe(false);
  });

  it('an office renamed on one instance is served under its new name by the other after its next poll', async () => {
    await other.cacheGenerations.poll();
    expect((await other.tenants.forHost('malang.izol.test'))?.name).toBe(ctx.tenant.name);
    const current = await ctx.services.settings.getSettings({ actor: admin });
    const renamed = `${ctx.tenant.name} (baru)`;
    expect(await ctx.services.settings.updateSettings({ actor: admin, settings: { ...current, name: renamed } })).toEqual({ changed: ['name'] });
    expect((await other.tenants.forHost('malang.izol.test'))?.name).toBe(ctx.tenant.name);
    await other.cacheGenerations.poll();
    expect((await other.tenants.forHost('malang.izol.test'))?.name).toBe(renamed);
  });
});
