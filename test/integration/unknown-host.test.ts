import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { runScript } from '../helpers/scripts.js';

/**
 * A production deployment whose DEFAULT_TENANT names no office (an office made with office:create
 * under another code) answers a host no office claims with a clear 404, not a crash, while the load
 * balancer's probe by IP address still gets its health answer; and `npm run seed`, which drops every
 * table, refuses to run in production at all.
 */
describe.each(DIALECTS)('a host no office answers to (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect, { DEFAULT_TENANT: 'XYZ' });
  });
  afterAll(async () => ctx?.close());

  it('gets a 404 that says so, and the health probe still answers', async () => {
    const page = await ctx.app.inject({ method: 'GET', url: '/', headers: { host: '10.1.2.3' } });
    expect(page.statusCode).toBe(404);
    const api = await ctx.app.inject({ method: 'GET', url: '/api/v1/permit-types', headers: { host: 'tidak-ada.example.go.id' } });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect((await ctx.app.inject({ method: 'GET', url: '/health', headers: { host: '10.1.2.3' } })).statusCode).toBe(200);
    // The office's own host still works.
    expect((await ctx.app.inject({ method: 'GET', url: '/api/v1/permit-types', headers: { host: 'localhost' } })).statusCode).toBe(200);
  });
});

describe.each(DIALECTS)('npm run seed in production (%s)', (dialect) => {
  it('refuses, and the database keeps its offices', async () => {
    const ctx = await createTestContext(dialect);
    try {
      const res = await runScript('scripts/seed.ts', ctx.databaseUrl, [], {
        NODE_ENV: 'production',
        VIRUS_SCANNER: 'builtin',
        DATA_ENCRYPTION_KEY: 'c5'.repeat(32),
        BASE_URL: 'https://izin.example.go.id',
        STORAGE_DIR: ctx.storageDir,
      });
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('refused with NODE_ENV=production');
      expect(res.stderr).toContain('office:create');
      const offices = await ctx.db.selectFrom('tenants').select('code').execute();
      expect(offices.map((o) => o.code)).toEqual(['MLG']);
    } finally {
      await ctx.close();
    }
  });
});
