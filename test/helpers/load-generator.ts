import { spawn } from 'node:child_process';
import http from 'node:http';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * An HTTP load generator for the overload script and test (scripts/overload.ts,
 * test/integration/overload.test.ts), plain node:http with keep-alive agents.
 *
 * - `closed`: `connections` clients, each sending its next request when the last one is answered
 *   (what wrk does): the highest rate the server sustains, its peak.
 * - `open`: `rate` requests a second whatever the answers (an arrival rate, as real citizens are),
 *   at most `connections` at a time; a request waiting for a connection counts from when it was due,
 *   so a backlog shows as latency and then as timeouts (no coordinated omission).
 *
 * Meanwhile /health is asked every `healthEveryMs` on a connection of its own. One row per second:
 * answers counted in the second they arrived. Run in a child process (runLoadInChild) so the
 * generator's own work does not sit in the measuring process's event loop.
 */
export type LoadPlan = {
  base: string;
  path: string;
  headers?: Record<string, string>;
  mode: 'open' | 'closed';
  /** open: requests per second. */
  rate?: number;
  connections: number;
  seconds: number;
  timeoutMs: number;
  healthPath?: string;
  healthEveryMs?: number;
};

export type SecondRow = {
  second: number;
  sent: number;
  ok: number;
  /** 429 or 503 with a Retry-After header: load shed as promised. */
  shed: number;
  /** 429 or 503 without Retry-After (should never happen). */
  shedBare: number;
  other: number;
  timeouts: number;
  errors: number;
  p50: number | null;
  p99: number | null;
  shedP50: number | null;
  okP50: number | null;
  health: number;
  healthOk: number;
  healthMaxMs: number | null;
};

export type ShedSample = { status: number; retryAfter: string | undefined; contentType: string | undefined; body: string };

export type LoadResult = {
  rows: SecondRow[];
  totals: Omit<SecondRow, 'second' | 'p50' | 'p99' | 'shedP50' | 'okP50' | 'healthMaxMs'> & {
    p50: number | null;
    p99: number | null;
    shedP50: number | null;
    shedP99: number | null;
    okP50: number | null;
    healthMaxMs: number | null;
  };
  /** Statuses outside 2xx, 429 and 503, with their counts. */
  otherStatuses: Record<string, number>;
  shedSample: ShedSample | null;
};

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
}

type Bucket = {
  sent: number;
  ok: number;
  shed: number;
  shedBare: number;
  other: number;
  timeouts: number;
  errors: number;
  all: number[];
  okMs: number[];
  shedMs: number[];
  health: number[];
  healthOk: number;
};
const emptyBucket = (): Bucket => ({
  sent: 0,
  ok: 0,
  shed: 0,
  shedBare: 0,
  other: 0,
  timeouts: 0,
  errors: 0,
  all: [],
  okMs: [],
  shedMs: [],
  health: [],
  healthOk: 0,
});

function rowOf(second: number, b: Bucket): SecondRow {
  const all = [...b.all].sort((x, y) => x - y);
  return {
    second,
    sent: b.sent,
    ok: b.ok,
    shed: b.shed,
    shedBare: b.shedBare,
    other: b.other,
    timeouts: b.timeouts,
    errors: b.errors,
    p50: percentile(all, 50),
    p99: percentile(all, 99),
    shedP50: percentile(
      [...b.shedMs].sort((x, y) => x - y),
      50,
    ),
    okP50: percentile(
      [...b.okMs].sort((x, y) => x - y),
      50,
    ),
    health: b.health.length,
    healthOk: b.healthOk,
    healthMaxMs: b.health.length ? Math.round(Math.max(...b.health)) : null,
  };
}

type Outcome = { kind: 'ok' | 'shed' | 'shedBare' | 'other' | 'timeout' | 'error'; ms: number; status?: number; sample?: ShedSample };

/** Timeouts are swept by one interval, not a timer per request: the generator must stay cheap next to the server. */
const pending = new Set<{ deadline: number; expire: () => void }>();
setInterval(() => {
  const now = performance.now();
  for (const p of pending) if (p.deadline <= now) p.expire();
}, 20).unref();

function request(
  agent: http.Agent,
  target: { hostname: string; port: number; headers: Record<string, string>; timeoutMs: number },
  path: string,
  dueAt: number,
  keepBody: boolean,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const entry = {
      deadline: dueAt + target.timeoutMs,
      expire: () => {
        done({ kind: 'timeout', ms: target.timeoutMs });
        req.destroy();
      },
    };
    let settled = false;
    const done = (o: Outcome) => {
      if (settled) return;
      settled = true;
      pending.delete(entry);
      resolve(o);
    };
    pending.add(entry);
    const req = http.request({ agent, hostname: target.hostname, port: target.port, path, headers: target.headers }, (res) => {
      const chunks: Buffer[] = [];
      if (keepBody) res.on('data', (c: Buffer) => chunks.push(c));
      else res.resume();
      res.on('error', () => done({ kind: 'error', ms: performance.now() - dueAt }));
      res.on('end', () => {
        const ms = performance.now() - dueAt;
        const status = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        if (status >= 200 && status < 300) return done({ kind: 'ok', ms, status });
        if (status === 429 || status === 503) {
          const sample = keepBody
            ? {
                status,
                retryAfter: typeof retryAfter === 'string' ? retryAfter : undefined,
                contentType: res.headers['content-type'],
                body: Buffer.concat(chunks).toString(),
              }
            : undefined;
          return done({ kind: retryAfter ? 'shed' : 'shedBare', ms, status, ...(sample ? { sample } : {}) });
        }
        return done({ kind: 'other', ms, status });
      });
    });
    req.on('error', () => done({ kind: 'error', ms: performance.now() - dueAt }));
    req.end();
  });
}

/** Runs the plan in this process; `onRow` hears each second as it ends. */
export async function runLoad(plan: LoadPlan, onRow?: (row: SecondRow) => void): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
  const healthAgent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const start = performance.now();
  const end = start + plan.seconds * 1000;
  const buckets = new Map<number, Bucket>();
  const bucket = (at: number) => {
    const s = Math.floor((at - start) / 1000);
    let b = buckets.get(s);
    if (!b) buckets.set(s, (b = emptyBucket()));
    return b;
  };
  const url = new URL(plan.base);
  const target = { hostname: url.hostname, port: Number(url.port), headers: plan.headers ?? {}, timeoutMs: plan.timeoutMs };
  const otherStatuses: Record<string, number> = {};
  let shedSample: ShedSample | null = null;
  const totals = emptyBucket();
  const inFlight = new Set<Promise<void>>();

  const fire = (dueAt: number): Promise<void> => {
    bucket(dueAt).sent++;
    totals.sent++;
    const p = request(agent, target, plan.path, dueAt, shedSample === null).then((o) => {
      const b = bucket(performance.now());
      for (const t of [b, totals]) {
        if (o.kind === 'timeout') t.timeouts++;
        else if (o.kind === 'error') t.errors++;
        else {
          t[o.kind]++;
          t.all.push(o.ms);
          if (o.kind === 'ok') t.okMs.push(o.ms);
          if (o.kind === 'shed') t.shedMs.push(o.ms);
        }
      }
      if (o.kind === 'other') otherStatuses[String(o.status)] = (otherStatuses[String(o.status)] ?? 0) + 1;
      if (o.sample && !shedSample) shedSample = o.sample;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
    return p;
  };

  // The health prober: one request at a time, every healthEveryMs.
  const health = (async () => {
    if (!plan.healthPath) return;
    while (performance.now() < end) {
      const at = performance.now();
      const o = await request(healthAgent, { ...target, headers: {} }, plan.healthPath, at, false);
      for (const t of [bucket(performance.now()), totals]) {
        t.health.push(o.ms);
        if (o.kind === 'ok') t.healthOk++;
      }
      await new Promise((r) => setTimeout(r, plan.healthEveryMs ?? 200));
    }
  })();

  // Rows go out as their second ends.
  let reported = 0;
  const reporter = setInterval(() => {
    const now = Math.floor((performance.now() - start) / 1000);
    for (; reported < now && reported < Math.ceil(plan.seconds); reported++) onRow?.(rowOf(reported, buckets.get(reported) ?? emptyBucket()));
  }, 100);

  if (plan.mode === 'open') {
    const rate = plan.rate ?? 100;
    let sent = 0;
    await new Promise<void>((resolve) => {
      const tick = setInterval(() => {
        const now = performance.now();
        if (now >= end) {
          clearInterval(tick);
          return resolve();
        }
        const due = Math.floor(((now - start) / 1000) * rate);
        for (; sent < due; sent++) void fire(start + (sent / rate) * 1000);
      }, 5);
    });
  } else {
    await Promise.all(
      Array.from({ length: plan.connections }, async () => {
        while (performance.now() < end) await fire(performance.now());
      }),
    );
  }
  await Promise.all([...inFlight, health]);
  clearInterval(reporter);
  for (; reported < Math.ceil(plan.seconds); reported++) onRow?.(rowOf(reported, buckets.get(reported) ?? emptyBucket()));
  agent.destroy();
  healthAgent.destroy();
  const t = rowOf(-1, totals);
  return {
    rows: [...Array(Math.ceil(plan.seconds)).keys()].map((s) => rowOf(s, buckets.get(s) ?? emptyBucket())),
    totals: {
      ...t,
      shedP99: percentile(
        [...totals.shedMs].sort((x, y) => x - y),
        99,
      ),
    },
    otherStatuses,
    shedSample,
  };
}

/** Runs the plan in a child process of its own (this file as a script), hearing each second's row. */
export function runLoadInChild(plan: LoadPlan, onRow?: (row: SecondRow) => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), JSON.stringify(plan)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    let result: LoadResult | null = null;
    child.stdout.on('data', (d: Buffer) => {
      buffered += d.toString();
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('row ')) onRow?.(JSON.parse(line.slice(4)) as SecondRow);
        else if (line.startsWith('result ')) result = JSON.parse(line.slice(7)) as LoadResult;
      }
    });
    child.on('error', reject);
    child.on('close', (code) => (result ? resolve(result) : reject(new Error(`load generator exited with ${code} and no result`))));
  });
}

/** The closed-loop ramp: 1, 2, 4 … `maxConnections` clients for `stepSeconds` each; the best 2xx rate is the peak. */
export async function findPeak(
  plan: Omit<LoadPlan, 'mode' | 'connections' | 'seconds' | 'rate'>,
  options: { maxConnections: number; stepSeconds: number; onStep?: (connections: number, okPerSecond: number, p50: number | null) => void },
): Promise<number> {
  let peak = 0;
  for (let c = 1; c <= options.maxConnections; c *= 2) {
    const r = await runLoadInChild({ ...plan, mode: 'closed', connections: c, seconds: options.stepSeconds });
    const okPerSecond = Math.round(r.totals.ok / options.stepSeconds);
    options.onStep?.(c, okPerSecond, r.totals.okP50);
    peak = Math.max(peak, okPerSecond);
  }
  return peak;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const plan = JSON.parse(process.argv[2] ?? '{}') as LoadPlan;
  const result = await runLoad(plan, (row) => process.stdout.write(`row ${JSON.stringify(row)}\n`));
  process.stdout.write(`result ${JSON.stringify(result)}\n`);
}
