import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApplicationService } from '../../src/applications/applications.service.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { CLAIM_LINK_DAYS, createHelpdeskService, WHATSAPP_WINDOW_HOURS } from '../../src/helpdesk/helpdesk.service.js';
import { REPLY_LIMIT } from '../../src/whatsapp/whatsapp.service.js';
import { DIALECTS } from '../helpers/databases.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { auth, createTestContext, json, SECOND_OFFICE, staffOtp, type TestContext, uniqueNik } from '../helpers/context.js';
import { digits, type FakeWhatsApp, startFakeWhatsApp, textWebhook } from '../helpers/fake-whatsapp.js';
import { hookedDatabase } from '../helpers/hooked-database.js';
import { act, uploadRequired, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * The help desk (issue 11, item 5), through the real WhatsApp webhook, the real outbox and delivery job
 * and a local server playing Meta's Graph API: a citizen's WhatsApp question becomes a help request, is
 * answered within the first-response standard, turned into an assisted draft, claimed through the link,
 * completed and submitted online; and the rules around it (the 24-hour window, the SLA over a holiday
 * and a weekend, the doors answered by hand, who may do what).
 */

type HelpRequestView = {
  id: string;
  channel: string;
  handle: string;
  status: string;
  applicationId: string | null;
  permitCode: string | null;
  firstResponse: { dueOn: string; at: string | null; overdue: boolean; withinSla: boolean | null };
  replyBy: string;
  messages: { kind: string; body: string; delivery: string | null }[];
  cannedAnswers: { key: string; label: string; text: string }[];
  can: { reply: boolean; assist: boolean };
};
type ListView = { items: HelpRequestView[]; total: number };

describe.each(DIALECTS)('the help desk (%s)', (dialect) => {
  let fake: FakeWhatsApp;
  let ctx: TestContext;
  let secret: string;
  let desk: { token: string; userId: string };
  let admin: { token: string; userId: string };

  const webhook = (from: string, body: string) => {
    const raw = JSON.stringify(textWebhook(fake.phoneNumberId, { from, body }));
    return ctx.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` },
      payload: raw,
    });
  };
  const settle = async () => {
    await ctx.services.outbox.drain();
    await ctx.services.deliveries.drain();
  };
  const api = (token: string | null, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
    ctx.app.inject({ method, url, headers: token ? auth(token) : {}, ...(payload ? { payload } : {}) });
  const requestsOf = async (handle: string) =>
    ctx.db.selectFrom('help_requests').selectAll().where('tenant_id', '=', ctx.tenant.id).where('handle', '=', handle).orderBy('created_at').execute();
  /** Staff sessions end after hours of test-clock time: the officers sign in afresh after each jump. */
  const signInStaff = async () => {
    desk = await person('front_desk');
    admin = await person('admin');
  };
  let people = 0;
  /** An account signed in through the auth service (the login route's per-address limit is not under test here). */
  const person = async (role: Role, tenantId = ctx.tenant.id) => {
    const email = `${role}.${++people}.${Math.random().toString(36).slice(2, 8)}@bantuan.izol.test`;
    const password = `${role} kata sandi panjang ${people}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId, role, name: `Petugas ${role} ${people}`, email, password });
    const otp = await staffOtp(ctx, userId, role);
    const { token } = await ctx.services.auth.login({ tenantId, login: email, password, clientIp: '127.0.0.1', kind: 'bearer', ...(otp ? { otp } : {}) });
    return { token, userId };
  };
  const view = async (id: string) => json<HelpRequestView>(await api(desk.token, 'GET', `/api/v1/help-requests/${id}`));

  beforeAll(async () => {
    fake = await startFakeWhatsApp();
    secret = fake.env.WHATSAPP_APP_SECRET!;
    ctx = await createTestContext(dialect, fake.env);
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  it('turns a WhatsApp question into a help request, answers it in time, assists a draft the citizen claims by link, completes and submits; the channel history shows both contacts', async () => {
    const phone = '+6281234577001';
    // Wednesday 23 December 2026, 10:00 in Malang: the next working days skip Christmas Eve (cuti bersama),
    // Christmas and the weekend, so the first answer is due on Wednesday the 30th.
    ctx.clock.set('2026-12-23T03:00:00.000Z');
    await signInStaff();
    expect((await webhook(phone, 'Selamat pagi, saya mau pasang reklame toko. Syaratnya apa saja?')).statusCode).toBe(200);
    await settle();
    // The citizen is acknowledged (free text: they just wrote) and the question waits for the help desk.
    const ack = fake.to(phone).at(-1)!.body;
    expect(ack.type).toBe('text');
    let [request] = await requestsOf(phone);
    expect(request).toMatchObject({ channel: 'whatsapp', status: 'new', first_response_due_on: '2026-12-30', first_response_at: null });
    // A follow-up a few minutes later joins the same request, unanswered by the number (one acknowledgement).
    ctx.clock.advanceMinutes(REPLY_LIMIT.windowMinutes / 2);
    const before = fake.to(phone).length;
    await webhook(phone, 'Tokonya di Jalan Ijen.');
    await settle();
    expect(fake.to(phone).length).toBe(before);
    expect(await requestsOf(phone)).toHaveLength(1);

    // The front desk sees it in the list, names the permit, and gets ready answers from its guide.
    const list = json<ListView>(await api(desk.token, 'GET', '/api/v1/help-requests'));
    expect(list.items.map((i) => i.id)).toContain(request!.id);
    const patched = await api(desk.token, 'PATCH', `/api/v1/help-requests/${request!.id}`, { permitCode: 'reklame', assigneeId: desk.userId });
    expect(patched.statusCode, patched.body).toBe(200);
    const detail = json<HelpRequestView>(patched);
    expect(detail.messages.map((m) => [m.kind, m.body])).toEqual([
      ['inbound', 'Selamat pagi, saya mau pasang reklame toko. Syaratnya apa saja?'],
      ['inbound', 'Tokonya di Jalan Ijen.'],
    ]);
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'REKLAME' });
    const requirements = detail.cannedAnswers.find((c) => c.key === 'requirements')!;
    for (const r of type.definition.requirements) expect(requirements.text).toContain(r.name.id);
    expect(detail.cannedAnswers.find((c) => c.key === 'sla')!.text).toContain(`${type.definition.slaWorkingDays} hari kerja`);
    expect(detail.replyBy).toBe('whatsapp_text');

    // The reply goes out as free text inside the 24-hour window, on the last working day of the standard.
    ctx.clock.set('2026-12-30T02:00:00.000Z');
    await signInStaff();
    await webhook(phone, 'Halo, masih ditunggu jawabannya.');
    await settle();
    const replyText = `${requirements.text}\nKami bisa bantu siapkan drafnya.`;
    const replied = await api(desk.token, 'POST', `/api/v1/help-requests/${request!.id}/replies`, { body: replyText });
    expect(replied.statusCode, replied.body).toBe(200);
    expect(json<HelpRequestView>(replied)).toMatchObject({ status: 'answered', firstResponse: { overdue: false, withinSla: true } });
    await settle();
    const sent = fake.to(phone).at(-1)!.body;
    expect(sent).toMatchObject({ type: 'text', to: digits(phone), text: { body: replyText } });

    // Assist: an assisted draft, linked to the request, and a claim link sent as the approved template.
    const assisted = await api(desk.token, 'POST', `/api/v1/help-requests/${request!.id}/assist`, {
      permitTypeCode: 'REKLAME',
      applicantName: 'Ibu Sri Wahyuni',
    });
    expect(assisted.statusCode, assisted.body).toBe(201);
    const { applicationId, claimLink } = json<{ applicationId: string; claimLink: string | null }>(assisted);
    expect(claimLink).toBeNull(); // on WhatsApp the link exists only in the message
    const draft = await ctx.db.selectFrom('applications').selectAll().where('id', '=', applicationId).executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ channel: 'assisted', applicant_id: null, number: null, applicant_name: 'Ibu Sri Wahyuni' });
    [request] = await requestsOf(phone);
    expect(request).toMatchObject({ application_id: applicationId, status: 'waiting_for_citizen' });
    await settle();
    const template = fake.to(phone).at(-1)!.body;
    if (template.type !== 'template') throw new Error(`expected a template, got ${JSON.stringify(template)}`);
    expect(template.template.name).toBe('izol_tautan_klaim');
    const params = template.template.components.flatMap((c) => c.parameters.map((p) => p.text));
    expect(params).toContain(String(CLAIM_LINK_DAYS));
    const link = params.find((p) => p.includes('/klaim/'))!;
    const path = new URL(link).pathname;
    // Only the token's hash is stored.
    const token = decodeURIComponent(path.split('/').at(-1)!);
    const stored = await ctx.db.selectFrom('claim_links').selectAll().where('application_id', '=', applicationId).executeTakeFirstOrThrow();
    expect(stored.token_hash).not.toBeNull();
    expect(JSON.stringify(stored)).not.toContain(token);

    // The citizen opens the link signed out: it offers sign-in (and back here) or registration.
    const browser = new PageClient(ctx);
    const signedOut = await browser.get(path);
    expect(signedOut.statusCode).toBe(200);
    expect(signedOut.body).toContain('Reklame');
    expect(signedOut.body).toContain(`/akun/masuk?kembali=${encodeURIComponent(path)}`);
    expect(signedOut.body).toContain('href="/akun/daftar"');
    // They register with the WhatsApp number they wrote from, then open the link again and take the draft.
    const password = 'reklame toko di jalan ijen';
    const registered = await browser.post('/akun/daftar', {
      name: 'Sri Wahyuni',
      nik: uniqueNik(),
      email: '',
      phone: '0812-3457-7001',
      password,
      consent: 'yes',
    });
    expect(registered.statusCode, registered.body.slice(0, 500)).toBe(303);
    const claimPage = await browser.get(path);
    expect(claimPage.body).toContain('action="/klaim/');
    const claimed = await browser.post(path, {});
    expect(claimed.statusCode).toBe(303);
    expect(claimed.headers.location).toBe(`/permohonan/${applicationId}`);
    const citizen = await ctx.db.selectFrom('users').select(['id', 'name']).where('phone', '=', phone).executeTakeFirstOrThrow();
    const owned = await ctx.db.selectFrom('applications').select(['applicant_id', 'channel']).where('id', '=', applicationId).executeTakeFirstOrThrow();
    expect(owned).toEqual({ applicant_id: citizen.id, channel: 'assisted' });
    expect((await browser.get(`/permohonan/${applicationId}`)).statusCode).toBe(200);
    // The link is single use: opened again, it no longer works.
    const again = await browser.get(path);
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('Tautan ini tidak berlaku lagi');

    // The citizen completes and submits the draft online themselves.
    const { token: bearer } = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: phone, password, clientIp: '127.0.0.1', kind: 'bearer' });
    const filled = await api(bearer, 'PATCH', `/api/v1/applications/${applicationId}`, { answers: await validAnswers(ctx, 'REKLAME') });
    expect(filled.statusCode, filled.body).toBe(200);
    await uploadRequired(ctx, bearer, applicationId, 'REKLAME');
    const submitted = await act(ctx, bearer, applicationId, 'submit');
    expect(submitted.statusCode, submitted.body).toBe(200);
    const filed = await ctx.db.selectFrom('applications').select(['number', 'applicant_id', 'state']).where('id', '=', applicationId).executeTakeFirstOrThrow();
    expect(filed.number).toMatch(/-REKLAME-2026-\d{6}$/);
    expect(filed.applicant_id).toBe(citizen.id);
    const events = await ctx.db
      .selectFrom('application_events')
      .select(['action', 'actor_id'])
      .where('application_id', '=', applicationId)
      .orderBy('position')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['create', 'claim', 'submit']);
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select(['action', 'data'])
      .where('subject_id', '=', applicationId)
      .where('action', '=', 'application.claimed')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toContain('link');

    // The citizen's channel history shows both contacts: the WhatsApp question and the assisted application.
    const history = await ctx.services.contacts.getMyChannelHistory({
      actor: { userId: citizen.id, tenantId: ctx.tenant.id, role: 'applicant', name: citizen.name },
    });
    const kinds = history.items.map((i) => [i.kind, i.channel, i.refId]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        ['help_request', 'whatsapp', request!.id],
        ['application', 'assisted', applicationId],
      ]),
    );
  });

  it('replies as free text inside the 24-hour window and as the approved template after it', async () => {
    const phone = '+6281234577002';
    ctx.clock.set('2027-01-05T02:00:00.000Z');
    await signInStaff();
    await webhook(phone, 'Berapa biaya izin reklame?');
    await settle();
    const [request] = await requestsOf(phone);
    // 23 hours after the citizen wrote: still free text.
    ctx.clock.advanceMinutes((WHATSAPP_WINDOW_HOURS - 1) * 60);
    await signInStaff();
    expect((await view(request!.id)).replyBy).toBe('whatsapp_text');
    await api(desk.token, 'POST', `/api/v1/help-requests/${request!.id}/replies`, { body: 'Biayanya gratis.', status: 'waiting_for_citizen' });
    await settle();
    expect(fake.to(phone).at(-1)!.body).toMatchObject({ type: 'text', text: { body: 'Biayanya gratis.' } });
    // Two hours later the window has closed: the reply travels in the izol_balasan_bantuan template.
    ctx.clock.advanceMinutes(120);
    await signInStaff();
    const v = await view(request!.id);
    expect(v.replyBy).toBe('whatsapp_template');
    const late = await api(desk.token, 'POST', `/api/v1/help-requests/${request!.id}/replies`, { body: 'Ada lagi yang bisa kami bantu?\nSalam.' });
    expect(json<HelpRequestView>(late).messages.at(-1)).toMatchObject({ kind: 'reply', delivery: 'whatsapp_template' });
    await settle();
    const body = fake.to(phone).at(-1)!.body;
    if (body.type !== 'template') throw new Error(`expected a template, got ${JSON.stringify(body)}`);
    expect(body.template.name).toBe('izol_balasan_bantuan');
    expect(body.template.components[0]!.parameters.map((p) => p.text)).toEqual([ctx.tenant.name, 'Ada lagi yang bisa kami bantu? Salam.']);
    // The citizen writes again: the request is back to new and the window open again.
    await webhook(phone, 'Terima kasih, satu pertanyaan lagi.');
    await settle();
    expect(await view(request!.id)).toMatchObject({ status: 'new', replyBy: 'whatsapp_text' });
  });

  it('keeps one open WhatsApp request per sender: messages arriving at once join it, a closed one is not reopened beside a new one', async () => {
    const phone = '+6281234577004';
    ctx.clock.set('2027-01-20T02:00:00.000Z');
    await signInStaff();
    const results = await Promise.all([webhook(phone, 'Pertanyaan pertama'), webhook(phone, 'Pertanyaan kedua'), webhook(phone, 'Pertanyaan ketiga')]);
    expect(results.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    const [request, ...others] = await requestsOf(phone);
    expect(others).toHaveLength(0);
    expect((await view(request!.id)).messages.map((m) => m.body).sort()).toEqual(['Pertanyaan kedua', 'Pertanyaan ketiga', 'Pertanyaan pertama']);
    // Closed, the next message starts a new request; the old one cannot be reopened beside it.
    expect((await api(desk.token, 'PATCH', `/api/v1/help-requests/${request!.id}`, { status: 'closed' })).statusCode).toBe(200);
    ctx.clock.advanceMinutes(60);
    await webhook(phone, 'Pertanyaan baru setelah ditutup');
    const all = await requestsOf(phone);
    expect(all.map((r) => r.status)).toEqual(['closed', 'new']);
    const reopen = await api(desk.token, 'PATCH', `/api/v1/help-requests/${request!.id}`, { status: 'new' });
    expect(reopen.statusCode).toBe(409);
    expect((await requestsOf(phone)).map((r) => r.status)).toEqual(['closed', 'new']);
  });

  it('counts the first-response standard in working days over a holiday and a weekend, and lists overdue requests first', async () => {
    // The portal's form on Wednesday 23 December 2026: due Wednesday the 30th (24th and 25th are holidays, then the weekend).
    ctx.clock.set('2026-12-23T04:00:00.000Z');
    await signInStaff();
    const first = await api(null, 'POST', '/api/v1/help-requests', { handle: 'warga.satu@contoh.id', name: 'Warga Satu', message: 'Kapan kantor buka?' });
    expect(first.statusCode, first.body).toBe(201);
    expect(json(first)).toMatchObject({ channel: 'web', status: 'new', firstResponseDueOn: '2026-12-30' });
    // A Friday question (no holiday): Monday, Tuesday, Wednesday.
    ctx.clock.set('2027-01-08T04:00:00.000Z');
    await signInStaff();
    const second = await api(null, 'POST', '/api/v1/help-requests', { handle: '0812 3457 7003', message: 'Apakah bisa mengurus izin usaha online?' });
    expect(json(second)).toMatchObject({ firstResponseDueOn: '2027-01-13' });
    const firstId = json<{ id: string }>(first).id;
    const secondId = json<{ id: string }>(second).id;
    // On 14 January the first is long overdue, the second a day late; a fresh one is not due yet.
    ctx.clock.set('2027-01-14T02:00:00.000Z');
    await signInStaff();
    const fresh = json<{ id: string }>(await api(null, 'POST', '/api/v1/help-requests', { handle: 'baru@contoh.id', message: 'Pertanyaan baru' })).id;
    const items = json<ListView>(await api(desk.token, 'GET', '/api/v1/help-requests?pageSize=100')).items;
    const order = items.map((i) => i.id);
    const overdueIds = items.filter((i) => i.firstResponse.overdue).map((i) => i.id);
    expect(overdueIds).toEqual(expect.arrayContaining([firstId, secondId]));
    expect(order.indexOf(firstId)).toBeLessThan(order.indexOf(secondId));
    expect(Math.max(...overdueIds.map((id) => order.indexOf(id)))).toBeLessThan(order.indexOf(fresh));
    expect(items.find((i) => i.id === fresh)!.firstResponse.overdue).toBe(false);
    // Paged in SQL: a page of one holds the most overdue.
    const page = json<ListView>(await api(desk.token, 'GET', '/api/v1/help-requests?pageSize=1&page=1'));
    expect(page.items).toHaveLength(1);
    expect(page.total).toBeGreaterThanOrEqual(3);
    expect(page.items[0]!.firstResponse.overdue).toBe(true);
    // Answered late: the first answer is recorded as outside the standard, and the request leaves the overdue list.
    const late = json<HelpRequestView>(await api(desk.token, 'POST', `/api/v1/help-requests/${secondId}/replies`, { body: 'Bisa, lewat portal.' }));
    expect(late.firstResponse).toMatchObject({ overdue: false, withinSla: false });
    // The web form's email gets the reply by email, the number by the WhatsApp template.
    await settle();
    const mail = await ctx.db.selectFrom('notifications').select(['channel', 'kind', 'recipient']).where('recipient', '=', '+6281234577003').execute();
    expect(mail).toEqual([{ channel: 'whatsapp', kind: 'help_reply', recipient: '+6281234577003' }]);
  });

  it('records replies on the doors the office cannot send to as sent by hand, and gives the officer the claim link once', async () => {
    ctx.clock.set('2027-02-01T03:00:00.000Z');
    await signInStaff();
    const created = await api(desk.token, 'POST', '/api/v1/help-requests', {
      channel: 'instagram',
      handle: '@toko.bunga.malang',
      name: 'Toko Bunga',
      message: 'Min, izin reklame gimana?',
      permitCode: 'REKLAME',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = json<{ id: string }>(created).id;
    ctx.clock.advanceMinutes(5);
    const outboxBefore = await ctx.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const replied = json<HelpRequestView>(await api(desk.token, 'POST', `/api/v1/help-requests/${id}/replies`, { body: 'Sudah kami balas lewat DM.' }));
    expect(replied.messages.at(-1)).toMatchObject({ kind: 'reply', delivery: 'by_hand' });
    expect(replied.firstResponse.withinSla).toBe(true);
    const outboxAfter = await ctx.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(outboxAfter.n)).toBe(Number(outboxBefore.n));
    // An internal note is never sent and stays in the thread.
    ctx.clock.advanceMinutes(5);
    const noted = await api(desk.token, 'POST', `/api/v1/help-requests/${id}/notes`, { body: 'Pemilik toko akan datang Senin.' });
    expect(noted.statusCode).toBe(201);
    expect(json<HelpRequestView>(noted).messages.at(-1)).toMatchObject({ kind: 'note', delivery: null });
    // Assist: the link is shown to the officer this once, to send by Instagram; it works.
    const assisted = json<{ applicationId: string; claimLink: string }>(
      await api(desk.token, 'POST', `/api/v1/help-requests/${id}/assist`, { permitTypeCode: 'REKLAME' }),
    );
    expect(assisted.claimLink).toMatch(/\/klaim\/[A-Za-z0-9_-]{43}$/);
    const citizen = await person('applicant');
    const claim = await api(citizen.token, 'POST', '/api/v1/claim-links/claim', { token: assisted.claimLink.split('/').at(-1)! });
    expect(claim.statusCode, claim.body).toBe(200);
    expect(json(claim)).toEqual({ applicationId: assisted.applicationId });
    // A second assist on the same request is refused.
    expect((await api(desk.token, 'POST', `/api/v1/help-requests/${id}/assist`, { permitTypeCode: 'REKLAME' })).statusCode).toBe(409);
  });

  it('answers an email request by email, and sends the claim link there (the token only in the message)', async () => {
    ctx.clock.set('2027-02-10T03:00:00.000Z');
    await signInStaff();
    const created = await api(desk.token, 'POST', '/api/v1/help-requests', {
      channel: 'email',
      handle: 'Dewi.Lestari@Contoh.id',
      name: 'Dewi Lestari',
      message: 'Saya ingin mengurus izin usaha, mohon dibantu.',
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = json<{ id: string }>(created).id;
    expect((await view(id)).handle).toBe('dewi.lestari@contoh.id');
    ctx.clock.advanceMinutes(3);
    const replied = json<HelpRequestView>(await api(desk.token, 'POST', `/api/v1/help-requests/${id}/replies`, { body: 'Tentu, kami siapkan drafnya.' }));
    expect(replied.messages.at(-1)).toMatchObject({ kind: 'reply', delivery: 'email' });
    const assisted = json<{ applicationId: string; claimLink: string | null }>(
      await api(desk.token, 'POST', `/api/v1/help-requests/${id}/assist`, { permitTypeCode: 'NIB' }),
    );
    expect(assisted.claimLink).toBeNull();
    await ctx.services.outbox.drain();
    const sent = await ctx.db
      .selectFrom('notifications')
      .select(['channel', 'kind', 'params', 'body', 'application_id'])
      .where('recipient', '=', 'dewi.lestari@contoh.id')
      .orderBy('created_at')
      .execute();
    expect(sent.map((n) => [n.channel, n.kind])).toEqual([
      ['email', 'help_reply'],
      ['email', 'claim_link'],
    ]);
    // The office's answer, signed with the office's name.
    expect(sent[0]!.body).toBe(`Tentu, kami siapkan drafnya.\n\n${ctx.tenant.name}`);
    const link = (JSON.parse(sent[1]!.params) as { link: string }).link;
    expect(sent[1]!.body).toContain(link);
    expect(sent[1]!.application_id).toBe(assisted.applicationId);
    const token = link.split('/klaim/')[1]!;
    const citizen = await person('applicant');
    const claim = await api(citizen.token, 'POST', '/api/v1/claim-links/claim', { token });
    expect(claim.statusCode, claim.body).toBe(200);
    // Running the outbox again sends no second link (the hash is written once).
    await ctx.services.outbox.drain();
    expect(
      await ctx.db.selectFrom('notifications').select('id').where('recipient', '=', 'dewi.lestari@contoh.id').where('kind', '=', 'claim_link').execute(),
    ).toHaveLength(1);
  });

  it('assists all or nothing: a WhatsApp message arriving while the draft is written is a 409 that leaves no draft, and the retry makes exactly one', async () => {
    const phone = '+6281234577031';
    ctx.clock.set('2027-02-15T03:00:00.000Z');
    await signInStaff();
    await webhook(phone, 'Saya mau urus izin reklame, dibantu ya.');
    await settle();
    const [request] = await requestsOf(phone);
    const drafts = () => ctx.db.selectFrom('applications').select('id').where('idempotency_key', '=', `helpdesk-${request!.id}`).execute();
    const actor = { userId: desk.userId, tenantId: ctx.tenant.id, role: 'front_desk' as const, name: 'Petugas Loket' };
    // The citizen's next message lands exactly between assist's read of the request and the draft's insert.
    let arrived = false;
    const db = hookedDatabase(ctx, async (statement) => {
      if (!arrived && /^insert into "applications"/i.test(statement)) {
        arrived = true;
        expect((await webhook(phone, 'Oh iya, tokonya dua lantai.')).statusCode).toBe(200);
      }
    });
    try {
      const { config, catalogue, holidays } = ctx.services;
      const applications = createApplicationService({ db, clock: ctx.clock, catalogue, holidays, dataKey: config.dataEncryptionKey });
      const address = { baseUrl: config.baseUrl, defaultTenant: config.defaultTenant };
      const helpdesk = createHelpdeskService({ db, clock: ctx.clock, holidays, catalogue, applications, address });
      const err = await helpdesk.assistHelpRequest({ actor, id: request!.id, permitTypeCode: 'REKLAME', lang: 'id' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(arrived).toBe(true);
      expect(err).toMatchObject({ code: 'conflict', status: 409 });
    } finally {
      await db.destroy();
    }
    // Nothing of the assist stayed: no draft, no claim link, no note, the request still without a draft.
    expect(await drafts()).toEqual([]);
    expect(await ctx.db.selectFrom('claim_links').select('id').where('request_id', '=', request!.id).execute()).toEqual([]);
    const detail = await view(request!.id);
    expect(detail).toMatchObject({ applicationId: null, status: 'new' });
    expect(detail.messages.map((m) => m.kind)).toEqual(['inbound', 'inbound']);
    // The officer tries again: one draft, linked, one claim link sent.
    const retried = await api(desk.token, 'POST', `/api/v1/help-requests/${request!.id}/assist`, { permitTypeCode: 'REKLAME' });
    expect(retried.statusCode, retried.body).toBe(201);
    const { applicationId } = json<{ applicationId: string }>(retried);
    expect((await drafts()).map((d) => d.id)).toEqual([applicationId]);
    expect(await view(request!.id)).toMatchObject({ applicationId, status: 'waiting_for_citizen' });
    expect(await ctx.db.selectFrom('claim_links').select('application_id').where('request_id', '=', request!.id).execute()).toEqual([
      { application_id: applicationId },
    ]);
    // And pressed again, nothing more is made.
    expect((await api(desk.token, 'POST', `/api/v1/help-requests/${request!.id}/assist`, { permitTypeCode: 'REKLAME' })).statusCode).toBe(409);
    expect(await drafts()).toHaveLength(1);
  });

  it('lets only the front desk and admins work the help desk, only the front desk open drafts, and keeps offices apart', async () => {
    ctx.clock.set('2027-03-01T03:00:00.000Z');
    await signInStaff();
    const id = json<{ id: string }>(await api(null, 'POST', '/api/v1/help-requests', { handle: 'akses@contoh.id', message: 'Uji akses' })).id;
    const applicant = await person('applicant');
    const verifier = await person('verifier');
    for (const who of [applicant, verifier]) {
      expect((await api(who.token, 'GET', '/api/v1/help-requests')).statusCode).toBe(403);
      expect((await api(who.token, 'GET', `/api/v1/help-requests/${id}`)).statusCode).toBe(403);
      expect((await api(who.token, 'POST', `/api/v1/help-requests/${id}/replies`, { body: 'x' })).statusCode).toBe(403);
    }
    expect((await api(null, 'GET', '/api/v1/help-requests')).statusCode).toBe(401);
    // A citizen's form uses the web channel only; an officer cannot invent a WhatsApp request.
    expect((await api(applicant.token, 'POST', '/api/v1/help-requests', { channel: 'phone', handle: '081234', message: 'x' })).statusCode).toBe(400);
    expect((await api(desk.token, 'POST', '/api/v1/help-requests', { channel: 'whatsapp', handle: '081234577009', message: 'x' })).statusCode).toBe(400);
    // The admin reads and answers, but opens no drafts (that is the front desk's intake).
    expect((await api(admin.token, 'GET', `/api/v1/help-requests/${id}`)).statusCode).toBe(200);
    expect(json<HelpRequestView>(await api(admin.token, 'GET', `/api/v1/help-requests/${id}`)).can.assist).toBe(false);
    expect((await api(admin.token, 'POST', `/api/v1/help-requests/${id}/assist`, { permitTypeCode: 'REKLAME' })).statusCode).toBe(403);
    // An assignee must be help-desk staff of the office.
    const bad = await api(admin.token, 'PATCH', `/api/v1/help-requests/${id}`, { assigneeId: verifier.userId });
    expect(bad.statusCode).toBe(400);
    expect(json<{ errors: { field: string }[] }>(bad).errors[0]!.field).toBe('assigneeId');
    // Another office's front desk does not see this office's request.
    const office2 = await ensureOffice(ctx.services, SECOND_OFFICE);
    const other = await person('front_desk', office2.id);
    const elsewhere = await ctx.app.inject({
      method: 'GET',
      url: `/api/v1/help-requests/${id}`,
      headers: { ...auth(other.token), host: SECOND_OFFICE.hostnames[0]! },
    });
    expect(elsewhere.statusCode).toBe(404);
    const theirList = json<ListView>(
      await ctx.app.inject({ method: 'GET', url: '/api/v1/help-requests', headers: { ...auth(other.token), host: SECOND_OFFICE.hostnames[0]! } }),
    );
    expect(theirList.items.map((i) => i.id)).not.toContain(id);
  });
});
