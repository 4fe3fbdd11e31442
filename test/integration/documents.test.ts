import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDF, DEMO_PNG, solidPng } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft, validAnswers } from '../helpers/journeys.js';

type Problem = { status: number; code: string; detail: string };
type DocView = {
  id: string;
  requirementCode: string;
  version: number;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  sha256: string;
  reviewStatus: string;
};
type AppView = { id: string; state: { code: string }; requirements: { code: string; status: string; document: DocView | null }[] };

const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A distinct, valid PDF each call (same structure as the demo file, different trailing comment). */
let pdfCounter = 0;
function pdf(): Buffer {
  pdfCounter++;
  return Buffer.concat([DEMO_PDF, Buffer.from(`%izol-test-${pdfCounter}-${Math.random()}\n`)]);
}

/** Every file below `dir`, as paths relative to it. */
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe.each(DIALECTS)('document uploads and downloads (%s)', (dialect) => {
  let ctx: TestContext;
  let citizen: string;
  let verifier: { token: string; userId: string };
  let draftId: string;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    citizen = (await userWithToken(ctx, 'applicant')).token;
    verifier = await userWithToken(ctx, 'verifier');
    draftId = await newDraft();
  });
  afterAll(async () => ctx?.close());

  async function newDraft(code = 'REKLAME'): Promise<string> {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizen),
      payload: { permitTypeCode: code, answers: await validAnswers(ctx, code) },
    });
    expect(res.statusCode).toBe(201);
    return json<{ id: string }>(res).id;
  }

  function upload(id: string, requirement: string, fileName: string, content: Buffer, contentType = 'application/octet-stream', token = citizen) {
    const file = multipartFile(fileName, content, contentType);
    return ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/${requirement}`,
      headers: { ...auth(token), ...file.headers },
      payload: file.payload,
    });
  }

  async function documentRows(id: string, requirement?: string) {
    let q = ctx.db.selectFrom('documents').selectAll().where('application_id', '=', id);
    if (requirement) q = q.where('requirement_code', '=', requirement);
    return q.orderBy('version').execute();
  }

  const tmpFiles = () => filesUnder(path.join(ctx.storageDir, 'tmp'));

  it('accepts a real PDF and stores it under its SHA-256, not under the user’s file name (v5.0.0-5.3.2, FILES-3)', async () => {
    const content = pdf();
    const res = await upload(draftId, 'ktp', 'KTP Wulan.pdf', content, 'application/pdf');
    expect(res.statusCode).toBe(201);
    const doc = json<DocView>(res);
    expect(doc).toMatchObject({
      requirementCode: 'ktp',
      version: 1,
      fileName: 'KTP Wulan.pdf',
      mediaType: 'application/pdf',
      sizeBytes: content.length,
      sha256: sha256(content),
      reviewStatus: 'pending',
    });
    const stored = path.join(ctx.storageDir, ctx.tenant.id, doc.sha256.slice(0, 2), doc.sha256);
    expect(fs.readFileSync(stored).equals(content)).toBe(true);
    const all = filesUnder(ctx.storageDir);
    expect(all.some((f) => f.includes('KTP') || f.endsWith('.pdf'))).toBe(false);
    for (const f of all.filter((x) => !x.startsWith('tmp'))) expect(path.basename(f)).toMatch(/^[0-9a-f]{64}$/);
    expect(tmpFiles()).toEqual([]);
  });

  it('accepts a PNG for a requirement that allows images', async () => {
    const res = await upload(draftId, 'design_image', 'desain.png', DEMO_PNG, 'image/png');
    expect(res.statusCode).toBe(201);
    expect(json<DocView>(res).mediaType).toBe('image/png');
  });

  const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]), Buffer.alloc(56), Buffer.from('ELF payload')]);
  const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0'), Buffer.alloc(200)]);
  const ZIP = Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 0, 0]),
    Buffer.alloc(20),
    Buffer.from('document.pdf'),
    Buffer.from('%PDF-1.4'),
  ]);
  const HTML = Buffer.from('<!doctype html><html><body><script>alert(document.cookie)</script></body></html>');
  const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');

  it.each([
    ['a PNG named .pdf', 'scan.pdf', solidPng(3, 3, [12, 34, 56]), 'application/pdf'],
    ['a PDF named .png', 'scan.png', DEMO_PDF, 'image/png'],
    ['a PDF named .jpg', 'scan.jpg', DEMO_PDF, 'image/jpeg'],
    ['a PDF with no extension', 'scan', DEMO_PDF, 'application/pdf'],
    ['a PDF claimed to be image/png', 'scan.pdf', DEMO_PDF, 'image/png'],
    ['an ELF executable named .pdf', 'scan.pdf', ELF, 'application/pdf'],
    ['a Windows executable named .pdf', 'scan.pdf', EXE, 'application/pdf'],
    ['a ZIP archive named .pdf', 'scan.pdf', ZIP, 'application/pdf'],
    ['an HTML page named .pdf', 'scan.pdf', HTML, 'application/pdf'],
    ['an SVG with a script named .png', 'scan.png', SVG, 'image/png'],
    ['an empty file', 'kosong.pdf', Buffer.alloc(0), 'application/pdf'],
  ])('refuses %s with 415 unsupported_file and keeps nothing (v5.0.0-5.2.2, FILES-1, FILES-2)', async (_what, name, content, type) => {
    const before = await documentRows(draftId, 'npwpd');
    const res = await upload(draftId, 'npwpd', name, content, type);
    expect(res.statusCode).toBe(415);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(json<Problem>(res).code).toBe('unsupported_file');
    expect(await documentRows(draftId, 'npwpd')).toEqual(before);
    expect(tmpFiles()).toEqual([]);
    if (content.length > 0) {
      expect(fs.existsSync(path.join(ctx.storageDir, ctx.tenant.id, sha256(content).slice(0, 2), sha256(content)))).toBe(false);
    }
  });

  it.each([
    ['named .pdf', 'eicar.pdf', 'application/pdf'],
    ['as text', 'eicar.txt', 'text/plain'],
  ])('quarantines the EICAR test file %s: 422 infected_file, nothing kept, the attempt audited (v5.0.0-5.4.3, FILES-6)', async (_what, name, type) => {
    const content = Buffer.from(EICAR);
    const before = await documentRows(draftId, 'npwpd');
    const res = await upload(draftId, 'npwpd', name, content, type);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(json<Problem>(res).code).toBe('infected_file');
    expect(await documentRows(draftId, 'npwpd')).toEqual(before);
    expect(tmpFiles()).toEqual([]);
    expect(fs.existsSync(path.join(ctx.storageDir, ctx.tenant.id, sha256(content).slice(0, 2), sha256(content)))).toBe(false);
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'document.quarantined')
      .where('subject_id', '=', draftId)
      .execute();
    expect(audit.some((a) => a.data.includes('EICAR-Test-File') && a.data.includes(sha256(content)))).toBe(true);
  });

  it('refuses a file larger than the requirement allows with 413, storing nothing (v5.0.0-5.2.1)', async () => {
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'REKLAME' });
    const limitMb = type.definition.requirements.find((r) => r.code === 'plot_owner_consent')!.maxSizeMb;
    const big = Buffer.concat([DEMO_PDF, Buffer.alloc((limitMb + 1) * 1024 * 1024, 0x20)]);
    const before = await ctx.db.selectFrom('documents').select('id').execute();
    const res = await upload(draftId, 'plot_owner_consent', 'persetujuan.pdf', big, 'application/pdf');
    expect(res.statusCode).toBe(413);
    expect(json<Problem>(res).code).toBe('file_too_large');
    expect(json<Problem>(res).detail).toContain(String(limitMb));
    expect(await ctx.db.selectFrom('documents').select('id').execute()).toEqual(before);
    expect(await documentRows(draftId, 'plot_owner_consent')).toEqual([]);
    expect(tmpFiles()).toEqual([]);
    expect(filesUnder(ctx.storageDir).some((f) => f.endsWith(sha256(big)))).toBe(false);
  });

  it('accepts a file exactly at the requirement’s limit', async () => {
    const limit = 2 * 1024 * 1024; // npwpd: 2 MB
    const exact = Buffer.concat([DEMO_PDF, Buffer.alloc(limit - DEMO_PDF.length, 0x20)]);
    const res = await upload(draftId, 'npwpd', 'npwpd.pdf', exact, 'application/pdf');
    expect(res.statusCode).toBe(201);
    expect(json<DocView>(res).sizeBytes).toBe(limit);
  });

  it.each([
    ['../../etc/passwd.pdf', 'passwd.pdf'],
    ['..\\..\\windows\\system32\\evil.pdf', 'evil.pdf'],
    ['/etc/cron.d/job.pdf', 'job.pdf'],
  ])('stores %j with a clean name and writes nothing outside the storage folder', async (name, clean) => {
    const content = pdf();
    const res = await upload(draftId, 'location_sketch', name, content, 'application/pdf');
    expect(res.statusCode).toBe(201);
    const doc = json<DocView>(res);
    expect(doc.fileName).toBe(clean);
    expect(doc.fileName).not.toMatch(/[\\/]|\.\./);
    expect(fs.existsSync(path.resolve(ctx.storageDir, '../../etc/passwd.pdf'))).toBe(false);
    expect(fs.existsSync(path.resolve(ctx.storageDir, '..', clean))).toBe(false);
    // Everything the upload wrote is inside the storage folder, named by hash.
    const outside = filesUnder(path.dirname(ctx.storageDir)).filter((f) => !f.startsWith(`${path.basename(ctx.storageDir)}${path.sep}`));
    expect(outside.some((f) => f.includes(clean) || f.endsWith(doc.sha256))).toBe(false);
    expect(fs.existsSync(path.join(ctx.storageDir, ctx.tenant.id, doc.sha256.slice(0, 2), doc.sha256))).toBe(true);
    const row = await ctx.db.selectFrom('documents').select(['file_name', 'sha256']).where('id', '=', doc.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ file_name: clean, sha256: doc.sha256 });
  });

  it("replaces a draft's document: version 2 is current and the unfiled version 1 is pruned (its row at once, its file by the sweep)", async () => {
    const v1 = pdf();
    const v2 = pdf();
    const first = json<DocView>(await upload(draftId, 'pbg', 'pbg.pdf', v1, 'application/pdf'));
    const res = await upload(draftId, 'pbg', 'pbg-baru.pdf', v2, 'application/pdf');
    expect(res.statusCode).toBe(201);
    const second = json<DocView>(res);
    expect(second.version).toBe(2);
    expect(second.id).not.toBe(first.id);

    // A draft was never filed, so its superseded version is no evidence: it goes (the security review's
    // quota; test/integration/security-review-uploads.test.ts). A filed file keeps every version.
    const rows = await documentRows(draftId, 'pbg');
    expect(rows.map((r) => [r.version, r.file_name, r.superseded_at !== null])).toEqual([[2, 'pbg-baru.pdf', false]]);
    const view = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${draftId}`, headers: auth(citizen) }));
    expect(view.requirements.find((r) => r.code === 'pbg')!.document).toMatchObject({
      id: second.id,
      version: 2,
      fileName: 'pbg-baru.pdf',
      sha256: sha256(v2),
    });
    const old = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${first.id}`, headers: auth(citizen) });
    expect(old.statusCode).toBe(404);
    // Its file is left to the sweep job, which deletes it once no row has needed it for 15 minutes.
    expect(await ctx.services.storage.exists(ctx.tenant.id, sha256(v1))).toBe(true);
    ctx.clock.advanceMinutes(16);
    await ctx.services.jobs.find((j) => j.name === 'documents.file_sweep')!.run(ctx.clock);
    expect(await ctx.services.storage.exists(ctx.tenant.id, sha256(v1))).toBe(false);
    expect(await ctx.services.storage.exists(ctx.tenant.id, sha256(v2))).toBe(true);
  });

  it('downloads the exact bytes as an attachment with an RFC 6266 file name, nosniff and no-store (v5.0.0-5.4.1, FILES-5)', async () => {
    const name = 'Surat Keterangan – Ibu Siti.pdf';
    const content = pdf();
    const up = await upload(draftId, 'company_deed', name, content, 'application/pdf');
    expect(up.statusCode).toBe(201);
    const doc = json<DocView>(up);
    expect(doc.fileName).toBe(name);

    const res = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(citizen) });
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(content)).toBe(true);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(String(res.headers['cache-control'])).toContain('no-store');
    const cd = String(res.headers['content-disposition']);
    expect(cd.startsWith('attachment;')).toBe(true);
    const ascii = /filename="([^"]*)"/.exec(cd)?.[1];
    expect(ascii).toBeDefined();
    expect(ascii).toMatch(/^[\x20-\x7e]+$/);
    expect(ascii!.endsWith('.pdf')).toBe(true);
    const star = /filename\*=UTF-8''([^;\s]+)/.exec(cd)?.[1];
    expect(star).toBe('Surat%20Keterangan%20%E2%80%93%20Ibu%20Siti.pdf');
    expect(decodeURIComponent(star!)).toBe(name);
  });

  it("encodes every character RFC 8187 does not allow bare in filename*, such as ( ) and '", async () => {
    const name = "Surat (revisi) Bu Siti's.pdf";
    const doc = json<DocView>(await upload(draftId, 'construction_plan', name, pdf(), 'application/pdf'));
    expect(doc.fileName).toBe(name);
    const res = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(citizen) });
    expect(res.statusCode).toBe(200);
    const star = /filename\*=UTF-8''([^;\s]+)/.exec(String(res.headers['content-disposition']))?.[1];
    expect(star).toBeDefined();
    // RFC 8187 §3.2.1: value-chars = *( pct-encoded / attr-char ); attr-char excludes ' ( ) *.
    expect(star).toMatch(/^(?:%[0-9A-F]{2}|[A-Za-z0-9!#$&+\-.^_`|~])+$/);
    expect(decodeURIComponent(star!)).toBe(name);
  });

  it('writes a document.viewed audit row when staff download a document (LAW-4)', async () => {
    const doc = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${draftId}`, headers: auth(citizen) })).requirements.find(
      (r) => r.code === 'ktp',
    )!.document!;
    const viewed = () =>
      ctx.db.selectFrom('audit_events').select(['actor_id', 'subject_type']).where('action', '=', 'document.viewed').where('subject_id', '=', doc.id).execute();
    expect(await viewed()).toEqual([]);
    const res = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(verifier.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(await viewed()).toEqual([{ actor_id: verifier.userId, subject_type: 'document' }]);
  });

  it('does not let another applicant upload to or download from someone else’s application', async () => {
    const other = (await userWithToken(ctx, 'applicant')).token;
    const doc = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${draftId}`, headers: auth(citizen) })).requirements.find(
      (r) => r.code === 'ktp',
    )!.document!;
    const get = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}`, headers: auth(other) });
    expect([403, 404]).toContain(get.statusCode);
    expect(get.rawPayload.includes(Buffer.from('%PDF'))).toBe(false);
    const before = await documentRows(draftId, 'ktp');
    const put = await upload(draftId, 'ktp', 'ktp.pdf', pdf(), 'application/pdf', other);
    expect([403, 404]).toContain(put.statusCode);
    expect(await documentRows(draftId, 'ktp')).toEqual(before);
    const anon = await ctx.app.inject({ url: `/api/v1/applications/${draftId}/documents/${doc.id}` });
    expect(anon.statusCode).toBe(401);
  });

  it('refuses an upload for a requirement the permit type does not have', async () => {
    const res = await upload(draftId, 'passport', 'paspor.pdf', pdf(), 'application/pdf');
    expect(res.statusCode).toBe(404);
    expect(await documentRows(draftId, 'passport')).toEqual([]);
    expect(tmpFiles()).toEqual([]);
  });

  it('refuses uploads with 409 once the application is submitted', async () => {
    const id = await readyDraft(ctx, citizen, 'REKLAME');
    const submitted = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) });
    expect(submitted.statusCode).toBe(200);
    const before = await documentRows(id);
    const res = await upload(id, 'ktp', 'ktp-baru.pdf', pdf(), 'application/pdf');
    expect(res.statusCode).toBe(409);
    expect(await documentRows(id)).toEqual(before);
    expect(tmpFiles()).toEqual([]);
  });
});
