// npm run privacy:record: validates docs/privacy/processing-record.json (the record of processing,
// UU PDP art. 31) and writes docs/privacy/processing-record.md from it. Exit 2 when the record is not valid.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProcessingRecord } from '../src/privacy/processing-record.js';
import { renderProcessingRecordMarkdown } from '../src/privacy/processing-record.markdown.js';

export const PROCESSING_RECORD_MD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../docs/privacy/processing-record.md');

try {
  const record = loadProcessingRecord();
  fs.writeFileSync(PROCESSING_RECORD_MD, renderProcessingRecordMarkdown(record));
  console.log(`${path.relative(process.cwd(), PROCESSING_RECORD_MD)}: ${record.activities.length} activities, ${record.categories.length} categories`);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
