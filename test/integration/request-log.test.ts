import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createLogger } from '../../src/app.js';
import type { FastifyInstance } from 'fastify';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';

/**
 * The request log, as the server writes it (createLogger): a request is logged by its path, and a
 * secret in its query string (a booking code, say) never reaches the log; nor do the bearer token
 * and cookies in its headers.
 */
describe.each(DIALECTS)('the request log (%s)', (dialect) => {
  let ctx: TestContext;
  let app: FastifyInstance;
  const lines: string[] = [];
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    app = await createApp(ctx.services, { logger: createLogger('info', { write: (line: string) => void lines.push(line) }) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await ctx?.close();
  });

  it('keeps the path and the parameter names, never their values or the credentials (v5.0.0-14.2.1, 16.2.5)', async () => {
    const secret = 'RAHASIA7Q';
    const res = await app.inject({
      method: 'GET',
      url: `/api/v1/appointments/MLG-APT-20261123-0001?code=${secret}&x=1`,
      headers: { authorization: 'Bearer abcdefghijklmnopqrstuvwxyz0123', cookie: '__Host-izol-session=sesi-rahasia' },
    });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    const log = lines.join('\n');
    expect(log).toContain('/api/v1/appointments/MLG-APT-20261123-0001?code=[redacted]&x=[redacted]');
    expect(log).not.toContain(secret);
    expect(log).not.toContain('abcdefghijklmnopqrstuvwxyz0123');
    expect(log).not.toContain('sesi-rahasia');
  });

  it('writes one line per request, with its path, status and time taken; a probe that answers is not logged at info', async () => {
    lines.length = 0;
    expect((await app.inject({ method: 'GET', url: '/izin' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; req?: { url: string }; res?: { statusCode: number }; responseTime?: number });
    const page = entries.filter((e) => e.req?.url === '/izin');
    expect(page).toHaveLength(1);
    expect(page[0]).toMatchObject({ msg: 'request completed', res: { statusCode: 200 } });
    expect(page[0]!.responseTime).toBeGreaterThanOrEqual(0);
    expect(entries.filter((e) => e.req?.url === '/health')).toEqual([]);
  });
});
