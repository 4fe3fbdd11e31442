import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { createAuthService } from '../../src/auth/auth.service.js';
import * as m0016 from '../../src/db/migrations/0016_contact_verification.js';
import { enqueue } from '../../src/outbox/outbox.repository.js';
import { blindIndex } from '../../src/shared/crypto.js';
import { isoNow } from '../../src/shared/time.js';
import { AppError } from '../../src/shared/errors.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { hookedDatabase } from '../helpers/hooked-database.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Security review of the account work, second round:
 * 1. a NIK's holder was messaged on every registration reusing their NIK (paid WhatsApp/SMS, ~14,000 a
 *    day from one address): now at most once a day, the registration answered the same either way;
 * 2. a changed email or number was "re-verified" by a code sent through another contact: now each
 *    address is verified by its own code sent to exactly it, and account-security messages skip
 *    unverified addresses;
 * 3. two races on the NIK's unique index ended in a 500: now a 409 saying the NIK changed meanwhile.
 */

describe.each(DIALECTS)('security review: contacts, NIK notices and NIK races (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  const PASSWORD = 'teh manis sore hari';
  let n = 0;
  const fresh = () => `${++n}.${Math.random().toString(36).slice(2, 8)}`;
  const phoneNo = () => `+62812${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
  // Each from its own address, so the route's rate limit (10 a minute an address) does not interfere.
  const register = (payload: { name?: string; nik: string; email?: string; phone?: string }) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: 'Rina Wulandari', password: PASSWORD, consent: true, ...payload },
      remoteAddress: `198.51.100.${n % 250}`,
    });
  const actorOf = (userId: string): Actor => ({ userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Rina Wulandari' });
  const messages = (userId: string, kind: string) =>
    ctx.db.selectFrom('notifications').selectAll().where('recipient_user_id', '=', userId).where('kind', '=', kind).orderBy('outbox_id').execute();
  const codeIn = (body: string) => /\b(\d{6})\b/.exec(body)![1]!;
  const index = (nik: string) => blindIndex(ctx.services.config.dataEncryptionKey, 'nik', nik);
  const userRow = (id: string) => ctx.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  /** Registers and enters the code that arrived, as the person would. */
  async function verifiedAccount(payload: { nik?: string; email?: string; phone?: string }) {
    const res = await register({ nik: uniqueNik(), ...payload });
    expect(res.statusCode).toBe(201);
    const { userId } = res.json<{ userId: string }>();
    await ctx.services.outbox.drain();
    const [code] = await messages(userId, 'contact_code');
    await ctx.services.auth.verifyContact({ actor: actorOf(userId), code: codeIn(code!.body) });
    return { userId, code: code! };
  }

  describe('1. the holder of a NIK hears of registrations with it at most once a day', () => {
    it('one message a day however many registrations (one after another or in parallel) reuse the NIK, each answered the same', async () => {
      const nik = uniqueNik();
      const holder = await verifiedAccount({ nik, email: `pemegang.${fresh()}@contoh.id` });
      const first = await register({ nik, email: `coba.${fresh()}@contoh.id` });
      const again = [];
      for (let i = 0; i < 4; i++) again.push(await register({ nik, email: `coba.${fresh()}@contoh.id` }));
      again.push(...(await Promise.all([1, 2, 3].map(() => register({ nik, email: `coba.${fresh()}@contoh.id` })))));
      for (const res of again) {
        expect(res.statusCode).toBe(first.statusCode);
        expect(Object.keys(res.json())).toEqual(Object.keys(first.json()));
      }
      expect(first.statusCode).toBe(201);
      await ctx.services.outbox.drain();
      expect(await messages(holder.userId, 'registration_attempt')).toHaveLength(1);

      // A day later, the next one is told again (once).
      ctx.clock.advanceMinutes(24 * 60 + 1);
      expect((await register({ nik, email: `coba.${fresh()}@contoh.id` })).statusCode).toBe(201);
      expect((await register({ nik, email: `coba.${fresh()}@contoh.id` })).statusCode).toBe(201);
      await ctx.services.outbox.drain();
      expect(await messages(holder.userId, 'registration_attempt')).toHaveLength(2);
      // The NIK stayed with its holder throughout.
      expect((await userRow(holder.userId)).nik_index).toBe(index(nik));
    });
  });

  describe('2. each email and number is verified by a code sent to exactly it', () => {
    it('a changed email gets its code at that email only (not the verified number), and entering it verifies the email; the number keeps its proof', async () => {
      const phone = phoneNo();
      const { userId, code: first } = await verifiedAccount({ email: `lama.${fresh()}@contoh.id`, phone });
      // The office's order is WhatsApp first: the registration's code went to the number.
      expect(first.recipient).toBe(phone);
      const newEmail = `baru.${fresh()}@contoh.id`;
      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.updateProfile({ actor: actorOf(userId), name: 'Rina Wulandari', email: newEmail, phone, currentPassword: PASSWORD });
      await ctx.services.outbox.drain();
      const codes = await messages(userId, 'contact_code');
      expect(codes).toHaveLength(2);
      const code = codes[1]!;
      expect(code).toMatchObject({ recipient: newEmail, channel: 'email' });
      expect(JSON.parse(code.route)).toEqual([{ channel: 'email', address: newEmail }]);

      const page = new PageClient(ctx);
      expect((await page.post('/akun/masuk', { login: newEmail, password: PASSWORD })).statusCode).toBe(303);
      const asking = await page.get('/akun/verifikasi');
      expect(asking.body).toContain(newEmail);
      expect(asking.body).toContain('name="code"');
      expect((await page.post('/akun/verifikasi', { code: codeIn(code.body) })).statusCode).toBe(303);
      expect((await page.get('/akun/verifikasi')).body).toContain('Kontak Anda sudah dipastikan.');
      const row = await userRow(userId);
      expect(row.email_verified_at).not.toBeNull();
      expect(row.phone_verified_at).not.toBeNull();
    });

    it('a code sent to the old address does not verify the new one', async () => {
      const email = `tetap.${fresh()}@contoh.id`;
      const res = await register({ nik: uniqueNik(), email });
      const { userId } = res.json<{ userId: string }>();
      await ctx.services.outbox.drain();
      const [old] = await messages(userId, 'contact_code');
      expect(old!.recipient).toBe(email);
      // The email is changed before the code is entered: the code went to the old address.
      await ctx.services.auth.updateProfile({ actor: actorOf(userId), name: 'Rina', email: `lain.${fresh()}@contoh.id`, currentPassword: PASSWORD });
      await expect(ctx.services.auth.verifyContact({ actor: actorOf(userId), code: codeIn(old!.body) })).rejects.toMatchObject({ code: 'invalid_input' });
      expect((await ctx.services.auth.getProfile(actorOf(userId))).contactVerified).toBe(false);
    });

    it('once an address is proved, an unproved one gets nothing but its own code: the reset code and other news go to the proved email', async () => {
      // Verified email, unverified number, WhatsApp preferred: the reset code goes to the email.
      const email = `reset.${fresh()}@contoh.id`;
      const { userId } = await verifiedAccount({ email });
      const phone = phoneNo();
      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.updateProfile({ actor: actorOf(userId), name: 'Rina', email, phone, currentPassword: PASSWORD });
      await ctx.db.updateTable('users').set({ message_channel: 'whatsapp' }).where('id', '=', userId).execute();
      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.requestPasswordReset({ tenantId: ctx.tenant.id, login: phone });
      await ctx.services.outbox.drain();
      const [reset] = await messages(userId, 'reset_code');
      expect(reset).toMatchObject({ recipient: email, channel: 'email' });
      expect(JSON.parse(reset!.route)).toEqual([{ channel: 'email', address: email }]);

      // And news of a file goes to the proved email only, not to the number nobody proved yet.
      const before = await messages(userId, 'account_registered');
      await ctx.db
        .transaction()
        .execute((trx) => enqueue(trx, { tenantId: ctx.tenant.id, message: { topic: 'notify.account_registered', userId }, now: isoNow(ctx.clock) }));
      await ctx.services.outbox.drain();
      const welcome = (await messages(userId, 'account_registered')).slice(before.length);
      expect(welcome).toHaveLength(1);
      expect(JSON.parse(welcome[0]!.route)).toEqual([{ channel: 'email', address: email }]);
    });
  });

  describe('3. a NIK that changed meanwhile is a 409, not a 500', () => {
    const isUsersInsert = (s: string) => /^insert into "users"/i.test(s);
    const isNikLookup = (s: string) => /^select .* from "users" where .*"nik_index" = /i.test(s);
    const isNikWrite = (s: string) => /^update "users" set "nik_index" = /i.test(s);
    /** Another registration's account holding `nik`, written directly (as that registration's insert would). */
    const otherHolder = async (nik: string) => {
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'applicant',
        name: 'Pendaftar Lain',
        email: `lain.${fresh()}@contoh.id`,
        nik,
        password: PASSWORD,
      });
      return userId;
    };

    it('a registration whose retry loses the NIK race again (the holder released and the NIK taken meanwhile) answers 409 and makes no account', async () => {
      const nik = uniqueNik();
      const email = `kalah.${fresh()}@contoh.id`;
      let inserts = 0;
      let lookups = 0;
      let first: string | undefined;
      const db = hookedDatabase(ctx, async (s) => {
        if (isNikLookup(s) && ++lookups === 2 && first) await ctx.db.updateTable('users').set({ nik_index: null }).where('id', '=', first).execute();
        if (isUsersInsert(s)) {
          inserts++;
          if (inserts === 1) first = await otherHolder(nik); // takes the NIK just before this registration's insert
          if (inserts === 2) await otherHolder(nik); // and, after its release, another takes it before the retry's insert
        }
      });
      try {
        const auth = createAuthService({ db, clock: ctx.clock, dataKey: ctx.services.config.dataEncryptionKey });
        const err = await auth.registerApplicant({ tenantId: ctx.tenant.id, name: 'Rina', nik, email, password: PASSWORD, consent: true }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AppError);
        expect(err).toMatchObject({ code: 'conflict', status: 409, message: 'the NIK changed meanwhile, try again' });
        expect(inserts).toBe(2);
        expect(await ctx.db.selectFrom('users').select('id').where('email', '=', email).execute()).toEqual([]);
      } finally {
        await db.destroy();
      }
    });

    async function officer(): Promise<Actor> {
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'front_desk',
        name: 'Petugas Loket',
        email: `loket.${fresh()}@kantor.izol.test`,
        password: 'petugas loket kata sandi panjang',
      });
      return { userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Petugas Loket' };
    }
    const claimantOf = async (nik: string) => {
      const email = `klaim.${fresh()}@contoh.id`;
      const userId = (await register({ nik, email })).json<{ userId: string }>().userId;
      expect((await userRow(userId)).nik_index).toBeNull();
      return { userId, email };
    };

    it('a new holder appearing between the counter look-up and the move: 409, nothing moved', async () => {
      const nik = uniqueNik();
      const squatter = (await register({ nik, email: `sq.${fresh()}@contoh.id` })).json<{ userId: string }>().userId;
      const claimant = await claimantOf(nik);
      // The holder is released (e.g. by another desk) so the look-up finds nobody...
      await ctx.db.updateTable('users').set({ nik_index: null }).where('id', '=', squatter).execute();
      let newcomer: string | undefined;
      const db = hookedDatabase(ctx, async (s) => {
        // ...and a new registration takes the NIK before the move is written.
        if (isNikWrite(s) && !newcomer) newcomer = await otherHolder(nik);
      });
      try {
        const auth = createAuthService({ db, clock: ctx.clock, dataKey: ctx.services.config.dataEncryptionKey });
        const err = await auth.resolveNikClaim({ actor: await officer(), nik, login: claimant.email, ktpChecked: true, reason: 'KTP asli diperiksa' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'conflict', status: 409, message: 'the NIK changed meanwhile, try again' });
        expect((await userRow(claimant.userId)).nik_index).toBeNull();
        expect((await userRow(newcomer!)).nik_index).toBe(index(nik));
      } finally {
        await db.destroy();
      }
    });

    it('two officers moving one NIK to two different claimants at once: one moves it, the other gets 409', async () => {
      const nik = uniqueNik();
      const holder = (await register({ nik, email: `pg.${fresh()}@contoh.id` })).json<{ userId: string }>().userId;
      const [a, b] = [await claimantOf(nik), await claimantOf(nik)];
      const [deskA, deskB] = [await officer(), await officer()];
      let other: Promise<unknown> | undefined;
      const db = hookedDatabase(ctx, async (s) => {
        // Officer A's whole move lands between officer B's look-up and B's write.
        if (isNikWrite(s) && !other) {
          other = ctx.services.auth.resolveNikClaim({ actor: deskA, nik, login: a.email, ktpChecked: true, reason: 'KTP asli diperiksa' });
          await other;
        }
      });
      try {
        const auth = createAuthService({ db, clock: ctx.clock, dataKey: ctx.services.config.dataEncryptionKey });
        const err = await auth.resolveNikClaim({ actor: deskB, nik, login: b.email, ktpChecked: true, reason: 'KTP asli diperiksa' }).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toMatchObject({ code: 'conflict', status: 409 });
        await expect(other).resolves.toEqual({ releasedFrom: holder });
        expect((await userRow(a.userId)).nik_index).toBe(index(nik));
        expect((await userRow(b.userId)).nik_index).toBeNull();
        expect((await userRow(holder)).nik_index).toBeNull();
      } finally {
        await db.destroy();
      }
    });
  });
});

describe.each(DIALECTS)('migration 0016: verification per address (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('backfills each address an account had when its contact was verified, and nothing for an unverified one', async () => {
    const make = (email: string | null, phone: string | null) =>
      ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'applicant',
        name: 'Lama',
        email: email ?? `x.${Math.random()}@contoh.id`,
        ...(phone ? { phone } : {}),
        password: 'akun lama sekali sebelum migrasi',
      });
    const both = (await make('dua@contoh.id', '+6281234599001')).userId;
    const emailOnly = (await make('satu@contoh.id', null)).userId;
    const never = (await make('belum@contoh.id', '+6281234599002')).userId;
    await m0016.down(ctx.db);
    const at = '2026-11-01T00:00:00.000Z';
    await sql`update users set contact_verified_at = ${at} where id in (${both}, ${emailOnly})`.execute(ctx.db);
    await m0016.up(ctx.db);
    const rows = await ctx.db
      .selectFrom('users')
      .select(['id', 'email_verified_at', 'phone_verified_at'])
      .where('id', 'in', [both, emailOnly, never])
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(byId.get(both)).toMatchObject({ email_verified_at: at, phone_verified_at: at });
    expect(byId.get(emailOnly)).toMatchObject({ email_verified_at: at, phone_verified_at: null });
    expect(byId.get(never)).toMatchObject({ email_verified_at: null, phone_verified_at: null });
  });
});
