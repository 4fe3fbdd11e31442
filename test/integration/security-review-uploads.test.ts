import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PNG, minimalPdf } from '../../src/demo/demo-files.js';
import { createDocumentService, type UploadLimits } from '../../src/documents/documents.service.js';
import { createSignatureScanner } from '../../src/documents/scanner.js';
import type { FileStorage } from '../../src/documents/storage.js';
import type { AppError } from '../../src/shared/errors.js';
import { ERROR_MESSAGES, fillTemplate } from '../../src/shared/messages.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, uploadRequired, validAnswers } from '../helpers/journeys.js';
import { Readable } from 'node:stream';

/**
 * Security review (issue 10, item 6): uploads had no rate limit or quota (one applicant stored 15
 * versions, 28.5 MB, in a quarter of a second). Now: 30 uploads a minute per account; a draft keeps
 * only the current version of each document (the superseded row goes, an audit row keeps its hash,
 * the sweep job deletes the file later); a filed application keeps every version as evidence, up to
 * 10 per document and 100 MB in all.
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

  it('takes 30 uploads a minute from one account, first versions and replacements alike, and answers the rest 429 with Retry-After, before storing anything (v5.0.0-2.4.1)', async () => {
    ctx.clock.advanceMinutes(5);
    const id = await readyDraft(ctx, applicant.token);
    ctx.clock.advanceMinutes(2);
    const results = [];
    for (let i = 0; i < 35; i++) results.push(await put(applicant.token, id, 'ktp'));
    expect(results.map((r) => r.statusCode)).toEqual([...Array<number>(30).fill(201), ...Array<number>(5).fill(429)]);
    // A first upload for another document counts too (the review's second pass).
    expect((await put(applicant.token, id, 'pbg')).statusCode).toBe(429);
    expect(results[34]!.json<{ code: string }>().code).toBe('too_many_attempts');
    expect(Number(results[34]!.headers['retry-after'])).toBeGreaterThan(0);
    // The draft keeps one version of the document, whatever was sent.
    const kept = await versions(id, 'ktp');
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ superseded_at: null, version: 31 });
    expect(await versions(id, 'pbg')).toEqual([]);
    // A minute later the account may upload again.
    ctx.clock.advanceMinutes(1);
    expect((await put(applicant.token, id, 'ktp')).statusCode).toBe(201);
  });

  it("prunes a draft's superseded version: the row goes at once, its file with the sweep, an audit row keeps its hash; a file another row needs stays", async () => {
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
    // The row went; the file goes with the sweep, once no row has needed it for a while (file-sweep.job.ts).
    expect(await versions(id, 'npwpd')).toHaveLength(1);
    expect(await stored(first!.sha256)).toBe(true);
    ctx.clock.advanceMinutes(16);
    await ctx.services.jobs.find((j) => j.name === 'documents.file_sweep')!.run(ctx.clock);
    expect(await stored(first!.sha256)).toBe(false);
    expect((await put(applicant.token, id, 'npwpd')).statusCode).toBe(201);
    ctx.clock.advanceMinutes(16);
    await ctx.services.jobs.find((j) => j.name === 'documents.file_sweep')!.run(ctx.clock);
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

/**
 * The reviewer's three findings on the limits above: every upload counts against the account (not
 * only replacements) and an account's drafts hold at most so much; a pruned draft version's file is
 * deleted by the sweep job, never inline, so an identical upload to another application staged
 * meanwhile keeps its file; the application's quota leaves out the inspectors' photos.
 */
describe.each(DIALECTS)('security review, second pass: uploads per account, the file sweep, photos outside the quota (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  let n = 0;
  const pdf = () => minimalPdf(`Berkas ${++n} ${Math.random()}`);
  const put = (token: string, id: string, requirement: string, content = pdf()) => {
    const file = multipartFile(`${requirement}.pdf`, content, 'application/pdf');
    return ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/${requirement}`,
      headers: { ...auth(token), ...file.headers },
      payload: file.payload,
    });
  };
  /** A draft with no documents yet. */
  const emptyDraft = async (token: string, code = 'REKLAME') => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: code, answers: await validAnswers(ctx, code) },
    });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: string }>().id;
  };
  const actorOf = async (token: string) => (await ctx.services.auth.authenticate({ tenantId: ctx.tenant.id, token, kind: 'bearer' }))!;
  const serviceWith = (over: { storage?: FileStorage; limits?: Partial<UploadLimits> }) =>
    createDocumentService({
      db: ctx.db,
      clock: ctx.clock,
      storage: over.storage ?? ctx.services.storage,
      scanner: createSignatureScanner(),
      catalogue: ctx.services.catalogue,
      maxUploadBytes: ctx.services.config.maxUploadBytes,
      ...(over.limits ? { limits: over.limits } : {}),
    });
  const sweep = () => ctx.services.jobs.find((j) => j.name === 'documents.file_sweep')!.run(ctx.clock);
  const stored = (sha256: string) => ctx.services.storage.exists(ctx.tenant.id, sha256);
  const requirementsOf = async (code: string) =>
    (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code })).definition.requirements.map((r) => r.code);

  it('counts first uploads too: a script filling many drafts gets 429 after 30 uploads a minute, before anything is stored', async () => {
    ctx.clock.advanceMinutes(5);
    const script = await userWithToken(ctx, 'applicant');
    const codes = await requirementsOf('REKLAME');
    const drafts = [await emptyDraft(script.token), await emptyDraft(script.token), await emptyDraft(script.token), await emptyDraft(script.token)];
    const statuses: number[] = [];
    for (const id of drafts) for (const code of codes) statuses.push((await put(script.token, id, code)).statusCode);
    expect(statuses.slice(0, 30)).toEqual(Array<number>(30).fill(201));
    expect(new Set(statuses.slice(30))).toEqual(new Set([429]));
    const kept = await ctx.db.selectFrom('documents').select('id').where('uploaded_by', '=', script.userId).execute();
    expect(kept).toHaveLength(30);
    // Another citizen is not held back by it.
    const other = await userWithToken(ctx, 'applicant');
    expect((await put(other.token, await emptyDraft(other.token), 'ktp')).statusCode).toBe(201);
  });

  it("caps what one account's drafts hold: past it 409 draft_uploads_full, in words a citizen understands; a filed application does not count", async () => {
    ctx.clock.advanceMinutes(2);
    const citizen = await userWithToken(ctx, 'applicant');
    const actor = await actorOf(citizen.token);
    const first = await emptyDraft(citizen.token);
    const second = await emptyDraft(citizen.token);
    const a = pdf();
    const documents = serviceWith({ limits: { maxDraftBytesPerAccount: 2 * a.length + 100 } });
    const upload = (applicationId: string, requirementCode: string, content: Buffer) =>
      documents.uploadDocument({
        actor,
        applicationId,
        requirementCode,
        fileName: `${requirementCode}.pdf`,
        claimedType: 'application/pdf',
        source: Readable.from([content]),
      });
    await upload(first, 'ktp', a);
    await upload(second, 'ktp', pdf());
    // A replacement that does not grow the drafts' total is taken (the old version is pruned).
    await upload(second, 'ktp', pdf());
    const refused = upload(second, 'npwpd', pdf());
    await expect(refused).rejects.toMatchObject({ code: 'draft_uploads_full' });
    const err = (await refused.then(
      () => undefined,
      (e: AppError) => e,
    ))!;
    expect(err.status).toBe(409);
    const detail = fillTemplate(ERROR_MESSAGES.draft_uploads_full.id.detail, err.details.params);
    expect(detail).toContain('belum dikirim');
    expect(detail).not.toContain('{');
    expect(await ctx.db.selectFrom('documents').select('id').where('application_id', '=', second).where('requirement_code', '=', 'npwpd').execute()).toEqual(
      [],
    );
    // Once the first draft is filed, its documents are the office's file, no longer the account's draft storage.
    await uploadRequired(ctx, citizen.token, first, 'REKLAME');
    expect((await act(ctx, citizen.token, first, 'submit')).statusCode).toBe(200);
    await expect(upload(second, 'npwpd', pdf())).resolves.toMatchObject({ requirement_code: 'npwpd' });
  });

  it('lets the front desk upload scans for many citizens at 120 a minute (its own, higher ceiling), then 429', async () => {
    ctx.clock.advanceMinutes(2);
    const desk = await userWithToken(ctx, 'front_desk');
    const actor = await actorOf(desk.token);
    const codes = await requirementsOf('REKLAME');
    const results: string[] = [];
    for (let i = 0; results.length < 121; i++) {
      const file = await ctx.services.intake.startIntake({ actor, permitTypeCode: 'REKLAME', channel: 'walk_in', applicantName: `Warga ${i}` });
      for (const requirementCode of codes) {
        if (results.length >= 121) break;
        const res = await ctx.services.intake
          .addIntakeScan({
            actor,
            applicationId: file.id,
            requirementCode,
            fileName: 'scan.pdf',
            claimedType: 'application/pdf',
            source: Readable.from([pdf()]),
          })
          .then(
            () => 'kept',
            (e: AppError) => e.code,
          );
        results.push(res);
      }
    }
    expect(results.slice(0, 120)).toEqual(Array<string>(120).fill('kept'));
    expect(results[120]).toBe('too_many_attempts');
  });

  it("never deletes a pruned version's file that an identical upload to another application staged meanwhile (the race, made deterministic)", async () => {
    ctx.clock.advanceMinutes(2);
    const citizen = await userWithToken(ctx, 'applicant');
    const appA = await emptyDraft(citizen.token);
    const appB = await emptyDraft(citizen.token);
    const same = pdf();
    expect((await put(citizen.token, appA, 'ktp', same)).statusCode).toBe(201);
    ctx.clock.advanceMinutes(60);
    // B's upload of the same bytes: staged and committed to storage (the duplicate copy dropped), then held before its row.
    let committed!: () => void;
    const isCommitted = new Promise<void>((r) => (committed = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const gated: FileStorage = {
      ...ctx.services.storage,
      async stage(input) {
        const staged = await ctx.services.storage.stage(input);
        return {
          ...staged,
          async commit(namespace, at) {
            await staged.commit(namespace, at);
            committed();
            await released;
          },
        };
      },
    };
    const actor = await actorOf(citizen.token);
    const uploadB = serviceWith({ storage: gated }).uploadDocument({
      actor,
      applicationId: appB,
      requirementCode: 'ktp',
      fileName: 'ktp.pdf',
      claimedType: 'application/pdf',
      source: Readable.from([same]),
    });
    await isCommitted;
    // Meanwhile A's document is replaced: its version with those bytes is pruned, no row points at the file now.
    expect((await put(citizen.token, appA, 'ktp')).statusCode).toBe(201);
    const sha = createHash('sha256').update(same).digest('hex');
    expect(await ctx.db.selectFrom('documents').select('id').where('sha256', '=', sha).execute()).toEqual([]);
    await sweep();
    release();
    const docB = await uploadB;
    ctx.clock.advanceMinutes(60);
    await sweep();
    const download = await ctx.app.inject({ url: `/api/v1/applications/${appB}/documents/${docB.id}`, headers: auth(citizen.token) });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(same)).toBe(true);
  });

  it('keeps a long-pruned file that an identical upload found kept and is about to point a row at, even when the sweep runs just then', async () => {
    ctx.clock.advanceMinutes(2);
    const citizen = await userWithToken(ctx, 'applicant');
    const appC = await emptyDraft(citizen.token);
    const appD = await emptyDraft(citizen.token);
    const same = pdf();
    expect((await put(citizen.token, appC, 'ktp', same)).statusCode).toBe(201);
    expect((await put(citizen.token, appC, 'ktp')).statusCode).toBe(201);
    // Pruned half an hour ago: the sweep may take the file now, unless someone uses it.
    ctx.clock.advanceMinutes(30);
    let committed!: () => void;
    const isCommitted = new Promise<void>((r) => (committed = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const gated: FileStorage = {
      ...ctx.services.storage,
      async stage(input) {
        const staged = await ctx.services.storage.stage(input);
        return {
          ...staged,
          async commit(namespace, at) {
            await staged.commit(namespace, at);
            committed();
            await released;
          },
        };
      },
    };
    const uploadD = serviceWith({ storage: gated }).uploadDocument({
      actor: await actorOf(citizen.token),
      applicationId: appD,
      requirementCode: 'ktp',
      fileName: 'ktp.pdf',
      claimedType: 'application/pdf',
      source: Readable.from([same]),
    });
    await isCommitted;
    // No row points at the file yet, but the upload dated it: the sweep leaves it.
    await expect(sweep()).resolves.toMatchObject({ removed: 0 });
    release();
    const docD = await uploadD;
    ctx.clock.advanceMinutes(60);
    await sweep();
    const download = await ctx.app.inject({ url: `/api/v1/applications/${appD}/documents/${docD.id}`, headers: auth(citizen.token) });
    expect(download.statusCode).toBe(200);
    expect(download.rawPayload.equals(same)).toBe(true);
  });

  it('sweeps the file of a pruned version once no row has needed it for 15 minutes, and keeps files rows still need', async () => {
    ctx.clock.advanceMinutes(2);
    const citizen = await userWithToken(ctx, 'applicant');
    const id = await emptyDraft(citizen.token);
    const old = pdf();
    const shared = pdf();
    expect((await put(citizen.token, id, 'ktp', old)).statusCode).toBe(201);
    expect((await put(citizen.token, id, 'npwpd', shared)).statusCode).toBe(201);
    const other = await emptyDraft(citizen.token);
    expect((await put(citizen.token, other, 'npwpd', shared)).statusCode).toBe(201);
    ctx.clock.advanceMinutes(1);
    expect((await put(citizen.token, id, 'ktp')).statusCode).toBe(201);
    expect((await put(citizen.token, id, 'npwpd')).statusCode).toBe(201);
    const hash = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    // Within the grace period the pruned file is still there (an upload of the same bytes may be on its way).
    ctx.clock.advanceMinutes(5);
    await sweep();
    expect(await stored(hash(old))).toBe(true);
    ctx.clock.advanceMinutes(15);
    await sweep();
    expect(await stored(hash(old))).toBe(false);
    // The other application's file with the same bytes as a pruned version stays, and so do the current versions.
    expect(await stored(hash(shared))).toBe(true);
    const current = await ctx.db.selectFrom('documents').select('sha256').where('application_id', '=', id).execute();
    for (const d of current) expect(await stored(d.sha256)).toBe(true);
    // A second instance's sweep over the same prunes finds nothing left to do, and fails on nothing.
    await expect(sweep()).resolves.toMatchObject({ removed: 0 });
  });

  it("leaves the inspectors' photos out of the application's quota: a photo does not block the applicant's correction", async () => {
    ctx.clock.advanceMinutes(2);
    const [citizen, verifier, technical] = [await userWithToken(ctx, 'applicant'), await userWithToken(ctx, 'verifier'), await userWithToken(ctx, 'technical')];
    const id = await readyDraft(ctx, citizen.token, 'PBG');
    expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
    expect((await act(ctx, verifier.token, id, 'start_verification')).statusCode).toBe(200);
    const view = (await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(verifier.token) })).json<{
      requirements: { document: { id: string } | null }[];
    }>();
    for (const r of view.requirements.filter((q) => q.document)) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${id}/documents/${r.document!.id}/review`,
        headers: auth(verifier.token),
        payload: { status: 'accepted' },
      });
      expect(res.statusCode).toBe(200);
    }
    expect((await act(ctx, verifier.token, id, 'forward')).statusCode).toBe(200);
    const applicantBytes = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('documents')
            .select((eb) => eb.fn.sum<number>('size_bytes').as('b'))
            .where('application_id', '=', id)
            .where('uploaded_by', '=', citizen.userId)
            .executeTakeFirstOrThrow()
        ).b,
      );
    const before = await applicantBytes();
    // The technical officer adds a large photo from the site visit, then returns the file for a correction.
    const photo = multipartFile('lokasi.png', Buffer.concat([DEMO_PNG, Buffer.alloc(20_000, 7)]), 'image/png');
    const sent = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/inspection/photos`,
      headers: { ...auth(technical.token), ...photo.headers },
      payload: photo.payload,
    });
    expect(sent.statusCode).toBe(201);
    expect((await act(ctx, technical.token, id, 'return_to_applicant', { reason: 'Gambar arsitektur kurang jelas, unggah ulang.' })).statusCode).toBe(200);
    const correction = pdf();
    // The quota leaves just room for the correction; the photo alone would overflow it.
    const documents = serviceWith({ limits: { maxApplicationBytes: before + correction.length + 100 } });
    const doc = await documents.uploadDocument({
      actor: await actorOf(citizen.token),
      applicationId: id,
      requirementCode: 'architectural_drawings',
      fileName: 'gambar.pdf',
      claimedType: 'application/pdf',
      source: Readable.from([correction]),
    });
    expect(doc).toMatchObject({ requirement_code: 'architectural_drawings', version: 2 });
    // Without room for it, the correction is still refused: the quota itself holds.
    const tight = serviceWith({ limits: { maxApplicationBytes: before + correction.length - 1 } });
    await expect(
      tight.uploadDocument({
        actor: await actorOf(citizen.token),
        applicationId: id,
        requirementCode: 'structural_drawings',
        fileName: 'struktur.pdf',
        claimedType: 'application/pdf',
        source: Readable.from([pdf()]),
      }),
    ).rejects.toMatchObject({ code: 'upload_quota_exceeded' });
  });
});
