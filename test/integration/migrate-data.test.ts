/**
 * Moving an office from SQLite and its files folder to PostgreSQL and another storage
 * (`npm run migrate-data`, issue 15, docs/backup.md), as an operator runs it: stopped after a few
 * batches and run again, it continues without copying a row twice; then every row of every table
 * and every file is the same in the target, the audit chains verify there, and the service over the
 * target answers the same application, documents, permit PDF, parcel and photo.
 */
import SQLite from 'better-sqlite3';
import { Kysely, sql, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_COLUMNS } from '../../src/backup/file-columns.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Db } from '../../src/db/database.js';
import { createFileStorage } from '../../src/documents/storage-driver.js';
import { createLocalStorage } from '../../src/documents/storage.js';
import { canonicalJson } from '../../src/shared/json.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { createTestDatabase } from '../helpers/databases.js';
import { startS3, type TestS3 } from '../helpers/s3.js';
import { type OfficeReads, seedOffice, served, serviceOver } from '../helpers/office-data.js';
import { runScript } from '../helpers/scripts.js';

async function bytesOf(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('migrate-data: SQLite and local files to PostgreSQL and an S3-compatible bucket', () => {
  let ctx: TestContext;
  let reads: OfficeReads;
  let before: Awaited<ReturnType<typeof served>>;
  let target: Awaited<ReturnType<typeof createTestDatabase>>;
  /** The target storage, as environment settings: the one place a test of the S3 target changes. */
  let targetStorageEnv: Record<string, string>;
  let targetDb: Db;
  let s3: TestS3 | undefined;
  let run: (extra?: string[]) => ReturnType<typeof runScript>;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    reads = await seedOffice(ctx);
    before = await served(ctx.app, ctx.services, reads);
    target = await createTestDatabase('postgres');
    s3 = await startS3();
    targetStorageEnv = s3.env;
    targetDb = createDatabase(loadConfig({ DATABASE_URL: target.url }).database);
    run = (extra = []) =>
      runScript(
        'scripts/migrate-data.ts',
        target.url,
        ['--from', ctx.databaseUrl, '--from-files', ctx.storageDir, '--batch-size', '40', ...extra],
        targetStorageEnv,
      );
  }, 120_000);
  afterAll(async () => {
    await targetDb?.destroy();
    await target?.drop();
    await ctx?.close();
    await s3?.stop();
  });

  it('stopped after some batches and run again, moves every row and file once, identical, and the audit verifies', async () => {
    const first = await run(['--batches', '12']);
    expect(first.code, first.stderr + first.stdout).toBe(3);
    const announced = /Moving (\d+) tables into an empty database\./.exec(first.stdout);
    expect(announced).not.toBeNull();
    expect(first.stdout).toContain('Stopped after 12 batches (--batches): run the same command again to continue.');
    const progress = await sql<{ rows: number }>`select sum(rows_done)::int as rows from izol_data_move`.execute(targetDb);
    const moved = progress.rows[0]!.rows;
    expect(moved).toBeGreaterThan(0);

    const second = await run();
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toMatch(/Continuing the move started/);
    // Progress lines: table, rows done of total, files, rate, time left.
    expect(second.stdout).toMatch(/documents +rows +\d+\/\d+ +files \d+\/\d+ copied +\d+ rows\/s +time left (\d+:\d\d:\d\d|…)/);
    expect(second.stdout).toMatch(/All \d+ files are in the target storage with their bytes\./);
    expect(second.stdout).toContain('All 2 audit chains are intact.');
    expect(second.stdout).toContain('The move is complete and verified');

    // Every row of every table, compared here independently of the script's own checksums.
    const source = new Kysely<Record<string, never>>({
      dialect: new SqliteDialect({ database: new SQLite(ctx.databaseUrl.slice('sqlite:'.length), { readonly: true }) }),
    });
    try {
      const tables = (
        await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(
          source,
        )
      ).rows.map((r) => r.name);
      // Every table the source has (58 at migration 0041) is the number the move announced.
      expect(tables.length).toBeGreaterThanOrEqual(58);
      expect(tables.length).toBe(Number(announced![1]));
      let rows = 0;
      for (const table of tables) {
        const all = async (db: Kysely<Record<string, never>> | Db) =>
          (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(db)).rows.map((r) => canonicalJson(r)).sort();
        const [a, b] = [await all(source), await all(targetDb)];
        expect(b, table).toEqual(a);
        rows += a.length;
      }
      expect(rows).toBeGreaterThan(moved);
      // The interrupted run's rows were not inserted again: the target holds each row once (above),
      // and the progress record counts each row once.
      const done = await sql<{ rows: number }>`select sum(rows_done)::int as rows from izol_data_move where table_name <> ''`.execute(targetDb);
      expect(done.rows[0]!.rows).toBe(rows);

      // Every file a row points at, byte for byte.
      const from = createLocalStorage(ctx.storageDir);
      const to = createFileStorage(loadConfig(targetStorageEnv).storage);
      let files = 0;
      for (const f of FILE_COLUMNS) {
        const refs = (
          await sql<{ ns: string; sha: string }>`select distinct tenant_id as ns, ${sql.ref(f.sha256)} as sha from ${sql.table(f.table)}`.execute(source)
        ).rows;
        for (const r of refs) {
          expect(await bytesOf(await to.open(r.ns, r.sha)), `${f.table} ${r.sha}`).toEqual(await bytesOf(await from.open(r.ns, r.sha)));
          files++;
        }
      }
      expect(files).toBeGreaterThanOrEqual(3);
    } finally {
      await source.destroy();
    }

    // Run once more after the end (before anything serves the target): nothing is copied again
    // ("0 batches"); the comparison and the verification still pass.
    const third = await run();
    expect(third.code, third.stderr + third.stdout).toBe(0);
    expect(third.stdout).toContain('All tables moved (0 batches');
    expect(third.stdout).toContain('The move is complete and verified');

    // The service over PostgreSQL and the target storage answers as the SQLite one did.
    const service = await serviceOver(ctx, { DATABASE_URL: target.url, ...targetStorageEnv });
    try {
      const after = await served(service.app, service.services, reads);
      for (const [name, res] of Object.entries(before)) {
        expect(res.status, name).toBe(200);
        expect(after[name], name).toEqual(res);
      }
      // Identity columns continue after the copied ids: a new outbox row gets a fresh id.
      const maxId = Number((await sql<{ m: number }>`select max(id) as m from outbox`.execute(targetDb)).rows[0]!.m);
      const inserted = await service.db
        .insertInto('outbox')
        .values({
          tenant_id: ctx.tenant.id,
          topic: 'test.after_move',
          payload: '{}',
          created_at: ctx.clock.now().toISOString(),
          available_at: ctx.clock.now().toISOString(),
          attempts: 0,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      expect(Number(inserted.id)).toBeGreaterThan(maxId);
      await service.db.deleteFrom('outbox').where('id', '=', inserted.id).execute();
    } finally {
      await service.close();
    }
  });

  it('refuses a target that is not empty (without a move of its own to continue)', async () => {
    // The moved database without its progress record: as a database a server has already written to.
    await sql`drop table izol_data_move`.execute(targetDb);
    const res = await run();
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/migrate-data: the target database is not empty \(\w+ has \d+ rows\): move into a new, empty database/);
  });
});
