import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { totpAt } from '../../src/auth/totp.js';
import { loadCatalogueRelease } from '../../src/catalogue/catalogue.loader.js';
import { AppError } from '../../src/shared/errors.js';
import { NO_PASSWORD_YET, type NewOffice } from '../../src/tenants/office-setup.service.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { PageClient } from '../helpers/pages.js';
import { runScript } from '../helpers/scripts.js';

const release = loadCatalogueRelease();
const SURABAYA: NewOffice = {
  code: 'SBY',
  name: 'DPMPTSP Kota Surabaya',
  host: 'izin.surabaya.go.id',
  timeZone: 'Asia/Jakarta',
  adminEmail: 'Admin@Surabaya.go.id',
};
const GOOD_PASSWORD = 'kantor surabaya siap melayani';

/** The refusal a call ends with (the test fails if it does not refuse). */
async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

const PRODUCTION_ENV = (database: { url: string; dir: string }) => ({
  NODE_ENV: 'production',
  VIRUS_SCANNER: 'builtin',
  DATABASE_URL: database.url,
  DATA_ENCRYPTION_KEY: 'b4'.repeat(32),
  BASE_URL: 'https://izin.example.go.id',
  STORAGE_DIR: `${database.dir}/files`,
});

/** A script run with exactly this environment (runScript's defaults, NODE_ENV=test, overridden). */
const runScriptWith = (script: string, env: Record<string, string>, args: string[]) => runScript(script, env.DATABASE_URL ?? '', args, env);

const tokenOf = (url: string) => url.split('/').at(-1)!;
const pathOf = (url: string) => new URL(url).pathname;

describe.each(DIALECTS)('setting up a real office (%s)', (dialect) => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  const counts = async () => ({
    tenants: (await ctx.db.selectFrom('tenants').select('id').execute()).length,
    users: (await ctx.db.selectFrom('users').select('id').execute()).length,
    links: (await ctx.db.selectFrom('setup_links').select('id').execute()).length,
  });
  const audits = async (tenantId: string, action: string) =>
    ctx.db.selectFrom('audit_events').select(['action', 'actor_id', 'data']).where('tenant_id', '=', tenantId).where('action', '=', action).execute();
  const adminOf = async (tenantId: string) =>
    ctx.db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).where('role', '=', 'admin').executeTakeFirstOrThrow();

  let link = '';
  let sbyId = '';

  it('creates the office with its catalogue, holidays, signing key and an admin who has no password yet', async () => {
    const made = await ctx.services.officeSetup.createOffice({ ...SURABAYA, release });
    sbyId = made.tenant.id;
    link = made.link.url;
    // The link is on the office's own host (BASE_URL's scheme and port) and holds a 256-bit token.
    expect(link).toMatch(/^http:\/\/izin\.surabaya\.go\.id:3000\/akun\/atur-kantor\/[A-Za-z0-9_-]{43}$/);
    expect(made.link.expiresAt).toBe('2026-11-21T03:00:00.000Z');
    expect(made.tenant).toMatchObject({ code: 'SBY', name: 'DPMPTSP Kota Surabaya', time_zone: 'Asia/Jakarta', catalogue_release: release.release });
    expect(JSON.parse(made.tenant.hostnames)).toEqual(['izin.surabaya.go.id']);
    const types = await ctx.services.catalogue.listPermitTypes({ tenantId: sbyId });
    expect(types.map((t) => t.definition.code).sort()).toEqual(release.catalogue.permitTypes.map((t) => t.code).sort());
    expect((await ctx.services.holidays.yearsWithHolidays(sbyId)).size).toBeGreaterThan(0);
    expect(await ctx.services.signer.publicKeys(sbyId)).toHaveLength(1);
    const admin = await adminOf(sbyId);
    expect(admin).toMatchObject({ email: 'admin@surabaya.go.id', password_hash: NO_PASSWORD_YET, totp_enabled_at: null });
    // Only the token's hash is stored.
    const rows = await ctx.db.selectFrom('setup_links').selectAll().where('tenant_id', '=', sbyId).execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(tokenOf(link));
    expect(await audits(sbyId, 'office.created')).toHaveLength(1);
    expect(await audits(sbyId, 'office.setup_link_issued')).toHaveLength(1);
    // office:list shows it beside the demo office.
    expect(await ctx.services.officeSetup.listOffices()).toContainEqual({
      code: 'SBY',
      name: 'DPMPTSP Kota Surabaya',
      hosts: ['izin.surabaya.go.id'],
      timeZone: 'Asia/Jakarta',
      staff: 1,
      catalogueRelease: release.release,
    });
    // Nobody can sign in to the admin account before the link set a password.
    const login = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { host: 'izin.surabaya.go.id' },
      payload: { login: 'admin@surabaya.go.id', password: NO_PASSWORD_YET },
    });
    expect(login.statusCode).toBe(401);
  });

  it('refuses a code another office has, and creates nothing', async () => {
    const before = await counts();
    const err = await refusal(ctx.services.officeSetup.createOffice({ ...SURABAYA, host: 'baru.surabaya.go.id', adminEmail: 'lain@surabaya.go.id', release }));
    expect(err.code).toBe('conflict');
    expect(err.details.fields).toEqual([expect.objectContaining({ field: 'code', code: 'office_code_taken' })]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a host name another office answers to, however it is typed, and creates nothing', async () => {
    const before = await counts();
    for (const host of ['IZIN.Surabaya.go.id', 'malang.izol.test']) {
      const err = await refusal(ctx.services.officeSetup.createOffice({ ...SURABAYA, code: 'SBZ', host, release }));
      expect(err.code, host).toBe('conflict');
      expect(err.details.fields?.[0]).toMatchObject({ field: 'host', code: 'host_name_taken' });
    }
    expect(await counts()).toEqual(before);
  });

  it('names every bad argument at once, and creates nothing', async () => {
    const before = await counts();
    const err = await refusal(
      ctx.services.officeSetup.createOffice({ code: 'sby', name: ' ', host: 'https://izin.go.id/', timeZone: 'Asia/Surabaya', adminEmail: 'admin', release }),
    );
    expect(err.code).toBe('invalid_input');
    expect(err.details.fields?.map((f) => f.field)).toEqual(['code', 'name', 'host', 'timeZone', 'adminEmail']);
    expect(await counts()).toEqual(before);
  });

  it('the script exits 2 on bad arguments and 1 on a taken code, saying why, with nothing created', async () => {
    const before = await counts();
    const bad = await runScript('scripts/office-create.ts', ctx.databaseUrl, [
      '--code',
      'S',
      '--name',
      'X',
      '--host',
      'a b',
      '--timezone',
      'WIB',
      '--admin-email',
      'x@y',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--code: "S" must be 2 to 8 capital letters');
    expect(bad.stderr).toContain('--host: "a b" is not a host name');
    expect(bad.stderr).toContain('--timezone: "WIB" is not an IANA time zone');
    expect(bad.stderr).toContain('--admin-email: "x@y" is not an email address');
    const args = ['--code', 'SBY', '--name', 'Lain', '--host', 'lain.go.id', '--timezone', 'Asia/Jakarta', '--admin-email', 'a@lain.go.id'];
    const taken = await runScript('scripts/office-create.ts', ctx.databaseUrl, args);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('an office with code SBY exists already');
    expect(await counts()).toEqual(before);
  });

  it('the script works with NODE_ENV=production on an empty database', async () => {
    const database = await createTestDatabase(dialect);
    try {
      const res = await runScriptWith('scripts/office-create.ts', PRODUCTION_ENV(database), [
        '--code',
        'SMG',
        '--name',
        'DPMPTSP Kota Semarang',
        '--host',
        'izin.semarang.go.id',
        '--timezone',
        'Asia/Jakarta',
        '--admin-email',
        'admin@semarang.go.id',
      ]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      // Production: the link is https on the office's own host.
      expect(res.stdout).toMatch(/https:\/\/izin\.semarang\.go\.id\/akun\/atur-kantor\/[A-Za-z0-9_-]{43}\n/);
      expect(res.stdout).toContain('set DEFAULT_TENANT=SMG');
      const list = await runScriptWith('scripts/office-list.ts', PRODUCTION_ENV(database), []);
      expect(list.stdout).toMatch(
        new RegExp(`SMG\\s+DPMPTSP Kota Semarang\\s+izin\\.semarang\\.go\\.id\\s+Asia/Jakarta\\s+1\\s+release ${release.release}\\b`),
      );
      // This month's digital take-up beside it, and pooled over every office: nothing filed yet.
      expect(list.stdout).toMatch(/DIGITAL \d{4}-\d{2}/);
      expect(list.stdout).toMatch(/SMG .*none filed\n/);
      expect(list.stdout).toMatch(/all offices pooled \(sum over sum\): none filed\n/);
      // Production creates no demo office.
      expect(list.stdout).not.toContain('MLG');
    } finally {
      await database.drop();
    }
  });

  it('the link shows the office and the email, checks the password, and leads to the authenticator set-up', async () => {
    const admin = new PageClient(ctx, 'izin.surabaya.go.id');
    const page = await admin.get(pathOf(link));
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('DPMPTSP Kota Surabaya');
    expect(page.body).toContain('admin@surabaya.go.id');
    // The existing staff password policy, and the two must match; nothing changes on a refusal.
    const short = await admin.post(pathOf(link), { password: 'pendek', passwordAgain: 'pendek' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('paling sedikit 12 karakter');
    const differ = await admin.post(pathOf(link), { password: GOOD_PASSWORD, passwordAgain: `${GOOD_PASSWORD}!` });
    expect(differ.statusCode).toBe(400);
    expect(differ.body).toContain('Kedua kata sandi tidak sama');
    const noCsrf = await admin.post(pathOf(link), { password: GOOD_PASSWORD, passwordAgain: GOOD_PASSWORD }, { csrf: false });
    expect(noCsrf.statusCode).toBe(403);
    expect((await adminOf(sbyId)).password_hash).toBe(NO_PASSWORD_YET);

    const done = await admin.post(pathOf(link), { password: GOOD_PASSWORD, passwordAgain: GOOD_PASSWORD });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/kantor/atur-autentikator');
    expect((await adminOf(sbyId)).password_hash).toMatch(/^\$argon2id\$/);
    expect(await audits(sbyId, 'office.admin_password_set')).toHaveLength(1);
    // The waiting session opens only the second-factor pages.
    expect((await admin.get('/kantor')).statusCode).toBe(303);
    const setup = await admin.get('/kantor/atur-autentikator');
    expect(setup.statusCode).toBe(200);
    const secret = /data-totp-secret>([A-Z2-7 ]+)</.exec(setup.body)![1]!.replace(/ /g, '');
    const enrolled = await admin.post('/kantor/atur-autentikator', { code: totpAt(secret, ctx.clock.now()) });
    expect(enrolled.statusCode).toBe(303);
    expect(enrolled.headers.location).toBe('/kantor');
    const office = await admin.get('/kantor/admin');
    expect(office.statusCode).toBe(200);
    expect(await audits(sbyId, 'auth.second_factor_enrolled')).toHaveLength(1);
  });

  it('the request log never records a link’s token', async () => {
    const made = await ctx.services.officeSetup.createOffice({
      code: 'MDN',
      name: 'DPMPTSP Kota Medan',
      host: 'izin.medan.go.id',
      timeZone: 'Asia/Jakarta',
      adminEmail: 'admin@medan.go.id',
      release,
    });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = await createApp(ctx.services, { logger });
    try {
      const res = await app.inject({ method: 'GET', url: pathOf(made.link.url), headers: { host: 'izin.medan.go.id' } });
      expect(res.statusCode).toBe(200);
      // The same app logs other requests (the logger works).
      await app.inject({ method: 'GET', url: '/izin', headers: { host: 'izin.medan.go.id' } });
      expect(lines.join('')).toContain('/izin');
      expect(lines.join('')).not.toContain(tokenOf(made.link.url));
    } finally {
      await app.close();
    }
  });

  it('a used link says so (410) and changes nothing; an unknown one is 404', async () => {
    const hashBefore = (await adminOf(sbyId)).password_hash;
    const visitor = new PageClient(ctx, 'izin.surabaya.go.id');
    const used = await visitor.get(pathOf(link));
    expect(used.statusCode).toBe(410);
    expect(used.body).toContain('Tautan ini sudah dipakai');
    const again = await visitor.post(pathOf(link), { password: 'orang lain mencoba lagi', passwordAgain: 'orang lain mencoba lagi' });
    expect(again.statusCode).toBe(410);
    expect((await adminOf(sbyId)).password_hash).toBe(hashBefore);
    const unknown = await visitor.get('/akun/atur-kantor/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('npm run office:setup-link -- --code SBY');
    // The link belongs to its office: on another office's host it is unknown.
    expect((await new PageClient(ctx, 'malang.izol.test').get(pathOf(link))).statusCode).toBe(404);
    // Once set up, no new link is made.
    const renew = await refusal(ctx.services.officeSetup.renewSetupLink({ code: 'SBY' }));
    expect(renew.message).toContain('finished setting up');
  });

  it('an expired link says so (410) and changes nothing; a new link ends the old one and works', async () => {
    const made = await ctx.services.officeSetup.createOffice({
      code: 'BDG',
      name: 'DPMPTSP Kota Bandung',
      host: 'izin.bandung.go.id',
      timeZone: 'Asia/Jakarta',
      adminEmail: 'admin@bandung.go.id',
      release,
    });
    const visitor = new PageClient(ctx, 'izin.bandung.go.id');
    const first = await ctx.services.officeSetup.renewSetupLink({ code: 'BDG' });
    expect(first.replaced).toBe(1);
    const ended = await visitor.get(pathOf(made.link.url));
    expect(ended.statusCode).toBe(410);
    expect(ended.body).toContain('Tautan ini tidak berlaku lagi');

    ctx.clock.advanceMinutes(24 * 60 + 1);
    const expired = await visitor.get(pathOf(first.url));
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('Tautan ini sudah kedaluwarsa');
    expect(expired.body).toContain('npm run office:setup-link -- --code BDG');
    const late = await visitor.post(pathOf(first.url), { password: GOOD_PASSWORD, passwordAgain: GOOD_PASSWORD });
    expect(late.statusCode).toBe(410);
    expect((await adminOf(made.tenant.id)).password_hash).toBe(NO_PASSWORD_YET);

    // The operator's command for a new link (the script runs on the real clock: its link is good for a day from now).
    ctx.clock.set(new Date().toISOString());
    const script = await runScript('scripts/office-setup-link.ts', ctx.databaseUrl, ['--code', 'BDG']);
    expect(script.code).toBe(0);
    expect(script.stdout).toContain('New set-up link for admin@bandung.go.id, first admin of BDG');
    const fresh = /(http:\/\/\S+\/akun\/atur-kantor\/[A-Za-z0-9_-]{43})/.exec(script.stdout)![1]!;
    expect(new URL(fresh).host).toBe('izin.bandung.go.id:3000');
    const done = await visitor.post(pathOf(fresh), { password: GOOD_PASSWORD, passwordAgain: GOOD_PASSWORD });
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe('/kantor/atur-autentikator');
    expect(await audits(made.tenant.id, 'office.setup_link_issued')).toHaveLength(3);
  });
});
