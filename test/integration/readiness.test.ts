/**
 * The readiness probe (/ready) with the object storage and the virus scanner as services of their own
 * (STORAGE_DRIVER=s3 on a real S3-compatible server, VIRUS_SCANNER=clamd on a real clamd), on SQLite
 * and PostgreSQL: 200 while all answer; 503 naming what does not (and nothing else: no address, bucket
 * or error text) when clamd hangs or stops or the bucket's server stops, within a short wait; back to
 * 200 when it answers again. /health, the liveness probe, stays 200 throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { READY_TIMEOUT_MS } from '../../src/http/health.service.js';
import { startClamd, type Clamd } from '../helpers/clamd.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, json, type TestContext } from '../helpers/context.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

describe.each(DIALECTS)('the readiness probe with S3 and clamd (%s)', (dialect) => {
  let ctx: TestContext;
  let s3: TestS3;
  let clamd: Clamd;
  let s3Stopped = false;

  beforeAll(async () => {
    [s3, clamd] = await Promise.all([startS3(), startClamd()]);
    ctx = await createTestContext(dialect, { ...s3.env, VIRUS_SCANNER: 'clamd', CLAMD_SOCKET: clamd.socket });
  }, 120_000);
  afterAll(async () => {
    await ctx?.close();
    await clamd?.stop();
    if (!s3Stopped) await s3?.stop();
  });

  const probe = async () => {
    const started = Date.now();
    const res = await ctx.app.inject({ url: '/ready' });
    return { status: res.statusCode, body: json<{ status: string; down?: string[] }>(res), raw: res.body, ms: Date.now() - started };
  };
  const health = async () => (await ctx.app.inject({ url: '/health' })).statusCode;
  /** Nothing a stranger could use: the probe is public. */
  const revealsNothing = (raw: string) => {
    for (const secret of [clamd.socket, s3.bucket, s3.env.S3_ENDPOINT!, s3.env.S3_SECRET_ACCESS_KEY!, String(clamd.port)]) expect(raw).not.toContain(secret);
  };

  it('is ready while the database, the bucket and clamd answer', async () => {
    const ready = await probe();
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready' });
    expect(await health()).toBe(200);
  });

  it('answers 503 naming the virus scanner while clamd hangs, within its short wait, and 200 when it answers again', async () => {
    clamd.pause();
    try {
      const hung = await probe();
      expect(hung.status).toBe(503);
      expect(hung.body).toEqual({ status: 'unavailable', down: ['virusScanner'] });
      expect(hung.ms).toBeLessThan(READY_TIMEOUT_MS + 2000);
      revealsNothing(hung.raw);
      expect(await health()).toBe(200);
    } finally {
      clamd.resume();
    }
    expect((await probe()).status).toBe(200);
  }, 30_000);

  it('answers 503 naming the storage when the bucket is gone, and both when clamd is stopped too', async () => {
    await s3.stop();
    s3Stopped = true;
    const noBucket = await probe();
    expect(noBucket.status).toBe(503);
    expect(noBucket.body).toEqual({ status: 'unavailable', down: ['storage'] });
    revealsNothing(noBucket.raw);

    await clamd.stop();
    const neither = await probe();
    expect(neither.status).toBe(503);
    expect(neither.body).toEqual({ status: 'unavailable', down: ['storage', 'virusScanner'] });
    revealsNothing(neither.raw);
    expect(await health()).toBe(200);
  }, 30_000);
});
