import { BOOKKEEPING_TABLES } from '../backup/file-columns.js';
import type { Db } from '../db/database.js';
import type { ProcessingRecord } from './processing-record.schema.js';

/**
 * What counts as a personal-data column when the record of processing is checked against the real
 * schema (test/integration/processing-record.test.ts, LAW-1). A column is personal data when
 *  - its name matches one of these patterns: it must then be named by an activity of the record,
 *    column by column (a `table.*` entry does not excuse it), or be listed in `notPersonal` with a reason;
 *  - or it belongs to a table the record names: every column of such a table must be covered, by its
 *    name or by the activity's `table.*` (the ids, states and times of a row about one person).
 * And every table is either named by an activity or listed in `tablesWithoutPersonalData`, so a new
 * table cannot slip by whatever its columns are called. The patterns are maintained here: a kind of
 * personal data with a new kind of name (e.g. `mother_maiden`) needs a pattern added.
 */
export const PERSONAL_COLUMN_PATTERNS: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /nik/, what: 'NIK (encrypted, blind index, notified)' },
  { pattern: /name/, what: 'names of people, and file names that may carry them' },
  { pattern: /phone|whatsapp|wa_number/, what: 'telephone and WhatsApp numbers' },
  { pattern: /email/, what: 'email addresses' },
  { pattern: /address/, what: 'postal and message addresses' },
  { pattern: /birth|born|(^|_)age(_|$)|age_band/, what: 'birth dates and ages' },
  { pattern: /(^|_)sex$|gender|religion|marital/, what: 'sex and civil status' },
  { pattern: /education|occupation|nationality/, what: 'education, occupation, nationality' },
  { pattern: /passport|stay_permit|kitas|npwp|nib$/, what: 'identity and tax numbers' },
  { pattern: /answers/, what: 'form answers' },
  { pattern: /sha256|(^|_)file/, what: 'keys of stored files (scans, photos, PDFs)' },
  { pattern: /(^|_)ip$|client_ip|user_agent/, what: 'network identifiers' },
  { pattern: /handle|sender|recipient|contact|payer|holder|account/, what: 'who wrote, paid, holds or receives' },
  { pattern: /^body$|payload|params|details|^data$|label|^subject$|note$|reason$|result$/, what: 'free text and structured data about a person' },
  { pattern: /document$|sealed_text/, what: 'signed documents naming a person' },
  { pattern: /password|totp|secret/, what: 'credentials' },
  { pattern: /priority|health|disab/, what: 'health and priority (disability, pregnancy, age)' },
];

export const isPersonalColumnName = (column: string): boolean => PERSONAL_COLUMN_PATTERNS.some((p) => p.pattern.test(column));

/** The tables and columns of the migrated database (both dialects, through Kysely's introspection), without the migrator's own. */
export async function schemaColumns(db: Db): Promise<Record<string, string[]>> {
  const tables = await db.introspection.getTables();
  return Object.fromEntries(
    tables
      .filter((t) => !t.isView && !BOOKKEEPING_TABLES.has(t.name))
      .map((t) => [t.name, t.columns.map((c) => c.name).sort()] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

export type RecordCoverage = {
  /** Personal-data columns (by pattern) the record neither names nor explains. */
  unrecordedPersonalColumns: string[];
  /** Columns of tables the record names that no entry covers. */
  unrecordedColumnsOfRecordedTables: string[];
  /** Tables neither named by an activity nor declared without personal data. */
  unclassifiedTables: string[];
  /** Tables or columns the record names that the database does not have. */
  unknownReferences: string[];
};

/** Holds the record against the schema: what the record leaves out, and what it names that does not exist. */
export function recordCoverage(record: ProcessingRecord, schema: Record<string, readonly string[]>): RecordCoverage {
  const refs = record.activities.flatMap((a) => a.data.flatMap((d) => d.columns));
  const notPersonal = record.notPersonal.flatMap((n) => n.columns);
  const explicit = new Set([...refs, ...notPersonal].filter((c) => !c.endsWith('.*')));
  const wholeTables = new Set(refs.filter((c) => c.endsWith('.*')).map((c) => c.slice(0, -2)));
  const recordedTables = new Set(refs.map((c) => c.split('.')[0]!));
  const emptyTables = new Set(record.tablesWithoutPersonalData.flatMap((t) => t.tables));
  const all = Object.entries(schema).flatMap(([table, columns]) => columns.map((c) => `${table}.${c}`));
  const unknownReferences = [
    ...new Set([
      ...[...refs, ...notPersonal].filter((ref) => {
        const [table, column] = ref.split('.') as [string, string];
        return !schema[table] || (column !== '*' && !schema[table].includes(column));
      }),
      ...[...emptyTables].filter((t) => !schema[t]),
      ...[...emptyTables].filter((t) => recordedTables.has(t)).map((t) => `${t} (declared without personal data, yet named by an activity)`),
    ]),
  ].sort();
  return {
    unrecordedPersonalColumns: all.filter((c) => isPersonalColumnName(c.split('.')[1]!) && !explicit.has(c)),
    unrecordedColumnsOfRecordedTables: all.filter((c) => {
      const table = c.split('.')[0]!;
      return recordedTables.has(table) && !wholeTables.has(table) && !explicit.has(c);
    }),
    unclassifiedTables: Object.keys(schema).filter((t) => !recordedTables.has(t) && !emptyTables.has(t)),
    unknownReferences,
  };
}
