import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDataFile } from '../catalogue/catalogue.loader.js';
import { type ProcessingRecord, processingRecordSchema } from './processing-record.schema.js';

export const DEFAULT_PROCESSING_RECORD_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../docs/privacy/processing-record.json');

export class ProcessingRecordError extends Error {
  override name = 'ProcessingRecordError';
}

/** Reads and validates the record of processing (docs/privacy/processing-record.json); a bad file stops the start, naming each bad field. */
export function loadProcessingRecord(file = DEFAULT_PROCESSING_RECORD_FILE): ProcessingRecord {
  return parseDataFile(file, processingRecordSchema, { title: 'The record of processing activities is not valid', error: ProcessingRecordError });
}

/** The categories of personal data the record says a table holds (any activity, any column of it). */
export function categoriesOfTable(record: ProcessingRecord, table: string): string[] {
  const out = new Set<string>();
  for (const a of record.activities) for (const d of a.data) if (d.columns.some((c) => c.startsWith(`${table}.`))) out.add(d.category);
  return orderByRecord(record, out);
}

/**
 * The categories an uploaded document of this requirement holds: those the record gives the code
 * (kk: children), else the record's default for requirement documents (an entry of documents.sha256
 * with no requirement codes), else identity documents.
 */
export function categoriesOfRequirement(record: ProcessingRecord, requirementCode: string): string[] {
  const out = new Set<string>();
  for (const a of record.activities) for (const d of a.data) if (d.requirements?.includes(requirementCode)) out.add(d.category);
  if (!out.size) out.add('identity_documents');
  return orderByRecord(record, out);
}

/** Category ids in the record's order (its most identifying first), so reports and notices read alike. */
export function orderByRecord(record: ProcessingRecord, ids: Iterable<string>): string[] {
  const wanted = new Set(ids);
  return record.categories.map((c) => c.id).filter((id) => wanted.has(id));
}
