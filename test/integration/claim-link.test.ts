import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import { CLAIM_LINK_DAYS } from '../../src/helpdesk/helpdesk.service.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, type TestContext, uniqueNik } from '../helpers/context.js';
import { uploadRequired, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * The claim link of an assisted draft (/klaim/<token>), on SQLite and PostgreSQL: signed out it leads
 * to sign-in and back; it takes a draft or an already submitted file into the citizen's account once;
 * a used, expired or unknown link is the same "no longer works" page; officers cannot use it; two
 * citizens racing for one link get one file between them.
 */
describe.each(DIALECTS)('claim links (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: Actor;
  let deskLogin: { email: string; password: string };
  let people = 0;

  const account = async (role: Role, phone?: string) => {
    const n = ++people;
    const email = `${role}.${n}.${Math.random().toString(36).slice(2, 8)}@klaim.izol.test`;
    const password = `${role} kata sandi klaim ${n}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Warga ${n}`, email, password, ...(phone ? { phone } : {}) });
    const actor: Actor = { userId, tenantId: ctx.tenant.id, role, name: `Warga ${n}` };
    return { actor, email, password };
  };

  /** A question recorded from Instagram and an assisted draft for it; the claim link comes back to the officer (sent by hand). */
  const assisted = async (permit = 'REKLAME') => {
    const request = await ctx.services.helpdesk.createHelpRequest({
      tenant: ctx.tenant,
      actor: desk,
      channel: 'instagram',
      handle: `@warga.${++people}`,
      message: 'Mau urus izin',
    });
    const result = await ctx.services.helpdesk.assistHelpRequest({ actor: desk, id: request.id, permitTypeCode: permit, lang: 'id' });
    const path = new URL(result.claimLink!).pathname;
    return { requestId: request.id, applicationId: result.applicationId, path, token: path.split('/').at(-1)! };
  };

  const signedIn = async (who: { email: string; password: string }) => {
    const browser = new PageClient(ctx);
    const res = await browser.post('/akun/masuk', { login: who.email, password: who.password });
    expect(res.statusCode).toBe(303);
    return browser;
  };

  const applicantOf = async (id: string) =>
    (await ctx.db.selectFrom('applications').select('applicant_id').where('id', '=', id).executeTakeFirstOrThrow()).applicant_id;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const d = await account('front_desk');
    desk = d.actor;
    deskLogin = d;
  });
  afterAll(async () => ctx?.close());

  it('sends a signed-out citizen to sign in and back, then takes the draft into their account', async () => {
    const link = await assisted();
    const citizen = await account('applicant');
    const browser = new PageClient(ctx);
    const first = await browser.get(link.path);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Lanjutkan permohonan Anda');
    expect(first.body).toContain('hanya dapat dipakai sekali');
    // Signing in with the return address comes back to the link (a local path only).
    const signIn = await browser.post('/akun/masuk', { login: citizen.email, password: citizen.password, kembali: link.path });
    expect(signIn.statusCode).toBe(303);
    expect(signIn.headers.location).toBe(link.path);
    const page = await browser.get(link.path);
    expect(page.body).toContain(`action="${link.path}"`);
    // Opening the link changes nothing; only the button does.
    expect(await applicantOf(link.applicationId)).toBeNull();
    const claimed = await browser.post(link.path, {});
    expect(claimed.statusCode).toBe(303);
    expect(claimed.headers.location).toBe(`/permohonan/${link.applicationId}`);
    expect(await applicantOf(link.applicationId)).toBe(citizen.actor.userId);
    // The help request now names the citizen, and the thread shows what was sent.
    const request = await ctx.db.selectFrom('help_requests').selectAll().where('id', '=', link.requestId).executeTakeFirstOrThrow();
    expect(request).toMatchObject({ applicant_id: citizen.actor.userId, application_id: link.applicationId, status: 'waiting_for_citizen' });
    // Another site as the return address is refused: back to the citizen's own list instead.
    const elsewhere = await new PageClient(ctx).post('/akun/masuk', { login: citizen.email, password: citizen.password, kembali: '//evil.example/klaim/x' });
    expect(elsewhere.headers.location).toBe('/permohonan');
  });

  it('answers a used, an expired and an unknown link with the same page, and changes nothing', async () => {
    const used = await assisted();
    const expired = await assisted();
    const citizen = await account('applicant');
    const browser = await signedIn(citizen);
    expect((await browser.post(used.path, {})).statusCode).toBe(303);
    const other = await signedIn(await account('applicant'));
    const pages = [await other.get(used.path), await other.post(used.path, {})];
    ctx.clock.advanceMinutes((CLAIM_LINK_DAYS * 24 + 1) * 60);
    const late = await signedIn(await account('applicant'));
    pages.push(
      await late.get(expired.path),
      await late.post(expired.path, {}),
      await late.get('/klaim/n3YwQ0lW1cX8Vq9mJk2sT5uB7zD4fH6gA1eR0pLoNbM'),
      await late.get('/klaim/%3Cscript%3E'),
    );
    const texts = pages.map((p) => p.body.replace(/<input type="hidden" name="_csrf"[^>]*>/g, '').replace(/name="kembali" value="[^"]*"/, ''));
    for (const p of pages) {
      expect(p.statusCode).toBe(404);
      expect(p.body).toContain('Tautan ini tidak berlaku lagi');
    }
    // Word for word the same (only the language switch's return address differs).
    expect(new Set(texts.map((x) => x.replace(/\/klaim\/[^"]*/g, '')))).toHaveLength(1);
    expect(await applicantOf(used.applicationId)).toBe(citizen.actor.userId);
    expect(await applicantOf(expired.applicationId)).toBeNull();
    const api = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/claim-links/claim',
      headers: auth(
        (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: citizen.email, password: citizen.password, clientIp: '127.0.0.1', kind: 'bearer' }))
          .token,
      ),
      payload: { token: expired.token },
    });
    expect(api.statusCode).toBe(404);
  });

  it('works for a file the front desk already submitted, keeping its number', async () => {
    const link = await assisted();
    // The front desk fills and submits the assisted file before the citizen opens the link.
    const secret = await enrollSecondFactor(ctx, desk.userId);
    await ctx.services.applications.updateApplication({ actor: desk, applicationId: link.applicationId, answers: await validAnswers(ctx, 'REKLAME') });
    const { token: deskToken } = await ctx.services.auth.login({
      tenantId: ctx.tenant.id,
      login: deskLogin.email,
      password: deskLogin.password,
      clientIp: '127.0.0.1',
      kind: 'bearer',
      otp: totpAt(secret, ctx.clock.now()),
    });
    await uploadRequired(ctx, deskToken, link.applicationId, 'REKLAME');
    await ctx.services.intake.submitIntakeFile({ actor: desk, applicationId: link.applicationId });
    const filed = await ctx.db.selectFrom('applications').select(['number', 'state']).where('id', '=', link.applicationId).executeTakeFirstOrThrow();
    expect(filed.number).not.toBeNull();
    const citizen = await account('applicant');
    const { token } = await ctx.services.auth.login({
      tenantId: ctx.tenant.id,
      login: citizen.email,
      password: citizen.password,
      clientIp: '127.0.0.1',
      kind: 'bearer',
    });
    const claim = await ctx.app.inject({ method: 'POST', url: '/api/v1/claim-links/claim', headers: auth(token), payload: { token: link.token } });
    expect(claim.statusCode, claim.body).toBe(200);
    const mine = await ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${link.applicationId}`, headers: auth(token) });
    expect(mine.statusCode).toBe(200);
    expect(json(mine)).toMatchObject({ number: filed.number, channel: 'assisted' });
    const events = await ctx.db
      .selectFrom('application_events')
      .select('action')
      .where('application_id', '=', link.applicationId)
      .orderBy('position')
      .execute();
    expect(events.map((e) => e.action)).toEqual(['create', 'submit', 'claim']);
  });

  it('refuses officers, and gives one file to one of two citizens claiming at once', async () => {
    const link = await assisted();
    const officer = await account('verifier');
    const secret = await enrollSecondFactor(ctx, officer.actor.userId);
    const staffBrowser = new PageClient(ctx);
    await staffBrowser.post('/akun/masuk', { login: officer.email, password: officer.password });
    expect((await staffBrowser.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    const shown = await staffBrowser.get(link.path);
    expect(shown.body).toContain('Tautan ini untuk warga yang dibantu');
    expect(shown.body).not.toContain(`action="${link.path}"`);
    expect((await staffBrowser.post(link.path, {})).statusCode).toBe(403);
    expect(await applicantOf(link.applicationId)).toBeNull();
    const [a, b] = await Promise.all([account('applicant'), account('applicant')]);
    const results = await Promise.allSettled([
      ctx.services.helpdesk.claimApplicationByLink({ actor: a.actor, token: link.token }),
      ctx.services.helpdesk.claimApplicationByLink({ actor: b.actor, token: link.token }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const owner = await applicantOf(link.applicationId);
    expect([a.actor.userId, b.actor.userId]).toContain(owner);
    const claims = await ctx.db
      .selectFrom('application_events')
      .select('actor_id')
      .where('application_id', '=', link.applicationId)
      .where('action', '=', 'claim')
      .execute();
    expect(claims).toEqual([{ actor_id: owner }]);
  });

  it('shows the link page in English too, and registration offers the way back', async () => {
    const link = await assisted();
    const browser = new PageClient(ctx);
    await browser.get('/');
    await browser.post('/bahasa', { lang: 'en', kembali: link.path });
    const page = await browser.get(link.path);
    expect(page.body).toContain('Continue your application');
    expect(page.body).toContain('No account yet? Register first');
    // A citizen who registers is signed in; opening the link again offers the button.
    const registered = await browser.post('/akun/daftar', {
      name: 'New Citizen',
      nik: uniqueNik(),
      email: `baru.${people}@klaim.izol.test`,
      phone: '',
      password: 'a long new password here',
      consent: 'yes',
    });
    expect(registered.statusCode).toBe(303);
    expect((await browser.get(link.path)).body).toContain('Take the draft into my account');
  });

  it('brings a citizen who registers from the link back to it once their contact is confirmed', async () => {
    const link = await assisted();
    const browser = new PageClient(ctx);
    const page = await browser.get(link.path);
    const register = /href="(\/akun\/daftar\?kembali=[^"]+)"/.exec(page.body)?.[1];
    expect(register).toBe(`/akun/daftar?kembali=${encodeURIComponent(link.path)}`);
    const form = await browser.get(register!);
    expect(form.body).toContain(`name="kembali" value="${link.path}"`);
    const email = `kembali.${++people}@klaim.izol.test`;
    const registered = await browser.post('/akun/daftar', {
      name: 'Warga Kembali',
      nik: uniqueNik(),
      email,
      phone: '',
      password: 'a long new password here',
      consent: 'yes',
      kembali: link.path,
    });
    expect(registered.headers.location).toBe(`/akun/verifikasi?kembali=${encodeURIComponent(link.path)}`);
    const verify = await browser.get(registered.headers.location as string);
    expect(verify.body).toContain(`name="kembali" value="${link.path}"`);
    await ctx.services.outbox.drain();
    const mail = await ctx.db
      .selectFrom('notifications')
      .select('body')
      .where('recipient', '=', email)
      .where('kind', '=', 'contact_code')
      .orderBy('outbox_id', 'desc')
      .executeTakeFirstOrThrow();
    const verified = await browser.post('/akun/verifikasi', { code: /(\d{6})/.exec(mail.body)![1]!, kembali: link.path });
    expect(verified.headers.location).toBe(`/akun/verifikasi?kembali=${encodeURIComponent(link.path)}`);
    const done = await browser.get(verified.headers.location as string);
    expect(done.body).toContain('Kontak Anda sudah dipastikan');
    expect(done.body).toContain(`href="${link.path}"`);
    // A return address to another site is dropped, not followed.
    const away = await browser.get('/akun/verifikasi?kembali=%2F%2Fevil.example%2Fklaim');
    expect(away.body).not.toContain('evil.example');
    expect((await browser.get(link.path)).body).toContain('Ambil draf ke akun saya');
  });

  it("shows the expiry as the office's own date: a link made at 01:00 WIB ends on the WIB day, not the UTC one", async () => {
    // Monday 5 April 2027, 01:00 in Jakarta, still Sunday the 4th in UTC.
    ctx.clock.set('2027-04-04T18:00:00.000Z');
    const link = await assisted();
    const id = await new PageClient(ctx).get(link.path);
    expect(id.statusCode).toBe(200);
    // Fourteen days on: Monday 19 April, 01:00 WIB (18 April in UTC).
    expect(id.body).toContain('Tautan ini berlaku sampai 19 April 2027');
    expect(id.body).not.toContain('2027-04-18');
    const browser = new PageClient(ctx);
    await browser.get('/');
    await browser.post('/bahasa', { lang: 'en', kembali: link.path });
    expect((await browser.get(link.path)).body).toContain('This link works until 19 April 2027');
  });
});
