/**
 * Where the rate limits are counted (issue 15, item 3), on SQLite and PostgreSQL: without
 * RATE_LIMIT_REDIS_URL each instance counts in its own memory (right for one instance); with it every
 * instance counts in the one Redis (the machine's, 127.0.0.1:6379), under its key prefix, the HTTP limits
 * and the uploads a minute alike; with that Redis unreachable requests are still served (fail open) and a
 * warning is logged. Two instances here are two sets of services and apps in this process on one database.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';

/** The open-data export: 10 requests a minute per address. */
const LIMITED = '/api/v1/transparency/export.json?dataset=filed';
const LIMIT = 10;

describe.each(DIALECTS)('rate-limit store (%s)', (dialect) => {
  let ctx: TestContext;
  const opened: { app: FastifyInstance; services: Services }[] = [];
  let addresses = 0;
  const address = () => `10.88.0.${++addresses}`;

  /** Another instance on the test's database, with `env` on top of the test configuration. */
  async function instance(env: Record<string, string>, logs?: string[]): Promise<{ app: FastifyInstance; services: Services }> {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      SHED_EVENT_LOOP_DELAY_MS: '0',
      SHED_MAX_IN_FLIGHT: '0',
      DATABASE_URL: ctx.databaseUrl,
      STORAGE_DIR: ctx.storageDir,
      ...env,
    });
    const services = createServices({ config, db: ctx.db, clock: ctx.clock });
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logs?.push(chunk.toString());
        done();
      },
    });
    const app = await createApp(services, logs ? { logger: createLogger('warn', sink) } : {});
    await app.ready();
    opened.push({ app, services });
    return { app, services };
  }
  const get = (app: FastifyInstance, from: string) => app.inject({ method: 'GET', url: LIMITED, remoteAddress: from }).then((r) => r.statusCode);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    for (const o of opened) {
      await o.app.close();
      await o.services.shared.close();
    }
    await ctx?.close();
  });

  it('without RATE_LIMIT_REDIS_URL counts in each instance’s memory', async () => {
    const other = await instance({});
    expect(ctx.services.shared.redis).toBeNull();
    const from = address();
    const first: number[] = [];
    for (let i = 0; i <= LIMIT; i++) first.push(await get(ctx.app, from));
    expect(first).toEqual([...Array.from({ length: LIMIT }, () => 200), 429]);
    // The other instance has its own count: the same address is still welcome there.
    expect(await get(other.app, from)).toBe(200);
  });

  it('with RATE_LIMIT_REDIS_URL counts across instances in Redis, under the key prefix', async () => {
    const prefix = `izol-test-${randomBytes(6).toString('hex')}:`;
    const env = { RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:6379', RATE_LIMIT_REDIS_PREFIX: prefix };
    const [one, two] = [await instance(env), await instance(env)];
    await Promise.all([one.services.shared.ready(2000), two.services.shared.ready(2000)]);
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push(await get(i % 2 ? two.app : one.app, from));
    expect(statuses).toEqual([...Array.from({ length: LIMIT }, () => 200), 429, 429]);
    // Every key is under the prefix (another deployment on the same Redis is not touched).
    const keys = await one.services.shared.redis!.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(`${prefix}rl:`))).toBe(true);

    // The uploads a minute of one account (documents.service.ts) are one count for both instances too.
    const take = (s: Services) => s.shared.counter.take({ key: 'uploads:account-1', limit: 3, windowMs: 60_000, now: Date.now() });
    const takes = [await take(one.services), await take(two.services), await take(one.services), await take(two.services)];
    expect(takes.slice(0, 3)).toEqual([{ allowed: true }, { allowed: true }, { allowed: true }]);
    expect(takes[3]).toMatchObject({ allowed: false });
    const retry = (takes[3] as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(59);
    expect(retry).toBeLessThanOrEqual(60);
    await one.services.shared.redis!.del(...(await one.services.shared.redis!.keys(`${prefix}*`)));
  });

  it('serves requests while Redis is unreachable and logs a warning', async () => {
    const logs: string[] = [];
    // Nothing listens on port 1.
    const down = await instance({ RATE_LIMIT_REDIS_URL: 'redis://127.0.0.1:1' }, logs);
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT + 2; i++) statuses.push(await get(down.app, from));
    expect(statuses).toEqual(Array.from({ length: LIMIT + 2 }, () => 200));
    const deadline = Date.now() + 3000;
    while (!logs.join('').includes('unreachable') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(logs.join('')).toContain('rate-limit store (Redis) unreachable');
    // The uploads a minute fail open the same way.
    expect(await down.services.shared.counter.take({ key: 'uploads:x', limit: 1, windowMs: 60_000, now: Date.now() })).toEqual({ allowed: true });
  });
});
