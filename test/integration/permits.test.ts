/**
 * Issuance and trust, on SQLite and PostgreSQL: a seeded file carried to the end yields a signed PDF
 * whose QR code opens a verification that says valid, then revoked; any changed byte makes the PDF
 * check fail; expiry, reminders, renewal, correction by re-issue, signed receipts, and the public
 * registry with its open-data export (validated against its published schema, free of personal data).
 */
import { createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../src/access/access.js';
import type { Actor } from '../../src/access/actor.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/demo-data.js';
import { expiryRemindersJob } from '../../src/permits/permits.jobs.js';
import { sha256Hex } from '../../src/shared/crypto.js';
import { addDays } from '../../src/shared/time.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, json, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft } from '../helpers/journeys.js';
import { carryToIssued, pdfInfo, readQrFromPdf } from '../helpers/permits.js';

type PermitView = {
  id: string;
  applicationId: string;
  number: string;
  verificationCode: string;
  verificationUrl: string;
  status: string;
  holderName: string;
  validFrom: string;
  validUntil: string | null;
  supersedesId: string | null;
  supersededById: string | null;
  sealedText: string | null;
};
/** The sealed text as the QR address writes it: space, % and / percent-encoded. */
const sealedPath = (sealed: string) => sealed.replace(/%/g, '%25').replace(/ /g, '%20').replace(/\//g, '%2F');
type Verification = {
  status: string;
  kind: string | null;
  permit?: Record<string, unknown> & { holder: { name: string }; revocationReason: string | null; supersededBy: { number: string } | null };
  receipt?: Record<string, unknown>;
  signed?: { document: string; signature: { keyId: string; signature: string } };
};

const NIK_LIKE = /\b\d{16}\b/;
const EMAIL_LIKE = /[^\s@",]+@[^\s@",]+\.[a-z]{2,}/i;
const PHONE_LIKE = /(\+62|\b0)8\d{7,12}\b/;

describe.each(DIALECTS)('issuance and trust (%s)', (dialect) => {
  let ctx: TestContext;
  const officers: Partial<Record<Role, Actor>> = {};
  let head: { token: string; userId: string };
  let verifier: { token: string; userId: string };
  let seededAppId: string;
  let seededCode: string;
  let permit: PermitView;
  let pdf: Buffer;
  /** The NIKs of every seeded applicant: none may appear on a public answer. */
  let niks: string[];

  const verify = async (code: string) => json<Verification>(await ctx.app.inject({ url: `/api/v1/verify/${code}` }));
  const checkPdf = async (bytes: Buffer) => {
    const file = multipartFile('izin.pdf', bytes, 'application/pdf');
    return ctx.app.inject({ method: 'POST', url: '/api/v1/verify/pdf', headers: file.headers, payload: file.payload });
  };

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    await seedDemoData(ctx.services, ctx.tenant, { applications: 20 });
    for (const role of ['verifier', 'technical', 'treasurer'] as const) {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const user = await ctx.db.selectFrom('users').select(['id', 'name']).where('email', '=', account.email).executeTakeFirstOrThrow();
      officers[role] = { userId: user.id, tenantId: ctx.tenant.id, role, name: user.name };
    }
    head = await userWithToken(ctx, 'head');
    await ctx.db.updateTable('users').set({ name: 'Dr. Sutiaji Wibowo', position: 'Kepala DPMPTSP Kota Malang' }).where('id', '=', head.userId).execute();
    officers.head = { userId: head.userId, tenantId: ctx.tenant.id, role: 'head', name: 'Dr. Sutiaji Wibowo' };
    verifier = await userWithToken(ctx, 'verifier');
    const users = await ctx.db.selectFrom('users').select('nik_encrypted').where('nik_encrypted', 'is not', null).execute();
    const { decryptField } = await import('../../src/shared/crypto.js');
    niks = users.map((u) => decryptField(ctx.services.config.dataEncryptionKey, u.nik_encrypted!));
    expect(niks.length).toBeGreaterThan(0);

    // A seeded file that is filed but not decided, owned by a citizen with an account, of a type that expires.
    const seeded = await ctx.db
      .selectFrom('applications')
      .select(['id', 'permit_code'])
      .where('number', 'is not', null)
      .where('decided_at', 'is', null)
      .where('applicant_id', 'is not', null)
      .where('permit_code', 'not in', ['PBG', 'NIB', 'AK1', 'PENELITIAN', 'KERAMAIAN'])
      .orderBy('number')
      .execute();
    expect(seeded.length).toBeGreaterThan(0);
    seededAppId = seeded[0]!.id;
    seededCode = seeded[0]!.permit_code;
    // Everything up to signing through the services; the head signs through the API below.
    const system: Actor = { userId: head.userId, tenantId: ctx.tenant.id, role: 'head', name: 'x' };
    const before = { ...officers };
    delete before.head;
    await carryToIssued(ctx, seededAppId, before).catch(() => undefined); // stops where only the head can act
    const { app } = await ctx.services.applications.getApplication({ actor: system, applicationId: seededAppId });
    if (app.state === 'approval') expect((await act(ctx, head.token, seededAppId, 'approve')).statusCode).toBe(200);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('signing a seeded file issues a permit with a number per office, type and year', async () => {
    const signed = await act(ctx, head.token, seededAppId, 'sign');
    expect(signed.statusCode, signed.body).toBe(200);
    expect(json<{ state: { code: string } }>(signed).state.code).toBe('issued');
    const list = json<PermitView[]>(await ctx.app.inject({ url: `/api/v1/applications/${seededAppId}/permits`, headers: auth(head.token) }));
    expect(list).toHaveLength(1);
    permit = list[0]!;
    expect(permit.number).toMatch(new RegExp(`^${seededCode}/\\d{5}/MLG/2026$`));
    expect(permit.status).toBe('valid');
    expect(permit.verificationCode).toMatch(/^[0-9A-Z]{10}$/);
    expect(permit.validFrom).toBe('2026-11-20');
    const { definition } = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: seededCode });
    // Valid for its type's term: one year for a billboard, five for a practice permit.
    const expected = { 12: '2027-11-19', 60: '2031-11-19' }[(definition.validity!.years * 12 + definition.validity!.months) as 12 | 60];
    expect(permit.validUntil).toBe(expected);
    const audit = await ctx.db.selectFrom('audit_events').select(['action', 'data']).where('subject_id', '=', permit.id).execute();
    expect(audit.map((a) => a.action)).toContain('permit.issued');
  });

  it('the PDF opens, its QR code scans to the public verification address, and the verification says valid', async () => {
    const res = await ctx.app.inject({ url: `/api/v1/permits/${permit.id}/pdf`, headers: auth(head.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    pdf = res.rawPayload;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfInfo(pdf).Pages).toBe('1');
    // The QR code holds the sealed address (docs/verification.md); the printed address stays /v/{code}.
    const qr = readQrFromPdf(pdf);
    expect(qr).toBe(`${new URL(ctx.services.config.baseUrl).origin.toUpperCase()}/V/${sealedPath(permit.sealedText!)}`);
    expect(permit.verificationUrl).toBe(`${ctx.services.config.baseUrl}/v/${permit.verificationCode}`);
    const sealedPage = await ctx.app.inject({ url: new URL(qr!).pathname });
    expect(sealedPage.body).toContain('data-verification-status="valid"');
    expect(sealedPage.body).toContain(permit.number);
    const v = await verify(permit.verificationCode);
    expect(v.status).toBe('valid');
    expect(v.kind).toBe('permit');
    expect(v.permit!.number).toBe(permit.number);
    expect(v.permit!.signer).toEqual({ name: 'Dr. Sutiaji Wibowo', position: 'Kepala DPMPTSP Kota Malang' });
    expect((v.permit!.subject as { field: string }[]).length).toBeGreaterThan(0);
    const body = JSON.stringify(v);
    for (const nik of niks) expect(body).not.toContain(nik);
    expect(body).not.toMatch(NIK_LIKE);
    // People who type the code may use lower case, spaces and a dash.
    const typed = `${permit.verificationCode.slice(0, 5).toLowerCase()} - ${permit.verificationCode.slice(5)}`;
    expect((await verify(encodeURIComponent(typed))).status).toBe('valid');
  });

  it('anyone can check the signature with the published key, and it covers the PDF byte for byte', async () => {
    const v = await verify(permit.verificationCode);
    const keys = json<{ keys: { keyId: string; publicKeyPem: string }[] }>(await ctx.app.inject({ url: '/.well-known/izol-signing-keys.json' }));
    const key = keys.keys.find((k) => k.keyId === v.signed!.signature.keyId)!;
    expect(
      cryptoVerify(null, Buffer.from(v.signed!.document), createPublicKey(key.publicKeyPem), Buffer.from(v.signed!.signature.signature, 'base64url')),
    ).toBe(true);
    expect((JSON.parse(v.signed!.document) as { pdf: { sha256: string } }).pdf.sha256).toBe(sha256Hex(pdf));
  });

  it('the uploaded PDF is authentic; flipping any single byte makes it not authentic', async () => {
    const ok = json<Verification>(await checkPdf(pdf));
    expect(ok.status).toBe('valid');
    expect(ok.permit!.number).toBe(permit.number);
    // Every byte position through the service (one bit flipped, then every bit of a few bytes) …
    for (let i = 0; i < pdf.length; i++) {
      const copy = Buffer.from(pdf);
      copy[i] = copy[i]! ^ 0x01;
      const r = await ctx.services.permits.verifyPdf({ tenantId: ctx.tenant.id, bytes: copy });
      if (r.status !== 'not_authentic') throw new Error(`byte ${i} changed and the PDF still verified`);
    }
    // … and a few through the public upload, as a citizen would send them.
    for (const i of [0, 9, Math.floor(pdf.length / 2), pdf.length - 1]) {
      const copy = Buffer.from(pdf);
      copy[i] = 0xff - copy[i]!;
      const res = await checkPdf(copy);
      expect(res.statusCode).toBe(200);
      expect(json<Verification>(res).status).toBe('not_authentic');
    }
    expect(json<Verification>(await checkPdf(pdf.subarray(0, pdf.length - 1))).status).toBe('not_authentic');
    expect(json<Verification>(await checkPdf(Buffer.concat([pdf, Buffer.from('\n')]))).status).toBe('not_authentic');
  }, 120_000);

  it('a record edited in the database no longer verifies', async () => {
    const original = await ctx.db.selectFrom('permits').select(['document', 'holder_name']).where('id', '=', permit.id).executeTakeFirstOrThrow();
    await ctx.db
      .updateTable('permits')
      .set({ document: original.document.replace(/"validUntil":"[^"]+"/, '"validUntil":"2099-12-31"') })
      .where('id', '=', permit.id)
      .execute();
    expect((await verify(permit.verificationCode)).status).toBe('not_authentic');
    expect(json<Verification>(await checkPdf(pdf)).status).toBe('not_authentic');
    await ctx.db.updateTable('permits').set({ document: original.document }).where('id', '=', permit.id).execute();
    expect((await verify(permit.verificationCode)).status).toBe('valid');
    // The columns the verdict and the registry read must say what was signed, too.
    const row = await ctx.db.selectFrom('permits').select(['valid_until', 'holder_name']).where('id', '=', permit.id).executeTakeFirstOrThrow();
    await ctx.db.updateTable('permits').set({ valid_until: '2099-12-31' }).where('id', '=', permit.id).execute();
    expect((await verify(permit.verificationCode)).status).toBe('not_authentic');
    await ctx.db.updateTable('permits').set({ valid_until: row.valid_until, holder_name: 'Orang Lain' }).where('id', '=', permit.id).execute();
    expect((await verify(permit.verificationCode)).status).toBe('not_authentic');
    const listed = json<{ PermitNum: string }[]>(await ctx.app.inject({ url: '/api/v1/registry/export.json' }));
    expect(listed.map((r) => r.PermitNum)).not.toContain(permit.number); // the registry leaves out what does not verify
    await ctx.db.updateTable('permits').set({ holder_name: row.holder_name }).where('id', '=', permit.id).execute();
    expect((await verify(permit.verificationCode)).status).toBe('valid');
  });

  it('only the head revokes, with a reason; the same QR code then says revoked', async () => {
    const byVerifier = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${permit.id}/revoke`,
      headers: auth(verifier.token),
      payload: { reason: 'Tidak berhak' },
    });
    expect(byVerifier.statusCode).toBe(403);
    const noReason = await ctx.app.inject({ method: 'POST', url: `/api/v1/permits/${permit.id}/revoke`, headers: auth(head.token), payload: { reason: ' ' } });
    expect(noReason.statusCode).toBe(400);
    expect((await verify(permit.verificationCode)).status).toBe('valid');

    const revoked = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${permit.id}/revoke`,
      headers: auth(head.token),
      payload: { reason: 'Kegiatan tidak sesuai dengan izin yang diberikan.' },
    });
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(json<PermitView>(revoked).status).toBe('revoked');
    const v = await verify(permit.verificationCode);
    expect(v.status).toBe('revoked');
    expect((await ctx.app.inject({ url: new URL(readQrFromPdf(pdf)!).pathname })).body).toContain('data-verification-status="revoked"');
    expect(v.permit!.revocationReason).toBe('Kegiatan tidak sesuai dengan izin yang diberikan.');
    expect(json<Verification>(await checkPdf(pdf)).status).toBe('revoked');
    const again = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/permits/${permit.id}/revoke`,
      headers: auth(head.token),
      payload: { reason: 'Sekali lagi dicabut' },
    });
    expect(again.statusCode).toBe(409);
    const audit = await ctx.db.selectFrom('audit_events').select('action').where('subject_id', '=', permit.id).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['permit.issued', 'permit.pdf_opened', 'permit.revoked']));
    // The holder hears of it.
    await ctx.services.outbox.drain();
    const app = await ctx.db.selectFrom('applications').select('applicant_id').where('id', '=', seededAppId).executeTakeFirstOrThrow();
    const mail = await ctx.db.selectFrom('notifications').select('subject').where('recipient_user_id', '=', app.applicant_id).execute();
    expect(mail.map((m) => m.subject).some((s) => s.includes('dicabut') && s.includes(permit.number))).toBe(true);
  });

  it('a front-desk file nobody claimed: the holder hears of a revocation on the number the counter recorded', async () => {
    const desk = await userWithToken(ctx, 'front_desk');
    const id = await readyDraft(ctx, desk.token, 'REKLAME', { channel: 'walk_in', applicantName: 'Pak Darto', applicantContact: '0812 3456 7891' });
    expect((await act(ctx, desk.token, id, 'submit')).statusCode).toBe(200);
    expect(await carryToIssued(ctx, id, officers)).toBe('issued');
    const p = (await ctx.services.permits.permitsForApplication({ actor: officers.head!, applicationId: id }))[0]!;
    await ctx.services.permits.revoke({ actor: officers.head!, permitId: p.id, reason: 'Reklame tidak sesuai izin.' });
    await ctx.services.outbox.drain();
    const sent = await ctx.db.selectFrom('notifications').select(['recipient', 'channel', 'subject']).where('recipient', '=', '+6281234567891').execute();
    expect(sent.map((n) => n.subject)).toContain(`Izin ${p.number} dicabut`);
    expect(sent.every((n) => n.channel === 'whatsapp')).toBe(true);
  });

  it('an unknown code is not found', async () => {
    expect((await verify('ZZZZZZZZZZ')).status).toBe('not_found');
    expect((await verify('hello')).status).toBe('not_found');
  });

  describe('a citizen’s own permit', () => {
    let citizen: { token: string; userId: string };
    let appId: string;
    let own: PermitView;

    beforeAll(async () => {
      citizen = await userWithToken(ctx, 'applicant');
      appId = await readyDraft(ctx, citizen.token, 'REKLAME');
      expect((await act(ctx, citizen.token, appId, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, appId, officers)).toBe('issued');
      own = json<PermitView[]>(await ctx.app.inject({ url: `/api/v1/applications/${appId}/permits`, headers: auth(citizen.token) }))[0]!;
    });

    it('the holder downloads it; the filing receipt is signed and verifiable', async () => {
      const res = await ctx.app.inject({ url: `/api/v1/permits/${own.id}/pdf`, headers: auth(citizen.token) });
      expect(res.statusCode).toBe(200);
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
      const receipts = json<{ kind: string; verificationCode: string }[]>(
        await ctx.app.inject({ url: `/api/v1/applications/${appId}/receipts`, headers: auth(citizen.token) }),
      );
      expect(receipts.map((r) => r.kind)).toEqual(['filing']);
      const v = await verify(receipts[0]!.verificationCode);
      expect(v).toMatchObject({ status: 'valid', kind: 'receipt', receipt: { receiptKind: 'filing' } });
    });

    it('views say what each person may do, from the one policy: the holder renews, the head revokes and corrects, other officers only open it', async () => {
      const { permits } = ctx.services;
      const holder: Actor = { userId: citizen.userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Pemohon' };
      const [forHolder] = await permits.permitsForApplication({ actor: holder, applicationId: appId });
      expect(forHolder!.can).toEqual({ download: true, revoke: false, reissue: false, renew: true });
      const [forHead] = await permits.permitsForApplication({ actor: officers.head!, applicationId: appId });
      expect(forHead!.can).toEqual({ download: true, revoke: true, reissue: true, renew: false });
      for (const role of ['verifier', 'technical', 'treasurer'] as const) {
        expect((await permits.getPermit({ actor: officers[role]!, permitId: own.id })).can, role).toEqual({
          download: true,
          revoke: false,
          reissue: false,
          renew: false,
        });
      }
      // The API keeps its published shape: the flags are for pages.
      expect(own).not.toHaveProperty('can');

      // Staff opening the PDF is recorded in the audit log; the holder opening their own is not.
      const opened = async () =>
        (await ctx.db.selectFrom('audit_events').select('actor_id').where('subject_id', '=', own.id).where('action', '=', 'permit.pdf_opened').execute()).map(
          (e) => e.actor_id,
        );
      const before = await opened();
      (await permits.openPdf({ actor: holder, permitId: own.id })).stream.resume();
      expect(await opened()).toEqual(before);
      (await permits.openPdf({ actor: officers.verifier!, permitId: own.id })).stream.resume();
      expect(await opened()).toEqual([...before, officers.verifier!.userId]);
    });

    it('a paid permit also gets a signed payment receipt', async () => {
      const id = await readyDraft(ctx, citizen.token, 'PBG');
      expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, id, officers)).toBe('issued');
      const receipts = json<{ kind: string; verificationCode: string }[]>(
        await ctx.app.inject({ url: `/api/v1/applications/${id}/receipts`, headers: auth(citizen.token) }),
      );
      expect(receipts.map((r) => r.kind).sort()).toEqual(['filing', 'payment']);
      const v = await verify(receipts.find((r) => r.kind === 'payment')!.verificationCode);
      expect(v).toMatchObject({ status: 'valid', kind: 'receipt', receipt: { receiptKind: 'payment', payment: { amount: 250_000 } } });
      // PBG does not expire.
      const pbg = json<PermitView[]>(await ctx.app.inject({ url: `/api/v1/applications/${id}/permits`, headers: auth(citizen.token) }))[0]!;
      expect(pbg.validUntil).toBeNull();
    });

    it('expires after its last day, and the holder is reminded once, 30 days before', async () => {
      const start = ctx.clock.now();
      try {
        ctx.clock.set('2027-10-15T03:00:00Z'); // 35 days before 2027-11-19: too early
        expect((await ctx.services.permits.remindExpiring()).reminded).toBe(0);
        ctx.clock.set('2027-10-25T03:00:00Z');
        const first = await ctx.services.permits.remindExpiring();
        expect(first.reminded).toBeGreaterThanOrEqual(1); // this one, and any other permit issued that day
        expect((await ctx.services.permits.remindExpiring()).reminded).toBe(0);
        await ctx.services.outbox.drain();
        const mail = await ctx.db.selectFrom('notifications').select(['subject', 'body']).where('recipient_user_id', '=', citizen.userId).execute();
        expect(mail.filter((m) => m.subject.includes(own.number) && m.subject.includes('segera berakhir'))).toHaveLength(1);
        expect((await verify(own.verificationCode)).status).toBe('valid');
        ctx.clock.set('2027-11-19T16:59:00Z'); // 23:59 on the last day in Malang
        expect((await verify(own.verificationCode)).status).toBe('valid');
        ctx.clock.set('2027-11-19T17:01:00Z'); // 00:01 the next day
        expect((await verify(own.verificationCode)).status).toBe('expired');
        // An expired permit is neither revoked nor corrected (a correction would hand it a new term).
        // (Through the service: a year on, the head's API session has long ended.)
        await expect(ctx.services.permits.revoke({ actor: officers.head!, permitId: own.id, reason: 'Sudah tidak berlaku' })).rejects.toMatchObject({
          code: 'invalid_state',
        });
        await expect(ctx.services.permits.reissue({ actor: officers.head!, permitId: own.id, reason: 'Perbaikan nama' })).rejects.toMatchObject({
          code: 'invalid_state',
        });
      } finally {
        ctx.clock.set(start.toISOString());
      }
    });

    it('renewal opens a pre-filled application; asking twice gives the same draft; issuing it supersedes the old permit', async () => {
      // Pressed twice at once: one draft.
      const both = await Promise.all(
        [1, 2].map(() => ctx.app.inject({ method: 'POST', url: `/api/v1/permits/${own.id}/renew`, headers: auth(citizen.token) })),
      );
      expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
      const renewalId = json<{ applicationId: string }>(both[0]!).applicationId;
      expect(json<{ applicationId: string }>(both[1]!).applicationId).toBe(renewalId);
      const second = await ctx.app.inject({ method: 'POST', url: `/api/v1/permits/${own.id}/renew`, headers: auth(citizen.token) });
      expect(second.statusCode).toBe(200);
      expect(json<{ applicationId: string }>(second).applicationId).toBe(renewalId);
      const [oldApp, renewal] = await Promise.all(
        [appId, renewalId].map(async (id) =>
          json<{ answers: Record<string, unknown>; state: { code: string } }>(
            await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(citizen.token) }),
          ),
        ),
      );
      expect(renewal!.state.code).toBe('draft');
      expect(renewal!.answers.billboardAddress).toBe(oldApp!.answers.billboardAddress);
      expect(renewal!.answers.isRenewal).toBe(true);
      // Someone else cannot renew it.
      const other = await userWithToken(ctx, 'applicant');
      expect((await ctx.app.inject({ method: 'POST', url: `/api/v1/permits/${own.id}/renew`, headers: auth(other.token) })).statusCode).toBe(404);

      const { uploadRequired } = await import('../helpers/journeys.js');
      await uploadRequired(ctx, citizen.token, renewalId, 'REKLAME');
      expect((await act(ctx, citizen.token, renewalId, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, renewalId, officers)).toBe('issued');
      const renewed = json<PermitView[]>(await ctx.app.inject({ url: `/api/v1/applications/${renewalId}/permits`, headers: auth(citizen.token) }))[0]!;
      expect(renewed.supersedesId).toBe(own.id);
      // Renewed early: the new term starts the day after the old one ends, so no day is lost.
      expect([renewed.validFrom, renewed.validUntil]).toEqual(['2027-11-20', '2028-11-19']);
      const old = await verify(own.verificationCode);
      expect(old.status).toBe('superseded');
      expect(old.permit!.supersededBy!.number).toBe(renewed.number);
      expect((await verify(renewed.verificationCode)).status).toBe('valid');
      own = renewed;
    });

    it('correction by re-issue: a new number and code, the old one superseded', async () => {
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/permits/${own.id}/reissue`,
        headers: auth(head.token),
        payload: { reason: 'Nama pemegang salah ketik.', holderName: 'Siti Rahmawati', answers: { faceCount: 2 } },
      });
      expect(res.statusCode, res.body).toBe(201);
      const next = json<PermitView>(res);
      expect(next.number).not.toBe(own.number);
      expect(next.verificationCode).not.toBe(own.verificationCode);
      expect(next.supersedesId).toBe(own.id);
      // A correction keeps the corrected permit's term.
      expect([next.validFrom, next.validUntil]).toEqual([own.validFrom, own.validUntil]);
      const v = await verify(next.verificationCode);
      expect(v.status).toBe('valid');
      expect(v.permit!.holder.name).toBe('Siti Rahmawati');
      expect((await verify(own.verificationCode)).status).toBe('superseded');
      // A bad correction changes nothing.
      const bad = await ctx.app.inject({
        method: 'POST',
        url: `/api/v1/permits/${next.id}/reissue`,
        headers: auth(head.token),
        payload: { reason: 'Perbaikan luas', answers: { faceCount: 'banyak' } },
      });
      expect(bad.statusCode).toBe(422);
      expect((await verify(next.verificationCode)).status).toBe('valid');
    });
  });

  describe('the public registry', () => {
    it('finds permits by holder name, number, type and status', async () => {
      const all = json<{ total: number; records: { PermitNum: string; HolderName: string; StatusCurrent: string; PermitType: string }[] }>(
        await ctx.app.inject({ url: '/api/v1/registry?pageSize=100' }),
      );
      expect(all.total).toBeGreaterThan(3);
      expect(all.records.map((r) => r.PermitNum)).toContain(permit.number);
      const byName = json<typeof all>(await ctx.app.inject({ url: `/api/v1/registry?q=${encodeURIComponent('siti rahma')}` }));
      // The corrected permit's holder, and the demo applicant of the same name (her issued building permit, src/demo/demo-applicant.ts).
      expect(byName.records.length).toBeGreaterThan(0);
      expect(byName.records.every((r) => r.HolderName === 'Siti Rahmawati')).toBe(true);
      expect(byName.records.length).toBe(all.records.filter((r) => r.HolderName === 'Siti Rahmawati').length);
      const byNumber = json<typeof all>(await ctx.app.inject({ url: `/api/v1/registry?q=${encodeURIComponent(permit.number)}` }));
      expect(byNumber.records.map((r) => r.PermitNum)).toEqual([permit.number]);
      const revoked = json<typeof all>(await ctx.app.inject({ url: '/api/v1/registry?status=revoked' }));
      expect(revoked.records.map((r) => r.PermitNum)).toContain(permit.number);
      expect(revoked.records.every((r) => r.StatusCurrent === 'revoked')).toBe(true);
      const superseded = json<typeof all>(await ctx.app.inject({ url: '/api/v1/registry?status=superseded&type=reklame' }));
      expect(superseded.records.length).toBe(2);
      expect(superseded.records.every((r) => r.StatusCurrent === 'superseded' && r.PermitType === 'REKLAME')).toBe(true);
      // A percent sign is searched for, not used as a wildcard.
      expect(json<typeof all>(await ctx.app.inject({ url: '/api/v1/registry?q=%25' })).total).toBe(0);
    });

    it('exports CSV and JSON that validate against the published schema and carry no NIK, phone or email', async () => {
      const schema = json<Record<string, unknown>>(await ctx.app.inject({ url: '/api/v1/registry/schema.json' }));
      const ajv = new Ajv2020({ strict: false });
      const validate = ajv.compile(schema);
      const jsonRes = await ctx.app.inject({ url: '/api/v1/registry/export.json' });
      expect(jsonRes.statusCode).toBe(200);
      const records = json<Record<string, unknown>[]>(jsonRes);
      expect(records.length).toBeGreaterThan(3);
      for (const r of records) expect(validate(r), JSON.stringify(validate.errors)).toBe(true);

      const csvRes = await ctx.app.inject({ url: '/api/v1/registry/export.csv' });
      expect(csvRes.headers['content-type']).toMatch(/^text\/csv/);
      expect(csvRes.headers['content-disposition']).toBe(`attachment; filename="registri-izin.csv"; filename*=UTF-8''registri-izin.csv`);
      expect(jsonRes.headers['content-disposition']).toBe(`attachment; filename="registri-izin.json"; filename*=UTF-8''registri-izin.json`);
      const lines = csvRes.body.trimEnd().split('\r\n');
      const columns = Object.keys((schema as { properties: Record<string, unknown> }).properties);
      expect(lines[0]).toBe(columns.join(','));
      expect(lines.length - 1).toBe(records.length);

      for (const body of [jsonRes.body, csvRes.body]) {
        for (const nik of niks) expect(body).not.toContain(nik);
        expect(body).not.toMatch(NIK_LIKE);
        expect(body).not.toMatch(PHONE_LIKE);
        expect(body).not.toMatch(EMAIL_LIKE);
      }
    });

    it('leaves out permits about a private person (a job-seeker card), which still verify by their code', async () => {
      const citizen = await userWithToken(ctx, 'applicant');
      const id = await readyDraft(ctx, citizen.token, 'AK1');
      expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, id, officers)).toBe('issued');
      const card = json<PermitView[]>(await ctx.app.inject({ url: `/api/v1/applications/${id}/permits`, headers: auth(citizen.token) }))[0]!;
      expect((await verify(card.verificationCode)).status).toBe('valid');
      const exported = json<{ PermitNum: string }[]>(await ctx.app.inject({ url: '/api/v1/registry/export.json' }));
      expect(exported.map((r) => r.PermitNum)).not.toContain(card.number);
      expect(json<{ total: number }>(await ctx.app.inject({ url: `/api/v1/registry?q=${encodeURIComponent(card.number)}` })).total).toBe(0);
    });
  });

  it('heads signing many files at once get permit numbers without gaps or duplicates', async () => {
    const citizen = await userWithToken(ctx, 'applicant');
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const id = await readyDraft(ctx, citizen.token, 'KERAMAIAN');
      expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, id, officers, { stopBefore: 'sign' })).toBe('signing');
      ids.push(id);
    }
    const before = await ctx.db.selectFrom('permits').select('number').where('permit_code', '=', 'KERAMAIAN').execute();
    await Promise.all(ids.map((applicationId) => ctx.services.applications.performAction({ actor: officers.head!, applicationId, action: 'sign' })));
    const issued = await ctx.db.selectFrom('permits').select(['number', 'application_id']).where('permit_code', '=', 'KERAMAIAN').execute();
    const sequence = issued.map((p) => Number(p.number.split('/')[1])).sort((a, b) => a - b);
    expect(sequence).toEqual(Array.from({ length: before.length + ids.length }, (_, i) => i + 1));
    expect(new Set(issued.map((p) => p.application_id)).size).toBe(issued.length);
  }, 120_000);

  it('event permits run for the event’s dates and, not being renewed, get no expiry reminder', async () => {
    const start = ctx.clock.now();
    try {
      // An event permit runs for the event's own dates (the form's start and end dates).
      const events = await ctx.db
        .selectFrom('permits')
        .select(['valid_from', 'valid_until', 'reminder_sent_at'])
        .where('permit_code', '=', 'KERAMAIAN')
        .where('status', '=', 'valid')
        .where('valid_from', '=', '2027-06-01')
        .execute();
      expect(events.length).toBeGreaterThan(0);
      expect(events.every((p) => p.valid_until === '2027-06-01')).toBe(true);
      ctx.clock.set('2027-05-28T03:00:00Z'); // four days before the event's last day
      await ctx.services.permits.remindExpiring();
      const after = await ctx.db.selectFrom('permits').select('reminder_sent_at').where('permit_code', '=', 'KERAMAIAN').execute();
      expect(after.every((p) => p.reminder_sent_at === null)).toBe(true);
    } finally {
      ctx.clock.set(start.toISOString());
    }
  });

  it('the hourly reminder job runs each office as its system actor on the clock it is given; no person may run it', async () => {
    const job = expiryRemindersJob(ctx.services.permits);
    expect(job).toMatchObject({ name: 'permits.expiry-reminders', intervalMs: 60 * 60_000 });
    const citizen = await userWithToken(ctx, 'applicant');
    const id = await readyDraft(ctx, citizen.token, 'REKLAME');
    expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
    expect(await carryToIssued(ctx, id, officers)).toBe('issued');
    const issued = await ctx.db.selectFrom('permits').select(['id', 'valid_until']).where('application_id', '=', id).executeTakeFirstOrThrow();
    const sentAt = async () =>
      (await ctx.db.selectFrom('permits').select('reminder_sent_at').where('id', '=', issued.id).executeTakeFirstOrThrow()).reminder_sent_at;
    // The service's clock stays on the day of issue; the job's clock says 25 days before the last day.
    const at = new Date(`${addDays(issued.valid_until!, -25)}T03:00:00.000Z`);
    const first = (await job.run({ now: () => at })) as { reminded: number };
    expect(first.reminded).toBeGreaterThanOrEqual(1);
    expect(await sentAt()).toBe(at.toISOString());
    expect(await job.run({ now: () => at })).toEqual({ reminded: 0 });
    // A person is not the system: the per-office run refuses them.
    await expect(ctx.services.permits.remindExpiringIn({ actor: officers.head! })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(ctx.services.permits.remindExpiringIn({ actor: systemActor(ctx.tenant.id, 'expiry-reminders'), clock: { now: () => at } })).resolves.toEqual({
      reminded: 0,
    });
  });

  describe('a permit changing while it is renewed or corrected', () => {
    let citizen: { token: string; userId: string };
    const issue = async () => {
      const id = await readyDraft(ctx, citizen.token, 'REKLAME');
      expect((await act(ctx, citizen.token, id, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, id, officers)).toBe('issued');
      return json<PermitView[]>(await ctx.app.inject({ url: `/api/v1/applications/${id}/permits`, headers: auth(citizen.token) }))[0]!;
    };
    const renewalReadyToSign = async (p: PermitView) => {
      const { applicationId } = await ctx.services.permits.renew({
        actor: { userId: citizen.userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Pemegang Berantai' },
        permitId: p.id,
      });
      const { uploadRequired } = await import('../helpers/journeys.js');
      await uploadRequired(ctx, citizen.token, applicationId, 'REKLAME');
      expect((await act(ctx, citizen.token, applicationId, 'submit')).statusCode).toBe(200);
      expect(await carryToIssued(ctx, applicationId, officers, { stopBefore: 'sign' })).toBe('signing');
      return applicationId;
    };
    const valid = async () =>
      (
        await ctx.db
          .selectFrom('permits')
          .select('number')
          .where('status', '=', 'valid')
          .where('holder_name', 'in', ['Pemegang Berantai', 'Pemegang Dikoreksi'])
          .execute()
      ).map((r) => r.number);

    beforeAll(async () => {
      citizen = await userWithToken(ctx, 'applicant');
      await ctx.db.updateTable('users').set({ name: 'Pemegang Berantai' }).where('id', '=', citizen.userId).execute();
    });

    it('a renewal signed after the permit was corrected replaces the correction: one valid permit', async () => {
      const first = await issue();
      const renewal = await renewalReadyToSign(first);
      const corrected = await ctx.services.permits.reissue({
        actor: officers.head!,
        permitId: first.id,
        reason: 'Nama pemegang salah.',
        holderName: 'Pemegang Dikoreksi',
      });
      await ctx.services.applications.performAction({ actor: officers.head!, applicationId: renewal, action: 'sign' });
      const renewed = (await ctx.services.permits.permitsForApplication({ actor: officers.head!, applicationId: renewal }))[0]!;
      expect(renewed.supersedesId).toBe(corrected.id);
      expect((await verify(corrected.verificationCode)).status).toBe('superseded');
      expect(await valid()).toEqual([renewed.number]);
    });

    it('a renewal signed after the permit was revoked replaces nothing', async () => {
      await ctx.db
        .updateTable('permits')
        .set({ status: 'superseded' })
        .where('holder_name', 'in', ['Pemegang Berantai', 'Pemegang Dikoreksi'])
        .where('status', '=', 'valid')
        .execute();
      const first = await issue();
      const renewal = await renewalReadyToSign(first);
      await ctx.services.permits.revoke({ actor: officers.head!, permitId: first.id, reason: 'Dicabut sebelum perpanjangan ditandatangani.' });
      await ctx.services.applications.performAction({ actor: officers.head!, applicationId: renewal, action: 'sign' });
      const renewed = (await ctx.services.permits.permitsForApplication({ actor: officers.head!, applicationId: renewal }))[0]!;
      expect(renewed.supersedesId).toBeNull();
      expect((await verify(first.verificationCode)).status).toBe('revoked');
      const v = await verify(renewed.verificationCode);
      expect(v.status).toBe('valid');
      expect(v.permit!.supersedes).toBeNull();
    });

    it('a revocation and a correction at the same moment: never a valid correction of a revoked permit', async () => {
      for (let i = 0; i < 3; i++) {
        const p = await issue();
        const results = await Promise.allSettled([
          ctx.services.permits.revoke({ actor: officers.head!, permitId: p.id, reason: 'Dicabut bersamaan dengan koreksi.' }),
          ctx.services.permits.reissue({
            actor: officers.head!,
            permitId: p.id,
            reason: 'Koreksi bersamaan dengan pencabutan.',
            holderName: 'Pemegang Dikoreksi',
          }),
        ]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const row = await ctx.db.selectFrom('permits').select(['status', 'superseded_by_id']).where('id', '=', p.id).executeTakeFirstOrThrow();
        const corrections = await ctx.db.selectFrom('permits').select('status').where('supersedes_id', '=', p.id).execute();
        if (row.status === 'revoked') expect(corrections).toHaveLength(0);
        else expect([row.status, corrections.map((c) => c.status)]).toEqual(['superseded', ['valid']]);
      }
    });
  });

  it('publishes the signed audit checkpoints for others to keep', async () => {
    const { checkpointAllTenants } = await import('../../src/audit/audit.checkpoints.js');
    await checkpointAllTenants(ctx.db, ctx.services.signer, ctx.clock.now().toISOString());
    const res = json<{ office: string; checkpoints: { seq: number; headHash: string; signature: string }[] }>(
      await ctx.app.inject({ url: '/.well-known/izol-audit-checkpoints.json' }),
    );
    expect(res.office).toBe('MLG');
    expect(res.checkpoints.length).toBeGreaterThan(0);
    const head = await ctx.db.selectFrom('audit_heads').select(['seq', 'head_hash']).where('tenant_id', '=', ctx.tenant.id).executeTakeFirstOrThrow();
    expect(res.checkpoints[0]).toMatchObject({ seq: Number(head.seq), headHash: head.head_hash });
  });
});
