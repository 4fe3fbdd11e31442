// npm run restore -- ARCHIVE.tar.gz --to NEW_FOLDER
// Restores a backup made by npm run backup into a new (or empty) folder: checks every entry's SHA-256
// against the manifest before writing anything, writes NEW_FOLDER/izol.db and NEW_FOLDER/files, checks
// the database and its row counts, runs the audit verification on it (as npm run audit:verify), and prints the settings to run
// the service on it. Exit 0: restored and verified; 1: refused (damaged archive, folder not empty,
// audit verification failed), nothing left behind but a verified restore; 2: bad arguments.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { restoreBackup } from '../src/backup/backup.js';
import { auditReport } from '../src/audit/audit.report.js';
import { createDatabase } from '../src/db/database.js';
import { configOrExit, DATA_EXIT as EXIT } from './cli.js';

const USAGE = 'npm run restore -- ARCHIVE.tar.gz --to NEW_FOLDER';
let archive: string;
let to: string;
try {
  const { values, positionals } = parseArgs({ options: { to: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1 || !values.to) throw new Error('give one archive and --to NEW_FOLDER');
  archive = path.resolve(positionals[0]!);
  to = path.resolve(values.to);
} catch (err) {
  console.error(`${(err as Error).message}\n\nusage: ${USAGE}`);
  process.exit(EXIT.usage);
}

try {
  const { manifest, dbFile, filesDir } = await restoreBackup({ archive, to, log: (l) => console.log(l) });
  const rows = Object.values(manifest.database.tables).reduce((a, b) => a + b, 0);
  console.log(`Restored into ${to}: ${rows} rows in ${Object.keys(manifest.database.tables).length} tables, ${manifest.storage.files} files.`);
  // The restored chains and checkpoints, checked as npm run audit:verify checks them.
  const db = createDatabase({ kind: 'sqlite', file: dbFile });
  const audit = await auditReport(db, configOrExit().dataEncryptionKey).finally(() => db.destroy());
  for (const l of audit.lines) console.log(l);
  if (!audit.ok) {
    console.error('restore: the restored database fails the audit verification (above): do not serve it; keep the archive for inspection.');
    process.exit(EXIT.refused);
  }
  console.log(
    [
      '',
      'To run the service on it, set:',
      `  DATABASE_URL=sqlite:${dbFile}`,
      `  STORAGE_DRIVER=local`,
      `  STORAGE_DIR=${filesDir}`,
      ...(manifest.storage.included ? [] : ['  (this backup holds no files: STORAGE_DRIVER was s3; point S3_* at the bucket as before)']),
      'and the same DATA_ENCRYPTION_KEY as the office that made the backup (it is not in the archive).',
    ].join('\n'),
  );
} catch (err) {
  console.error(`restore: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(EXIT.refused);
}
