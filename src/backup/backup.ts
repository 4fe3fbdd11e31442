import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createGunzip, createGzip } from 'node:zlib';
import SQLite from 'better-sqlite3';
import { z } from 'zod';
import { BOOKKEEPING_TABLES, FILE_COLUMNS, unlistedFileColumns } from './file-columns.js';
import { readTar, tarWriter } from './tar.js';

/**
 * The SQLite deployment's backup: one `.tar.gz` holding the database (SQLite's online backup, so the
 * service keeps running), every stored file, `manifest.json` (when, which schema, rows per table,
 * every entry with its size and SHA-256) and `SHA256SUMS` (the same sums, for `sha256sum -c`).
 * The database is copied first and the files after it: a file is stored before any row points at it
 * (storage.ts), so every file the copied rows need is already on disk when the files are read.
 *
 * This module speaks SQLite directly (better-sqlite3's backup API, PRAGMAs): it exists only for the
 * SQLite deployment; PostgreSQL is backed up with pg_dump (scripts/pg-backup.sh, docs/backup.md).
 */
export const BACKUP_FORMAT = 'izol-backup/1';
export const DB_ENTRY = 'izol.db';
const MANIFEST_ENTRY = 'manifest.json';
const SUMS_ENTRY = 'SHA256SUMS';
const FILE_ENTRY = /^files\/([A-Za-z0-9-]{1,64})\/([0-9a-f]{2})\/([0-9a-f]{64})$/;

const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  createdAt: z.string(),
  tool: z.object({ izol: z.string(), node: z.string(), sqlite: z.string(), archive: z.string() }),
  database: z.object({
    dialect: z.literal('sqlite'),
    lastMigration: z.string().nullable(),
    migrations: z.number().int(),
    tables: z.record(z.string(), z.number().int()),
  }),
  storage: z.object({ driver: z.enum(['local', 's3']), included: z.boolean(), files: z.number().int(), bytes: z.number().int() }),
  /** Files rows point at that were not in the storage folder when the backup was made. */
  missingFiles: z.array(z.string()),
  entries: z.array(z.object({ path: z.string(), size: z.number().int(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export class BackupError extends Error {
  override name = 'BackupError';
}

type Log = (line: string) => void;

function izolVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Every kept file under a local storage folder (`<tenant>/<aa>/<sha256>`), the staging folder left out. */
async function storedFiles(dir: string, log: Log): Promise<{ entry: string; file: string; size: number }[]> {
  const out: { entry: string; file: string; size: number }[] = [];
  if (!fs.existsSync(dir)) return out;
  for (const ns of (await fs.promises.readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (ns.name === 'tmp') continue;
    if (!ns.isDirectory()) {
      log(`  left out ${path.join(dir, ns.name)}: not an office's folder`);
      continue;
    }
    for (const aa of (await fs.promises.readdir(path.join(dir, ns.name), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const sub = path.join(dir, ns.name, aa.name);
      if (!aa.isDirectory()) {
        log(`  left out ${sub}: not a stored file`);
        continue;
      }
      for (const f of (await fs.promises.readdir(sub, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const entry = `files/${ns.name}/${aa.name}/${f.name}`;
        if (!f.isFile() || !FILE_ENTRY.test(entry) || !f.name.startsWith(aa.name)) {
          log(`  left out ${path.join(sub, f.name)}: not a stored file`);
          continue;
        }
        out.push({ entry, file: path.join(sub, f.name), size: (await fs.promises.stat(path.join(sub, f.name))).size });
      }
    }
  }
  return out;
}

/** Tables, their row counts and the schema version of a SQLite database file; checks its integrity first. */
function describeDatabase(file: string): { tables: Record<string, number>; lastMigration: string | null; migrations: number; referenced: Set<string> } {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('integrity_check') as { integrity_check: string }[];
    if (check[0]?.integrity_check !== 'ok')
      throw new BackupError(`the database copy fails SQLite's integrity check: ${check.map((c) => c.integrity_check).join('; ')}`);
    const names = (
      db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as { name: string }[]
    ).map((r) => r.name);
    const tables: Record<string, number> = {};
    const columns: Record<string, string[]> = {};
    for (const name of names.filter((n) => !BOOKKEEPING_TABLES.has(n))) {
      tables[name] = (db.prepare(`select count(*) as n from "${name}"`).get() as { n: number }).n;
      columns[name] = (db.pragma(`table_info("${name}")`) as { name: string }[]).map((c) => c.name);
    }
    const unlisted = unlistedFileColumns(columns);
    if (unlisted.length)
      throw new BackupError(`columns that look like file references are not in FILE_COLUMNS (src/backup/file-columns.ts): ${unlisted.join(', ')}`);
    const migrations = names.includes('kysely_migration')
      ? (db.prepare('select name from kysely_migration order by name').all() as { name: string }[]).map((r) => r.name)
      : [];
    const referenced = new Set<string>();
    for (const f of FILE_COLUMNS) {
      if (!(f.table in tables)) continue;
      for (const r of db.prepare(`select distinct tenant_id as ns, "${f.sha256}" as sha from "${f.table}"`).all() as { ns: string; sha: string }[]) {
        referenced.add(`files/${r.ns}/${r.sha.slice(0, 2)}/${r.sha}`);
      }
    }
    return { tables, lastMigration: migrations.at(-1) ?? null, migrations: migrations.length, referenced };
  } finally {
    db.close();
  }
}

function sqliteVersion(): string {
  const db = new SQLite(':memory:');
  try {
    return (db.prepare('select sqlite_version() as v').get() as { v: string }).v;
  } finally {
    db.close();
  }
}

function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Writes a backup of the SQLite database `dbFile` and the local storage folder `filesDir` (null: the
 * files live in an S3 bucket, whose backup is the provider's) to `out`, through a temporary name, so
 * an archive under its real name is always whole. Returns the manifest and the archive's SHA-256.
 */
export async function createBackup(options: { dbFile: string; filesDir: string | null; storageDriver: 'local' | 's3'; out: string; now?: Date; log?: Log }) {
  const log = options.log ?? (() => undefined);
  const now = options.now ?? new Date();
  if (!fs.existsSync(options.dbFile)) throw new BackupError(`no database file at ${options.dbFile} (check DATABASE_URL)`);
  if (fs.existsSync(options.out)) throw new BackupError(`${options.out} exists already: choose another --out`);
  await fs.promises.mkdir(path.dirname(path.resolve(options.out)), { recursive: true });
  const partial = `${options.out}.partial`;
  const dbCopy = `${options.out}.db-partial`;
  try {
    // SQLite's online backup: a consistent copy while the service keeps writing.
    const source = new SQLite(options.dbFile, { readonly: true, fileMustExist: true });
    try {
      await source.backup(dbCopy);
    } finally {
      source.close();
    }
    const described = describeDatabase(dbCopy);
    log(
      `database copied: ${Object.keys(described.tables).length} tables, ${Object.values(described.tables).reduce((a, b) => a + b, 0)} rows, schema ${described.lastMigration ?? '(none)'}`,
    );
    const files = options.filesDir ? await storedFiles(options.filesDir, log) : [];
    const kept = new Set(files.map((f) => f.entry));
    const missingFiles = options.filesDir ? [...described.referenced].filter((e) => !kept.has(e)).sort() : [];

    const entries: BackupManifest['entries'] = [];
    const gzip = createGzip({ level: 6 });
    const sink = fs.createWriteStream(partial, { flags: 'wx', mode: 0o600 });
    const finished = new Promise<void>((resolve, reject) => {
      sink.on('finish', resolve);
      sink.on('error', reject);
      gzip.on('error', reject);
    });
    gzip.pipe(sink);
    const tar = tarWriter(gzip);
    const addFile = async (entry: string, file: string, size: number, expectSha?: string) => {
      const hash = createHash('sha256');
      await tar.add(entry, size, fs.createReadStream(file), (c) => hash.update(c));
      const sha256 = hash.digest('hex');
      if (expectSha && sha256 !== expectSha) log(`  WARNING ${entry}: its bytes hash to ${sha256}, not its name (the stored file is damaged)`);
      entries.push({ path: entry, size, sha256 });
    };
    await addFile(DB_ENTRY, dbCopy, (await fs.promises.stat(dbCopy)).size);
    let bytes = 0;
    let done = 0;
    let lastLog = Date.now();
    for (const f of files) {
      await addFile(f.entry, f.file, f.size, f.entry.slice(-64));
      bytes += f.size;
      done++;
      if (Date.now() - lastLog > 1000 || done === files.length) {
        log(`  files ${done}/${files.length} (${(bytes / 1048576).toFixed(1)} MB)`);
        lastLog = Date.now();
      }
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: now.toISOString(),
      tool: {
        izol: izolVersion(),
        node: process.version,
        sqlite: sqliteVersion(),
        archive: 'ustar + gzip (src/backup/tar.ts)',
      },
      database: { dialect: 'sqlite', lastMigration: described.lastMigration, migrations: described.migrations, tables: described.tables },
      storage: { driver: options.storageDriver, included: options.filesDir !== null, files: files.length, bytes },
      missingFiles,
      entries,
    };
    const manifestText = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
    const sums = Buffer.from([...entries, { path: MANIFEST_ENTRY, sha256: sha256Hex(manifestText) }].map((e) => `${e.sha256}  ${e.path}`).join('\n') + '\n');
    await tar.add(MANIFEST_ENTRY, manifestText.length, [manifestText], () => undefined, now);
    await tar.add(SUMS_ENTRY, sums.length, [sums], () => undefined, now);
    await tar.end();
    gzip.end();
    await finished;
    const archiveSha = createHash('sha256');
    for await (const c of fs.createReadStream(partial)) archiveSha.update(c as Buffer);
    await fs.promises.rename(partial, options.out);
    return { manifest, archiveSha256: archiveSha.digest('hex') };
  } finally {
    await fs.promises.rm(partial, { force: true });
    await fs.promises.rm(dbCopy, { force: true });
  }
}

/**
 * Reads the whole archive and checks it without writing anything: every entry's SHA-256 and size
 * against the manifest, the manifest against SHA256SUMS, no entry missing or extra, every name one a
 * backup makes. Returns the manifest; throws a BackupError naming the first problem.
 */
export async function verifyBackup(archive: string): Promise<BackupManifest> {
  const seen = new Map<string, { size: number; sha256: string }>();
  let manifestText: Buffer | null = null;
  let sumsText: string | null = null;
  try {
    await readTar(fs.createReadStream(archive).pipe(createGunzip()), async ({ name, size }, chunks) => {
      if (seen.has(name)) throw new BackupError(`the archive holds ${name} twice`);
      if (name !== DB_ENTRY && name !== MANIFEST_ENTRY && name !== SUMS_ENTRY && !FILE_ENTRY.test(name))
        throw new BackupError(`the archive holds ${JSON.stringify(name)}, which no Izol backup makes`);
      const hash = createHash('sha256');
      const kept: Buffer[] = [];
      for await (const c of chunks) {
        hash.update(c);
        if (name === MANIFEST_ENTRY || name === SUMS_ENTRY) kept.push(c);
      }
      seen.set(name, { size, sha256: hash.digest('hex') });
      if (name === MANIFEST_ENTRY) manifestText = Buffer.concat(kept);
      if (name === SUMS_ENTRY) sumsText = Buffer.concat(kept).toString('utf8');
    });
  } catch (err) {
    if (err instanceof BackupError) throw err;
    throw new BackupError(`${archive} cannot be read as an Izol backup: ${(err as Error).message}`);
  }
  if (!manifestText || sumsText === null) throw new BackupError(`${archive} has no manifest.json or SHA256SUMS: not a whole Izol backup`);
  let manifest: BackupManifest;
  try {
    manifest = manifestSchema.parse(JSON.parse((manifestText as Buffer).toString('utf8')));
  } catch (err) {
    throw new BackupError(`the archive's manifest.json is not an ${BACKUP_FORMAT} manifest: ${(err as Error).message}`);
  }
  const sums = new Map(
    (sumsText as string)
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(66), l.slice(0, 64)] as const),
  );
  if (sums.get(MANIFEST_ENTRY) !== seen.get(MANIFEST_ENTRY)!.sha256) throw new BackupError('manifest.json does not match its line in SHA256SUMS');
  for (const e of manifest.entries) {
    const got = seen.get(e.path);
    if (!got) throw new BackupError(`${e.path} is in the manifest but not in the archive`);
    if (got.size !== e.size || got.sha256 !== e.sha256 || sums.get(e.path) !== e.sha256)
      throw new BackupError(`${e.path} is damaged: its SHA-256 is ${got.sha256}, the manifest says ${e.sha256}`);
  }
  const listed = new Set([...manifest.entries.map((e) => e.path), MANIFEST_ENTRY, SUMS_ENTRY]);
  const extra = [...seen.keys()].filter((n) => !listed.has(n));
  if (extra.length) throw new BackupError(`the archive holds entries the manifest does not list: ${extra.slice(0, 5).join(', ')}`);
  if (!seen.has(DB_ENTRY)) throw new BackupError('the archive holds no database');
  return manifest;
}

/**
 * Restores a backup into `to`, which must not exist or be empty: checks the whole archive first
 * (`verifyBackup`), then writes `izol.db`, `files/` and `manifest.json`, checking each entry again as
 * it is written, and finally the database's integrity and row counts. On any failure what was
 * written is removed again.
 */
export async function restoreBackup(options: { archive: string; to: string; log?: Log }) {
  const log = options.log ?? (() => undefined);
  const to = path.resolve(options.to);
  if (fs.existsSync(to) && (!fs.statSync(to).isDirectory() || fs.readdirSync(to).length > 0))
    throw new BackupError(`${to} is not an empty folder: restore only into a new or empty folder, never over a running office`);
  if (!fs.existsSync(options.archive)) throw new BackupError(`no archive at ${options.archive}`);
  const manifest = await verifyBackup(options.archive);
  log(
    `archive checked: ${manifest.entries.length} entries, every SHA-256 matches (made ${manifest.createdAt}, schema ${manifest.database.lastMigration ?? '(none)'})`,
  );
  const expected = new Map(manifest.entries.map((e) => [e.path, e.sha256]));
  const createdTo = !fs.existsSync(to);
  await fs.promises.mkdir(to, { recursive: true });
  try {
    await readTar(fs.createReadStream(options.archive).pipe(createGunzip()), async ({ name }, chunks) => {
      if (name === SUMS_ENTRY) return;
      const dest = name === DB_ENTRY ? path.join(to, 'izol.db') : path.join(to, name);
      // Names were checked against the backup's own patterns above; no entry leaves the folder.
      if (!dest.startsWith(to + path.sep)) throw new BackupError(`refusing entry ${name}`);
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      const hash = createHash('sha256');
      const handle = await fs.promises.open(dest, 'wx', 0o600);
      try {
        for await (const c of chunks) {
          hash.update(c);
          await handle.write(c);
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
      const want = expected.get(name);
      if (want && hash.digest('hex') !== want) throw new BackupError(`${name} changed between the check and the restore: the archive is being modified`);
    });
    const described = describeDatabase(path.join(to, 'izol.db'));
    for (const [table, rows] of Object.entries(manifest.database.tables)) {
      if (described.tables[table] !== rows)
        throw new BackupError(`restored table ${table} has ${described.tables[table] ?? 0} rows, the manifest says ${rows}`);
    }
    return { manifest, dbFile: path.join(to, 'izol.db'), filesDir: path.join(to, 'files') };
  } catch (err) {
    if (createdTo) await fs.promises.rm(to, { recursive: true, force: true });
    else for (const e of await fs.promises.readdir(to)) await fs.promises.rm(path.join(to, e), { recursive: true, force: true });
    throw err;
  }
}
