/**
 * The officers' case view and action pages (back office items 4 and 5), driven through the pages as
 * officers would use them, on SQLite and PostgreSQL: a PBG file goes from submission to issue, the
 * page offers each role only its own actions, refusals re-render with an error summary and change
 * nothing, document views are audited, and nothing leaks across roles, offices or escaping.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { maskNik } from '../../src/shared/identifiers.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, multipartFile, SECOND_OFFICE, type TestContext } from '../helpers/context.js';
import { act, uploadRequired, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

const SCRIPT_ANSWER = '<script>alert("izol")</script>';
const OTHER_HOST = 'batu.izol.test';

describe.each(DIALECTS)('officers’ case pages (%s)', (dialect) => {
  let ctx: TestContext;
  const officers = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { page: PageClient; userId: string }>;
  let outsider: PageClient;
  let citizenPage: PageClient;
  let citizenToken = '';
  let id = '';
  let number = '';

  let people = 0;
  async function account(role: Role, tenantId = ctx.tenant.id): Promise<{ email: string; password: string; userId: string }> {
    people++;
    const email = `${role}.${people}@berkas.izol.test`;
    const password = `${role} kata sandi panjang ${people}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId, role, name: `Uji ${role} ${people}`, email, password });
    return { email, password, userId };
  }

  /** An officer signed in through the pages: password, then the authenticator code. */
  async function signedInOfficer(role: Role, opts: { tenantId?: string; host?: string } = {}): Promise<{ page: PageClient; userId: string }> {
    const { email, password, userId } = await account(role, opts.tenantId);
    const secret = await enrollSecondFactor(ctx, userId);
    const page = new PageClient(ctx, opts.host);
    const res = await page.post('/akun/masuk', { login: email, password });
    expect(res.headers.location).toBe('/kantor/kode');
    const code = await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    expect(code.statusCode, code.body).toBe(303);
    return { page, userId };
  }

  /** What a user would notice changed on the application. */
  async function snapshot(appId = id) {
    const row = await ctx.db
      .selectFrom('applications')
      .select(['state', 'revision', 'fee_amount', 'payment_reference', 'inspection_recorded_at'])
      .where('id', '=', appId)
      .executeTakeFirstOrThrow();
    const docs = await ctx.db
      .selectFrom('documents')
      .select(['id', 'review_status', 'review_reason'])
      .where('application_id', '=', appId)
      .orderBy('id')
      .execute();
    const events = await ctx.db.selectFrom('application_events').select('id').where('application_id', '=', appId).execute();
    return { ...row, docs, events: events.length };
  }

  async function currentDocs(appId = id) {
    return ctx.db
      .selectFrom('documents')
      .select(['id', 'requirement_code', 'review_status', 'review_reason', 'media_type', 'file_name'])
      .where('application_id', '=', appId)
      .where('superseded_at', 'is', null)
      .orderBy('requirement_code')
      .execute();
  }

  const state = async (appId = id) => (await ctx.db.selectFrom('applications').select('state').where('id', '=', appId).executeTakeFirstOrThrow()).state;
  const caseUrl = () => `/kantor/berkas/${id}`;

  /** Takes an action through the case page and expects the redirect back with the success banner. */
  async function actOnPage(page: PageClient, action: string, form: Record<string, string> = {}) {
    const res = await page.post(`${caseUrl()}/tindakan`, { action, ...form });
    expect(res.statusCode, res.body.slice(0, 2000)).toBe(303);
    expect(res.headers.location).toBe(`${caseUrl()}?ok=${action}`);
    const after = await page.get(res.headers.location as string);
    expect(after.statusCode).toBe(200);
    expect(after.body).toContain('banner--success');
    return after;
  }

  /** The action codes this page offers as forms (hidden input), and those shown as not possible yet. */
  const offered = (body: string) => [...body.matchAll(/<input type="hidden" name="action" value="([a-z_]+)">/g)].map((m) => m[1]);
  const blocked = (body: string) => [...body.matchAll(/data-action-blocked="([a-z_]+)"/g)].map((m) => m[1]);

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // One sign-in per officer for the whole suite: /akun/masuk allows 10 posts a minute.
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) officers[role] = await signedInOfficer(role);
    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    outsider = (await signedInOfficer('verifier', { tenantId: batu.id, host: OTHER_HOST })).page;

    const citizen = await account('applicant');
    citizenToken = (
      await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: citizen.email, password: citizen.password, clientIp: '127.0.0.1', kind: 'bearer' })
    ).token;
    citizenPage = new PageClient(ctx);
    expect((await citizenPage.post('/akun/masuk', { login: citizen.email, password: citizen.password })).statusCode).toBe(303);

    const answers = { ...(await validAnswers(ctx, 'PBG')), landTitleNumber: SCRIPT_ANSWER };
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizenToken),
      payload: { permitTypeCode: 'PBG', answers },
    });
    expect(created.statusCode, created.body).toBe(201);
    id = created.json<{ id: string }>().id;
    await uploadRequired(ctx, citizenToken, id, 'PBG');
    const submitted = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizenToken) });
    expect(submitted.statusCode, submitted.body).toBe(200);
    number = (await ctx.db.selectFrom('applications').select('number').where('id', '=', id).executeTakeFirstOrThrow()).number!;
  });
  afterAll(async () => ctx?.close());

  it('links the queue to the case, and shows the case: number, type, state, SLA, channel, answers escaped, documents', async () => {
    const queue = await officers.verifier.page.get('/kantor');
    expect(queue.body).toContain(`<a href="/kantor/berkas/${id}">${number}</a>`);

    const res = await officers.verifier.page.get(caseUrl());
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain(`<h1>${number}</h1>`);
    expect(res.body).toContain('Persetujuan Bangunan Gedung (PBG)');
    expect(res.body).toContain('Diajukan');
    expect(res.body).toContain('Sesuai jadwal');
    expect(res.body).toContain('0 dari 45 hari kerja terpakai');
    expect(res.body).toContain('Diajukan sendiri oleh pemohon secara online');
    expect(res.body).toMatch(/Uji applicant \d+/);
    // The answer is shown, as text.
    expect(res.body).toContain('&lt;script&gt;alert(&quot;izol&quot;)&lt;/script&gt;');
    expect(res.body).not.toContain(SCRIPT_ANSWER);
    // Every document with its status and a link to view it.
    for (const d of await currentDocs()) expect(res.body).toContain(`href="/kantor/berkas/${id}/dokumen/${d.id}"`);
    expect(res.body.match(/Belum diperiksa/g)?.length).toBe(7);
    // The timeline names the filing.
    expect(res.body).toContain('Ajukan</strong>');
  });

  it('offers a verifier only the verifier’s actions; approve as a verifier is 403 and changes nothing', async () => {
    const res = await officers.verifier.page.get(caseUrl());
    expect(offered(res.body)).toEqual(['start_verification']);
    expect(res.body).not.toContain('value="approve"');
    const head = await officers.head.page.get(caseUrl());
    expect(offered(head.body)).toEqual([]);
    expect(head.body).toContain('Tidak ada tindakan untuk peran Anda pada tahap ini.');
    expect(head.body).not.toContain('/periksa"');

    const before = await snapshot();
    const approve = await officers.verifier.page.post(`${caseUrl()}/tindakan`, { action: 'approve' });
    expect(approve.statusCode).toBe(403);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses a form without the anti-forgery token, and keeps applicants, strangers and other offices out', async () => {
    const before = await snapshot();
    const forged = await officers.verifier.page.post(`${caseUrl()}/tindakan`, { action: 'start_verification' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(await snapshot()).toEqual(before);

    const docId = (await currentDocs())[0]!.id;
    expect((await citizenPage.get(caseUrl())).statusCode).toBe(403);
    expect((await citizenPage.get(`${caseUrl()}/dokumen/${docId}`)).statusCode).toBe(403);
    expect((await citizenPage.post(`${caseUrl()}/tindakan`, { action: 'start_verification' })).statusCode).toBe(403);

    const anonymous = await new PageClient(ctx).get(caseUrl());
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toBe(`/akun/masuk?kembali=${encodeURIComponent(caseUrl())}`);

    expect((await outsider.get(caseUrl())).statusCode).toBe(404);
    expect((await outsider.get(`${caseUrl()}/dokumen/${docId}`)).statusCode).toBe(404);
    expect((await outsider.post(`${caseUrl()}/tindakan`, { action: 'start_verification' })).statusCode).toBe(404);
    expect((await officers.verifier.page.get('/kantor/berkas/not-a-uuid')).statusCode).toBe(404);
    expect(await snapshot()).toEqual(before);
  });

  it('shows a document inline, sandboxed and unsniffed, and audits the view', async () => {
    const docs = await currentDocs();
    const pdf = docs.find((d) => d.media_type === 'application/pdf')!;
    const res = await officers.verifier.page.get(`${caseUrl()}/dokumen/${pdf.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="${pdf.file_name}"; filename*=UTF-8''${pdf.file_name}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toMatch(/^sandbox;/);
    expect(res.rawPayload.equals(DEMO_PDF)).toBe(true);
    const png = docs.find((d) => d.media_type === 'image/png')!;
    const image = await officers.verifier.page.get(`${caseUrl()}/dokumen/${png.id}`);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.equals(DEMO_PNG)).toBe(true);

    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['actor_id', 'subject_id', 'data'])
      .where('action', '=', 'document.viewed')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.subject_id)).toEqual([pdf.id, png.id]);
    expect(audit[0]!.actor_id).toBe(officers.verifier.userId);
    expect(JSON.parse(audit[0]!.data)).toEqual({ applicationId: id });
  });

  it('verifier starts verification, refuses a document (a reason is required), and returns the file', async () => {
    await actOnPage(officers.verifier.page, 'start_verification');
    expect(await state()).toBe('verification');

    const ktp = (await currentDocs()).find((d) => d.requirement_code === 'ktp')!;
    const status = `doc-${ktp.id}-status`;
    const reason = `doc-${ktp.id}-reason`;
    const before = await snapshot();
    const noChoice = await officers.verifier.page.post(`${caseUrl()}/dokumen/${ktp.id}/periksa`, { [status]: '', [reason]: '' });
    expect(noChoice.statusCode).toBe(400);
    expect(noChoice.body).toContain(`href="#f-${status}"`);
    const noReason = await officers.verifier.page.post(`${caseUrl()}/dokumen/${ktp.id}/periksa`, { [status]: 'refused', [reason]: '  ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('error-summary');
    expect(noReason.body).toContain(`<a href="#f-${reason}">Tulis mengapa KTP elektronik pemohon perlu diperbaiki.</a>`);
    // The choice made is kept.
    expect(noReason.body).toMatch(new RegExp(`id="f-${status}-1" name="${status}" type="radio" value="refused" checked`));
    expect(await snapshot()).toEqual(before);

    const ok = await officers.verifier.page.post(`${caseUrl()}/dokumen/${ktp.id}/periksa`, {
      [status]: 'refused',
      [reason]: 'Foto KTP buram, <b>tidak terbaca</b>',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`${caseUrl()}?tersimpan=dokumen`);
    expect((await currentDocs()).find((d) => d.id === ktp.id)).toMatchObject({
      review_status: 'refused',
      review_reason: 'Foto KTP buram, <b>tidak terbaca</b>',
    });

    const page = await officers.verifier.page.get(`${caseUrl()}?tersimpan=dokumen`);
    expect(page.body).toContain('Hasil pemeriksaan dokumen sudah disimpan.');
    expect(page.body).toContain('Foto KTP buram, &lt;b&gt;tidak terbaca&lt;/b&gt;');
    // Forward needs every document accepted: shown as not possible yet, with the reason in words.
    expect(offered(page.body)).toEqual(['return_to_applicant', 'reject']);
    expect(blocked(page.body)).toEqual(['forward']);
    expect(page.body).toContain('semua dokumen wajib harus sudah diterima petugas');

    const beforeReturn = await snapshot();
    const noReturnReason = await officers.verifier.page.post(`${caseUrl()}/tindakan`, {
      action: 'return_to_applicant',
      'action-return_to_applicant-reason': '',
    });
    expect(noReturnReason.statusCode).toBe(400);
    expect(noReturnReason.body).toContain('href="#f-action-return_to_applicant-reason"');
    const forward = await officers.verifier.page.post(`${caseUrl()}/tindakan`, { action: 'forward' });
    expect(forward.statusCode).toBe(409);
    expect(forward.body).toContain('Tindakan ini belum dapat dilakukan: semua dokumen wajib harus sudah diterima petugas.');
    expect(await snapshot()).toEqual(beforeReturn);

    await actOnPage(officers.verifier.page, 'return_to_applicant', { 'action-return_to_applicant-reason': 'KTP perlu dipindai ulang' });
    expect(await state()).toBe('returned_to_applicant');
  });

  it('after the citizen replaces the document and resubmits, the verifier accepts every document and forwards', async () => {
    const file = multipartFile('ktp-baru.png', DEMO_PNG, 'image/png');
    const upload = await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/ktp`,
      headers: { ...auth(citizenToken), ...file.headers },
      payload: file.payload,
    });
    expect(upload.statusCode, upload.body).toBe(201);
    const resubmit = await act(ctx, citizenToken, id, 'resubmit');
    expect(resubmit.statusCode, resubmit.body).toBe(200);

    const page = await actOnPage(officers.verifier.page, 'start_verification');
    expect(page.body).toContain('ktp-baru.png');
    for (const d of await currentDocs()) {
      const res = await officers.verifier.page.post(`${caseUrl()}/dokumen/${d.id}/periksa`, { [`doc-${d.id}-status`]: 'accepted', [`doc-${d.id}-reason`]: '' });
      expect(res.statusCode).toBe(303);
    }
    expect((await currentDocs()).every((d) => d.review_status === 'accepted')).toBe(true);
    await actOnPage(officers.verifier.page, 'forward');
    expect(await state()).toBe('technical_review');
    // The verifier's work is done: no actions, no checklist.
    const after = await officers.verifier.page.get(caseUrl());
    expect(offered(after.body)).toEqual([]);
    expect(after.body).not.toContain('/periksa"');
  });

  it('technical records the field inspection (result and findings required), then recommends', async () => {
    const page = await officers.technical.page.get(caseUrl());
    expect(blocked(page.body)).toEqual(['recommend']);
    expect(page.body).toContain('hasil peninjauan lapangan harus dicatat');
    expect(page.body).toContain(`action="/kantor/berkas/${id}/inspeksi"`);

    const before = await snapshot();
    const missing = await officers.technical.page.post(`${caseUrl()}/inspeksi`, { 'inspection-findings': 'Sudah dicek' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#f-inspection-result"');
    expect(missing.body).toContain('Sudah dicek</textarea>');
    expect(await snapshot()).toEqual(before);
    // Only the technical team records inspections.
    expect((await officers.verifier.page.post(`${caseUrl()}/inspeksi`, { 'inspection-result': 'pass', 'inspection-findings': 'x' })).statusCode).toBe(403);

    const ok = await officers.technical.page.post(`${caseUrl()}/inspeksi`, {
      'inspection-result': 'pass',
      'inspection-findings': 'Bangunan sesuai gambar <rencana>',
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe(`${caseUrl()}?tersimpan=inspeksi`);
    const shown = await officers.technical.page.get(`${caseUrl()}?tersimpan=inspeksi`);
    expect(shown.body).toContain('Hasil peninjauan lapangan sudah dicatat.');
    expect(shown.body).toContain('Bangunan sesuai gambar &lt;rencana&gt;');
    expect(offered(shown.body)).toEqual(['return_to_applicant', 'recommend', 'reject']);

    await actOnPage(officers.technical.page, 'recommend');
    expect(await state()).toBe('fee_assessment');
  });

  it('treasurer assesses the fee (a missing or negative fee is refused) and records the payment', async () => {
    const page = await officers.treasurer.page.get(caseUrl());
    expect(offered(page.body)).toEqual(['assess_fee']);
    expect(page.body).toContain('id="f-action-assess_fee-fee"');
    expect(page.body).not.toContain('/periksa"');

    const before = await snapshot();
    const empty = await officers.treasurer.page.post(`${caseUrl()}/tindakan`, { action: 'assess_fee', 'action-assess_fee-fee': '' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<a href="#f-action-assess_fee-fee">Retribusi dalam rupiah: wajib diisi.</a>');
    const negative = await officers.treasurer.page.post(`${caseUrl()}/tindakan`, { action: 'assess_fee', 'action-assess_fee-fee': '-5000' });
    expect(negative.statusCode).toBe(400);
    expect(negative.body).toContain('Retribusi harus bilangan bulat rupiah, 0 atau lebih.');
    expect(negative.body).toContain('value="-5000"');
    expect(await snapshot()).toEqual(before);

    await actOnPage(officers.treasurer.page, 'assess_fee', { 'action-assess_fee-fee': '6.176.270', 'action-assess_fee-fee-reason': 'Kajian teknis' });
    expect(await snapshot()).toMatchObject({ state: 'awaiting_payment', fee_amount: 6176270 });

    const paying = await officers.treasurer.page.get(caseUrl());
    expect(paying.body).toContain('Rp 6.176.270, belum dibayar');
    const noReference = await officers.treasurer.page.post(`${caseUrl()}/tindakan`, { action: 'record_payment', 'action-record_payment-reference': ' ' });
    expect(noReference.statusCode).toBe(400);
    expect(noReference.body).toContain('href="#f-action-record_payment-reference"');
    expect(await state()).toBe('awaiting_payment');
    await actOnPage(officers.treasurer.page, 'record_payment', { 'action-record_payment-reference': 'BJATIM-2026-0042' });
    expect(await snapshot()).toMatchObject({ state: 'approval', payment_reference: 'BJATIM-2026-0042' });
  });

  it('head approves and signs: the permit is issued, and the timeline keeps the reasons', async () => {
    const page = await officers.head.page.get(caseUrl());
    expect(offered(page.body)).toEqual(['approve', 'send_back', 'reject']);
    expect(page.body).toContain('BJATIM-2026-0042');
    // Now that approve is possible in this state, a verifier still may not take it.
    const before = await snapshot();
    expect((await officers.verifier.page.post(`${caseUrl()}/tindakan`, { action: 'approve' })).statusCode).toBe(403);
    expect(await snapshot()).toEqual(before);
    await actOnPage(officers.head.page, 'approve');
    expect(await state()).toBe('signing');
    const issued = await actOnPage(officers.head.page, 'sign');
    expect(await state()).toBe('issued');
    expect(issued.body).toContain('Selesai: Tandatangani dan terbitkan.');
    expect(issued.body).toContain('Terbit');
    expect(issued.body).toContain('Tidak ada tindakan untuk peran Anda pada tahap ini.');
    expect(issued.body).toContain('Alasan: KTP perlu dipindai ulang');
    expect(issued.body).toContain('oleh verifikator');
    // Nothing more can be done on an issued permit.
    const again = await officers.head.page.post(`${caseUrl()}/tindakan`, { action: 'sign' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('error-summary');
    expect(await state()).toBe('issued');
  });

  it('never shows a NIK in full', async () => {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(citizenToken),
      payload: { permitTypeCode: 'NIB', answers: await validAnswers(ctx, 'NIB') },
    });
    expect(created.statusCode, created.body).toBe(201);
    const nibId = created.json<{ id: string }>().id;
    await uploadRequired(ctx, citizenToken, nibId, 'NIB');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${nibId}/submit`, headers: auth(citizenToken) })).statusCode).toBe(200);
    const res = await officers.verifier.page.get(`/kantor/berkas/${nibId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('3573014506900002');
    expect(res.body).toContain(maskNik('3573014506900002'));
  });

  it('keeps internal notes for staff, shows messages to the applicant, and hands the file to a colleague', async () => {
    const empty = await officers.verifier.page.post(`${caseUrl()}/catatan`, { 'note-kind': 'to_applicant', 'note-body': '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('error-summary');
    expect((await officers.verifier.page.post(`${caseUrl()}/catatan`, { 'note-kind': 'internal', 'note-body': 'Rahasia: cek ke PUPR' })).statusCode).toBe(303);
    expect(
      (await officers.verifier.page.post(`${caseUrl()}/catatan`, { 'note-kind': 'to_applicant', 'note-body': 'Mohon bawa <dokumen> asli' })).statusCode,
    ).toBe(303);
    const staffView = await officers.verifier.page.get(caseUrl());
    expect(staffView.body).toContain('Rahasia: cek ke PUPR');
    expect(staffView.body).toContain('Mohon bawa &lt;dokumen&gt; asli');
    const id = caseUrl().split('/').pop()!;
    const citizenView = await citizenPage.get(`/permohonan/${id}`);
    expect(citizenView.body).toContain('Mohon bawa &lt;dokumen&gt; asli');
    expect(citizenView.body).not.toContain('Rahasia');
    const holders = await officers.verifier.page.post(`${caseUrl()}/pegang`, { assignee: officers.verifier.userId });
    expect([303, 400]).toContain(holders.statusCode);
    const released = await officers.verifier.page.post(`${caseUrl()}/pegang`, { assignee: '' });
    expect(released.statusCode).toBe(303);
    const row = await ctx.db.selectFrom('applications').select('assigned_to').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.assigned_to).toBeNull();
  });
});
