import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpAt } from '../../src/auth/totp.js';
import { ARTIFACTS, axeViolations, describeViolations, launch, signInOfficer } from '../browser/browser.js';
import { createTestContext, enrollSecondFactor, type TestContext, userWithToken } from '../helpers/context.js';
import { SKM_ELEMENTS } from '../../src/survey/skm.js';
import { act, readyDraft } from '../helpers/journeys.js';

/**
 * The head's dashboard (/kantor/dasbor) in Debian's Chromium at a phone's width (the page has no script):
 * axe-core (WCAG 2.2 AA) finds nothing on the page with its SVG charts and tables (files filed through
 * the real API, a draft left unsubmitted; a revenue target, a queue visit, an answered help request and an
 * SKM answer through their services), nor on a period with nothing recorded; nothing is wider
 * than the screen; the filters are a plain GET form; the page is under 50 KB. The HTML is the same on
 * both databases (dashboard.test.ts reads its figures on each), so this runs on SQLite.
 */
describe('the head’s dashboard in a browser', () => {
  let ctx: TestContext;
  let base: string;
  const PASSWORD = 'dasbor kepala dinas uji';
  let head: { email: string; secret: string };

  beforeAll(async () => {
    ctx = await createTestContext('sqlite');
    ctx.clock.set('2026-05-20T03:00:00.000Z');
    const applicant = await userWithToken(ctx, 'applicant');
    for (let i = 0; i < 3; i++) {
      const id = await readyDraft(ctx, applicant.token, 'REKLAME');
      expect((await act(ctx, applicant.token, id, 'submit')).statusCode).toBe(200);
    }
    await readyDraft(ctx, applicant.token, 'REKLAME');
    // The other services' sections with figures and charts: a target, a queue visit, a help request answered, an SKM answer.
    const staff = async (role: 'admin' | 'front_desk') => {
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role,
        name: `Petugas ${role}`,
        email: `${role}@browser-dasbor.izol.id`,
        password: `${role} kata sandi uji dasbor`,
      });
      return { userId, tenantId: ctx.tenant.id, role, name: `Petugas ${role}` } as const;
    };
    const admin = await staff('admin');
    const desk = await staff('front_desk');
    await ctx.services.revenue.setTarget({ actor: admin, year: 2026, amount: 50_000_000, reason: 'Target retribusi 2026' });
    const ticket = await ctx.services.queue.issueTicket({ tenant: ctx.tenant, actor: desk, service: 'KONSULTASI', lang: 'id' });
    await ctx.services.queue.callNext({ actor: desk, tenant: ctx.tenant, service: 'KONSULTASI', counter: 'Loket 1', lang: 'id' });
    for (const action of ['start', 'complete'] as const)
      await ctx.services.queue.updateTicket({ actor: desk, tenant: ctx.tenant, id: ticket.id, action, lang: 'id' });
    const help = await ctx.services.helpdesk.createHelpRequest({
      tenant: ctx.tenant,
      actor: desk,
      channel: 'phone',
      handle: '0812 3456 7890',
      message: 'Tanya izin',
    });
    await ctx.services.helpdesk.replyToHelpRequest({ actor: desk, id: help.id, body: 'Silakan lihat halaman izin.', lang: 'id' });
    const kiosk = (await ctx.services.queue.enrolKiosk({ actor: admin, tenant: ctx.tenant, name: 'Kios lobi' })).token;
    const survey = await ctx.services.survey.startAtKiosk({ tenant: ctx.tenant, kioskToken: kiosk });
    const answered = await ctx.app.inject({
      method: 'POST',
      url: `/api/v1/survey/invitations/${survey.token}/answer`,
      payload: Object.fromEntries(SKM_ELEMENTS.map((e) => [e, 4])),
    });
    expect(answered.statusCode, answered.body).toBeLessThan(300);
    const email = 'kepala@browser-dasbor.izol.id';
    const { userId } = await ctx.services.auth.createUser({ tenantId: ctx.tenant.id, role: 'head', name: 'Kepala Dinas', email, password: PASSWORD });
    head = { email, secret: await enrollSecondFactor(ctx, userId) };
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  }, 240_000);
  afterAll(async () => ctx?.close());

  async function checked(page: Page, label: string): Promise<void> {
    await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${label}.png`), fullPage: true });
    const v = await axeViolations(page);
    expect(v, describeViolations(`${label} ${page.url()}`, v)).toEqual([]);
    const wide = await page.evaluate('document.documentElement.scrollWidth');
    expect(wide, `${label} is wider than the screen`).toBeLessThanOrEqual(360);
  }

  it('passes axe with the charts and tables, and the filters are a plain GET form', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      page.setDefaultTimeout(15_000);
      await signInOfficer(page, base, { email: head.email, password: PASSWORD, code: totpAt(head.secret, ctx.clock.now()) });
      const res = await page.goto(`${base}/kantor/dasbor`);
      expect((await res!.body()).byteLength).toBeLessThan(50 * 1024);
      expect(await page.locator('[data-headline]').textContent()).toContain('100,0% (3 dari 3)');
      // Channels, the series and the backlog; revenue against the target and the queue's visitors per hour.
      expect(await page.locator('svg[role="img"]').count()).toBe(5);
      expect(await page.locator('[data-skm]').textContent()).toBe('100,00 — A (Sangat Baik)');
      expect(await page.locator('#chart-channels-t').textContent()).toBe('Bagian setiap jalur, 2026-05-01 sampai 2026-05-20');
      expect(await page.locator('[data-completion]').textContent()).toContain('75,0% (3 dari 4)');
      await checked(page, 'month');
      await page.fill('#f-dari', '2027-01-01');
      await page.fill('#f-sampai', '2027-01-31');
      await page.locator('main form[method="get"] button[type=submit]').click();
      await page.waitForURL(/dari=2027-01-01/);
      expect(await page.locator('[data-headline]').textContent()).toBe('belum tercatat');
      await checked(page, 'empty');
    } finally {
      await browser.close();
    }
  }, 120_000);
});
