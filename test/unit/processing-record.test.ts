import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadProcessingRecord } from '../../src/privacy/processing-record.js';
import { renderProcessingRecordMarkdown } from '../../src/privacy/processing-record.markdown.js';
import { processingRecordSchema } from '../../src/privacy/processing-record.schema.js';

const RECORD_FILE = 'docs/privacy/processing-record.json';
const MARKDOWN_FILE = 'docs/privacy/processing-record.md';

describe('the record of processing as data (docs/privacy/processing-record.json)', () => {
  it('is valid, and docs/privacy/processing-record.md is up to date with it (run npm run privacy:record) (LAW-1)', () => {
    const record = loadProcessingRecord();
    expect(fs.readFileSync(MARKDOWN_FILE, 'utf8')).toBe(renderProcessingRecordMarkdown(record));
    // Specific data (UU PDP art. 4(2)) is flagged: the family card's children, health certificates, personal finance.
    expect(record.categories.filter((c) => c.specific).map((c) => c.id)).toEqual(['children', 'health', 'financial']);
  });

  it('refuses a record whose activity names an unknown category, subject or recipient, or a specific category without its article (LAW-1)', () => {
    const raw = JSON.parse(fs.readFileSync(RECORD_FILE, 'utf8')) as {
      categories: { id: string; specific: boolean; article?: string }[];
      activities: { subjects: string[]; recipients: string[]; data: { category: string }[] }[];
    };
    const first = raw.activities[0]!;
    first.subjects.push('martians');
    first.recipients.push('nsa');
    first.data[0]!.category = 'horoscope';
    delete raw.categories.find((c) => c.specific)!.article;
    const result = processingRecordSchema.safeParse(raw);
    expect(result.success).toBe(false);
    const messages = result.error!.issues.map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        'activity accounts: unknown subject martians',
        'activity accounts: unknown recipient nsa',
        'activity accounts: unknown category horoscope',
        'children: a specific category names its article of UU PDP',
      ]),
    );
  });
});
