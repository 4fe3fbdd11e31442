import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_PNG } from '../../src/demo/demo-files.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { act, issuedPermit, readyDraft, uploadRequired, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';
import { type FakeWhatsApp, startFakeWhatsApp } from '../helpers/fake-whatsapp.js';

type ParcelJson = {
  id: string;
  direction: 'in' | 'out';
  company: string;
  trackingNumber: string;
  at: string;
  senderName: string | null;
  senderContact: string | null;
  checklist: { code: string; present: boolean; required: boolean }[];
  officer: { id: string; name: string };
  application: { id: string; number: string | null } | null;
  photos: { id: string; mediaType: string }[];
};
function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

type Problem = { status: number; code: string; errors?: { field: string; code: string }[] };
type Tracked = { parcels: { direction: string; company: string; trackingNumber: string; contents: string | null }[] };
type Report = {
  days: { day: string; received: number; sent: number }[];
  unlinked: { trackingNumber: string; workingDaysWaiting: number }[];
  overdue: { trackingNumber: string }[];
};

describe.each(DIALECTS)('courier parcels (%s)', (dialect) => {
  let ctx: TestContext;
  let desk: { token: string; userId: string };
  let applicant: { token: string; userId: string; email: string };

  const send = (token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: Record<string, unknown>) =>
    ctx.app.inject({ method, url, headers: auth(token), ...(payload ? { payload } : {}) });
  const logParcel = (payload: Record<string, unknown>, token = desk.token) => send(token, 'POST', '/api/v1/parcels', payload);
  const counts = async () => ({
    parcels: Number(
      (
        await ctx.db
          .selectFrom('parcels')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    applications: Number(
      (
        await ctx.db
          .selectFrom('applications')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    outbox: Number(
      (
        await ctx.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
    contacts: Number(
      (
        await ctx.db
          .selectFrom('contacts')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  });
  const track = async (number: string, code: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/track', payload: { number, trackingCode: code } });
    expect(res.statusCode, res.body).toBe(200);
    return json<Tracked>(res);
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    desk = await userWithToken(ctx, 'front_desk');
    applicant = await userWithToken(ctx, 'applicant');
  });
  afterAll(async () => ctx?.close());

  it('logs a parcel with its officer, checklist and sender, in the channel history and the audit log; the same tracking number twice is a 409', async () => {
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
    const first = type.definition.requirements[0]!;
    const res = await logParcel({
      company: ' JNE ',
      trackingNumber: 'jn 0012 3456',
      senderName: 'Bu Sri',
      senderContact: '0812 3456 7001',
      permitTypeCode: 'nib',
      checklist: [first.code],
    });
    expect(res.statusCode, res.body).toBe(201);
    const parcel = json<ParcelJson>(res);
    expect(parcel).toMatchObject({
      direction: 'in',
      company: 'JNE',
      trackingNumber: 'JN00123456',
      senderName: 'Bu Sri',
      senderContact: '+6281234567001',
      application: null,
      at: ctx.clock.now().toISOString(),
    });
    expect(parcel.officer.id).toBe(desk.userId);
    expect(parcel.checklist).toHaveLength(type.definition.requirements.length);
    expect(parcel.checklist.find((c) => c.code === first.code)?.present).toBe(true);
    expect(parcel.checklist.filter((c) => c.present)).toHaveLength(1);

    const contact = await ctx.db.selectFrom('contacts').selectAll().where('ref_id', '=', parcel.id).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ kind: 'parcel', channel: 'courier', phone: '+6281234567001', label: 'JNE JN00123456' });
    const audit = await ctx.db.selectFrom('audit_events').select(['action', 'actor_id']).where('subject_id', '=', parcel.id).execute();
    expect(audit).toEqual([{ action: 'parcel.received', actor_id: desk.userId }]);

    const before = await counts();
    const again = await logParcel({ company: 'jne', trackingNumber: 'JN00123456', senderName: 'Bu Sri' });
    expect(again.statusCode).toBe(409);
    expect(json<Problem>(again)).toMatchObject({ code: 'parcel_duplicate', errors: [{ field: 'trackingNumber' }] });
    expect(await counts()).toEqual(before);

    const listed = json<{ parcels: ParcelJson[] }>(await send(desk.token, 'GET', '/api/v1/parcels?linked=no'));
    expect(listed.parcels.map((p) => p.id)).toContain(parcel.id);
    const got = await send(desk.token, 'GET', `/api/v1/parcels/${parcel.id}`);
    expect(json<ParcelJson>(got).trackingNumber).toBe('JN00123456');
  });

  it('refuses bad input with clear field errors and writes nothing', async () => {
    const before = await counts();
    const cases: [Record<string, unknown>, number, string, string][] = [
      [{ company: 'JNE', trackingNumber: 'BAD1', senderName: 'X', permitTypeCode: 'NOPE' }, 422, 'permitTypeCode', 'invalid_option'],
      [{ company: 'JNE', trackingNumber: 'BAD2', senderName: 'X', permitTypeCode: 'NIB', checklist: ['passport'] }, 422, 'checklist', 'invalid_option'],
      [{ company: 'JNE', trackingNumber: 'BAD3', senderName: 'X', checklist: ['ktp'] }, 422, 'permitTypeCode', 'required'],
      [{ company: 'JNE', trackingNumber: 'BAD4', senderName: 'X', senderContact: 'nomor saya' }, 422, 'senderContact', 'invalid_phone'],
      [{ company: 'JNE', trackingNumber: 'BAD5', senderName: 'X', receivedAt: '2030-01-01T10:00:00+07:00' }, 422, 'receivedAt', 'date_in_future'],
      [{ company: 'JNE', trackingNumber: 'BAD6', senderName: '' }, 400, 'senderName', 'too_short'],
      [{ company: 'JNE', trackingNumber: '<script>', senderName: 'X' }, 400, 'trackingNumber', 'invalid_value'],
    ];
    for (const [body, status, field] of cases) {
      const res = await logParcel(body);
      expect(res.statusCode, `${JSON.stringify(body)} → ${res.body}`).toBe(status);
      const problem = json<Problem>(res);
      expect(problem.errors?.map((e) => e.field)).toContain(field);
    }
    const unknown = await send(desk.token, 'POST', '/api/v1/parcels/shipments', {
      applicationNumber: 'MLG-NIB-2026-999999',
      company: 'POS',
      trackingNumber: 'P123456',
      contents: 'permit',
    });
    expect(unknown.statusCode).toBe(422);
    expect(json<Problem>(unknown).errors).toEqual([expect.objectContaining({ field: 'applicationNumber', code: 'invalid_option' })]);
    expect(await counts()).toEqual(before);
  });

  it('is the front desk’s and the admin’s: an applicant or a verifier is refused', async () => {
    const verifier = await userWithToken(ctx, 'verifier');
    const admin = await userWithToken(ctx, 'admin');
    for (const token of [applicant.token, verifier.token]) {
      expect((await logParcel({ company: 'JNE', trackingNumber: 'NOPE1', senderName: 'X' }, token)).statusCode).toBe(403);
      expect((await send(token, 'GET', '/api/v1/parcels')).statusCode).toBe(403);
      expect((await send(token, 'GET', '/api/v1/parcels/report')).statusCode).toBe(403);
    }
    expect((await send(admin.token, 'GET', '/api/v1/parcels')).statusCode).toBe(200);
    expect(
      (await ctx.app.inject({ method: 'POST', url: '/api/v1/parcels', payload: { company: 'JNE', trackingNumber: 'NOPE2', senderName: 'X' } })).statusCode,
    ).toBe(401);
  });

  it('a parcel becomes a courier application the applicant follows: "parcel received" in tracking, then the return shipment shown', async () => {
    const logged = json<ParcelJson>(
      await logParcel({
        company: 'J&T Express',
        trackingNumber: 'JT7788990011',
        senderName: 'Pak Darto',
        senderContact: '081234567002',
        permitTypeCode: 'NIB',
      }),
    );
    // A photo of the parcel as it came.
    const photo = multipartFile('paket.png', DEMO_PNG, 'image/png');
    const up = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/parcels/${logged.id}/photos`,
      headers: { ...auth(desk.token), ...photo.headers },
      payload: photo.payload,
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(json<ParcelJson>(up).photos).toEqual([expect.objectContaining({ mediaType: 'image/png' })]);

    const linked = await send(desk.token, 'POST', `/api/v1/parcels/${logged.id}/link`, { newApplication: {} });
    expect(linked.statusCode, linked.body).toBe(200);
    const { application } = json<ParcelJson>(linked);
    expect(application).toMatchObject({ number: null });
    const app = await ctx.db.selectFrom('applications').selectAll().where('id', '=', application!.id).executeTakeFirstOrThrow();
    expect(app).toMatchObject({
      channel: 'courier',
      channel_detail: 'J&T Express',
      applicant_name: 'Pak Darto',
      applicant_contact: '+6281234567002',
      intake_officer_id: desk.userId,
      permit_code: 'NIB',
    });
    // Linked once only.
    const twice = await send(desk.token, 'POST', `/api/v1/parcels/${logged.id}/link`, { newApplication: {} });
    expect(twice.statusCode).toBe(409);

    // "Your parcel was received" to the contact the desk recorded.
    await ctx.services.outbox.drain();
    const received = await ctx.db.selectFrom('notifications').selectAll().where('kind', '=', 'parcel_received').where('application_id', '=', app.id).execute();
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ recipient: '+6281234567002' });
    expect(received[0]!.body).toContain('JT7788990011');

    // The desk types the answers from the papers, uploads the scans and submits.
    const patched = await send(desk.token, 'PATCH', `/api/v1/applications/${app.id}`, { answers: await validAnswers(ctx, 'NIB') });
    expect(patched.statusCode, patched.body).toBe(200);
    await uploadRequired(ctx, desk.token, app.id, 'NIB');
    const submitted = await act(ctx, desk.token, app.id, 'submit');
    expect(submitted.statusCode, submitted.body).toBe(200);
    const filed = await ctx.db.selectFrom('applications').select(['number', 'tracking_code']).where('id', '=', app.id).executeTakeFirstOrThrow();
    expect(filed.number).toMatch(/^MLG-NIB-2026-\d{6}$/);

    const tracked = await track(filed.number!, filed.tracking_code!);
    expect(tracked.parcels).toEqual([{ direction: 'in', company: 'J&T Express', trackingNumber: 'JT7788990011', at: logged.at, contents: null }]);
    const visitor = new PageClient(ctx);
    const page = await visitor.post('/lacak', { number: filed.number!, code: filed.tracking_code! });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Kiriman diterima');
    expect(page.body).toContain('JT7788990011');
    expect(page.body).not.toContain('Pak Darto');

    // The papers go back by courier: recorded, told, shown.
    const shipped = await send(desk.token, 'POST', '/api/v1/parcels/shipments', {
      applicationNumber: filed.number!.toLowerCase(),
      company: 'POS Indonesia',
      trackingNumber: 'P2611200001',
      contents: 'returned_papers',
    });
    expect(shipped.statusCode, shipped.body).toBe(201);
    expect(json<ParcelJson>(shipped)).toMatchObject({ direction: 'out', application: { id: app.id, number: filed.number } });
    await ctx.services.outbox.drain();
    const sent = await ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('kind', '=', 'parcel_sent')
      .where('application_id', '=', app.id)
      .executeTakeFirstOrThrow();
    expect(sent.recipient).toBe('+6281234567002');
    expect(sent.body).toContain('P2611200001');
    const after = await track(filed.number!, filed.tracking_code!);
    expect(after.parcels.map((p) => [p.direction, p.trackingNumber, p.contents])).toEqual([
      ['in', 'JT7788990011', null],
      ['out', 'P2611200001', 'returned_papers'],
    ]);
    const page2 = await visitor.post('/lacak', { number: filed.number!, code: filed.tracking_code! });
    expect(page2.body).toContain('Berkas dikembalikan lewat kurir');
    expect(page2.body).toContain('POS Indonesia');
  });

  it('lets one of two desks win a race: the same parcel logged twice at once, or linked to two new files at once', async () => {
    const body = { company: 'Lion Parcel', trackingNumber: 'LP2026112000', senderName: 'Bu Ani', senderContact: '081234567009', permitTypeCode: 'NIB' };
    const logged = await Promise.all([logParcel(body), logParcel(body), logParcel({ ...body, company: 'lion parcel' })]);
    expect(logged.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const id = json<ParcelJson>(logged.find((r) => r.statusCode === 201)!).id;
    expect(await ctx.db.selectFrom('parcels').select('id').where('tracking_number', '=', 'LP2026112000').execute()).toHaveLength(1);

    const apps = async () =>
      Number(
        (
          await ctx.db
            .selectFrom('applications')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('channel_detail', 'in', ['Lion Parcel', 'lion parcel'])
            .executeTakeFirstOrThrow()
        ).n,
      );
    const linked = await Promise.all([
      send(desk.token, 'POST', `/api/v1/parcels/${id}/link`, { newApplication: {} }),
      send(desk.token, 'POST', `/api/v1/parcels/${id}/link`, { newApplication: {} }),
    ]);
    expect(linked.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    // The loser's new file rolled back with its link: one courier file, one "parcel received".
    expect(await apps()).toBe(1);
    const row = await ctx.db.selectFrom('parcels').select('application_id').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.application_id).toBe(json<ParcelJson>(linked.find((r) => r.statusCode === 200)!).application!.id);
    expect(await ctx.db.selectFrom('outbox').select('id').where('payload', 'like', `%${id}%`).execute()).toHaveLength(1);
  });

  it('keeps at most 10 photos of a parcel when uploads race: three at once onto 9 leave 10, the others refused with the limit and their files gone', async () => {
    const logged = json<ParcelJson>(await logParcel({ company: 'SiCepat', trackingNumber: 'SC2026120199', senderName: 'Pak Joko' }));
    // Each photo its own bytes (a PNG with a trailing marker), so each is its own kept file.
    const bytes = (i: number) => Buffer.concat([DEMO_PNG, Buffer.from(`photo-${logged.id}-${i}`)]);
    const upload = (i: number) => {
      const photo = multipartFile(`paket-${i}.png`, bytes(i), 'image/png');
      return ctx.app.inject({
        method: 'POST',
        url: `/api/v1/parcels/${logged.id}/photos`,
        headers: { ...auth(desk.token), ...photo.headers },
        payload: photo.payload,
      });
    };
    for (let i = 0; i < 9; i++) expect((await upload(i)).statusCode).toBe(201);

    const raced = await Promise.all([upload(9), upload(10), upload(11)]);
    // The losers get the refusal an upload onto 10 photos gets: the limit, with its message.
    const late = await upload(12);
    expect(late.statusCode).toBe(409);
    expect(json<Problem & { detail: string }>(late)).toMatchObject({
      code: 'parcel_photos_full',
      detail: 'Satu kiriman menyimpan paling banyak 10 foto, dan kiriman ini sudah memilikinya.',
    });
    expect(raced.map((r) => r.statusCode).sort(), raced.map((r) => r.body).join()).toEqual([201, 409, 409]);
    for (const refused of raced.filter((r) => r.statusCode !== 201)) expect(refused.json()).toEqual(late.json());
    const got = await send(desk.token, 'GET', `/api/v1/parcels/${logged.id}`);
    expect(json<ParcelJson>(got).photos).toHaveLength(10);
    const rows = await ctx.db.selectFrom('parcel_photos').select('sha256').where('parcel_id', '=', logged.id).execute();
    expect(rows).toHaveLength(10);
    // The refused uploads left no file behind: neither staged nor kept.
    const kept = new Set(filesUnder(ctx.storageDir).map((f) => path.basename(f)));
    const winner = raced.findIndex((r) => r.statusCode === 201) + 9;
    for (const i of [9, 10, 11, 12]) {
      const sha = createHash('sha256').update(bytes(i)).digest('hex');
      expect(kept.has(sha), `photo ${i}`).toBe(i === winner);
    }
    expect(filesUnder(path.join(ctx.storageDir, 'tmp'))).toEqual([]);
  });

  it('sends the permit back only once it is issued; the applicant sees "permit sent" in tracking', async () => {
    const staff = {
      verifier: (await userWithToken(ctx, 'verifier')).token,
      technical: (await userWithToken(ctx, 'technical')).token,
      head: (await userWithToken(ctx, 'head')).token,
    };
    const draftId = await readyDraft(ctx, applicant.token, 'REKLAME');
    expect((await act(ctx, applicant.token, draftId, 'submit')).statusCode).toBe(200);
    const pending = await ctx.db.selectFrom('applications').select('number').where('id', '=', draftId).executeTakeFirstOrThrow();
    const before = await counts();
    const early = await send(desk.token, 'POST', '/api/v1/parcels/shipments', {
      applicationNumber: pending.number,
      company: 'POS',
      trackingNumber: 'P11223344',
      contents: 'permit',
    });
    expect(early.statusCode).toBe(422);
    expect(json<Problem>(early).errors).toEqual([expect.objectContaining({ field: 'contents', code: 'no_permit' })]);
    expect(await counts()).toEqual(before);

    const issued = await issuedPermit(ctx, applicant.token, staff, 'REKLAME');
    const file = await ctx.db.selectFrom('applications').select(['number', 'tracking_code']).where('id', '=', issued.applicationId).executeTakeFirstOrThrow();
    const ok = await send(desk.token, 'POST', '/api/v1/parcels/shipments', {
      applicationNumber: file.number,
      company: 'POS',
      trackingNumber: 'P11223344',
      contents: 'permit',
    });
    expect(ok.statusCode, ok.body).toBe(201);
    expect((await track(file.number!, file.tracking_code!)).parcels).toEqual([
      expect.objectContaining({ direction: 'out', contents: 'permit', trackingNumber: 'P11223344' }),
    ]);
    const page = await new PageClient(ctx).post('/lacak', { number: file.number!, code: file.tracking_code! });
    expect(page.body).toContain('Izin dikirim');
  });

  it('links a parcel to an existing application by its number; the account holder is told', async () => {
    const id = await readyDraft(ctx, applicant.token, 'REKLAME');
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const { number } = await ctx.db.selectFrom('applications').select('number').where('id', '=', id).executeTakeFirstOrThrow();
    const logged = json<ParcelJson>(await logParcel({ company: 'TIKI', trackingNumber: '030012345678', senderName: 'CV Maju' }));

    const before = await counts();
    const wrong = await send(desk.token, 'POST', `/api/v1/parcels/${logged.id}/link`, { applicationNumber: 'MLG-REKLAME-2026-999999' });
    expect(wrong.statusCode).toBe(422);
    expect(json<Problem>(wrong)).toMatchObject({ code: 'parcel_invalid', errors: [{ field: 'applicationNumber', code: 'invalid_option' }] });
    expect(await counts()).toEqual(before);

    const ok = await send(desk.token, 'POST', `/api/v1/parcels/${logged.id}/link`, { applicationNumber: number!.toLowerCase() });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(json<ParcelJson>(ok).application).toEqual({ id, number });
    await ctx.services.outbox.drain();
    const told = await ctx.db
      .selectFrom('notifications')
      .selectAll()
      .where('kind', '=', 'parcel_received')
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(told.recipient_user_id).toBe(applicant.userId);
    expect(told.body).toContain(number);
  });
});

describe.each(DIALECTS)('the parcel report (%s)', (dialect) => {
  let ctx: TestContext;
  let admin: Actor;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin',
      email: 'admin.parcels@izol.test',
      password: 'admin kiriman kota malang',
    });
    admin = { userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' };
    // Tuesday 24 November 2026: the office is closed (a local holiday).
    await ctx.services.holidays.upsert({ actor: admin, date: '2026-11-24', kind: 'local', name: 'Hari jadi kantor', decree: 'Perwali 1/2026' });
  });
  afterAll(async () => ctx?.close());

  /** The report as the desk reads it at `now` (a fresh front-desk session: the clock moves days). */
  async function reportAt(now: string, query = ''): Promise<Report> {
    ctx.clock.set(now);
    const desk = await userWithToken(ctx, 'front_desk');
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/parcels/report${query}`, headers: auth(desk.token) });
    expect(res.statusCode, res.body).toBe(200);
    return json<Report>(res);
  }

  it('counts parcels per office day and lists those not linked, overdue after two working days on the office’s calendar', async () => {
    ctx.clock.set('2026-11-27T03:00:00.000Z');
    const desk = await userWithToken(ctx, 'front_desk');
    const log = async (trackingNumber: string, receivedAt: string) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/parcels',
        headers: auth(desk.token),
        payload: { company: 'JNE', trackingNumber, senderName: 'Pengirim', receivedAt },
      });
      expect(res.statusCode, res.body).toBe(201);
      return json<ParcelJson>(res);
    };
    // Monday 23 Nov, 23:30 in Malang (still Monday there, Monday 16:30 UTC).
    await log('MON0001', '2026-11-23T23:30:00+07:00');
    // Wednesday 25 Nov.
    await log('WED0001', '2026-11-25T09:00:00+07:00');
    const linkedOne = await log('WED0002', '2026-11-25T10:00:00+07:00');
    const applicant = await userWithToken(ctx, 'applicant');
    const id = await readyDraft(ctx, applicant.token, 'REKLAME');
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const { number } = await ctx.db.selectFrom('applications').select('number').where('id', '=', id).executeTakeFirstOrThrow();
    const linked = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/parcels/${linkedOne.id}/link`,
      headers: auth(desk.token),
      payload: { applicationNumber: number },
    });
    expect(linked.statusCode, linked.body).toBe(200);
    const out = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/parcels/shipments',
      headers: auth(desk.token),
      payload: { applicationNumber: number, company: 'POS', trackingNumber: 'OUT0001', contents: 'returned_papers', sentAt: '2026-11-26T14:00:00+07:00' },
    });
    expect(out.statusCode, out.body).toBe(201);

    // Thursday 26 Nov: Monday's parcel has waited Wednesday and Thursday (Tuesday was closed): two, not overdue.
    const thursday = await reportAt('2026-11-26T09:00:00.000Z', '?from=2026-11-23&to=2026-11-27');
    expect(thursday.days).toEqual([
      { day: '2026-11-23', received: 1, sent: 0 },
      { day: '2026-11-24', received: 0, sent: 0 },
      { day: '2026-11-25', received: 2, sent: 0 },
      { day: '2026-11-26', received: 0, sent: 1 },
      { day: '2026-11-27', received: 0, sent: 0 },
    ]);
    expect(thursday.unlinked.map((p) => [p.trackingNumber, p.workingDaysWaiting])).toEqual([
      ['MON0001', 2],
      ['WED0001', 1],
    ]);
    expect(thursday.overdue).toEqual([]);

    // Friday 27 Nov: three working days for Monday's parcel: overdue; Wednesday's has waited two.
    const friday = await reportAt('2026-11-27T03:00:00.000Z');
    expect(friday.overdue.map((p) => p.trackingNumber)).toEqual(['MON0001']);
    expect(friday.unlinked.map((p) => p.trackingNumber)).toEqual(['MON0001', 'WED0001']);
    // By default the last fourteen days, ending today.
    expect(friday.days).toHaveLength(14);
    expect(friday.days.at(-1)).toEqual({ day: '2026-11-27', received: 0, sent: 0 });

    // Without the holiday Monday's parcel would have been overdue on Thursday already.
    await ctx.services.holidays.remove({ actor: admin, date: '2026-11-24', decree: 'Perwali 1/2026' });
    ctx.clock.advanceMinutes(2);
    const noHoliday = await reportAt('2026-11-26T09:05:00.000Z');
    expect(noHoliday.overdue.map((p) => p.trackingNumber)).toEqual(['MON0001']);
  });

  it('refuses a report range that runs backwards or is too long', async () => {
    ctx.clock.set('2026-11-27T03:00:00.000Z');
    const desk = await userWithToken(ctx, 'front_desk');
    for (const [query, status] of [
      ['?from=2026-11-27&to=2026-11-20', 422],
      ['?from=2026-01-01&to=2026-11-20', 422],
      ['?from=27-11-2026', 400],
      ['?days=3', 400],
    ] as const) {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/parcels/report${query}`, headers: auth(desk.token) });
      expect(res.statusCode, `${query} → ${res.body}`).toBe(status);
    }
  });
});

describe.each(DIALECTS)('parcel messages on WhatsApp (%s)', (dialect) => {
  let ctx: TestContext;
  let wa: FakeWhatsApp;

  beforeAll(async () => {
    wa = await startFakeWhatsApp();
    ctx = await createTestContext(dialect, wa.env);
  });
  afterAll(async () => {
    await ctx?.close();
    await wa?.close();
  });

  it('sends "parcel received" and "parcel sent" as their approved templates to the number the desk recorded', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    const post = (url: string, payload: Record<string, unknown>, method: 'POST' | 'PATCH' = 'POST') =>
      ctx.app.inject({ method, url, headers: auth(desk.token), payload });
    const logged = json<ParcelJson>(
      await post('/api/v1/parcels', {
        company: 'AnterAja',
        trackingNumber: 'AA100200300',
        senderName: 'Pak Slamet',
        senderContact: '0812 3456 7400',
        permitTypeCode: 'NIB',
      }),
    );
    const app = json<ParcelJson>(await post(`/api/v1/parcels/${logged.id}/link`, { newApplication: {} })).application!;
    await ctx.services.outbox.drain();
    await ctx.services.deliveries.drain();
    const received = wa.to('+6281234567400').filter((r) => r.body.type === 'template' && r.body.template.name === 'izol_kiriman_diterima');
    expect(received).toHaveLength(1);
    const body = received[0]!.body;
    if (body.type !== 'template') throw new Error('a template');
    expect(body.template.language).toEqual({ code: 'id' });
    expect(body.template.components[0]!.parameters.map((p) => p.text)).toEqual([
      'AnterAja',
      'AA100200300',
      '2026-11-20',
      'Nomor permohonan kami kirim setelah berkas Anda didaftarkan.',
    ]);

    expect((await post(`/api/v1/applications/${app.id}`, { answers: await validAnswers(ctx, 'NIB') }, 'PATCH')).statusCode).toBe(200);
    await uploadRequired(ctx, desk.token, app.id, 'NIB');
    expect((await act(ctx, desk.token, app.id, 'submit')).statusCode).toBe(200);
    const { number } = await ctx.db.selectFrom('applications').select('number').where('id', '=', app.id).executeTakeFirstOrThrow();
    const shipped = await post('/api/v1/parcels/shipments', {
      applicationNumber: number,
      company: 'POS Indonesia',
      trackingNumber: 'P99887766',
      contents: 'returned_papers',
    });
    expect(shipped.statusCode, shipped.body).toBe(201);
    await ctx.services.outbox.drain();
    await ctx.services.deliveries.drain();
    const sent = wa.to('+6281234567400').filter((r) => r.body.type === 'template' && r.body.template.name === 'izol_kiriman_dikirim');
    expect(sent).toHaveLength(1);
    const out = sent[0]!.body;
    if (out.type !== 'template') throw new Error('a template');
    expect(out.template.components[0]!.parameters.map((p) => p.text)).toEqual([
      'Berkas yang dikembalikan',
      number,
      'POS Indonesia',
      'P99887766',
      expect.stringMatching(/\/lacak$/),
    ]);
  });
});

describe.each(DIALECTS)('the parcel list as a read model (%s)', (dialect) => {
  const statements = { n: 0 };
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestContext(dialect, {}, { log: (event) => void (event.level === 'query' && statements.n++) });
  });
  afterAll(async () => ctx?.close());

  it('costs the same handful of statements for 3 parcels as for 40', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    const cost = async () => {
      statements.n = 0;
      const res = await ctx.app.inject({ method: 'GET', url: '/api/v1/parcels', headers: auth(desk.token) });
      expect(res.statusCode).toBe(200);
      return { n: statements.n, parcels: json<{ parcels: ParcelJson[] }>(res).parcels.length };
    };
    const log = async (i: number) => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/parcels',
        headers: auth(desk.token),
        payload: {
          company: i % 2 ? 'JNE' : 'TIKI',
          trackingNumber: `READ${String(i).padStart(4, '0')}`,
          senderName: 'Pengirim',
          permitTypeCode: i % 3 ? 'NIB' : 'PBG',
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    };
    for (let i = 0; i < 3; i++) await log(i);
    const few = await cost();
    for (let i = 3; i < 40; i++) await log(i);
    const many = await cost();
    expect([few.parcels, many.parcels]).toEqual([3, 40]);
    expect(many.n).toBe(few.n);
  });

  it('pages the list 50 at a time, newest first, in SQL: each page goes on where the one before ends, with the count of all', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    for (let i = 0; i < 62; i++) {
      const res = await ctx.app.inject({
        method: 'POST',
        url: '/api/v1/parcels',
        headers: auth(desk.token),
        payload: {
          company: 'AnterAja',
          trackingNumber: `PAGE${String(i).padStart(4, '0')}`,
          senderName: 'Pengirim',
          receivedAt: new Date(ctx.clock.now().getTime() - (i + 1) * 60_000).toISOString(),
        },
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    const all = await ctx.db.selectFrom('parcels').select(['id', 'at']).execute();
    expect(all.length).toBeGreaterThan(100);
    type Page = { parcels: ParcelJson[]; page: number; pageSize: number; total: number };
    const list = async (query: string) => {
      const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/parcels${query}`, headers: auth(desk.token) });
      expect(res.statusCode, res.body).toBe(200);
      return json<Page>(res);
    };
    const first = await list('');
    expect(first).toMatchObject({ page: 1, pageSize: 50, total: all.length });
    expect(first.parcels).toHaveLength(50);
    expect((await list('?page=1')).parcels.map((p) => p.id)).toEqual(first.parcels.map((p) => p.id));
    const pages = [first];
    for (let n = 2; n <= Math.ceil(all.length / 50); n++) pages.push(await list(`?page=${n}`));
    expect(pages.map((p) => p.parcels.length)).toEqual(pages.map((_, i) => Math.min(50, all.length - i * 50)));
    const seen = pages.flatMap((p) => p.parcels);
    expect(new Set(seen.map((p) => p.id)).size).toBe(all.length);
    expect(seen.map((p) => p.at)).toEqual(
      all
        .map((p) => new Date(p.at).toISOString())
        .sort()
        .reverse(),
    );
    // The oldest parcel is on the last page only; past the last page nothing, with the same count.
    expect(pages.at(-1)!.parcels.at(-1)!.trackingNumber).toBe('PAGE0061');
    expect(await list(`?page=${pages.length + 1}`)).toMatchObject({ parcels: [], total: all.length });
    // The filters count their own parcels.
    const unlinked = await list('?direction=in&linked=no&page=2');
    expect(unlinked).toMatchObject({ page: 2, total: all.length });
    expect((await list('?direction=out')).total).toBe(0);
  });
});
