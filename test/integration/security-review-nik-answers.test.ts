import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNik, storedAnswersOf, type SealedNik } from '../../src/catalogue/answers.js';
import { totpAt } from '../../src/auth/totp.js';
import { answerNikMigration } from '../../src/db/migrations/0015_answer_nik.js';
import { blindIndex } from '../../src/shared/crypto.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { act, issuedPermit, readyDraft } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';

/**
 * Security review (issue 10, item 6): NIKs typed as form answers (the AK/I yellow card, the NIB
 * types) were stored in plain text and returned unmasked, against ARCHITECTURE decision 10. Now each
 * is sealed like the account NIK (ciphertext, blind index, masked form), every view and API response
 * shows it masked, and migration 0015 seals the rows written before.
 */
const NIK = '3573014506900002'; // what the journeys helper answers for a NIK field
const MASKED = '3573••••••••••02';

describe.each(DIALECTS)('security review: NIK form answers encrypted and masked (%s): LAW-2', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string; email: string };
  let id: string;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    id = await readyDraft(ctx, applicant.token, 'AK1');
  });
  afterAll(async () => ctx?.close());

  const key = () => ctx.services.config.dataEncryptionKey;
  const row = () => ctx.db.selectFrom('applications').select(['id', 'answers']).where('id', '=', id).executeTakeFirstOrThrow();

  it('stores the NIK answer sealed: no plain NIK in the row, its ciphertext opens to it, its blind index is the account one', async () => {
    const stored = await row();
    expect(stored.answers).not.toContain(NIK);
    const sealed = storedAnswersOf(stored).nik as SealedNik;
    expect(sealed.nik.masked).toBe(MASKED);
    expect(sealed.nik.index).toBe(blindIndex(key(), 'nik', NIK));
    expect(openNik(key(), sealed)).toBe(NIK);
  });

  it('the API shows it masked, to the applicant and to the office', async () => {
    const verifier = await userWithToken(ctx, 'verifier');
    for (const token of [applicant.token, verifier.token]) {
      const res = await ctx.app.inject({ url: `/api/v1/applications/${id}`, headers: auth(token) });
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(NIK);
      expect(res.json<{ answers: Record<string, unknown> }>().answers.nik).toBe(MASKED);
    }
  });

  it("the applicant's pages show it masked, the question page too", async () => {
    const page = new PageClient(ctx);
    const signIn = await page.post('/akun/masuk', { login: applicant.email, password: 'applicant-password-' + applicant.email.split('.')[1] + '-long' });
    expect(signIn.statusCode).toBe(303);
    for (const url of [`/permohonan/${id}`, `/permohonan/${id}/periksa`, `/permohonan/${id}/isian/nik`]) {
      const res = await page.get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).not.toContain(NIK);
      expect(res.body, url).toContain(MASKED);
    }
  });

  it('the office case page shows it masked', async () => {
    const email = `verifikator.${Math.random().toString(36).slice(2, 8)}@kantor.izol.test`;
    const password = 'verifikator kata sandi panjang';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'verifier', name: 'Uji Verifikator', email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    const page = new PageClient(ctx);
    expect((await page.post('/akun/masuk', { login: email, password })).headers.location).toBe('/kantor/kode');
    expect((await page.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);
    const res = await page.get(`/kantor/berkas/${id}`);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(NIK);
    expect(res.body).toContain(MASKED);
  });

  it('sending the masked form back keeps the stored NIK; a new NIK replaces it; a masked form of another NIK is refused', async () => {
    const before = storedAnswersOf(await row()).nik as SealedNik;
    const patch = (answers: Record<string, unknown>) =>
      ctx.app.inject({ method: 'PATCH', url: `/api/v1/applications/${id}`, headers: auth(applicant.token), payload: { answers } });
    expect((await patch({ nik: MASKED })).statusCode).toBe(200);
    expect(storedAnswersOf(await row()).nik).toEqual(before);
    const refused = await patch({ nik: '3573••••••••••99' });
    expect(refused.statusCode).toBe(422);
    expect(refused.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toContain('answers.nik');
    expect(storedAnswersOf(await row()).nik).toEqual(before);
    const other = '3507124101880003';
    expect((await patch({ nik: other })).statusCode).toBe(200);
    const after = storedAnswersOf(await row()).nik as SealedNik;
    expect(openNik(key(), after)).toBe(other);
    expect((await row()).answers).not.toContain(other);
    expect((await patch({ nik: NIK })).statusCode).toBe(200);
  });

  it('a file with a sealed NIK can be filed (the check reads the masked answer as answered)', async () => {
    const res = await act(ctx, applicant.token, id, 'submit');
    expect(res.statusCode, res.body).toBe(200);
    expect(openNik(key(), storedAnswersOf(await row()).nik as SealedNik)).toBe(NIK);
  });

  it("a permit's correction by re-issue keeps the sealed NIK, and seals one the head types in", async () => {
    const staff = {
      verifier: (await userWithToken(ctx, 'verifier')).token,
      technical: (await userWithToken(ctx, 'technical')).token,
      head: (await userWithToken(ctx, 'head')).token,
    };
    const permit = await issuedPermit(ctx, applicant.token, staff, 'AK1');
    const reissue = (answers: Record<string, unknown>, permitId: string) =>
      ctx.app.inject({
        method: 'POST',
        url: `/api/v1/permits/${permitId}/reissue`,
        headers: auth(staff.head),
        payload: { reason: 'Jurusan salah ketik.', answers },
      });
    const stored = async () => {
      const r = await ctx.db.selectFrom('applications').select(['id', 'answers']).where('id', '=', permit.applicationId).executeTakeFirstOrThrow();
      expect(r.answers).not.toMatch(/"\d{16}"/);
      return storedAnswersOf(r);
    };
    const first = await reissue({ major: 'Teknik Informatika', nik: MASKED }, permit.permitId);
    expect(first.statusCode, first.body).toBe(201);
    const afterFirst = await stored();
    expect(afterFirst.major).toBe('Teknik Informatika');
    expect(openNik(key(), afterFirst.nik as SealedNik)).toBe(NIK);
    const other = '3573015507910003';
    const second = await reissue({ nik: other }, first.json<{ id: string }>().id);
    expect(second.statusCode, second.body).toBe(201);
    expect(openNik(key(), (await stored()).nik as SealedNik)).toBe(other);
  });

  it('migration 0015 seals plain NIK answers written before it, and down opens them again', async () => {
    // A row as the code before this migration wrote it: the NIK in plain text.
    const plainId = await readyDraft(ctx, applicant.token, 'NIB');
    const answers = {
      ...JSON.parse((await ctx.db.selectFrom('applications').select('answers').where('id', '=', plainId).executeTakeFirstOrThrow()).answers),
    } as Record<string, unknown>;
    answers.nik = NIK;
    await ctx.db
      .updateTable('applications')
      .set({ answers: JSON.stringify(answers) })
      .where('id', '=', plainId)
      .execute();
    const migration = answerNikMigration(key);
    await migration.up(ctx.db);
    const sealed = await ctx.db.selectFrom('applications').select(['id', 'answers']).where('id', '=', plainId).executeTakeFirstOrThrow();
    expect(sealed.answers).not.toContain(NIK);
    expect(openNik(key(), storedAnswersOf(sealed).nik as SealedNik)).toBe(NIK);
    // The rows sealed already are left as they were.
    const untouched = storedAnswersOf(await row()).nik;
    await migration.up(ctx.db);
    expect(storedAnswersOf(await row()).nik).toEqual(untouched);
    // Down gives the plain NIK back; up seals it again.
    await migration.down!(ctx.db);
    expect(JSON.parse((await row()).answers)).toMatchObject({ nik: NIK });
    await migration.up(ctx.db);
    expect((await row()).answers).not.toContain(NIK);
    const api = await ctx.app.inject({ url: `/api/v1/applications/${plainId}`, headers: auth(applicant.token) });
    expect(api.json<{ answers: Record<string, unknown> }>().answers.nik).toBe(MASKED);
  });
});
