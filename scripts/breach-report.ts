// npm run breach:report: the people whose personal data a breach put in scope, per kind of data, the
// notification deadline (detection + 3 × 24 hours, UU PDP art. 46) and draft notices to them and to the
// authority (docs/breach.md). Exit status: 0 written, 1 refused (unknown office, a folder not empty,
// the database unreachable), 2 bad arguments or settings.
//   npm run breach:report -- --office MLG --from 2026-11-20T00:00:00+07:00 --to 2026-11-21T00:00:00+07:00 --documents
//   npm run breach:report -- --office MLG --from … --to … --tables users,applications --detected 2026-11-21T09:30:00+07:00 --out ./breach
import fs from 'node:fs';
import path from 'node:path';
import { configOrExit, DATA_EXIT } from './cli.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { BREACH_USAGE, BreachUsageError, buildBreachReport, parseBreachArgs, writeBreachDrafts, type BreachRequest } from '../src/privacy/breach-report.js';
import { loadProcessingRecord } from '../src/privacy/processing-record.js';

let request: BreachRequest;
try {
  request = parseBreachArgs(process.argv.slice(2), new Date());
} catch (err) {
  console.error(`breach:report: ${err instanceof BreachUsageError ? err.message : String(err)}\n\nusage: ${BREACH_USAGE}`);
  process.exit(DATA_EXIT.usage);
}

const config = configOrExit();
if (config.database.kind === 'sqlite' && config.database.file !== ':memory:' && !fs.existsSync(config.database.file)) {
  console.error(`breach:report: no database file at ${config.database.file} (check DATABASE_URL)`);
  process.exit(DATA_EXIT.usage);
}

let db: Db | undefined;
let status = 0;
try {
  const record = loadProcessingRecord();
  db = createDatabase(config.database);
  const report = await buildBreachReport({ db, dataKey: config.dataEncryptionKey, record, request });
  const dir = path.resolve(request.out ?? `breach-${report.office.code}-${report.detectedAt.replace(/[:.]/g, '')}`);
  const files = writeBreachDrafts(report, record, dir);
  console.log(`breach:report ${report.office.code}: ${report.subjects.length} data subject(s) in scope; notify them and the authority by ${report.notifyBy}`);
  for (const c of report.countsByCategory) console.log(`  ${c.category}${c.specific ? ' (specific)' : ''}: ${c.people}`);
  for (const f of files) console.log(`  wrote ${f}`);
} catch (err) {
  console.error(`breach:report: ${err instanceof Error ? err.message : String(err)}`);
  status = DATA_EXIT.refused;
} finally {
  await db?.destroy().catch(() => undefined);
}
process.exit(status);
