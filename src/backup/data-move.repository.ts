import { type Kysely, sql, type RawBuilder } from 'kysely';
import type { Db } from '../db/database.js';
import { dialectOf } from '../db/dialect.js';
import type { FileColumn } from './file-columns.js';

/**
 * The SQL of `npm run migrate-data` (data-move.ts): the source's tables read from SQLite's catalogue,
 * rows read in primary-key order after a key, inserted into PostgreSQL, and the progress record
 * `izol_data_move` in the target. The tables are discovered, not named in code, so rows are plain
 * column maps. Written for exactly this pair: identity columns take their values with OVERRIDING
 * SYSTEM VALUE and their sequences are moved past the copied ids; text keys are compared in
 * PostgreSQL under COLLATE "C", which orders as SQLite's BINARY does.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any>;
export type Row = Record<string, unknown>;

export const PROGRESS_TABLE = 'izol_data_move';

export type TableInfo = {
  name: string;
  columns: string[];
  primaryKey: string[];
  /** Primary-key columns stored as text (compared under COLLATE "C" on PostgreSQL). */
  textKeys: Set<string>;
  identity: string | null;
  file: FileColumn | null;
};

/** SQLite: the tables with their columns, primary key (in key order) and declared types. */
export async function sqliteTables(source: AnyDb): Promise<{ name: string; columns: { name: string; pk: number; type: string }[] }[]> {
  const names = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(source))
    .rows;
  const out = [];
  for (const { name } of names) {
    const columns = (await sql<{ name: string; pk: number; type: string }>`select name, pk, type from pragma_table_info(${name}) order by cid`.execute(source))
      .rows;
    out.push({ name, columns });
  }
  return out;
}

/** SQLite: the tables `table`'s foreign keys point at. */
export async function sqliteParents(source: AnyDb, table: string): Promise<string[]> {
  return (await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(source)).rows.map((r) => r.table);
}

/** SQLite: quick_check's verdict ('ok') and the rows whose foreign key points nowhere. */
export async function sqliteHealth(source: AnyDb): Promise<{ quickCheck: string[]; orphans: { table: string; parent: string }[] }> {
  const quickCheck = (await sql<{ quick_check: string }>`pragma quick_check`.execute(source)).rows.map((r) => r.quick_check);
  const orphans = (await sql<{ table: string; parent: string }>`pragma foreign_key_check`.execute(source)).rows;
  return { quickCheck, orphans };
}

/** The migrations a database has run (Kysely's bookkeeping), or none. */
export async function migrationNames(db: AnyDb): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db).catch(() => ({ rows: [] as { name: string }[] }));
  return r.rows.map((x) => x.name);
}

/** PostgreSQL: every column of the current schema, and whether it is an identity column. */
export async function postgresColumns(target: Db): Promise<{ table_name: string; column_name: string; is_identity: string }[]> {
  return (
    await sql<{
      table_name: string;
      column_name: string;
      is_identity: string;
    }>`select table_name, column_name, is_identity from information_schema.columns where table_schema = current_schema()`.execute(target)
  ).rows;
}

export async function tenantIds(db: AnyDb): Promise<string[]> {
  return (await sql<{ id: string }>`select id from tenants order by id`.execute(db)).rows.map((r) => r.id);
}

function keyExpr(t: TableInfo, dialect: 'sqlite' | 'postgres'): RawBuilder<unknown> {
  return sql.join(t.primaryKey.map((k) => (dialect === 'postgres' && t.textKeys.has(k) ? sql`${sql.ref(k)} collate "C"` : sql.ref(k))));
}

/** The next `limit` rows of `t` after `after` (a primary-key tuple), in key order (byte order for text). */
export async function readBatch(db: AnyDb, t: TableInfo, after: unknown[] | null, limit: number): Promise<Row[]> {
  const key = keyExpr(t, dialectOf(db));
  const where = after ? sql`where (${key}) > (${sql.join(after.map((v) => sql`${v}`))})` : sql``;
  const cols = sql.join(t.columns.map((c) => sql.ref(c)));
  return (await sql<Row>`select ${cols} from ${sql.table(t.name)} ${where} order by ${key} limit ${limit}`.execute(db)).rows;
}

export async function countRows(db: AnyDb, table: string): Promise<number> {
  const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

/** The distinct (office, file) pairs a table's rows point at. */
export async function countFiles(db: AnyDb, f: FileColumn): Promise<number> {
  const r = await sql<{
    n: number | string;
  }>`select count(*) as n from (select distinct tenant_id, ${sql.ref(f.sha256)} from ${sql.table(f.table)}) as f`.execute(db);
  return Number(r.rows[0]?.n ?? 0);
}

export async function fileRefs(db: AnyDb, f: FileColumn): Promise<{ ns: string; sha: string }[]> {
  return (await sql<{ ns: string; sha: string }>`select distinct tenant_id as ns, ${sql.ref(f.sha256)} as sha from ${sql.table(f.table)}`.execute(db)).rows;
}

/** Inserts rows as they are, identity values included. */
export async function insertRows(trx: AnyDb, t: TableInfo, rows: Row[]): Promise<void> {
  const cols = sql.join(t.columns.map((c) => sql.ref(c)));
  const values = sql.join(rows.map((r) => sql`(${sql.join(t.columns.map((c) => sql`${r[c] ?? null}`))})`));
  const overriding = t.identity ? sql`overriding system value` : sql``;
  await sql`insert into ${sql.table(t.name)} (${cols}) ${overriding} values ${values}`.execute(trx);
}

/** Moves an identity column's sequence past the copied ids, so the service's next row gets a new one. */
export async function resetIdentity(trx: AnyDb, t: TableInfo): Promise<void> {
  if (!t.identity) return;
  await sql`select setval(pg_get_serial_sequence(${t.name}, ${t.identity}), (select coalesce(max(${sql.ref(t.identity)}), 0) from ${sql.table(t.name)}) + 1, false)`.execute(
    trx,
  );
}

// The progress record: one row per table (last key, rows done, files copied, finished), and the
// run's own row (table_name '') naming the source.
export async function hasProgressTable(target: Db): Promise<boolean> {
  const r = await sql<{
    n: number;
  }>`select count(*)::int as n from information_schema.tables where table_schema = current_schema() and table_name = ${PROGRESS_TABLE}`.execute(target);
  return r.rows[0]!.n > 0;
}

export async function createProgress(target: Db, source: string, now: string): Promise<void> {
  await target.transaction().execute(async (trx) => {
    await sql`create table ${sql.table(PROGRESS_TABLE)} (
      table_name text primary key, last_key text, rows_done bigint not null default 0,
      files_copied bigint not null default 0, finished_at text, started_at text not null, source text)`.execute(trx);
    await sql`insert into ${sql.table(PROGRESS_TABLE)} (table_name, started_at, source) values ('', ${now}, ${source})`.execute(trx);
  });
}

export async function progressRun(target: Db): Promise<{ source: string; started_at: string } | undefined> {
  return (await sql<{ source: string; started_at: string }>`select source, started_at from ${sql.table(PROGRESS_TABLE)} where table_name = ''`.execute(target))
    .rows[0];
}

export async function progressRows(target: Db): Promise<{ table_name: string; rows_done: number; finished_at: string | null }[]> {
  return (
    await sql<{
      table_name: string;
      rows_done: number;
      finished_at: string | null;
    }>`select table_name, rows_done, finished_at from ${sql.table(PROGRESS_TABLE)}`.execute(target)
  ).rows;
}

export async function startTable(target: Db, table: string, now: string): Promise<void> {
  await sql`insert into ${sql.table(PROGRESS_TABLE)} (table_name, started_at) values (${table}, ${now})`.execute(target);
}

/** The table's progress, its row locked until the batch's transaction ends (a second runner waits). */
export async function lockProgress(trx: AnyDb, table: string): Promise<{ lastKey: unknown[] | null; rowsDone: number; filesCopied: number }> {
  const p = (
    await sql<{
      last_key: string | null;
      rows_done: number;
      files_copied: number;
    }>`select last_key, rows_done, files_copied from ${sql.table(PROGRESS_TABLE)} where table_name = ${table} for update`.execute(trx)
  ).rows[0]!;
  return { lastKey: p.last_key ? (JSON.parse(p.last_key) as unknown[]) : null, rowsDone: Number(p.rows_done), filesCopied: Number(p.files_copied) };
}

export async function recordBatch(trx: AnyDb, table: string, lastKey: unknown[], rows: number, copied: number): Promise<void> {
  await sql`update ${sql.table(PROGRESS_TABLE)} set last_key = ${JSON.stringify(lastKey)}, rows_done = rows_done + ${rows},
    files_copied = files_copied + ${copied} where table_name = ${table}`.execute(trx);
}

export async function finishTable(trx: AnyDb, table: string, now: string): Promise<void> {
  await sql`update ${sql.table(PROGRESS_TABLE)} set finished_at = ${now} where table_name = ${table}`.execute(trx);
}
