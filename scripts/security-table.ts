// npm run security:table: writes docs/security.md, the table of every SECURITY.md item (checked in as
// docs/security-requirements.json) → the tests whose describe/it titles name its ids → their status in
// the last `npm test` (test-artifacts/vitest-results.json, when present). A test names an ASVS id as
// `v5.0.0-x.y.z` (a list after it, "v5.0.0-8.2.1, 2.3.1" or "v5.0.0-2.2.1/2.2.2", names each), and the
// Files, Reliability and Indonesian-law items as FILES-n, REL-n, LAW-n.
// test/unit/security-table.test.ts checks that the file is up to date with the titles (not the
// statuses, which change with every run) and that every item has a test or is marked pending.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type Requirement = {
  item: string;
  ids: string[];
  section: 'asvs' | 'files' | 'reliability' | 'law';
  asvs?: string;
  requirement: string;
  howTested: string;
  /** The item's test is being written (by whom, where): the coverage check lets it pass meanwhile. */
  pending?: string;
  /**
   * A speed or SLO target: proved by `npm run bench`, which prints it, not by a timed test (speed targets
   * go in the benchmark). The note says what the bench prints.
   */
  benchmark?: string;
};

/** A describe/it/test title that names at least one id. */
export type TitleRef = { file: string; line: number; title: string; ids: string[] };

export type Status = 'passed' | 'failed' | 'skipped' | 'not run';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const REQUIREMENTS_FILE = 'docs/security-requirements.json';
export const TABLE_FILE = 'docs/security.md';
export const RESULTS_FILE = 'test-artifacts/vitest-results.json';

export function loadRequirements(root = ROOT): Requirement[] {
  return (JSON.parse(fs.readFileSync(path.join(root, REQUIREMENTS_FILE), 'utf8')) as { items: Requirement[] }).items;
}

/** The ids a title names: `v5.0.0-x.y.z` (and the bare x.y.z listed right after it), FILES-n, REL-n, LAW-n. */
export function idsIn(title: string): string[] {
  const out = new Set<string>();
  for (const m of title.matchAll(/v5\.0\.0-\d+\.\d+\.\d+(?:\s*(?:,|\/|and)\s*(?:v5\.0\.0-)?\d+\.\d+\.\d+)*/g)) {
    for (const id of m[0].matchAll(/\d+\.\d+\.\d+/g)) if (id[0] !== '5.0.0') out.add(`v5.0.0-${id[0]}`);
  }
  for (const m of title.matchAll(/\b(?:FILES|REL|LAW)-\d+\b/g)) out.add(m[0]);
  return [...out];
}

function testFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => path.join(dir, f));
}

/** Every describe/it/test title in the test files (test/ and src/) that names an id, in file order. */
export function scanTitles(root = ROOT): TitleRef[] {
  const out: TitleRef[] = [];
  const call =
    /\b(?:describe|it|test)(?:\.(?:each|for|concurrent|sequential|only|skip|todo|runIf|skipIf)(?:\((?:[^()]|\([^()]*\))*\))?)*\(\s*(['"`])((?:\\.|(?!\1)[^\\])*)\1/g;
  const files = [...testFiles(path.join(root, 'test')), ...testFiles(path.join(root, 'src'))].sort();
  for (const abs of files) {
    const text = fs.readFileSync(abs, 'utf8');
    for (const m of text.matchAll(call)) {
      const title = m[2]!.replace(/\\(['"`\\])/g, '$1');
      const ids = idsIn(title);
      if (!ids.length) continue;
      out.push({ file: path.relative(root, abs).split(path.sep).join('/'), line: text.slice(0, m.index).split('\n').length, title, ids });
    }
  }
  return out;
}

type VitestResults = {
  startTime?: number;
  testResults: { name: string; assertionResults: { ancestorTitles: string[]; title: string; status: string }[] }[];
};

/** The last `npm test` run's results, or null when there are none. */
export function loadResults(root = ROOT): VitestResults | null {
  const file = path.join(root, RESULTS_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as VitestResults) : null;
}

/** A static title as a pattern for the titles vitest reports (`%s`, `$name`, `${…}` stand for anything). */
function titlePattern(title: string): RegExp {
  const parts = title.split(/%[sdifjoO#%]|\$\{[^}]*\}|\$[A-Za-z_][\w.]*/);
  return new RegExp(`^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 's');
}

export function statusOf(ref: TitleRef, results: VitestResults | null, root = ROOT): Status {
  if (!results) return 'not run';
  const file = results.testResults.find((r) => path.relative(root, r.name).split(path.sep).join('/') === ref.file);
  if (!file) return 'not run';
  const pattern = titlePattern(ref.title);
  const statuses = file.assertionResults.filter((a) => [...a.ancestorTitles, a.title].some((t) => pattern.test(t))).map((a) => a.status);
  if (!statuses.length) return 'not run';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.every((s) => s === 'passed')) return 'passed';
  return statuses.includes('passed') ? 'passed' : 'skipped';
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** The item's verdict: NO TEST, pending, measured by the benchmark, or the worst status of its tests. */
function verdict(req: Requirement, statuses: Status[]): string {
  if (!statuses.length) return req.benchmark ? 'benchmark (`npm run bench`)' : req.pending ? 'pending' : 'NO TEST';
  for (const s of ['failed', 'not run', 'skipped'] as const) if (statuses.includes(s)) return s;
  return 'passed';
}

const STATUS_MARK = '<!-- status -->';

export function renderTable(reqs: Requirement[], refs: TitleRef[], results: VitestResults | null, root = ROOT): string {
  const sections: [Requirement['section'], string][] = [
    ['asvs', 'ASVS 5.0.0 items'],
    ['files', 'Files (OWASP File Upload Cheat Sheet)'],
    ['reliability', 'Reliability'],
    ['law', 'Indonesian law'],
  ];
  const known = new Set(reqs.flatMap((r) => r.ids));
  const lines = [
    '# Security requirements and the tests that prove them',
    '',
    'Generated by `npm run security:table` (scripts/security-table.ts): do not edit by hand. The items are those of',
    'SECURITY.md, checked in as `docs/security-requirements.json`; a test belongs to an item when its `describe`/`it`',
    'title names one of the item’s ids (`v5.0.0-x.y.z` for ASVS 5.0.0, `FILES-n`, `REL-n`, `LAW-n` for the other',
    'sections). The status is the worst of the item’s tests in the last `npm test` (test-artifacts/vitest-results.json);',
    '*NO TEST* means no title names the item, *pending* that its test is being written (see the item’s note),',
    '*benchmark* that it is a speed or SLO target `npm run bench` measures and prints (not a timed test).',
    'test/unit/security-table.test.ts fails when this file is out of date with the test titles or an item has no test.',
    '',
    `${STATUS_MARK} Statuses: ${results?.startTime ? `from the test run of ${new Date(results.startTime).toISOString()}` : 'no test results (run `npm test`, then `npm run security:table`)'}.`,
    '',
    '## Fuzzing (items 9 and 27)',
    '',
    'test/integration/fuzz-openapi.test.ts sends property-based requests (fast-check) to every operation of the OpenAPI',
    'document (test/helpers/openapi-arbitrary.ts draws them from its schemas: valid-shaped, boundary, hostile and',
    'wrong-typed values, real ids of a seeded journey, malformed JSON, wrong content types, broken multipart), as',
    'anonymous, as the role the operation is for (for SNAP, the bank, signed) and as other roles, and requires no 5xx,',
    'no stack trace in a body or in the log, and no crash. `npm test` runs 1,000 cases per operation on SQLite and 150',
    'on PostgreSQL (FUZZ_RUNS, FUZZ_RUNS_POSTGRES). The longer run, `npm run fuzz`, runs 10,000 per operation on both',
    '(`DIALECTS=sqlite npm run fuzz` for SQLite alone). On a 2-core machine the test command’s file took 2 min 56 s',
    '(both databases), and up to 16 minutes for SQLite alone while other work loaded the machine; the longer run takes',
    'ten times as long on SQLite and some seventy times on PostgreSQL, so hours. The seeds are fixed',
    '(FUZZ_SEED, default 20261202, plus a hash of the operation id); a failure prints the seed and path it failed at,',
    'replayed with `FUZZ_ONLY=<operationId> FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run test/integration/fuzz-openapi.test.ts`.',
    '',
  ];
  for (const [section, heading] of sections) {
    lines.push(`## ${heading}`, '', '| # | Ids | Requirement | How it is tested | Tests | Status |', '|---|---|---|---|---|---|');
    for (const req of reqs.filter((r) => r.section === section)) {
      const mine = refs.filter((r) => r.ids.some((id) => req.ids.includes(id)));
      const statuses = mine.map((r) => statusOf(r, results, root));
      const tests =
        mine.map((r) => `\`${r.file}\` › ${cell(r.title)}`).join('<br>') ||
        (req.benchmark ? `\`npm run bench\`: ${cell(req.benchmark)}` : req.pending ? `pending: ${cell(req.pending)}` : '');
      const ids = (req.asvs ?? req.ids.join(', ')).replace(/\*/g, '');
      lines.push(`| ${req.item} | ${cell(ids)} | ${cell(req.requirement)} | ${cell(req.howTested)} | ${tests} | ${verdict(req, statuses)} |`);
    }
    lines.push('');
  }
  const others = [...new Set(refs.flatMap((r) => r.ids).filter((id) => !known.has(id)))].sort();
  if (others.length) {
    lines.push('## Other ids named by tests', '', '| Id | Tests |', '|---|---|');
    for (const id of others) {
      lines.push(
        `| ${id} | ${refs
          .filter((r) => r.ids.includes(id))
          .map((r) => `\`${r.file}\` › ${cell(r.title)}`)
          .join('<br>')} |`,
      );
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** The table without what changes from run to run: the status column and the line saying which run. */
export function withoutStatuses(markdown: string): string {
  return markdown
    .split('\n')
    .map((l) => {
      if (l.startsWith(STATUS_MARK)) return STATUS_MARK;
      if (!l.startsWith('| ') || l.startsWith('| Id |')) return l;
      const cells = l.split(/(?<!\\)\|/);
      return cells.length === 8 ? cells.slice(0, 6).join('|') + '|' : l;
    })
    .join('\n');
}

/** Items with neither a test, nor a benchmark that measures them, nor a pending note. */
export function uncovered(reqs: Requirement[], refs: TitleRef[]): Requirement[] {
  return reqs.filter((req) => !req.pending && !req.benchmark && !refs.some((r) => r.ids.some((id) => req.ids.includes(id))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const reqs = loadRequirements();
  const refs = scanTitles();
  fs.writeFileSync(path.join(ROOT, TABLE_FILE), renderTable(reqs, refs, loadResults()));
  const missing = uncovered(reqs, refs);
  console.log(
    `${TABLE_FILE}: ${reqs.length} items, ${refs.length} test titles naming ids; ${missing.length} item(s) with no test${missing.length ? `: ${missing.map((r) => r.item).join(', ')}` : ''}`,
  );
}
