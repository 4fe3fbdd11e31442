/**
 * A bill after a partial waiver, on SQLite and PostgreSQL: the bill's amount is the assessed fee (the
 * rules' amount less the waiver), and the bill does not print the PBG formula as if it came to that
 * amount (the formula gives the amount before the waiver).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { loadCatalogueRelease } from '../../src/catalogue/catalogue.loader.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { DIALECTS } from '../helpers/databases.js';
import { usePaymentSettings } from '../helpers/payments.js';
import { auth, createTestContext, type TestContext, userWithToken } from '../helpers/context.js';
import { act, readyDraft, validAnswers } from '../helpers/journeys.js';
import { carryToIssued } from '../helpers/permits.js';

describe.each(DIALECTS)('a bill after a partial waiver (%s)', (dialect) => {
  let ctx: TestContext;
  let applicant: { token: string; userId: string };
  const staff = {} as Record<'verifier' | 'technical' | 'treasurer' | 'head', { token: string; actor: Actor }>;

  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    // The office's PBG type with the MBR waiver at 50% instead of 100%.
    const { catalogue } = loadCatalogueRelease();
    const permitTypes = catalogue.permitTypes.map((pt) =>
      pt.code === 'PBG' && pt.feeRule.kind !== 'free'
        ? { ...pt, feeRule: { ...pt.feeRule, waivers: pt.feeRule.waivers.map((w) => ({ ...w, percent: 50 })) } }
        : pt,
    );
    await ctx.services.catalogue.installCatalogue({ tenantId: ctx.tenant.id, catalogue: { ...catalogue, permitTypes }, actorId: null });
    applicant = await userWithToken(ctx, 'applicant');
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const { token, userId } = await userWithToken(ctx, role);
      staff[role] = { token, actor: { userId, tenantId: ctx.tenant.id, role, name: `Uji ${role}` } };
    }
    await usePaymentSettings(ctx);
  }, 240_000);
  afterAll(async () => ctx?.close());

  it('bills the waived amount and shows no formula that would come to it, on issue and on re-issue', async () => {
    // DOMAIN.md's worked example (Rp 6,176,270 before the waiver), answered as a low-income house.
    const answers = {
      ...(await validAnswers(ctx, 'PBG')),
      buildingFunction: 'umkm',
      floorCount: 2,
      complexity: 'not_simple',
      permanence: 'permanent',
      ownership: 'private',
      buildingWorkType: 'new',
      floorArea: 235,
      lowIncomeHouse: true,
    };
    const id = await readyDraft(ctx, applicant.token, 'PBG', { answers });
    expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    const officers = Object.fromEntries(Object.entries(staff).map(([role, s]) => [role, s.actor])) as Partial<Record<Role, Actor>>;
    await carryToIssued(ctx, id, officers, { stopBefore: 'assess_fee' });
    const fee = await ctx.app.inject({ url: `/api/v1/applications/${id}/fee`, headers: auth(staff.treasurer.token) });
    expect(fee.statusCode, fee.body).toBe(200);
    const { amount, beforeWaiver, waiver } = fee.json<{ amount: number; beforeWaiver: number; waiver: { percent: number } | null }>();
    expect(waiver?.percent).toBe(50);
    expect(beforeWaiver).toBe(6_176_270);
    expect(amount).toBe(3_088_135);
    expect((await act(ctx, staff.treasurer.token, id, 'assess_fee', { feeAmount: amount })).statusCode).toBe(200);

    type Bills = { bills: { status: string; amount: number; breakdown: unknown }[] };
    const billsOf = async () => (await ctx.app.inject({ url: `/api/v1/applications/${id}/bills`, headers: auth(applicant.token) })).json<Bills>();
    const issued = await billsOf();
    expect(issued.bills).toHaveLength(1);
    expect(issued.bills[0]).toMatchObject({ status: 'open', amount, breakdown: null });

    const reissued = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/applications/${id}/bills/reissue`,
      headers: auth(staff.treasurer.token),
      payload: { reason: 'Kode hilang, diterbitkan ulang' },
    });
    expect(reissued.statusCode, reissued.body).toBe(201);
    const after = await billsOf();
    expect(after.bills.map((b) => b.status)).toEqual(['open', 'voided']);
    expect(after.bills[0]).toMatchObject({ amount, breakdown: null });
  });
});
