// npm test: type-checks, runs the whole vitest suite (SQLite and PostgreSQL), and ends with the
// plain summary line 'N passed, N failed' that CI reads. Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

if (run('npx', ['tsc', '-p', 'tsconfig.json']) !== 0) {
  console.error('Type check failed.');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
if (run('bash', ['scripts/ensure-test-tools.sh']) !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}
fs.mkdirSync('test-artifacts', { recursive: true });
const results = 'test-artifacts/vitest-results.json';
fs.rmSync(results, { force: true });
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${results}`, ...process.argv.slice(2)]);
let summary = 'no results file: vitest did not finish';
if (fs.existsSync(results)) {
  const r = JSON.parse(fs.readFileSync(results, 'utf8'));
  // A file that fails to load has no failed tests of its own: count it once.
  const failed = Math.max(r.numFailedTests, r.numFailedTestSuites ?? 0);
  summary = `${r.numPassedTests} passed, ${failed} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : '');
  if (r.numTotalTests === 0) {
    console.error('No test ran.');
    process.exit(1);
  }
}
console.log(`\n${summary}`);
process.exit(status);
