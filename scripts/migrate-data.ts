// npm run migrate-data -- --from sqlite:./data/izol.db --from-files ./data/files [--batch-size 500] [--batches N]
// Moves every office from a SQLite database and its files folder to the database and storage this
// environment names (DATABASE_URL=postgres://…, STORAGE_DRIVER/STORAGE_DIR or S3_*): migrates the
// target, copies tables parents first in batches in key order with the files their rows point at,
// printing progress (rows and files per table, rate, time left); then compares every row and file
// and runs the audit verification on the target. Stop the service on the SQLite side first.
// Resumable: after an interruption (or --batches N) run the same command again; it continues after
// the last committed batch and never copies a row twice.
// Exit 0: moved, identical and verified; 1: failed or the comparison or audit verification failed;
// 2: bad arguments or settings; 3: stopped after --batches N, run again to continue.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { auditReport } from '../src/audit/audit.report.js';
import { compareData, DataMoveError, moveData, type MoveProgress } from '../src/backup/data-move.js';
import { createDatabase, type Db } from '../src/db/database.js';
import { createFileStorage } from '../src/documents/storage-driver.js';
import { createLocalStorage } from '../src/documents/storage.js';
import { configOrExit, DATA_EXIT as EXIT, namedOptions as options } from './cli.js';

const USAGE = 'npm run migrate-data -- --from sqlite:./data/izol.db --from-files ./data/files [--batch-size 500] [--batches N]';
const opts = options(USAGE, ['from', 'from-files', 'batch-size', 'batches']);
const usage = (problem: string): never => {
  console.error(`migrate-data: ${problem}\n\nusage: ${USAGE}`);
  process.exit(EXIT.usage);
};
if (!opts.from?.startsWith('sqlite:')) usage('--from must name the SQLite database, e.g. --from sqlite:./data/izol.db');
if (!opts['from-files']) usage('--from-files must name the folder of stored files (the old STORAGE_DIR), e.g. --from-files ./data/files');
const positive = (v: string | undefined, name: string, max: number): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > max) usage(`--${name} must be a whole number from 1 to ${max}`);
  return n;
};
const batchSize = positive(opts['batch-size'], 'batch-size', 2000) ?? 500;
const maxBatches = positive(opts.batches, 'batches', 1_000_000_000);
const sourceFile = path.resolve(opts.from!.slice('sqlite:'.length));
const filesDir = path.resolve(opts['from-files']!);
if (!fs.existsSync(sourceFile)) usage(`no SQLite database at ${sourceFile}`);
if (!fs.existsSync(filesDir)) usage(`no folder at ${filesDir}`);
const config = configOrExit();
if (config.database.kind !== 'postgres') usage('DATABASE_URL must name the PostgreSQL database to move into (postgres://…), a new and empty one');

const duration = (s: number | null) => {
  if (s === null || !Number.isFinite(s)) return '…';
  const t = Math.round(s);
  return `${Math.floor(t / 3600)}:${String(Math.floor((t % 3600) / 60)).padStart(2, '0')}:${String(t % 60).padStart(2, '0')}`;
};
const progressLine = (p: MoveProgress) =>
  `${p.table.padEnd(28)} rows ${`${p.rowsDone}/${p.rowsTotal}`.padStart(15)}` +
  (p.filesTotal ? `  files ${p.filesCopied}/${p.filesTotal} copied` : '') +
  `  ${Math.round(p.rowsPerSecond)} rows/s  time left ${duration(p.secondsLeft)}`;

const sqlite = new SQLite(sourceFile, { readonly: true, fileMustExist: true });
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const source = new Kysely<any>({ dialect: new SqliteDialect({ database: sqlite }) });
const sourceStorage = createLocalStorage(filesDir);
let target: Db | undefined;
let status: number = EXIT.refused;
try {
  target = createDatabase(config.database);
  const targetStorage = createFileStorage(config.storage);
  const t0 = Date.now();
  const moved = await moveData({
    source,
    sourceStorage,
    sourceLabel: sourceFile,
    target,
    targetStorage,
    batchSize,
    maxBatches,
    onProgress: (p) => console.log(progressLine(p)),
    log: (l) => console.log(l),
  });
  if (!moved.finished) {
    console.log(`Stopped after ${moved.batches} batches (--batches): run the same command again to continue.`);
    status = 3;
  } else {
    console.log(`All tables moved (${moved.batches} batches in ${duration((Date.now() - t0) / 1000)}). Comparing every row and file…`);
    const cmp = await compareData({ source, target, targetStorage, tables: moved.tables });
    for (const r of cmp.tables) {
      const same = r.firstDifference === null && r.sourceSum === r.targetSum;
      if (!same || r.sourceRows > 0)
        console.log(
          `${r.table.padEnd(28)} ${String(r.sourceRows).padStart(9)} → ${String(r.targetRows).padStart(9)} rows  ${same ? `same (sha256 ${r.targetSum.slice(0, 16)}…)` : `DIFFERENT: ${r.firstDifference ?? 'checksums differ'}`}`,
        );
    }
    console.log(
      cmp.badFiles.length
        ? `${cmp.badFiles.length} of ${cmp.files} files are wrong in the target: ${cmp.badFiles.slice(0, 5).join(', ')}`
        : `All ${cmp.files} files are in the target storage with their bytes.`,
    );
    if (!cmp.ok) {
      console.error('migrate-data: the target differs from the source: do not switch over.');
    } else {
      // The target's chains and checkpoints, checked as npm run audit:verify checks them.
      const audit = await auditReport(target, config.dataEncryptionKey);
      for (const l of audit.lines) console.log(l);
      if (audit.ok) {
        console.log('The move is complete and verified: start the service with this DATABASE_URL and storage.');
        status = 0;
      } else console.error('migrate-data: the audit verification of the target failed (above): do not switch over.');
    }
  }
} catch (err) {
  console.error(`migrate-data: ${err instanceof DataMoveError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  console.error('Nothing after the last committed batch was kept; fix the cause and run the same command again to continue.');
} finally {
  await source.destroy().catch(() => undefined);
  await target?.destroy().catch(() => undefined);
}
process.exit(status);
