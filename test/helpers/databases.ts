import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';

/**
 * The databases every integration suite runs against, in the manner of kysely's own test setup:
 * one suite, looped over each dialect. PostgreSQL is required: if it cannot be reached the suite
 * fails loudly with what to do, it never skips.
 */
const ALL_DIALECTS = ['sqlite', 'postgres'] as const;
export type TestDialect = (typeof ALL_DIALECTS)[number];

/**
 * `DIALECTS=sqlite` (or `postgres`) narrows a contributor's quick run to one database. CI and the
 * README's test command leave it unset and run both; a value that names neither fails loudly.
 */
function chosenDialects(value: string | undefined): readonly TestDialect[] {
  if (!value) return ALL_DIALECTS;
  const chosen = value.split(',').map((s) => s.trim());
  const bad = chosen.filter((d) => !(ALL_DIALECTS as readonly string[]).includes(d));
  if (bad.length || chosen.length === 0) throw new Error(`DIALECTS=${value}: use sqlite, postgres or both (comma-separated)`);
  return chosen as TestDialect[];
}
export const DIALECTS: readonly TestDialect[] = chosenDialects(process.env.DIALECTS);

export const TEST_POSTGRES_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A throw-away database: a fresh SQLite file, or a fresh PostgreSQL database created for this suite. */
export async function createTestDatabase(dialect: TestDialect): Promise<{ url: string; dir: string; drop(): Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-test-'));
  if (dialect === 'sqlite') {
    return { url: `sqlite:${path.join(dir, 'izol.db')}`, dir, drop: () => Promise.resolve(fs.rmSync(dir, { recursive: true, force: true })) };
  }
  const name = `izol_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required for the test suite and could not be reached at ${TEST_POSTGRES_URL} (${(err as Error).message}). ` +
        'Start PostgreSQL, or set TEST_DATABASE_URL to a server where this user may CREATE DATABASE.',
      { cause: err },
    );
  }
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dir,
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
