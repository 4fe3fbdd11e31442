import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureOffice, KOTA_MALANG } from '../../src/bootstrap.js';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  responses?: Record<string, unknown>;
  parameters?: { in: string; name: string; required?: boolean }[];
  security?: Record<string, string[]>[];
};
type OpenApi = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
};

const OPERATION_IDS = [
  'listPermitTypes',
  'getPermitType',
  'registerApplicant',
  'login',
  'logout',
  'getCurrentUser',
  'createApplication',
  'updateApplication',
  'uploadDocument',
  'submitApplication',
  'withdrawApplication',
  'getApplication',
  'listApplications',
  'performApplicationAction',
  'trackApplication',
  'getHealth',
];
/** The operations issue 12 (money) added, with the tag each is documented under. */
const MONEY_OPERATIONS: Record<string, string> = {
  listApplicationBills: 'Payments',
  reissueApplicationBill: 'Payments',
  requestNewBillCode: 'Payments',
  getPaymentSettings: 'Payments',
  savePaymentSettings: 'Payments',
  listHeldPayments: 'Payments',
  getHeldPayment: 'Payments',
  acceptHeldPayment: 'Payments',
  closeHeldPayment: 'Payments',
  listReconciliationDays: 'Payments',
  importBankStatement: 'Payments',
  getReconciliationDay: 'Payments',
  resolveReconciliationLine: 'Payments',
  closeReconciliationDay: 'Payments',
  getRevenue: 'Revenue',
  exportRevenueCsv: 'Revenue',
  setRevenueTarget: 'Revenue',
  estimateFee: 'Catalogue',
  snapAccessTokenB2b: 'Payments (SNAP)',
  snapVaInquiry: 'Payments (SNAP)',
  snapVaPayment: 'Payments (SNAP)',
  snapQrisNotify: 'Payments (SNAP)',
};
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every `$ref` in a JSON value. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => refs(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), doc);
}

function expectSecurityHeaders(res: LightMyRequestResponse, what: string, opts: { csp: boolean }) {
  expect(res.headers['x-content-type-options'], what).toBe('nosniff');
  expect(res.headers['referrer-policy'], what).toBeDefined();
  expect(['no-referrer', 'same-origin', 'strict-origin', 'strict-origin-when-cross-origin']).toContain(res.headers['referrer-policy']);
  if (opts.csp) {
    const csp = String(res.headers['content-security-policy'] ?? '');
    expect(csp, what).toContain("object-src 'none'");
    expect(csp, what).toContain("base-uri 'none'");
    expect(csp, what).toContain("frame-ancestors 'none'");
  }
}

describe.each(DIALECTS)('API contract (%s)', (dialect) => {
  let ctx: TestContext;
  let spec: OpenApi;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const res = await ctx.app.inject({ url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    spec = json<OpenApi>(res);
  });
  afterAll(async () => ctx?.close());

  describe('OpenAPI document', () => {
    it('is OpenAPI 3.x JSON with title, version and paths', async () => {
      const res = await ctx.app.inject({ url: '/api/openapi.json' });
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(() => JSON.parse(res.body) as unknown).not.toThrow();
      expect(spec.openapi).toMatch(/^3\.[01]\.\d+$/);
      expect(spec.info.title).toMatch(/\S/);
      expect(spec.info.version).toMatch(/\S/);
      expect(Object.keys(spec.paths).length).toBeGreaterThan(0);
    });

    it('contains every public operationId, each once', () => {
      const ids = Object.values(spec.paths).flatMap((ops) =>
        Object.entries(ops)
          .filter(([m]) => HTTP_METHODS.has(m))
          .map(([, op]) => op.operationId),
      );
      for (const id of OPERATION_IDS) expect(ids, id).toContain(id);
      expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('is well formed: paths, path parameters, responses, references and security schemes', () => {
      const schemes = Object.keys(spec.components?.securitySchemes ?? {});
      for (const [p, ops] of Object.entries(spec.paths)) {
        expect(p.startsWith('/'), p).toBe(true);
        const templated = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        for (const [method, op] of Object.entries(ops)) {
          if (!HTTP_METHODS.has(method)) continue;
          const where = `${method.toUpperCase()} ${p}`;
          const responses = Object.keys(op.responses ?? {});
          expect(responses.length, where).toBeGreaterThan(0);
          for (const code of responses) expect(code, where).toMatch(/^(?:[1-5]\d\d|[1-5]XX|default)$/);
          const pathParams = (op.parameters ?? []).filter((x) => x.in === 'path');
          expect(pathParams.map((x) => x.name).sort(), where).toEqual([...templated].sort());
          for (const x of pathParams) expect(x.required, `${where} ${x.name}`).toBe(true);
          for (const req of op.security ?? []) for (const name of Object.keys(req)) expect(schemes, where).toContain(name);
        }
      }
      for (const ref of refs(spec)) expect(resolvePointer(spec, ref), ref).toBeDefined();
    });

    it('gives every operation tags, a summary and a success response with a schema; the money operations under their tags', () => {
      const ops = Object.entries(spec.paths).flatMap(([p, byMethod]) =>
        Object.entries(byMethod)
          .filter(([m]) => HTTP_METHODS.has(m))
          .map(([m, op]) => ({ where: `${m.toUpperCase()} ${p}`, op })),
      );
      for (const { where, op } of ops) {
        expect(op.tags?.length, where).toBeGreaterThan(0);
        expect(op.summary ?? '', where).toMatch(/\S/);
        const success = Object.entries(op.responses ?? {}).filter(([code]) => /^2/.test(code));
        expect(success.length, where).toBeGreaterThan(0);
        for (const [code, response] of success) {
          // A 204 has no body; every other success names its content and schema.
          if (code === '204') continue;
          const content = (response as { content?: Record<string, { schema?: unknown }> }).content ?? {};
          expect(Object.keys(content).length, `${where} ${code}`).toBeGreaterThan(0);
          for (const [type, media] of Object.entries(content)) expect(media.schema, `${where} ${code} ${type}`).toBeDefined();
        }
      }
      for (const [id, tag] of Object.entries(MONEY_OPERATIONS)) {
        const found = ops.filter(({ op }) => op.operationId === id);
        expect(found, id).toHaveLength(1);
        expect(found[0]!.op.tags, id).toEqual([tag]);
      }
    });

    it('never puts a NIK, password or tracking code in a query string', () => {
      for (const ops of Object.values(spec.paths)) {
        for (const op of Object.values(ops)) {
          for (const x of op.parameters ?? []) {
            if (x.in === 'query') expect(x.name.toLowerCase()).not.toMatch(/nik|password|tracking|token/);
          }
        }
      }
    });

    it('serves the API docs as HTML', async () => {
      let res = await ctx.app.inject({ url: '/api/docs' });
      if (res.statusCode >= 300 && res.statusCode < 400) res = await ctx.app.inject({ url: String(res.headers.location) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toMatch(/<html/i);
      expectSecurityHeaders(res, '/api/docs', { csp: false });
    });
  });

  describe('operations endpoints', () => {
    it('/health and /ready answer 200', async () => {
      const health = await ctx.app.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(json(health)).toEqual({ status: 'ok' });
      const ready = await ctx.app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(200);
      expect(json(ready)).toEqual({ status: 'ready' });
    });
  });

  describe('headers', () => {
    it('sends the security headers on every kind of response (v5.0.0-3.4.3, 3.4.4, 3.4.6)', async () => {
      const token = (await userWithToken(ctx, 'applicant')).token;
      const requests: { what: string; res: LightMyRequestResponse }[] = [];
      const hit = async (what: string, opts: InjectOptions) => requests.push({ what, res: await ctx.app.inject(opts) });
      await hit('home', { url: '/' });
      await hit('health', { url: '/health' });
      await hit('ready', { url: '/ready' });
      await hit('openapi', { url: '/api/openapi.json' });
      await hit('permit types', { url: '/api/v1/permit-types' });
      await hit('permit type', { url: '/api/v1/permit-types/PBG' });
      await hit('me', { url: '/api/v1/me', headers: auth(token) });
      await hit('401', { url: '/api/v1/me' });
      await hit('404', { url: '/tidak-ada' });
      await hit('api 404', { url: '/api/v1/tidak-ada' });
      await hit('400', { method: 'POST', url: '/api/v1/auth/login', payload: { login: '' } });
      await hit('bad json', { method: 'POST', url: '/api/v1/track', headers: { 'content-type': 'application/json' }, payload: '{"number":' });
      await hit('405-ish', { method: 'DELETE', url: '/api/v1/permit-types' });
      expect(requests.map((r) => r.res.statusCode)).toEqual([200, 200, 200, 200, 200, 200, 200, 401, 404, 404, 400, 400, 404]);
      for (const { what, res } of requests) expectSecurityHeaders(res, what, { csp: true });
    });

    it('gives the API docs page a content security policy of its own, with no inline script allowed by name', async () => {
      const res = await ctx.app.inject({ url: '/api/docs' });
      expect(res.statusCode).toBe(200);
      const csp = String(res.headers['content-security-policy'] ?? '');
      expect(csp).toMatch(/default-src 'self'/);
      expect(csp).toMatch(/object-src 'none'/);
      expect(csp).toMatch(/frame-ancestors 'none'/);
      expect(csp).not.toMatch(/unsafe-inline|upgrade-insecure-requests|validator\.swagger\.io/);
    });

    it('refuses a deeply nested JSON body with 400, without a stack trace', async () => {
      const deep = '['.repeat(10_000) + ']'.repeat(10_000);
      const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/track', headers: { 'content-type': 'application/json' }, payload: deep });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).not.toMatch(/RangeError|at \w+ \(/);
    });

    it('sends HSTS for a year including subdomains when served over HTTPS', async () => {
      const https = await createTestContext(dialect, { BASE_URL: 'https://izin.malangkota.go.id' });
      try {
        for (const url of ['/', '/health', '/api/v1/permit-types', '/tidak-ada']) {
          const hsts = String((await https.app.inject({ url })).headers['strict-transport-security'] ?? '');
          expect(Number(/max-age=(\d+)/.exec(hsts)?.[1]), url).toBeGreaterThanOrEqual(31_536_000);
          expect(hsts, url).toMatch(/includeSubDomains/i);
        }
      } finally {
        await https.close();
      }
    });

    it('marks API responses with personal data cache-control no-store', async () => {
      const nik = uniqueNik();
      const email = `cache.${Math.random().toString(36).slice(2, 8)}@contoh.id`;
      const password = 'kopi tubruk pagi hari';
      const reg = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { name: 'Rina', nik, email, password, consent: true } });
      expect(reg.statusCode).toBe(201);
      const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } });
      expect(login.statusCode).toBe(200);
      const token = json<{ token: string }>(login).token;
      const created = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/applications',
        headers: auth(token),
        payload: { permitTypeCode: 'AK1', answers: { nik } },
      });
      expect(created.statusCode).toBe(201);
      const id = json<{ id: string }>(created).id;
      const responses = {
        register: reg,
        login,
        me: await ctx.app.inject({ url: '/api/v1/me', headers: auth(token) }),
        create: created,
        get: await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(token) }),
        list: await ctx.app.inject({ url: '/api/v1/applications', headers: auth(token) }),
        patch: await ctx.app.inject({ method: 'PATCH', url: `/api/v1/applications/${id}`, headers: auth(token), payload: { answers: { nik } } }),
        problem: await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: { name: 'Rina', nik: '123', email, password, consent: true } }),
      };
      for (const [what, res] of Object.entries(responses)) {
        expect(res.statusCode, what).toBeLessThan(500);
        expect(String(res.headers['cache-control'] ?? ''), what).toContain('no-store');
      }
    });
  });

  describe('errors and pages', () => {
    it('answers an unknown API URL with a 404 problem+json, and an unknown page with a 404 page', async () => {
      for (const url of ['/api/v1/tidak-ada', '/api/v2/permit-types']) {
        const res = await ctx.app.inject({ url });
        expect(res.statusCode, url).toBe(404);
        expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
        const body = json<{ type: string; title: string; status: number; detail: string; code: string }>(res);
        expect(body).toMatchObject({ status: 404, code: 'not_found' });
        expect(body.title).toMatch(/\S/);
        expect(body.detail).toMatch(/\S/);
        expect(res.body).not.toMatch(/at .*\.(ts|js):\d+/);
      }
      const page = await ctx.app.inject({ url: '/tidak-ada' });
      expect(page.statusCode).toBe(404);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.body).toContain('Halaman tidak ditemukan');
      expect(page.body).not.toMatch(/at .*\.(ts|js):\d+/);
    });

    it('lists the permit types in Indonesian on the catalogue page', async () => {
      const res = await ctx.app.inject({ url: '/izin' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('<html lang="id">');
      expect(res.body).toContain('Jenis izin');
      expect(res.body).toContain('hari kerja');
      const types = await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id });
      expect(types.length).toBeGreaterThanOrEqual(12);
      const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
      for (const t of types) expect(res.body, t.definition.code).toContain(escape(t.definition.name.id));
      expect(res.body).toContain(escape(ctx.tenant.name));
    });

    it('escapes HTML in office and permit type names on the catalogue and guide pages', async () => {
      const catalogue = structuredClone(loadCatalogue());
      catalogue.permitTypes[0]!.name = { id: '<script>alert("izol")</script> Izin & Uji', en: "<img src=x onerror='alert(1)'>" };
      await ensureOffice(ctx.services, { ...KOTA_MALANG, code: 'XSS', name: 'DPMPTSP <b>Uji</b> & "Kota"', hostnames: ['xss.izol.test'] }, catalogue);
      for (const url of ['/izin', `/izin/${catalogue.permitTypes[0]!.code}`]) {
        const res = await ctx.app.inject({ url, headers: { host: 'xss.izol.test' } });
        expect(res.statusCode).toBe(200);
        expect(res.body).not.toContain('<script>');
        expect(res.body).not.toContain('<b>Uji');
        expect(res.body).toContain('&lt;script&gt;alert(&quot;izol&quot;)&lt;/script&gt; Izin &amp; Uji');
        expect(res.body).toContain('DPMPTSP &lt;b&gt;Uji&lt;/b&gt; &amp; &quot;Kota&quot;');
      }
      const english = await ctx.app.inject({ url: '/izin', headers: { host: 'xss.izol.test', cookie: '__Host-izol-lang=en' } });
      expect(english.body).not.toContain('<img');
      expect(english.body).toContain('&lt;img src=x onerror=&#39;alert(1)&#39;&gt;');
    });
  });
});
