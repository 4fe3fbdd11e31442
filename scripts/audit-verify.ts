// npm run audit:verify: checks every office's audit hash chain in the configured database
// (DATABASE_URL) and prints one line per office, then checks each office's signed checkpoints
// (signature valid, and the chain still holds the signed hash at the signed seq) and prints one line
// per office again. Exit status: 0 every chain and checkpoint is intact, 1 at least one chain or
// checkpoint is broken (the line names its first bad event or checkpoint), 2 the check could not run
// (bad arguments or settings, database unreachable or not migrated).
//   npm run audit:verify                  every office
//   npm run audit:verify -- --tenant MLG  one office, by code
import fs from 'node:fs';
import { auditReport } from '../src/audit/audit.report.js';
import { configOrExit } from './cli.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { findTenantByCode } from '../src/tenants/tenants.repository.js';

const USAGE = 'usage: npm run audit:verify [-- --tenant CODE]';

function parseArgs(argv: string[]): { tenantCode?: string } | null {
  if (argv.length === 0) return {};
  if (argv.length === 2 && argv[0] === '--tenant' && /^[A-Z]{2,8}$/.test(argv[1]!)) return { tenantCode: argv[1]! };
  const eq = argv.length === 1 ? /^--tenant=([A-Z]{2,8})$/.exec(argv[0]!) : null;
  return eq ? { tenantCode: eq[1]! } : null;
}

const args = parseArgs(process.argv.slice(2));
if (!args) {
  console.error(USAGE);
  process.exit(2);
}

const config = configOrExit();
if (config.database.kind === 'sqlite' && config.database.file !== ':memory:' && !fs.existsSync(config.database.file)) {
  // Opening it would create an empty database; say what is wrong instead.
  console.error(`audit:verify: no database file at ${config.database.file} (check DATABASE_URL)`);
  process.exit(2);
}

let db: Db | undefined;
let status: number;
try {
  db = createDatabase(config.database);
  let tenantId: string | undefined;
  if (args.tenantCode) {
    const tenant = await findTenantByCode(db, args.tenantCode);
    if (!tenant) throw new Error(`no office with code ${args.tenantCode}`);
    tenantId = tenant.id;
  }
  const report = await auditReport(db, config.dataEncryptionKey, { tenantId });
  for (const l of report.lines) console.log(l);
  status = report.ok ? 0 : 1;
} catch (err) {
  console.error(`audit:verify could not check the audit chains: ${err instanceof Error ? err.message : String(err)}`);
  status = 2;
} finally {
  await db?.destroy().catch(() => undefined);
}
process.exit(status);
