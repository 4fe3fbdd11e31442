import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { migrateTo, migrateToLatest } from '../../src/db/migrate.js';
import { totpAt } from '../../src/auth/totp.js';
import { DIALECTS, createTestDatabase } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { type FakeSms, startFakeSms } from '../helpers/fake-gateways.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Without channels: outside production messages stay in the built-in mailbox (status 'mailbox'), in
 * production a message nobody can deliver is a dead letter the admin sees with the reason. Migration
 * 0012 keeps the messages written before it, as 'mailbox'. And a person's language and channel
 * choice (/akun/pemberitahuan), and the office's channel order (its settings page).
 */
describe.each(DIALECTS)('messages without channels, preferences and settings (%s)', (dialect) => {
  it('keeps the notifications written before migration 0012, as mailbox messages', { timeout: 60_000 }, async () => {
    const database = await createTestDatabase(dialect);
    const db = createDatabase(loadConfig({ NODE_ENV: 'test', DATABASE_URL: database.url, LOG_LEVEL: 'silent' }).database);
    try {
      await migrateTo(db, '0011_code_cooldown');
      // A message as the old outbox handler wrote it (the table of 0001), straight into the table.
      const old = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
      await old
        .insertInto('notifications')
        .values({
          id: '0f8fad5b-d9cb-469f-a165-70867728950e',
          tenant_id: 't-1',
          outbox_id: 41,
          channel: 'email',
          recipient_user_id: null,
          recipient: 'lama@contoh.id',
          subject: 'Kode Izol: 123456',
          body: 'Kode untuk memastikan kontak Anda: 123456',
          created_at: '2026-11-01T01:00:00.000Z',
        })
        .execute();
      await migrateToLatest(db);
      const row = await db.selectFrom('notifications').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        outbox_id: 41,
        subject: 'Kode Izol: 123456',
        body: 'Kode untuk memastikan kontak Anda: 123456',
        status: 'mailbox',
        kind: 'legacy',
        language: 'id',
        attempts: 0,
        application_id: null,
      });
      // Nothing tries to send it: it is not pending.
      expect(await db.selectFrom('notifications').select('id').where('status', '=', 'pending').execute()).toEqual([]);
    } finally {
      await db.destroy();
      await database.drop();
    }
  });

  describe('outside production, no channel configured', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(dialect);
    });
    afterAll(async () => ctx?.close());

    it('leaves every message in the development mailbox, with its text and status', async () => {
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Rina',
        nik: uniqueNik(),
        email: 'rina.mailbox@contoh.id',
        password: 'es dawet ayu banjarnegara',
        consent: true,
      });
      await ctx.services.outbox.drain();
      await ctx.services.deliveries.drain();
      const rows = await ctx.db.selectFrom('notifications').selectAll().where('recipient', '=', 'rina.mailbox@contoh.id').execute();
      expect(rows.map((r) => [r.kind, r.status]).sort()).toEqual([
        ['account_registered', 'mailbox'],
        ['contact_code', 'mailbox'],
      ]);
      const page = await ctx.app.inject({ url: '/dev/kotak-surat' });
      expect(page.statusCode).toBe(200);
      const code = rows.find((r) => r.kind === 'contact_code')!;
      expect(page.body).toContain(code.subject);
      expect(page.body).toContain('Kotak surat (tidak dikirim)');
      expect(code.body).toMatch(/Kode untuk memastikan kontak Anda: \d{6}/);
    });
  });

  describe('in production, no channel configured', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(dialect, {
        NODE_ENV: 'production',
        VIRUS_SCANNER: 'builtin',
        BASE_URL: 'https://izin.malangkota.go.id',
        DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
      });
    });
    afterAll(async () => ctx?.close());

    it('makes a message nobody can deliver a dead letter the admin sees, with the reason', async () => {
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Budi',
        nik: uniqueNik(),
        phone: '081234560999',
        password: 'gado gado siram kacang',
        consent: true,
      });
      await ctx.services.outbox.drain();
      await ctx.services.deliveries.drain();
      const code = await ctx.db
        .selectFrom('notifications')
        .selectAll()
        .where('kind', '=', 'contact_code')
        .where('recipient', '=', '+6281234560999')
        .executeTakeFirstOrThrow();
      expect(code.status).toBe('dead');
      expect(code.last_error).toContain('no working channel');
      expect(code.last_error).toContain('whatsapp, sms');
      const admin = await userWithToken(ctx, 'admin');
      const list = await ctx.app.inject({ url: '/api/v1/admin/failed-messages', headers: auth(admin.token) });
      expect(list.statusCode).toBe(200);
      expect(list.json<{ id: string; reason: string }[]>().find((m) => m.id === code.id)?.reason).toContain('no working channel');
      // And there is no development mailbox in production.
      expect((await ctx.app.inject({ url: '/dev/kotak-surat' })).statusCode).toBe(404);
    });
  });

  describe('a person’s message language and channel, and the office’s channel order', () => {
    let ctx: TestContext;
    let sms: FakeSms;
    beforeAll(async () => {
      sms = await startFakeSms();
      ctx = await createTestContext(dialect, sms.env);
    });
    afterAll(async () => {
      await ctx?.close();
      await sms?.close();
    });

    it('sends in the language and on the channel the person chose on /akun/pemberitahuan', async () => {
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Dewi',
        nik: uniqueNik(),
        email: 'dewi@contoh.id',
        phone: '081234561111',
        password: 'klepon gula merah manis',
        consent: true,
      });
      const page = new PageClient(ctx);
      expect((await page.post('/akun/masuk', { login: 'dewi@contoh.id', password: 'klepon gula merah manis' })).statusCode).toBe(303);
      // The profile leads to it.
      expect((await page.get('/akun/profil')).body).toContain('href="/akun/pemberitahuan"');
      const form = await page.get('/akun/pemberitahuan');
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('name="language" type="radio" value="id" checked');
      const bad = await page.post('/akun/pemberitahuan', { language: 'fr', channel: 'pigeon' });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Pilih bahasa pemberitahuan.');
      const saved = await page.post('/akun/pemberitahuan', { language: 'en', channel: 'sms' });
      expect(saved.headers.location).toBe('/akun/pemberitahuan?ok=disimpan');
      expect((await page.get('/akun/pemberitahuan?ok=disimpan')).body).toContain('value="sms" checked');

      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.requestPasswordReset({ tenantId: ctx.tenant.id, login: 'dewi@contoh.id' });
      await ctx.services.outbox.drain();
      await ctx.services.deliveries.drain();
      const reset = await ctx.db
        .selectFrom('notifications')
        .selectAll()
        .where('kind', '=', 'reset_code')
        .where('recipient_user_id', 'is not', null)
        .orderBy('outbox_id', 'desc')
        .executeTakeFirstOrThrow();
      expect(reset).toMatchObject({ channel: 'sms', language: 'en', status: 'sent', recipient: '+6281234561111' });
      const text = sms.to('+6281234561111').find((s) => s.id === reset.provider_message_id)!.text;
      expect(text).toMatch(/^DPMPTSP Kota Malang code \d{6} to reset your password\. Valid 10 min\. Never share it\.$/);
    });

    it('lets the admin set the office’s channel order on the settings page, audited', async () => {
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'admin',
        name: 'Admin Urutan',
        email: 'admin.urutan@kantor.izol.id',
        password: 'admin urutan rahasia 2026',
      });
      const secret = await enrollSecondFactor(ctx, userId);
      const admin = new PageClient(ctx);
      await admin.post('/akun/masuk', { login: 'admin.urutan@kantor.izol.id', password: 'admin urutan rahasia 2026' });
      await admin.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) });
      const page = await admin.get('/kantor/admin/pengaturan');
      expect(page.body).toContain('value="whatsapp,sms,email" checked');
      const settings = await ctx.services.settings.getSettings({ actor: { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin Urutan' } });
      const form = {
        name: settings.name,
        timeZone: settings.timeZone,
        hostnames: settings.hostnames.join('\n'),
        logoText: settings.branding.logoText,
        address: settings.branding.address,
        phone: settings.branding.phone,
        email: settings.branding.email,
      };
      const refused = await admin.post('/kantor/admin/pengaturan', { ...form, channelOrder: 'email,email' });
      expect(refused.statusCode).toBe(400);
      const saved = await admin.post('/kantor/admin/pengaturan', { ...form, channelOrder: 'email,sms,whatsapp' });
      expect(saved.headers.location).toBe('/kantor/admin/pengaturan?ok=disimpan');
      expect((await admin.get('/kantor/admin/pengaturan')).body).toContain('value="email,sms,whatsapp" checked');
      const audit = await ctx.db
        .selectFrom('audit_events')
        .select('data')
        .where('action', '=', 'tenant.settings_updated')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      expect(JSON.parse(audit.data)).toMatchObject({ changed: ['channelOrder'], channelOrder: ['email', 'sms', 'whatsapp'] });

      // A citizen with both an email address and a phone now gets email first.
      await ctx.services.auth.registerApplicant({
        tenantId: ctx.tenant.id,
        name: 'Eko',
        nik: uniqueNik(),
        email: 'eko@contoh.id',
        phone: '081234562222',
        password: 'tahu campur lamongan',
        consent: true,
      });
      await ctx.services.outbox.drain();
      const routeOf = async (kind: string) =>
        JSON.parse(
          (await ctx.db.selectFrom('notifications').select('route').where('kind', '=', kind).where('recipient', '=', 'eko@contoh.id').executeTakeFirstOrThrow())
            .route,
        ) as unknown;
      expect(await routeOf('account_registered')).toEqual([
        { channel: 'email', address: 'eko@contoh.id' },
        { channel: 'sms', address: '+6281234562222' },
        { channel: 'whatsapp', address: '+6281234562222' },
      ]);
      // A verification code goes only to the address it verifies, whatever the order.
      expect(await routeOf('contact_code')).toEqual([{ channel: 'email', address: 'eko@contoh.id' }]);
    });
  });
});
