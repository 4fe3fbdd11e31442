import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger } from '../../src/app.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

/**
 * Issue 15, item 8 (ASVS v5.0.0-4.1.3): a client cannot pick its own address with X-Forwarded-For.
 * With TRUST_PROXY_HOPS=0 the header is ignored; with 1, only the entry the one trusted proxy
 * appended counts, never what the client wrote before it. The login rate limit, the recorded sign-in
 * attempts and the request log (the server's real logger) use that address, so a spoofed header
 * dodges none of them.
 */
describe.each(DIALECTS)('security: spoofed X-Forwarded-For (%s)', (dialect) => {
  const contexts: TestContext[] = [];
  const apps: FastifyInstance[] = [];
  afterAll(async () => {
    for (const a of apps) await a.close();
    for (const c of contexts) await c.close();
  });

  /** Every sign-in attempt the office recorded (each context has a database of its own). */
  const attempts = (ctx: TestContext) => ctx.db.selectFrom('login_attempts').select('client_ip').execute();

  describe.each([
    { hops: '0', peer: '198.51.100.20', forwarded: (i: number) => `203.0.113.${i + 1}`, seen: '198.51.100.20' },
    // Behind one proxy (10.0.0.5): the client wrote a made-up first entry, the proxy appended the real one.
    { hops: '1', peer: '10.0.0.5', forwarded: (i: number) => `203.0.113.${i + 1}, 192.0.2.77`, seen: '192.0.2.77' },
  ])('TRUST_PROXY_HOPS=$hops', ({ hops, peer, forwarded, seen }) => {
    let ctx: TestContext;
    let app: FastifyInstance;
    const lines: string[] = [];
    beforeAll(async () => {
      ctx = await createTestContext(dialect, { TRUST_PROXY_HOPS: hops });
      contexts.push(ctx);
      app = await createApp(ctx.services, { logger: createLogger('info', { write: (line: string) => void lines.push(line) }) });
      apps.push(app);
      await app.ready();
    });

    it(`v5.0.0-4.1.3 v5.0.0-6.3.1: a new X-Forwarded-For on every wrong sign-in does not dodge the login rate limit, and every attempt is recorded from the real address`, async () => {
      const logins = Array.from({ length: 12 }, (_, i) => `tebak.${i}.${Math.random().toString(36).slice(2, 7)}@contoh.id`);
      const statuses: number[] = [];
      for (const [i, login] of logins.entries()) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          remoteAddress: peer,
          headers: { 'x-forwarded-for': forwarded(i) },
          payload: { login, password: 'salah sekali kata sandinya' },
        });
        statuses.push(res.statusCode);
      }
      // 10 a minute from one address (the route's limit), whatever the header said.
      expect(statuses.slice(0, 10)).toEqual(Array<number>(10).fill(401));
      expect(statuses.slice(10)).toEqual([429, 429]);
      const recorded = await attempts(ctx);
      expect(recorded.length).toBe(10);
      expect(new Set(recorded.map((r) => r.client_ip))).toEqual(new Set([seen]));
      // Another address is not held back by it.
      const other = await app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        remoteAddress: hops === '0' ? '198.51.100.21' : peer,
        headers: { 'x-forwarded-for': hops === '0' ? '192.0.2.77' : '192.0.2.78' },
        payload: { login: `lain.${Math.random()}@contoh.id`, password: 'salah sekali kata sandinya' },
      });
      expect(other.statusCode).toBe(401);
      // The request log names the same address for every attempt, and none of the made-up ones.
      const logged = lines.map((l) => JSON.parse(l) as { req?: { remoteAddress?: string } }).filter((l) => l.req);
      expect(logged.length).toBeGreaterThanOrEqual(12);
      expect(new Set(logged.slice(0, 12).map((l) => l.req!.remoteAddress))).toEqual(new Set([seen]));
      expect(lines.join('\n')).not.toMatch(/203\.0\.113\./);
    });
  });
});
