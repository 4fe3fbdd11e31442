import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { addWorkingDays } from '../../src/sla/calendar.js';

type AppView = {
  id: string;
  number: string | null;
  trackingCode: string | null;
  state: { code: string };
  channel: string;
  requirements: { code: string; status: string; document: { id: string; version: number } | null }[];
  timeline: { action: string; toState: string; reason: string | null }[];
  availableActions: { code: string; ready: boolean; missing: string[] }[];
};

describe.each(DIALECTS)('an application from registration to issued permit (%s)', (dialect) => {
  let ctx: TestContext;
  let citizen: string;
  const staff: Record<string, string> = {};

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) staff[role] = (await userWithToken(ctx, role)).token;
  });
  afterAll(async () => ctx?.close());

  it('registers a citizen who can then sign in and see their masked NIK', async () => {
    const nik = uniqueNik();
    const reg = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: 'Wulan Sari', nik, email: 'wulan@contoh.id', password: 'kopi tubruk pagi hari', consent: true },
    });
    expect(reg.statusCode).toBe(201);
    const login = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: 'WULAN@contoh.id', password: 'kopi tubruk pagi hari' } });
    expect(login.statusCode).toBe(200);
    citizen = json<{ token: string }>(login).token;
    const me = json<{ name: string; nikMasked: string; role: string }>(await ctx.app.inject({ url: '/api/v1/me', headers: auth(citizen) }));
    expect(me).toMatchObject({ name: 'Wulan Sari', role: 'applicant' });
    expect(me.nikMasked).not.toContain(nik.slice(4, 14));
    expect(me.nikMasked.startsWith(nik.slice(0, 4))).toBe(true);
  });

  it('refuses to submit a draft until the required documents are uploaded, then gives a receipt', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizen),
      payload: { permitTypeCode: 'PBG', answers: await validAnswers(ctx, 'PBG') },
    });
    expect(created.statusCode).toBe(201);
    const draft = json<AppView>(created);
    expect(draft).toMatchObject({ state: { code: 'draft' }, number: null, channel: 'online' });
    const early = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${draft.id}/submit`, headers: auth(citizen) });
    expect(early.statusCode).toBe(409);
    expect(json<{ code: string; detail: string }>(early)).toMatchObject({ code: 'precondition_failed' });
    expect(json<{ detail: string }>(early).detail).toContain('dokumen wajib');
  });

  it('carries a building permit through verification, a return, inspection, fee, payment, approval and signing', async () => {
    const id = await readyDraft(ctx, citizen, 'PBG');
    const submitted = json<AppView>(await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) }));
    expect(submitted.state.code).toBe('submitted');
    expect(submitted.number).toMatch(/^MLG-PBG-2026-\d{6}$/);
    expect(submitted.trackingCode).toMatch(/^[0-9A-HJKMNP-TV-Z]{8}$/);

    // The public can follow it with number + code, and sees no personal data.
    const tracked = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/track',
      payload: { number: submitted.number, trackingCode: submitted.trackingCode!.toLowerCase() },
    });
    expect(tracked.statusCode).toBe(200);
    expect(tracked.body).not.toContain('Wulan');
    expect(json<{ state: { code: string } }>(tracked).state.code).toBe('submitted');
    const wrongCode = await ctx.app.inject({ method: 'POST', url: '/api/v1/track', payload: { number: submitted.number, trackingCode: 'ZZZZZZZZ' } });
    expect(wrongCode.statusCode).toBe(404);

    expect((await act(ctx, staff.verifier!, id, 'start_verification')).statusCode).toBe(200);
    // Forwarding needs every required document accepted.
    const notYet = await act(ctx, staff.verifier!, id, 'forward');
    expect(notYet.statusCode).toBe(409);

    // Refuse the first document and return the file with a reason.
    let view = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(staff.verifier!) }));
    const first = view.requirements.find((r) => r.document)!;
    const refuse = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/documents/${first.document!.id}/review`,
      headers: auth(staff.verifier!),
      payload: { status: 'refused', reason: 'Scan buram' },
    });
    expect(refuse.statusCode).toBe(200);
    const noReason = await act(ctx, staff.verifier!, id, 'return_to_applicant');
    expect(noReason.statusCode).toBe(400);
    expect((await act(ctx, staff.verifier!, id, 'return_to_applicant', { reason: 'Perbaiki KTP' })).statusCode).toBe(200);

    // The applicant sees the reason, cannot resubmit before replacing it, replaces just that one, and resubmits.
    view = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen) }));
    expect(view.state.code).toBe('returned_to_applicant');
    expect(view.requirements.find((r) => r.code === first.code)!.status).toBe('refused');
    expect(view.availableActions.find((a) => a.code === 'resubmit')).toMatchObject({ ready: false, missing: ['no_document_refused'] });
    expect((await act(ctx, citizen, id, 'resubmit')).statusCode).toBe(409);
    const replacement = multipartFile('ktp-baru.pdf', Buffer.concat([DEMO_PDF, Buffer.from('%v2')]), 'application/pdf');
    const up = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/${first.code}`,
      headers: { ...auth(citizen), ...replacement.headers },
      payload: replacement.payload,
    });
    expect(up.statusCode).toBe(201);
    expect(json<{ version: number }>(up).version).toBe(2);
    expect((await act(ctx, citizen, id, 'resubmit')).statusCode).toBe(200);

    expect((await act(ctx, staff.verifier!, id, 'start_verification')).statusCode).toBe(200);
    view = json<AppView>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(staff.verifier!) }));
    for (const r of view.requirements.filter((q) => q.document)) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/applications/${id}/documents/${r.document!.id}/review`,
        headers: auth(staff.verifier!),
        payload: { status: 'accepted' },
      });
      expect(res.statusCode).toBe(200);
    }
    expect(json<AppView>(await act(ctx, staff.verifier!, id, 'forward')).state.code).toBe('technical_review');

    // PBG requires a field inspection before the technical recommendation.
    expect((await act(ctx, staff.technical!, id, 'recommend')).statusCode).toBe(409);
    const insp = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/inspection`,
      headers: auth(staff.technical!),
      payload: { result: 'pass', findings: 'Sesuai gambar' },
    });
    expect(insp.statusCode).toBe(200);
    expect(json<AppView>(await act(ctx, staff.technical!, id, 'recommend')).state.code).toBe('fee_assessment');

    expect((await act(ctx, staff.treasurer!, id, 'assess_fee')).statusCode).toBe(400);
    expect(json<AppView>(await act(ctx, staff.treasurer!, id, 'assess_fee', { feeAmount: 6_176_270, feeReason: 'Kajian teknis' })).state.code).toBe(
      'awaiting_payment',
    );
    // Nobody can approve before payment: the head's approve is not even possible from this state.
    expect((await act(ctx, staff.head!, id, 'approve')).statusCode).toBe(409);
    expect(json<AppView>(await act(ctx, staff.treasurer!, id, 'record_payment', { paymentReference: 'SSRD-123456' })).state.code).toBe('approval');
    expect(json<AppView>(await act(ctx, staff.head!, id, 'approve')).state.code).toBe('signing');
    const issued = json<AppView>(await act(ctx, staff.head!, id, 'sign'));
    expect(issued.state.code).toBe('issued');
    expect(issued.timeline.map((t) => t.action)).toEqual([
      'create',
      'submit',
      'start_verification',
      'return_to_applicant',
      'resubmit',
      'start_verification',
      'forward',
      'recommend',
      'assess_fee',
      'record_payment',
      'approve',
      'sign',
    ]);
    expect(issued.timeline.find((t) => t.action === 'return_to_applicant')!.reason).toBe('Perbaiki KTP');

    // Every transition left an audit row and an outbox row; the outbox delivers each once.
    const audits = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', id).execute();
    expect(audits.filter((a) => a.action.startsWith('application.')).length).toBeGreaterThanOrEqual(12);
    await ctx.services.outbox.drain();
    // One message per outbox row; the receipt once, naming the file.
    const mails = await ctx.db.selectFrom('notifications').selectAll().where('application_id', '=', id).execute();
    expect(mails.length).toBeGreaterThanOrEqual(10);
    expect(new Set(mails.map((m) => m.outbox_id)).size).toBe(mails.length);
    const receipt = mails.filter((m) => m.kind === 'application_submitted');
    expect(receipt).toHaveLength(1);
    expect(receipt[0]!.subject).toContain(submitted.number!);
  });

  it('lets the applicant withdraw, after which nothing more can be done', async () => {
    const id = await readyDraft(ctx, citizen, 'SIPDOK');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) })).statusCode).toBe(200);
    const w = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/withdraw`, headers: auth(citizen), payload: {} });
    expect(w.statusCode).toBe(200);
    expect(json<AppView>(w).state.code).toBe('withdrawn');
    expect((await act(ctx, staff.verifier!, id, 'start_verification')).statusCode).toBe(409);
    const edit = await ctx.app.inject({ method: 'PATCH', url: `/api/v1/applications/${id}`, headers: auth(citizen), payload: { answers: {} } });
    expect(edit.statusCode).toBe(409);
  });

  it('records front-desk intake with its channel and officer', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    const id = await readyDraft(ctx, desk.token, 'TRAYEK', { channel: 'assisted', channelDetail: 'whatsapp', applicantName: 'Pak Slamet' });
    const res = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(desk.token) });
    expect(res.statusCode).toBe(200);
    expect(json<AppView & { applicantName: string; channelDetail: string }>(res)).toMatchObject({
      channel: 'assisted',
      channelDetail: 'whatsapp',
      applicantName: 'Pak Slamet',
      state: { code: 'submitted' },
    });
    const row = await ctx.db.selectFrom('applications').select(['intake_officer_id', 'applicant_id']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ intake_officer_id: desk.userId, applicant_id: null });
  });

  it('returns the same draft for a retried create with the same Idempotency-Key', async () => {
    const headers = auth(citizen, { 'idempotency-key': 'retry-test-0001' });
    const a = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers, payload: { permitTypeCode: 'AK1' } });
    const b = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers, payload: { permitTypeCode: 'AK1' } });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(200);
    expect(json<AppView>(b).id).toBe(json<AppView>(a).id);
  });

  it('answers a retried submission with the same Idempotency-Key with the first receipt, not a 409 (REL-2)', async () => {
    const id = await readyDraft(ctx, citizen, 'NIB');
    const headers = auth(citizen, { 'idempotency-key': `submit-${id}` });
    const first = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers });
    const retry = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers });
    expect(first.statusCode).toBe(200);
    expect(retry.statusCode).toBe(200);
    expect(json<AppView>(retry).number).toBe(json<AppView>(first).number);
    const withoutKey = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) });
    expect(withoutKey.statusCode).toBe(409);
    const events = await ctx.db.selectFrom('application_events').select('action').where('application_id', '=', id).where('action', '=', 'submit').execute();
    expect(events).toHaveLength(1);
  });

  it('shows the SLA clock: running after filing, paused while the file is back with the applicant', async () => {
    const verifier = staff.verifier!;
    const id = await readyDraft(ctx, citizen, 'SIPDOK');
    type Sla = { sla: { status: string; dueDate: string | null; usedWorkingDays: number; slaWorkingDays: number; paused: boolean } };
    const draft = json<Sla>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen) }));
    expect(draft.sla).toMatchObject({ status: 'not_started', dueDate: null, paused: false });
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) });
    const filed = json<Sla>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen) })).sla;
    // Filed on Friday 20 Nov 2026 (Jakarta): the SLA's working days run from Monday 23 Nov.
    expect(filed.status).toBe('on_track');
    expect(filed.usedWorkingDays).toBe(0);
    expect(filed.dueDate).toBe(
      addWorkingDays('2026-11-20T03:00:00.000Z', filed.slaWorkingDays, 'Asia/Jakarta', await ctx.services.holidays.forTenant(ctx.tenant.id)),
    );
    await act(ctx, verifier, id, 'start_verification');
    await act(ctx, verifier, id, 'return_to_applicant', { reason: 'Lengkapi STR' });
    const returned = json<Sla>(await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen) })).sla;
    expect(returned).toMatchObject({ status: 'paused', paused: true });
  });

  it('runs a registered effect inside the action’s transaction: when it fails, nothing of the action stays', async () => {
    const id = await readyDraft(ctx, citizen, 'NIB');
    const actor = (await ctx.services.auth.authenticate({ tenantId: ctx.tenant.id, token: citizen, kind: 'bearer' }))!;
    const seen: { number: unknown; state: string }[] = [];
    let fail = true;
    ctx.services.applications.registerEffects({
      name: 'test.probe',
      prepare: (plan) =>
        plan.app.id === id
          ? async ({ data, current }) => {
              seen.push({ number: data.number, state: (await current()).state });
              if (fail) throw new Error('probe failed');
              data.probe = 'ran';
            }
          : null,
    });
    const outbox = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const before = { outbox: await outbox(), sequences: await ctx.db.selectFrom('number_sequences').selectAll().execute() };
    await expect(ctx.services.applications.performAction({ actor, applicationId: id, action: 'submit' })).rejects.toThrow('probe failed');
    // It ran after the number was given and the state changed, and all of that rolled back with it.
    expect(seen).toHaveLength(1);
    expect(seen[0]!.state).toBe('submitted');
    expect(seen[0]!.number).toMatch(/^MLG-NIB-2026-\d{6}$/);
    const row = await ctx.db.selectFrom('applications').select(['state', 'number', 'revision']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'draft', number: null });
    expect(await outbox()).toBe(before.outbox);
    expect(await ctx.db.selectFrom('number_sequences').selectAll().execute()).toEqual(before.sequences);
    fail = false;
    await ctx.services.applications.performAction({ actor, applicationId: id, action: 'submit' });
    const event = await ctx.db
      .selectFrom('application_events')
      .select('data')
      .where('application_id', '=', id)
      .where('action', '=', 'submit')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.data)).toMatchObject({ probe: 'ran', number: seen[1]!.number });
  });

  it('tells pages what each person may do with a file, from the access policy', async () => {
    const id = await readyDraft(ctx, citizen, 'PBG');
    const actorOf = async (token: string) => (await ctx.services.auth.authenticate({ tenantId: ctx.tenant.id, token, kind: 'bearer' }))!;
    const flags = async (token: string) => (await ctx.services.applications.getApplication({ actor: await actorOf(token), applicationId: id })).can;
    expect(await flags(citizen)).toMatchObject({
      edit: true,
      act: true,
      withdraw: true,
      sendAction: 'submit',
      review: false,
      addNote: false,
      assign: false,
      readInternalNotes: false,
    });
    expect(await flags(staff.verifier!)).toMatchObject({
      edit: false,
      act: true,
      withdraw: false,
      sendAction: null,
      review: false,
      addNote: true,
      assign: true,
      readInternalNotes: true,
    });
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen) });
    await act(ctx, staff.verifier!, id, 'start_verification');
    // In verification the citizen may no longer change or withdraw the file (the workflow allows neither).
    expect(await flags(citizen)).toMatchObject({ edit: false, review: false, withdraw: false, sendAction: null });
    expect(await flags(staff.verifier!)).toMatchObject({ review: true, recordInspection: false });
    // The technical team has no work on the file while it is in verification.
    expect(await flags(staff.technical!)).toMatchObject({ review: false, recordInspection: false, scheduleInspection: false, assessFee: true });
  });
});
