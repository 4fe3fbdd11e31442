import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { ensureOffice } from '../../src/bootstrap.js';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { ACK_QUIET_MINUTES, REPLY_LIMIT } from '../../src/whatsapp/whatsapp.service.js';
import { DIALECTS } from '../helpers/databases.js';
import { createTestContext, SECOND_OFFICE, type TestContext } from '../helpers/context.js';
import { digits, type FakeWhatsApp, nextWamid, startFakeWhatsApp, textWebhook } from '../helpers/fake-whatsapp.js';
import { validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

/**
 * The office's WhatsApp number (issue 10, item 2), through the real webhook route, the real outbox
 * and delivery job, and a local node:http server playing Meta's Graph API (test/helpers/fake-whatsapp.ts):
 * what a citizen writing to the number would get back on their phone.
 */

const APPLICANT_PHONE = '+6281234500001';
const STRANGER_PHONE = '+6281234500002';
const UNVERIFIED_PHONE = '+6281234500003';

function statusWebhook(phoneNumberId: string, s: { id: string; status: string; to: string; timestamp: string; errors?: unknown[] }) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '6281100001111', phone_number_id: phoneNumberId },
              statuses: [{ id: s.id, status: s.status, timestamp: s.timestamp, recipient_id: digits(s.to), ...(s.errors ? { errors: s.errors } : {}) }],
            },
          },
        ],
      },
    ],
  };
}

describe.each(DIALECTS)('the office WhatsApp number (%s)', (dialect) => {
  let fake: FakeWhatsApp;
  let ctx: TestContext;
  let secret: string;
  let number: string;
  let trackingCode: string;
  let applicationId: string;
  let applicant: Actor;
  const officers: Partial<Record<Role, Actor>> = {};

  /** Posts raw bytes to the webhook; the signature defaults to Meta's over exactly these bytes. */
  const post = (body: unknown, opts: { signature?: string | null; host?: string; contentType?: string; from?: string } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const signature = opts.signature === undefined ? `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}` : opts.signature;
    return ctx.app.inject({
      method: 'POST',
      url: '/webhooks/whatsapp',
      headers: {
        'content-type': opts.contentType ?? 'application/json',
        ...(signature !== null ? { 'x-hub-signature-256': signature } : {}),
        ...(opts.host ? { host: opts.host } : {}),
      },
      payload: raw,
      ...(opts.from ? { remoteAddress: opts.from } : {}),
    });
  };
  /** What Meta would do with the replies: run the outbox, then the delivery job, which calls the fake Graph API. */
  const settle = async () => {
    await ctx.services.outbox.drain();
    await ctx.services.deliveries.drain();
  };
  /** Sends one text and returns the replies that reached the sender's phone because of it. */
  const ask = async (from: string, body: string, host?: string) => {
    // A citizen's pace, so the per-sender reply limit (tested on its own below) never answers first.
    ctx.clock.advanceMinutes(REPLY_LIMIT.windowMinutes / 2);
    const before = fake.to(from).length;
    const res = await post(textWebhook(fake.phoneNumberId, { from, body }), host ? { host } : {});
    expect(res.statusCode).toBe(200);
    await settle();
    // Replies are free text; templates reaching the same phone are the file's own status messages.
    return fake
      .to(from)
      .slice(before)
      .flatMap((r) => (r.body.type === 'text' ? [r.body.text.body] : []));
  };
  const counts = async () => ({
    inbound: Number(
      (
        await ctx.db
          .selectFrom('whatsapp_inbound')
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
  });

  async function account(role: Role, name: string, phone: string | null, verified: boolean): Promise<Actor> {
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role,
      name,
      email: `${role}.${Math.random().toString(36).slice(2, 8)}@wa.izol.test`,
      ...(phone ? { phone } : {}),
      password: `${role} whatsapp rahasia 2026`,
    });
    if (verified) await ctx.db.updateTable('users').set({ phone_verified_at: ctx.clock.now().toISOString() }).where('id', '=', userId).execute();
    return { userId, tenantId: ctx.tenant.id, role, name };
  }

  async function filedApplication(actor: Actor, code = 'NIB'): Promise<{ id: string; number: string; trackingCode: string }> {
    const { application } = await ctx.services.applications.createApplication({ actor, permitTypeCode: code, answers: await validAnswers(ctx, code) });
    const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code });
    for (const req of type.definition.requirements.filter((r) => r.required)) {
      await ctx.services.documents.uploadDocument({
        actor,
        applicationId: application.id,
        requirementCode: req.code,
        fileName: `${req.code}.pdf`,
        claimedType: 'application/pdf',
        source: Readable.from([DEMO_PDF]),
      });
    }
    await ctx.services.applications.performAction({ actor, applicationId: application.id, action: 'submit' });
    const row = await ctx.db.selectFrom('applications').select(['number', 'tracking_code']).where('id', '=', application.id).executeTakeFirstOrThrow();
    return { id: application.id, number: row.number!, trackingCode: row.tracking_code! };
  }

  beforeAll(async () => {
    fake = await startFakeWhatsApp();
    secret = fake.env.WHATSAPP_APP_SECRET!;
    ctx = await createTestContext(dialect, fake.env);
    applicant = await account('applicant', 'Siti Aminah', APPLICANT_PHONE, true);
    await account('applicant', 'Budi Belum Verifikasi', UNVERIFIED_PHONE, false);
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) officers[role] = await account(role, `Petugas ${role}`, null, false);
    const filed = await filedApplication(applicant);
    ({ number, trackingCode } = filed);
    applicationId = filed.id;
    await settle(); // the filing's own messages
  });
  afterAll(async () => {
    await ctx?.close();
    await fake?.close();
  });

  describe("Meta's subscription check", () => {
    it('echoes hub.challenge as plain text when the verify token matches', async () => {
      const res = await ctx.app.inject({
        url: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${fake.env.WHATSAPP_VERIFY_TOKEN}&hub.challenge=1158201444`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toBe('1158201444');
    });

    it.each([
      ['a wrong verify token', 'hub.mode=subscribe&hub.verify_token=not-the-token&hub.challenge=1158201444'],
      ['no verify token', 'hub.mode=subscribe&hub.challenge=1158201444'],
      ['another mode', `hub.mode=unsubscribe&hub.verify_token=${'test-verify-token-0123'}&hub.challenge=1158201444`],
    ])('answers 403 to %s', async (_why, query) => {
      const res = await ctx.app.inject({ url: `/webhooks/whatsapp?${query}` });
      expect(res.statusCode).toBe(403);
      expect(res.body).not.toContain('1158201444');
    });
  });

  describe('signatures', () => {
    it.each([
      ['no signature', { signature: null }],
      ['a signature made with another secret', { signature: `sha256=${createHmac('sha256', 'not-the-app-secret').update('x').digest('hex')}` }],
      ['a malformed signature', { signature: 'sha256=xyz' }],
      ['a bare hex digest without sha256=', { signature: 'abc' }],
    ])('refuses a post with %s: 401, nothing stored, nothing queued, no reply', async (_why, opts) => {
      const before = await counts();
      const sent = fake.received.length;
      const res = await post(textWebhook(fake.phoneNumberId, { from: APPLICANT_PHONE, body: `STATUS ${number}` }), opts);
      expect(res.statusCode).toBe(401);
      await settle();
      expect(await counts()).toEqual(before);
      expect(fake.received.length).toBe(sent);
    });

    it("refuses Meta's real signature over other bytes (the body was changed on the way)", async () => {
      const before = await counts();
      const original = JSON.stringify(textWebhook(fake.phoneNumberId, { from: APPLICANT_PHONE, body: 'BANTUAN' }));
      const signature = `sha256=${createHmac('sha256', secret).update(original).digest('hex')}`;
      const res = await post(original.replace('BANTUAN', `STATUS ${number}`), { signature });
      expect(res.statusCode).toBe(401);
      expect(await counts()).toEqual(before);
    });

    it('refuses an unsigned post of another content type with 401 too', async () => {
      const before = await counts();
      const res = await post('hub=1', { signature: null, contentType: 'application/x-www-form-urlencoded' });
      expect(res.statusCode).toBe(401);
      expect(await counts()).toEqual(before);
    });

    it('takes a JSON content type with a charset', async () => {
      const body = textWebhook(fake.phoneNumberId, { from: '+6281234500066', body: 'Halo' });
      expect((await post(body, { contentType: 'application/json; charset=UTF-8' })).statusCode).toBe(200);
      expect((await post(body, { contentType: 'application/json; charset=UTF-8', signature: null })).statusCode).toBe(401);
    });

    it('checks the signature over the raw bytes, escapes and all', async () => {
      // Meta escapes non-ASCII as \uXXXX; re-serialising would turn "\u00e9" into "é" and break the signature.
      const raw = JSON.stringify(textWebhook(fake.phoneNumberId, { from: STRANGER_PHONE, body: 'Caf\u00e9 BANTUAN?' })).replace('é', '\\u00e9');
      expect(raw).toContain('\\u00e9');
      const res = await post(raw);
      expect(res.statusCode).toBe(200);
      const row = await ctx.db.selectFrom('whatsapp_inbound').select(['body', 'status']).where('body', '=', 'Café BANTUAN?').executeTakeFirst();
      expect(row).toEqual({ body: 'Café BANTUAN?', status: 'open' });
    });
  });

  describe('STATUS and CEK', () => {
    it("answers the applicant's verified number with the status, the next step and the tracking link", async () => {
      const replies = await ask(APPLICANT_PHONE, `STATUS ${number}`);
      expect(replies).toHaveLength(1);
      const app = await ctx.db.selectFrom('applications').select(['state', 'permit_type_version_id']).where('id', '=', applicationId).executeTakeFirstOrThrow();
      const { workflow } = await ctx.services.catalogue.getVersion(app.permit_type_version_id);
      const state = workflow.states.find((s) => s.code === app.state)!;
      expect(replies[0]).toContain(number);
      expect(replies[0]).toContain(state.label.id);
      expect(replies[0]).toContain(state.nextStep.id);
      expect(replies[0]).toContain(`${ctx.services.config.baseUrl}/lacak`);
      // The reply was sent as free text (the citizen just wrote: the 24-hour window is open) to the sender.
      const last = fake.to(APPLICANT_PHONE).at(-1)!;
      expect(last.body).toMatchObject({ type: 'text', to: digits(APPLICANT_PHONE) });
    });

    it('forgives case, spacing and punctuation, and answers CEK in Indonesian and STATUS likewise', async () => {
      const [a] = await ask(APPLICANT_PHONE, `  cek   ${number.toLowerCase()} `);
      const [b] = await ask(APPLICANT_PHONE, `Status: ${number}`);
      expect(a).toContain('Langkah berikutnya');
      expect(b).toBe(a);
    });

    it('tells another number nothing, in exactly the words it uses for a number that does not exist', async () => {
      const [other] = await ask(STRANGER_PHONE, `STATUS ${number}`);
      const [missing] = await ask(STRANGER_PHONE, 'STATUS MLG-NIB-2026-999999');
      const [missingFromApplicant] = await ask(APPLICANT_PHONE, 'STATUS MLG-NIB-2026-999999');
      expect(other).toBe(missing);
      expect(missingFromApplicant).toBe(missing);
      expect(other).not.toContain(number);
      const app = await ctx.db.selectFrom('applications').select(['state', 'permit_type_version_id']).where('id', '=', applicationId).executeTakeFirstOrThrow();
      const { workflow, definition } = await ctx.services.catalogue.getVersion(app.permit_type_version_id);
      const state = workflow.states.find((s) => s.code === app.state)!;
      for (const secretWord of [state.label.id, state.nextStep.id, definition.name.id, 'Siti']) expect(other).not.toContain(secretWord);
    });

    it('tells nothing to an account that verified its email but not its number, even for its own file', async () => {
      // The person prefers email: the code goes there and proves the email, not the number on the account.
      const phone = '+6281234500004';
      const citizen = await account('applicant', 'Dewi Email Saja', phone, false);
      await ctx.db.updateTable('users').set({ message_channel: 'email' }).where('id', '=', citizen.userId).execute();
      const own = await filedApplication(citizen);
      await settle();
      ctx.clock.advanceMinutes(2);
      await ctx.services.auth.requestContactVerification(citizen);
      await ctx.services.outbox.drain();
      const code = await ctx.db
        .selectFrom('notifications')
        .selectAll()
        .where('recipient_user_id', '=', citizen.userId)
        .where('kind', '=', 'contact_code')
        .executeTakeFirstOrThrow();
      expect(code.channel).toBe('email');
      await ctx.services.auth.verifyContact({ actor: citizen, code: /\b(\d{6})\b/.exec(code.body)![1]! });
      const [reply] = await ask(phone, `CEK ${own.number}`);
      const [missing] = await ask(STRANGER_PHONE, 'CEK MLG-NIB-2026-999999');
      expect(reply).toBe(missing);
      expect(reply).not.toContain(own.number);
    });

    it('tells nothing to an account whose number was never verified, even for its own file', async () => {
      const unverified = await ctx.db.selectFrom('users').select('id').where('phone', '=', UNVERIFIED_PHONE).executeTakeFirstOrThrow();
      const own = await filedApplication({ userId: unverified.id, tenantId: ctx.tenant.id, role: 'applicant', name: 'Budi Belum Verifikasi' });
      const [reply] = await ask(UNVERIFIED_PHONE, `CEK ${own.number}`);
      const [missing] = await ask(STRANGER_PHONE, 'CEK MLG-NIB-2026-999999');
      expect(reply).toBe(missing);
      // With the tracking code it opens, as the public tracking page does.
      const [withCode] = await ask(UNVERIFIED_PHONE, `CEK ${own.number} ${own.trackingCode}`);
      expect(withCode).toContain(own.number);
      expect(withCode).toContain('Status:');
    });

    it('answers any number that also sends the tracking code; a wrong code gets the same nothing', async () => {
      const [right] = await ask(STRANGER_PHONE, `CEK ${number} ${trackingCode.toLowerCase()}`);
      expect(right).toContain(number);
      expect(right).toContain('Langkah berikutnya');
      const [wrong] = await ask(STRANGER_PHONE, `CEK ${number} ZZZZ9999`);
      const [missing] = await ask(STRANGER_PHONE, 'CEK MLG-NIB-2026-999999 ZZZZ9999');
      expect(wrong).toBe(missing);
    });

    it("answers only within the host's office: Kota Batu's number knows nothing of a Malang file", async () => {
      await ensureOffice(ctx.services, SECOND_OFFICE);
      ctx.services.tenants.invalidate();
      const batuHost = SECOND_OFFICE.hostnames[0]!;
      const [reply] = await ask(APPLICANT_PHONE, `CEK ${number} ${trackingCode}`, batuHost);
      const [missing] = await ask(STRANGER_PHONE, 'CEK BTU-NIB-2026-999999', batuHost);
      expect(reply).toBe(missing);
      const batu = await ctx.db.selectFrom('tenants').select('id').where('code', '=', SECOND_OFFICE.code).executeTakeFirstOrThrow();
      const stored = await ctx.db.selectFrom('whatsapp_inbound').select('tenant_id').orderBy('received_at', 'desc').orderBy('id').execute();
      expect(stored.map((s) => s.tenant_id)).toContain(batu.id);
    });

    it('explains how to write it when the number is missing', async () => {
      const [reply] = await ask(STRANGER_PHONE, 'cek');
      expect(reply).toContain('CEK MLG-PBG-2026-000123');
    });
  });

  describe('receipts, permits, the menu and everything else', () => {
    it('KUITANSI gives the signed filing receipt link; RECEIPT answers in English', async () => {
      const receipt = await ctx.db.selectFrom('receipts').select('verification_code').where('application_id', '=', applicationId).executeTakeFirstOrThrow();
      const [id] = await ask(APPLICANT_PHONE, `KUITANSI ${number}`);
      expect(id).toContain('Tanda terima pengajuan');
      expect(id).toContain(`${ctx.services.config.baseUrl}/v/${receipt.verification_code}`);
      const [en] = await ask(APPLICANT_PHONE, `receipt ${number}`);
      expect(en).toContain('Proof of filing');
      const [hidden] = await ask(STRANGER_PHONE, `KUITANSI ${number}`);
      expect(hidden).not.toContain(receipt.verification_code);
    });

    it("IZIN says there is no permit yet, then gives the issued permit's verification link", async () => {
      const [before] = await ask(APPLICANT_PHONE, `IZIN ${number}`);
      expect(before).toContain('belum terbit');
      expect(await carryToIssued(ctx, applicationId, officers)).toBe('issued');
      const permit = await ctx.db
        .selectFrom('permits')
        .select(['number', 'verification_code'])
        .where('application_id', '=', applicationId)
        .executeTakeFirstOrThrow();
      const [after] = await ask(APPLICANT_PHONE, `PERMIT ${number}`);
      expect(after).toContain(permit.number);
      expect(after).toContain(`${ctx.services.config.baseUrl}/v/${permit.verification_code}`);
      expect(after).toContain('genuine');
      const [stranger] = await ask(STRANGER_PHONE, `IZIN ${number}`);
      expect(stranger).not.toContain(permit.verification_code);
    });

    it('BANTUAN gets the menu in Indonesian, HELP in English', async () => {
      const [id] = await ask(STRANGER_PHONE, 'bantuan');
      const [en] = await ask(STRANGER_PHONE, 'HELP');
      expect(id).toContain('CEK <nomor permohonan>');
      expect(id).toContain(ctx.tenant.name);
      expect(en).toContain('STATUS <application number>');
    });

    it('keeps anything else open for the help desk and acknowledges it, once for a question in several messages', async () => {
      const asker = '+6281234500077';
      const question = 'Selamat siang, syarat izin reklame apa saja ya?';
      const [reply] = await ask(asker, question);
      expect(reply).toContain('sudah kami terima');
      const row = await ctx.db.selectFrom('whatsapp_inbound').selectAll().where('body', '=', question).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'open', command: 'other', sender: asker, sender_name: 'Warga Malang', type: 'text', tenant_id: ctx.tenant.id });
      // The same question going on: kept for the help desk, not acknowledged again.
      expect(await ask(asker, 'Untuk ukuran 4 x 6 meter.')).toEqual([]);
      expect(await ask(asker, 'Terima kasih.')).toEqual([]);
      const open = await ctx.db.selectFrom('whatsapp_inbound').select('status').where('sender', '=', asker).execute();
      expect(open.map((o) => o.status)).toEqual(['open', 'open', 'open']);
      // A command is still answered at once, and a new question later is acknowledged again.
      expect(await ask(asker, 'BANTUAN')).toHaveLength(1);
      ctx.clock.advanceMinutes(ACK_QUIET_MINUTES);
      const [later] = await ask(asker, 'Satu pertanyaan lagi: berapa lama prosesnya?');
      expect(later).toContain('sudah kami terima');
    });

    it('stores a message type it does not read, answers Meta 200, and sends nothing back', async () => {
      const body = textWebhook(fake.phoneNumberId, { from: STRANGER_PHONE, body: 'x' });
      const image = {
        from: digits(STRANGER_PHONE),
        id: nextWamid(),
        timestamp: '1795658400',
        type: 'image',
        image: { id: '1479537139650973', mime_type: 'image/jpeg' },
      };
      body.entry[0]!.changes[0]!.value.messages = [image as never];
      const before = fake.to(STRANGER_PHONE).length;
      expect((await post(body)).statusCode).toBe(200);
      await settle();
      expect(fake.to(STRANGER_PHONE).length).toBe(before);
      const row = await ctx.db.selectFrom('whatsapp_inbound').selectAll().where('wamid', '=', image.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ type: 'image', status: 'ignored', body: null, reply_queued: 0 });
      expect(JSON.parse(row.payload)).toMatchObject({ image: { id: '1479537139650973' } });
    });

    it("ignores messages to another of the app's numbers", async () => {
      const before = await counts();
      expect((await post(textWebhook('555000111222333', { from: STRANGER_PHONE, body: 'BANTUAN' }))).statusCode).toBe(200);
      expect(await counts()).toEqual(before);
    });
  });

  describe('Meta delivering twice, statuses out of order, a flood', () => {
    it('answers a wamid delivered twice (and twice at the same time) once', async () => {
      const wamid = nextWamid();
      const body = textWebhook(fake.phoneNumberId, { from: APPLICANT_PHONE, body: `STATUS ${number}`, wamid });
      const before = fake.to(APPLICANT_PHONE).length;
      const first = await post(body);
      const [second, third] = await Promise.all([post(body), post(body)]);
      expect([first.statusCode, second.statusCode, third.statusCode]).toEqual([200, 200, 200]);
      await settle();
      await settle();
      expect(fake.to(APPLICANT_PHONE).length).toBe(before + 1);
      const rows = await ctx.db.selectFrom('whatsapp_inbound').select('id').where('wamid', '=', wamid).execute();
      expect(rows).toHaveLength(1);
    });

    it('moves the reply forward through sent, delivered and read, and never back', async () => {
      await ask(STRANGER_PHONE, 'HELP');
      const reply = fake
        .to(STRANGER_PHONE)
        .filter((r) => r.body.type === 'text')
        .at(-1)!;
      const row = () =>
        ctx.db.selectFrom('notifications').select(['status', 'status_at', 'kind']).where('provider_message_id', '=', reply.wamid).executeTakeFirstOrThrow();
      expect((await row()).kind).toBe('whatsapp_reply');
      expect((await row()).status).toBe('sent');
      const status = (s: string, timestamp: string) => post(statusWebhook(fake.phoneNumberId, { id: reply.wamid, status: s, to: STRANGER_PHONE, timestamp }));
      expect((await status('read', '1795658460')).statusCode).toBe(200);
      expect((await row()).status).toBe('read');
      // Meta's delivered and sent arrive late: they change nothing.
      expect((await status('delivered', '1795658450')).statusCode).toBe(200);
      expect((await status('sent', '1795658440')).statusCode).toBe(200);
      expect(await row()).toMatchObject({ status: 'read', status_at: new Date(1795658460 * 1000).toISOString() });
    });

    it('records a failed reply with Meta’s reason', async () => {
      await ask(STRANGER_PHONE, 'BANTUAN');
      const reply = fake
        .to(STRANGER_PHONE)
        .filter((r) => r.body.type === 'text')
        .at(-1)!;
      const errors = [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: { details: 'Message failed to send because more than 24 hours have passed.' },
        },
      ];
      expect(
        (await post(statusWebhook(fake.phoneNumberId, { id: reply.wamid, status: 'failed', to: STRANGER_PHONE, timestamp: '1795658470', errors }))).statusCode,
      ).toBe(200);
      const row = await ctx.db
        .selectFrom('notifications')
        .select(['status', 'last_error'])
        .where('provider_message_id', '=', reply.wamid)
        .executeTakeFirstOrThrow();
      expect(row.status).toBe('failed');
      expect(row.last_error).toContain('131047');
    });

    it(`answers one sender at most ${REPLY_LIMIT.replies} times in ${REPLY_LIMIT.windowMinutes} minutes; the rest is kept unanswered`, async () => {
      ctx.clock.advanceMinutes(REPLY_LIMIT.windowMinutes + 1);
      const flooder = '+6281234500099';
      const before = fake.to(flooder).length;
      for (let i = 0; i < REPLY_LIMIT.replies + 5; i++) {
        expect((await post(textWebhook(fake.phoneNumberId, { from: flooder, body: `CEK MLG-NIB-2026-${900000 + i}` }))).statusCode).toBe(200);
      }
      await settle();
      expect(fake.to(flooder).length - before).toBe(REPLY_LIMIT.replies);
      const stored = await ctx.db.selectFrom('whatsapp_inbound').select(['reply_queued', 'status']).where('sender', '=', flooder).execute();
      expect(stored).toHaveLength(REPLY_LIMIT.replies + 5);
      expect(stored.filter((s) => s.reply_queued === 0)).toHaveLength(5);
      // The unanswered ones wait for the help desk.
      expect(stored.filter((s) => s.status === 'open')).toHaveLength(5);
      // A window later the sender is answered again.
      ctx.clock.advanceMinutes(REPLY_LIMIT.windowMinutes + 1);
      expect(await ask(flooder, 'BANTUAN')).toHaveLength(1);
    });

    it('audits a forged post like any refused request', async () => {
      expect((await post(textWebhook(fake.phoneNumberId, { from: STRANGER_PHONE, body: 'x' }), { signature: null, from: '10.8.8.8' })).statusCode).toBe(401);
      const rows = await ctx.db.selectFrom('audit_events').select('data').where('action', '=', 'access.refused').execute();
      expect(rows.some((r) => r.data.includes('/webhooks/whatsapp') && r.data.includes('10.8.8.8'))).toBe(true);
    });

    it('counts only signed posts against the rate limit: a forged flood never crowds out Meta', async () => {
      const from = '10.9.9.9';
      const empty = { object: 'whatsapp_business_account', entry: [] };
      for (let i = 0; i < 700; i++) expect((await post(empty, { signature: 'sha256=' + '0'.repeat(64), from })).statusCode).toBe(401);
      for (let i = 0; i < 600; i++) expect((await post(empty, { from })).statusCode).toBe(200);
      expect((await post(empty, { from })).statusCode).toBe(429);
    });

    it('refuses a body that is not a WhatsApp webhook, even signed, with 400', async () => {
      const before = await counts();
      expect((await post({ object: 'page', entry: [] })).statusCode).toBe(400);
      expect((await post('{not json')).statusCode).toBe(400);
      expect(await counts()).toEqual(before);
    });
  });
});

describe.each(DIALECTS)('without WhatsApp settings (%s)', (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => ctx?.close());

  it('has no webhook: 404 for the check and for a post', async () => {
    expect((await ctx.app.inject({ url: '/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1' })).statusCode).toBe(404);
    const res = await ctx.app.inject({ method: 'POST', url: '/webhooks/whatsapp', headers: { 'content-type': 'application/json' }, payload: '{}' });
    expect(res.statusCode).toBe(404);
  });
});
