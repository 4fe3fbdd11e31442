/**
 * `npm run bench`: every bench in order, or those BENCH_ONLY names (comma-separated: http, profile,
 * budget, numbering, issuance, dashboard). The HTTP bench comes first; the 1,000,000-file dashboard bench,
 * the longest, last.
 */
import { spawnSync } from 'node:child_process';

const PARTS: { name: string; file: string }[] = [
  { name: 'http', file: 'bench/http.bench.ts' },
  { name: 'profile', file: 'bench/submissions-profile.ts' },
  { name: 'budget', file: 'bench/page-budget.ts' },
  { name: 'numbering', file: 'bench/numbering.bench.ts' },
  { name: 'issuance', file: 'bench/issuance.bench.ts' },
  { name: 'dashboard', file: 'bench/dashboard.bench.ts' },
];

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const unknown = (only ?? []).filter((n) => !PARTS.some((p) => p.name === n));
if (unknown.length) {
  console.error(`BENCH_ONLY=${process.env.BENCH_ONLY}: unknown ${unknown.join(', ')}; use ${PARTS.map((p) => p.name).join(', ')}`);
  process.exit(2);
}
for (const part of PARTS.filter((p) => !only || only.includes(p.name))) {
  console.log(`\n== ${part.name} (${part.file}) ==`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', part.file], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
