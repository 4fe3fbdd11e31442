/**
 * The registry's open-data export (issue 15, item 6), on SQLite and PostgreSQL: correct, kept until the
 * office's next issuance or revocation (ETag, 304, and a kept copy that is not checked again), sent
 * gzip-compressed to a client that takes it and plain to one that does not, and changed after an
 * issuance and after a revocation, which also brings a fresh check of every row.
 */
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit } from '../helpers/journeys.js';

type Exported = { PermitNum: string; StatusCurrent: string; HolderName: string };

describe.each(DIALECTS)('the registry export (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: string;
  const staff = { verifier: '', technical: '', treasurer: '', head: '' };
  let first: Awaited<ReturnType<typeof issuedPermit>>;
  let second: Awaited<ReturnType<typeof issuedPermit>>;

  const exportJson = (headers: Record<string, string> = {}) => ctx.app.inject({ url: '/api/v1/registry/export.json', headers });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = (await userWithToken(ctx, 'applicant')).token;
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) staff[role] = (await userWithToken(ctx, role)).token;
    first = await issuedPermit(ctx, applicant, staff, 'REKLAME');
    second = await issuedPermit(ctx, applicant, staff, 'REKLAME');
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('is kept until the next issuance or revocation, with an ETag, and changes after each', async () => {
    const res = await exportJson();
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-encoding']).toBeUndefined();
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    const records = json<Exported[]>(res);
    expect(records.map((r) => r.PermitNum).sort()).toEqual([first.number, second.number].sort());
    expect(records.every((r) => r.StatusCurrent === 'valid')).toBe(true);

    // A browser or a downloader that takes gzip gets the same export compressed; one that has it, a 304.
    const zipped = await exportJson({ 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.etag).toBe(etag);
    expect(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8'))).toEqual(records);
    const revalidated = await exportJson({ 'if-none-match': etag });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');

    // The kept copy is not checked again: a row edited in the database (its holder's name no longer what
    // was signed) is still published as it was signed, under the same ETag, until the export changes.
    await ctx.db.updateTable('permits').set({ holder_name: 'Nama Diubah' }).where('id', '=', first.permitId).execute();
    const kept = await exportJson();
    expect(kept.headers.etag).toBe(etag);
    expect(json<Exported[]>(kept)).toEqual(records);

    // A revocation changes the export: the revoked permit says so, and the rebuilt export checks every
    // row again, so the edited one is left out.
    const revoke = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${second.permitId}/revoke`,
      headers: auth(staff.head),
      payload: { reason: 'Reklame dipasang di luar titik yang diizinkan.' },
    });
    expect(revoke.statusCode, revoke.body).toBe(200);
    const afterRevocation = await exportJson({ 'if-none-match': etag });
    expect(afterRevocation.statusCode).toBe(200);
    const revokedEtag = afterRevocation.headers.etag as string;
    expect(revokedEtag).not.toBe(etag);
    expect(json<Exported[]>(afterRevocation).map((r) => [r.PermitNum, r.StatusCurrent])).toEqual([[second.number, 'revoked']]);

    // An issuance changes it again.
    const third = await issuedPermit(ctx, applicant, staff, 'REKLAME');
    const afterIssuance = await exportJson({ 'if-none-match': revokedEtag });
    expect(afterIssuance.statusCode).toBe(200);
    expect(afterIssuance.headers.etag).not.toBe(revokedEtag);
    expect(
      json<Exported[]>(afterIssuance)
        .map((r) => r.PermitNum)
        .sort(),
    ).toEqual([second.number, third.number].sort());
  }, 240_000);

  it('sends the CSV from the same kept export, with its own ETag per filter', async () => {
    const csv = await ctx.app.inject({ url: '/api/v1/registry/export.csv' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^PermitNum,/);
    expect(lines).toHaveLength(3); // the header, the revoked permit and the third one
    const filtered = await ctx.app.inject({ url: '/api/v1/registry/export.csv?status=revoked' });
    expect(filtered.body.trimEnd().split('\r\n')).toHaveLength(2);
    expect(filtered.headers.etag).not.toBe(csv.headers.etag);
    expect(
      (await ctx.app.inject({ url: '/api/v1/registry/export.csv?status=revoked', headers: { 'if-none-match': filtered.headers.etag as string } })).statusCode,
    ).toBe(304);
  });
});
