import { createHash } from 'node:crypto';
import type { Db } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { FileStorage } from '../documents/storage.js';
import { canonicalJson } from '../shared/json.js';
import {
  type AnyDb,
  countFiles,
  countRows,
  createProgress,
  fileRefs,
  finishTable,
  hasProgressTable,
  insertRows,
  lockProgress,
  migrationNames,
  postgresColumns,
  progressRows,
  progressRun,
  readBatch,
  recordBatch,
  resetIdentity,
  sqliteHealth,
  sqliteParents,
  sqliteTables,
  startTable,
  tenantIds,
  type TableInfo,
} from './data-move.repository.js';
import { BOOKKEEPING_TABLES, FILE_COLUMNS, unlistedFileColumns } from './file-columns.js';

export { PROGRESS_TABLE, type TableInfo } from './data-move.repository.js';

/**
 * Moving every office from the embedded SQLite database and its files folder to PostgreSQL and any
 * FileStorage (S3 in practice): `npm run migrate-data`. Tables go parents first (the foreign keys'
 * order), each in batches in primary-key order. One batch is one PostgreSQL transaction: it locks the
 * table's progress row in `izol_data_move`, reads the next rows after the key recorded there, copies
 * the files those rows point at (staged, checked against their SHA-256, then committed; a file the
 * target has already is skipped), inserts the rows and records the new last key. An interrupted run
 * loses at most the batch in flight, whose rows roll back with its progress; running again continues
 * after the last committed key and never inserts a row twice (a second runner waits on the lock).
 * The SQL is in data-move.repository.ts.
 */

export class DataMoveError extends Error {
  override name = 'DataMoveError';
}

export type MoveProgress = {
  table: string;
  rowsDone: number;
  rowsTotal: number;
  /** Files copied so far (a file the target had already is not counted: after a crash, or shared bytes). */
  filesCopied: number;
  /** The distinct files the table's rows point at. */
  filesTotal: number;
  rowsPerSecond: number;
  /** Seconds until every table is moved at this run's rate; null in the first two seconds (shown as …). */
  secondsLeft: number | null;
};

async function sourceTables(source: AnyDb): Promise<TableInfo[]> {
  const out: TableInfo[] = [];
  for (const { name, columns: cols } of await sqliteTables(source)) {
    if (BOOKKEEPING_TABLES.has(name)) continue;
    const primaryKey = cols
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    if (primaryKey.length === 0) throw new DataMoveError(`table ${name} has no primary key: it cannot be moved in key order`);
    out.push({
      name,
      columns: cols.map((c) => c.name),
      primaryKey,
      textKeys: new Set(cols.filter((c) => c.pk > 0 && c.type.toLowerCase() === 'text').map((c) => c.name)),
      identity: null,
      file: FILE_COLUMNS.find((f) => f.table === name) ?? null,
    });
  }
  return out;
}

/** Parents before children: a table comes after every table its foreign keys point at. */
async function inForeignKeyOrder(source: AnyDb, tables: TableInfo[]): Promise<TableInfo[]> {
  const parents = new Map<string, Set<string>>();
  for (const t of tables) {
    parents.set(t.name, new Set((await sqliteParents(source, t.name)).filter((p) => p !== t.name)));
  }
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  while (ordered.length < tables.length) {
    const ready = tables.filter((t) => !placed.has(t.name) && [...parents.get(t.name)!].every((p) => placed.has(p)));
    if (ready.length === 0)
      throw new DataMoveError(
        `the foreign keys between ${tables
          .filter((t) => !placed.has(t.name))
          .map((t) => t.name)
          .join(', ')} form a cycle`,
      );
    for (const t of ready) {
      ordered.push(t);
      placed.add(t.name);
    }
  }
  return ordered;
}

/** Copies one stored file through the FileStorage interface, checking its bytes against its name. */
async function copyFile(source: FileStorage, target: FileStorage, ns: string, sha256: string, size: number): Promise<void> {
  let stream;
  try {
    stream = await source.open(ns, sha256);
  } catch {
    throw new DataMoveError(`file ${ns}/${sha256} is referenced by a row but missing from the source storage`);
  }
  const staged = await target.stage({ source: stream, maxBytes: Math.max(size, 1) });
  if (staged.sha256 !== sha256 || staged.sizeBytes !== size) {
    await staged.discard();
    throw new DataMoveError(
      `file ${ns}/${sha256} is damaged in the source storage: its bytes hash to ${staged.sha256} (${staged.sizeBytes} bytes, the row says ${size})`,
    );
  }
  await staged.commit(ns);
}

export type MoveOptions = {
  source: AnyDb;
  sourceStorage: FileStorage;
  /** Names the source in the progress record, so a resumed run is checked to read the same database. */
  sourceLabel: string;
  target: Db;
  targetStorage: FileStorage;
  batchSize?: number;
  /** Stop after this many batches (a run in slices; the test's interruption). */
  maxBatches?: number;
  onProgress?: (p: MoveProgress) => void;
  log?: (line: string) => void;
};

/** Checks the pair and lists the tables in the order they are moved. */
export async function planMove(source: AnyDb, target: Db): Promise<TableInfo[]> {
  if (dialectOf(source) !== 'sqlite' || dialectOf(target) !== 'postgres') throw new DataMoveError('migrate-data moves a SQLite database to a PostgreSQL one');
  const health = await sqliteHealth(source);
  if (health.quickCheck[0] !== 'ok') throw new DataMoveError(`the source database fails SQLite's integrity check: ${health.quickCheck.join('; ')}`);
  const fk = health.orphans;
  if (fk.length)
    throw new DataMoveError(`the source database has ${fk.length} rows whose foreign key points nowhere (first: ${fk[0]!.table} → ${fk[0]!.parent})`);

  await migrateToLatest(target);
  const [sourceMigrations, targetMigrations] = [await migrationNames(source), await migrationNames(target)];
  if (sourceMigrations.join() !== targetMigrations.join()) {
    const missing = targetMigrations.filter((m) => !sourceMigrations.includes(m));
    throw new DataMoveError(
      missing.length
        ? `the source database is not up to date (missing ${missing.join(', ')}): run npm run migrate with DATABASE_URL set to it first`
        : `the source database has migrations this version of Izol does not know (${sourceMigrations.filter((m) => !targetMigrations.includes(m)).join(', ')}): run the newer Izol`,
    );
  }

  const tables = await inForeignKeyOrder(source, await sourceTables(source));
  const unlisted = unlistedFileColumns(Object.fromEntries(tables.map((t) => [t.name, t.columns])));
  if (unlisted.length)
    throw new DataMoveError(`columns that look like file references are not in FILE_COLUMNS (src/backup/file-columns.ts): ${unlisted.join(', ')}`);
  const targetCols = await postgresColumns(target);
  for (const t of tables) {
    const cols = targetCols.filter((c) => c.table_name === t.name);
    const missing = t.columns.filter((c) => !cols.some((x) => x.column_name === c));
    if (cols.length !== t.columns.length || missing.length)
      throw new DataMoveError(
        `table ${t.name} differs between the source and the target (columns ${missing.join(', ') || 'in number'}): both must be at the same migration`,
      );
    t.identity = cols.find((c) => c.is_identity === 'YES')?.column_name ?? null;
  }
  const extra = [...new Set(targetCols.map((c) => c.table_name))].filter((n) => !BOOKKEEPING_TABLES.has(n) && !tables.some((t) => t.name === n));
  if (extra.length) throw new DataMoveError(`the target has tables the source lacks: ${extra.join(', ')}`);
  return tables;
}

async function sourceFingerprint(source: AnyDb, label: string): Promise<string> {
  return canonicalJson({ source: label, tenants: await tenantIds(source) });
}

/**
 * Starts or continues the move. Returns `finished: false` when it stopped at `maxBatches`; run it
 * again to continue. A fresh target must hold no rows (a started server would have made an office):
 * point DATABASE_URL at a new, empty database.
 */
export async function moveData(options: MoveOptions): Promise<{ finished: boolean; batches: number; tables: TableInfo[] }> {
  const { source, target } = options;
  const log = options.log ?? (() => undefined);
  const batchSize = options.batchSize ?? 500;
  const tables = await planMove(source, target);
  const fingerprint = await sourceFingerprint(source, options.sourceLabel);

  const hasProgress = await hasProgressTable(target);
  if (!hasProgress) {
    for (const t of tables) {
      const n = await countRows(target, t.name);
      if (n > 0) throw new DataMoveError(`the target database is not empty (${t.name} has ${n} rows): move into a new, empty database`);
    }
    await createProgress(target, fingerprint, new Date().toISOString());
    log(`Moving ${tables.length} tables into an empty database.`);
  } else {
    const run = await progressRun(target);
    if (!run || run.source !== fingerprint)
      throw new DataMoveError(
        `the target holds a move from another source (${run?.source ?? 'unknown'}): continue it with the same --from, or use a new, empty database`,
      );
    log(`Continuing the move started ${run.started_at}.`);
  }

  const progress = new Map((await progressRows(target)).map((r) => [r.table_name, r]));
  const totals = new Map<string, number>();
  for (const t of tables) totals.set(t.name, await countRows(source, t.name));
  let rowsLeft = tables.reduce((sum, t) => sum + Math.max(0, totals.get(t.name)! - Number(progress.get(t.name)?.rows_done ?? 0)), 0);
  const started = Date.now();
  let movedThisRun = 0;
  let batches = 0;
  let lastReport = Date.now();

  for (const t of tables) {
    const existing = progress.get(t.name);
    if (existing?.finished_at) continue;
    if (!existing) await startTable(target, t.name, new Date().toISOString());
    const rowsTotal = totals.get(t.name)!;
    const filesTotal = t.file ? await countFiles(source, t.file) : 0;
    for (;;) {
      if (options.maxBatches !== undefined && batches >= options.maxBatches) return { finished: false, batches, tables };
      const step = await target.transaction().execute(async (trx) => {
        const p = await lockProgress(trx, t.name);
        const rows = await readBatch(source, t, p.lastKey, batchSize);
        if (rows.length === 0) {
          await resetIdentity(trx, t);
          await finishTable(trx, t.name, new Date().toISOString());
          return { done: true, rowsDone: p.rowsDone, filesCopied: p.filesCopied, moved: 0 };
        }
        let copied = 0;
        if (t.file) {
          // Files first, then the rows that point at them: the order the service itself keeps.
          const seen = new Set<string>();
          for (const r of rows) {
            const ns = String(r.tenant_id);
            const sha = String(r[t.file.sha256]);
            if (seen.has(`${ns}/${sha}`)) continue;
            seen.add(`${ns}/${sha}`);
            if (!(await options.targetStorage.exists(ns, sha))) {
              await copyFile(options.sourceStorage, options.targetStorage, ns, sha, Number(r[t.file.size]));
              copied++;
            }
          }
        }
        await insertRows(trx, t, rows);
        const last = rows.at(-1)!;
        await recordBatch(
          trx,
          t.name,
          t.primaryKey.map((k) => last[k]),
          rows.length,
          copied,
        );
        return { done: false, rowsDone: p.rowsDone + rows.length, filesCopied: p.filesCopied + copied, moved: rows.length };
      });
      if (!step.done) batches++;
      movedThisRun += step.moved;
      rowsLeft -= step.moved;
      const now = Date.now();
      // A line when a table is done, and at most one a second while one is under way.
      if (step.done || now - lastReport >= 1000) {
        lastReport = now;
        const rate = movedThisRun / Math.max((now - started) / 1000, 0.001);
        options.onProgress?.({
          table: t.name,
          rowsDone: step.rowsDone,
          rowsTotal,
          filesCopied: step.filesCopied,
          filesTotal,
          rowsPerSecond: rate,
          // The first seconds (the first batches, small tables) say little about the rate.
          secondsLeft: movedThisRun > 0 && now - started >= 2000 ? Math.max(0, rowsLeft) / rate : null,
        });
      }
      if (step.done) break;
    }
  }
  return { finished: true, batches, tables };
}

export type TableComparison = { table: string; sourceRows: number; targetRows: number; sourceSum: string; targetSum: string; firstDifference: string | null };

/**
 * Compares every row of every table, in key order, between source and target, and checks every file
 * the target's rows point at: present in the target storage with exactly the bytes its SHA-256 names.
 */
export async function compareData(options: { source: AnyDb; target: Db; targetStorage: FileStorage; tables?: TableInfo[] }) {
  const tables = options.tables ?? (await planMove(options.source, options.target));
  const results: TableComparison[] = [];
  for (const t of tables) {
    const sums = { source: createHash('sha256'), target: createHash('sha256') };
    const counts = { source: 0, target: 0 };
    let firstDifference: string | null = null;
    let after: { source: unknown[] | null; target: unknown[] | null } = { source: null, target: null };
    for (;;) {
      const [a, b] = [await readBatch(options.source, t, after.source, 1000), await readBatch(options.target, t, after.target, 1000)];
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        const [ra, rb] = [a[i], b[i]];
        const [ja, jb] = [ra ? canonicalJson(t.columns.map((c) => ra[c] ?? null)) : null, rb ? canonicalJson(t.columns.map((c) => rb[c] ?? null)) : null];
        if (ja !== null) sums.source.update(ja + '\n');
        if (jb !== null) sums.target.update(jb + '\n');
        if (firstDifference === null && ja !== jb) {
          const row = ra ?? rb!;
          firstDifference = `key ${JSON.stringify(t.primaryKey.map((k) => row[k]))}: ${ra ? 'differs' : 'only in the target'}${rb ? '' : ' (missing in the target)'}`;
        }
      }
      counts.source += a.length;
      counts.target += b.length;
      if (a.length === 0 && b.length === 0) break;
      if (a.length) after = { ...after, source: t.primaryKey.map((k) => a.at(-1)![k]) };
      if (b.length) after = { ...after, target: t.primaryKey.map((k) => b.at(-1)![k]) };
    }
    results.push({
      table: t.name,
      sourceRows: counts.source,
      targetRows: counts.target,
      sourceSum: sums.source.digest('hex'),
      targetSum: sums.target.digest('hex'),
      firstDifference,
    });
  }
  const badFiles: string[] = [];
  let files = 0;
  for (const f of FILE_COLUMNS) {
    const refs = await fileRefs(options.target, f);
    for (const r of refs) {
      files++;
      const hash = createHash('sha256');
      try {
        for await (const c of await options.targetStorage.open(r.ns, r.sha)) hash.update(c as Buffer);
      } catch {
        badFiles.push(`${r.ns}/${r.sha} (missing)`);
        continue;
      }
      if (hash.digest('hex') !== r.sha) badFiles.push(`${r.ns}/${r.sha} (bytes differ)`);
    }
  }
  const ok = results.every((r) => r.firstDifference === null && r.sourceSum === r.targetSum) && badFiles.length === 0;
  return { ok, tables: results, files, badFiles };
}
