import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import type { Notification } from '../../src/notifications/notifications.repository.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import { createChannelAdapters } from '../../src/notifications/adapters.js';
import { enqueue } from '../../src/outbox/outbox.repository.js';
import { applyProviderStatus, setOfficeChannelOrder } from '../../src/notifications/deliveries.repository.js';
import { isoNow } from '../../src/shared/time.js';
import { createDeliveryWorker, idempotencyKey } from '../../src/notifications/delivery.worker.js';
import type { Channel, MessageKind } from '../../src/notifications/messages.js';
import { WHATSAPP_TEMPLATES } from '../../src/notifications/whatsapp-templates.js';
import { actionsFor } from '../../src/workflow/workflow.engine.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { type FakeSms, type FakeSmtp, startFakeSms, startFakeSmtp } from '../helpers/fake-gateways.js';
import { type FakeWhatsApp, startFakeWhatsApp } from '../helpers/fake-whatsapp.js';
import { validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';
import { carryToIssued } from '../helpers/permits.js';

/**
 * Issue 10, item 1, "Done when": with a real SMTP server, a local WhatsApp Cloud API and a local SMS
 * provider (each checking the exact request shape), every kind of message a citizen depends on
 * arrives on every channel; a gateway failing three times delivers once; a worker dying between the
 * gateway call and recording the result loses nothing (and sends once where the key is honoured); a
 * permanently refused message lands on the admin's dead-letter page, and "send again" delivers it.
 */
const CHANNEL_LIST: Channel[] = ['email', 'whatsapp', 'sms'];
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** One run of the delivery job in a process of its own, as an instance of the server would run it. */
const CHILD_WORKER = `
import { loadConfig } from './src/config.ts';
import { createDatabase } from './src/db/database.ts';
import { createServices } from './src/services.ts';
import { systemClock } from './src/shared/time.ts';
const config = loadConfig(process.env);
const services = createServices({ config, db: createDatabase(config.database), clock: systemClock });
await services.deliveries.runOnce();
`;
const orderStarting = (c: Channel): Channel[] => [c, ...CHANNEL_LIST.filter((x) => x !== c)];

describe.each(DIALECTS)('message delivery (%s)', (dialect) => {
  let ctx: TestContext;
  let wa: FakeWhatsApp;
  let sms: FakeSms;
  let smtp: FakeSmtp;
  const officers: Partial<Record<Role, Actor>> = {};
  let desk: Actor;
  let serial = 0;

  const settle = async () => {
    await ctx.services.outbox.drain();
    await ctx.services.deliveries.drain();
  };
  const newest = (kind: MessageKind, recipient: string): Promise<Notification> =>
    ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('kind', '=', kind)
      .where('recipient', '=', recipient)
      .orderBy('outbox_id', 'desc')
      .executeTakeFirstOrThrow();

  /**
   * What the gateway received for the newest message of `kind` to `address`, checked against the
   * channel's shape; returns the text the person reads (for WhatsApp: the template's parameters).
   */
  async function arrived(channel: Channel, address: string, kind: MessageKind): Promise<string> {
    const row = await newest(kind, address);
    expect(row, `${kind} to ${address}`).toMatchObject({ status: 'sent', channel });
    if (channel === 'whatsapp') {
      const got = wa.received.filter((r) => r.wamid === row.provider_message_id);
      expect(got).toHaveLength(1);
      const body = got[0]!.body;
      if (body.type !== 'template') throw new Error('a message Izol starts must be a template');
      const spec = WHATSAPP_TEMPLATES[kind as Exclude<MessageKind, 'whatsapp_reply'>];
      expect(body.to).toBe(address.replace('+', ''));
      expect(body.template.name).toBe(spec.name);
      expect(body.template.language).toEqual({ code: 'id' });
      const params = body.template.components.find((c) => c.type === 'body')!.parameters.map((p) => p.text);
      expect(params).toHaveLength(spec.parameterNames.length);
      if (spec.category === 'authentication') {
        expect(body.template.components[1]).toEqual({ type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: params[0] }] });
      } else {
        expect(body.template.components).toHaveLength(1);
      }
      return params.join(' | ');
    }
    if (channel === 'sms') {
      const got = sms.sent.filter((s) => s.id === row.provider_message_id);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ to: address, from: 'IZOLMLG', key: idempotencyKey(row) });
      expect(got[0]!.text).not.toContain('\n');
      return got[0]!.text;
    }
    const got = smtp.mails.filter((m) => m.messageId === row.provider_message_id);
    expect(got).toHaveLength(1);
    const mail = got[0]!;
    expect(mail).toMatchObject({
      envelopeTo: [address],
      from: '"Izol Kota Malang" <izol@malangkota.go.id>',
      messageId: `<${idempotencyKey(row)}@malangkota.go.id>`,
      language: 'id',
    });
    expect(mail.subject).toBe(row.subject);
    expect(mail.html).toContain('<!doctype html>');
    expect(mail.text.trim()).toBe(row.body);
    return `${mail.subject}\n${mail.text}`;
  }

  /** Files an application of `code` for `actor` with every required document, through the services. */
  async function filed(actor: Actor, code: string, extra: { channel?: 'walk_in'; applicantName?: string; applicantContact?: string } = {}): Promise<string> {
    const answers = await validAnswers(ctx, code);
    const { application } = await ctx.services.applications.createApplication({ actor, permitTypeCode: code, answers, ...extra });
    const { definition } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
    for (const r of definition.requirements.filter((q) => q.required)) {
      const pdf = r.acceptedTypes.includes('pdf');
      await ctx.services.documents.uploadDocument({
        actor,
        applicationId: application.id,
        requirementCode: r.code,
        fileName: pdf ? `${r.code}.pdf` : `${r.code}.png`,
        source: Readable.from([pdf ? DEMO_PDF : DEMO_PNG]),
      });
    }
    await ctx.services.applications.performAction({ actor, applicationId: application.id, action: 'submit' });
    ctx.clock.advanceMinutes(2); // the per-account upload rate
    return application.id;
  }

  /** The verifier takes the file and returns it to the applicant for correction. */
  async function returned(applicationId: string): Promise<void> {
    const verifier = officers.verifier!;
    const system: Actor = { ...verifier };
    const state = async () => (await ctx.services.applications.getApplication({ actor: system, applicationId })).app.state;
    const { workflow } = await ctx.services.applications.getApplication({ actor: system, applicationId });
    const start = actionsFor(workflow, await state(), 'verifier').find((a) => a.code === 'start_verification');
    if (start) await ctx.services.applications.performAction({ actor: verifier, applicationId, action: start.code });
    const back = actionsFor(workflow, await state(), 'verifier').find((a) => workflow.states.find((s) => s.code === a.to)?.kind === 'applicant')!;
    await ctx.services.applications.performAction({ actor: verifier, applicationId, action: back.code, reason: 'Foto KTP buram, mohon unggah ulang.' });
  }

  beforeAll(async () => {
    [wa, sms, smtp] = await Promise.all([startFakeWhatsApp(), startFakeSms(), startFakeSmtp()]);
    ctx = await createTestContext(dialect, { ...wa.env, ...sms.env, ...smtp.env });
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const email = `${role}@delivery.izol.id`;
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role,
        name: `Petugas ${role}`,
        email,
        password: `${role} kantor rahasia 2026`,
      });
      officers[role] = { userId, tenantId: ctx.tenant.id, role, name: `Petugas ${role}` };
    }
    const d = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'front_desk',
      name: 'Loket',
      email: 'loket@delivery.izol.id',
      password: 'loket kantor rahasia 2026',
    });
    desk = { userId: d.userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Loket' };
  });
  afterAll(async () => {
    await ctx?.close();
    await Promise.all([wa?.close(), sms?.close(), smtp?.close()]);
  });

  it.each(CHANNEL_LIST)(
    'registration, password reset, claim code, return, permit issued and expiry reminder arrive by %s',
    async (channel) => {
      await settle();
      await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: orderStarting(channel) });
      serial++;
      const email = `warga.${channel}@contoh.id`;
      const phone = `+62813555000${serial}`;
      const to = channel === 'email' ? email : phone;
      const password = `teh manis hangat ${channel} sore`;

      // Registration: the contact-verification code, and it works.
      const { userId } = await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: `Warga ${channel}`,
        nik: uniqueNik(),
        email,
        phone: `0${phone.slice(3)}`,
        password,
        consent: true,
      });
      const citizen: Actor = { userId, tenantId: ctx.tenant.id, role: 'applicant', name: `Warga ${channel}` };
      await settle();
      const verification = /\b(\d{6})\b/.exec(await arrived(channel, to, 'contact_code'))![1]!;
      await expect(ctx.services.auth.verifyContact({ actor: citizen, code: verification })).resolves.toBeUndefined();

      // Password reset: the code, and it works.
      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.requestPasswordReset({ tenantId: ctx.tenant.id, login: email });
      await settle();
      const reset = /\b(\d{6})\b/.exec(await arrived(channel, to, 'reset_code'))![1]!;
      await expect(
        ctx.services.auth.resetPassword({ tenantId: ctx.tenant.id, login: email, code: reset, password: `${password} baru` }),
      ).resolves.toBeUndefined();

      // A counter file: the claim code goes to the contact the counter recorded.
      const contact = channel === 'email' ? `loket.warga.${channel}@contoh.id` : `+62813555100${serial}`;
      const counterFile = await filed(desk, 'NIB', { channel: 'walk_in', applicantName: 'Pak Loket', applicantContact: contact });
      await settle();
      const counterNumber = (await ctx.db.selectFrom('applications').select('number').where('id', '=', counterFile).executeTakeFirstOrThrow()).number!;
      const claim = await arrived(channel, contact, 'claim_code');
      expect(claim).toContain(counterNumber);
      expect(claim).toMatch(/\b[0-9A-Z]{8}\b/);
      // …and a status change on that unclaimed file reaches the same contact (it used to be dropped).
      await returned(counterFile);
      await settle();
      expect(await arrived(channel, contact, 'application_returned')).toContain(counterNumber);

      // The citizen's own file returned for correction.
      const own = await filed(citizen, 'NIB');
      await returned(own);
      await settle();
      const ownNumber = (await ctx.db.selectFrom('applications').select('number').where('id', '=', own).executeTakeFirstOrThrow()).number!;
      expect(await arrived(channel, to, 'application_returned')).toContain(ownNumber);

      // A permit issued.
      const permitFile = await filed(citizen, 'REKLAME');
      expect(await carryToIssued(ctx, permitFile, officers)).toBe('issued');
      await settle();
      const permit = await ctx.db.selectFrom('permits').selectAll().where('application_id', '=', permitFile).executeTakeFirstOrThrow();
      const issued = await arrived(channel, to, 'permit_issued');
      expect(issued).toContain(permit.number);
      // The SKM survey's one-time link rides with it by email and WhatsApp (an SMS has no room for it).
      const invitation = await ctx.db.selectFrom('survey_invitations').select('token').where('subject_id', '=', permitFile).executeTakeFirstOrThrow();
      if (channel === 'sms') expect(issued).not.toContain('/survei/');
      else expect(issued).toContain(`/survei/${invitation.token}`);

      // Its expiry reminder, 25 days before the last day.
      const start = ctx.clock.now().toISOString();
      try {
        ctx.clock.set(new Date(Date.parse(`${permit.valid_until!}T03:00:00Z`) - 25 * 86_400_000).toISOString());
        expect((await ctx.services.permits.remindExpiring()).reminded).toBeGreaterThanOrEqual(1);
        await settle();
        expect(await arrived(channel, to, 'permit_expiring')).toContain(permit.number);
      } finally {
        ctx.clock.set(start);
      }

      // Nothing went out on the person's other channels.
      if (channel !== 'whatsapp') expect(wa.to(phone)).toHaveLength(0);
      if (channel !== 'sms') expect(sms.to(phone)).toHaveLength(0);
      if (channel !== 'email') expect(smtp.to(email)).toHaveLength(0);
    },
    120_000,
  );

  it.each(CHANNEL_LIST)(
    'a gateway that fails three times then succeeds delivers once (%s)',
    async (channel) => {
      await settle();
      await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: [channel] });
      serial++;
      const email = `ulang.${channel}@contoh.id`;
      const phone = `+62813555200${serial}`;
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Bu Ulang',
        nik: uniqueNik(),
        email,
        phone: `0${phone.slice(3)}`,
        password: 'kopi tubruk panas sekali',
        consent: true,
      });
      await settle();
      const to = channel === 'email' ? email : phone;
      if (channel === 'email') smtp.failNext(3, 'temporary');
      if (channel === 'whatsapp') wa.failNext(3, 'server');
      if (channel === 'sms') sms.failNext(3, 'server');
      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.requestPasswordReset({ tenantId: ctx.tenant.id, login: email });
      await settle();
      const row = () => newest('reset_code', to);
      expect(await row()).toMatchObject({ status: 'pending', attempts: 1 });
      for (const wait of [1, 2]) {
        ctx.clock.advanceMinutes(wait);
        await ctx.services.deliveries.drain();
      }
      expect(await row()).toMatchObject({ status: 'pending', attempts: 3 });
      ctx.clock.advanceMinutes(4);
      await ctx.services.deliveries.drain();
      expect(await row()).toMatchObject({ status: 'sent', attempts: 4, channel });
      expect((await row()).last_error).not.toBeNull();
      await arrived(channel, to, 'reset_code'); // exactly one arrived
      ctx.clock.advanceMinutes(60);
      await ctx.services.deliveries.drain();
      await arrived(channel, to, 'reset_code'); // and nothing more later
    },
    60_000,
  );

  it('loses nothing when the worker dies between the SMS call and recording it, and the phone gets it once', { timeout: 60_000 }, async () => {
    await settle();
    await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: ['sms'] });
    const phone = '+6281355530001';
    await ctx.services.auth.registerApplicant({
      tenantId: ctx.tenant.id,
      name: 'Pak Mati',
      nik: uniqueNik(),
      phone: '081355530001',
      password: 'rawon setan malam hari',
      consent: true,
    });
    await ctx.services.outbox.drain();
    // Registration queued the welcome message and the code; the welcome goes first.
    const code = await newest('account_registered', phone);
    // The first worker sends the code; the provider takes it, but the worker "dies" before recording: its
    // answer is held back, so the worker sits between the gateway call and writing the result.
    const held = sms.holdNext();
    const doomed = createDeliveryWorker({
      db: ctx.db,
      clock: ctx.clock,
      adapters: createChannelAdapters(ctx.services.config.channels),
      production: false,
      pollMs: 1000,
    });
    const dying = doomed.runOnce();
    const taken = await held.arrived;
    expect(taken.key).toBe(idempotencyKey(code));
    expect(taken.key).toMatch(new RegExp(`^izol-${code.outbox_id}-[0-9a-f]{8}$`));
    expect(await newest('account_registered', phone)).toMatchObject({ status: 'pending', locked_by: doomed.workerId });

    // Nobody else touches it while the lease holds; after it runs out another instance does.
    expect(await ctx.services.deliveries.runOnce()).toBe(0);
    ctx.clock.advanceMinutes(6);
    await ctx.services.deliveries.drain();
    expect(await newest('contact_code', phone)).toMatchObject({ status: 'sent' });
    const after = await newest('account_registered', phone);
    expect(after).toMatchObject({ status: 'sent', provider_message_id: taken.id, attempts: 1 });
    // The provider honoured the key: the repeat was answered with the first id and sent nothing.
    expect(sms.to(phone).filter((s) => s.key === taken.key)).toHaveLength(1);
    expect(sms.calls.filter((c) => c.key === taken.key).map((c) => c.repeat)).toEqual([false, true]);

    // The stalled worker wakes up: its late result changes nothing.
    held.release();
    await dying;
    expect(await newest('account_registered', phone)).toMatchObject({ status: 'sent', provider_message_id: taken.id, attempts: 1, locked_by: null });
  });

  it('loses nothing when the worker dies between the WhatsApp or email call and recording it (at-least-once there)', { timeout: 60_000 }, async () => {
    for (const channel of ['whatsapp', 'email'] as const) {
      await settle();
      await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: [channel] });
      serial++;
      const phone = `+62813555300${serial}`;
      const email = `mati.${channel}@contoh.id`;
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Bu Mati',
        nik: uniqueNik(),
        email,
        phone: `0${phone.slice(3)}`,
        password: 'bakso malang kuah panas',
        consent: true,
      });
      await ctx.services.outbox.drain();
      const to = channel === 'email' ? email : phone;
      const held = channel === 'email' ? smtp.holdNext() : wa.holdNext();
      const doomed = createDeliveryWorker({
        db: ctx.db,
        clock: ctx.clock,
        adapters: createChannelAdapters(ctx.services.config.channels),
        production: false,
        pollMs: 1000,
      });
      // The welcome message and the code are both due; the worker dies on the first it sends.
      const dying = doomed.runOnce();
      await held.arrived;
      ctx.clock.advanceMinutes(6);
      await ctx.services.deliveries.drain();
      held.release();
      await dying;
      await ctx.services.deliveries.drain();
      for (const kind of ['account_registered', 'contact_code'] as const) expect(await newest(kind, to), kind).toMatchObject({ status: 'sent' });
      if (channel === 'whatsapp') {
        // No idempotency key in the Cloud API: the message sent before the "crash" went out again.
        expect(wa.to(phone).length).toBe(3);
      } else {
        // The mail went out twice, with one Message-ID: the same message to the recipient's mail system.
        const mails = smtp.to(email);
        expect(mails).toHaveLength(3);
        expect(new Set(mails.map((m) => m.messageId)).size).toBe(2);
      }
    }
  });

  it('falls back to the next channel after a permanent refusal', { timeout: 60_000 }, async () => {
    await settle();
    await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: ['whatsapp', 'sms', 'email'] });
    const phone = '+6281355540001';
    wa.failNext(1, 'permanent');
    await ctx.services.auth.registerApplicant({
      tenantId: ctx.tenant.id,
      name: 'Pak Pindah',
      nik: uniqueNik(),
      phone: '081355540001',
      password: 'pecel lele sambal ijo',
      consent: true,
    });
    await ctx.services.outbox.drain();
    // Only the verification code: the welcome message is delivered first and takes the refusal.
    await ctx.services.deliveries.drain();
    const rows = await ctx.db.selectFrom('notifications').selectAll().where('route', 'like', `%${phone}%`).orderBy('outbox_id').execute();
    const refusedOne = rows.find((r) => r.last_error?.includes('#131026'))!;
    expect(refusedOne).toMatchObject({ status: 'sent', channel: 'sms', attempts: 2, recipient: phone });
    expect(sms.sent.filter((s) => s.id === refusedOne.provider_message_id)).toHaveLength(1);

    // Sent by WhatsApp, then reported failed by Meta's webhook: it falls back to SMS too.
    const other = rows.find((r) => r.id !== refusedOne.id)!;
    expect(other).toMatchObject({ status: 'sent', channel: 'whatsapp' });
    const at = isoNow(ctx.clock);
    expect(
      await applyProviderStatus(ctx.db, { providerMessageId: other.provider_message_id!, status: 'failed', at, error: '131047 Re-engagement message' }),
    ).toBe(true);
    await ctx.services.deliveries.drain();
    const fellBack = await ctx.db.selectFrom('notifications').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(fellBack).toMatchObject({ status: 'sent', channel: 'sms', recipient: phone });
    expect(fellBack.last_error).toContain('131047 Re-engagement message');
    expect(sms.sent.filter((s) => s.id === fellBack.provider_message_id)).toHaveLength(1);
  });

  it('puts a permanently refused message on the dead-letter page, and "send again" delivers it', { timeout: 60_000 }, async () => {
    await settle();
    await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: ['whatsapp', 'sms', 'email'] });
    const email = 'mati.total@contoh.id';
    smtp.failNext(2, 'permanent');
    await ctx.services.auth.registerApplicant({
      tenantId: ctx.tenant.id,
      name: 'Bu Gagal',
      nik: uniqueNik(),
      email,
      password: 'soto ayam lamongan enak',
      consent: true,
    });
    await settle();
    const dead = await newest('contact_code', email);
    expect(dead).toMatchObject({ status: 'dead', attempts: 1, channel: 'email' });
    expect(dead.last_error).toContain('SMTP 550');

    // The admin's page lists it with the reason, masked address and attempts.
    const { userId: adminId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin Pesan',
      email: 'admin.pesan@delivery.izol.id',
      password: 'admin pesan rahasia 2026',
    });
    const secret = await enrollSecondFactor(ctx, adminId);
    const admin = new PageClient(ctx);
    expect((await admin.post('/akun/masuk', { login: 'admin.pesan@delivery.izol.id', password: 'admin pesan rahasia 2026' })).headers.location).toBe(
      '/kantor/kode',
    );
    expect((await admin.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).headers.location).toBe('/kantor');
    expect((await admin.get('/kantor/admin')).body).toContain('href="/kantor/admin/pesan-gagal"');
    const list = await admin.get('/kantor/admin/pesan-gagal');
    expect(list.statusCode).toBe(200);
    const row = new RegExp(`<tr data-message="${dead.id}">[\\s\\S]*?</tr>`).exec(list.body)?.[0] ?? '';
    expect(row).toContain('Kode verifikasi kontak');
    expect(row).toContain('ma•••@contoh.id');
    expect(row).not.toContain(email);
    expect(row).toContain('SMTP 550');

    // Not for other staff or citizens, on the page or the API.
    const verifier = await userWithToken(ctx, 'verifier');
    expect((await ctx.app.inject({ url: '/api/v1/admin/failed-messages', headers: auth(verifier.token) })).statusCode).toBe(403);
    const adminApi = await userWithToken(ctx, 'admin');
    const api = await ctx.app.inject({ url: '/api/v1/admin/failed-messages', headers: auth(adminApi.token) });
    expect(api.statusCode).toBe(200);
    expect(api.json<{ id: string; reason: string; status: string }[]>().find((m) => m.id === dead.id)).toMatchObject({
      status: 'dead',
      recipient: 'ma•••@contoh.id',
    });

    // "Send again": queued once, audited, then delivered.
    const again = await admin.post(`/kantor/admin/pesan-gagal/${dead.id}/kirim-lagi`, {});
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe('/kantor/admin/pesan-gagal?ok=dikirim');
    expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/admin/failed-messages/${dead.id}/resend`, headers: auth(adminApi.token) })).statusCode).toBe(
      409,
    );
    await ctx.services.deliveries.drain();
    const sent = await newest('contact_code', email);
    expect(sent).toMatchObject({ status: 'sent', resends: 1 });
    const mail = smtp.mails.filter((m) => m.messageId === sent.provider_message_id);
    expect(mail).toHaveLength(1);
    expect(mail[0]!.messageId).toBe(`<izol-${sent.outbox_id}-${sent.id.slice(0, 8)}-r1@malangkota.go.id>`);
    const audits = await ctx.db.selectFrom('audit_events').select(['actor_id', 'subject_id']).where('action', '=', 'message.resent').execute();
    expect(audits).toEqual([{ actor_id: adminId, subject_id: dead.id }]);
    expect((await admin.get('/kantor/admin/pesan-gagal')).body).not.toContain(`data-message="${dead.id}"`);
  });

  it('shows each message about a file, with its delivery state, on the case page and the applicant’s page', { timeout: 60_000 }, async () => {
    await settle();
    await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: ['email', 'whatsapp', 'sms'] });
    const citizen = await userWithToken(ctx, 'applicant');
    const actor: Actor = { userId: citizen.userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Test applicant' };
    const id = await filed(actor, 'NIB');
    await settle();
    const api = await ctx.app.inject({ url: `/api/v1/applications/${id}/messages`, headers: auth(citizen.token) });
    expect(api.statusCode).toBe(200);
    const [received] = api.json<{ kind: string; status: string; channel: string; recipient: string }[]>();
    expect(received).toMatchObject({ kind: 'application_submitted', status: 'sent', channel: 'email' });
    expect(received!.recipient).toContain('•••');
    const other = await userWithToken(ctx, 'applicant');
    expect((await ctx.app.inject({ url: `/api/v1/applications/${id}/messages`, headers: auth(other.token) })).statusCode).toBe(404);

    // The office's own alert about the file (to the head) is on the office's list, not the applicant's.
    const head = await userWithToken(ctx, 'head');
    await enqueue(ctx.db, {
      tenantId: ctx.tenant.id,
      message: { topic: 'notify.overdue', applicationId: id, headUserId: head.userId, usedWorkingDays: 9, slaWorkingDays: 7 },
      now: isoNow(ctx.clock),
    });
    await settle();
    const kinds = async (token: string) =>
      (await ctx.app.inject({ url: `/api/v1/applications/${id}/messages`, headers: auth(token) })).json<{ kind: string; reason: string | null }[]>();
    expect((await kinds(head.token)).map((m) => m.kind).sort()).toEqual(['application_submitted', 'overdue']);
    const applicantSees = await kinds(citizen.token);
    expect(applicantSees.map((m) => m.kind)).toEqual(['application_submitted']);
    expect(applicantSees.every((m) => m.reason === null)).toBe(true);

    // The officer's case page.
    const { userId: verifierId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'verifier',
      name: 'Verifikator Halaman',
      email: 'verif.halaman@delivery.izol.id',
      password: 'verifikator halaman 2026',
    });
    const secret = await enrollSecondFactor(ctx, verifierId);
    const officer = new PageClient(ctx);
    await officer.post('/akun/masuk', { login: 'verif.halaman@delivery.izol.id', password: 'verifikator halaman 2026' });
    await officer.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
    const casePage = await officer.get(`/kantor/berkas/${id}`);
    expect(casePage.statusCode).toBe(200);
    const section = /<section[^>]*data-messages[\s\S]*?<\/section>/.exec(casePage.body)?.[0] ?? '';
    expect(section).toContain('Permohonan diterima');
    expect(section).toContain('Terkirim');
    expect(section).not.toContain(citizen.email);

    // The applicant's own page.
    await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'applicant',
      name: 'Bu Halaman',
      email: 'bu.halaman@contoh.id',
      password: 'nasi pecel madiun pedas',
    });
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: 'bu.halaman@contoh.id', password: 'nasi pecel madiun pedas' })).statusCode).toBe(303);
    const mine = (await ctx.db.selectFrom('users').select('id').where('email', '=', 'bu.halaman@contoh.id').executeTakeFirstOrThrow()).id;
    const ownFile = await filed({ userId: mine, tenantId: ctx.tenant.id, role: 'applicant', name: 'Bu Halaman' }, 'NIB');
    await settle();
    const detail = await page.get(`/permohonan/${ownFile}`);
    expect(detail.statusCode).toBe(200);
    const own = /<section[^>]*data-messages[\s\S]*?<\/section>/.exec(detail.body)?.[0] ?? '';
    expect(own).toContain('Permohonan diterima');
    expect(own).toContain('bu•••@contoh.id');
    expect(own).toContain('Terkirim');
    expect(own).toContain('href="/akun/pemberitahuan"');
  });

  it(
    'loses nothing when the worker process is killed (SIGKILL) between the SMS call and recording it; the phone gets it once',
    { timeout: 90_000 },
    async () => {
      await settle();
      await setOfficeChannelOrder(ctx.db, { tenantId: ctx.tenant.id, order: ['sms'] });
      const phone = '+6281355560001';
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Pak Kill',
        nik: uniqueNik(),
        phone: '081355560001',
        password: 'tempe mendoan anget banget',
        consent: true,
      });
      await ctx.services.outbox.drain();
      const held = sms.holdNext();
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD_WORKER], {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          TMPDIR: process.env.TMPDIR ?? '/tmp',
          NODE_ENV: 'test',
          LOG_LEVEL: 'silent',
          DATABASE_URL: ctx.databaseUrl,
          STORAGE_DIR: ctx.storageDir,
          ...sms.env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const exited = once(child, 'exit');
      const taken = await Promise.race([
        held.arrived,
        exited.then(() => {
          throw new Error(`the worker process ended before sending:\n${output}`);
        }),
      ]);
      // The provider has the message; the process dies before it hears back, let alone records it.
      child.kill('SIGKILL');
      await exited;
      held.release();
      const welcome = await newest('account_registered', phone);
      expect(taken.key).toBe(idempotencyKey(welcome));
      expect(welcome).toMatchObject({ status: 'pending', provider_message_id: null });
      expect(welcome.locked_by).not.toBeNull();

      // The dead process used the real clock for its lease; once that runs out another instance takes over.
      ctx.clock.set(new Date(Date.now() + 10 * 60_000).toISOString());
      await ctx.services.deliveries.drain();
      for (const kind of ['account_registered', 'contact_code'] as const) expect(await newest(kind, phone), kind).toMatchObject({ status: 'sent' });
      expect(await newest('account_registered', phone)).toMatchObject({ provider_message_id: taken.id, attempts: 1 });
      expect(sms.to(phone).filter((m) => m.key === taken.key)).toHaveLength(1);
      expect(sms.calls.filter((c) => c.key === taken.key).map((c) => c.repeat)).toEqual([false, true]);
      expect(sms.to(phone)).toHaveLength(2);
    },
  );
});
