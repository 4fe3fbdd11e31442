/**
 * The permit pages, on SQLite and PostgreSQL: the public verification page a permit's QR code opens
 * (/v/:code) and /verifikasi (a typed code, an uploaded PDF), the public registry (/registri), the
 * applicant's permit on their application page (download, renewal, signed receipts) and the head of
 * office's revoke and re-issue forms on the case page. Files are carried to issue through the API; the
 * pages are driven as a browser without JavaScript would. No public page ever shows a NIK.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { formatVerificationCode } from '../../src/permits/permit.document.js';
import { MAX_CHECKED_PDF_BYTES } from '../../src/permits/permits.routes.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext, uniqueNik } from '../helpers/context.js';
import { act, uploadRequired, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

const HOLDER = 'Sri Wahyuni Lestari';
const BILLBOARD_ADDRESS = 'Jl. Kawi No. 7, Kec. Klojen, Kota Malang';
/** The NIK validAnswers writes into forms that ask for one (NIB). */
const FORM_NIK = '3573014506900002';
const NIB_COUNT = 21;

type PermitRow = {
  id: string;
  number: string;
  verification_code: string;
  status: string;
  holder_name: string;
  superseded_by_id: string | null;
  revocation_reason: string | null;
};

describe.each(DIALECTS)('permit pages: verification, registry, download, renewal, revoke and re-issue (%s)', (dialect) => {
  let ctx: TestContext;
  const staff = {} as Record<'verifier' | 'technical' | 'head', string>;
  const officers = {} as Record<'verifier' | 'head', PageClient>;
  let citizenToken = '';
  let citizenNik = '';
  let citizenPage: PageClient;
  let otherCitizenPage: PageClient;
  let otherCitizenToken = '';
  let publicPage: PageClient;
  let reklameId = '';
  /** The REKLAME permit as first issued, and its correction once the head re-issues it. */
  let first: PermitRow;
  let second: PermitRow;
  let pdf: Buffer;

  let people = 0;
  async function account(role: Role, opts: { name?: string; nik?: string } = {}): Promise<{ email: string; password: string; userId: string }> {
    people++;
    const email = `${role}.${people}@izin.izol.test`;
    const password = `${role} kata sandi panjang ${people}`;
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role,
      name: opts.name ?? `Uji ${role} ${people}`,
      email,
      password,
      ...(opts.nik ? { nik: opts.nik } : {}),
    });
    return { email, password, userId };
  }

  /** An officer signed in through the pages: password, then the authenticator code. */
  async function signedInOfficer(role: Role): Promise<PageClient> {
    const { email, password, userId } = await account(role);
    const secret = await enrollSecondFactor(ctx, userId);
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    return page;
  }

  async function signedInApplicant(opts: { name: string; nik: string }): Promise<{ page: PageClient; token: string }> {
    const { email, password } = await account('applicant', opts);
    const token = (await ctx.services.auth.login({ tenantId: ctx.tenant.id, login: email, password, clientIp: '127.0.0.1', kind: 'bearer' })).token;
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).statusCode).toBe(303);
    return { page, token };
  }

  /** Carries a file from draft to issued through the API, as the office's staff would. */
  async function issue(token: string, code: string, answers: Record<string, unknown> = {}): Promise<string> {
    const created = await ctx.app.inject({
      method: 'POST',
      url: '/api/v1/applications',
      headers: auth(token),
      payload: { permitTypeCode: code, answers: { ...(await validAnswers(ctx, code)), ...answers } },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    await uploadRequired(ctx, token, id, code);
    const ok = (res: LightMyRequestResponse) => expect(res.statusCode, res.body).toBe(200);
    ok(await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(token) }));
    ok(await act(ctx, staff.verifier, id, 'start_verification'));
    const view = (await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(staff.verifier) })).json<{
      requirements: { document: { id: string } | null }[];
    }>();
    for (const r of view.requirements.filter((q) => q.document)) {
      ok(
        await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/applications/${id}/documents/${r.document!.id}/review`,
          headers: auth(staff.verifier),
          payload: { status: 'accepted' },
        }),
      );
    }
    ok(await act(ctx, staff.verifier, id, 'forward'));
    if (code === 'REKLAME') {
      ok(
        await ctx.app.inject({
          method: 'POST',
          url: `/api/v1/applications/${id}/inspection`,
          headers: auth(staff.technical),
          payload: { result: 'pass', findings: 'Konstruksi sesuai gambar' },
        }),
      );
      ok(await act(ctx, staff.technical, id, 'recommend'));
    }
    ok(await act(ctx, staff.head, id, 'approve'));
    ok(await act(ctx, staff.head, id, 'sign'));
    return id;
  }

  const permitsOf = (applicationId: string) =>
    ctx.db
      .selectFrom('permits')
      .select(['id', 'number', 'verification_code', 'status', 'holder_name', 'superseded_by_id', 'revocation_reason'])
      .where('application_id', '=', applicationId)
      .orderBy('issued_at')
      .orderBy('number')
      .execute();
  const permitById = (id: string) =>
    ctx.db
      .selectFrom('permits')
      .select(['id', 'number', 'verification_code', 'status', 'holder_name', 'superseded_by_id', 'revocation_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  /** A public page, fetched without a session; it must never carry a NIK, whole or as the form's test NIK. */
  async function publicGet(url: string): Promise<LightMyRequestResponse> {
    const res = await publicPage.get(url);
    expect(res.body).not.toContain(citizenNik);
    expect(res.body).not.toContain(FORM_NIK);
    return res;
  }
  const caseUrl = () => `/kantor/berkas/${reklameId}`;
  const rows = (body: string) => body.match(/<th scope="row">/g)?.length ?? 0;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    for (const role of ['verifier', 'technical', 'head'] as const) {
      const { email, password, userId } = await account(role);
      const otp = totpAt(await enrollSecondFactor(ctx, userId), ctx.clock.now());
      const res = await ctx.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { login: email, password, otp } });
      expect(res.statusCode, res.body).toBe(200);
      staff[role] = res.json<{ token: string }>().token;
    }
    officers.verifier = await signedInOfficer('verifier');
    officers.head = await signedInOfficer('head');
    citizenNik = uniqueNik();
    ({ page: citizenPage, token: citizenToken } = await signedInApplicant({ name: HOLDER, nik: citizenNik }));
    ({ page: otherCitizenPage, token: otherCitizenToken } = await signedInApplicant({ name: 'Budi Santoso', nik: uniqueNik() }));
    publicPage = new PageClient(ctx);

    reklameId = await issue(citizenToken, 'REKLAME', { billboardAddress: BILLBOARD_ADDRESS });
    [first] = (await permitsOf(reklameId)) as [PermitRow];
  }, 120_000);
  afterAll(async () => ctx?.close());

  it('opens a fresh permit from its QR code: genuine and valid, with what the permit prints, and never a NIK', async () => {
    const res = await publicGet(`/v/${first.verification_code}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.body).toContain('data-verification-status="valid"');
    expect(res.body).toContain('Izin ini sah dan berlaku');
    expect(res.body).toContain(first.number);
    expect(res.body).toContain(HOLDER);
    expect(res.body).toContain(BILLBOARD_ADDRESS);
    expect(res.body).toContain('IZIN PENYELENGGARAAN REKLAME');
    expect(res.body).toContain(formatVerificationCode(first.verification_code));
    expect(res.body).toMatch(/20 November 2026 sampai dengan 19 November 2027/);
    expect(res.body).toContain('href="/.well-known/izol-signing-keys.json"');
    expect(res.body).toContain(`href="/api/v1/verify/${first.verification_code}"`);
    expect(res.body).not.toContain('NIK');

    // A typed address (small letters, with the dash) goes to the printed one.
    const typed = await publicGet(`/v/${formatVerificationCode(first.verification_code).toLowerCase()}`);
    expect(typed.statusCode).toBe(302);
    expect(typed.headers.location).toBe(`/v/${first.verification_code}`);

    // The same in English.
    const english = new PageClient(ctx);
    await english.post('/bahasa', { lang: 'en', kembali: '/' });
    const en = await english.get(`/v/${first.verification_code}`);
    expect(en.body).toContain('This permit is genuine and valid');
    expect(en.body).toContain('BILLBOARD PERMIT');
    expect(en.body).not.toContain(citizenNik);
  });

  it('links the public home page to the verification page and the registry', async () => {
    const home = await publicGet('/');
    expect(home.body).toContain('href="/verifikasi"');
    expect(home.body).toContain('href="/registri"');
  });

  it('/verifikasi: a typed code goes to its page; an empty or malformed one is shown again with an error; an unknown code is 404', async () => {
    const form = await publicGet('/verifikasi');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<form method="get" action="/verifikasi"');
    expect(form.body).toContain('<form method="post" action="/verifikasi/pdf" enctype="multipart/form-data"');
    expect(form.body).not.toContain('name="_csrf" value="" ');

    const empty = await publicGet('/verifikasi?kode=');
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('class="error-summary"');
    expect(empty.body).toContain('href="#f-kode"');
    expect(empty.body).toContain('Masukkan kode verifikasi.');
    const malformed = await publicGet('/verifikasi?kode=abc%3Cb%3E');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('value="abc&lt;b&gt;"');
    expect(malformed.body).toContain('10 huruf dan angka');

    const typed = await publicGet(`/verifikasi?kode=${encodeURIComponent(` ${formatVerificationCode(first.verification_code).toLowerCase()} `)}`);
    expect(typed.statusCode).toBe(303);
    expect(typed.headers.location).toBe(`/v/${first.verification_code}`);

    for (const url of ['/v/ZZZZZZZZZZ', '/v/unknown', '/v/%3Cscript%3E']) {
      const missing = await publicGet(url);
      expect(missing.statusCode, url).toBe(404);
      expect(missing.body).toContain('Kode tidak ditemukan');
      expect(missing.body).toContain('data-verification-status="not_found"');
      expect(missing.body).not.toContain('<script>');
    }
  });

  it('says a signed filing receipt is genuine, with the application number and applicant, and no NIK', async () => {
    const receipt = await ctx.db
      .selectFrom('receipts')
      .select(['verification_code', 'kind'])
      .where('application_id', '=', reklameId)
      .where('kind', '=', 'filing')
      .executeTakeFirstOrThrow();
    const app = await ctx.db.selectFrom('applications').select('number').where('id', '=', reklameId).executeTakeFirstOrThrow();
    const res = await publicGet(`/v/${receipt.verification_code}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Tanda terima ini asli');
    expect(res.body).toContain('Bukti pengajuan berkas');
    expect(res.body).toContain(app.number!);
    expect(res.body).toContain(HOLDER);
    expect(res.body).toContain('href="/.well-known/izol-signing-keys.json"');
  });

  it('shows the applicant their permit with its code and receipts, and lets them download the PDF', async () => {
    const res = await citizenPage.get(`/permohonan/${reklameId}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Izin Anda');
    expect(res.body).toContain(first.number);
    expect(res.body).toContain(formatVerificationCode(first.verification_code));
    expect(res.body).toContain(`href="/permohonan/${reklameId}/izin/${first.id}.pdf"`);
    expect(res.body).toContain(`href="/v/${first.verification_code}"`);
    expect(res.body).toContain(`action="/permohonan/${reklameId}/izin/${first.id}/perpanjang"`);
    expect(res.body).toContain('Tanda terima bertanda tangan');
    const receipt = await ctx.db.selectFrom('receipts').select('verification_code').where('application_id', '=', reklameId).executeTakeFirstOrThrow();
    expect(res.body).toContain(`href="/v/${receipt.verification_code}"`);

    const download = await citizenPage.get(`/permohonan/${reklameId}/izin/${first.id}.pdf`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(
      /^attachment; filename="izin-REKLAME-\d{5}-MLG-2026\.pdf"; filename\*=UTF-8''izin-REKLAME-\d{5}-MLG-2026\.pdf$/,
    );
    expect(download.headers['cache-control']).toContain('no-store');
    pdf = download.rawPayload;
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

    // Nobody else gets it: another applicant, a visitor, or the same permit under another of the holder's files.
    expect((await otherCitizenPage.get(`/permohonan/${reklameId}/izin/${first.id}.pdf`)).statusCode).toBe(404);
    const anonymous = await new PageClient(ctx).get(`/permohonan/${reklameId}/izin/${first.id}.pdf`);
    expect(anonymous.statusCode).toBe(303);
    expect(anonymous.headers.location).toMatch(/^\/akun\/masuk\?kembali=/);
    const otherFile = (
      await ctx.app.inject({ method: 'POST', url: '/api/v1/applications', headers: auth(citizenToken), payload: { permitTypeCode: 'NIB', answers: {} } })
    ).json<{ id: string }>();
    expect((await citizenPage.get(`/permohonan/${otherFile.id}/izin/${first.id}.pdf`)).statusCode).toBe(404);
    expect((await citizenPage.get(`/permohonan/${reklameId}/izin/not-a-uuid.pdf`)).statusCode).toBe(404);
  });

  it('checks an uploaded PDF: the issued one is an unchanged copy, one changed byte is not authentic, no file is asked for again', async () => {
    // A public check: no session, only the form's anti-forgery token, as with every page form.
    const upload = (bytes: Buffer) => publicPage.upload('/verifikasi/pdf', 'izin.pdf', bytes, 'application/pdf');
    const genuine = await upload(pdf);
    expect(genuine.statusCode).toBe(200);
    expect(genuine.body).toContain(`Berkas PDF ini salinan utuh izin ${first.number}.`);
    expect(genuine.body).toContain('Izin ini sah dan berlaku');
    expect(genuine.body).not.toContain(citizenNik);

    const changed = Buffer.from(pdf);
    const at = Math.floor(changed.length / 2);
    changed[at] = changed[at]! ^ 0x01;
    const forged = await upload(changed);
    expect(forged.statusCode).toBe(200);
    expect(forged.body).toContain('data-verification-status="not_authentic"');
    expect(forged.body).toContain('Berkas ini bukan salinan asli izin dari kantor ini');
    expect(forged.body).not.toContain(first.number);

    const none = await upload(Buffer.alloc(0));
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('class="error-summary"');
    expect(none.body).toContain('href="#f-file"');
    const tooLarge = await upload(Buffer.alloc(MAX_CHECKED_PDF_BYTES + 1));
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.body).toContain('href="#f-file"');
    expect(tooLarge.body).toContain(`${MAX_CHECKED_PDF_BYTES / 1048576} MB`);

    // Without the form's token (a forged cross-site post; scripts use POST /api/v1/verify/pdf) the page
    // refuses before reading the file, as it does a form that is not multipart, whose token it cannot read.
    const tokenless = await publicPage.upload('/verifikasi/pdf', 'izin.pdf', pdf, 'application/pdf', { csrf: false });
    expect(tokenless.statusCode).toBe(403);
    expect(tokenless.body).toContain('Halaman sudah kedaluwarsa');
    expect(tokenless.body).not.toContain(first.number);
    const notMultipart = await publicPage.post('/verifikasi/pdf', { file: 'x' });
    expect(notMultipart.statusCode).toBe(403);
  });

  it('renews from the applicant page: a pre-filled draft, the same one on a second press', async () => {
    const url = `/permohonan/${reklameId}/izin/${first.id}/perpanjang`;
    expect((await citizenPage.post(url, {}, { csrf: false })).statusCode).toBe(403);
    expect(await ctx.db.selectFrom('applications').select('id').where('renews_permit_id', '=', first.id).execute()).toHaveLength(0);

    const res = await citizenPage.post(url, {});
    expect(res.statusCode).toBe(303);
    const match = /^\/permohonan\/([0-9a-f-]{36})\?perpanjangan=1$/.exec(res.headers.location as string);
    expect(match).not.toBeNull();
    const draftId = match![1]!;
    expect(draftId).not.toBe(reklameId);
    const draft = await ctx.db
      .selectFrom('applications')
      .select(['state', 'answers', 'renews_permit_id', 'permit_code'])
      .where('id', '=', draftId)
      .executeTakeFirstOrThrow();
    expect(draft).toMatchObject({ state: 'draft', renews_permit_id: first.id, permit_code: 'REKLAME' });
    expect(JSON.parse(draft.answers)).toMatchObject({ billboardAddress: BILLBOARD_ADDRESS, isRenewal: true });

    const page = await citizenPage.get(res.headers.location as string);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('banner--success');
    expect(page.body).toContain(BILLBOARD_ADDRESS);

    const again = await citizenPage.post(url, {});
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toBe(`/permohonan/${draftId}?perpanjangan=1`);
    expect(await ctx.db.selectFrom('applications').select('id').where('renews_permit_id', '=', first.id).execute()).toHaveLength(1);
  });

  it('shows other officers the permit without the head’s forms; their revoke is refused and changes nothing; their download is audited', async () => {
    const res = await officers.verifier.get(caseUrl());
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('id="case-permits"');
    expect(res.body).toContain(first.number);
    expect(res.body).toContain(`href="/kantor/berkas/${reklameId}/izin/${first.id}.pdf"`);
    expect(res.body).not.toContain('/cabut"');
    expect(res.body).not.toContain('/terbitkan-ulang"');

    const revoke = await officers.verifier.post(`${caseUrl()}/izin/${first.id}/cabut`, { [`permit-${first.id}-revoke-reason`]: 'Dicabut oleh verifikator' });
    expect(revoke.statusCode).toBe(403);
    const reissue = await officers.verifier.post(`${caseUrl()}/izin/${first.id}/terbitkan-ulang`, {
      [`permit-${first.id}-reissue-reason`]: 'Koreksi oleh verifikator',
      [`permit-${first.id}-reissue-holder`]: 'Orang Lain',
    });
    expect(reissue.statusCode).toBe(403);
    expect(await permitById(first.id)).toEqual(first);

    const download = await officers.verifier.get(`${caseUrl()}/izin/${first.id}.pdf`);
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.rawPayload.equals(pdf)).toBe(true);
    const audit = await ctx.db.selectFrom('audit_events').select(['action', 'subject_id']).where('action', '=', 'permit.pdf_opened').execute();
    expect(audit).toEqual([{ action: 'permit.pdf_opened', subject_id: first.id }]);

    // Applicants never reach the officers' routes.
    expect((await citizenPage.get(`${caseUrl()}/izin/${first.id}.pdf`)).statusCode).toBe(403);
    expect((await citizenPage.post(`${caseUrl()}/izin/${first.id}/cabut`, { [`permit-${first.id}-revoke-reason`]: 'Saya cabut sendiri' })).statusCode).toBe(
      403,
    );
    expect(await permitById(first.id)).toEqual(first);
  });

  it('re-issues a correction from the head’s form: a new permit, and the old page says superseded and links to it', async () => {
    const page = await officers.head.get(caseUrl());
    expect(page.body).toContain(`action="/kantor/berkas/${reklameId}/izin/${first.id}/cabut"`);
    expect(page.body).toContain(`action="/kantor/berkas/${reklameId}/izin/${first.id}/terbitkan-ulang"`);
    expect(page.body).toContain(`value="${HOLDER}"`);

    const holder = `permit-${first.id}-reissue-holder`;
    const reason = `permit-${first.id}-reissue-reason`;
    const blank = await officers.head.post(`${caseUrl()}/izin/${first.id}/terbitkan-ulang`, { [holder]: '  ', [reason]: 'abc' });
    expect(blank.statusCode).toBe(400);
    expect(blank.body).toContain('class="error-summary"');
    expect(blank.body).toContain(`href="#f-${holder}"`);
    expect(blank.body).toContain(`href="#f-${reason}"`);
    expect(await permitsOf(reklameId)).toHaveLength(1);

    const res = await officers.head.post(`${caseUrl()}/izin/${first.id}/terbitkan-ulang`, {
      [holder]: `${HOLDER}, S.E.`,
      [reason]: 'Gelar pemegang izin belum tercantum',
    });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    expect(res.headers.location).toBe(`${caseUrl()}?tersimpan=izin-terbit-ulang#case-permits`);
    const after = await officers.head.get(res.headers.location as string);
    expect(after.body).toContain('banner--success');

    const permits = await permitsOf(reklameId);
    expect(permits).toHaveLength(2);
    second = permits.find((p) => p.id !== first.id)!;
    expect(second).toMatchObject({ status: 'valid', holder_name: `${HOLDER}, S.E.` });
    expect(await permitById(first.id)).toMatchObject({ status: 'superseded', superseded_by_id: second.id });
    first = await permitById(first.id);

    const old = await publicGet(`/v/${first.verification_code}`);
    expect(old.statusCode).toBe(200);
    expect(old.body).toContain('data-verification-status="superseded"');
    expect(old.body).toContain('Izin ini sudah diganti');
    expect(old.body).toContain(`href="/v/${second.verification_code}"`);
    expect(old.body).toContain(second.number);
    const fresh = await publicGet(`/v/${second.verification_code}`);
    expect(fresh.body).toContain('Izin ini sah dan berlaku');
    expect(fresh.body).toContain(`${HOLDER}, S.E.`);
    expect(fresh.body).toContain(`Menggantikan izin`);

    // The old PDF is still byte for byte the old permit: authentic, but superseded.
    const check = await publicPage.upload('/verifikasi/pdf', 'izin.pdf', pdf, 'application/pdf');
    expect(check.body).toContain(`Berkas PDF ini salinan utuh izin ${first.number}.`);
    expect(check.body).toContain('Izin ini sudah diganti');
  });

  it('revokes from the head’s form (token and reason required); the public page then says revoked, with the date and reason', async () => {
    const before = await publicGet(`/v/${second.verification_code}`);
    expect(before.body).toContain('Izin ini sah dan berlaku');
    const reason = `permit-${second.id}-revoke-reason`;
    const url = `${caseUrl()}/izin/${second.id}/cabut`;
    const snapshot = await permitById(second.id);

    const forged = await officers.head.post(url, { [reason]: 'Reklame dibongkar' }, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(forged.body).toContain('Halaman sudah kedaluwarsa');
    expect(await permitById(second.id)).toEqual(snapshot);

    const short = await officers.head.post(url, { [reason]: 'abc' });
    expect(short.statusCode).toBe(400);
    expect(short.body).toContain('class="error-summary"');
    expect(short.body).toContain(`href="#f-${reason}"`);
    expect(short.body).toContain('>abc</textarea>');
    expect(await permitById(second.id)).toEqual(snapshot);

    const text = 'Reklame dibongkar <atas> permintaan pemilik';
    const res = await officers.head.post(url, { [reason]: text });
    expect(res.statusCode, res.body.slice(0, 1500)).toBe(303);
    expect(res.headers.location).toBe(`${caseUrl()}?tersimpan=izin-dicabut#case-permits`);
    expect(await permitById(second.id)).toMatchObject({ status: 'revoked', revocation_reason: text });

    const page = await publicGet(`/v/${second.verification_code}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-verification-status="revoked"');
    expect(page.body).toContain('Izin ini sudah dicabut');
    expect(page.body).toContain('Reklame dibongkar &lt;atas&gt; permintaan pemilik');
    expect(page.body).toMatch(/Dicabut pada 20 Nov 2026/);

    // No more forms for it; a second revoke is refused on the case page, at the service's status.
    const casePage = await officers.head.get(caseUrl());
    expect(casePage.body).not.toContain(`action="${url}"`);
    const again = await officers.head.post(url, { [reason]: 'Sekali lagi dicabut' });
    expect(again.statusCode).toBe(409);
    expect(again.body).toContain('class="error-summary"');
    expect(await permitById(second.id)).toMatchObject({ status: 'revoked', revocation_reason: text });

    // The applicant sees it revoked, and no renewal is offered for it.
    const mine = await citizenPage.get(`/permohonan/${reklameId}`);
    expect(mine.body).toContain('Dicabut');
    expect(mine.body).not.toContain(`action="/permohonan/${reklameId}/izin/${second.id}/perpanjang"`);
  });

  it('the registry finds permits by holder and by number, filters by status and type, pages through, and exports the same search', async () => {
    for (let i = 1; i <= NIB_COUNT; i++) await issue(otherCitizenToken, 'NIB', { businessName: `Toko Uji ${String(i).padStart(2, '0')}` });

    const all = await publicGet('/registri');
    expect(all.statusCode).toBe(200);
    expect(all.body).toContain(`dari ${NIB_COUNT + 2} izin`);
    expect(rows(all.body)).toBe(20);
    expect(all.body).toContain('<caption class="table__caption" id="registry-caption">');
    expect(all.body).toContain('href="/api/v1/registry/schema.json"');

    const byHolder = await publicGet('/registri?q=wahyuni');
    expect(rows(byHolder.body)).toBe(2);
    expect(byHolder.body).toContain(`<a href="/v/${first.verification_code}">${first.number}</a>`);
    expect(byHolder.body).toContain(`<a href="/v/${second.verification_code}">${second.number}</a>`);
    expect(byHolder.body).not.toContain('Toko Uji');

    const byNumber = await publicGet(`/registri?q=${encodeURIComponent(first.number)}`);
    expect(rows(byNumber.body)).toBe(1);
    expect(byNumber.body).toContain(first.number);

    const revoked = await publicGet('/registri?status=revoked');
    expect(rows(revoked.body)).toBe(1);
    expect(revoked.body).toContain(second.number);
    expect(revoked.body).toContain('tag--red');
    const superseded = await publicGet('/registri?status=superseded');
    expect(rows(superseded.body)).toBe(1);
    expect(superseded.body).toContain(first.number);
    const valid = await publicGet('/registri?status=valid&type=NIB');
    expect(valid.body).toContain(`dari ${NIB_COUNT} izin`);
    expect(valid.body).toContain('Tanpa batas');
    const none = await publicGet('/registri?from=2026-11-21');
    expect(none.statusCode).toBe(200);
    expect(rows(none.body)).toBe(0);
    expect(none.body).toContain('Tidak ada izin yang cocok');

    const page1 = await publicGet('/registri?type=NIB');
    expect(rows(page1.body)).toBe(20);
    expect(page1.body).toContain(`Menampilkan 1–20 dari ${NIB_COUNT} izin`);
    expect(page1.body).toContain('href="/registri?type=NIB&amp;page=2" rel="next"');
    expect(page1.body).toContain('href="/api/v1/registry/export.csv?type=NIB"');
    expect(page1.body).toContain('href="/api/v1/registry/export.json?type=NIB"');
    const page2 = await publicGet('/registri?type=NIB&page=2');
    expect(rows(page2.body)).toBe(1);
    expect(page2.body).toContain('href="/registri?type=NIB" rel="prev"');
    expect(page2.body).not.toContain('rel="next"');

    const csv = await ctx.app.inject({ url: '/api/v1/registry/export.csv?type=NIB' });
    expect(csv.statusCode).toBe(200);
    expect(csv.body.trim().split('\r\n')).toHaveLength(NIB_COUNT + 1);
    const exported = await ctx.app.inject({ url: `/api/v1/registry/export.json?q=${encodeURIComponent('wahyuni')}&status=revoked` });
    expect(exported.json()).toMatchObject([{ PermitNum: second.number }]);
  }, 120_000);

  it('the registry shows bad filters again with an error summary and a 400, never a crash', async () => {
    for (const [query, field] of [
      ['from=2026-13-45', 'from'],
      // Strict calendar dates: a day February does not have is refused, not rolled over into March.
      ['from=2026-02-30', 'from'],
      ['to=2026-2-3', 'to'],
      ['to=kemarin', 'to'],
      ['from=2026-11-21&to=2026-11-01', 'to'],
      ['status=dibatalkan', 'status'],
      ['type=BUKAN', 'type'],
      [`q=${'x'.repeat(150)}`, 'q'],
    ] as const) {
      const res = await publicGet(`/registri?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.body).toContain('class="error-summary"');
      expect(res.body).toContain(`href="#f-${field}"`);
      expect(rows(res.body)).toBe(0);
    }
    // Both dates wrong: each named once, and no range error on top.
    const both = await publicGet('/registri?from=2026-02-30&to=2026-02-31');
    expect(both.body.match(/<a href="#f-(from|to)"/g)).toEqual(['<a href="#f-from"', '<a href="#f-to"']);
    expect(both.body).not.toContain('harus sama dengan atau sesudah');
    // A repeated field counts by its first value, as the form would send it once.
    const repeated = await publicGet('/registri?status=revoked&status=valid');
    expect(repeated.statusCode).toBe(200);
    expect(repeated.body).toContain('<option value="revoked" selected>');
    // Not shown as a filter: a hidden type (AK1 is not in the public registry).
    expect((await publicGet('/registri?type=AK1')).statusCode).toBe(400);
    // A nonsense page number is the first page; one past the end is empty with a way back.
    expect(rows((await publicGet('/registri?page=abc')).body)).toBe(20);
    const beyond = await publicGet('/registri?page=99');
    expect(beyond.statusCode).toBe(200);
    expect(beyond.body).toContain('href="/registri"');
  });
});
