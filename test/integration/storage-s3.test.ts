/**
 * The app with STORAGE_DRIVER=s3 against a real S3-compatible server (s3rver), on SQLite and PostgreSQL:
 * an applicant's document goes into the bucket under its tenant and SHA-256 and comes back byte for byte,
 * only to its owner; a 12 MB drawing goes up and down (multipart); a replaced draft document's object is
 * swept once idle; an issued permit's PDF is kept in and downloaded from the bucket; nothing is written to the local storage directory.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { createS3Client } from '../../src/documents/s3-storage.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { issuedPermit, validAnswers } from '../helpers/journeys.js';
import { startS3, type TestS3 } from '../helpers/s3.js';

type DocView = { id: string; sha256: string; sizeBytes: number };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const MB = 1048576;

/** A valid PDF of about `bytes` bytes, different on every call (the demo PDF with a long trailing comment). */
function pdfOf(bytes: number): Buffer {
  const tag = Buffer.from(`%izol-s3-${Math.random()}\n`);
  return Buffer.concat([DEMO_PDF, tag, Buffer.alloc(Math.max(0, bytes - DEMO_PDF.length - tag.length), '%')]);
}

describe.each(DIALECTS)('documents and permit PDFs in an S3 bucket (%s)', (dialect) => {
  let s3: TestS3;
  let client: S3Client;
  let ctx: TestContext;
  let citizen: { token: string; userId: string };
  let other: string;
  let draftId: string;

  beforeAll(async () => {
    s3 = await startS3();
    client = createS3Client(s3.config);
    ctx = await createTestContext(dialect, s3.env);
    citizen = await userWithToken(ctx, 'applicant');
    other = (await userWithToken(ctx, 'applicant')).token;
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizen.token),
      payload: { permitTypeCode: 'REKLAME', answers: await validAnswers(ctx, 'REKLAME') },
    });
    expect(created.statusCode, created.body).toBe(201);
    draftId = json<{ id: string }>(created).id;
  });
  afterAll(async () => {
    await ctx?.close();
    client?.destroy();
    await s3?.stop();
  });

  const objectBytes = async (key: string) =>
    Buffer.from(await (await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: key }))).Body!.transformToByteArray());
  const keys = async () => ((await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))).Contents ?? []).map((o) => o.Key!);

  function upload(requirement: string, fileName: string, content: Buffer, token = citizen.token) {
    const file = multipartFile(fileName, content, 'application/pdf');
    return ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${draftId}/documents/${requirement}`,
      headers: { ...auth(token), ...file.headers },
      payload: file.payload,
    });
  }

  it('keeps an uploaded document in the bucket under <tenant>/<sha[0:2]>/<sha>, gives it back to its owner only', async () => {
    const content = pdfOf(40_000);
    const res = await upload('ktp', 'KTP Wulan.pdf', content);
    expect(res.statusCode, res.body).toBe(201);
    const doc = json<DocView>(res);
    expect(doc.sha256).toBe(sha256(content));
    const key = `${ctx.tenant.id}/${doc.sha256.slice(0, 2)}/${doc.sha256}`;
    expect((await objectBytes(key)).equals(content)).toBe(true);
    expect((await keys()).some((k) => k.includes('KTP') || k.endsWith('.pdf'))).toBe(false);
    expect((await keys()).filter((k) => k.startsWith('tmp/'))).toEqual([]);

    const back = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(citizen.token) });
    expect(back.statusCode).toBe(200);
    expect(back.rawPayload.equals(content)).toBe(true);

    const stranger = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(other) });
    expect([403, 404]).toContain(stranger.statusCode);
    expect(stranger.rawPayload.includes(Buffer.from('%PDF'))).toBe(false);
    const anonymous = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('takes a 12 MB drawing up and gives it back byte for byte', async () => {
    const content = pdfOf(12 * MB);
    const res = await upload('construction_plan', 'gambar-konstruksi.pdf', content);
    expect(res.statusCode, res.body).toBe(201);
    const doc = json<DocView>(res);
    expect(doc).toMatchObject({ sha256: sha256(content), sizeBytes: content.length });
    const back = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(citizen.token) });
    expect(back.statusCode).toBe(200);
    expect(sha256(back.rawPayload)).toBe(doc.sha256);
    expect((await keys()).filter((k) => k.startsWith('tmp/'))).toEqual([]);
  });

  it('refuses a file over its requirement’s limit and keeps nothing of it in the bucket', async () => {
    const before = await keys();
    const res = await upload('ktp', 'ktp-besar.pdf', pdfOf(3 * MB));
    expect(res.statusCode).toBe(413);
    expect(await keys()).toEqual(before);
  });

  it('replacing a draft document: the sweep deletes the old object from the bucket once idle, and keeps the current one', async () => {
    const v1 = pdfOf(20_000);
    const v2 = pdfOf(20_000);
    expect((await upload('pbg', 'pbg.pdf', v1)).statusCode).toBe(201);
    expect((await upload('pbg', 'pbg-baru.pdf', v2)).statusCode).toBe(201);
    const key = (b: Buffer) => `${ctx.tenant.id}/${sha256(b).slice(0, 2)}/${sha256(b)}`;
    const sweep = () => ctx.services.jobs.find((j) => j.name === 'documents.file_sweep')!.run(ctx.clock);
    await sweep();
    // Within the grace period the pruned version's object stays.
    expect(await keys()).toContain(key(v1));
    ctx.clock.advanceMinutes(16);
    await sweep();
    expect(await keys()).not.toContain(key(v1));
    expect(await keys()).toContain(key(v2));
    expect((await keys()).filter((k) => k.startsWith('tmp/'))).toEqual([]);
  });

  it('issues a permit whose signed PDF is kept in the bucket and downloads from it', async () => {
    const t = async (role: 'verifier' | 'technical' | 'head') => (await userWithToken(ctx, role)).token;
    const staff = { verifier: await t('verifier'), technical: await t('technical'), head: await t('head') };
    const { permitId } = await issuedPermit(ctx, citizen.token, staff);
    const res = await ctx.app.inject({ url: `/api/v1/permits/${permitId}/pdf`, headers: auth(citizen.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const row = await ctx.db.selectFrom('permits').select(['pdf_sha256', 'tenant_id']).where('id', '=', permitId).executeTakeFirstOrThrow();
    expect(sha256(res.rawPayload)).toBe(row.pdf_sha256);
    expect((await objectBytes(`${row.tenant_id}/${row.pdf_sha256.slice(0, 2)}/${row.pdf_sha256}`)).equals(res.rawPayload)).toBe(true);

    const stranger = await ctx.app.inject({ url: `/api/v1/permits/${permitId}/pdf`, headers: auth(other) });
    expect([403, 404]).toContain(stranger.statusCode);
    expect(stranger.rawPayload.includes(Buffer.from('%PDF'))).toBe(false);
  });

  it('wrote nothing to the local storage directory', () => {
    const files = fs.existsSync(ctx.storageDir) ? fs.readdirSync(ctx.storageDir, { recursive: true }) : [];
    expect(files).toEqual([]);
  });
});
