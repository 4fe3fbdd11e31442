import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { prepareOffices } from '../../src/bootstrap.js';
import { DEFAULT_CATALOGUE_DIR, loadCatalogueRelease } from '../../src/catalogue/catalogue.loader.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createServices, type Services } from '../../src/services.js';
import { insertTenant } from '../../src/tenants/tenants.repository.js';
import { createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';

type TypeJson = { code: string; name: { id: string; en: string } } & Record<string, unknown>;
const dirs: string[] = [];

/** A copy of the seed catalogue folder with another release number and some permit types changed. */
function catalogueCopy(release: number, edit: (types: TypeJson[]) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-release-'));
  dirs.push(dir);
  for (const f of ['workflows.json', 'permit-types.json', 'catalogue-release.json']) fs.copyFileSync(path.join(DEFAULT_CATALOGUE_DIR, f), path.join(dir, f));
  const types = JSON.parse(fs.readFileSync(path.join(dir, 'permit-types.json'), 'utf8')) as TypeJson[];
  edit(types);
  fs.writeFileSync(path.join(dir, 'permit-types.json'), JSON.stringify(types, null, 2));
  fs.writeFileSync(path.join(dir, 'catalogue-release.json'), JSON.stringify({ release }));
  return dir;
}
const rename = (types: TypeJson[], code: string, id: string) => {
  const t = types.find((x) => x.code === code)!;
  t.name = { id, en: `${id} (en)` };
};

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe.each(DIALECTS)('catalogue releases and admin edits across restarts (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: Actor;
  const seedRelease = loadCatalogueRelease();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await userWithToken(ctx, 'admin');
    admin = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Malang' };
  });
  afterAll(async () => ctx?.close());

  /** A restart: new services over the same database, and what server.ts does at start. */
  async function restart(release = seedRelease): Promise<Services> {
    const services = createServices({ config: ctx.services.config, db: ctx.db, clock: ctx.clock });
    await prepareOffices(services, { demo: true, release });
    return services;
  }
  const current = async (services: Services, code: string) => services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
  const adoptedRelease = async () =>
    (await ctx.db.selectFrom('tenants').select('catalogue_release').where('id', '=', ctx.tenant.id).executeTakeFirstOrThrow()).catalogue_release;
  const audits = async (action: string) =>
    (await ctx.db.selectFrom('audit_events').select('data').where('tenant_id', '=', ctx.tenant.id).where('action', '=', action).execute()).map(
      (r) => JSON.parse(r.data ?? 'null') as Record<string, unknown>,
    );

  it('the office records the release it adopted', async () => {
    expect(await adoptedRelease()).toBe(seedRelease.release);
    expect(await audits('catalogue.release_adopted')).toEqual([
      expect.objectContaining({ release: seedRelease.release, created: seedRelease.catalogue.permitTypes.length }),
    ]);
  });

  it('an admin’s published edit is still current after a restart', async () => {
    const pbg = await ctx.services.catalogueAdmin.getType({ actor: admin, code: 'PBG' });
    const edited = { ...pbg.definition, name: { id: 'PBG (diubah admin)', en: 'PBG (edited by the admin)' } };
    const { version, published } = await ctx.services.catalogueAdmin.publishDefinition({
      actor: admin,
      code: 'PBG',
      baseVersion: pbg.version,
      text: JSON.stringify(edited),
    });
    expect(published).toBe(true);

    const after = await restart();
    const now = await current(after, 'PBG');
    expect(now.version).toBe(version);
    expect(now.definition.name.id).toBe('PBG (diubah admin)');
    // Before releases, every start put the seed files back over it: that would have been one more version.
    expect((await ctx.db.selectFrom('permit_type_versions').select('id').where('permit_type_id', '=', now.permitTypeId).execute()).length).toBe(version);
  });

  it('changed files under the same release change nothing at a start', async () => {
    const reklame = await current(ctx.services, 'REKLAME');
    const after = await restart(loadCatalogueRelease(catalogueCopy(seedRelease.release, (types) => rename(types, 'REKLAME', 'Reklame tanpa rilis baru'))));
    expect(await current(after, 'REKLAME')).toMatchObject({ version: reklame.version, definition: { name: reklame.definition.name } });
    expect(await adoptedRelease()).toBe(seedRelease.release);
  });

  it('a newer release adds its changes to the untouched types and keeps the admin’s version, recorded in the audit trail', async () => {
    const pbg = await current(ctx.services, 'PBG');
    const reklame = await current(ctx.services, 'REKLAME');
    const newer = seedRelease.release + 1;
    const dir = catalogueCopy(newer, (types) => {
      rename(types, 'REKLAME', 'Izin Reklame (rilis baru)');
      rename(types, 'PBG', 'PBG (rilis baru)');
      const copy = structuredClone(types.find((t) => t.code === 'NIB')!);
      copy.code = 'NIBBARU';
      types.push(copy);
    });
    const after = await restart(loadCatalogueRelease(dir));

    expect(await current(after, 'REKLAME')).toMatchObject({ version: reklame.version + 1, definition: { name: { id: 'Izin Reklame (rilis baru)' } } });
    expect((await current(after, 'NIBBARU')).version).toBe(1);
    expect(await current(after, 'PBG')).toMatchObject({ version: pbg.version, definition: { name: { id: 'PBG (diubah admin)' } } });
    expect(await adoptedRelease()).toBe(newer);
    expect(await audits('catalogue.release_kept')).toEqual([expect.objectContaining({ code: 'PBG', release: newer, keptVersion: pbg.version })]);
    expect((await audits('catalogue.release_adopted')).at(-1)).toMatchObject({ release: newer, created: 1, versioned: 1, kept: ['PBG'] });

    // The next start with the same files does nothing more.
    const again = await restart(loadCatalogueRelease(dir));
    expect((await current(again, 'REKLAME')).version).toBe(reklame.version + 1);
    expect(await audits('catalogue.release_adopted')).toHaveLength(2);
  });

  it('two instances starting at once with a newer release adopt it once', async () => {
    const newer = seedRelease.release + 2;
    const release = loadCatalogueRelease(catalogueCopy(newer, (types) => rename(types, 'SIPDOK', 'SIP Dokter (rilis ketiga)')));
    const sip = await current(ctx.services, 'SIPDOK');
    const a = createServices({ config: ctx.services.config, db: ctx.db, clock: ctx.clock });
    const b = createServices({ config: ctx.services.config, db: ctx.db, clock: ctx.clock });
    await Promise.all([prepareOffices(a, { demo: true, release }), prepareOffices(b, { demo: true, release })]);
    expect((await current(a, 'SIPDOK')).version).toBe(sip.version + 1);
    expect((await audits('catalogue.release_adopted')).filter((d) => d.release === newer)).toHaveLength(1);
  });

  it('a production start makes no demo office; an office without a catalogue gets one whatever release it recorded', async () => {
    const database = await createTestDatabase(dialect);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, STORAGE_DIR: `${database.dir}/files`, LOG_LEVEL: 'silent' });
    const db = createDatabase(config.database);
    try {
      await migrateToLatest(db);
      const services = createServices({ config, db, clock: ctx.clock });
      expect(await prepareOffices(services, { demo: false, release: seedRelease })).toEqual({ offices: [], demo: null });
      expect(await db.selectFrom('tenants').select('id').execute()).toEqual([]);

      const kediri = await insertTenant(db, {
        code: 'KDR',
        name: 'DPMPTSP Kota Kediri',
        timeZone: 'Asia/Jakarta',
        hostnames: ['izin.kediri.go.id'],
        branding: {},
        now: ctx.clock.now().toISOString(),
      });
      await db.updateTable('tenants').set({ catalogue_release: 99 }).where('id', '=', kediri.id).execute();
      const { offices } = await prepareOffices(services, { demo: false, release: seedRelease });
      expect(offices.map((o) => o.code)).toEqual(['KDR']);
      expect(await services.catalogue.listPermitTypes({ tenantId: kediri.id })).toHaveLength(seedRelease.catalogue.permitTypes.length);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
  it('release 3 (issue 16): an office still on release 2 takes the explanations, hints and answer checks at its next start', async () => {
    expect(seedRelease.release).toBeGreaterThanOrEqual(3);
    const database = await createTestDatabase(dialect);
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, STORAGE_DIR: `${database.dir}/files`, LOG_LEVEL: 'silent' });
    const db = createDatabase(config.database);
    try {
      await migrateToLatest(db);
      const services = createServices({ config, db, clock: ctx.clock });
      const blitar = await insertTenant(db, {
        code: 'BLT',
        name: 'DPMPTSP Kota Blitar',
        timeZone: 'Asia/Jakarta',
        hostnames: ['izin.blitarkota.go.id'],
        branding: {},
        now: ctx.clock.now().toISOString(),
      });
      // Release 2 as it was: no explanations, no answer checks, the old question and the office's note in the legal basis.
      const release2 = catalogueCopy(2, (types) => {
        for (const t of types as unknown as {
          code: string;
          requirements: Record<string, unknown>[];
          fields: Record<string, unknown>[];
          legalBasis: string[];
        }[]) {
          for (const r of t.requirements) {
            delete r.explanation;
            delete r.obtainedBy;
          }
          delete (t as Record<string, unknown>).answerChecks;
          if (t.code === 'PBG') {
            t.fields.find((f) => f.name === 'buildingWorkType')!.label = { id: 'Jenis pekerjaan', en: 'Type of work' };
            t.legalBasis[4] = 'Peraturan Daerah Kota Malang tentang Pajak Daerah dan Retribusi Daerah (nomor dan tahun kantor cek)';
          }
        }
      });
      await prepareOffices(services, { demo: false, release: loadCatalogueRelease(release2) });
      const before = await services.catalogue.getPermitType({ tenantId: blitar.id, code: 'PBG' });
      expect(before.definition.answerChecks).toEqual([]);
      expect(before.definition.requirements[0]!.explanation).toBeUndefined();

      await prepareOffices(createServices({ config, db, clock: ctx.clock }), { demo: false, release: seedRelease });
      const after = await services.catalogue.getPermitType({ tenantId: blitar.id, code: 'PBG' });
      expect(after.version).toBe(before.version + 1);
      expect(after.definition.answerChecks.map((c) => [c.when.in[0], c.field])).toEqual([
        ['housing_small', 'floorArea'],
        ['housing_small', 'floorCount'],
        ['mixed_small', 'floorArea'],
        ['mixed_small', 'floorCount'],
      ]);
      expect(after.definition.fields.find((f) => f.name === 'buildingWorkType')!.label.id).toBe('Apa yang akan Anda bangun?');
      expect(after.definition.requirements.every((r) => r.explanation?.id && r.explanation.en)).toBe(true);
      expect(after.definition.legalBasis.join(' ')).not.toContain('cek');
      expect((await db.selectFrom('tenants').select('catalogue_release').where('id', '=', blitar.id).executeTakeFirstOrThrow()).catalogue_release).toBe(
        seedRelease.release,
      );
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
