import type { LightMyRequestResponse } from 'fastify';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { can } from '../../src/access/access.js';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { recordContact } from '../../src/contacts/contacts.repository.js';
import { type Role, ROLES } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, SECOND_OFFICE, type TestContext, staffOtp, uniqueNik } from '../helpers/context.js';
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

  /** An account signed in through the auth service (the login route's per-address limit is for people, not for suites). */
  async function staff(role: Role, opts: { tenantId?: string } = {}): Promise<{ token: string; userId: string }> {
    n++;
    const tenantId = opts.tenantId ?? ctx.tenant.id;
    const email = `${role}.${n}.${Math.random().toString(36).slice(2, 8)}@riwayat.izol.test`;
    const password = `${role} kata sandi panjang ${n}`;
    const { userId } = await ctx.services.auth.createUser({ tenantId, role, name: `Uji ${role} ${n}`, email, password });
    const otp = await staffOtp(ctx, userId, role);
    const { token } = await ctx.services.auth.login({ tenantId, login: email, password, clientIp: '127.0.0.1', kind: 'bearer', ...(otp ? { otp } : {}) });
    return { token, userId };
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
    desk = await staff('front_desk');
  });
  afterAll(async () => ctx?.close());

  it('shows a person who first came in person, then registered with that number and applied online, both contacts in order with their channels', async () => {
    const phone = phoneNo();
    const walkIn = await intake(desk.token, phone);
    ctx.clock.advanceMinutes(60 * 24 * 3);
    const person = await citizen(phone);
    ctx.clock.advanceMinutes(60);
    const online = await applyOnline(person.token);
    desk = await staff('front_desk');

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
    const desk2 = await staff('front_desk', { tenantId: office2.id });
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

  it('pages a long history in SQL, 50 a page, newest first, without overlap even for contacts at the same moment', async () => {
    const person = await citizen(phoneNo());
    const made: string[] = [];
    for (let i = 0; i < 57; i++) {
      const { application } = await ctx.services.applications.createApplication({ actor: person.actor, permitTypeCode: 'REKLAME' });
      made.push(application.id);
      // Every third one in the same minute as the next: ties are ordered too.
      if (i % 3 !== 0) ctx.clock.advanceMinutes(1);
    }
    const first = history(await get(person.token, '/api/v1/me/contacts'));
    const second = history(await get(person.token, '/api/v1/me/contacts?page=2'));
    const beyond = history(await get(person.token, '/api/v1/me/contacts?page=3'));
    expect([first.items.length, second.items.length, beyond.items.length]).toEqual([50, 7, 0]);
    expect([first.total, second.total, first.pageSize]).toEqual([57, 57, 50]);
    const all = [...first.items, ...second.items];
    expect(new Set(all.map((i) => i.refId))).toEqual(new Set(made));
    expect(all.map((i) => i.at)).toEqual([...all.map((i) => i.at)].sort().reverse());
    // Staff page the same way.
    const staff = history(await get(desk.token, `/api/v1/contacts?userId=${person.userId}&page=2`));
    expect(staff.items.map((i) => i.id)).toEqual(second.items.map((i) => i.id));
  });

  it('lets the front desk, verifier, head and admin look someone up, and no other role', async () => {
    const phone = phoneNo();
    await intake(desk.token, phone);
    for (const role of ROLES) {
      const who = await staff(role);
      const actor: Actor = { userId: who.userId, tenantId: ctx.tenant.id, role, name: role };
      const allowed = can(actor, 'contacts.view', { tenantId: ctx.tenant.id });
      expect(allowed, role).toBe(['front_desk', 'verifier', 'head', 'admin'].includes(role));
      const res = await get(who.token, `/api/v1/contacts?phone=${phone}`);
      expect(res.statusCode, `${role}: ${res.body.slice(0, 200)}`).toBe(allowed ? 200 : 403);
      if (allowed) expect(history(res).items).toHaveLength(1);
      else expect(res.body).not.toContain(phone.slice(-6));
      // Everyone signed in has their own history (staff have none of their own here).
      expect(history(await get(who.token, '/api/v1/me/contacts')).items).toEqual([]);
    }
    // An officer's account is not a citizen's history.
    const officer = await staff('verifier');
    expect((await get(desk.token, `/api/v1/contacts?userId=${officer.userId}`)).statusCode).toBe(404);
  });

  /** Registers with an email and enters the code sent to it. */
  async function emailCitizen(email: string): Promise<{ userId: string; token: string; actor: Actor }> {
    n++;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { name: `Warga ${n}`, nik: uniqueNik(), email, password: PASSWORD, consent: true },
      remoteAddress: `198.51.100.${n % 250}`,
    });
    expect(res.statusCode, res.body).toBe(201);
    const { userId } = json<{ userId: string }>(res);
    const actor: Actor = { userId, tenantId: ctx.tenant.id, role: 'applicant', name: `Warga ${n}` };
    await ctx.services.outbox.drain();
    const code = await ctx.db
      .selectFrom('notifications')
      .select('body')
      .where('recipient_user_id', '=', userId)
      .where('kind', '=', 'contact_code')
      .executeTakeFirstOrThrow();
    await ctx.services.auth.verifyContact({ actor, code: /\b(\d{6})\b/.exec(code.body)![1]! });
    const { token } = await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password: PASSWORD, clientIp: '127.0.0.1', kind: 'bearer' });
    return { userId, token, actor };
  }
  const SCAM = 'Akun Anda diblokir, transfer Rp500.000 ke 1234 BCA';

  it('keeps what anyone types into the portal’s help form out of the history of the person whose email or number they typed', async () => {
    const email = `korban.${++n}.${Math.random().toString(36).slice(2, 8)}@contoh.id`;
    const victim = await emailCitizen(email);
    const phone = phoneNo();
    const victim2 = await citizen(phone);
    // Anyone, signed out: the portal's form with the victim's email as the address to answer at …
    const form = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      payload: { handle: email.toUpperCase(), message: `${SCAM}\nHubungi 0812 0000 0000.` },
      remoteAddress: '203.0.113.7',
    });
    expect(form.statusCode, form.body).toBe(201);
    // … and with the other victim's WhatsApp number.
    const byNumber = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      payload: { handle: phone, message: SCAM },
      remoteAddress: '203.0.113.8',
    });
    expect(byNumber.statusCode, byNumber.body).toBe(201);
    // The help desk has both, to answer at the address given …
    const requests = await ctx.db
      .selectFrom('help_requests')
      .select(['handle', 'channel'])
      .where('handle', 'in', [email, e164(phone)])
      .execute();
    expect(requests.map((r) => r.channel)).toEqual(['web', 'web']);
    // … but nothing of them is in the victims' own histories, nor in the office's look-up of their addresses.
    for (const res of [
      await get(victim.token, '/api/v1/me/contacts'),
      await get(victim2.token, '/api/v1/me/contacts'),
      await get(desk.token, `/api/v1/contacts?userId=${victim.userId}`),
      await get(desk.token, `/api/v1/contacts?email=${encodeURIComponent(email)}`),
      await get(desk.token, `/api/v1/contacts?phone=${phone}`),
    ]) {
      const h = history(res);
      expect(h.items.filter((i) => i.kind === 'help_request')).toEqual([]);
      expect(res.body).not.toContain('diblokir');
    }
    // A row written before the fix with the typed address joins by it no more either.
    await ctx.db.transaction().execute((trx) =>
      recordContact(trx, {
        tenantId: ctx.tenant.id,
        email,
        kind: 'help_request',
        channel: 'web',
        refId: randomUUID(),
        label: SCAM,
        at: ctx.clock.now().toISOString(),
      }),
    );
    expect(history(await get(victim.token, '/api/v1/me/contacts')).items).toEqual([]);
    // Signed in, the form's request is the citizen's own: in their history by their account.
    const own = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      headers: auth(victim.token),
      payload: { message: 'Bagaimana cara perpanjang izin?' },
    });
    expect(own.statusCode, own.body).toBe(201);
    const mine = history(await get(victim.token, '/api/v1/me/contacts'));
    expect(mine.items.map((i) => [i.kind, i.channel, i.refId])).toEqual([['help_request', 'web', json<{ id: string }>(own).id]]);
  });

  it('labels help requests neutrally: a citizen’s words (a NIK, an address) never reach roles without the help desk through the history', async () => {
    const phone = phoneNo();
    const person = await citizen(phone);
    const nik = uniqueNik();
    // The front desk records a call from the citizen (it spoke to them: the number stays, so the row joins).
    const call = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      headers: auth(desk.token),
      payload: { channel: 'phone', handle: phone, name: 'Bu Ani', message: `NIK saya ${nik}, rumah di Jl. Kenanga 12 RT 03\nizin reklame` },
    });
    expect(call.statusCode, call.body).toBe(201);
    const callId = json<{ id: string }>(call).id;
    // And a row an older version wrote with the citizen's first line as its label.
    await ctx.db.transaction().execute((trx) =>
      recordContact(trx, {
        tenantId: ctx.tenant.id,
        phone,
        kind: 'help_request',
        channel: 'whatsapp',
        refId: randomUUID(),
        label: `NIK ${nik} Jl. Kenanga`,
        at: ctx.clock.now().toISOString(),
      }),
    );
    const verifier = await staff('verifier');
    for (const res of [
      await get(verifier.token, `/api/v1/contacts?phone=${phone}`),
      await get(verifier.token, `/api/v1/contacts?userId=${person.userId}`),
      await get(person.token, '/api/v1/me/contacts'),
    ]) {
      const h = history(res);
      const helps = h.items.filter((i) => i.kind === 'help_request');
      expect(helps.map((i) => i.label)).toEqual(['Permintaan bantuan', 'Permintaan bantuan']);
      expect(helps.map((i) => i.refId)).toContain(callId);
      expect(res.body).not.toContain(nik);
      expect(res.body).not.toContain('Kenanga');
    }
    // What is stored is neutral too.
    const stored = await ctx.db.selectFrom('contacts').select('label').where('ref_id', '=', callId).executeTakeFirstOrThrow();
    expect(stored.label).toBe('Permintaan bantuan');
  });

  it('lets a viewer open a parcel or a help request from the history only with that door’s access: the front desk yes, a verifier no', async () => {
    const phone = phoneNo();
    const parcel = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/parcels',
      headers: auth(desk.token),
      payload: { company: 'JNE', trackingNumber: `JNE${Date.now()}`, senderName: 'Pak Joko', senderContact: phone },
    });
    expect(parcel.statusCode, parcel.body).toBe(201);
    const call = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/help-requests',
      headers: auth(desk.token),
      payload: { channel: 'phone', handle: phone, message: 'Tanya kiriman' },
    });
    expect(call.statusCode, call.body).toBe(201);
    const opened = async (token: string) =>
      Object.fromEntries(history(await get(token, `/api/v1/contacts?phone=${phone}`)).items.map((i) => [i.kind, i.canOpen]));
    expect(await opened(desk.token)).toEqual({ parcel: true, help_request: true });
    expect(await opened((await staff('verifier')).token)).toEqual({ parcel: false, help_request: false });
  });

  it('counts, over a period, the people who first came in person and later online (and the other ways), as one summary query', async () => {
    ctx.clock.set('2027-02-20T02:00:00.000Z');
    desk = await staff('front_desk');
    // Before the period: a walk-in with a number whose owner applies online inside it (only the online contact counts).
    const p8 = phoneNo();
    await intake(desk.token, p8);

    ctx.clock.set('2027-03-01T01:00:00.000Z');
    desk = await staff('front_desk');
    const p1 = phoneNo();
    const p3 = phoneNo();
    const p4 = phoneNo();
    const p6 = phoneNo();
    await intake(desk.token, p1); // P1: in person …
    await intake(desk.token, p4); // P4: in person only
    await intake(desk.token, undefined); // a walk-in who left no contact: nobody
    await intake(desk.token, p6); // P6: in person, with a number someone else registers unverified
    const p3Person = await citizen(p3);
    await applyOnline(p3Person.token); // P3: online …
    await ctx.services.applications.createApplication({
      actor: { userId: desk.userId, tenantId: ctx.tenant.id, role: 'front_desk', name: 'Loket' },
      permitTypeCode: 'NIB',
      channel: 'assisted',
      channelDetail: 'instagram',
      applicantName: 'Dewi',
      applicantContact: `dewi.${Date.now()}@contoh.id`,
    }); // P7: another door (assisted help)
    const office2 = await ensureOffice(ctx.services, SECOND_OFFICE);
    const desk2 = await staff('front_desk', { tenantId: office2.id });
    await intake(desk2.token, p1, 'walk_in', OTHER_HOST); // another office: never counted here
    // P9, who never made an account: a queue ticket taken for a booked visit (written by the queue's own
    // transaction through recordContact, the doors' contract) …
    const p9 = phoneNo();
    const door = (c: { kind: 'queue_ticket' | 'help_request'; channel: string; label: string }) =>
      ctx.db
        .transaction()
        .execute((trx) => recordContact(trx, { tenantId: ctx.tenant.id, phone: p9, refId: randomUUID(), at: ctx.clock.now().toISOString(), ...c }));
    await door({ kind: 'queue_ticket', channel: 'booking', label: 'A-007' });

    ctx.clock.advanceMinutes(60 * 24);
    desk = await staff('front_desk');
    const p1Person = await citizen(p1);
    await applyOnline(p1Person.token); // … then P1 online
    await intake(desk.token, p3); // … then P3 in person
    const p2 = await citizen(phoneNo());
    await applyOnline(p2.token); // P2: online only
    const squatter = await citizen(p6, { verify: false });
    await applyOnline(squatter.token); // someone with P6's number, never verified: a person of their own
    await applyOnline((await citizen(p8)).token); // P8
    await door({ kind: 'help_request', channel: 'whatsapp', label: 'Pertanyaan PBG' }); // … then P9 asks on WhatsApp

    const head = await staff('head');
    const headActor: Actor = { userId: head.userId, tenantId: ctx.tenant.id, role: 'head', name: 'Kepala' };
    const shift = await ctx.services.contacts.channelShift({ actor: headActor, from: '2027-03-01T00:00:00.000Z', to: '2027-04-01T00:00:00.000Z' });
    expect(shift).toEqual({ people: 9, firstInPerson: 4, firstOnline: 4, firstOther: 1, inPersonThenOnline: 2, onlineThenInPerson: 1 });
    // The period's end is exclusive, its start inclusive: the first day alone has everything but the second day's contacts.
    expect(await ctx.services.contacts.channelShift({ actor: headActor, from: '2027-03-01T01:00:00.000Z', to: '2027-03-02T00:00:00.000Z' })).toEqual({
      people: 6,
      firstInPerson: 4,
      firstOnline: 1,
      firstOther: 1,
      inPersonThenOnline: 0,
      onlineThenInPerson: 0,
    });
    const applicant = await citizen(phoneNo());
    await expect(ctx.services.contacts.channelShift({ actor: applicant.actor, from: '2027-03-01', to: '2027-04-01' })).rejects.toMatchObject({
      code: 'forbidden',
    });
    await expect(ctx.services.contacts.channelShift({ actor: headActor, from: '2027-04-01', to: '2027-03-01' })).rejects.toMatchObject({
      code: 'invalid_input',
    });
  });
});
