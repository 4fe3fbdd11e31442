import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BreachUsageError, parseBreachArgs, type BreachReport } from '../../src/privacy/breach-report.js';
import { maskNik } from '../../src/shared/identifiers.js';
import { auth, createTestContext, json, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { readyDraft, validAnswers } from '../helpers/journeys.js';
import { runScript } from '../helpers/scripts.js';

const SCRIPT = 'scripts/breach-report.ts';
type AppView = { requirements: { code: string; document: { id: string } | null }[] };

describe('breach report arguments (LAW-6)', () => {
  const now = new Date('2026-11-21T02:00:00.000Z');
  const ok = ['--office', 'MLG', '--from', '2026-11-20T00:00:00+07:00', '--to', '2026-11-21T00:00:00+07:00'];
  const problem = (argv: string[]) => {
    try {
      parseBreachArgs(argv, now);
    } catch (err) {
      expect(err).toBeInstanceOf(BreachUsageError);
      return (err as Error).message;
    }
    throw new Error(`accepted: ${argv.join(' ')}`);
  };

  it('reads the window in UTC, the detection time defaulting to now, and one scope (LAW-6)', () => {
    expect(parseBreachArgs([...ok, '--documents'], now)).toEqual({
      office: 'MLG',
      from: '2026-11-19T17:00:00.000Z',
      to: '2026-11-20T17:00:00.000Z',
      detected: '2026-11-21T02:00:00.000Z',
      scope: { kind: 'documents' },
    });
    expect(parseBreachArgs([...ok, '--tables', 'users, applications', '--detected', '2026-11-21T10:00:00+07:00'], now).scope).toEqual({
      kind: 'tables',
      tables: ['users', 'applications'],
    });
  });

  it('names each bad argument (LAW-6)', () => {
    expect(problem(['--from', ok[3]!, '--to', ok[5]!, '--documents'])).toContain('--office is required');
    expect(problem(['--office', 'mlg', '--from', ok[3]!, '--to', ok[5]!, '--documents'])).toContain('--office is the office code');
    expect(problem([...ok.slice(0, 2), '--from', '20-11-2026', '--to', ok[5]!, '--documents'])).toContain(
      '--from must be an ISO 8601 date and time with its zone',
    );
    expect(problem([...ok.slice(0, 2), '--from', ok[5]!, '--to', ok[3]!, '--documents'])).toContain('--from must be before --to');
    expect(problem(ok)).toContain('give exactly one of --documents and --tables');
    expect(problem([...ok, '--documents', '--tables', 'users'])).toContain('give exactly one of --documents and --tables');
    expect(problem([...ok, '--tables', 'users,audit_events'])).toContain('--tables: no table audit_events to report on');
    expect(problem([...ok, '--documents', '--everything'])).toContain("Unknown option '--everything'");
  });
});

describe.each(DIALECTS)('npm run breach:report (%s)', (dialect) => {
  let ctx: TestContext;
  let out: string;
  const people: Record<'ani' | 'budi' | 'citra', { name: string; nik: string; email: string; token: string; applicationId: string }> = {} as never;

  async function applicant(name: string, code: string) {
    const nik = uniqueNik();
    const email = `${name.toLowerCase().replace(/\s+/g, '.')}@contoh.id`;
    const password = 'rujak cingur enak sekali';
    await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'applicant', name, email, nik, password });
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password } });
    const token = json<{ token: string }>(login).token;
    const applicationId = await readyDraft(ctx, token, code);
    return { name, nik, email, token, applicationId };
  }

  const documentIds = new Map<string, string>();
  async function rememberDocuments(who: keyof typeof people): Promise<void> {
    const view = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${people[who].applicationId}`, headers: auth(people[who].token) }));
    for (const r of view.requirements) if (r.document) documentIds.set(`${who}/${r.code}`, r.document.id);
  }

  /** A verifier signs in at the test clock's time (sessions expire as it moves) and downloads one document. */
  async function officerOpens(who: keyof typeof people, requirement: string): Promise<void> {
    const { token } = await userWithToken(ctx, 'verifier');
    const res = await ctx.app.inject({
      url: `/api/v1/applications/${people[who].applicationId}/documents/${documentIds.get(`${who}/${requirement}`)!}`,
      headers: auth(token),
    });
    expect(res.statusCode).toBe(200);
  }

  const readOut = (dir: string) => Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-breach-'));
    ctx.clock.set('2026-11-19T01:00:00.000Z');
    // Ani applies for a job-seeker card (her family card lists her children), Budi for a billboard, Citra for a doctor's practice.
    people.ani = await applicant('Ani Wulandari', 'AK1');
    people.budi = await applicant('Budi Santoso', 'REKLAME');
    people.citra = await applicant('Citra Dewi', 'SIPDOK');
    for (const who of ['ani', 'budi', 'citra'] as const) await rememberDocuments(who);
    // Before the window: the verifier opens Citra's health certificate.
    ctx.clock.set('2026-11-19T15:00:00.000Z');
    await officerOpens('citra', 'health_certificate');
    // In the window (20 Nov, office time): Ani's family card and KTP; nobody opens Budi's papers.
    ctx.clock.set('2026-11-20T03:00:00.000Z');
    await officerOpens('ani', 'kk');
    await officerOpens('ani', 'ktp');
    // After the window: Citra's KTP.
    ctx.clock.set('2026-11-21T01:00:00.000Z');
    await officerOpens('citra', 'ktp');
  });
  afterAll(async () => {
    await ctx?.close();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('lists exactly the people whose documents officers opened in the window, with the kinds of data and the 72-hour deadline (LAW-6)', async () => {
    const dir = path.join(out, 'documents');
    const run = await runScript(SCRIPT, ctx.databaseUrl, [
      '--office',
      'MLG',
      '--from',
      '2026-11-20T00:00:00+07:00',
      '--to',
      '2026-11-21T00:00:00+07:00',
      '--documents',
      '--detected',
      '2026-11-21T09:30:00+07:00',
      '--out',
      dir,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 data subject(s) in scope; notify them and the authority by 2026-11-24T02:30:00.000Z');
    const files = readOut(dir);
    expect(Object.keys(files).sort()).toEqual([
      'notice-authority.en.md',
      'notice-authority.id.md',
      'notice-subjects.en.md',
      'notice-subjects.id.md',
      'report.json',
      'subjects.csv',
    ]);
    const report = JSON.parse(files['report.json']!) as BreachReport;
    expect(report.detectedAt).toBe('2026-11-21T02:30:00.000Z');
    expect(Date.parse(report.notifyBy) - Date.parse(report.detectedAt)).toBe(72 * 3_600_000);
    expect(report.accessEvents).toEqual([{ action: 'document.viewed', count: 2 }]);
    expect(report.subjects.map((s) => s.name)).toEqual(['Ani Wulandari']);
    expect(report.subjects[0]).toMatchObject({
      nikMasked: maskNik(people.ani.nik),
      email: people.ani.email,
      sources: ['document.viewed (kk)', 'document.viewed (ktp)'],
    });
    expect(report.subjects[0]!.categories).toEqual(['identity_documents', 'children']);
    expect(report.countsByCategory).toEqual([
      { category: 'identity_documents', specific: false, people: 1 },
      { category: 'children', specific: true, people: 1 },
    ]);
    // The drafts name the kinds of data, the specific ones as such, in both languages, and the deadline.
    expect(files['notice-subjects.id.md']).toContain('Kepada: Ani Wulandari (ani.wulandari@contoh.id)');
    expect(files['notice-subjects.id.md']).toContain(`NIK: ${maskNik(people.ani.nik)}`);
    expect(files['notice-subjects.id.md']).toContain(
      '- Data anak: Kartu Keluarga memuat nama, NIK dan tanggal lahir anak (data spesifik: UU PDP Pasal 4 ayat (2) huruf e)',
    );
    expect(files['notice-subjects.id.md']).toContain('Dokumen identitas dan persyaratan');
    expect(files['notice-subjects.en.md']).toContain("- Children's data: the family card (KK) lists children's names, NIKs and birth dates (specific data");
    expect(files['notice-authority.id.md']).toContain('Jumlah subjek data yang terkena: 1 orang.');
    expect(files['notice-authority.id.md']).toContain('2026-11-24T02:30:00.000Z');
    expect(files['notice-authority.en.md']).toContain(
      "- Children's data: the family card (KK) lists children's names, NIKs and birth dates (specific data: UU PDP Pasal 4 ayat (2) huruf e): 1",
    );
    expect(files['notice-authority.en.md']).toContain('- document.viewed: 2');
    for (const [name, text] of Object.entries(files)) {
      for (const p of Object.values(people)) expect(text, name).not.toContain(p.nik);
      expect(text, name).not.toContain('Budi Santoso');
      expect(text, name).not.toContain('Citra Dewi');
    }
    // The report itself is recorded in the office's audit chain.
    const recorded = await ctx.db.selectFrom('audit_events').select(['data']).where('action', '=', 'privacy.breach_report').execute();
    expect(recorded).toHaveLength(1);
    expect(JSON.parse(recorded[0]!.data)).toMatchObject({ people: 1, notifyBy: '2026-11-24T02:30:00.000Z' });
  });

  it('lists everyone in the named tables, once each, without a full NIK (LAW-6)', async () => {
    const dir = path.join(out, 'tables');
    const run = await runScript(SCRIPT, ctx.databaseUrl, [
      '--office',
      'MLG',
      '--from',
      '2026-11-18T00:00:00Z',
      '--to',
      '2026-11-22T00:00:00Z',
      '--tables',
      'applications,documents',
      '--detected',
      '2026-11-22T01:00:00Z',
      '--out',
      dir,
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const files = readOut(dir);
    const report = JSON.parse(files['report.json']!) as BreachReport;
    expect(report.notifyBy).toBe('2026-11-25T01:00:00.000Z');
    expect(report.subjects.map((s) => [s.name, s.nikMasked])).toEqual([
      ['Ani Wulandari', maskNik(people.ani.nik)],
      ['Budi Santoso', maskNik(people.budi.nik)],
      ['Citra Dewi', maskNik(people.citra.nik)],
    ]);
    // Each person's documents say what of theirs is concerned: Ani's family card (children), Citra's health certificate (health).
    const counted = Object.fromEntries(report.countsByCategory.map((c) => [c.category, c.people]));
    expect(counted).toMatchObject({ identity: 3, application_content: 3, identity_documents: 3, children: 1, health: 1 });
    expect(report.subjects.map((s) => s.categories.filter((c) => c === 'children' || c === 'health'))).toEqual([['children'], [], ['health']]);
    expect(files['subjects.csv']!.trim().split('\n')).toHaveLength(4);
    const answers = await validAnswers(ctx, 'AK1');
    const typedNiks = Object.values(answers).filter((v): v is string => typeof v === 'string' && /^\d{16}$/.test(v));
    for (const text of Object.values(files)) for (const nik of [...Object.values(people).map((p) => p.nik), ...typedNiks]) expect(text).not.toContain(nik);
  });

  it('refuses bad arguments and an unknown office with a clear message and a non-zero exit, writing nothing (LAW-6)', async () => {
    const dir = path.join(out, 'refused');
    const bad = await runScript(SCRIPT, ctx.databaseUrl, [
      '--office',
      'MLG',
      '--from',
      '2026-11-21T00:00:00Z',
      '--to',
      '2026-11-20T00:00:00Z',
      '--documents',
      '--out',
      dir,
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--from must be before --to');
    expect(bad.stderr).toContain('usage: npm run breach:report');
    const unknown = await runScript(SCRIPT, ctx.databaseUrl, [
      '--office',
      'XYZ',
      '--from',
      '2026-11-20T00:00:00Z',
      '--to',
      '2026-11-21T00:00:00Z',
      '--documents',
      '--out',
      dir,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no office with code XYZ');
    expect(fs.existsSync(dir)).toBe(false);
  });
});
