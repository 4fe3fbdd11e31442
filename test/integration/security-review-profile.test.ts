import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Security review (issue 10, item 6): /akun/profil changed the sign-in email or WhatsApp number
 * without the password, the old contact was not told and other sessions lived on. Now the change
 * needs the current password, the old contact gets a message, the other sessions end (this one
 * stays) and it is audited.
 */
describe.each(DIALECTS)('security review: changing the sign-in contact (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  const PASSWORD = 'kopi tubruk pagi hari';

  /** An applicant signed in twice: on the pages (this browser) and on the API (another device). */
  async function person() {
    const email = `warga.${Math.random().toString(36).slice(2, 10)}@contoh.id`;
    const { userId } = await ctx.services.auth.registerApplicant({
      tenantId: ctx.tenant.id,
      name: 'Siti Aminah',
      nik: uniqueNik(),
      email,
      password: PASSWORD,
      consent: true,
    });
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password: PASSWORD })).statusCode).toBe(303);
    const other = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password: PASSWORD } });
    return { userId, email, page, otherToken: other.json<{ token: string }>().token };
  }
  const user = (id: string) => ctx.db.selectFrom('users').select(['email', 'phone', 'name']).where('id', '=', id).executeTakeFirstOrThrow();
  const me = (token: string) => ctx.app.inject({ url: '/api/v1/me', headers: auth(token) });
  const outboxOf = async (topic: string, userId: string) =>
    (await ctx.db.selectFrom('outbox').select('payload').where('topic', '=', topic).execute()).filter((r) => r.payload.includes(userId));

  it('refuses a new email with a wrong or missing password: error summary on the password field, nothing changed', async () => {
    const p = await person();
    for (const currentPassword of ['bukan kata sandinya', '']) {
      const res = await p.page.post('/akun/profil', { name: 'Siti Aminah', email: 'penyusup@contoh.id', phone: '', currentPassword });
      expect(res.statusCode).toBe(400);
      expect(res.body).toContain('href="#f-currentPassword"');
      expect(res.body).not.toContain(currentPassword || 'no password echoed');
    }
    expect(await user(p.userId)).toMatchObject({ email: p.email });
    expect((await me(p.otherToken)).statusCode).toBe(200);
    expect(await outboxOf('notify.contact_changed', p.userId)).toEqual([]);
  });

  it('with the password: the email changes, the old one is told, the other session ends, this one stays, and it is audited', async () => {
    const p = await person();
    const res = await p.page.post('/akun/profil', { name: 'Siti Aminah', email: 'siti.baru@contoh.id', phone: '', currentPassword: PASSWORD });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Kontak lama Anda sudah diberi tahu');
    expect(await user(p.userId)).toMatchObject({ email: 'siti.baru@contoh.id' });
    // The other device is signed out; this browser is not.
    expect((await me(p.otherToken)).statusCode).toBe(401);
    expect((await p.page.get('/akun/profil')).statusCode).toBe(200);
    // The old address hears of it.
    const [queued] = await outboxOf('notify.contact_changed', p.userId);
    expect(JSON.parse(queued!.payload)).toMatchObject({ userId: p.userId, email: p.email, phone: null });
    await ctx.services.outbox.drain();
    const told = await ctx.db.selectFrom('notifications').selectAll().where('recipient', '=', p.email).where('recipient_user_id', '=', p.userId).execute();
    expect(told.map((n) => n.kind)).toContain('contact_changed');
    const message = told.find((n) => n.kind === 'contact_changed')!;
    expect(message.body).toContain('baru saja diganti');
    // And the new address gets its code, not the old one.
    const codes = await ctx.db.selectFrom('notifications').selectAll().where('recipient_user_id', '=', p.userId).where('kind', '=', 'contact_code').execute();
    expect(codes.map((c) => c.recipient)).toContain('siti.baru@contoh.id');
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('action', '=', 'user.contact_changed')
      .where('actor_id', '=', p.userId)
      .execute();
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.data)).toMatchObject({ email: true, phone: false, sessionsEnded: 1 });
  });

  it('a WhatsApp number added or changed needs the password too; a name alone does not and ends no session', async () => {
    const p = await person();
    expect((await p.page.post('/akun/profil', { name: 'Siti A.', email: p.email, phone: '', currentPassword: '' })).statusCode).toBe(200);
    expect(await user(p.userId)).toMatchObject({ name: 'Siti A.' });
    expect((await me(p.otherToken)).statusCode).toBe(200);
    const refused = await p.page.post('/akun/profil', { name: 'Siti A.', email: p.email, phone: '081234567899', currentPassword: '' });
    expect(refused.statusCode).toBe(400);
    expect(await user(p.userId)).toMatchObject({ phone: null });
    expect((await p.page.post('/akun/profil', { name: 'Siti A.', email: p.email, phone: '081234567899', currentPassword: PASSWORD })).statusCode).toBe(200);
    expect(await user(p.userId)).toMatchObject({ phone: '+6281234567899' });
    expect((await me(p.otherToken)).statusCode).toBe(401);
  });

  it('guessing the password on the profile page is throttled after 5 wrong tries', async () => {
    const p = await person();
    for (let i = 0; i < 5; i++) {
      const res = await p.page.post('/akun/profil', { name: 'Siti Aminah', email: 'tebak@contoh.id', phone: '', currentPassword: `tebakan ${i}` });
      expect(res.statusCode).toBe(400);
    }
    const sixth = await p.page.post('/akun/profil', { name: 'Siti Aminah', email: 'tebak@contoh.id', phone: '', currentPassword: PASSWORD });
    expect(sixth.statusCode).toBe(400);
    expect(sixth.body).toContain('Terlalu banyak percobaan');
    expect(await user(p.userId)).toMatchObject({ email: p.email });
  });
});
