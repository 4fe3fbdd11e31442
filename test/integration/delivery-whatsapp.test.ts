import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyProviderStatus, queueReply } from '../../src/notifications/deliveries.repository.js';
import { WHATSAPP_TEMPLATES } from '../../src/notifications/whatsapp-templates.js';
import { enqueue } from '../../src/outbox/outbox.repository.js';
import { isoNow } from '../../src/shared/time.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { type FakeWhatsApp, startFakeWhatsApp } from '../helpers/fake-whatsapp.js';

/**
 * WhatsApp through the Cloud API, against a local server that checks Meta's request shapes: a
 * verification code as an authentication template with its copy-code button, a free-text reply
 * (queueReply, the WhatsApp-inbound contract), and delivery statuses that only move forwards
 * (applyProviderStatus, the webhook's contract).
 */
describe.each(DIALECTS)('WhatsApp delivery (%s)', (dialect) => {
  let ctx: TestContext;
  let wa: FakeWhatsApp;

  const notificationFor = (phone: string, kind?: string) =>
    ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('recipient', '=', phone)
      .$if(kind !== undefined, (q) => q.where('kind', '=', kind!))
      .orderBy('outbox_id', 'desc')
      .executeTakeFirstOrThrow();
  const templates = (phone: string, name: string) => wa.to(phone).filter((r) => r.body.type === 'template' && r.body.template.name === name);
  const settle = async () => {
    await ctx.services.outbox.drain();
    await ctx.services.deliveries.drain();
  };

  beforeAll(async () => {
    wa = await startFakeWhatsApp();
    ctx = await createTestContext(dialect, wa.env);
  });
  afterAll(async () => {
    await ctx?.close();
    await wa?.close();
  });

  it('sends the contact-verification code as an authentication template with the copy-code button', async () => {
    await ctx.services.auth.registerApplicant({
      tenantId: ctx.tenant.id,
      name: 'Siti Aminah',
      nik: uniqueNik(),
      phone: '0812 3456 7801',
      password: 'nasi goreng kampung pedas',
      consent: true,
    });
    await settle();
    const [got] = templates('+6281234567801', 'izol_kode_verifikasi');
    expect(templates('+6281234567801', 'izol_kode_verifikasi')).toHaveLength(1);
    // The welcome message went out too, as its own utility template.
    expect(templates('+6281234567801', 'izol_akun_dibuat')).toHaveLength(1);
    const code = /(\d{6})$/.exec((await notificationFor('+6281234567801', 'contact_code')).subject)![1]!;
    expect(got!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '6281234567801',
      type: 'template',
      template: {
        name: 'izol_kode_verifikasi',
        language: { code: 'id' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: code }] },
          { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: code }] },
        ],
      },
    });
    const row = await notificationFor('+6281234567801', 'contact_code');
    expect(row).toMatchObject({ status: 'sent', channel: 'whatsapp', kind: 'contact_code', provider_message_id: got!.wamid, attempts: 1, last_error: null });
    expect(row.body).toContain(code);
    expect(wa.refused).toEqual([]);
  });

  it('queues a free-text reply that goes out as a text message (queueReply)', async () => {
    const now = isoNow(ctx.clock);
    await ctx.db.transaction().execute(async (trx) => {
      await enqueue(trx, { tenantId: ctx.tenant.id, message: { topic: 'notify.account_registered', userId: 'nobody' }, now });
    });
    const outboxRow = await ctx.db.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await ctx.db.transaction().execute(async (trx) => {
      await queueReply(trx, {
        tenantId: ctx.tenant.id,
        outboxId: Number(outboxRow.id),
        to: '+6281234567802',
        text: 'Ketik STATUS <nomor> untuk melihat status.',
        language: 'id',
      });
      // The same outbox row answered twice (a retried handler) queues one reply.
      await queueReply(trx, {
        tenantId: ctx.tenant.id,
        outboxId: Number(outboxRow.id),
        to: '+6281234567802',
        text: 'Ketik STATUS <nomor> untuk melihat status.',
        language: 'id',
      });
    });
    await settle();
    expect(wa.to('+6281234567802').map((r) => r.body)).toEqual([
      {
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '6281234567802',
        type: 'text',
        text: { preview_url: false, body: 'Ketik STATUS <nomor> untuk melihat status.' },
      },
    ]);
    expect(await notificationFor('+6281234567802')).toMatchObject({ status: 'sent', kind: 'whatsapp_reply', channel: 'whatsapp' });
  });

  it('applies delivery statuses forwards only; an unknown id changes nothing (applyProviderStatus)', async () => {
    const row = await notificationFor('+6281234567802');
    const wamid = row.provider_message_id!;
    const at = (m: number) => new Date(ctx.clock.now().getTime() + m * 60_000).toISOString();
    expect(await applyProviderStatus(ctx.db, { providerMessageId: wamid, status: 'sent', at: at(0) })).toBe(false);
    expect(await applyProviderStatus(ctx.db, { providerMessageId: wamid, status: 'delivered', at: at(1) })).toBe(true);
    expect(await applyProviderStatus(ctx.db, { providerMessageId: wamid, status: 'read', at: at(2) })).toBe(true);
    expect(await applyProviderStatus(ctx.db, { providerMessageId: wamid, status: 'delivered', at: at(3) })).toBe(false);
    expect(await applyProviderStatus(ctx.db, { providerMessageId: wamid, status: 'failed', at: at(4), error: 'late' })).toBe(false);
    expect(await notificationFor('+6281234567802')).toMatchObject({ status: 'read', status_at: at(2) });
    expect(await applyProviderStatus(ctx.db, { providerMessageId: 'wamid.unknown', status: 'read', at: at(5) })).toBe(false);
  });

  it('applies a failure Meta reports before the send’s own answer is recorded, instead of dropping it', async () => {
    const now = isoNow(ctx.clock);
    await ctx.db.transaction().execute(async (trx) => {
      await enqueue(trx, { tenantId: ctx.tenant.id, message: { topic: 'notify.account_registered', userId: 'nobody-early' }, now });
    });
    const outboxRow = await ctx.db.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await ctx.db.transaction().execute(async (trx) => {
      await queueReply(trx, { tenantId: ctx.tenant.id, outboxId: Number(outboxRow.id), to: '+6281234567809', text: 'Balasan cepat.', language: 'id' });
    });
    // Meta takes the message, and its webhook reports it failed before the send's answer reaches Izol.
    const held = wa.holdNext();
    const sending = ctx.services.deliveries.drain();
    const got = await held.arrived;
    const early = { providerMessageId: got.wamid, status: 'failed' as const, at: isoNow(ctx.clock), error: '131049 Message not delivered' };
    expect(await applyProviderStatus(ctx.db, early)).toBe(false);
    held.release();
    await sending;
    const row = await notificationFor('+6281234567809');
    expect(row).toMatchObject({ provider_message_id: got.wamid, status: 'failed' });
    expect(row.last_error).toContain('131049 Message not delivered');
    expect(await ctx.db.selectFrom('early_provider_statuses').selectAll().where('provider_message_id', '=', got.wamid).execute()).toEqual([]);
    // A status for a message Izol never sent is kept only until it expires, and changes nothing.
    expect(await applyProviderStatus(ctx.db, { providerMessageId: 'wamid.never-ours', status: 'read', at: isoNow(ctx.clock) })).toBe(false);
  });

  it('records a failure the provider reports after sending, with its reason', async () => {
    const row = await notificationFor('+6281234567801', 'contact_code');
    const at = isoNow(ctx.clock);
    expect(
      await applyProviderStatus(ctx.db, { providerMessageId: row.provider_message_id!, status: 'failed', at, error: '131026 Message undeliverable' }),
    ).toBe(true);
    await ctx.services.deliveries.drain();
    // Its route had SMS next (a phone number), which this deployment does not have: nothing left to try.
    const after = await notificationFor('+6281234567801', 'contact_code');
    expect(after.status).toBe('dead');
    expect(after.last_error).toContain('131026 Message undeliverable');
    expect(after.last_error).toContain('no other channel left');
    expect(templates('+6281234567801', 'izol_kode_verifikasi')).toHaveLength(1);
  });

  it('retries a server error, and a permanent refusal ends with the reason Meta gave', async () => {
    wa.failNext(2, 'server');
    await ctx.db.transaction().execute(async (trx) => {
      await enqueue(trx, { tenantId: ctx.tenant.id, message: { topic: 'notify.account_registered', userId: 'nobody-2' }, now: isoNow(ctx.clock) });
      const outbox = await trx.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
      await queueReply(trx, { tenantId: ctx.tenant.id, outboxId: Number(outbox.id), to: '+6281234567803', text: 'Terima kasih.', language: 'id' });
    });
    await settle();
    expect(await notificationFor('+6281234567803')).toMatchObject({ status: 'pending', attempts: 1, channel_attempts: 1 });
    expect((await notificationFor('+6281234567803')).last_error).toContain('#131000');
    ctx.clock.advanceMinutes(1);
    await ctx.services.deliveries.drain();
    expect(await notificationFor('+6281234567803')).toMatchObject({ status: 'pending', attempts: 2 });
    ctx.clock.advanceMinutes(2);
    await ctx.services.deliveries.drain();
    expect(await notificationFor('+6281234567803')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(wa.to('+6281234567803')).toHaveLength(1);

    wa.failNext(1, 'permanent');
    await ctx.db.transaction().execute(async (trx) => {
      await enqueue(trx, { tenantId: ctx.tenant.id, message: { topic: 'notify.account_registered', userId: 'nobody-3' }, now: isoNow(ctx.clock) });
      const outbox = await trx.selectFrom('outbox').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow();
      await queueReply(trx, { tenantId: ctx.tenant.id, outboxId: Number(outbox.id), to: '+6281234567804', text: 'Terima kasih.', language: 'id' });
    });
    await settle();
    const dead = await notificationFor('+6281234567804');
    expect(dead).toMatchObject({ status: 'dead', attempts: 1 });
    expect(dead.last_error).toContain('#131026');
    expect(wa.to('+6281234567804')).toHaveLength(0);
  });
});

describe('the WhatsApp templates an office registers', () => {
  it('are all listed in the README with their category, kinds and Indonesian body', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [kind, t] of Object.entries(WHATSAPP_TEMPLATES)) {
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${t.name}\` |`));
      expect(row, t.name).toBeDefined();
      expect(row).toContain(`| ${t.category} |`);
      expect(row).toContain(`\`${kind}\``);
      expect(row).toContain(t.body.id);
      // Meta: names are lower-case letters, digits and underscores; parameters are numbered from 1.
      expect(t.name).toMatch(/^[a-z0-9_]{1,512}$/);
      expect(t.body.en.match(/\{\{\d+\}\}/g)?.length ?? 0).toBe(t.parameterNames.length);
    }
  });
});
