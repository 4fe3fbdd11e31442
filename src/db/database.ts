import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, type KyselyConfig, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Config } from '../config.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

// bigint (int8) columns hold rupiah amounts and sequence numbers, all far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

/**
 * Opens the configured database: SQLite (WAL, foreign keys on) or a PostgreSQL pool. `log` is
 * Kysely's log hook (a test counts the statements a request costs with it).
 */
export function createDatabase(config: Config['database'], options: { log?: KyselyConfig['log'] } = {}): Db {
  const log = options.log ? { log: options.log } : {};
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') fs.mkdirSync(path.dirname(config.file), { recursive: true });
    const sqlite = new SQLite(config.file);
    sqlite.pragma('journal_mode = WAL');
    // FULL: a transaction acknowledged to a client survives a crash of the process or the machine.
    sqlite.pragma('synchronous = FULL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }), ...log });
  }
  const pool = new pg.Pool({ connectionString: config.url, max: config.poolSize });
  // An idle client that loses its connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }), ...log });
}
