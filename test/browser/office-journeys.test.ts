import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { DEMO_PDF, DEMO_PNG } from '../../src/demo/demo-files.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { auth, createTestContext, enrollSecondFactor, multipartFile, type TestContext, userWithToken } from '../helpers/context.js';
import { readyDraft } from '../helpers/journeys.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

/**
 * Officers carry a building permit (PBG) from submission to issue in Chromium: the verifier returns
 * the file and then accepts the resubmission, the technical officer records the inspection, the
 * treasurer assesses and records the fee, the head approves and signs. axe-core on every page.
 */
describe('officers’ journeys in Chromium', () => {
  let ctx: TestContext;
  let base: string;
  let citizen: { token: string };
  let id = '';
  const secrets = new Map<Role, { email: string; password: string; secret: string }>();

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const email = `${role}@browser-kantor.izol.id`;
      const password = `${role} kantor browser 2026`;
      const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role, name: `Petugas ${role}`, email, password });
      secrets.set(role, { email, password, secret: await enrollSecondFactor(ctx, userId) });
    }
    citizen = await userWithToken(ctx, 'applicant');
    id = await readyDraft(ctx, citizen.token, 'PBG');
    await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/submit`, headers: auth(citizen.token) });
  });
  afterAll(async () => ctx?.close());

  async function asOfficer(role: Role, steps: (page: Page, check: (label: string) => Promise<void>) => Promise<void>): Promise<void> {
    const browser = await launch({ javaScriptEnabled: true, width: 1024 });
    try {
      const page = await browser.context.newPage();
      let n = 0;
      const check = async (label: string) => {
        n++;
        await page.screenshot({ path: path.join(ARTIFACTS, `office-${role}-${String(n).padStart(2, '0')}-${label}.png`), fullPage: true });
        const v = await axeViolations(page);
        expect(v, describeViolations(`${role} ${label} ${page.url()}`, v)).toEqual([]);
      };
      const who = secrets.get(role)!;
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', who.email);
      await page.fill('#f-password', who.password);
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/kantor/kode`);
      await check('code');
      await page.fill('#f-code', totpAt(who.secret, ctx.clock.now()));
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/kantor`);
      await check('queue');
      await page.locator(`main a[href="/kantor/berkas/${id}"]`).click();
      await page.waitForURL(`${base}/kantor/berkas/${id}`);
      await check('case');
      await steps(page, check);
    } finally {
      await browser.close();
    }
  }

  const takeAction = async (page: Page, code: string, fields: Record<string, string> = {}) => {
    const form = page.locator(`form:has(input[name="action"][value="${code}"])`);
    for (const [name, value] of Object.entries(fields)) await page.fill(`#f-action-${code}-${name}`, value);
    await form.locator('button[type=submit]').click();
    await page.waitForLoadState('load');
  };
  const reviewAll = async (page: Page, status: 'accepted' | 'refused', reason = '') => {
    const { docs } = await ctx.services.applications.getApplication({
      actor: { userId: 'x', tenantId: ctx.tenant.id, role: 'verifier', name: 'x' },
      applicationId: id,
    });
    for (const d of status === 'refused' ? docs.slice(0, 1) : docs) {
      await page.locator(`label[for="f-doc-${d.id}-status${status === 'refused' ? '-1' : ''}"]`).click();
      if (reason) await page.fill(`#f-doc-${d.id}-reason`, reason);
      await page.locator(`form[action$="/dokumen/${d.id}/periksa"] button[type=submit]`).click();
      await page.waitForLoadState('load');
    }
    return docs;
  };
  const state = async () => (await ctx.db.selectFrom('applications').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

  it('verifier returns the file with a reason on one document, then accepts the resubmission and forwards it', async () => {
    let refusedRequirement = '';
    await asOfficer('verifier', async (page, check) => {
      // The verifier is offered only a verifier's actions.
      expect(await page.locator('input[name="action"][value="approve"]').count()).toBe(0);
      await takeAction(page, 'start_verification');
      await check('verification');
      // Refusing without a reason is explained on the page, and changes nothing.
      const first = (await reviewAll(page, 'refused'))[0]!;
      await check('refusal-error');
      expect(await page.locator('.error-summary').isVisible()).toBe(true);
      await page.fill(`#f-doc-${first.id}-reason`, 'KTP terpotong, unggah ulang utuh');
      await page.locator(`form[action$="/dokumen/${first.id}/periksa"] button[type=submit]`).click();
      await page.waitForLoadState('load');
      refusedRequirement = first.requirement_code;
      await takeAction(page, 'return_to_applicant', { reason: 'Mohon perbaiki KTP' });
      await check('returned');
    });
    expect(await state()).toBe('returned_to_applicant');

    // The citizen replaces the document and resubmits (API).
    const file = multipartFile('ktp-utuh.pdf', Buffer.concat([DEMO_PDF, Buffer.from('%utuh')]), 'application/pdf');
    await ctx.app.inject({
      method: 'PUT',
      url: `/api/v1/applications/${id}/documents/${refusedRequirement}`,
      headers: { ...auth(citizen.token), ...file.headers },
      payload: file.payload,
    });
    expect(
      (await ctx.app.inject({ method: 'POST', url: `/api/v1/applications/${id}/actions`, headers: auth(citizen.token), payload: { action: 'resubmit' } }))
        .statusCode,
    ).toBe(200);
    ctx.clock.advanceMinutes(0.5);

    await asOfficer('verifier', async (page, check) => {
      await takeAction(page, 'start_verification');
      await reviewAll(page, 'accepted');
      await check('all-accepted');
      await takeAction(page, 'forward');
    });
    expect(await state()).toBe('technical_review');
  }, 180_000);

  it('technical officer records the field inspection and recommends', async () => {
    await asOfficer('technical', async (page, check) => {
      expect(await page.locator('[data-action-blocked="recommend"]').count()).toBe(1);
      await page.locator('label[for="f-inspection-result"]').click();
      await page.fill('#f-inspection-findings', 'Bangunan sesuai gambar; garis sempadan terpenuhi.');
      await page.locator('form[action$="/inspeksi"] button[type=submit]').click();
      await page.waitForLoadState('load');
      await check('inspected');
      const photo = path.join(os.tmpdir(), `izol-inspection-${Date.now()}.png`);
      fs.writeFileSync(photo, DEMO_PNG);
      await page.setInputFiles('#f-photo', photo);
      await page.locator('form[action$="/foto-inspeksi"] button[type=submit]').click();
      await page.waitForLoadState('load');
      expect(await page.locator('#case-inspection ~ ul a, #case-inspection ~ h3').count()).toBeGreaterThan(0);
      await check('photo');
      await takeAction(page, 'recommend');
    });
    expect(await state()).toBe('fee_assessment');
  }, 120_000);

  it('treasurer assesses the fee and records the payment; the head approves and signs', async () => {
    await asOfficer('treasurer', async (page, check) => {
      await takeAction(page, 'assess_fee', { fee: 'Rp 6.176.270', 'fee-reason': 'Hasil kajian teknis' });
      await check('fee-assessed');
      await takeAction(page, 'record_payment', { reference: 'SSRD-2026-000123' });
    });
    const row = await ctx.db.selectFrom('applications').select(['state', 'fee_amount']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'approval', fee_amount: 6_176_270 });
    await asOfficer('head', async (page, check) => {
      await takeAction(page, 'approve');
      await check('approved');
      await takeAction(page, 'sign');
      await check('issued');
    });
    expect(await state()).toBe('issued');
  }, 120_000);
});
