import SQLite from 'better-sqlite3';
import { type CompiledQuery, type DatabaseConnection, type Driver, Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { Database } from '../../src/db/schema.js';
import type { TestContext } from './context.js';

/**
 * The test database through a connection that runs `before` ahead of each statement: how the tests
 * put a second writer (another registration, another officer) exactly between two statements of the
 * code under test. The database, its constraints and the code are all real; only the timing is chosen.
 */
export function hookedDatabase(ctx: TestContext, before: (sql: string) => Promise<void>): Kysely<Database> {
  const wrap = (driver: Driver): Driver => {
    const inner = new WeakMap<DatabaseConnection, DatabaseConnection>();
    const un = (c: DatabaseConnection) => inner.get(c) ?? c;
    return {
      init: () => driver.init(),
      acquireConnection: async () => {
        const c = await driver.acquireConnection();
        const wrapped: DatabaseConnection = {
          executeQuery: async <R>(q: CompiledQuery) => {
            await before(q.sql);
            return c.executeQuery<R>(q);
          },
          streamQuery: <R>(q: CompiledQuery, chunk?: number) => c.streamQuery<R>(q, chunk),
        };
        inner.set(wrapped, c);
        return wrapped;
      },
      beginTransaction: (c, s) => driver.beginTransaction(un(c), s),
      commitTransaction: (c) => driver.commitTransaction(un(c)),
      rollbackTransaction: (c) => driver.rollbackTransaction(un(c)),
      releaseConnection: (c) => driver.releaseConnection(un(c)),
      destroy: () => driver.destroy(),
    };
  };
  const config = ctx.services.config.database;
  if (config.kind === 'sqlite') {
    const sqlite = new SQLite(config.file);
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    const dialect = new SqliteDialect({ database: sqlite });
    return new Kysely<Database>({ dialect: { ...dialectParts(dialect), createDriver: () => wrap(dialect.createDriver()) } });
  }
  const dialect = new PostgresDialect({ pool: new pg.Pool({ connectionString: config.url, max: 2 }) });
  return new Kysely<Database>({ dialect: { ...dialectParts(dialect), createDriver: () => wrap(dialect.createDriver()) } });
}
function dialectParts(d: SqliteDialect | PostgresDialect) {
  return {
    createAdapter: () => d.createAdapter(),
    createQueryCompiler: () => d.createQueryCompiler(),
    createIntrospector: (db: Kysely<unknown>) => d.createIntrospector(db),
  };
}
