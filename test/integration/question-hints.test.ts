/**
 * The citizen's questions and the catalogue's public text (issue 16, items 4 and 9), on SQLite and
 * PostgreSQL, through the pages a person uses without JavaScript and through the API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

describe.each(DIALECTS)('questions she can answer (%s)', (dialect) => {
  let ctx: TestContext;
  let visitor: PageClient;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    visitor = new PageClient(ctx);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('the PBG guide lists its legal basis without the note for the office, and shows no data note', async () => {
    const pbg = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'PBG' });
    expect(pbg.definition.dataNote).toContain('The office must check the number and year');
    for (const lang of ['id', 'en']) {
      await visitor.post('/bahasa', { lang, kembali: '/izin/PBG' });
      const guide = await visitor.get('/izin/PBG');
      expect(guide.body).toContain(lang === 'en' ? 'Building Approval (PBG)' : 'Persetujuan Bangunan Gedung (PBG)');
      expect(guide.statusCode).toBe(200);
      expect(guide.body).toContain('<li>Peraturan Daerah Kota Malang tentang Pajak Daerah dan Retribusi Daerah</li>');
      expect(guide.body).not.toContain('dicek');
      expect(guide.body).not.toContain('The office must check');
      expect(guide.body).not.toContain('SHST (unit price) for Kota Malang is uncertain');
    }
  });
});
