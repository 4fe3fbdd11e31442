import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/catalogue/catalogue.loader.js';
import { recordCoverage, schemaColumns } from '../../src/privacy/personal-data.js';
import { loadProcessingRecord } from '../../src/privacy/processing-record.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { DIALECTS } from '../helpers/databases.js';
import { PageClient } from '../helpers/pages.js';

/** The text a reader sees: tags dropped, the escapes of web/html.ts undone, spaces collapsed. */
function visibleText(body: string): string {
  return body
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const record = loadProcessingRecord();

describe.each(DIALECTS)('the record of processing against the real schema (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('records every personal-data column and classifies every table of the migrated schema (LAW-1)', async () => {
    const schema = await schemaColumns(ctx.db);
    // The introspection sees the real tables (not a list kept by hand): users with its NIK, documents, the audit log.
    expect(schema.users).toEqual(expect.arrayContaining(['name', 'nik_encrypted', 'email', 'phone']));
    expect(Object.keys(schema).length).toBeGreaterThan(50);
    const coverage = recordCoverage(record, schema);
    expect(coverage.unrecordedPersonalColumns).toEqual([]);
    expect(coverage.unrecordedColumnsOfRecordedTables).toEqual([]);
    expect(coverage.unclassifiedTables).toEqual([]);
  });

  it('names only tables and columns that exist, and catalogue requirements that exist (LAW-1)', async () => {
    const coverage = recordCoverage(record, await schemaColumns(ctx.db));
    expect(coverage.unknownReferences).toEqual([]);
    const requirementCodes = new Set(loadCatalogue().permitTypes.flatMap((p) => p.requirements.map((r) => r.code)));
    const named = record.activities.flatMap((a) => a.data.flatMap((d) => d.requirements ?? []));
    expect(named).toEqual(expect.arrayContaining(['kk', 'health_certificate']));
    expect(named.filter((code) => !requirementCodes.has(code))).toEqual([]);
  });

  it('fails when a migration adds a personal-data column or a table the record does not know (LAW-1)', async () => {
    // What a careless migration would do: a mother's name on the application, a table of citizens' comments.
    await sql`alter table applications add column mother_name text`.execute(ctx.db);
    await sql`create table citizen_feedback (id text primary key, tenant_id text not null, comment text)`.execute(ctx.db);
    await sql`alter table help_requests add column follow_up_on text`.execute(ctx.db);
    await sql`alter table holidays add column officer_phone text`.execute(ctx.db);
    try {
      const coverage = recordCoverage(record, await schemaColumns(ctx.db));
      // applications.* covers the table's bookkeeping columns, but not a column whose name says it is personal.
      expect(coverage.unrecordedPersonalColumns).toEqual(['applications.mother_name', 'holidays.officer_phone']);
      expect(coverage.unclassifiedTables).toEqual(['citizen_feedback']);
      // help_requests.* covers a new column of a table whose rows are about one person.
      expect(coverage.unrecordedColumnsOfRecordedTables).toEqual([]);
      // Taking the column away again from the record's point of view: a table the record names with no `*` needs each column named.
      const narrowed = {
        ...record,
        activities: record.activities.map((a) => ({ ...a, data: a.data.map((d) => ({ ...d, columns: d.columns.filter((c) => c !== 'help_requests.*') })) })),
      };
      expect(recordCoverage(narrowed, await schemaColumns(ctx.db)).unrecordedColumnsOfRecordedTables).toEqual(
        expect.arrayContaining(['help_requests.follow_up_on', 'help_requests.status', 'help_requests.created_at']),
      );
    } finally {
      await sql`alter table applications drop column mother_name`.execute(ctx.db);
      await sql`drop table citizen_feedback`.execute(ctx.db);
      await sql`alter table help_requests drop column follow_up_on`.execute(ctx.db);
      await sql`alter table holidays drop column officer_phone`.execute(ctx.db);
    }
    expect(recordCoverage(record, await schemaColumns(ctx.db)).unrecordedPersonalColumns).toEqual([]);
  });

  it('publishes every activity of the record on /privasi, in Indonesian and English, linked from every page’s footer (LAW-1)', async () => {
    const home = await ctx.app.inject({ url: '/' });
    expect(home.body).toMatch(/<footer[\s\S]*<a href="\/privasi">Pemberitahuan privasi<\/a>[\s\S]*<\/footer>/);
    const guide = await ctx.app.inject({ url: '/transparansi' });
    expect(guide.body).toMatch(/<footer[\s\S]*<a href="\/privasi">/);

    const browser = new PageClient(ctx);
    for (const lang of ['id', 'en'] as const) {
      if (lang === 'en') await browser.post('/bahasa', { lang: 'en', kembali: '/privasi' });
      const res = await browser.get('/privasi');
      expect(res.statusCode).toBe(200);
      const text = visibleText(res.body);
      expect(text).toContain(lang === 'id' ? 'Catatan kegiatan pemrosesan data pribadi' : 'Record of personal data processing');
      expect([...res.body.matchAll(/data-activity="([a-z_]+)"/g)].map((m) => m[1])).toEqual(record.activities.map((a) => a.id));
      for (const a of record.activities) {
        expect(text).toContain(a.name[lang]);
        expect(text).toContain(a.purpose[lang]);
        expect(text).toContain(a.retention[lang]);
        for (const s of a.safeguards) expect(text).toContain(s[lang]);
        const section = res.body.slice(res.body.indexOf(`data-activity="${a.id}"`)).split('</section>')[0]!;
        for (const c of new Set(a.data.map((d) => d.category))) expect(section).toContain(`data-category="${c}"`);
        for (const r of a.recipients) expect(section).toContain(`data-recipient="${r}"`);
      }
      // Specific data (UU PDP art. 4(2)) is marked as such where it is processed: the family card's children, health, money.
      const specificIn = (activity: string) => {
        const section = res.body.slice(res.body.indexOf(`data-activity="${activity}"`)).split('</section>')[0]!;
        return [...section.matchAll(/data-category="([a-z_]+)">[^<]*<strong[^>]*data-specific/g)].map((m) => m[1]);
      };
      expect(specificIn('documents')).toEqual(['children', 'health']);
      expect(specificIn('payments')).toEqual(['financial']);
      expect(specificIn('appointments_queue')).toEqual(['health']);
      expect(text).toContain(lang === 'id' ? 'data spesifik' : 'specific data');
      // The page speaks to citizens: no table or column names, never a NIK.
      expect(res.body).not.toContain('nik_encrypted');
      expect(res.body).not.toMatch(/\b\d{16}\b/);
    }
  });
});
