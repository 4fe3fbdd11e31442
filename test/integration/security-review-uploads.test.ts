import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { minimalPdf } from '../../src/demo/demo-files.js';
import { createDocumentService } from '../../src/documents/documents.service.js';
import { createSignatureScanner } from '../../src/documents/scanner.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';
import { Readable } from 'node:stream';

/**
 * Security review (issue 10, item 6): uploads had no rate limit or quota (one applicant stored 15
 * versions, 28.5 MB, in a quarter of a second). Now: 10 replacements a minute per account; a draft keeps
 * only the current version of each document (the superseded file is deleted from storage, an audit
 * row keeps its hash); a filed application keeps every version as evidence, up to 10 per document
 * and 100 MB in all.
 */
describe.each(DIALECTS)('security review: upload rate, quota and pruning (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  let verifier: { token: string };
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    verifier = await userWithToken(ctx, 'verifier');
  });
  afterAll(async () => ctx?.close());

  let n = 0;
  const pdf = () => minimalPdf(`Versi ${++n} ${Math.random()}`);
  const put = (token: string, id: string, requirement: string, content = pdf()) => {
    const file = multipartFile(`${requirement}.pdf`, content, 'application/pdf');
    return ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/${requirement}`,
      headers: { ...auth(token), ...file.headers },
      payload: file.payload,
    });
  };
  const versions = (id: string, requirement: string) =>
    ctx.db
      .selectFrom('documents')
      .select(['id', 'version', 'sha256', 'superseded_at'])
      .where('application_id', '=', id)
      .where('requirement_code', '=', requirement)
      .orderBy('version')
      .execute();
  const stored = (sha256: string) => ctx.services.storage.exists(ctx.tenant.id, sha256);

  it('takes 10 replacements a minute from one account and answers the rest 429 with Retry-After, before storing anything', async () => {
    ctx.clock.advanceMinutes(5);
    const id = await readyDraft(ctx, applicant.token);
    ctx.clock.advanceMinutes(2);
    const results = [];
    for (let i = 0; i < 15; i++) results.push(await put(applicant.token, id, 'ktp'));
    expect(results.map((r) => r.statusCode)).toEqual([...Array<number>(10).fill(201), ...Array<number>(5).fill(429)]);
    // A first upload for another document is not held back.
    expect((await put(applicant.token, id, 'pbg')).statusCode).toBe(201);
    expect(results[14]!.json<{ code: string }>().code).toBe('too_many_attempts');
    expect(Number(results[14]!.headers['retry-after'])).toBeGreaterThan(0);
    // The draft keeps one version of the document, whatever was sent.
    const kept = await versions(id, 'ktp');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ superseded_at: null });
    // A minute later the account may upload again.
    ctx.clock.advanceMinutes(1);
    expect((await put(applicant.token, id, 'ktp')).statusCode).toBe(201);
  });

  it("prunes a draft's superseded version: the row and its file go, an audit row keeps its hash; a file another row needs stays", async () => {
    ctx.clock.advanceMinutes(2);
    const id = await readyDraft(ctx, applicant.token);
    expect((await put(applicant.token, id, 'npwpd')).statusCode).toBe(201);
    const [first] = await versions(id, 'npwpd');
    expect(await stored(first!.sha256)).toBe(true);
    // Another application holds the same bytes as the next version (storage is content-addressed).
    const shared = pdf();
    ctx.clock.advanceMinutes(2);
    const otherId = await readyDraft(ctx, applicant.token);
    expect((await put(applicant.token, otherId, 'pbg', shared)).statusCode).toBe(201);
    expect((await put(applicant.token, id, 'npwpd', shared)).statusCode).toBe(201);
    expect(await stored(first!.sha256)).toBe(false);
    expect((await put(applicant.token, id, 'npwpd')).statusCode).toBe(201);
    const now = await versions(id, 'npwpd');
    expect(now).toHaveLength(1);
    expect(now[0]!.version).toBe(4);
    expect(await stored(now[0]!.sha256)).toBe(true);
    // The shared file is still there for the other application, and still downloads.
    const [otherDoc] = await versions(otherId, 'pbg');
    const download = await ctx.app.inject({ url: `/api/v1/applications/${otherId}/documents/${otherDoc!.id}`, headers: auth(applicant.token) });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(shared)).toBe(true);
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['subject_id', 'data'])
      .where('action', '=', 'document.pruned')
      .where('subject_id', '=', first!.id)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ applicationId: id, requirement: 'npwpd', version: 2, sha256: first!.sha256 });
  });

  it('keeps every version once the file was filed, up to 10 per document (then 409, nothing stored)', async () => {
    ctx.clock.advanceMinutes(2);
    const id = await readyDraft(ctx, applicant.token);
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    expect((await act(ctx, verifier.token, id, 'start_verification')).statusCode).toBe(200);
    expect((await act(ctx, verifier.token, id, 'return_to_applicant', { reason: 'KTP kurang jelas, unggah ulang.' })).statusCode).toBe(200);
    for (let v = 2; v <= 10; v++) {
      if (v % 5 === 0) ctx.clock.advanceMinutes(1);
      expect((await put(applicant.token, id, 'ktp')).statusCode, `version ${v}`).toBe(201);
    }
    const all = await versions(id, 'ktp');
    expect(all.map((d) => d.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const d of all) expect(await stored(d.sha256)).toBe(true);
    ctx.clock.advanceMinutes(1);
    const eleventh = await put(applicant.token, id, 'ktp');
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.json<{ code: string; detail: string }>()).toMatchObject({ code: 'upload_quota_exceeded' });
    expect(eleventh.json<{ detail: string }>().detail).toContain('10 versi');
    expect(await versions(id, 'ktp')).toHaveLength(10);
  });

  it('refuses an upload past the bytes one application may keep, storing nothing', async () => {
    ctx.clock.advanceMinutes(2);
    const id = await readyDraft(ctx, applicant.token);
    const use = await ctx.db
      .selectFrom('documents')
      .select((eb) => eb.fn.sum<number>('size_bytes').as('b'))
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    const documents = createDocumentService({
      db: ctx.db,
      clock: ctx.clock,
      storage: ctx.services.storage,
      scanner: createSignatureScanner(),
      catalogue: ctx.services.catalogue,
      maxUploadBytes: ctx.services.config.maxUploadBytes,
      limits: { maxApplicationBytes: Number(use.b) + 100 },
    });
    const actor = (await ctx.services.auth.authenticate({ tenantId: ctx.tenant.id, token: applicant.token, kind: 'bearer' }))!;
    const big = Buffer.concat([pdf(), Buffer.alloc(2000, 0x20)]);
    await expect(
      documents.uploadDocument({
        actor,
        applicationId: id,
        requirementCode: 'pbg',
        fileName: 'pbg.pdf',
        claimedType: 'application/pdf',
        source: Readable.from([big]),
      }),
    ).rejects.toMatchObject({ code: 'upload_quota_exceeded' });
    expect(await versions(id, 'pbg')).toEqual([]);
  });
});
