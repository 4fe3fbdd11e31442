import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import Fastify from 'fastify';
import { pageKit, requirePageKit } from '../../src/web/page-route.js';
import { isPageRequest } from '../../src/web/web-context.js';
import { ROLES, type Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Anti-forgery is the page kit's job, not each handler's: this walks every state-changing page route
 * the app registered and posts to it without the visitor's token, as every kind of visitor. Each
 * must answer 403 and leave every table as it was.
 */
describe('the start-up check', () => {
  it('v5.0.0-3.5.1: refuses a page form route registered without the page kit, and lets API and kit routes through', async () => {
    const app = Fastify();
    requirePageKit(app, isPageRequest);
    app.post('/api/v1/things', () => ({}));
    pageKit(app).post('/kit-form', { access: 'anyone' }, ({ reply }) => reply.send('ok'));
    expect(() => app.post('/hand-made-form', () => 'unchecked')).toThrow(/must be registered with the page kit/);
    await app.close();
  });
});

describe.each(DIALECTS)('every page form refuses a post without its anti-forgery token (%s): v5.0.0-3.5.1', (dialect) => {
  let ctx: TestContext;
  const visitors = new Map<string, PageClient>();
  const ids: Record<string, string> = {};
  let address = 0;
  // Each post comes from its own address, so the sign-in and resend rate limits never answer first.
  const nextAddress = () => `10.9.${Math.floor(++address / 250)}.${(address % 250) + 1}`;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const applicant = await userWithToken(ctx, 'applicant');
    ids.id = await readyDraft(ctx, applicant.token);
    const types = await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id });
    const reklame = types.find((t) => t.definition.code === 'REKLAME')!;
    ids.code = reklame.definition.code;
    ids.req = reklame.definition.requirements[0]!.code;
    ids.field = reklame.definition.fields[0]!.name;
    ids.docId = '00000000-0000-4000-8000-000000000001';
    ids.permitId = '00000000-0000-4000-8000-000000000002';
    ids.date = '2026-12-25';

    const anonymous = new PageClient(ctx);
    await anonymous.get('/');
    visitors.set('anonymous', anonymous);
    for (const role of ROLES) visitors.set(role, await signedIn(role));
  });
  afterAll(async () => ctx?.close());

  let people = 0;
  async function signedIn(role: Role): Promise<PageClient> {
    people++;
    const email = `${role}.${people}@csrf.izol.test`;
    const password = `${role} kata sandi panjang ${people}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Uji ${role}`, email, password });
    const page = new PageClient(ctx);
    const res = await page.post('/akun/masuk', { login: email, password }, { remoteAddress: nextAddress() });
    expect(res.statusCode, res.body).toBe(303);
    if (role !== 'applicant') {
      const secret = await enrollSecondFactor(ctx, userId);
      const code = await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) }, { remoteAddress: nextAddress() });
      expect(code.statusCode, code.body).toBe(303);
    }
    return page;
  }

  /** Every row of every table but the sessions (whose last-seen time moves with any request). */
  async function digest(): Promise<string> {
    const hash = createHash('sha256');
    const tables = (await ctx.db.introspection.getTables()).map((t) => t.name).filter((n) => n !== 'sessions' && !n.startsWith('kysely_'));
    for (const name of tables.sort()) {
      const rows = await ctx.db
        .selectFrom(name as 'users')
        .selectAll()
        .execute();
      hash.update(name).update(JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()));
    }
    return hash.digest('hex');
  }

  function formRoutes() {
    return ctx.app.routeTable.filter((r) => !['GET', 'HEAD', 'OPTIONS'].includes(r.method) && isPageRequest(r.url));
  }

  const fill = (url: string) => url.replace(/:([A-Za-z]+)/g, (_m, name: string) => ids[name] ?? 'x');

  it('v5.0.0-3.5.1: registers its page forms through the page kit', () => {
    const routes = formRoutes();
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => !r.config.page || r.config.page.csrf === 'none').map((r) => `${r.method} ${r.url}`)).toEqual([]);
  });

  it('v5.0.0-3.5.1 v5.0.0-3.5.3: answers 403 to every visitor posting any page form with no token or a wrong one, and changes nothing', async () => {
    const before = await digest();
    const refused: string[] = [];
    for (const route of formRoutes()) {
      const url = fill(route.url);
      for (const [who, page] of visitors) {
        const attempts =
          route.config.page?.csrf === 'multipart'
            ? [
                () => page.upload(url, 'surat.pdf', Buffer.from('%PDF-1.4\n%%EOF\n'), 'application/pdf', { csrf: false, remoteAddress: nextAddress() }),
                () => page.post(url, { _csrf: 'A'.repeat(43) }, { csrf: false, remoteAddress: nextAddress() }),
              ]
            : [
                () => page.post(url, { reason: 'alasan yang cukup panjang', code: '123456', name: 'Siti' }, { csrf: false, remoteAddress: nextAddress() }),
                () => page.post(url, { _csrf: 'A'.repeat(43), reason: 'alasan yang cukup panjang' }, { csrf: false, remoteAddress: nextAddress() }),
              ];
        for (const attempt of attempts) {
          const res = await attempt();
          if (res.statusCode !== 403) refused.push(`${route.method} ${route.url} as ${who}: ${res.statusCode}`);
        }
      }
    }
    expect(refused).toEqual([]);
    expect(await digest()).toBe(before);
  });
});
