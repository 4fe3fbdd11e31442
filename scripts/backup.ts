// npm run backup [-- --out backups/izol-2026-12-02.tar.gz]
// Backs up the SQLite database (DATABASE_URL, SQLite's online backup: the service keeps running) and
// the stored files (STORAGE_DIR) into one .tar.gz with manifest.json and SHA256SUMS; prints the
// archive's SHA-256. PostgreSQL is backed up with scripts/pg-backup.sh (docs/backup.md).
// Exit 0: written; 1: written, but a file a row points at was missing or damaged (named above);
// 2: nothing written (bad arguments or settings, no database, PostgreSQL).
import path from 'node:path';
import { BackupError, createBackup } from '../src/backup/backup.js';
import { configOrExit, DATA_EXIT as EXIT, namedOptions as options } from './cli.js';

const USAGE = 'npm run backup [-- --out FILE.tar.gz]';
const opts = options(USAGE, ['out']);
const config = configOrExit();
if (config.database.kind !== 'sqlite' || config.database.file === ':memory:') {
  console.error(
    'backup: DATABASE_URL is a PostgreSQL database: back it up with pg_dump instead:\n' +
      '  scripts/pg-backup.sh backup FILE.dump   (see docs/backup.md; the S3 bucket is backed up by its provider)',
  );
  process.exit(EXIT.usage);
}
const stamp = new Date()
  .toISOString()
  .replace(/[-:]/g, '')
  .replace(/\.\d+Z$/, 'Z');
const out = path.resolve(opts.out ?? path.join('backups', `izol-${stamp}.tar.gz`));
try {
  const { manifest, archiveSha256 } = await createBackup({
    dbFile: config.database.file,
    filesDir: config.storage.driver === 'local' ? config.storage.dir : null,
    storageDriver: config.storage.driver,
    out,
    log: (l) => console.log(l),
  });
  const rows = Object.values(manifest.database.tables).reduce((a, b) => a + b, 0);
  console.log(
    [
      `Backup written: ${out}`,
      `  database: ${Object.keys(manifest.database.tables).length} tables, ${rows} rows, schema ${manifest.database.lastMigration ?? '(none)'}`,
      manifest.storage.included
        ? `  files: ${manifest.storage.files} (${(manifest.storage.bytes / 1048576).toFixed(1)} MB)`
        : '  files: not included (STORAGE_DRIVER=s3: the bucket is backed up by its provider, see docs/backup.md)',
      `  SHA-256 of the archive: ${archiveSha256}`,
      `Restore it with: npm run restore -- ${path.relative(process.cwd(), out)} --to NEW_FOLDER`,
    ].join('\n'),
  );
  const damaged = manifest.entries.filter((e) => e.path.startsWith('files/') && !e.path.endsWith(e.sha256));
  if (manifest.missingFiles.length || damaged.length) {
    for (const m of manifest.missingFiles)
      console.error(`backup: WARNING a row points at ${m}, which is not in ${config.storage.driver === 'local' ? config.storage.dir : 'the storage'}`);
    for (const d of damaged) console.error(`backup: WARNING ${d.path} is damaged on disk (its bytes hash to ${d.sha256})`);
    process.exit(EXIT.refused);
  }
} catch (err) {
  console.error(`backup: ${err instanceof BackupError ? err.message : err instanceof Error ? err.message : String(err)}`);
  process.exit(err instanceof BackupError ? EXIT.usage : EXIT.refused);
}
