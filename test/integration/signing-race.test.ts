/**
 * Two instances signing an office's first document at the same moment (two app instances, each with
 * its own database connection, on one database; SQLite and PostgreSQL): the office still gets one
 * Ed25519 signing key and one PDF-signing certificate, and both instances use it. The database says
 * so (migration 0044: at most one current key and one current certificate per office); the instance
 * that loses the race reads the winner's back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { isoNow } from '../../src/shared/time.js';
import { insertTenant } from '../../src/tenants/tenants.repository.js';
import { createTestDatabase, DIALECTS } from '../helpers/databases.js';
import { contextOnDatabase } from '../helpers/crash-scenario.js';
import { createTestContext, type TestContext } from '../helpers/context.js';

describe.each(DIALECTS)('an office first signing on two instances at once (%s)', (dialect) => {
  let a: TestContext;
  let b: TestContext;
  let offices = 0;

  beforeAll(async () => {
    a = await createTestContext(dialect);
    b = await contextOnDatabase(a.databaseUrl, a.storageDir);
  }, 120_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  /** An office that has signed nothing yet: no key, no certificate. */
  async function newOffice() {
    offices++;
    const code = `RACE${String.fromCharCode(64 + offices)}`;
    return insertTenant(a.db, {
      code,
      name: `Kantor ${code}`,
      timeZone: 'Asia/Jakarta',
      hostnames: [`${code.toLowerCase()}.izol.test`],
      branding: {},
      now: isoNow(a.clock),
    });
  }

  it('makes one PDF-signing certificate per office, which both instances sign with', async () => {
    for (let i = 0; i < 5; i++) {
      const office = await newOffice();
      const [fromA, fromB] = await Promise.all([a.services.signer.pdf.ensureCertificate(office.id), b.services.signer.pdf.ensureCertificate(office.id)]);
      expect(fromB).toBe(fromA);
      // Each instance, asked again (from its own connection), signs with that certificate.
      expect(await a.services.signer.pdf.ensureCertificate(office.id)).toBe(fromA);
      expect(await b.services.signer.pdf.ensureCertificate(office.id)).toBe(fromA);
      const published = await b.services.signer.pdf.certificates(office.id);
      expect(published.map((c) => [c.id, c.retiredAt])).toEqual([[fromA, null]]);
    }
  }, 120_000);

  it('makes one signing key per office, which both instances sign with', async () => {
    for (let i = 0; i < 5; i++) {
      const office = await newOffice();
      const [fromA, fromB] = await Promise.all([a.services.signer.keyId(office.id), b.services.signer.keyId(office.id)]);
      expect(fromB).toBe(fromA);
      const [signedA, signedB] = await Promise.all([a.services.signer.sign(office.id, Buffer.from('x')), b.services.signer.sign(office.id, Buffer.from('y'))]);
      expect([signedA.keyId, signedB.keyId]).toEqual([fromA, fromA]);
      expect((await a.services.signer.publicKeys(office.id)).map((k) => [k.keyId, k.retiredAt])).toEqual([[fromA, null]]);
    }
  }, 120_000);

  it('still rotates: a new current key and certificate, the old ones retired', async () => {
    const office = await newOffice();
    const oldCertificate = await a.services.signer.pdf.ensureCertificate(office.id);
    const oldKey = await a.services.signer.keyId(office.id);
    const { keyId } = await b.services.signer.rotate(office.id);
    expect(keyId).not.toBe(oldKey);
    expect(await a.services.signer.keyId(office.id)).toBe(keyId);
    const certificates = await a.services.signer.pdf.certificates(office.id);
    expect(certificates.filter((c) => c.retiredAt === null)).toHaveLength(1);
    expect(certificates.find((c) => c.id === oldCertificate)?.retiredAt).not.toBeNull();
  }, 120_000);

  it('leaves an office that already has two current keys and certificates with the newest of each current (migration 0044)', async () => {
    const database = await createTestDatabase(dialect);
    const db = createDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url }).database);
    try {
      await migrateTo(db, '0041_cache_generations');
      const key = (id: string, at: string) => ({
        id,
        tenant_id: 't1',
        alg: 'Ed25519' as const,
        public_key_pem: 'p',
        private_key_encrypted: 'k',
        created_at: at,
        retired_at: null,
      });
      await db
        .insertInto('signing_keys')
        .values([
          key('k-old', '2026-01-01T00:00:00.000Z'),
          key('k-new', '2026-01-01T00:00:00.001Z'),
          { ...key('k-other', '2026-01-01T00:00:00.000Z'), tenant_id: 't2' },
        ])
        .execute();
      const certificate = (id: string, at: string) => ({
        id,
        tenant_id: 't1',
        root_id: 'r',
        subject: 's',
        serial: '1',
        certificate_pem: 'c',
        private_key_encrypted: 'k',
        created_at: at,
        not_after: '2036-01-01T00:00:00.000Z',
        retired_at: null,
      });
      await db
        .insertInto('pdf_signing_certificates')
        .values([certificate('c-a', '2026-01-01T00:00:00.000Z'), certificate('c-b', '2026-01-01T00:00:00.000Z')])
        .execute();
      await migrateToLatest(db);
      const current = async (table: 'signing_keys' | 'pdf_signing_certificates') =>
        (await db.selectFrom(table).select(['id']).where('retired_at', 'is', null).orderBy('id').execute()).map((r) => r.id);
      expect(await current('signing_keys')).toEqual(['k-new', 'k-other']);
      expect(await current('pdf_signing_certificates')).toEqual(['c-b']);
      // And from now on the database refuses a second current one.
      await expect(db.insertInto('pdf_signing_certificates').values(certificate('c-c', '2026-02-01T00:00:00.000Z')).execute()).rejects.toThrow();
    } finally {
      await db.destroy();
      await database.drop();
    }
  });
});
