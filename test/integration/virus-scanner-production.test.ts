/**
 * A production start (src/server.ts, spawned as in production) does not fall back to the built-in
 * signature list unnoticed: with VIRUS_SCANNER unset it refuses with exit code 78 (EX_CONFIG) and says
 * what to set; with VIRUS_SCANNER=builtin set on purpose it starts and logs a warning; with
 * VIRUS_SCANNER=clamd it starts on a real clamd. On SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startClamd, type Clamd } from '../helpers/clamd.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { runScript } from '../helpers/scripts.js';
import { type ServerProcess, startServer, stopServer } from '../helpers/server-process.js';

describe.each(DIALECTS)('the virus scanner of a production start (%s)', (dialect) => {
  let ctx: TestContext;
  let clamd: Clamd;
  let server: ServerProcess | undefined;
  /** Production settings, on the test's database (its office and its development data key). */
  const production = () => ({
    NODE_ENV: 'production',
    DATABASE_URL: ctx.databaseUrl,
    STORAGE_DIR: ctx.storageDir,
    DATA_ENCRYPTION_KEY: '07'.repeat(32),
    BASE_URL: 'https://izin.example.go.id',
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    [ctx, clamd] = await Promise.all([createTestContext(dialect), startClamd()]);
  }, 120_000);
  afterAll(async () => {
    await stopServer(server, 'SIGTERM');
    await clamd?.stop();
    await ctx?.close();
  });

  it('v5.0.0-5.4.3: refuses to start with VIRUS_SCANNER unset: exit 78 and what to set', async () => {
    const res = await runScript('src/server.ts', ctx.databaseUrl, [], { ...production(), PORT: '1' });
    expect(res.code).toBe(78);
    expect(res.stderr).toContain('Izol cannot start: fix these settings');
    expect(res.stderr).toMatch(/VIRUS_SCANNER: must be set when NODE_ENV=production: clamd .*, or builtin /);
  }, 60_000);

  it('v5.0.0-5.4.3: starts with VIRUS_SCANNER=builtin chosen on purpose, and warns that it is no virus scanner', async () => {
    server = await startServer({ ...production(), VIRUS_SCANNER: 'builtin' });
    expect((await fetch(`${server.base}/ready`)).status).toBe(200);
    expect(server.output()).toContain('VIRUS_SCANNER=builtin in production');
    await stopServer(server, 'SIGTERM');
  }, 90_000);

  it('starts with VIRUS_SCANNER=clamd, without that warning, ready while clamd answers', async () => {
    server = await startServer({ ...production(), VIRUS_SCANNER: 'clamd', CLAMD_SOCKET: clamd.socket });
    expect((await fetch(`${server.base}/ready`)).status).toBe(200);
    expect(server.output()).not.toContain('VIRUS_SCANNER=builtin');
    await stopServer(server, 'SIGTERM');
  }, 90_000);
});
