import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { Db } from '../db/database.js';
import { decryptField } from '../shared/crypto.js';
import { maskNik, normalisePhone } from '../shared/identifiers.js';
import { findTenantByCode } from '../tenants/tenants.repository.js';
import {
  appendAudit,
  applicantsOf,
  documentAccessEvents,
  documentsByIds,
  parcelsByIds,
  permitsByIds,
  SUBJECT_TABLES,
  type SubjectRow,
  type SubjectTable,
  usersByIds,
} from './breach.repository.js';
import { renderAuthorityNotice, renderSubjectNotices, subjectsCsv } from './breach-notice.js';
import { categoriesOfRequirement, categoriesOfTable, orderByRecord } from './processing-record.js';
import type { ProcessingRecord } from './processing-record.schema.js';

/**
 * The part of a personal-data breach response software can do (docs/breach.md; UU PDP art. 46, LAW-6):
 * from the database and the audit log, who had personal data in scope, which kinds, how many people per
 * kind, and the notification deadline (detection + 3 × 24 hours), with draft notices to the people and to
 * the authority. Scope is either the documents officers opened in the window (the audit log's
 * document.viewed, permit.pdf_opened, parcel.photo_opened: a stolen officer account, a leaked download)
 * or everyone in named tables (a leaked table or backup). The NIK only ever appears masked.
 */

/** 3 × 24 hours (UU PDP art. 46(1)). */
export const NOTIFICATION_HOURS = 72;

export const BREACH_USAGE =
  'npm run breach:report -- --office CODE --from ISO --to ISO (--documents | --tables t1,t2) [--detected ISO] [--out DIR]\n' +
  `  --documents      the people whose documents officers opened between --from and --to (the audit log)\n` +
  `  --tables         everyone in these tables by --to: ${Object.keys(SUBJECT_TABLES).join(', ')}\n` +
  `  --detected       when the breach was detected (default now): the deadline is ${NOTIFICATION_HOURS} hours after it\n` +
  '  --out            the folder for the report and the draft notices (default ./breach-CODE-<detected>)';

/** A bad argument: the script prints the message and the usage and exits 2. */
export class BreachUsageError extends Error {
  override name = 'BreachUsageError';
}
/** A request that cannot be answered (unknown office, a folder that is not empty): exit 1. */
export class BreachRefusedError extends Error {
  override name = 'BreachRefusedError';
}

const instant = (what: string) =>
  z
    .string({ error: `--${what} is required` })
    .refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), {
      message: `--${what} must be an ISO 8601 date and time with its zone, e.g. 2026-11-20T08:00:00+07:00 or 2026-11-20T01:00:00Z`,
    })
    .transform((v) => new Date(v).toISOString());

const tableList = z
  .string()
  .transform((v) => v.split(',').map((s) => s.trim()))
  .pipe(
    z
      .array(
        z.enum(Object.keys(SUBJECT_TABLES) as [SubjectTable, ...SubjectTable[]], {
          error: (i) => `--tables: no table ${String(i.input)} to report on (use ${Object.keys(SUBJECT_TABLES).join(', ')})`,
        }),
      )
      .min(1),
  );

export const breachRequestSchema = z
  .object({
    office: z.string({ error: '--office is required' }).regex(/^[A-Z]{2,8}$/, '--office is the office code, 2 to 8 capital letters (npm run office:list)'),
    from: instant('from'),
    to: instant('to'),
    detected: instant('detected'),
    documents: z.boolean(),
    tables: tableList.optional(),
    out: z.string().min(1).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.from >= r.to) ctx.addIssue({ code: 'custom', message: '--from must be before --to' });
    if (r.documents === Boolean(r.tables)) ctx.addIssue({ code: 'custom', message: 'give exactly one of --documents and --tables' });
  })
  .transform(({ documents, tables, ...r }) => ({ ...r, scope: documents ? ({ kind: 'documents' } as const) : ({ kind: 'tables', tables: tables! } as const) }));

export type BreachRequest = z.output<typeof breachRequestSchema>;

/** The command line as a request; throws BreachUsageError naming every mistake. */
export function parseBreachArgs(argv: string[], now: Date): BreachRequest {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        office: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        detected: { type: 'string' },
        documents: { type: 'boolean' },
        tables: { type: 'string' },
        out: { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    throw new BreachUsageError((err as Error).message);
  }
  const parsed = breachRequestSchema.safeParse({ ...values, documents: values.documents === true, detected: values.detected ?? now.toISOString() });
  if (!parsed.success) throw new BreachUsageError(parsed.error.issues.map((i) => i.message).join('\n'));
  return parsed.data;
}

export type BreachSubject = {
  name: string | null;
  /** 3573••••••••••02, or null when the records hold no NIK for the person. */
  nikMasked: string | null;
  email: string | null;
  phone: string | null;
  contact: string | null;
  categories: string[];
  /** Where the person was found: the audit events or the tables. */
  sources: string[];
};

export type BreachReport = {
  office: { code: string; name: string; timeZone: string };
  window: { from: string; to: string };
  detectedAt: string;
  /** detectedAt + 72 hours: the latest moment the people and the authority must have been told. */
  notifyBy: string;
  scope: BreachRequest['scope'];
  /** The audit events that put people in scope (documents), with their action. */
  accessEvents: { action: string; count: number }[];
  subjects: BreachSubject[];
  /** Per category of personal data (the record's ids, in its order): how many of the people. */
  countsByCategory: { category: string; specific: boolean; people: number }[];
};

type Found = { row: SubjectRow; categories: string[]; source: string };

function nikOf(dataKey: Buffer, row: SubjectRow): string | null {
  if (row.nikEncrypted) {
    try {
      return maskNik(decryptField(dataKey, row.nikEncrypted));
    } catch {
      return null;
    }
  }
  // A file without an account (front desk, courier): a NIK typed into the form is kept sealed with its masked form.
  if (row.answers) {
    const answers = JSON.parse(row.answers) as Record<string, unknown>;
    for (const v of Object.values(answers)) {
      const masked = (v as { nik?: { masked?: unknown } } | null)?.nik?.masked;
      if (typeof masked === 'string') return masked;
    }
  }
  return null;
}

/** One person per account, else per contact (phone normalised, email lower-cased), else per name. */
function keyOf(row: SubjectRow): string {
  if (row.userId) return `user:${row.userId}`;
  const phone = row.phone ?? (row.contact && !row.contact.includes('@') ? row.contact : null);
  if (phone) return `phone:${normalisePhone(phone) ?? phone}`;
  const email = row.email ?? (row.contact?.includes('@') ? row.contact : null);
  if (email) return `email:${email.toLowerCase()}`;
  return `name:${(row.name ?? '').trim().toLowerCase()}`;
}

async function documentScope(db: Db, record: ProcessingRecord, tenantId: string, from: string, to: string) {
  const events = await documentAccessEvents(db, tenantId, from, to);
  const ids = (action: string) => [...new Set(events.filter((e) => e.action === action && e.subject_id).map((e) => e.subject_id!))];
  const [docs, permits, parcels] = await Promise.all([
    documentsByIds(db, tenantId, ids('document.viewed')),
    permitsByIds(db, tenantId, ids('permit.pdf_opened')),
    parcelsByIds(db, tenantId, ids('parcel.photo_opened')),
  ]);
  const applicants = new Map(
    (await applicantsOf(db, tenantId, [...new Set([...docs, ...permits, ...parcels].flatMap((r) => (r.application_id ? [r.application_id] : [])))])).map(
      (a) => [a.applicationId, a],
    ),
  );
  const found: Found[] = [];
  for (const d of docs) {
    const row = applicants.get(d.application_id);
    if (row) found.push({ row, categories: categoriesOfRequirement(record, d.requirement_code), source: `document.viewed (${d.requirement_code})` });
  }
  for (const p of permits) {
    const row = applicants.get(p.application_id);
    if (row) found.push({ row, categories: categoriesOfTable(record, 'permits'), source: 'permit.pdf_opened' });
  }
  for (const p of parcels) {
    // A parcel's photos show the sender's papers; its file's applicant too, once linked.
    const row: SubjectRow = (p.application_id && applicants.get(p.application_id)) || {
      userId: null,
      name: p.sender_name,
      email: null,
      phone: null,
      contact: p.sender_contact,
      nikEncrypted: null,
      answers: null,
    };
    found.push({ row, categories: categoriesOfTable(record, 'parcel_photos'), source: 'parcel.photo_opened' });
  }
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
  return { found, accessEvents: [...counts].map(([action, count]) => ({ action, count })) };
}

async function tableScope(db: Db, record: ProcessingRecord, tenantId: string, to: string, tables: readonly SubjectTable[]) {
  const found: Found[] = [];
  for (const table of tables) {
    const categories = categoriesOfTable(record, table);
    // A document row holds what its requirement holds (a family card: children's data), not every kind the table may hold.
    for (const row of await SUBJECT_TABLES[table](db, tenantId, to))
      found.push({ row, categories: row.requirementCode ? categoriesOfRequirement(record, row.requirementCode) : categories, source: table });
  }
  return { found, accessEvents: [] };
}

/** Builds the report from the database; records in the office's audit chain that it was made. */
export async function buildBreachReport(input: { db: Db; dataKey: Buffer; record: ProcessingRecord; request: BreachRequest }): Promise<BreachReport> {
  const { db, record, request } = input;
  const tenant = await findTenantByCode(db, request.office);
  if (!tenant) throw new BreachRefusedError(`no office with code ${request.office} (npm run office:list)`);
  const { found, accessEvents } =
    request.scope.kind === 'documents'
      ? await documentScope(db, record, tenant.id, request.from, request.to)
      : await tableScope(db, record, tenant.id, request.to, request.scope.tables);

  // Rows that know a person only by account id get the account's name and contacts.
  const bare = [...new Set(found.filter((f) => f.row.userId && !f.row.name).map((f) => f.row.userId!))];
  const accounts = new Map((await usersByIds(db, tenant.id, bare)).map((u) => [u.id, u]));
  const people = new Map<string, { row: SubjectRow; categories: Set<string>; sources: Set<string> }>();
  for (const f of found) {
    const account = f.row.userId ? accounts.get(f.row.userId) : undefined;
    const row = account ? { ...f.row, name: account.name, email: account.email, phone: account.phone, nikEncrypted: account.nik_encrypted } : f.row;
    const key = keyOf(row);
    const person = people.get(key) ?? { row, categories: new Set<string>(), sources: new Set<string>() };
    if (!person.row.nikEncrypted && row.nikEncrypted) person.row = { ...person.row, nikEncrypted: row.nikEncrypted };
    if (!person.row.answers && row.answers) person.row = { ...person.row, answers: row.answers };
    for (const c of f.categories) person.categories.add(c);
    person.sources.add(f.source);
    people.set(key, person);
  }
  const subjects: BreachSubject[] = [...people.values()]
    .map((p) => ({
      name: p.row.name,
      nikMasked: nikOf(input.dataKey, p.row),
      email: p.row.email,
      phone: p.row.phone,
      contact: p.row.contact,
      categories: orderByRecord(record, p.categories),
      sources: [...p.sources].sort(),
    }))
    .sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '') || (a.contact ?? '').localeCompare(b.contact ?? ''));
  const countsByCategory = record.categories
    .map((c) => ({ category: c.id, specific: c.specific, people: subjects.filter((s) => s.categories.includes(c.id)).length }))
    .filter((c) => c.people > 0);
  const notifyBy = new Date(Date.parse(request.detected) + NOTIFICATION_HOURS * 3_600_000).toISOString();
  const report: BreachReport = {
    office: { code: tenant.code, name: tenant.name, timeZone: tenant.time_zone },
    window: { from: request.from, to: request.to },
    detectedAt: request.detected,
    notifyBy,
    scope: request.scope,
    accessEvents,
    subjects,
    countsByCategory,
  };
  await db.transaction().execute((trx) =>
    appendAudit(trx, {
      tenantId: tenant.id,
      actorId: null,
      action: 'privacy.breach_report',
      subjectType: 'office',
      subjectId: tenant.id,
      data: { window: report.window, detectedAt: report.detectedAt, notifyBy, scope: report.scope, people: subjects.length, countsByCategory },
      occurredAt: new Date().toISOString(),
    }),
  );
  return report;
}

/** The files the report writes, by name. */
export const BREACH_FILES = [
  'report.json',
  'subjects.csv',
  'notice-subjects.id.md',
  'notice-subjects.en.md',
  'notice-authority.id.md',
  'notice-authority.en.md',
] as const;

/** Writes the report and the drafts into `dir` (made, readable by its owner only); refuses a folder that is not empty. */
export function writeBreachDrafts(report: BreachReport, record: ProcessingRecord, dir: string): string[] {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length) throw new BreachRefusedError(`${dir} is not empty: choose another --out`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files: Record<(typeof BREACH_FILES)[number], string> = {
    'report.json': `${JSON.stringify(report, null, 2)}\n`,
    'subjects.csv': subjectsCsv(report),
    'notice-subjects.id.md': renderSubjectNotices(report, record, 'id'),
    'notice-subjects.en.md': renderSubjectNotices(report, record, 'en'),
    'notice-authority.id.md': renderAuthorityNotice(report, record, 'id'),
    'notice-authority.en.md': renderAuthorityNotice(report, record, 'en'),
  };
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  });
}
