import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';

type Person = { token: string; userId: string };
type View = { assignedTo: string | null; inspectionPlan: { date: string; officerId: string | null } | null };

describe.each(DIALECTS)('notes, messages, assignment, the inspection plan and its photos (%s)', (dialect) => {
  let ctx: TestContext;
  let citizen: Person;
  let verifier: Person;
  let verifier2: Person;
  let technical: Person;
  let head: Person;
  let id = '';

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    [citizen, verifier, verifier2, technical, head] = (await Promise.all(
      (['applicant', 'verifier', 'verifier', 'technical', 'head'] as const).map((r) => userWithToken(ctx, r)),
    )) as unknown as [Person, Person, Person, Person, Person];
    id = await readyDraft(ctx, citizen.token, 'PBG');
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) });
    await act(ctx, verifier.token, id, 'start_verification');
  });
  afterAll(async () => ctx?.close());

  const notes = async (token: string) =>
    json<{ items: { kind: string; body: string }[] }>(await ctx.app.inject({ url: `/api/v1/applications/${id}/notes`, headers: auth(token) })).items;

  it('keeps internal notes among staff and delivers messages to the applicant', async () => {
    const post = (token: string, kind: string, body: string) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/notes`, headers: auth(token), payload: { kind, body } });
    expect((await post(verifier.token, 'internal', 'Cek ulang KRK ke Dinas PUPR')).statusCode).toBe(201);
    ctx.clock.advanceMinutes(1);
    expect((await post(verifier.token, 'to_applicant', 'Mohon siapkan gambar struktur asli untuk dicocokkan.')).statusCode).toBe(201);
    expect((await post(citizen.token, 'internal', 'Saya menulis catatan')).statusCode).toBe(403);
    expect((await notes(verifier.token)).map((n) => n.kind)).toEqual(['internal', 'to_applicant']);
    const mine = await notes(citizen.token);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.body).toContain('gambar struktur');
    await ctx.services.outbox.drain();
    const mail = await ctx.db
      .selectFrom('notifications')
      .select('subject')
      .where('recipient_user_id', '=', citizen.userId)
      .where('subject', 'like', '%pesan dari petugas%')
      .execute();
    expect(mail).toHaveLength(1);
  });

  it('lets a verifier claim the file and hand it to a colleague whose role has work on it, never to one without', async () => {
    const assign = (token: string, assigneeId: string | null) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/assign`, headers: auth(token), payload: { assigneeId } });
    const claimed = await assign(verifier.token, verifier.userId);
    expect(claimed.statusCode).toBe(200);
    expect(json<View>(claimed).assignedTo).toBe(verifier.userId);
    expect(json<View>(await assign(verifier.token, verifier2.userId)).assignedTo).toBe(verifier2.userId);
    expect((await assign(verifier.token, head.userId)).statusCode).toBe(409);
    expect((await assign(citizen.token, citizen.userId)).statusCode).toBe(403);
    // The applicant never sees who holds the file.
    expect(json<View>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen.token) })).assignedTo).toBeNull();
  });

  it('lets the technical team plan the site visit during technical review only', async () => {
    const plan = (token: string, body: Record<string, unknown>) =>
      ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/inspection-schedule`, headers: auth(token), payload: body });
    expect((await plan(technical.token, { date: '2026-12-02', officerId: technical.userId })).statusCode).toBe(409);
    const { docs } = await ctx.services.applications.getApplication({
      actor: { userId: verifier.userId, tenantId: ctx.tenant.id, role: 'verifier', name: 'V' },
      applicationId: id,
    });
    for (const d of docs)
      await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${id}/documents/${d.id}/review`,
        headers: auth(verifier.token),
        payload: { status: 'accepted' },
      });
    expect((await act(ctx, verifier.token, id, 'forward')).statusCode).toBe(200);
    expect((await plan(technical.token, { date: '2026-12-02', officerId: verifier.userId })).statusCode).toBe(404);
    expect((await plan(verifier.token, { date: '2026-12-02', officerId: technical.userId })).statusCode).toBe(403);
    const ok = await plan(technical.token, { date: '2026-12-02', officerId: technical.userId });
    expect(ok.statusCode).toBe(200);
    expect(json<View>(ok).inspectionPlan).toEqual({ date: '2026-12-02', officerId: technical.userId });
    expect(json<View>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen.token) })).inspectionPlan).toEqual({
      date: '2026-12-02',
      officerId: null,
    });
  });

  const send = (token: string, name: string, body: Buffer, type: string) => {
    const file = multipartFile(name, body, type);
    return ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/inspection/photos`,
      headers: { ...auth(token), ...file.headers },
      payload: file.payload,
    });
  };

  it('takes inspection photos from the technical team only, as JPEG or PNG, kept beside the documents', async () => {
    const photo = await send(technical.token, 'lokasi.png', DEMO_PNG, 'image/png');
    expect(photo.statusCode).toBe(201);
    const second = await send(technical.token, 'tampak-depan.png', Buffer.concat([DEMO_PNG, Buffer.from('x')]), 'image/png');
    expect(second.statusCode).toBe(201);
    expect((await send(technical.token, 'laporan.pdf', DEMO_PDF, 'application/pdf')).statusCode).toBe(415);
    expect((await send(verifier.token, 'lokasi.png', DEMO_PNG, 'image/png')).statusCode).toBe(403);
    const rows = await ctx.db
      .selectFrom('documents')
      .select(['requirement_code', 'superseded_at'])
      .where('application_id', '=', id)
      .where('requirement_code', 'like', 'inspection_photo_%')
      .execute();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => r.superseded_at === null)).toBe(true);
    const download = await ctx.app.inject({ url: `/api/v1/applications/${id}/documents/${json<{ id: string }>(photo).id}`, headers: auth(head.token) });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('image/png');
  });

  it('takes a photo the way it takes any upload: an infected one is refused and audited as quarantined, a kept one bumps the revision', async () => {
    const EICAR = 'X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*';
    const revision = async () => (await ctx.db.selectFrom('applications').select('revision').where('id', '=', id).executeTakeFirstOrThrow()).revision;
    const photos = async () =>
      (await ctx.db.selectFrom('documents').select('id').where('application_id', '=', id).where('requirement_code', 'like', 'inspection_photo_%').execute())
        .length;
    const before = { revision: await revision(), photos: await photos() };

    const infected = await send(technical.token, 'lokasi.png', Buffer.from(EICAR), 'image/png');
    expect(infected.statusCode).toBe(422);
    const quarantined = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'data'])
      .where('action', '=', 'document.quarantined')
      .where('subject_id', '=', id)
      .execute();
    expect(quarantined).toHaveLength(1);
    expect(quarantined[0]!.actor_id).toBe(technical.userId);
    const data = JSON.parse(quarantined[0]!.data) as { requirement: string; signature: string; sha256: string };
    expect(data.signature).toBe('EICAR-Test-File');
    expect(data.requirement).toMatch(/^inspection_photo_/);
    expect({ revision: await revision(), photos: await photos() }).toEqual(before);

    const kept = await send(technical.token, 'samping.png', Buffer.concat([DEMO_PNG, Buffer.from('y')]), 'image/png');
    expect(kept.statusCode, kept.body).toBe(201);
    // The revision moves with the photo, so an upload racing another change loses cleanly instead of slipping in.
    expect(await revision()).toBe(before.revision + 1);
    expect(await photos()).toBe(before.photos + 1);
    const added = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'application.inspection_photo_added')
      .where('subject_id', '=', json<{ id: string }>(kept).id)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(added.data)).toMatchObject({ applicationId: id });
  });
});
