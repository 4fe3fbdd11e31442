// npm run check: the gate. Format check, ESLint (zero warnings), then npm test (types and the whole
// suite on SQLite and PostgreSQL), which ends with the plain 'N passed, N failed' line CI reads.
import { spawnSync } from 'node:child_process';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit' }).status ?? 1;

for (const [what, args] of [
  ['Format check (prettier; npm run format fixes it)', ['prettier', '--check', '.']],
  ['Lint (eslint, zero warnings)', ['eslint', '.', '--max-warnings', '0']],
]) {
  console.log(`\n> ${what}`);
  if (run('npx', args) !== 0) {
    console.error(`${what} failed.`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  }
}
process.exit(run('node', ['scripts/test.mjs', ...process.argv.slice(2)]));
