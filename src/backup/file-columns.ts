/**
 * The rows that point at stored files: table, the column holding the file's SHA-256, the column
 * holding its size, and the namespace (always the row's office). A backup checks every one of these
 * files is in the archive; migrate-data copies them with their rows. A new table that keeps files
 * must be listed here: `unlistedFileColumns` finds a `sha256`/`*_sha256` column that is not, and both
 * commands refuse to run until it is.
 */
export const FILE_COLUMNS = [
  { table: 'documents', sha256: 'sha256', size: 'size_bytes' },
  { table: 'parcel_photos', sha256: 'sha256', size: 'size_bytes' },
  { table: 'permits', sha256: 'pdf_sha256', size: 'pdf_size' },
] as const;

export type FileColumn = (typeof FILE_COLUMNS)[number];

/** Columns that look like file references (named sha256 or ending in _sha256) but are not listed. */
export function unlistedFileColumns(columnsByTable: Record<string, readonly string[]>): string[] {
  const listed = new Set(FILE_COLUMNS.map((f) => `${f.table}.${f.sha256}`));
  return Object.entries(columnsByTable)
    .flatMap(([table, columns]) => columns.filter((c) => c === 'sha256' || c.endsWith('_sha256')).map((c) => `${table}.${c}`))
    .filter((c) => !listed.has(c));
}

/** Tables that are bookkeeping, not data: the migrator's own and SQLite's. Never copied or compared. */
export const BOOKKEEPING_TABLES = new Set(['kysely_migration', 'kysely_migration_lock', 'sqlite_sequence', 'izol_data_move']);
