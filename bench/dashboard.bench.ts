/**
 * The head's dashboard at scale (issue 13, item 5), on SQLite and PostgreSQL (`npm run bench`).
 *
 * Loads BENCH_APPLICATIONS (default 1,000,000) applications with their timelines into a fresh,
 * migrated database of each kind (BENCH_DIALECTS=sqlite|postgres|sqlite,postgres, default both),
 * then times the dashboard (src/dashboard/dashboard.service.ts getDashboard) for the biggest office
 * for this month, the last 90 days and the last 365 days, and each function of
 * src/dashboard/dashboard.repository.ts on its own. Each figure is the median of 3 runs after one
 * warm-up, marked PASS (< 1 s) or OVER. A call whose warm-up takes longer than BENCH_SLOW_MS
 * (default 15 s) is not repeated: its warm-up is the figure (marked "1 run").
 *
 * The data set (see bench/README.md): 8 offices (40 %, 18 %, 12 %, 9 %, 8 %, 6 %, 4 %, 3 % of the
 * files; Asia/Jakarta, Asia/Makassar and Asia/Jayapura), the 16 permit types of seed-data/ with
 * their three workflows, three years of files ending at BENCH_NOW (default 2026-11-27 11:00 WIB),
 * growing by half over the years, four channels whose shares shift (online 25 % → 50 %, walk-in
 * 60 % → 28 %, assisted 5 % → 15 %, courier 10 % → 7 %). About 30 % of online starts are never
 * submitted (drafts with partial answers and some documents; a tenth of them withdrawn). Filed
 * files follow their workflow (returns to the applicant, send-backs, fee and payment, rejections,
 * withdrawals, cancellations); about 1.5 % get stuck in some state and stay open (the backlog and
 * the overdue files); the rest of the open files are the recent ones whose timeline runs past now.
 * Each state's stay is drawn from the permit type's service time, so about four in five files close
 * within it. Every NOT NULL column is filled, the number, submitted_at, decided_at, state_entered_at,
 * revision, sla_due_on and the SLA outcome of migration 0035 (sla_used_working_days, sla_met) follow
 * from the timeline (worked out with a fast equivalent of the SLA clock, checked against sla.ts
 * slaDueOn and computeSla and outcomes.ts slaOutcome on a sample of files: the load fails on any
 * difference). The secondary indexes are dropped for the load and made again from their own
 * definitions after it. BENCH_MIGRATE_TO=<migration> stops the schema at that migration (to compare
 * with a later index migration), BENCH_SERVICE=skip times the repository functions only.
 * bench/README.md has the details.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import SQLite from 'better-sqlite3';
import { CompiledQuery, Kysely, type LogEvent, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Actor } from '../src/access/actor.js';
import { ensureOffice, KOTA_MALANG, type OfficeSeed } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import * as repo from '../src/dashboard/dashboard.repository.js';
import { utcOffsetMinutes } from '../src/dashboard/dashboard.service.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { migrateTo, migrateToLatest } from '../src/db/migrate.js';
import type { Database, Tenant } from '../src/db/schema.js';
import { createServices, type Services } from '../src/services.js';
import { addDays, type Clock, localDate, todayIn } from '../src/shared/time.js';
import { countClosedOutcomes, listFilesMissingOutcome } from '../src/sla/outcomes.repository.js';
import { slaOutcome } from '../src/sla/outcomes.js';
import { computeSla, slaDueOn } from '../src/sla/sla.js';
import { countFiledByMonth, firstFiledAt } from '../src/transparency/transparency.repository.js';
import { createTransparencyService } from '../src/transparency/transparency.service.js';
import type { TestContext } from '../test/helpers/context.js';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDialect } from '../test/helpers/databases.js';
import { validAnswers } from '../test/helpers/journeys.js';

const N = Number(process.env.BENCH_APPLICATIONS ?? 1_000_000);
const NOW = process.env.BENCH_NOW ?? '2026-11-27T04:00:00.000Z';
const SLOW_MS = Number(process.env.BENCH_SLOW_MS ?? 15_000);
const BUDGET_MS = 1000;
/** BENCH_MIGRATE_TO=0035_sla_outcomes: migrate only up to that migration (to compare with a later index migration). */
const MIGRATE_TO = process.env.BENCH_MIGRATE_TO;
/** A statement at least this slow has its plan printed (EXPLAIN QUERY PLAN on SQLite, EXPLAIN ANALYZE on PostgreSQL). */
const EXPLAIN_MS = Number(process.env.BENCH_EXPLAIN_MS ?? BUDGET_MS);
/** BENCH_SERVICE=skip: time the repository functions only (a quick look at the SQL). */
const SERVICE = process.env.BENCH_SERVICE !== 'skip';
/** BENCH_KEEP=1: leave the loaded database in place (its SQLite file / PostgreSQL database name is printed) for BENCH_REUSE. */
const KEEP = process.env.BENCH_KEEP === '1';
/**
 * BENCH_REUSE=<SQLite file or PostgreSQL database name> (one dialect per run): skip the load, run the pending
 * migrations on a database kept by BENCH_KEEP=1, then time. The database is left in place.
 */
const REUSE = process.env.BENCH_REUSE;
const DIALECTS: TestDialect[] = (process.env.BENCH_DIALECTS ?? 'sqlite,postgres').split(',').map((s) => {
  const d = s.trim();
  if (d !== 'sqlite' && d !== 'postgres') throw new Error(`BENCH_DIALECTS=${process.env.BENCH_DIALECTS}: use sqlite, postgres or both`);
  return d;
});
if (!Number.isInteger(N) || N < 1000) throw new Error('BENCH_APPLICATIONS is a whole number of at least 1000');

// ---------------------------------------------------------------------------------------------
// Memory: the rss high-water mark, sampled, and the kernel's maxRSS.
let peakRss = 0;
const sampleRss = () => void (peakRss = Math.max(peakRss, process.memoryUsage().rss));
const sampler = setInterval(sampleRss, 100);
sampler.unref();
const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

// A small deterministic generator (mulberry32): the same data set on every run and database.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let rand = rng(13);
const between = (lo: number, hi: number) => lo + rand() * (hi - lo);
const int = (lo: number, hi: number) => Math.floor(between(lo, hi + 1));
const READABLE = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** A code in the alphabet of src/shared/crypto.ts readableCode, from the seeded generator (crypto's randomInt is slow in bulk). */
function code(length: number): string {
  let out = '';
  for (let k = 0; k < length; k++) out += READABLE[Math.floor(rand() * 32)];
  return out;
}
function pick<T>(items: readonly T[]): T {
  return items[Math.floor(rand() * items.length)]!;
}
function weighted<T>(items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [v, w] of items) if ((r -= w) < 0) return v;
  return items[items.length - 1]![0];
}

// ---------------------------------------------------------------------------------------------
// The data set's shape.
const OFFICES: (OfficeSeed & { weight: number })[] = [
  { ...KOTA_MALANG, weight: 40 },
  {
    code: 'SBY',
    name: 'DPMPTSP Kota Surabaya',
    timeZone: 'Asia/Jakarta',
    hostnames: ['surabaya.izol.bench'],
    branding: { logoText: 'Izol Surabaya' },
    weight: 18,
  },
  {
    code: 'DPS',
    name: 'DPMPTSP Kota Denpasar',
    timeZone: 'Asia/Makassar',
    hostnames: ['denpasar.izol.bench'],
    branding: { logoText: 'Izol Denpasar' },
    weight: 12,
  },
  { code: 'BTU', name: 'DPMPTSP Kota Batu', timeZone: 'Asia/Jakarta', hostnames: ['batu.izol.bench'], branding: { logoText: 'Izol Batu' }, weight: 9 },
  {
    code: 'MKS',
    name: 'DPMPTSP Kota Makassar',
    timeZone: 'Asia/Makassar',
    hostnames: ['makassar.izol.bench'],
    branding: { logoText: 'Izol Makassar' },
    weight: 8,
  },
  { code: 'KDR', name: 'DPMPTSP Kota Kediri', timeZone: 'Asia/Jakarta', hostnames: ['kediri.izol.bench'], branding: { logoText: 'Izol Kediri' }, weight: 6 },
  {
    code: 'JPR',
    name: 'DPMPTSP Kota Jayapura',
    timeZone: 'Asia/Jayapura',
    hostnames: ['jayapura.izol.bench'],
    branding: { logoText: 'Izol Jayapura' },
    weight: 4,
  },
  {
    code: 'PSR',
    name: 'DPMPTSP Kota Pasuruan',
    timeZone: 'Asia/Jakarta',
    hostnames: ['pasuruan.izol.bench'],
    branding: { logoText: 'Izol Pasuruan' },
    weight: 3,
  },
];
const PERMIT_WEIGHTS: Record<string, number> = {
  NIB: 25,
  AK1: 15,
  PBG: 8,
  REKLAME: 8,
  SIPDOK: 5,
  SIPDRG: 3,
  SIPPRW: 6,
  SIPBDN: 3,
  SIPA: 3,
  SIPFT: 2,
  APOTEK: 3,
  TRAYEK: 4,
  LPK: 2,
  PENELITIAN: 5,
  KERAMAIAN: 5,
  KLINIK: 3,
};
type Channel = 'online' | 'assisted' | 'walk_in' | 'courier';
/** Channel shares at t ∈ [0, 1] (the start and the end of the three years). */
function channelAt(t: number): Channel {
  return weighted<Channel>([
    ['online', 0.25 + 0.25 * t],
    ['assisted', 0.05 + 0.1 * t],
    ['walk_in', 0.6 - 0.32 * t],
    ['courier', 0.1 - 0.03 * t],
  ]);
}
const ASSISTED_DETAIL = ['whatsapp', 'instagram', 'facebook', 'phone'];
const NAMES = [
  'Siti Rahayu',
  'Budi Santoso',
  'Dewi Lestari',
  'Agus Wijaya',
  'Rina Kartika',
  'Hendra Gunawan',
  'Sri Wahyuni',
  'Eko Prasetyo',
  'Nur Aini',
  'Yusuf Hidayat',
];
const END_MS = Date.parse(NOW);
const SPAN_MS = 3 * 365 * 86_400_000;
const START_MS = END_MS - SPAN_MS;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------------------------
// An office's working-day calendar with its fixed UTC offset (Indonesia keeps one all year): the
// same rule as sla.ts (Monday to Friday, not a holiday, on the office-local date), in arrays.
type Calendar = { offsetMs: number; day0: number; cum: Int32Array; working: number[] };
function calendarOf(offsetMinutes: number, holidays: ReadonlySet<string>): Calendar {
  const day0 = Math.floor(Date.parse('2023-01-01T00:00:00Z') / DAY_MS);
  const days = Math.floor(Date.parse('2030-01-01T00:00:00Z') / DAY_MS) - day0;
  const cum = new Int32Array(days);
  const working: number[] = [];
  let n = 0;
  for (let i = 0; i < days; i++) {
    const d = new Date((day0 + i) * DAY_MS);
    const dow = d.getUTCDay();
    if (dow !== 0 && dow !== 6 && !holidays.has(d.toISOString().slice(0, 10))) {
      n++;
      working.push(day0 + i);
    }
    cum[i] = n; // working days on or before this date
  }
  return { offsetMs: offsetMinutes * 60_000, day0, cum, working };
}
const localDay = (c: Calendar, ms: number) => Math.floor((ms + c.offsetMs) / DAY_MS);
const cumAt = (c: Calendar, day: number) => c.cum[day - c.day0]!;
const ymd = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const isWorking = (c: Calendar, day: number) => cumAt(c, day) !== cumAt(c, day - 1);
/** A time of office hours (08:00–15:30 local) on the working day `wd` working days after the day of `ms` (0: that day, or the next working day). */
function afterWorkingDays(c: Calendar, ms: number, wd: number): number {
  let day = localDay(c, ms);
  if (wd > 0) day = c.working[cumAt(c, day) + wd - 1]!;
  else while (!isWorking(c, day)) day++;
  const at = day * DAY_MS - c.offsetMs + (8 * 60 + Math.floor(rand() * 450)) * 60_000;
  return at > ms ? at : ms + int(5, 90) * 60_000;
}

// ---------------------------------------------------------------------------------------------
type WorkflowDef = {
  code: string;
  initial: string;
  states: { code: string; kind: 'draft' | 'office' | 'applicant' | 'final'; slaWorkingDays?: number }[];
  actions: { code: string; from: string[]; to: string; roles: string[] }[];
};
type PermitType = {
  code: string;
  typeId: string;
  versionId: string;
  sla: number;
  workflow: WorkflowDef;
  kinds: Map<string, string>;
  fields: { name: string; required: boolean }[];
  requirements: { code: string; required: boolean }[];
  fullAnswers: Record<string, unknown>;
  fullAnswersJson: string;
  fee: boolean;
  /** The sum of the states' own allowances along the main path, to spread the service time over them. */
  pathSla: number;
};
type Office = {
  tenant: Tenant;
  weight: number;
  calendar: Calendar;
  holidays: ReadonlySet<string>;
  types: PermitType[];
  typeWeights: (readonly [PermitType, number])[];
  applicants: string[];
  officers: Record<string, string[]>;
  seq: Map<string, number>;
};
type Ev = { action: string; from: string | null; to: string; at: number; role: string; actor: string; reason: string | null; data: string };

const OFFICER_ROLES = ['front_desk', 'verifier', 'technical', 'treasurer', 'head', 'admin'] as const;

const APP_COLUMNS = [
  'id',
  'tenant_id',
  'permit_type_id',
  'permit_type_version_id',
  'permit_code',
  'number',
  'tracking_code',
  'state',
  'channel',
  'channel_detail',
  'applicant_id',
  'applicant_name',
  'applicant_contact',
  'created_by',
  'intake_officer_id',
  'answers',
  'fee_amount',
  'payment_reference',
  'fee_paid_at',
  'submitted_at',
  'state_entered_at',
  'decided_at',
  'created_at',
  'updated_at',
  'revision',
  'sla_due_on',
  'sla_used_working_days',
  'sla_met',
] as const;
const EVENT_COLUMNS = [
  'id',
  'tenant_id',
  'application_id',
  'position',
  'action',
  'from_state',
  'to_state',
  'actor_id',
  'actor_role',
  'reason',
  'data',
  'created_at',
] as const;
const DOC_COLUMNS = [
  'id',
  'tenant_id',
  'application_id',
  'requirement_code',
  'version',
  'file_name',
  'media_type',
  'size_bytes',
  'sha256',
  'uploaded_by',
  'created_at',
  'review_status',
] as const;
type Row = (string | number | null)[];
type Batch = { apps: Row[]; events: Row[]; docs: Row[] };

const REASONS: Record<string, string> = {
  return_to_applicant: 'Dokumen kurang jelas, mohon unggah ulang.',
  reject: 'Persyaratan tidak terpenuhi.',
  send_back: 'Mohon kaji ulang rekomendasi teknis.',
  cancel: 'Dibatalkan kantor atas permintaan tertulis.',
};

/** One application: its row, its timeline and (a draft's) documents, appended to the batch. */
function generate(o: Office, i: number, batch: Batch, checks: { sample: number; checked: number }): void {
  const c = o.calendar;
  // Creation times: density growing by half over the three years (inverse of its distribution function).
  const u = (i + rand()) / N;
  const t = (-1 + Math.sqrt(1 + 1.25 * u)) / 0.5;
  const channel = channelAt(t);
  const pt = weighted(o.typeWeights);
  let created = START_MS + t * SPAN_MS;
  if (channel !== 'online') created = afterWorkingDays(c, created - DAY_MS, 0); // the counter is open on working days
  const online = channel === 'online';
  const applicant = pick(o.applicants);
  const frontDesk = pick(o.officers.front_desk!);
  const who = (role: string) => (role === 'applicant' ? (online ? applicant : frontDesk) : pick(o.officers[role]!));
  const applicantRole = online ? 'applicant' : 'front_desk';
  const events: Ev[] = [];
  const push = (action: string, from: string | null, to: string, at: number, role: string, data = '{}') =>
    events.push({ action, from, to, at, role, actor: who(role), reason: REASONS[action] ?? null, data });
  push('create', null, pt.workflow.initial, created, applicantRole, JSON.stringify({ channel }));

  const abandoned = online && rand() < 0.3;
  let answers = pt.fullAnswersJson;
  let docs: string[] = [];
  if (abandoned) {
    // Where the applicant stopped: a required field, a required document, or the final check.
    const req = pt.fields.filter((f) => f.required);
    const stop = weighted<'field' | 'document' | 'check'>([
      ['field', 0.5],
      ['document', 0.4],
      ['check', 0.1],
    ]);
    const filled = stop === 'field' ? int(0, req.length - 1) : req.length;
    const partial: Record<string, unknown> = {};
    let r = 0;
    for (const f of pt.fields) {
      if (f.required && r++ >= filled) break;
      partial[f.name] = pt.fullAnswers[f.name];
    }
    answers = JSON.stringify(partial);
    const reqDocs = pt.requirements.filter((x) => x.required).map((x) => x.code);
    docs = stop === 'field' ? reqDocs.slice(0, int(0, 2)) : stop === 'document' ? reqDocs.slice(0, int(0, reqDocs.length - 1)) : reqDocs;
    if (rand() < 0.1) push('withdraw', pt.workflow.initial, 'withdrawn', created + between(1, 30) * DAY_MS, 'applicant');
  } else {
    // Filed: a pace for the whole file (most within the service time, some well over it).
    const pace = weighted<[number, number]>([
      [[0.3, 0.8], 0.7],
      [[0.8, 1.2], 0.22],
      [[1.2, 2.5], 0.08],
    ]);
    const f = between(pace[0], pace[1]);
    const stuckAt = rand() < 0.015 ? int(1, 6) : -1;
    let at = online ? created + between(0.01, 3) * DAY_MS : created + int(5, 40) * 60_000;
    let state = 'submitted';
    push('submit', pt.workflow.initial, state, at, applicantRole);
    const act = (code: string, to: string, role: string, when: number, data = '{}') => {
      push(code, state, to, when, role, data);
      state = to;
      at = when;
    };
    const stay = (s: string) => {
      const own = pt.workflow.states.find((x) => x.code === s)?.slaWorkingDays ?? 1;
      return Math.max(0, Math.round(((pt.sla * own) / pt.pathSla) * f * between(0.5, 1.5)));
    };
    const afterStay = () => afterWorkingDays(c, at, stay(state));
    for (let step = 0; step < 40 && pt.kinds.get(state) !== 'final'; step++) {
      if (step === stuckAt) break;
      const r = rand();
      switch (state) {
        case 'submitted':
        case 'resubmitted':
          if (online && r < 0.01) act('withdraw', 'withdrawn', 'applicant', at + between(0.1, 2) * DAY_MS);
          else act('start_verification', 'verification', 'verifier', afterStay());
          break;
        case 'verification':
          if (r < 0.12) act('return_to_applicant', 'returned_to_applicant', 'verifier', afterStay());
          else if (r < 0.16) act('reject', 'rejected', 'verifier', afterStay());
          else if (r < 0.165) act('cancel', 'cancelled', 'admin', afterStay());
          else act('forward', pt.workflow.code === 'simple' ? 'approval' : 'technical_review', 'verifier', afterStay());
          break;
        case 'returned_to_applicant':
          if (online && r < 0.06) act('withdraw', 'withdrawn', 'applicant', at + between(1, 20) * DAY_MS);
          else act('resubmit', 'resubmitted', applicantRole, at + between(0.2, 12) * DAY_MS);
          break;
        case 'technical_review':
          if (r < 0.05) act('return_to_applicant', 'returned_to_applicant', 'technical', afterStay());
          else if (r < 0.08) act('reject', 'rejected', 'technical', afterStay());
          else act('recommend', pt.fee ? 'fee_assessment' : 'approval', 'technical', afterStay());
          break;
        case 'fee_assessment': {
          const fee = int(10, 500) * 10_000;
          act('assess_fee', 'awaiting_payment', 'treasurer', afterStay(), JSON.stringify({ feeAmount: fee }));
          break;
        }
        case 'awaiting_payment':
          act('record_payment', 'approval', 'treasurer', at + between(0.1, 8) * DAY_MS, JSON.stringify({ paymentReference: `VA${code(10)}` }));
          break;
        case 'approval':
          if (r < 0.03) act('send_back', pt.workflow.code === 'simple' ? 'verification' : 'technical_review', 'head', afterStay());
          else if (r < 0.05) act('reject', 'rejected', 'head', afterStay());
          else act('approve', 'signing', 'head', afterStay());
          break;
        case 'signing':
          act('sign', 'issued', 'head', afterStay());
          break;
        default:
          throw new Error(`no path from ${state}`);
      }
    }
  }

  // Now: what has not happened yet is cut off (the recent files are open, or not filed yet).
  let kept = events.length;
  while (kept > 1 && events[kept - 1]!.at > END_MS) kept--;
  if (events[0]!.at > END_MS) events[0]!.at = END_MS - int(1, 600) * 60_000;
  events.length = kept;
  const iso = events.map((e) => new Date(e.at).toISOString());
  const last = events[kept - 1]!;
  const kindOf = (s: string) => pt.kinds.get(s)!;
  const submitIdx = events.findIndex((e) => e.action === 'submit');
  const submittedAt = submitIdx >= 0 ? iso[submitIdx]! : null;
  let number: string | null = null;
  if (submittedAt) {
    const year = new Date(events[submitIdx]!.at + c.offsetMs).getUTCFullYear();
    const scope = `${pt.code}-${year}`;
    const seq = (o.seq.get(scope) ?? 0) + 1;
    o.seq.set(scope, seq);
    number = `${o.tenant.code}-${pt.code}-${year}-${String(seq).padStart(6, '0')}`;
    events[submitIdx]!.data = JSON.stringify({ number });
  }
  const final = kindOf(last.to) === 'final';
  // The SLA clock (sla.ts): the office states' stretches, each (date entered, date left].
  let used = 0;
  for (let k = 0; k + 1 < kept; k++)
    if (kindOf(events[k]!.to) === 'office') used += cumAt(c, localDay(c, events[k + 1]!.at)) - cumAt(c, localDay(c, events[k]!.at));
  let dueOn: string | null = null;
  if (submittedAt && kindOf(last.to) === 'office') {
    const left = pt.sla - used;
    const entered = cumAt(c, localDay(c, last.at));
    dueOn = ymd(left > 0 ? c.working[entered + left - 1]! : c.working[entered - (left === 0 ? 1 : 2)]!);
  }
  // The SLA outcome kept on a file filed and closed (migration 0035, src/sla/outcomes.ts slaOutcome).
  const outcome = submittedAt && final ? { usedWorkingDays: used, met: used > pt.sla ? 0 : 1 } : null;
  if (i % checks.sample === 0) {
    // Check the fast clock against the app's own on a sample (it reads the same rows).
    const timeline = events.map((e, k) => ({ from_state: e.from, to_state: e.to, created_at: iso[k]! }));
    const ref = { events: timeline, workflow: pt.workflow, slaWorkingDays: pt.sla, timeZone: o.tenant.time_zone, holidays: o.holidays };
    const real = slaDueOn(ref);
    const sla = computeSla({ ...ref, now: iso[kept - 1]! });
    if (real !== dueOn || sla.usedWorkingDays !== used)
      throw new Error(`bench SLA clock differs from sla.ts on file ${i}: ${dueOn}/${used} vs ${real}/${sla.usedWorkingDays}`);
    if (submittedAt && localDate(submittedAt, o.tenant.time_zone).slice(0, 4) !== number!.split('-')[2]) throw new Error('number year');
    if (outcome) {
      const kept = slaOutcome(ref);
      if (kept.usedWorkingDays !== outcome.usedWorkingDays || kept.met !== outcome.met)
        throw new Error(`bench SLA outcome differs from outcomes.ts on file ${i}`);
    }
    checks.checked++;
  }

  const id = randomUUID();
  const assess = events.find((e) => e.action === 'assess_fee');
  const paid = events.findIndex((e) => e.action === 'record_payment');
  batch.apps.push([
    id,
    o.tenant.id,
    pt.typeId,
    pt.versionId,
    pt.code,
    number,
    submittedAt ? code(8) : null,
    last.to,
    channel,
    channel === 'assisted' ? pick(ASSISTED_DETAIL) : channel === 'courier' ? 'pos' : null,
    online ? applicant : null,
    pick(NAMES),
    online ? null : `08${String(1_000_000_000 + i).slice(-10)}`,
    online ? applicant : frontDesk,
    online ? null : frontDesk,
    answers,
    assess ? (JSON.parse(assess.data) as { feeAmount: number }).feeAmount : null,
    paid >= 0 ? (JSON.parse(events[paid]!.data) as { paymentReference: string }).paymentReference : null,
    paid >= 0 ? iso[paid]! : null,
    submittedAt,
    iso[kept - 1]!,
    final ? iso[kept - 1]! : null,
    iso[0]!,
    iso[kept - 1]!,
    kept - 1,
    dueOn,
    outcome?.usedWorkingDays ?? null,
    outcome?.met ?? null,
  ]);
  for (const [k, e] of events.entries())
    batch.events.push([randomUUID(), o.tenant.id, id, k, e.action, e.from, e.to, e.actor, e.role, e.reason, e.data, iso[k]!]);
  for (const [k, code] of docs.entries()) {
    const at = new Date(Math.min(events[0]!.at + (k + 1) * 120_000, END_MS)).toISOString();
    batch.docs.push([randomUUID(), o.tenant.id, id, code, 1, `${code}.pdf`, 'application/pdf', 120_000 + k, 'ab'.repeat(32), applicant, at, 'pending']);
  }
}

// ---------------------------------------------------------------------------------------------
// Writers: prepared statements in transactions (SQLite), multi-row INSERTs of ~1000 rows (PostgreSQL).
type Writer = { write(b: Batch): Promise<void>; close(): Promise<void> };

function sqliteWriter(raw: SQLite.Database): Writer {
  raw.pragma('synchronous = OFF');
  const cache = raw.pragma('cache_size', { simple: true }) as number;
  raw.pragma('cache_size = -1000000'); // 1 GB while loading; the app's default again for the timings
  const stmt = (table: string, cols: readonly string[]) => raw.prepare(`insert into ${table} (${cols.join(',')}) values (${cols.map(() => '?').join(',')})`);
  const app = stmt('applications', APP_COLUMNS);
  const ev = stmt('application_events', EVENT_COLUMNS);
  const doc = stmt('documents', DOC_COLUMNS);
  const tx = raw.transaction((b: Batch) => {
    for (const r of b.apps) app.run(r);
    for (const r of b.events) ev.run(r);
    for (const r of b.docs) doc.run(r);
  });
  return {
    write: (b) => Promise.resolve(tx(b)),
    close: () => Promise.resolve(void (raw.pragma('synchronous = FULL'), raw.pragma(`cache_size = ${cache}`))),
  };
}

async function postgresWriter(url: string): Promise<Writer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('set synchronous_commit = off');
  // One statement per table and batch: each column as one array parameter, rows rebuilt by unnest.
  const insert = async (table: string, cols: readonly string[], types: readonly string[], rows: Row[], per: number) => {
    const text = `insert into ${table} (${cols.join(',')}) select * from unnest(${types.map((t, k) => `$${k + 1}::${t}[]`).join(',')})`;
    for (let s = 0; s < rows.length; s += per) {
      const part = rows.slice(s, s + per);
      await client.query(
        text,
        cols.map((_, k) => part.map((r) => r[k])),
      );
    }
  };
  const appTypes = APP_COLUMNS.map((c) =>
    c === 'fee_amount' ? 'bigint' : c === 'revision' || (c.startsWith('sla_') && c !== 'sla_due_on') ? 'integer' : 'text',
  );
  const eventTypes = EVENT_COLUMNS.map((c) => (c === 'position' ? 'integer' : 'text'));
  const docTypes = DOC_COLUMNS.map((c) => (c === 'version' || c === 'size_bytes' ? 'integer' : 'text'));
  return {
    async write(b) {
      await client.query('begin');
      await insert('applications', APP_COLUMNS, appTypes, b.apps, 1000);
      await insert('application_events', EVENT_COLUMNS, eventTypes, b.events, 5000);
      await insert('documents', DOC_COLUMNS, docTypes, b.docs, 5000);
      await client.query('commit');
    },
    close: () => client.end(),
  };
}

// ---------------------------------------------------------------------------------------------
async function prepareOffices(services: Services, db: Db): Promise<Office[]> {
  const offices: Office[] = [];
  const now = new Date(START_MS - 30 * DAY_MS).toISOString();
  for (const seed of OFFICES) {
    const { weight, ...office } = seed;
    const tenant = await ensureOffice(services, office);
    const holidays = await services.holidays.forTenant(tenant.id);
    const calendar = calendarOf(utcOffsetMinutes(tenant.time_zone, new Date(END_MS)), holidays);
    const rows = await db
      .selectFrom('permit_types as t')
      .innerJoin('permit_type_versions as v', (j) => j.onRef('v.permit_type_id', '=', 't.id').onRef('v.version', '=', 't.current_version'))
      .select(['t.id as typeId', 't.code', 'v.id as versionId', 'v.definition', 'v.workflow'])
      .where('t.tenant_id', '=', tenant.id)
      .orderBy('t.code')
      .execute();
    const ctx = { services, tenant } as unknown as TestContext;
    const types: PermitType[] = [];
    for (const r of rows) {
      const def = JSON.parse(r.definition) as {
        slaWorkingDays: number;
        fields: { name: string; required: boolean }[];
        requirements: { code: string; required: boolean }[];
      };
      const workflow = JSON.parse(r.workflow) as WorkflowDef;
      const fullAnswers = await validAnswers(ctx, r.code);
      const fee = workflow.states.some((s) => s.code === 'fee_assessment');
      const main = ['submitted', 'verification', 'technical_review', 'fee_assessment', 'approval', 'signing'];
      const pathSla = workflow.states.filter((s) => main.includes(s.code)).reduce((s, x) => s + (x.slaWorkingDays ?? 1), 0);
      types.push({
        code: r.code,
        typeId: r.typeId,
        versionId: r.versionId,
        sla: def.slaWorkingDays,
        workflow,
        kinds: new Map(workflow.states.map((s) => [s.code, s.kind])),
        fields: def.fields,
        requirements: def.requirements,
        fullAnswers,
        fullAnswersJson: JSON.stringify(fullAnswers),
        fee,
        pathSla,
      });
    }
    const users: { id: string; tenant_id: string; role: string; name: string; password_hash: string; created_at: string; updated_at: string }[] = [];
    const officers: Record<string, string[]> = {};
    for (const role of OFFICER_ROLES) {
      const ids: string[] = (officers[role] = []);
      for (let k = 0; k < (role === 'head' || role === 'admin' ? 1 : 3); k++) {
        const id = randomUUID();
        ids.push(id);
        users.push({ id, tenant_id: tenant.id, role, name: `Petugas ${role} ${k + 1}`, password_hash: 'x', created_at: now, updated_at: now });
      }
    }
    const applicants: string[] = [];
    for (let k = 0; k < 500; k++) {
      const id = randomUUID();
      applicants.push(id);
      users.push({ id, tenant_id: tenant.id, role: 'applicant', name: `${pick(NAMES)} ${k}`, password_hash: 'x', created_at: now, updated_at: now });
    }
    for (let s = 0; s < users.length; s += 100)
      await db
        .insertInto('users')
        .values(users.slice(s, s + 100))
        .execute();
    const typeWeights = types.map((p) => [p, PERMIT_WEIGHTS[p.code] ?? 1] as const);
    offices.push({ tenant, weight, calendar, holidays, types, typeWeights, applicants, officers, seq: new Map() });
  }
  return offices;
}

async function load(offices: Office[], writer: Writer, db: Db): Promise<{ ms: number; checked: number }> {
  rand = rng(13);
  const t0 = performance.now();
  const checks = { sample: Math.max(1, Math.floor(N / 1000)), checked: 0 };
  const byWeight = offices.map((o) => [o, o.weight] as const);
  const CHUNK = 5000;
  for (let s = 0; s < N; s += CHUNK) {
    const batch: Batch = { apps: [], events: [], docs: [] };
    for (let i = s; i < Math.min(N, s + CHUNK); i++) generate(weighted(byWeight), i, batch, checks);
    sampleRss();
    await writer.write(batch);
    if ((s / CHUNK) % 20 === 19) process.stdout.write(`  … ${s + CHUNK} applications, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  await writer.close();
  // The numbers' counters, as the filing effect leaves them.
  for (const o of offices) {
    for (const [scope, last] of o.seq) await db.insertInto('number_sequences').values({ tenant_id: o.tenant.id, scope, last_value: last }).execute();
  }
  return { ms: performance.now() - t0, checked: checks.checked };
}

// ---------------------------------------------------------------------------------------------
type Timing = { what: string; period: string; ms: number; rows: number; runs: number; fn: () => Promise<unknown> };

/** The statements Kysely ran while `captured` is set (Kysely's log hook): to split a service call's time and explain a slow one. */
let captured: { sql: string; parameters: readonly unknown[]; ms: number }[] | null = null;
const log = (e: LogEvent) => {
  if (captured && e.level === 'query') captured.push({ sql: e.query.sql, parameters: e.query.parameters, ms: e.queryDurationMillis });
};

async function time(what: string, period: string, fn: () => Promise<unknown>): Promise<Timing> {
  const size = (r: unknown) => (Array.isArray(r) ? r.length : 1);
  let t0 = performance.now();
  const first = await fn();
  const warm = performance.now() - t0;
  if (warm > SLOW_MS) return { what, period, ms: warm, rows: size(first), runs: 1, fn };
  const samples: number[] = [];
  let rows = 0;
  for (let k = 0; k < 3; k++) {
    t0 = performance.now();
    rows = size(await fn());
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { what, period, ms: samples[1]!, rows, runs: 3, fn };
}

/** The indexes of applications, application_events and documents that back no constraint, with their DDL. */
async function secondaryIndexes(db: Db, dialect: TestDialect): Promise<{ name: string; definition: string }[]> {
  if (dialect === 'sqlite') {
    const rows = await sql<{ name: string; sql: string | null }>`select name, sql from sqlite_master
      where type = 'index' and tbl_name in ('applications', 'application_events', 'documents') and sql is not null order by name`.execute(db);
    return rows.rows.map((r) => ({ name: r.name, definition: r.sql! }));
  }
  const rows = await sql<{ name: string; definition: string }>`select indexname as name, indexdef as definition from pg_indexes
    where schemaname = current_schema() and tablename in ('applications', 'application_events', 'documents')
    and indexname not in (select conname from pg_constraint) order by indexname`.execute(db);
  return rows.rows;
}

/** The period's UTC bounds as the service sets them (dashboard.service.ts scopeOf). */
function scopeOf(tenantId: string, from: string, to: string, offset: number): repo.DashboardScope {
  const midnight = (d: string) => new Date(Date.parse(`${d}T00:00:00.000Z`) - offset * 60_000).toISOString();
  return { tenantId, fromIso: midnight(from), toIso: midnight(addDays(to, 1)), offsetMinutes: offset };
}

/**
 * The public transparency page (src/transparency/, issue 13 item 3) for the biggest office: its report
 * for the last 12 months and for the previous calendar year, cold (a new service each run: its figures'
 * cache is per service) and as a second visitor sees it (the app's service, cache warm), and its
 * repository's filed-per-month count. The data set has no SKM survey answers.
 */
async function timeTransparency(db: Db, services: Services, office: Pick<Office, 'tenant'>, clock: Clock): Promise<Timing[]> {
  const tenantId = office.tenant.id;
  const fresh = () => createTransparencyService({ db, clock, catalogue: services.catalogue });
  const lastYear = Number(todayIn(clock, office.tenant.time_zone).slice(0, 4)) - 1;
  const offset = utcOffsetMinutes(office.tenant.time_zone, clock.now());
  const today = todayIn(clock, office.tenant.time_zone);
  const from = `${addDays(`${today.slice(0, 7)}-01`, -335).slice(0, 7)}-01`;
  const midnight = (d: string) => new Date(Date.parse(`${d}T00:00:00.000Z`) - offset * 60_000).toISOString();
  const scope = { tenantId, fromIso: midnight(from), toIso: midnight(addDays(today, 1)), offsetMinutes: offset };
  return [
    await time('transparency getReport (cold)', 'last 12 months', () => fresh().getReport({ tenantId })),
    await time('transparency getReport (cold)', `year ${lastYear}`, () => fresh().getReport({ tenantId, year: lastYear })),
    await time('transparency getReport (cached)', 'last 12 months', () => services.transparency.getReport({ tenantId })),
    await time('countFiledByMonth', 'last 12 months', () => countFiledByMonth(db, scope)),
    await time('firstFiledAt', 'all', () => firstFiledAt(db, tenantId)),
  ];
}

async function bench(dialect: TestDialect): Promise<void> {
  const t0 = performance.now();
  const database = REUSE ? reusedDatabase(dialect, REUSE) : await createTestDatabase(dialect);
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, STORAGE_DIR: `${database.dir}/files`, LOG_LEVEL: 'silent' });
  let raw: SQLite.Database | null = null;
  let db: Db;
  if (dialect === 'sqlite') {
    // The app's own connection settings (createDatabase), with the handle kept for the bulk load.
    if (config.database.kind !== 'sqlite') throw new Error('expected SQLite');
    raw = new SQLite(config.database.file);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = FULL');
    raw.pragma('foreign_keys = ON');
    raw.pragma('busy_timeout = 5000');
    db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }), log });
  } else {
    db = createDatabase(config.database, { log });
  }
  try {
    if (MIGRATE_TO) await migrateTo(db, MIGRATE_TO);
    else await migrateToLatest(db);
    const clock: Clock = { now: () => new Date(END_MS) };
    const services = createServices({ config, db, clock });
    if (!REUSE) await loadAll(dialect, db, services, raw, database.url, t0);
    else {
      // The new migrations' indexes get their statistics, as the load's own ANALYZE gives every index.
      const t1 = performance.now();
      if (dialect === 'postgres') await sql`analyze applications`.execute(db);
      else await sql`analyze`.execute(db);
      console.log(
        `${dialect}: reusing ${REUSE}, migrated and analyzed in ${((performance.now() - t0) / 1000).toFixed(1)} s (analyze ${((performance.now() - t1) / 1000).toFixed(1)} s)`,
      );
    }
    const bigTenant = await db.selectFrom('tenants').selectAll().where('code', '=', OFFICES[0]!.code).executeTakeFirstOrThrow();
    const headUser = await db
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', bigTenant.id)
      .where('role', '=', 'head')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const big = { tenant: bigTenant, officers: { head: [headUser.id] } };
    const count = async (table: 'applications' | 'application_events' | 'documents' | 'users', tenantId?: string) => {
      let q = db.selectFrom(table).select(sql<number>`count(*)`.as('n'));
      if (tenantId) q = q.where('tenant_id', '=', tenantId);
      return Number((await q.executeTakeFirstOrThrow()).n);
    };
    const tenantId = big.tenant.id;
    const bigApps = await count('applications', tenantId);
    const open = await db
      .selectFrom('applications')
      .select([sql<number>`count(*)`.as('n'), sql<number>`count(submitted_at)`.as('filed'), sql<number>`count(decided_at)`.as('closed')])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    console.log(
      `biggest office ${big.tenant.code}: ${bigApps.toLocaleString('en')} applications (${Number(open.filed).toLocaleString('en')} filed, ${Number(open.closed).toLocaleString('en')} closed), ` +
        `${(await count('application_events', tenantId)).toLocaleString('en')} events`,
    );

    const head: Actor = { userId: big.officers.head[0]!, tenantId, role: 'head', name: 'Kepala' };
    const today = todayIn(clock, big.tenant.time_zone);
    const offset = utcOffsetMinutes(big.tenant.time_zone, clock.now());
    const periods = [
      { label: 'this month', from: `${today.slice(0, 7)}-01` },
      { label: 'last 90 days', from: addDays(today, -89) },
      { label: 'last 365 days', from: addDays(today, -364) },
    ];
    const timings: Timing[] = [];
    for (const p of SERVICE ? periods : []) {
      timings.push(await time('getDashboard (service)', p.label, () => services.dashboard.getDashboard({ actor: head, from: p.from, to: today })));
    }
    for (const p of periods) {
      const s = scopeOf(tenantId, p.from, today, offset);
      timings.push(await time('countFiled', p.label, () => repo.countFiled(db, s)));
      timings.push(await time('countClosed', p.label, () => repo.countClosed(db, s)));
      timings.push(await time('countStartedOnline', p.label, () => repo.countStartedOnline(db, s)));
      timings.push(await time('listUnsubmittedOnlineDrafts', p.label, () => repo.listUnsubmittedOnlineDrafts(db, s)));
      timings.push(await time('listUnsubmittedDraftDocuments', p.label, () => repo.listUnsubmittedDraftDocuments(db, s)));
      timings.push(await time('countClosedOutcomes (permit)', p.label, () => countClosedOutcomes(db, s, 'permit')));
      timings.push(await time('countClosedOutcomes (month)', p.label, () => countClosedOutcomes(db, s, 'month')));
    }
    timings.push(await time('countOpenByState', 'now', () => repo.countOpenByState(db, { tenantId })));
    timings.push(await time('countOverdue', 'now', () => repo.countOverdue(db, { tenantId, today })));
    timings.push(await time('getDeploymentTakeUp (service)', 'this month', () => services.dashboard.getDeploymentTakeUp({ month: today.slice(0, 7) })));
    timings.push(...(await timeTransparency(db, services, big, clock)));

    console.log(`\n${dialect}, office ${big.tenant.code}, today ${today} (median of 3 after a warm-up; budget ${BUDGET_MS} ms)`);
    console.log(`${'query'.padEnd(32)} ${'period'.padEnd(14)} ${'ms'.padStart(10)} ${'rows'.padStart(9)}  mark`);
    for (const r of timings) {
      console.log(
        `${r.what.padEnd(32)} ${r.period.padEnd(14)} ${r.ms.toFixed(1).padStart(10)} ${String(r.rows).padStart(9)}  ${r.ms < BUDGET_MS ? 'PASS' : 'OVER'}${r.runs === 1 ? ' (1 run)' : ''}`,
      );
    }
    // Where a service call's time goes (its statements' time against the whole), and the plan of any statement over budget.
    for (const r of timings) {
      if (!r.what.includes('(service)') && !r.what.includes('getReport') && r.ms < EXPLAIN_MS) continue;
      captured = [];
      const t2 = performance.now();
      await r.fn();
      const whole = performance.now() - t2;
      const runs = captured;
      captured = null;
      const sqlMs = runs.reduce((s, q) => s + q.ms, 0);
      const slowest = [...runs].sort((a, b) => b.ms - a.ms)[0];
      console.log(
        `${r.what} ${r.period}: ${whole.toFixed(0)} ms, of which ${runs.length} statements ${sqlMs.toFixed(0)} ms (slowest ${slowest?.ms.toFixed(0) ?? '-'} ms)`,
      );
      if (slowest && slowest.ms >= EXPLAIN_MS) {
        const explain = dialect === 'postgres' ? 'explain (analyze, buffers)' : 'explain query plan';
        const plan = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(`${explain} ${slowest.sql}`, [...slowest.parameters]));
        console.log(`  ${slowest.sql}\n  ${JSON.stringify(slowest.parameters)}`);
        for (const row of plan.rows) {
          const line = row['QUERY PLAN'] ?? row.detail;
          console.log(`    ${typeof line === 'string' ? line : JSON.stringify(row)}`);
        }
      }
    }
    // What the head sees for the year (a sanity check of the data set's shape).
    const year = await services.dashboard.getDashboard({ actor: head, from: periods[2]!.from, to: today });
    const pct = (r: { numerator: number; denominator: number }) => (r.denominator ? `${((100 * r.numerator) / r.denominator).toFixed(1)} %` : '-');
    console.log(
      `${big.tenant.code} last 365 days: filed ${year.takeUp.total.filed}, digital ${pct(year.takeUp.total.digital)} (previous year ${pct(year.takeUp.previous.digital)}), ` +
        `online drafts submitted ${pct(year.completion.total)}, closed ${year.flow.out}, within SLA ${pct(year.sla.total.compliance)}, ` +
        `median ${year.sla.total.medianWorkingDays} working days, open ${year.backlog.total}, overdue ${year.overdue.total}`,
    );
    const usage = process.resourceUsage();
    console.log(
      `${dialect}: total ${((performance.now() - t0) / 1000).toFixed(0)} s; peak rss sampled ${mb(peakRss)}, maxRSS ${mb(usage.maxRSS * 1024)} (process so far)`,
    );
  } finally {
    await db.destroy();
    if (KEEP || REUSE)
      console.log(
        `${dialect}: database kept: BENCH_REUSE=${dialect === 'sqlite' ? database.url.slice('sqlite:'.length) : new URL(database.url).pathname.slice(1)}`,
      );
    else await database.drop();
  }
}

/** Makes the offices and loads the data set into a freshly migrated database (skipped with BENCH_REUSE). */
async function loadAll(dialect: TestDialect, db: Db, services: Services, raw: SQLite.Database | null, url: string, t0: number): Promise<void> {
  const offices = await prepareOffices(services, db);
  const setupMs = performance.now() - t0;
  console.log(`  setup done: rss ${mb(process.memoryUsage().rss)}, maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
  const writer = dialect === 'sqlite' ? sqliteWriter(raw!) : await postgresWriter(url);
  // The secondary indexes of the loaded tables are dropped for the load and made again after it (the
  // usual bulk-load practice: a sort per index instead of 7 million random B-tree inserts); the
  // primary keys and unique constraints stay. The definitions are the migrations' own, read back.
  const indexes = await secondaryIndexes(db, dialect);
  for (const ix of indexes) await sql`drop index ${sql.id(ix.name)}`.execute(db);
  const loaded = await load(offices, writer, db);
  const tIndex = performance.now();
  for (const ix of indexes) await sql.raw(ix.definition).execute(db);
  const indexMs = performance.now() - tIndex;
  const t1 = performance.now();
  if (dialect === 'postgres') await sql`vacuum analyze`.execute(db);
  else await sql`analyze`.execute(db);
  const analyzeMs = performance.now() - t1;
  console.log(`  load done: rss ${mb(process.memoryUsage().rss)}, maxRSS ${mb(process.resourceUsage().maxRSS * 1024)}`);

  const count = async (table: 'applications' | 'application_events' | 'documents' | 'users', tenantId?: string) => {
    let q = db.selectFrom(table).select(sql<number>`count(*)`.as('n'));
    if (tenantId) q = q.where('tenant_id', '=', tenantId);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  console.log(
    `\n${dialect}: loaded ${(await count('applications')).toLocaleString('en')} applications, ${(await count('application_events')).toLocaleString('en')} events, ` +
      `${(await count('documents')).toLocaleString('en')} documents, ${(await count('users')).toLocaleString('en')} users in ${(loaded.ms / 1000).toFixed(1)} s ` +
      `(offices, catalogue and users ${(setupMs / 1000).toFixed(1)} s; ${indexes.length} secondary indexes made again after the load ${(indexMs / 1000).toFixed(1)} s; ${dialect === 'postgres' ? 'vacuum analyze' : 'analyze'} ${(analyzeMs / 1000).toFixed(1)} s; ` +
      `SLA clock checked against sla.ts on ${loaded.checked} files)`,
  );
  // Every closed file has its outcome: a start's fillMissingSlaOutcomes would find nothing to recount.
  if ((await listFilesMissingOutcome(db, 1)).length) throw new Error('a filed and closed file without its SLA outcome');
}

/** A database kept by BENCH_KEEP=1: its SQLite file or PostgreSQL database name. */
function reusedDatabase(dialect: TestDialect, name: string): { url: string; dir: string; drop(): Promise<void> } {
  if (dialect === 'sqlite') return { url: `sqlite:${name}`, dir: path.dirname(name), drop: () => Promise.resolve() };
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), dir: fs.mkdtempSync(path.join(os.tmpdir(), 'izol-bench-')), drop: () => Promise.resolve() };
}

const started = performance.now();
for (const dialect of DIALECTS) await bench(dialect);
console.log(
  `\ndashboard bench: ${N.toLocaleString('en')} applications, ${DIALECTS.join(' and ')}, ${((performance.now() - started) / 1000 / 60).toFixed(1)} min`,
);
clearInterval(sampler);
