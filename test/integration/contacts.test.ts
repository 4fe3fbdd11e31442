import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, uniqueNik, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';

/**
 * Channel history (issue 11): every contact a citizen had with the office, whatever the door, with its
 * channel and date, so the office sees people who first came in person and later applied online.
 */

type History = {
  subject: { userId: string | null; name: string | null; phone: string | null; email: string | null; account: { userId: string; name: string } | null };
  items: { id: string; kind: string; channel: string; at: string; label: string; refId: string; number: string | null; canOpen: boolean }[];
  page: number;
  pageSize: number;
  total: number;
};

const PASSWORD = 'teh manis sore hari';
const OTHER_HOST = SECOND_OFFICE.hostnames[0]!;

describe.each(DIALECTS)('channel history (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: { token: string; userId: string };
  let n = 0;
  const phoneNo = () => `0812${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  /** In E.164, as the office stores it. */
  const e164 = (local: string) => `+62${local.slice(1)}`;

  const get = (token: string, url: string, host?: string) => ctx.app.inject({ method: 'GET', url, headers: auth(token, host ? { host } : {}) });
  const history = (res: LightMyRequestResponse) => {
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    return json<History>(res);
  };

  /** The front desk records a walk-in (or courier, assisted) file for someone, with the number they gave. */
  async function intake(token: string, contact: string | undefined, channel = 'walk_in', host?: string): Promise<string> {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token, host ? { host } : {}),
      payload: { permitTypeCode: 'REKLAME', channel, applicantName: 'Sri Wahyuni', ...(contact ? { applicantContact: contact } : {}) },
    });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    return json<{ id: string }>(res).id;
  }

  /** Registers with a number (and verifies it with the code that arrived, unless told not to); returns a signed-in token. */
  async function citizen(phone: string, opts: { verify?: boolean } = {}): Promise<{ userId: string; token: string; actor: Actor }> {
    n++;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: `Warga ${n}`, nik: uniqueNik(), phone, password: PASSWORD, consent: true },
      remoteAddress: `198.51.100.${n % 250}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { userId } = json<{ userId: string }>(res);
    const actor: Actor = { userId, tenantId: ctx.tenant.id, role: 'applicant', name: `Warga ${n}` };
    if (opts.verify !== false) {
      await ctx.services.outbox.drain();
      const code = await ctx.db
        .selectFrom('notifications')
        .select('body')
        .where('recipient_user_id', '=', userId)
        .where('kind', '=', 'contact_code')
        .executeTakeFirstOrThrow();
      await ctx.services.auth.verifyContact({ actor, code: /\b(\d{6})\b/.exec(code.body)![1]! });
    }
    const { token } = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: phone, password: PASSWORD, clientIp: '127.0.0.1', kind: 'bearer' });
    return { userId, token, actor };
  }

  async function applyOnline(token: string): Promise<string> {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(token), payload: { permitTypeCode: 'PBG' } });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(201);
    return json<{ id: string }>(res).id;
  }

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  // Each test moves the clock on; a fresh counter session keeps the front desk signed in.
  beforeEach(async () => {
    desk = await userWithToken(ctx, 'front_desk');
  });
  afterAll(async () => ctx?.close());

  it('shows a person who first came in person, then registered with that number and applied online, both contacts in order with their channels', async () => {
    const phone = phoneNo();
    const walkIn = await intake(desk.token, phone);
    ctx.clock.advanceMinutes(60 * 24 * 3);
    const person = await citizen(phone);
    ctx.clock.advanceMinutes(60);
    const online = await applyOnline(person.token);
    desk = await userWithToken(ctx, 'front_desk');

    const mine = history(await get(person.token, '/api/v1/me/contacts'));
    expect(mine.items.map((i) => [i.refId, i.kind, i.channel])).toEqual([
      [online, 'application', 'online'],
      [walkIn, 'application', 'walk_in'],
    ]);
    expect(mine.items[0]!.at > mine.items[1]!.at).toBe(true);
    expect(mine.subject).toMatchObject({ userId: person.userId, phone: e164(phone) });
    // Their own file opens; the walk-in file is the front desk's until they claim it with its code.
    expect(mine.items.map((i) => i.canOpen)).toEqual([true, false]);

    // The front desk sees the same history by account, and by the number alone (with the account that verified it).
    const byAccount = history(await get(desk.token, `/api/v1/contacts?userId=${person.userId}`));
    expect(byAccount.items.map((i) => [i.refId, i.channel, i.canOpen])).toEqual([
      [online, 'online', true],
      [walkIn, 'walk_in', true],
    ]);
    const byPhone = history(await get(desk.token, `/api/v1/contacts?phone=${encodeURIComponent(phone.replace(/^0/, '+62 '))}`));
    expect(byPhone.subject.account).toEqual({ userId: person.userId, name: person.actor.name });
    expect(byPhone.items.map((i) => i.refId)).toEqual([online, walkIn]);
  });

  it('gives a claimed front-desk file to the account that claimed it', async () => {
    // A courier file whose sender left their email; they register with a number and claim the file with the code sent to them.
    const email = `klaim.${Date.now()}@contoh.id`;
    const id = await readyDraft(ctx, desk.token, 'NIB', { channel: 'courier', channelDetail: 'JNE', applicantName: 'Agus Salim', applicantContact: email });
    const submitted = await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(desk.token) });
    const { number } = json<{ number: string }>(submitted);
    await ctx.services.outbox.drain();
    const message = await ctx.db.selectFrom('notifications').select('body').where('recipient', '=', email).executeTakeFirstOrThrow();
    const claimCode = /kode klaim: ([0-9A-Z]{8})/.exec(message.body)![1]!;

    const person = await citizen(phoneNo(), { verify: false });
    expect(history(await get(person.token, '/api/v1/me/contacts')).items).toEqual([]);
    const claim = await ctx.app.inject({ method: 'POST', url: '/api/v1/applications/claim', headers: auth(person.token), payload: { number, claimCode } });
    expect(claim.statusCode, claim.body).toBe(200);
    const mine = history(await get(person.token, '/api/v1/me/contacts'));
    expect(mine.items.map((i) => [i.refId, i.channel, i.canOpen, i.number])).toEqual([[id, 'courier', true, number]]);
  });

  it('never joins another office’s contacts, even with the same number', async () => {
    const office2 = await ensureOffice(ctx.services, SECOND_OFFICE);
    const desk2 = await userWithToken(ctx, 'front_desk', { host: OTHER_HOST, tenantId: office2.id });
    const phone = phoneNo();
    const theirs = await intake(desk2.token, phone, 'walk_in', OTHER_HOST);
    const ours = await intake(desk.token, phone);
    const person = await citizen(phone);
    const mine = history(await get(person.token, '/api/v1/me/contacts'));
    expect(mine.items.map((i) => i.refId)).toEqual([ours]);
    const byPhone = history(await get(desk.token, `/api/v1/contacts?phone=${phone}`));
    expect(byPhone.items.map((i) => i.refId)).toEqual([ours]);
    // And office 2's desk sees only its own, and not office 1's account at all.
    const there = history(await get(desk2.token, `/api/v1/contacts?phone=${phone}`, OTHER_HOST));
    expect(there.items.map((i) => i.refId)).toEqual([theirs]);
    expect(there.subject.account).toBeNull();
    expect((await get(desk2.token, `/api/v1/contacts?userId=${person.userId}`, OTHER_HOST)).statusCode).toBe(404);
  });

  it('does not join rows by a number the account has not verified: anyone can register with, or give at a counter, someone else’s number', async () => {
    const phone = phoneNo();
    const walkIn = await intake(desk.token, phone);
    ctx.clock.advanceMinutes(5);
    // Someone registers with that number but never proves it is theirs (no code entered).
    const squatter = await citizen(phone, { verify: false });
    const own = await applyOnline(squatter.token);
    const mine = history(await get(squatter.token, '/api/v1/me/contacts'));
    expect(mine.items.map((i) => i.refId)).toEqual([own]);
    expect(mine.items.map((i) => i.refId)).not.toContain(walkIn);
    expect(mine.subject.phone).toBeNull();
    // Staff looking the number up see the walk-in (and the online file the account made with it), but no verified account.
    const byPhone = history(await get(desk.token, `/api/v1/contacts?phone=${phone}`));
    expect(byPhone.items.map((i) => i.refId)).toEqual([own, walkIn]);
    expect(byPhone.subject.account).toBeNull();
  });
});
