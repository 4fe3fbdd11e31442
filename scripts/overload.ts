/**
 * `npm run overload`: shows what the service does past its peak (issue 15, item 5).
 *
 * Starts the real server (a child process, a fresh SQLite file unless DATABASE_URL is given), finds
 * the peak rate of a heavy page (the permit catalogue /izin, brotli-compressed as a phone asks for
 * it) with a short closed-loop ramp, then sends OVERLOAD_FACTOR (3) times that rate, open loop, over
 * many connections for OVERLOAD_SECONDS, printing a row per second; then stops the load and shows
 * how soon the page answers 200 again. The server's own SHED_* settings are passed through.
 *
 *   npm run overload
 *   SHED_EVENT_LOOP_DELAY_MS=0 npm run overload     # the same without load shedding, to compare
 *
 * Exits 1 when a promise is broken: a shed answer without Retry-After, an error other than 429/503,
 * /health unanswered during the overload, or no 200 within RECOVERY_SECONDS after it.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { runLoadInChild } from '../test/helpers/load-generator.js';
import { startServer, stopServer } from '../test/helpers/server-process.js';

const PAGE = process.env.OVERLOAD_PATH ?? '/izin';
const FACTOR = Number(process.env.OVERLOAD_FACTOR ?? 3);
const SECONDS = Number(process.env.OVERLOAD_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.OVERLOAD_CONNECTIONS ?? 256);
const TIMEOUT_S = Number(process.env.OVERLOAD_TIMEOUT_S ?? 5);
const WRK = process.env.WRK ?? '/usr/bin/wrk';
const RECOVERY_SECONDS = 10;
const HEADERS = { 'accept-encoding': 'br, gzip', accept: 'text/html', 'accept-language': 'id' };

/** Counts answers by kind in each wrk thread and prints one JSON line at the end of the run. */
const WRK_LUA = `
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  pause = tonumber(args[1]) or 0
  ok, shed, bare, other = 0, 0, 0, 0
end
function delay() return pause end
function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status == 429 or status == 503 then
    if headers["retry-after"] or headers["Retry-After"] then shed = shed + 1 else bare = bare + 1 end
  else other = other + 1 end
end
function done(summary, latency, requests)
  local t = { ok = 0, shed = 0, bare = 0, other = 0 }
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + (th:get(k) or 0) end
  end
  local e = summary.errors
  io.write(string.format('WRK {"requests":%d,"ok":%d,"shed":%d,"bare":%d,"other":%d,"timeouts":%d,"errors":%d,"p50":%d,"p99":%d}\\n',
    summary.requests, t.ok, t.shed, t.bare, t.other, e.timeout, e.connect + e.read + e.write, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
`;
type WrkRun = { requests: number; ok: number; shed: number; bare: number; other: number; timeouts: number; errors: number; p50: number; p99: number };

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-overload-'));
const luaFile = path.join(dir, 'count.lua');
fs.writeFileSync(luaFile, WRK_LUA);
const run = promisify(execFile);

/** One wrk run: `connections` connections for `seconds`, each pausing `pauseMs` between requests. */
async function wrk(url: string, connections: number, seconds: number, pauseMs: number): Promise<WrkRun> {
  const headerArgs = Object.entries(HEADERS).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const threads = String(Math.min(2, connections));
  const { stdout } = await run(WRK, [
    '-t',
    threads,
    '-c',
    String(connections),
    '-d',
    `${seconds}s`,
    '--timeout',
    `${TIMEOUT_S}s`,
    ...headerArgs,
    '-s',
    luaFile,
    url,
    '--',
    String(pauseMs),
  ]);
  const line = stdout.split('\n').find((l) => l.startsWith('WRK '));
  if (!line) throw new Error(`wrk printed no result:\n${stdout}`);
  return JSON.parse(line.slice(4)) as WrkRun;
}

const env: Record<string, string> = {
  DATABASE_URL: process.env.DATABASE_URL ?? `sqlite:${path.join(dir, 'izol.db')}`,
  STORAGE_DIR: path.join(dir, 'files'),
  LOG_LEVEL: 'error',
};
for (const key of ['SHED_EVENT_LOOP_DELAY_MS', 'SHED_HEAP_USED_MB', 'SHED_RSS_MB', 'SHED_MAX_IN_FLIGHT', 'SHED_RETRY_AFTER_S', 'DATABASE_POOL_SIZE']) {
  if (process.env[key]) env[key] = process.env[key];
}

const cell = (v: number | string | null, w: number) => String(v ?? '-').padStart(w);
const HEADER = `${'s'.padStart(4)} ${'sent'.padStart(6)} ${'2xx'.padStart(6)} ${'503+R-A'.padStart(8)} ${'other'.padStart(6)} ${'timeouts'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'/health'.padStart(8)} ${'max ms'.padStart(7)}`;

if (!fs.existsSync(WRK)) {
  console.error(`wrk is needed (${WRK}): apt-get install wrk, or set WRK=/path/to/wrk`);
  process.exit(2);
}
console.log(
  `Starting the server (${env.DATABASE_URL!.startsWith('sqlite:') ? 'SQLite' : 'PostgreSQL'}; shedding at an event-loop delay of ${env.SHED_EVENT_LOOP_DELAY_MS ?? '200 (default)'} ms or ${env.SHED_MAX_IN_FLIGHT ?? '64 (default)'} requests in flight) …`,
);
const server = await startServer(env);
let failed: boolean | undefined;
try {
  const url = `${server.base}${PAGE}`;
  console.log(`\nPeak of GET ${PAGE} (brotli), wrk, 2 s per step:`);
  let peak = 0;
  for (let c = 1; c <= 32; c *= 2) {
    const r = await wrk(url, c, 2, 0);
    const perSecond = Math.round(r.ok / 2);
    console.log(
      `  ${String(c).padStart(3)} connections: ${String(perSecond).padStart(5)} 2xx/s, p50 ${r.p50} ms, p99 ${r.p99} ms${r.shed ? `, ${r.shed} shed` : ''}`,
    );
    peak = Math.max(peak, perSecond);
  }
  const rate = Math.max(30, Math.round(peak * FACTOR));
  const pauseMs = Math.max(1, Math.round((CONNECTIONS * 1000) / rate));
  console.log(
    `Peak ≈ ${peak} requests/s. Now ${FACTOR}× that: ${rate} requests/s over ${CONNECTIONS} connections (each waits ${pauseMs} ms between requests), ${SECONDS} s, wrk timeout ${TIMEOUT_S} s; /health every 200 ms on its own connection.\n`,
  );
  console.log(HEADER);
  // /health from its own client for the whole overload, one row per second like the load's.
  const health = runLoadInChild({
    base: server.base,
    path: '/health',
    mode: 'open',
    rate: 0.001,
    connections: 1,
    seconds: SECONDS,
    timeoutMs: TIMEOUT_S * 1000,
    healthPath: '/health',
    healthEveryMs: 200,
  });
  const rows: WrkRun[] = [];
  for (let s = 0; s < SECONDS; s++) {
    const r = await wrk(url, CONNECTIONS, 1, pauseMs);
    rows.push(r);
    console.log(
      `${cell(s + 1, 4)} ${cell(r.requests, 6)} ${cell(r.ok, 6)} ${cell(r.shed, 8)} ${cell(r.bare + r.other + r.errors, 6)} ${cell(r.timeouts, 8)} ${cell(r.p50, 7)} ${cell(r.p99, 7)}`,
    );
  }
  const healthRows = (await health).rows;
  const sum = (k: keyof WrkRun) => rows.reduce((a, r) => a + r[k], 0);
  console.log(
    `${cell('all', 4)} ${cell(sum('requests'), 6)} ${cell(sum('ok'), 6)} ${cell(sum('shed'), 8)} ${cell(sum('bare') + sum('other') + sum('errors'), 6)} ${cell(sum('timeouts'), 8)}`,
  );
  console.log(`\n/health during the overload, per second (answered 200 / asked, slowest):`);
  console.log(healthRows.map((h) => `${h.healthOk}/${h.health} ${h.healthMaxMs ?? '-'}ms`).join('  '));

  const shed = await fetch(url, { headers: HEADERS }).then(async (r) => ({ status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.text() }));
  if (shed.status === 503) console.log(`\nA shed answer: 503, Retry-After: ${shed.retryAfter}\n  ${shed.body}`);

  // Recovery: the load has stopped; how soon is the page itself answered again?
  const stopped = performance.now();
  let recoveredMs: number | null = null;
  while (performance.now() - stopped < RECOVERY_SECONDS * 1000) {
    const res = await fetch(url, { headers: HEADERS }).catch(() => null);
    await res?.arrayBuffer();
    if (res?.status === 200) {
      recoveredMs = Math.round(performance.now() - stopped);
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  console.log(
    recoveredMs === null
      ? `\nNo 200 within ${RECOVERY_SECONDS} s of stopping the load.`
      : `\nLoad stopped: GET ${PAGE} answered 200 again after ${recoveredMs} ms.`,
  );
  const after = await wrk(url, 8, 2, 0);
  console.log(`Then 8 connections for 2 s: ${Math.round(after.ok / 2)} 2xx/s, ${after.shed} shed, p50 ${after.p50} ms, p99 ${after.p99} ms.`);

  const checks: [string, boolean][] = [
    ['every 429/503 carried Retry-After', sum('bare') === 0],
    ['no answer other than 2xx, 429 or 503 and no connection error', sum('other') === 0 && sum('errors') === 0],
    ['/health answered 200 in every second of the overload', healthRows.every((h) => h.healthOk > 0 && h.healthOk === h.health)],
    [`the page answered 200 within ${RECOVERY_SECONDS} s of the load stopping`, recoveredMs !== null],
  ];
  console.log('');
  for (const [what, ok] of checks) console.log(`${ok ? 'PASS' : 'FAIL'}  ${what}`);
  console.log(
    `info  ${sum('shed')} of ${sum('requests')} answers were 503 + Retry-After; ${sum('timeouts')} requests timed out (after ${TIMEOUT_S} s)` +
      (sum('shed') === 0 ? ': nothing was shed (SHED_* set to 0, or the load below the limits?)' : ''),
  );
  failed = checks.some(([, ok]) => !ok);
} finally {
  await stopServer(server, 'SIGTERM');
  fs.rmSync(dir, { recursive: true, force: true });
}
process.exit(failed === false ? 0 : 1);
