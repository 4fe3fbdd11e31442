/**
 * Signed status statements and the revocation list (issue 14, docs/verification.md), on SQLite and
 * PostgreSQL: a revocation, a correction and a renewal each leave a statement signed with the office key
 * and linked to its audit event; /.well-known/izol-revocations.json lists them by hashed number, sorted
 * and signed; and a revoked permit whose row is set back to 'valid' in the database is never "valid" on
 * the verification page, the /verifikasi form or the API. Statements signed by a retired key still verify.
 */
import { createHash, createPublicKey, randomUUID, verify as cryptoVerify } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { appendAudit } from '../../src/audit/audit.repository.js';
import { canonicalJson } from '../../src/shared/json.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { act, issuedPermit, uploadRequired } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

type Signed = { document: string; signature: { alg: string; keyId: string; signature: string } };
type Verification = {
  status: string;
  kind: string | null;
  problem?: string;
  permit?: { number: string; revokedAt: string | null; revocationReason: string | null; supersededBy: { number: string } | null };
  statements?: Signed[];
};
type RevocationList = {
  type: string;
  office: string;
  issuedAt: string;
  nextUpdate: string;
  keyId: string;
  hash: string;
  entries: { h: string; at: string; s: string }[];
  signature: string;
};
type Keys = { office: string; keys: { keyId: string; publicKeyPem: string; retiredAt: string | null }[] };

/** What an outside verifier does: the same canonical JSON (sorted keys, no whitespace), written here independently. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
}
const hashOf = (office: string, number: string) => createHash('sha256').update(`${office}:${number}`, 'utf8').digest('hex');

describe.each(DIALECTS)('status statements and the revocation list (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  const tokens: Record<'verifier' | 'technical' | 'treasurer' | 'head', string> = { verifier: '', technical: '', treasurer: '', head: '' };
  const officers: Partial<Record<Role, Actor>> = {};
  let revoked: Awaited<ReturnType<typeof issuedPermit>>;

  const verify = async (code: string) => json<Verification>(await ctx.app.inject({ url: `/api/v1/verify/${code}` }));
  const keys = async () => json<Keys>(await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json' }));
  const list = async () => json<RevocationList>(await ctx.app.inject({ url: '/.well-known/izol-revocations.json' }));
  const checkSignature = (k: Keys, keyId: string, text: string, signature: string) => {
    const key = k.keys.find((x) => x.keyId === keyId);
    expect(key, `key ${keyId} is published`).toBeDefined();
    return cryptoVerify(null, Buffer.from(text, 'utf8'), createPublicKey(key!.publicKeyPem), Buffer.from(signature, 'base64url'));
  };
  const statementRows = (permitId: string) => ctx.db.selectFrom('permit_status_statements').selectAll().where('permit_id', '=', permitId).execute();

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const u = await userWithToken(ctx, role);
      tokens[role] = u.token;
      officers[role] = { userId: u.userId, tenantId: ctx.tenant.id, role, name: `Test ${role}` };
    }
    revoked = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('a revocation leaves a signed statement, linked to its audit event, that verifies with the published key', async () => {
    expect(await statementRows(revoked.permitId)).toEqual([]);
    expect((await verify(revoked.verificationCode)).statements).toEqual([]);
    const listed = json<{ records: { PermitNum: string; StatusCurrent: string }[] }>(
      await ctx.app.inject({ url: `/api/v1/registry?q=${encodeURIComponent(revoked.number)}` }),
    );
    expect(listed.records).toEqual([expect.objectContaining({ PermitNum: revoked.number, StatusCurrent: 'valid' })]);
    const reason = 'Reklame dipasang di luar titik yang diizinkan.';
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/permits/${revoked.permitId}/revoke`, headers: auth(tokens.head), payload: { reason } });
    expect(res.statusCode, res.body).toBe(200);

    const [row, ...more] = await statementRows(revoked.permitId);
    expect(more).toEqual([]);
    const statement = JSON.parse(row!.document) as Record<string, unknown>;
    expect(statement).toEqual({
      type: 'izol.status/1',
      office: 'MLG',
      permit: revoked.number,
      status: 'revoked',
      reason,
      replacedBy: null,
      at: ctx.clock.now().toISOString(),
      auditEventId: row!.audit_event_id,
      keyId: row!.key_id,
    });
    expect(row!.document).toBe(canonical(statement));
    const audit = await ctx.db.selectFrom('audit_events').selectAll().where('id', '=', row!.audit_event_id).executeTakeFirstOrThrow();
    expect([audit.action, audit.subject_id]).toEqual(['permit.revoked', revoked.permitId]);

    // The public answer carries the statement; anyone checks it with the office's published key.
    const v = await verify(revoked.verificationCode);
    expect(v.status).toBe('revoked');
    expect(v.permit!.revocationReason).toBe(reason);
    const relisted = json<{ records: { PermitNum: string; StatusCurrent: string }[] }>(
      await ctx.app.inject({ url: `/api/v1/registry?q=${encodeURIComponent(revoked.number)}` }),
    );
    expect(relisted.records).toEqual([expect.objectContaining({ PermitNum: revoked.number, StatusCurrent: 'revoked' })]);
    expect(v.statements).toHaveLength(1);
    const published = v.statements![0]!;
    expect(published.document).toBe(row!.document);
    expect(checkSignature(await keys(), published.signature.keyId, published.document, published.signature.signature)).toBe(true);
    // One changed character and it no longer verifies.
    expect(checkSignature(await keys(), published.signature.keyId, published.document.replace('revoked', 'revokeD'), published.signature.signature)).toBe(
      false,
    );
  });

  it('the revocation list is signed, sorted, lists the hashed number, and holds for 24 hours', async () => {
    const other = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    await ctx.services.permits.revoke({ actor: officers.head!, permitId: other.permitId, reason: 'Pemegang izin meminta pencabutan.' });
    const res = await ctx.app.inject({ url: '/.well-known/izol-revocations.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    const l = json<RevocationList>(res);
    expect(Object.keys(l).sort()).toEqual(['entries', 'hash', 'issuedAt', 'keyId', 'nextUpdate', 'office', 'signature', 'type']);
    expect(l).toMatchObject({ type: 'izol.revocations/1', office: 'MLG', hash: 'sha256' });
    expect(Date.parse(l.nextUpdate) - Date.parse(l.issuedAt)).toBe(24 * 3600 * 1000);
    expect(l.issuedAt).toBe(ctx.clock.now().toISOString());
    const hashes = l.entries.map((e) => e.h);
    expect(hashes).toContain(hashOf('MLG', revoked.number));
    expect(hashes).toContain(hashOf('MLG', other.number));
    expect(hashes).toEqual([...hashes].sort());
    for (const e of l.entries) expect(e.h).toMatch(/^[0-9a-f]{64}$/);
    expect(l.entries.find((e) => e.h === hashOf('MLG', revoked.number))).toMatchObject({ s: 'revoked' });
    // The signature: Ed25519 over the canonical JSON of the list without "signature", with the published key.
    const { signature, ...unsigned } = l;
    expect(unsigned.keyId).toBe((await keys()).keys.find((k) => k.retiredAt === null)!.keyId);
    expect(checkSignature(await keys(), l.keyId, canonical(unsigned), signature)).toBe(true);
    expect(canonical(unsigned)).toBe(canonicalJson(unsigned));
    // A valid permit is not on it.
    const valid = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    expect((await list()).entries.map((e) => e.h)).not.toContain(hashOf('MLG', valid.number));
    // Cacheable: the same list comes back with its ETag, and If-None-Match gives 304.
    const first = await ctx.app.inject({ url: '/.well-known/izol-revocations.json' });
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const again = await ctx.app.inject({ url: '/.well-known/izol-revocations.json', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    // The next revocation changes it at once.
    await ctx.services.permits.revoke({ actor: officers.head!, permitId: valid.permitId, reason: 'Izin dicabut karena pelanggaran.' });
    const after = await ctx.app.inject({ url: '/.well-known/izol-revocations.json', headers: { 'if-none-match': etag } });
    expect(after.statusCode).toBe(200);
    expect(json<RevocationList>(after).entries.map((e) => e.h)).toContain(hashOf('MLG', valid.number));
  });

  it('DONE-WHEN: a revoked permit set back to valid in the database is never valid online (page, form, API, PDF check)', async () => {
    await ctx.db
      .updateTable('permits')
      .set({ status: 'valid', revoked_at: null, revoked_by: null, revocation_reason: null })
      .where('id', '=', revoked.permitId)
      .execute();
    const v = await verify(revoked.verificationCode);
    expect(v.status).not.toBe('valid');
    expect(v).toMatchObject({ status: 'not_authentic', kind: null, problem: 'status' });
    expect(v.statements).toHaveLength(1);
    const pdf = await ctx.app.inject({ url: `/api/v1/permits/${revoked.permitId}/pdf`, headers: auth(tokens.head) });
    expect((await ctx.services.permits.verifyPdf({ tenantId: ctx.tenant.id, bytes: pdf.rawPayload })).status).toBe('not_authentic');

    // The page the QR code opens, and the /verifikasi form (which sends the typed code there).
    const page = await ctx.app.inject({ url: `/v/${revoked.verificationCode}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-verification-status="not_authentic"');
    expect(page.body).not.toContain('data-verification-status="valid"');
    expect(page.body).toContain('data-problem="status"');
    expect(page.body).toContain('data-status-statement="revoked"');
    const form = await ctx.app.inject({ url: `/verifikasi?kode=${revoked.verificationCode.toLowerCase()}` });
    expect(form.statusCode).toBe(303);
    expect(form.headers.location).toBe(`/v/${revoked.verificationCode}`);
    expect((await ctx.app.inject({ url: form.headers.location })).body).toContain('data-verification-status="not_authentic"');

    // The revocation list is built from the signed statements: the edited row changes nothing there.
    expect((await list()).entries.map((e) => e.h)).toContain(hashOf('MLG', revoked.number));
    // Nor does the public registry publish the edited row as valid: it leaves it out.
    const registry = json<{ records: { PermitNum: string }[] }>(await ctx.app.inject({ url: `/api/v1/registry?q=${encodeURIComponent(revoked.number)}` }));
    expect(registry.records.map((r) => r.PermitNum)).not.toContain(revoked.number);
    const exported = json<{ PermitNum: string; StatusCurrent: string }[]>(await ctx.app.inject({ url: '/api/v1/registry/export.json' }));
    expect(exported.map((r) => r.PermitNum)).not.toContain(revoked.number);
    expect(exported.length).toBeGreaterThan(0);

    // Statements are append-only: neither edited nor removed.
    await expect(ctx.db.updateTable('permit_status_statements').set({ status: 'renewed' }).where('permit_id', '=', revoked.permitId).execute()).rejects.toThrow(
      /append-only/,
    );
    await expect(ctx.db.deleteFrom('permit_status_statements').where('permit_id', '=', revoked.permitId).execute()).rejects.toThrow(/append-only/);
  });

  it('a statement row nobody signed makes the permit not authentic and stays off the list', async () => {
    const victim = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    const [real] = await ctx.db.selectFrom('permit_status_statements').selectAll().limit(1).execute();
    const forged = { ...JSON.parse(real!.document), permit: victim.number } as Record<string, unknown>;
    await ctx.db
      .insertInto('permit_status_statements')
      .values({ ...real!, id: randomUUID(), permit_id: victim.permitId, document: canonical(forged) })
      .execute();
    expect(await verify(victim.verificationCode)).toMatchObject({ status: 'not_authentic', problem: 'status' });
    expect((await list()).entries.map((e) => e.h)).not.toContain(hashOf('MLG', victim.number));
  });

  it('a correction (re-issue) and a renewal each leave a signed statement naming the permit that replaces it', async () => {
    const k = await keys();
    // Correction.
    const corrected = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${corrected.permitId}/reissue`,
      headers: auth(tokens.head),
      payload: { reason: 'Nama pemegang salah ketik.', holderName: 'Siti Rahmawati' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = json<{ number: string; verificationCode: string }>(res);
    const [fix] = await statementRows(corrected.permitId);
    expect(JSON.parse(fix!.document)).toMatchObject({
      status: 'superseded',
      replacedBy: next.number,
      reason: 'Nama pemegang salah ketik.',
      permit: corrected.number,
    });
    expect(checkSignature(k, fix!.key_id, fix!.document, fix!.signature)).toBe(true);
    const audit = await ctx.db.selectFrom('audit_events').select(['action', 'subject_id']).where('id', '=', fix!.audit_event_id).executeTakeFirstOrThrow();
    expect(audit).toEqual({ action: 'permit.reissued', subject_id: corrected.permitId });
    const old = await verify(corrected.verificationCode);
    expect(old.status).toBe('superseded');
    expect(old.permit!.supersededBy!.number).toBe(next.number);
    expect((await verify(next.verificationCode)).status).toBe('valid');

    // Renewal: the holder renews, the office issues the renewal.
    const renewed = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    const draft = await ctx.app.inject({ method: 'POST', url: `/api/v1/permits/${renewed.permitId}/renew`, headers: auth(applicant.token) });
    expect(draft.statusCode, draft.body).toBe(201);
    const renewalId = json<{ applicationId: string }>(draft).applicationId;
    await uploadRequired(ctx, applicant.token, renewalId, 'REKLAME');
    expect((await act(ctx, applicant.token, renewalId, 'submit')).statusCode).toBe(200);
    expect(await carryToIssued(ctx, renewalId, officers)).toBe('issued');
    const newer = json<{ number: string }[]>(await ctx.app.inject({ url: `/api/v1/applications/${renewalId}/permits`, headers: auth(applicant.token) }))[0]!;
    const [renewal] = await statementRows(renewed.permitId);
    expect(JSON.parse(renewal!.document)).toMatchObject({ status: 'renewed', replacedBy: newer.number, reason: 'renewal', permit: renewed.number });
    expect(checkSignature(k, renewal!.key_id, renewal!.document, renewal!.signature)).toBe(true);
    const renewAudit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'subject_id'])
      .where('id', '=', renewal!.audit_event_id)
      .executeTakeFirstOrThrow();
    expect(renewAudit).toEqual({ action: 'permit.renewed', subject_id: renewed.permitId });
    expect((await verify(renewed.verificationCode)).status).toBe('superseded');

    const entries = (await list()).entries;
    expect(entries.find((e) => e.h === hashOf('MLG', corrected.number))).toMatchObject({ s: 'superseded', at: fix!.at });
    expect(entries.find((e) => e.h === hashOf('MLG', renewed.number))).toMatchObject({ s: 'superseded' });
    expect(entries.map((e) => e.h)).not.toContain(hashOf('MLG', next.number));
  }, 120_000);

  it('after a key rotation, statements signed by the retired key still verify; new ones and the list use the new key', async () => {
    const before = (await statementRows(revoked.permitId))[0]!;
    const { retired, keyId } = await ctx.services.signer.rotate(ctx.tenant.id);
    expect(retired).toContain(before.key_id);
    // Set the edited row back as the head left it: the permit is revoked again, by its old statement.
    const original = await ctx.db.selectFrom('audit_events').select('data').where('id', '=', before.audit_event_id).executeTakeFirstOrThrow();
    await ctx.db
      .updateTable('permits')
      .set({ status: 'revoked', revoked_at: before.at, revocation_reason: (JSON.parse(original.data) as { reason: string }).reason })
      .where('id', '=', revoked.permitId)
      .execute();
    const v = await verify(revoked.verificationCode);
    expect(v.status).toBe('revoked');
    const k = await keys();
    expect(k.keys.find((x) => x.keyId === before.key_id)!.retiredAt).not.toBeNull();
    expect(checkSignature(k, v.statements![0]!.signature.keyId, v.statements![0]!.document, v.statements![0]!.signature.signature)).toBe(true);
    const fresh = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    await ctx.services.permits.revoke({ actor: officers.head!, permitId: fresh.permitId, reason: 'Dicabut setelah rotasi kunci.' });
    expect((await statementRows(fresh.permitId))[0]!.key_id).toBe(keyId);
    const l = await list();
    expect(l.keyId).toBe(keyId);
    const { signature, ...unsigned } = l;
    expect(checkSignature(k, keyId, canonical(unsigned), signature)).toBe(true);
    expect(l.entries.map((e) => e.h)).toEqual(expect.arrayContaining([hashOf('MLG', revoked.number), hashOf('MLG', fresh.number)]));
  }, 120_000);

  it('a revocation made before statements existed is signed once at start; a status change whose statement is gone is not authentic', async () => {
    const legacy = await issuedPermit(ctx, applicant.token, tokens, 'REKLAME');
    const at = ctx.clock.now().toISOString();
    // As revoke() did before migration 0037: the row and its audit event, no statement.
    await ctx.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('permits')
        .set({ status: 'revoked', revoked_at: at, revoked_by: officers.head!.userId, revocation_reason: 'Dicabut sebelum pernyataan status.' })
        .where('id', '=', legacy.permitId)
        .execute();
      await appendAudit(trx, {
        tenantId: ctx.tenant.id,
        actorId: officers.head!.userId,
        action: 'permit.revoked',
        subjectType: 'permit',
        subjectId: legacy.permitId,
        data: { number: legacy.number, reason: 'Dicabut sebelum pernyataan status.' },
        occurredAt: at,
      });
    });
    expect((await verify(legacy.verificationCode)).status).toBe('not_authentic');
    const filled = await ctx.services.permits.signMissingStatements();
    expect(filled.signed).toBeGreaterThanOrEqual(1);
    const v = await verify(legacy.verificationCode);
    expect(v.status).toBe('revoked');
    expect(v.permit!.revocationReason).toBe('Dicabut sebelum pernyataan status.');
    expect((await list()).entries.map((e) => e.h)).toContain(hashOf('MLG', legacy.number));
    expect((await ctx.services.permits.signMissingStatements()).signed).toBe(0);

    // Someone with the database owner's rights drops the guard, deletes the statement and un-revokes the row:
    // the audit chain still records the revocation, so the answer is not authentic, never valid.
    if (dialect === 'postgres') await sql`DROP TRIGGER permit_status_statements_no_change ON permit_status_statements`.execute(ctx.db);
    else await sql`DROP TRIGGER permit_status_statements_no_delete`.execute(ctx.db);
    await ctx.db.deleteFrom('permit_status_statements').where('permit_id', '=', legacy.permitId).execute();
    await ctx.db
      .updateTable('permits')
      .set({ status: 'valid', revoked_at: null, revoked_by: null, revocation_reason: null })
      .where('id', '=', legacy.permitId)
      .execute();
    expect(await verify(legacy.verificationCode)).toMatchObject({ status: 'not_authentic', problem: 'status' });
  }, 120_000);
});
