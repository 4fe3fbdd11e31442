import { type CreateTableBuilder, type Kysely, PostgresAdapter } from 'kysely';

export type DialectName = 'sqlite' | 'postgres';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function dialectOf(db: Kysely<any>): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** An auto-incrementing integer primary key: the only column type the two dialects spell differently. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function autoIncrementId<T extends CreateTableBuilder<any, any>>(db: Kysely<any>, table: T, name: string): T {
  return (
    dialectOf(db) === 'postgres'
      ? table.addColumn(name, 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
      : table.addColumn(name, 'integer', (c) => c.primaryKey().autoIncrement())
  ) as T;
}
