import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { KIOSK_COOKIE } from '../../src/queue/queue.schemas.js';
import { ensureInvitation } from '../../src/survey/survey.repository.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';

/**
 * The SKM survey page (/survei/{token}: the form, its refused submit, the thank-you page) and the report
 * (/kantor/skm) in Debian's Chromium at a phone's width: axe-core (WCAG 2.2 AA) finds
 * nothing, nothing is wider than the screen, each page is under 50 KB. The HTML is the same on both
 * databases (survey.test.ts reads it on each), so this runs on SQLite, like test/browser/.
 */
describe('the SKM survey and its report in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'survei kepuasan masyarakat';
  let head: { email: string; secret: string };
  const tokens: string[] = [];

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    for (const code of ['REKLAME', 'REKLAME', 'PBG']) {
      const inv = await ensureInvitation(ctx.db, {
        tenantId: ctx.tenant.id,
        occasion: 'permit_issued',
        subjectId: randomUUID(),
        serviceKind: 'permit',
        serviceCode: code,
        now: ctx.clock.now().toISOString(),
      });
      tokens.push(inv.token);
    }
    const answered = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/survey/invitations/${tokens[2]}/answer`,
      payload: { requirements: 3, procedure: 4, time: 2, fee: 4, product: 3, competence: 3, behaviour: 4, complaints: 2, facilities: 3 },
    });
    expect(answered.statusCode).toBe(200);
    const email = 'kepala@browser-skm.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'head', name: 'Kepala Dinas', email, password: PASSWORD });
    head = { email, secret: await enrollSecondFactor(ctx, userId) };
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  const choose = (page: Page, name: string, value: string) => page.locator(`input[name="${name}"][value="${value}"]`).check({ force: true });

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `survey-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
    const size = await page.evaluate('document.documentElement.outerHTML.length');
    expect(size, `${label} is heavier than 50 KB`).toBeLessThan(50 * 1024);
  }

  it('passes axe on the survey, its refused submit and the thank-you page, a plain form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${base}/survei/${tokens[0]}`);
      expect(await page.locator('fieldset').count()).toBe(13);
      await checked(page, 'form');
      await choose(page, 'requirements', '4');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState();
      expect(await page.locator('.error-summary a[href="#f-procedure"]').count()).toBe(1);
      await checked(page, 'form-errors');
      for (const e of ['requirements', 'procedure', 'time', 'fee', 'product', 'competence', 'behaviour', 'complaints', 'facilities'])
        await choose(page, e, '3');
      await choose(page, 'sex', 'female');
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(/terima=kasih/);
      expect(await page.locator('h1').textContent()).toBe('Terima kasih atas jawaban Anda');
      await checked(page, 'thanks');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('passes axe on the report with its table and filter, a plain GET form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      await signInOfficer(page, base, { email: head.email, password: PASSWORD, code: totpAt(head.secret, ctx.clock.now()) });
      await page.goto(`${base}/kantor/skm`);
      expect(await page.locator('[data-skm-table] tbody tr[data-service="PBG"]').count()).toBe(1);
      await checked(page, 'report');
      await page.selectOption('#f-periode', 'bulan');
      await page.selectOption('#f-bulan', '1');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/periode=bulan/);
      expect(await page.locator('[data-no-answers]').count()).toBe(1);
      await checked(page, 'report-empty');
    } finally {
      await browser.close();
    }
  }, 120_000);

  it("passes axe on the lobby kiosk's start page", async () => {
    const admin = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'admin',
      name: 'Admin',
      email: 'kios@browser-skm.izol.id',
      password: PASSWORD,
    });
    const kiosk = (
      await ctx.services.queue.enrolKiosk({
        actor: { userId: admin.userId, tenantId: ctx.tenant.id, role: 'admin', name: 'Admin' },
        tenant: ctx.tenant,
        name: 'Kios survei',
      })
    ).token;
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      // The enrolled kiosk's cookie, as the device holds it (a __Host- cookie, sent as a header on this plain-HTTP test server).
      await page.setExtraHTTPHeaders({ cookie: `${KIOSK_COOKIE}=${kiosk}` });
      await page.goto(`${base}/survei/kios`);
      expect(await page.locator('h1').textContent()).toBe('Survei Kepuasan Masyarakat');
      await checked(page, 'kiosk');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
