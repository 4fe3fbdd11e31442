/**
 * HTTP throughput against a bare Fastify route started in the same run (`npm run bench`, or
 * `BENCH_ONLY=http npm run bench`; bench/README.md, "http.bench.ts").
 *
 * Per database: the real server is started as a newcomer's `npm start` starts it (its own process,
 * NODE_ENV unset = development, LOG_LEVEL unset = info, one JSON log line per request to a file, demo
 * data seeded), next to a bare Fastify app with one JSON route; wrk (50 connections, medians of three)
 * asks each case; then submissions through the service (in-process, one office and ten offices) and the
 * machine's durable-commit rate for SQLite (the app's pragmas: WAL, synchronous=FULL). Prints a table
 * and writes bench/results.json. Nothing fails on a timing: the targets are printed beside the figures.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import pg from 'pg';
import { DEMO_PDF } from '../src/demo/demo-files.js';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDatabase } from '../src/db/database.js';
import { createServices } from '../src/services.js';
import { systemClock } from '../src/shared/time.js';
import type { Role } from '../src/workflow/workflow.schema.js';
import { createTestContext, staffOtp, type TestContext } from '../test/helpers/context.js';
import { createTestDatabase, DIALECTS, type TestDialect } from '../test/helpers/databases.js';
import { validAnswers } from '../test/helpers/journeys.js';
import { prepareSubmissionDrafts } from './submission-drafts.js';

const DURATION = process.env.BENCH_HTTP_DURATION ?? '5s';
const RUNS = Number(process.env.BENCH_HTTP_RUNS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 50);
const SUBMISSIONS = Number(process.env.BENCH_SUBMISSIONS ?? 500);
const FLOWS = Number(process.env.BENCH_HTTP_FLOWS ?? 200);
const CASES = process.env.BENCH_HTTP_CASES?.split(',');
const PROFILE = process.env.BENCH_HTTP_PROFILE; // a directory: the server runs with --cpu-prof into it
const BARE_PORT = 3901;
const IZOL_PORT = 3902;
const BROWSER = { 'accept-encoding': 'br, gzip', accept: 'text/html,application/xhtml+xml', 'accept-language': 'id' };

type Result = {
  name: string;
  database: TestDialect | 'any';
  rps: number;
  p50_ms: number;
  p99_ms: number;
  ratio: number | null;
  /** REL-6 (SECURITY.md): the SLO shape, 90% under 400 ms and 99% under 850 ms, and availability as non-5xx over all responses. */
  p90_ms?: number;
  responses?: number;
  status5xx?: number;
  availability?: number;
  slo?: boolean;
  non2xx?: number;
  target?: string;
  note?: string;
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? Number.NaN;
}
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function requireWrk(): void {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
  if (r.error) {
    console.error('wrk is needed for the HTTP bench and was not found. Install it (Debian/Ubuntu): sudo apt-get install -y wrk  (macOS: brew install wrk)');
    process.exit(1);
  }
}

function toMs(s: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(s.trim());
  if (!m) return Number.NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 'ms' ? v : m[2] === 's' ? v * 1000 : v * 60_000;
}

/**
 * Lua appended to every wrk run: each thread counts its responses and those of 5xx, and `done` prints the
 * sums, so REL-6's availability (non-5xx over all responses) is measured, not inferred from "non-2xx".
 */
const STATUS_LUA = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) responses = 0; status5xx = 0 end
function response(status, headers, body)
  responses = responses + 1
  if status >= 500 then status5xx = status5xx + 1 end
end
function done(summary, latency, requests)
  local total, failed = 0, 0
  for _, t in ipairs(threads) do total = total + t:get("responses"); failed = failed + t:get("status5xx") end
  io.write(string.format("IZOL-STATUS responses=%d status5xx=%d\\n", total, failed))
end
`;

type WrkRun = { rps: number; p50: number; p90: number; p99: number; non2xx: number; responses: number; status5xx: number };

/** One wrk run: requests/s, p50, p90 and p99 (ms), responses that were not 2xx/3xx, responses and 5xx counted. */
function wrkOnce(url: string, headers: Record<string, string>, script?: string): WrkRun {
  const args = ['-t2', `-c${CONNECTIONS}`, `-d${DURATION}`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  const counted = path.join(os.tmpdir(), `izol-bench-status-${process.pid}-${path.basename(script ?? 'plain')}`);
  fs.writeFileSync(counted, (script ? fs.readFileSync(script, 'utf8') : '') + STATUS_LUA);
  args.push('-s', counted);
  args.push(url);
  const out = spawnSync('wrk', args, { encoding: 'utf8' }).stdout;
  fs.rmSync(counted, { force: true });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN);
  const p50 = toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const p90 = toMs(/^\s+90%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const p99 = toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const status = /IZOL-STATUS responses=(\d+) status5xx=(\d+)/.exec(out);
  return { rps, p50, p90, p99, non2xx, responses: Number(status?.[1] ?? 0), status5xx: Number(status?.[2] ?? 0) };
}

/** REL-6's SLO shape for one case: 90% under 400 ms, 99% under 850 ms; availability = non-5xx / all. */
function sloOf(r: { p90: number; p99: number; responses: number; status5xx: number }) {
  const availability = r.responses ? (r.responses - r.status5xx) / r.responses : Number.NaN;
  return {
    p90_ms: round(r.p90, 2),
    responses: r.responses,
    status5xx: r.status5xx,
    availability: round(availability, 5),
    slo: r.p90 <= 400 && r.p99 <= 850,
  };
}

function wrkMedian(url: string, headers: Record<string, string>, script?: string): WrkRun {
  const runs = Array.from({ length: RUNS }, () => wrkOnce(url, headers, script));
  const mid = [...runs].sort((a, b) => a.rps - b.rps)[Math.floor(runs.length / 2)]!;
  return { ...mid, rps: median(runs.map((r) => r.rps)) };
}

function postScript(dir: string, name: string, method: string, body: string, headers: Record<string, string>): string {
  const file = path.join(dir, `${name}.lua`);
  const lua = [`wrk.method = ${JSON.stringify(method)}`, `wrk.body = ${JSON.stringify(body)}`];
  for (const [k, v] of Object.entries(headers)) lua.push(`wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`);
  fs.writeFileSync(file, lua.join('\n') + '\n');
  return file;
}

/**
 * A wrk script (the given one, or none) whose every request comes from another address
 * (X-Forwarded-For, 16 million of them), so a case whose rate limit is per address (verification,
 * tracking, login, the registry export) measures its work, not its 429 page: many citizens, not one.
 */
function manyClients(dir: string, name: string, script?: string): string {
  const file = path.join(dir, `${name}-many.lua`);
  const lua = `
request = function()
  wrk.headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254))
  return wrk.format()
end
`;
  fs.writeFileSync(file, (script ? fs.readFileSync(script, 'utf8') : '') + lua);
  return file;
}

async function waitFor(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`${url}: the server exited (${child.exitCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${ms} ms`);
}

function startBare(): ChildProcess {
  const code = `import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: ${BARE_PORT}, host: '127.0.0.1' });`;
  return spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd(), stdio: 'ignore' });
}

function startIzol(databaseUrl: string, dir: string, label: string): ChildProcess {
  const log = fs.openSync(path.join(dir, `server-${label}.log`), 'w');
  const profile = PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(PROFILE)}`] : [];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    STORAGE_DIR: path.join(dir, 'files'),
    PORT: String(IZOL_PORT),
    HOST: '127.0.0.1',
    // As behind a load balancer: the client's address is the one X-Forwarded-For names (the cases
    // whose limits are per address send a different one each request, `manyClients`).
    TRUST_PROXY_HOPS: '1',
  };
  delete env.NODE_ENV;
  delete env.LOG_LEVEL;
  return spawn(process.execPath, [...profile, '--import', 'tsx', 'src/server.ts'], { cwd: process.cwd(), env, stdio: ['ignore', log, log] });
}

/** CPU seconds the process has used (utime + stime from /proc). */
function cpuSeconds(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100; // clock ticks: 100 a second on Linux
}

/**
 * After start the server's jobs still work through the demo data (permit PDFs, notifications): wait
 * until it uses under a tenth of a core for two seconds, so the cases measure requests, not that.
 */
async function waitQuiet(pid: number, maxMs = 180_000): Promise<number> {
  const start = Date.now();
  let quiet = 0;
  while (Date.now() - start < maxMs && quiet < 2) {
    const before = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 1000));
    quiet = cpuSeconds(pid) - before < 0.1 ? quiet + 1 : 0;
  }
  return Date.now() - start;
}

/** The process's peak resident memory (VmHWM) and its resident memory now (VmRSS), in MB. */
function rssMb(pid: number): { peak: number; now: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => round(Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? Number.NaN) / 1024, 0);
  return { peak: mb('VmHWM'), now: mb('VmRSS') };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGINT');
  await Promise.race([done, new Promise((r) => setTimeout(r, 10_000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

/** Small durable transactions a second on this disk, with the app's SQLite settings (src/db/database.ts). */
function durableCommitRate(dir: string): number {
  const db = new Database(path.join(dir, 'commit-rate.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('create table t (id integer primary key, v text not null)');
  const insert = db.prepare('insert into t (v) values (?)');
  const tx = db.transaction((v: string) => insert.run(v));
  const rates: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const start = performance.now();
    let n = 0;
    while (performance.now() - start < 2000) {
      tx(`row ${n}`);
      n++;
    }
    rates.push(n / ((performance.now() - start) / 1000));
  }
  db.close();
  return round(median(rates), 0);
}

type Api = { base: string; token: string; answers: Record<string, unknown> };

async function call(api: Api, method: string, url: string, body?: unknown, extra: Record<string, string> = {}): Promise<Response> {
  const res = await fetch(`${api.base}${url}`, {
    method,
    headers: { authorization: `Bearer ${api.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status >= 300) throw new Error(`${method} ${url} answered ${res.status}: ${await res.text()}`);
  return res;
}

async function upload(api: Api, id: string, bytes: Buffer): Promise<void> {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/pdf' }), 'ktp.pdf');
  const res = await fetch(`${api.base}/api/v1/applications/${id}/documents/ktp`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${api.token}` },
    body: form,
  });
  if (res.status !== 201) throw new Error(`upload answered ${res.status}: ${await res.text()}`);
}

/** `count` whole applications over HTTP (create, answer, upload, submit), `CONNECTIONS` at a time. */
async function flows(count: number, work: (i: number) => Promise<void>): Promise<WrkRun> {
  const latencies: number[] = [];
  let failures = 0;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(CONNECTIONS, count) }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        try {
          await work(i);
          latencies.push(performance.now() - t);
        } catch (err) {
          failures++;
          if (failures <= 3)
            process.stderr.write(`  failed: ${err instanceof Error ? `${err.message} ${(err as { cause?: Error }).cause?.message ?? ''}` : String(err)}\n`);
        }
      }
    }),
  );
  return {
    rps: latencies.length / ((performance.now() - start) / 1000),
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    non2xx: failures,
    // A failed flow counts against availability as a server error would: the bench cannot tell them apart.
    responses: latencies.length + failures,
    status5xx: failures,
  };
}

/** Services and an in-process app on the server's database, to make accounts and sign them in. */
async function localContext(url: string, dir: string): Promise<TestContext> {
  const config = loadConfig({ DATABASE_URL: url, STORAGE_DIR: path.join(dir, 'files'), LOG_LEVEL: 'silent' });
  const kdb = createDatabase(config.database);
  const services = createServices({ config, db: kdb, clock: systemClock });
  const tenant = await services.tenants.forHost('127.0.0.1');
  if (!tenant) throw new Error('no demo office in the database');
  const app = await createApp(services);
  await app.ready();
  return {
    services,
    app,
    tenant,
    clock: systemClock,
    db: kdb,
    async close() {
      await app.close();
      await kdb.destroy();
    },
  } as unknown as TestContext;
}

/** A new account signed in through the service (from an address of its own: the login limit is per address). */
async function signedIn(ctx: TestContext, role: Role, n: number): Promise<string> {
  const email = `bench.${role}.${n}.${Date.now()}@bench.izol.test`;
  const password = `bench ${role} password ${n} long`;
  const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Bench ${role} ${n}`, email, password });
  const otp = await staffOtp(ctx, userId, role);
  const { token } = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, otp, clientIp: `10.77.0.${n + 1}`, kind: 'bearer' });
  return token;
}

/** A PDF of about 1 MB: the demo PDF followed by a comment (still a PDF to the type check). */
function pdfOfSize(bytes: number): Buffer {
  const pad = Buffer.alloc(bytes - DEMO_PDF.length, 0x20);
  pad[0] = 0x0a;
  pad[1] = 0x25; // "%": a PDF comment
  return Buffer.concat([DEMO_PDF, pad]);
}

async function httpCases(
  dialect: TestDialect,
  bareRps: number,
  dir: string,
): Promise<{ results: Result[]; rss: { peak: number; now: number; afterStart: number } }> {
  const db = await createTestDatabase(dialect);
  const server = startIzol(db.url, db.dir, dialect);
  const base = `http://127.0.0.1:${IZOL_PORT}`;
  const results: Result[] = [];
  const want = (name: string) => !CASES || CASES.some((c) => name.startsWith(c));
  try {
    process.stderr.write(`[${dialect}] starting Izol (migrations, demo data)…\n`);
    await waitFor(`${base}/health`, server, 180_000);
    process.stderr.write(`[${dialect}] waiting for the start-up jobs to finish…\n`);
    process.stderr.write(`[${dialect}] quiet after ${Math.round((await waitQuiet(server.pid!)) / 1000)} s\n`);
    const afterStart = rssMb(server.pid!).now;
    const add = (name: string, target: number | null, r: WrkRun, note?: string) => {
      const ratio = bareRps ? r.rps / bareRps : null;
      results.push({
        name,
        database: dialect,
        rps: round(r.rps, 0),
        p50_ms: round(r.p50, 2),
        p99_ms: round(r.p99, 2),
        ratio: ratio === null ? null : round(ratio, 3),
        ...sloOf(r),
        ...(r.non2xx ? { non2xx: r.non2xx } : {}),
        ...(target !== null ? { target: `≥ ${target * 100}% of bare` } : {}),
        ...(note ? { note } : {}),
      });
      process.stderr.write(
        `[${dialect}] ${name}: ${round(r.rps, 0)}/s p50 ${round(r.p50, 2)} ms p99 ${round(r.p99, 2)} ms${r.non2xx ? ` (${r.non2xx} non-2xx)` : ''}\n`,
      );
    };
    const get = (name: string, target: number | null, url: string, headers: Record<string, string> = BROWSER, note?: string) => {
      if (want(name)) add(name, target, wrkMedian(`${base}${url}`, headers), note);
    };

    // Accounts and tokens, made through the services on the server's own database (the login API allows
    // 10 a minute per address, and an applicant 30 uploads a minute): a head for the dashboard, and
    // one applicant per 25 applications.
    const local = await localContext(db.url, db.dir);
    const headToken = await signedIn(local, 'head', 0);
    const applicantTokens: string[] = [];
    for (let i = 0; i < Math.ceil(FLOWS / 25) + 4; i++) applicantTokens.push(await signedIn(local, 'applicant', i + 1));
    await local.close();
    const { verificationCode, number } = await demoCodes(dialect, db.url);
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(await (await fetch(`${base}/izin`)).text())?.[1] ?? '/assets/app.css';

    get('health', 0.7, '/health', { 'accept-encoding': 'br, gzip' });
    get('static asset (css)', 0.7, css);
    get('permit-type list (API)', 0.5, '/api/v1/permit-types', { 'accept-encoding': 'br, gzip' });
    get('catalogue page /izin', 0.5, '/izin');
    get('guide page /izin/NIB', 0.5, '/izin/NIB');
    const many = 'each request from its own address (X-Forwarded-For): the per-address limit';
    if (want('verification page'))
      add(
        'verification page /v/:code',
        0.5,
        wrkMedian(`${base}/v/${verificationCode}`, BROWSER, manyClients(dir, 'verify')),
        `${many} (60 a minute) does not answer`,
      );
    if (want('registry export'))
      add(
        'registry export (JSON)',
        null,
        wrkMedian(`${base}/api/v1/registry/export.json`, { 'accept-encoding': 'br, gzip' }, manyClients(dir, 'registry')),
        `${many} (10 a minute) does not answer`,
      );
    if (want('public tracking')) {
      const script = postScript(dir, 'track', 'POST', JSON.stringify({ number, trackingCode: 'BUKANKODE' }), { 'content-type': 'application/json' });
      add(
        'public tracking (API)',
        null,
        wrkMedian(`${base}/api/v1/track`, {}, manyClients(dir, 'track', script)),
        `${many} (20 a minute) does not answer; wrong code`,
      );
    }
    if (want('login')) {
      const script = postScript(dir, 'login', 'POST', JSON.stringify({ login: 'pemohon@demo.izol.id', password: 'pemohon-demo-2026' }), {
        'content-type': 'application/json',
      });
      add(
        'login (API)',
        null,
        wrkMedian(`${base}/api/v1/auth/login`, {}, manyClients(dir, 'login', script)),
        `${many} (10 a minute) does not answer; argon2id`,
      );
    }
    get('dashboard (API, head)', null, '/api/v1/dashboard', { authorization: `Bearer ${headToken}`, 'accept-encoding': 'br, gzip' });

    // After wrk the server may close a kept-alive socket as it is reused (ask again on a fresh one), and
    // right after the login case (argon2id) it may still shed load (503 with Retry-After: wait for it).
    const fetchAgain = async (url: string): Promise<Response> => {
      for (let attempt = 0; ; attempt++) {
        const res = await fetch(url).catch(() => fetch(url, { headers: { connection: 'close' } }));
        if (res.status !== 503 || attempt >= 30) return res;
        await new Promise((r) => setTimeout(r, 1000));
      }
    };
    const definitionRes = await fetchAgain(`${base}/api/v1/permit-types/NIB`);
    if (!definitionRes.ok) throw new Error(`the NIB permit type answered ${definitionRes.status}: ${await definitionRes.text()}`);
    const definition = ((await definitionRes.json()) as { definition: unknown }).definition;
    const answers = await validAnswers(
      { services: { catalogue: { getPermitType: () => ({ definition }) } }, tenant: { id: '' } } as unknown as TestContext,
      'NIB',
    );
    const as = (i: number): Api => ({ base, token: applicantTokens[Math.floor(i / 25)]!, answers });
    if (want('submission')) {
      const steps: Record<'create' | 'answer' | 'upload' | 'submit', number[]> = { create: [], answer: [], upload: [], submit: [] };
      const step = async <T>(name: keyof typeof steps, fn: () => Promise<T>): Promise<T> => {
        const t = performance.now();
        const out = await fn();
        steps[name].push(performance.now() - t);
        return out;
      };
      const r = await flows(FLOWS, async (i) => {
        const api = as(i);
        const created = await step(
          'create',
          async () => (await (await call(api, 'POST', '/api/v1/applications', { permitTypeCode: 'NIB' })).json()) as { id: string },
        );
        await step('answer', () => call(api, 'PATCH', `/api/v1/applications/${created.id}`, { answers }));
        await step('upload', () => upload(api, created.id, DEMO_PDF));
        await step('submit', () => call(api, 'POST', `/api/v1/applications/${created.id}/submit`, {}));
      });
      const perStep = Object.entries(steps)
        .map(([k, v]) => `${k} p50 ${round(percentile(v, 50), 0)} / p99 ${round(percentile(v, 99), 0)} ms`)
        .join(', ');
      add('submission over HTTP (create, answer, upload, submit)', null, r, `${FLOWS} applications, ${CONNECTIONS} at a time; per application; ${perStep}`);
      process.stderr.write(`[${dialect}]   ${perStep}\n`);
    }
    if (want('upload')) {
      const big = pdfOfSize(1024 * 1024);
      const uploads = 100;
      const drafts: { api: Api; id: string }[] = [];
      for (let k = 0; k < uploads; k++) {
        const api = as(FLOWS + k);
        drafts.push({ api, id: ((await (await call(api, 'POST', '/api/v1/applications', { permitTypeCode: 'NIB', answers })).json()) as { id: string }).id });
      }
      const r = await flows(uploads, (i) => upload(drafts[i]!.api, drafts[i]!.id, big));
      add('1 MB document upload (API)', null, r, 'one draft each; 1 MB PDF');
    }
    return { results, rss: { ...rssMb(server.pid!), afterStart } };
  } finally {
    await stop(server);
    await db.drop();
  }
}

/** A permit's verification code and an application's number, read from the demo database. */
async function demoCodes(dialect: TestDialect, url: string): Promise<{ verificationCode: string; number: string }> {
  const sqlPermit = "select verification_code from permits where status = 'valid' order by issued_at desc limit 1";
  const sqlApp = 'select number from applications where number is not null limit 1';
  if (dialect === 'sqlite') {
    const db = new Database(url.replace(/^sqlite:/, ''), { readonly: true });
    const p = db.prepare(sqlPermit).get() as { verification_code: string };
    const a = db.prepare(sqlApp).get() as { number: string };
    db.close();
    return { verificationCode: p.verification_code, number: a.number };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const p = (await client.query<{ verification_code: string }>(sqlPermit)).rows[0]!;
  const a = (await client.query<{ number: string }>(sqlApp)).rows[0]!;
  await client.end();
  return { verificationCode: p.verification_code, number: a.number };
}

/** Submissions through the service (as numbering.bench.ts): all at once on one office, then spread over ten. */
async function serviceSubmissions(dialect: TestDialect, offices: number): Promise<Result> {
  const ctx = await createTestContext(dialect);
  try {
    const drafts = await prepareSubmissionDrafts(ctx, offices, SUBMISSIONS);
    process.stderr.write(`[${dialect}] ${SUBMISSIONS} submissions at once over ${offices} office(s)…\n`);
    const latencies: number[] = [];
    const start = performance.now();
    await Promise.all(
      drafts.map(async (d) => {
        const t = performance.now();
        await ctx.services.applications.performAction({ actor: d.actor, applicationId: d.id, action: 'submit' });
        latencies.push(performance.now() - t);
      }),
    );
    const rps = SUBMISSIONS / ((performance.now() - start) / 1000);
    return {
      name: `submissions in-process, ${SUBMISSIONS} at once, ${offices} office${offices > 1 ? 's' : ''}`,
      database: dialect,
      rps: round(rps, 0),
      p50_ms: round(percentile(latencies, 50), 1),
      p99_ms: round(percentile(latencies, 99), 1),
      ratio: null,
      ...sloOf({ p90: percentile(latencies, 90), p99: percentile(latencies, 99), responses: latencies.length, status5xx: 0 }),
      target: dialect === 'sqlite' ? '≥ 20% of durable commits/s' : offices > 1 ? '≥ 1000/s' : '≥ 300/s',
      note: 'latency from firing all at once: p99 is the time to drain the burst',
    };
  } finally {
    await ctx.close();
  }
}

async function main(): Promise<void> {
  requireWrk();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-bench-'));
  if (PROFILE) fs.mkdirSync(PROFILE, { recursive: true });
  const results: Result[] = [];

  const commitsPerSecond = durableCommitRate(dir);
  process.stderr.write(`SQLite durable commits (WAL, synchronous=FULL): ${commitsPerSecond}/s\n`);

  const bare = startBare();
  let bareRps: number;
  try {
    await waitFor(`http://127.0.0.1:${BARE_PORT}/`, bare, 20_000);
    const r = wrkMedian(`http://127.0.0.1:${BARE_PORT}/`, {});
    bareRps = r.rps;
    results.push({
      name: 'bare Fastify JSON route',
      database: 'any',
      rps: round(r.rps, 0),
      p50_ms: round(r.p50, 2),
      p99_ms: round(r.p99, 2),
      ratio: 1,
      ...sloOf(r),
    });
    process.stderr.write(`bare Fastify: ${round(r.rps, 0)}/s\n`);
  } finally {
    await stop(bare);
  }

  const rss: Record<string, { peak: number; now: number; afterStart: number }> = {};
  for (const dialect of DIALECTS) {
    const out = await httpCases(dialect, bareRps, dir);
    results.push(...out.results);
    rss[dialect] = out.rss;
    if (!CASES || CASES.includes('submissions')) {
      results.push(await serviceSubmissions(dialect, 1));
      results.push(await serviceSubmissions(dialect, 10));
    }
  }

  const rows = results.map((r) => ({
    case: r.name,
    db: r.database,
    'req/s': r.rps,
    'p50 ms': r.p50_ms,
    'p90 ms': r.p90_ms ?? '',
    'p99 ms': r.p99_ms,
    'of bare': r.ratio === null ? '' : `${round(r.ratio * 100, 1)}%`,
    target: r.target ?? '',
    'non-2xx': r.non2xx ?? '',
    '5xx': r.status5xx ?? '',
    'SLO (REL-6)': r.slo === undefined ? '' : r.slo ? 'met' : 'missed',
  }));
  console.table(rows);
  const measured = results.filter((r) => r.slo !== undefined && r.name !== 'bare Fastify JSON route');
  const responses = measured.reduce((n, r) => n + (r.responses ?? 0), 0);
  const failed = measured.reduce((n, r) => n + (r.status5xx ?? 0), 0);
  console.log(
    `REL-6 SLO shape (90% under 400 ms, 99% under 850 ms): ${measured.filter((r) => r.slo).length} of ${measured.length} cases within; ` +
      `availability (non-5xx over all responses): ${responses ? round(((responses - failed) / responses) * 100, 3) : 'n/a'}% of ${responses} responses (${failed} 5xx)`,
  );
  console.log(`SQLite durable commits/s on this disk: ${commitsPerSecond} (20% = ${round(commitsPerSecond * 0.2, 0)}/s)`);
  for (const [d, mb] of Object.entries(rss)) {
    console.log(
      `Izol server on ${d}: peak RSS (VmHWM, start-up and demo seeding included) ${mb.peak} MB; RSS once start-up was done ${mb.afterStart} MB, after the cases ${mb.now} MB (target < 250 MB)`,
    );
  }
  const out = {
    when: new Date().toISOString(),
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version },
    wrk: { connections: CONNECTIONS, duration: DURATION, runs: RUNS },
    server: 'node --import tsx src/server.ts, NODE_ENV and LOG_LEVEL unset (development, info: one log line per request, to a file), demo data',
    sqliteDurableCommitsPerSecond: commitsPerSecond,
    rssMb: rss,
    cases: results,
  };
  fs.writeFileSync(path.join('bench', 'results.json'), JSON.stringify(out, null, 2) + '\n');
  fs.rmSync(dir, { recursive: true, force: true });
}

await main();
