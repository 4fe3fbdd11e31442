/**
 * The PBG retribution engine through the JSON API and the treasurer's case page, on SQLite and PostgreSQL:
 * a PBG file with DOMAIN.md's worked-example answers reaches fee assessment and is priced at exactly
 * Rp 6,176,270 with its breakdown; the page shows the calculation and fills the fee in; a different amount
 * set by the treasurer keeps the computed one on record; a free permit is 0; applicants and other offices
 * cannot read it; a filing year without coefficients is a readable 409.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import { ensureOffice } from '../../src/bootstrap.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { auth, createTestContext, enrollSecondFactor, json, SECOND_OFFICE, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { PageClient } from '../helpers/pages.js';
import { carryToIssued } from '../helpers/permits.js';

/** DOMAIN.md's worked example: a small-business (UMKM) building, 2 floors, not simple, permanent, private, new, 235 m². */
const WORKED_EXAMPLE = {
  buildingFunction: 'umkm',
  floorCount: 2,
  complexity: 'not_simple',
  permanence: 'permanent',
  ownership: 'private',
  buildingWorkType: 'new',
  floorArea: 235,
  lowIncomeHouse: false,
};

type Assessment = {
  rule: string;
  amount: number;
  beforeWaiver: number;
  waiver: Record<string, unknown> | null;
  year: number;
  dataNote: string | null;
  breakdown: Record<string, unknown> | null;
};
type Problem = { status: number; code: string; detail: string };

describe.each(DIALECTS)('PBG retribution engine (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;
  let treasurerPage: PageClient;
  let pbgId = '';

  /** A file of `code` with `answers` over the valid defaults, filed and carried by the officers to fee assessment (or as far as its workflow goes). */
  async function fileAtFeeAssessment(code: string, answers: Record<string, unknown> = {}): Promise<string> {
    const id = await readyDraft(ctx, applicant.token, code, { answers: { ...(await validAnswers(ctx, code)), ...answers } });
    const submitted = await act(ctx, applicant.token, id, 'submit');
    expect(submitted.statusCode, submitted.body).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    return id;
  }

  const getFee = (token: string, id: string, headers: Record<string, string> = {}) =>
    ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${id}/fee`, headers: auth(token, headers) });

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    // The treasurer's browser: password, then the authenticator code.
    const email = `bendahara.${Math.random().toString(36).slice(2, 8)}@retribusi.izol.test`;
    const password = 'bendahara kata sandi panjang';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'treasurer', name: 'Bendahara Halaman', email, password });
    const secret = await enrollSecondFactor(ctx, userId);
    treasurerPage = new PageClient(ctx);
    await treasurerPage.post('/akun/masuk', { login: email, password });
    expect((await treasurerPage.post('/kantor/kode', { code: totpAt(secret, ctx.clock.now()) })).statusCode).toBe(303);

    pbgId = await fileAtFeeAssessment('PBG', WORKED_EXAMPLE);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('prices the worked example at exactly Rp 6,176,270, with the breakdown and the data note', async () => {
    const state = await ctx.db.selectFrom('applications').select('state').where('id', '=', pbgId).executeTakeFirstOrThrow();
    expect(state.state).toBe('fee_assessment');
    const res = await getFee(staff.treasurer.token, pbgId);
    expect(res.statusCode, res.body).toBe(200);
    const body = json<Assessment>(res);
    expect(body).toMatchObject({ rule: 'pbg_retribution', amount: 6_176_270, year: 2026 });
    expect(body.breakdown).toMatchObject({
      llt: 235,
      ilo: 0.005,
      shst: 6_800_000,
      functionClass: 'umkm',
      if: 0.5,
      complexity: 2,
      permanence: 2,
      heightIndex: 1.09,
      fm: 1,
      it: 0.773,
      ibg: 1,
    });
    expect(body.breakdown!.formula).toContain('235 × (0.005 × 6800000) × 0.773 × 1 = 6176270');
    expect(body.dataNote).toMatch(/SHST .* placeholder/);
    // Every officer of the office may read it, not only the treasurer.
    expect(json<Assessment>(await getFee(staff.verifier.token, pbgId)).amount).toBe(6_176_270);
  });

  it('shows the treasurer the calculation on the case page and fills the fee in with it', async () => {
    const page = await treasurerPage.get(`/kantor/berkas/${pbgId}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Perhitungan retribusi PBG (koefisien tahun 2026)');
    expect(page.body).toContain('Luas lantai (LLt)');
    expect(page.body).toContain('235 m²');
    expect(page.body).toContain('0,005');
    expect(page.body).toContain('Rp 6.800.000 per m²');
    expect(page.body).toContain('0,773 = If 0,5 × (0,3 × kompleksitas 2 + 0,2 × permanensi 2 + 0,5 × ketinggian 1,09) × Fm 1');
    expect(page.body).toContain('LLt × (Ilo × SHST) × It × Ibg = 235 × (0,005 × Rp 6.800.000) × 0,773 × 1 = Rp 6.176.270');
    expect(page.body).toMatch(/<input[^>]*id="f-action-assess_fee-fee"[^>]*value="6176270"|<input[^>]*value="6176270"[^>]*id="f-action-assess_fee-fee"/);
    expect(page.body).toContain('SHST Rp 6,800,000 per m² is a placeholder');
  });

  it('asks the reason for another amount than the rules give, and keeps both amounts and the reason on record', async () => {
    const other = await fileAtFeeAssessment('PBG', WORKED_EXAMPLE);
    const events = async () => ctx.db.selectFrom('application_events').select('action').where('application_id', '=', other).execute();
    const before = (await events()).length;
    // Without a reason: the form again with the error summary, nothing written.
    const refused = await treasurerPage.post(`/kantor/berkas/${other}/tindakan`, { action: 'assess_fee', 'action-assess_fee-fee': '6.000.000' });
    expect(refused.statusCode).toBe(400);
    const summary = /<div class="error-summary"[\s\S]*?<\/div>/.exec(refused.body)?.[0] ?? '';
    expect(summary).toContain('<a href="#f-action-assess_fee-fee-reason">Tulis alasan mengapa jumlahnya berbeda dari hasil perhitungan aturan retribusi.</a>');
    expect(refused.body).toMatch(/<textarea[^>]*id="f-action-assess_fee-fee-reason"/);
    expect(refused.body).toContain('value="6.000.000"');
    expect(await ctx.db.selectFrom('applications').select(['state', 'fee_amount']).where('id', '=', other).executeTakeFirstOrThrow()).toEqual({
      state: 'fee_assessment',
      fee_amount: null,
    });
    expect(await events()).toHaveLength(before);
    expect(await ctx.db.selectFrom('bills').select('id').where('application_id', '=', other).execute()).toEqual([]);

    const res = await treasurerPage.post(`/kantor/berkas/${other}/tindakan`, {
      action: 'assess_fee',
      'action-assess_fee-fee': '6.000.000',
      'action-assess_fee-fee-reason': 'Luas terukur saat kajian teknis 228 m²',
    });
    expect(res.statusCode, res.body.match(/error-summary[\s\S]*?<\/ul>/)?.[0]).toBe(303);
    const row = await ctx.db.selectFrom('applications').select(['state', 'fee_amount']).where('id', '=', other).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'awaiting_payment', fee_amount: 6_000_000 });
    const event = await ctx.db
      .selectFrom('application_events')
      .select('data')
      .where('application_id', '=', other)
      .where('action', '=', 'assess_fee')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.data)).toMatchObject({ feeAmount: 6_000_000, computedAmount: 6_176_270, feeReason: 'Luas terukur saat kajian teknis 228 m²' });
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('subject_id', '=', other)
      .where('action', '=', 'application.assess_fee')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ feeAmount: 6_000_000, computedAmount: 6_176_270, feeReason: 'Luas terukur saat kajian teknis 228 m²' });
    // The case page's timeline says it, for the head who approves next.
    const timeline = /<ol class="timeline">[\s\S]*?<\/ol>/.exec((await treasurerPage.get(`/kantor/berkas/${other}`)).body)?.[0] ?? '';
    expect(timeline).toContain('Ditetapkan Rp 6.000.000, berbeda dari hasil perhitungan Rp 6.176.270. Alasan: Luas terukur saat kajian teknis 228 m²');

    // Through the API too: another amount without feeReason is a 400 naming the field, and changes nothing.
    const noReason = await act(ctx, staff.treasurer.token, pbgId, 'assess_fee', { feeAmount: 6_000_000, feeReason: '   ' });
    expect(noReason.statusCode).toBe(400);
    expect(json<Problem & { errors: { field: string; code: string }[] }>(noReason).errors).toEqual([
      expect.objectContaining({ field: 'feeReason', code: 'fee_reason_required' }),
    ]);
    expect((await ctx.db.selectFrom('applications').select('state').where('id', '=', pbgId).executeTakeFirstOrThrow()).state).toBe('fee_assessment');

    // The computed amount, taken as it is (through the API), is recorded once, with no reason asked.
    const same = await act(ctx, staff.treasurer.token, pbgId, 'assess_fee', { feeAmount: 6_176_270 });
    expect(same.statusCode, same.body).toBe(200);
    const sameEvent = await ctx.db
      .selectFrom('application_events')
      .select('data')
      .where('application_id', '=', pbgId)
      .where('action', '=', 'assess_fee')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(sameEvent.data)).toMatchObject({ feeAmount: 6_176_270 });
    expect(Object.keys(JSON.parse(sameEvent.data) as object)).not.toContain('computedAmount');
    expect(Object.keys(JSON.parse(sameEvent.data) as object)).not.toContain('feeReason');
    // Once the fee is set, the page no longer offers the calculation.
    const after = await treasurerPage.get(`/kantor/berkas/${pbgId}`);
    expect(after.body).toContain('Rp 6.176.270, belum dibayar');
    expect(after.body).not.toContain('case-fee-calculation');
  });

  it('takes the MBR waiver off when the applicant answered yes: 0, with the reason and legal basis, recorded with the assessment', async () => {
    // A simple low-income house: 60 m², 1 floor. 60 × (0.005 × 6,800,000) × 0.225 × 1 = 459,000 before the waiver.
    const id = await fileAtFeeAssessment('PBG', { ...WORKED_EXAMPLE, buildingFunction: 'housing_small', floorArea: 60, floorCount: 1, lowIncomeHouse: true });
    const res = await getFee(staff.treasurer.token, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(json<Assessment>(res)).toMatchObject({
      rule: 'pbg_retribution',
      amount: 0,
      beforeWaiver: 459_000,
      waiver: {
        code: 'mbr',
        field: 'lowIncomeHouse',
        percent: 100,
        amountOff: 459_000,
        reason: { id: expect.stringContaining('(MBR) dikenakan retribusi PBG 0%') as unknown },
      },
      breakdown: { llt: 60, if: 0.15, it: 0.225 },
    });
    const page = await treasurerPage.get(`/kantor/berkas/${id}`);
    expect(page.body).toContain('Keringanan 100%');
    expect(page.body).toContain('Rumah tinggal sederhana untuk masyarakat berpenghasilan rendah (MBR) dikenakan retribusi PBG 0%.');
    expect(page.body).toContain('Dari Rp 459.000 dikurangi Rp 459.000.');
    expect(page.body).toContain('= Rp 459.000 (dibulatkan ke rupiah penuh)');
    expect(page.body).toMatch(/<input[^>]*id="f-action-assess_fee-fee"[^>]*value="0"|<input[^>]*value="0"[^>]*id="f-action-assess_fee-fee"/);

    const set = await treasurerPage.post(`/kantor/berkas/${id}/tindakan`, { action: 'assess_fee', 'action-assess_fee-fee': '0' });
    expect(set.statusCode, set.body.match(/error-summary[\s\S]*?<\/ul>/)?.[0]).toBe(303);
    const waiver = {
      code: 'mbr',
      percent: 100,
      reason: 'Rumah tinggal sederhana untuk masyarakat berpenghasilan rendah (MBR) dikenakan retribusi PBG 0%.',
      legalBasis: expect.stringContaining('Peraturan Daerah Kota Malang') as unknown,
      amountOff: 459_000,
      beforeWaiver: 459_000,
    };
    const event = await ctx.db
      .selectFrom('application_events')
      .select('data')
      .where('application_id', '=', id)
      .where('action', '=', 'assess_fee')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.data)).toMatchObject({ feeAmount: 0, waiver });
    const audit = await ctx.db
      .selectFrom('audit_events')
      .select('data')
      .where('subject_id', '=', id)
      .where('action', '=', 'application.assess_fee')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(audit.data)).toMatchObject({ feeAmount: 0, waiver });
    const timeline = /<ol class="timeline">[\s\S]*?<\/ol>/.exec((await treasurerPage.get(`/kantor/berkas/${id}`)).body)?.[0] ?? '';
    expect(timeline).toContain('Keringanan 100%: Rumah tinggal sederhana untuk masyarakat berpenghasilan rendah (MBR) dikenakan retribusi PBG 0%.');
    // Nothing to pay: no bill, and the file moves past payment.
    expect(await ctx.db.selectFrom('bills').select('id').where('application_id', '=', id).execute()).toEqual([]);
  });

  it('gives 0 with no breakdown for a free permit type', async () => {
    const id = await fileAtFeeAssessment('REKLAME');
    const res = await getFee(staff.verifier.token, id);
    expect(res.statusCode, res.body).toBe(200);
    expect(json<Assessment>(res)).toEqual({
      rule: 'free',
      amount: 0,
      beforeWaiver: 0,
      waiver: null,
      breakdown: null,
      calculation: null,
      year: 2026,
      dataNote: null,
    });
    // Nothing about a retribution on a free file's page.
    expect((await treasurerPage.get(`/kantor/berkas/${id}`)).body).not.toContain('case-fee-calculation');
  });

  it('does not let the applicant, a draft, or another office read it', async () => {
    const mine = await getFee(applicant.token, pbgId);
    expect(mine.statusCode).toBe(403);
    expect(mine.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(json<Problem>(mine).code).toBe('forbidden');

    const draft = await readyDraft(ctx, applicant.token, 'PBG');
    const notFiled = await getFee(staff.treasurer.token, draft);
    expect(notFiled.statusCode).toBe(409);
    expect(json<Problem>(notFiled).code).toBe('invalid_state');

    const batu = await ensureOffice(ctx.services, SECOND_OFFICE);
    const outsider = await userWithToken(ctx, 'treasurer', { host: 'batu.izol.test', tenantId: batu.id });
    const res = await ctx.app.inject({ method: 'GET', url: `/api/v1/applications/${pbgId}/fee`, headers: auth(outsider.token, { host: 'batu.izol.test' }) });
    expect(res.statusCode).toBe(404);
  });

  it('answers a filing year without coefficients with a 409 the treasurer can act on, and the page says so', async () => {
    ctx.clock.set('2025-11-20T03:00:00.000Z');
    let id: string;
    try {
      id = await fileAtFeeAssessment('PBG', WORKED_EXAMPLE);
    } finally {
      ctx.clock.set('2026-11-20T03:00:00.000Z');
    }
    const res = await getFee(staff.treasurer.token, id);
    expect(res.statusCode).toBe(409);
    const problem = json<Problem>(res);
    expect(problem.code).toBe('precondition_failed');
    expect(problem.detail).toContain('koefisien retribusi PBG');
    expect(problem.detail).toContain('2025');
    const english = json<Problem>(await getFee(staff.treasurer.token, id, { 'accept-language': 'en' }));
    expect(english.detail).toBe(
      'This cannot be done yet: the office must set complete PBG retribution coefficients (SHST and indices) for the filing year 2025; until then, work the fee out by hand.',
    );

    // The page still lets the treasurer set the fee by hand, and says why it is not filled in.
    const page = await treasurerPage.get(`/kantor/berkas/${id}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Retribusi belum dapat dihitung otomatis.');
    expect(page.body).toContain('tahun pengajuan 2025');
    expect(page.body).toContain('id="f-action-assess_fee-fee"');
    const set = await treasurerPage.post(`/kantor/berkas/${id}/tindakan`, { action: 'assess_fee', 'action-assess_fee-fee': '5000000' });
    expect(set.statusCode).toBe(303);
    const event = await ctx.db
      .selectFrom('application_events')
      .select('data')
      .where('application_id', '=', id)
      .where('action', '=', 'assess_fee')
      .executeTakeFirstOrThrow();
    // No rules to differ from: no reason asked, nothing computed recorded.
    expect(JSON.parse(event.data)).toMatchObject({ feeAmount: 5_000_000 });
    expect(JSON.parse(event.data)).not.toHaveProperty('computedAmount');
  });
});
