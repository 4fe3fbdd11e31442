import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { createTestDatabase } from '../helpers/databases.js';
import { freePort } from '../helpers/server-process.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * A real office from nothing, as an operator would do it (issue 10, "Done when"): an empty
 * PostgreSQL database, NODE_ENV=production with the production settings, `npm run office:create`,
 * the server started as in production (`npm start`), and the first admin in Chromium following the
 * printed set-up link to a password, the authenticator, and a sign-in with the second factor.
 * The office's host is `localhost`: Chromium treats http://localhost as a secure context, so the
 * production cookies (`__Host-`, Secure) work over plain HTTP in the test.
 */
/** Runs an npm script with only the given environment (the test runner's own variables must not leak in). */
function npm(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '-s', ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a real office set up from the command line, its first admin in Chromium (PostgreSQL, production)', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let env: Record<string, string>;
  let base = '';
  let server: ChildProcess | undefined;
  let serverOutput = '';
  const createArgs = [
    'office:create',
    '--',
    '--code',
    'SBY',
    '--name',
    'DPMPTSP Kota Surabaya',
    '--host',
    'localhost',
    '--timezone',
    'Asia/Jakarta',
    '--admin-email',
    'admin@surabaya.go.id',
  ];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const port = await freePort();
    base = `http://localhost:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      NODE_ENV: 'production',
      VIRUS_SCANNER: 'builtin',
      DATABASE_URL: database.url,
      DATA_ENCRYPTION_KEY: 'a3'.repeat(32),
      BASE_URL: base,
      DEFAULT_TENANT: 'SBY',
      PORT: String(port),
      HOST: '127.0.0.1',
      STORAGE_DIR: path.join(database.dir, 'files'),
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    // npm start runs the server under npm and tsx: the whole process group started here is stopped.
    if (server?.pid && server.exitCode === null) {
      const exited = once(server, 'exit');
      process.kill(-server.pid, 'SIGTERM');
      await exited;
    }
    await database?.drop();
  });

  it('a production start with no office says to run office:create', async () => {
    const res = await npm(['start'], env);
    expect(res.code).toBe(78);
    expect(res.stderr).toContain('Izol has no office to serve yet');
    expect(res.stderr).toContain('npm run office:create -- --code');
  });

  let link = '';
  it('office:create makes the office and prints a set-up link; a second run with the same code refuses', async () => {
    const first = await npm(createArgs, env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Office SBY created: DPMPTSP Kota Surabaya');
    link = /(http:\/\/localhost:\d+\/akun\/atur-kantor\/[A-Za-z0-9_-]{43})/.exec(first.stdout)?.[1] ?? '';
    expect(link.startsWith(`${base}/akun/atur-kantor/`)).toBe(true);

    const second = await npm([...createArgs.slice(0, -1), 'lain@surabaya.go.id'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('an office with code SBY exists already');
    const list = await npm(['office:list'], env);
    expect(list.stdout).toMatch(/SBY\s+DPMPTSP Kota Surabaya\s+localhost\s+Asia\/Jakarta\s+1\s+release \d+/);
  });

  it('the admin follows the link, chooses a password, sets up the authenticator, and signs in again with a second factor', async () => {
    server = spawn('npm', ['start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    server.stdout!.on('data', (d: Buffer) => (serverOutput += d.toString()));
    server.stderr!.on('data', (d: Buffer) => (serverOutput += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!serverOutput.includes('in production mode')) {
      if (server.exitCode !== null) throw new Error(`server exited (${server.exitCode}):\n${serverOutput}`);
      if (Date.now() > deadline) throw new Error(`server did not start within 60 s:\n${serverOutput}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const browser = await launch({ javaScriptEnabled: true, width: 1024 });
    try {
      const page = await browser.context.newPage();
      let n = 0;
      const check = async (label: string) => {
        n++;
        await page.screenshot({ path: path.join(ARTIFACTS, `office-setup-${String(n).padStart(2, '0')}-${label}.png`), fullPage: true });
        const v = await axeViolations(page);
        expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
      };
      fs.mkdirSync(ARTIFACTS, { recursive: true });

      await page.goto(link);
      await expect.poll(() => page.locator('main').innerText()).toContain('admin@surabaya.go.id');
      expect(await page.locator('main').innerText()).toContain('DPMPTSP Kota Surabaya');
      await check('link');
      // Two different passwords: refused, with the error summary.
      await page.fill('#f-password', 'kantor surabaya siap melayani');
      await page.fill('#f-passwordAgain', 'kantor surabaya siap melayan');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      expect(await page.locator('.error-summary').innerText()).toContain('Kedua kata sandi tidak sama');
      await check('differ');
      await page.fill('#f-password', 'kantor surabaya siap melayani');
      await page.fill('#f-passwordAgain', 'kantor surabaya siap melayani');
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/kantor/atur-autentikator`);
      await check('authenticator');
      const cookies = await browser.context.cookies();
      expect(cookies.find((c) => c.name === '__Host-izol-session')).toMatchObject({ secure: true, httpOnly: true, path: '/' });

      // The authenticator app: the secret shown on the page (the QR code holds the same).
      const secret = (await page.locator('[data-totp-secret]').innerText()).replace(/\s/g, '');
      // The previous time step's code is accepted too; using it leaves the current one for the sign-in below.
      await page.fill('#f-code', totpAt(secret, new Date(Date.now() - 30_000)));
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/kantor`);
      await check('office');

      // Sign out, and in again: password, then the authenticator code.
      await page.locator('form[action="/akun/keluar"] button').click();
      await page.waitForLoadState('load');
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', 'admin@surabaya.go.id');
      await page.fill('#f-password', 'kantor surabaya siap melayani');
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/kantor/kode`);
      await page.fill('#f-code', totpAt(secret, new Date()));
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/kantor`);
      await page.goto(`${base}/kantor/admin`);
      expect(await page.locator('main h1').innerText()).toMatch(/Administrasi kantor/);

      // The link worked once.
      const again = await page.goto(link);
      expect(again?.status()).toBe(410);
      expect(await page.locator('main').innerText()).toContain('Tautan ini sudah dipakai');
      await check('used');
    } finally {
      await browser.close();
    }
  });
});
