import fs from 'node:fs';
import { createJobRunner, type JobRunner } from '../../src/jobs/jobs.js';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import type { FieldDefinition } from '../../src/catalogue/catalogue.schema.js';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { createTestContext, type TestContext, uniqueNik } from '../helpers/context.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

/** A string a person would type for a field (the browser sends strings). */
function typed(f: FieldDefinition): string | null {
  switch (f.type) {
    case 'nik':
      return '3573014506900002';
    case 'nib':
      return '1234567890123';
    case 'npwp':
      return f.required ? '012345678901234' : null;
    case 'kbli':
      return '47111';
    case 'email':
      return 'warga@contoh.id';
    case 'phone':
      return '0812 3456 7890';
    case 'address':
      return 'Jl. Ijen No. 5, Klojen, Kota Malang';
    case 'area_m2':
      return '120';
    case 'floor_count':
      return '2';
    case 'number':
      return String(f.min ?? 10);
    case 'date':
      return f.notAfter === 'today' ? '1990-05-17' : '2027-03-01';
    case 'textarea':
      return 'Usaha toko kelontong di rumah sendiri.';
    case 'vehicle_plate':
      return 'N 1234 AB';
    case 'text':
      return f.required ? 'Toko Kelontong Rina'.padEnd(f.minLength ?? 0, '.') : null;
    case 'select':
    case 'yes_no':
      return 'first-option';
  }
}

type Journey = { name: string; lang: 'id' | 'en'; js: boolean };
const JOURNEYS: Journey[] = [
  { name: 'id-js', lang: 'id', js: true },
  { name: 'en-js', lang: 'en', js: true },
  { name: 'id-nojs', lang: 'id', js: false },
  { name: 'en-nojs', lang: 'en', js: false },
];

describe('citizen journeys in Chromium at 360 px', () => {
  let ctx: TestContext;
  let base: string;
  let verifier: Actor;
  let pdfPath: string;
  let jobs: JobRunner | undefined;

  beforeAll(async () => {
    ctx = await createTestContext('sqlite', { OUTBOX_POLL_MS: '100' });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
    // The outbox through the jobs loop, as the server runs it: messages (sign-up codes) arrive on their own.
    jobs = createJobRunner({ clock: ctx.clock, logger: { error: () => undefined }, jobs: [ctx.services.outbox.job] });
    jobs.start();
    const { userId } = await ctx.services.auth.createUser({
      tenantId: ctx.tenant.id,
      role: 'verifier',
      name: 'Dewi',
      email: 'dewi@browser.izol.id',
      password: 'verifikator browser 2026',
    });
    verifier = { userId, tenantId: ctx.tenant.id, role: 'verifier', name: 'Dewi' };
    pdfPath = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'izol-upload-')), 'ktp-scan.pdf');
    fs.writeFileSync(pdfPath, DEMO_PDF);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  });
  afterAll(async () => {
    await jobs?.stop();
    await ctx?.close();
  });

  it.each(JOURNEYS)(
    '$name: register, apply with an upload, submit, track, answer a return and resubmit',
    async ({ name, lang, js }) => {
      const browser = await launch({ javaScriptEnabled: js });
      // axe needs script; with the journey's JavaScript off, each page's HTML is checked in a second browser.
      const checker = js ? null : await launch({ javaScriptEnabled: true });
      const checkerPage = checker ? await checker.context.newPage() : null;
      if (checkerPage) await checkerPage.goto(`${base}/health`);
      const page = await browser.context.newPage();
      let step = 0;
      const visited: string[] = [];

      /** Screenshot, axe (WCAG 2.2 AA rules, zero violations) and no sideways scrolling at 360 px. */
      const check = async (label: string) => {
        step++;
        await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${String(step).padStart(2, '0')}-${label}.png`), fullPage: true });
        const target = checkerPage ?? page;
        if (checkerPage) await checkerPage.setContent(await page.content(), { waitUntil: 'load' });
        const violations = await axeViolations(target);
        expect(violations, describeViolations(`${label} ${page.url()}`, violations)).toEqual([]);
        const overflow = await target.evaluate('document.documentElement.scrollWidth');
        expect(overflow as number, `${label} fits 360 px`).toBeLessThanOrEqual(360);
        visited.push(label);
      };
      const submitMain = async () => {
        await Promise.all([page.waitForLoadState('load'), page.locator('main form button[type=submit]').last().click()]);
        await page.waitForLoadState('load');
      };

      try {
        await page.goto(`${base}/`);
        await check('home');
        if (lang === 'en') {
          await page.locator('form.header__lang button').click();
          await page.waitForLoadState('load');
          expect(await page.locator('html').getAttribute('lang')).toBe('en');
        }
        await page.locator('main a[href="/izin"]').click();
        await check('catalogue');
        await page.fill('#q', 'NIB');
        await page.locator('form[role=search] button').click();
        await page.locator('main a[href="/izin/NIB"]').click();
        await check('guide');
        // The guide has a start button under "what it is" and another at its end.
        await page.locator('main a[href="/izin/NIB/mulai"]').first().click();
        await check('start');
        await page.locator('main a[href^="/akun/masuk"]').click();
        await check('sign-in');
        await page.locator('main a[href^="/akun/daftar"]').click();
        await check('register');

        // An empty form comes back with an error summary that links to each field.
        await submitMain();
        expect(await page.locator('.error-summary').isVisible()).toBe(true);
        if (js) expect(await page.evaluate('document.activeElement?.classList.contains("error-summary")')).toBe(true);
        await check('register-errors');

        const email = `${name}@browser.izol.id`;
        await page.fill('#f-name', lang === 'id' ? 'Rina Putri' : 'Rina Putri (EN)');
        await page.fill('#f-nik', uniqueNik());
        await page.fill('#f-email', email);
        await page.fill('#f-password', 'teh manis di pagi hari');
        await page.locator('label[for="f-consent"]').click();
        await submitMain();
        expect(new URL(page.url()).pathname).toBe('/akun/verifikasi');
        await check('verify');

        // The code arrives through the outbox in the development mailbox, in another tab.
        const mailbox = await browser.context.newPage();
        let code = '';
        for (let i = 0; i < 50 && !code; i++) {
          await mailbox.goto(`${base}/dev/kotak-surat`);
          // Signed by the office, in the language she registered in.
          const subject = /(?:Kode DPMPTSP Kota Malang|DPMPTSP Kota Malang code): (\d{6})/;
          const mail = mailbox.locator('main li', { hasText: email }).filter({ hasText: subject }).first();
          code = (await mail.count()) ? (subject.exec((await mail.textContent()) ?? '')?.[1] ?? '') : '';
          if (!code) await new Promise((r) => setTimeout(r, 100));
        }
        await mailbox.close();
        expect(code).toMatch(/^\d{6}$/);
        await page.fill('#f-code', code);
        await submitMain();
        await check('verified');

        // Apply: start, one question per page.
        await page.goto(`${base}/izin/NIB/mulai`);
        await submitMain();
        const type = await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' });
        let first = true;
        for (let guard = 0; guard < 20 && /\/isian\/[a-zA-Z0-9]+$/.test(page.url()); guard++) {
          const fieldName = page.url().split('/').pop()!;
          const f = type.definition.fields.find((x) => x.name === fieldName)!;
          if (first && f.required) {
            await submitMain();
            await check('question-error');
            first = false;
          } else if (first) {
            first = false;
          }
          const value = typed(f);
          if (value === 'first-option') await page.locator(`label[for="f-${f.name}"]`).click();
          else if (value !== null) await page.fill(`#f-${f.name}`, value);
          if (guard === 0) await check('question');
          await submitMain();
        }
        expect(page.url()).toMatch(/\/dokumen$/);
        await check('documents');
        const appId = page.url().split('/').at(-2)!;
        for (const r of type.definition.requirements.filter((x) => x.required)) {
          await page.locator(`main a[href="/permohonan/${appId}/dokumen/${r.code}"]`).click();
          await check('upload');
          await page.setInputFiles('#f-file', pdfPath);
          await Promise.all([page.waitForURL(`${base}/permohonan/${appId}/dokumen`), page.locator('main form button[type=submit]').click()]);
        }
        await page.locator(`main a[href="/permohonan/${appId}/periksa"]`).click();
        await check('check-answers');
        await submitMain();
        await check('check-answers-error');
        await page.locator('label[for="f-declaration"]').click();
        await submitMain();
        expect(page.url()).toBe(`${base}/permohonan/${appId}/terkirim`);
        await check('confirmation');
        const number = (await page.locator('[data-number]').textContent())!;
        const trackingCode = (await page.locator('[data-tracking-code]').textContent())!;
        expect(number).toMatch(/^MLG-NIB-2026-\d{6}$/);
        await page.locator(`main a[href="/permohonan/${appId}/tanda-terima"]`).click();
        await check('receipt');

        // Track it as anyone would.
        await page.goto(`${base}/lacak`);
        await check('track');
        await page.fill('#f-number', number);
        await page.fill('#f-code', trackingCode);
        await submitMain();
        await check('track-result');
        expect(await page.locator('main').textContent()).toContain(number);

        // The office returns the file with a reason on one document.
        await ctx.services.applications.performAction({ actor: verifier, applicationId: appId, action: 'start_verification' });
        const { docs } = await ctx.services.applications.getApplication({ actor: verifier, applicationId: appId });
        await ctx.services.documents.reviewDocument({
          actor: verifier,
          applicationId: appId,
          documentId: docs[0]!.id,
          status: 'refused',
          reason: 'Foto KTP terpotong',
        });
        await ctx.services.applications.performAction({
          actor: verifier,
          applicationId: appId,
          action: 'return_to_applicant',
          reason: 'Mohon unggah ulang KTP yang utuh',
        });

        await page.goto(`${base}/permohonan`);
        await check('my-applications');
        await page.locator(`main a[href="/permohonan/${appId}"]`).first().click();
        expect(await page.locator('main').textContent()).toContain('Foto KTP terpotong');
        await check('returned');
        await page.locator(`main .banner a[href="/permohonan/${appId}/dokumen/${docs[0]!.requirement_code}"]`).click();
        await page.setInputFiles('#f-file', pdfPath);
        await Promise.all([page.waitForURL(`${base}/permohonan/${appId}`), page.locator('main form button[type=submit]').click()]);
        await page.locator(`main a[href="/permohonan/${appId}/periksa"]`).first().click();
        await page.locator('label[for="f-declaration"]').click();
        await submitMain();
        expect(page.url()).toBe(`${base}/permohonan/${appId}/terkirim`);
        const row = await ctx.db.selectFrom('applications').select(['state', 'number']).where('id', '=', appId).executeTakeFirstOrThrow();
        expect(row).toEqual({ state: 'resubmitted', number });
        expect(visited.length).toBeGreaterThanOrEqual(20);
      } finally {
        await browser.close();
        await checker?.close();
      }
    },
    180_000,
  );

  it('has no accessibility violations on the remaining pages and their error states', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page = await browser.context.newPage();
      const problems: string[] = [];
      const sweep = async (label: string) => {
        await page.screenshot({ path: path.join(ARTIFACTS, `sweep-${label}.png`), fullPage: true });
        const v = await axeViolations(page);
        if (v.length) problems.push(describeViolations(`${label} ${page.url()}`, v));
      };
      for (const [url, label] of [
        ['/izin/PBG/poster', 'poster'],
        ['/tidak-ada', 'not-found'],
        ['/akun/lupa-sandi', 'forgot'],
        ['/izin?q=zzzz', 'search-none'],
      ] as const) {
        await page.goto(`${base}${url}`);
        await sweep(label);
      }
      await page.goto(`${base}/akun/lupa-sandi`);
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      await sweep('forgot-error');
      await page.fill('#f-login', 'sweep@browser.izol.id');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      await sweep('reset');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      await sweep('reset-error');
      await page.goto(`${base}/lacak`);
      await page.fill('#f-number', 'MLG-NIB-2026-999999');
      await page.fill('#f-code', 'ZZZZZZZZ');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      await sweep('track-not-found');
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', 'nobody@browser.izol.id');
      await page.fill('#f-password', 'wrong password here');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      await sweep('sign-in-error');

      // Signed in: profile (and its error state), withdraw confirmation, mailbox.
      await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'applicant',
        name: 'Sweep',
        email: 'sweep@browser.izol.id',
        password: 'sweep browser 2026',
      });
      await page.goto(`${base}/akun/masuk`);
      await page.fill('#f-login', 'sweep@browser.izol.id');
      await page.fill('#f-password', 'sweep browser 2026');
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      await page.goto(`${base}/akun/profil`);
      await sweep('profile');
      await page.fill('#f-phone', '12');
      await page.locator('main form:has(#f-phone) button[type=submit]').click();
      await page.waitForLoadState('load');
      await sweep('profile-error');
      await page.goto(`${base}/izin/AK1/mulai`);
      await page.locator('main form button[type=submit]').click();
      await page.waitForLoadState('load');
      const appId = page.url().split('/').at(-3)!;
      await page.goto(`${base}/permohonan/${appId}`);
      await sweep('draft-detail');
      await page.goto(`${base}/permohonan/${appId}/tarik`);
      await sweep('withdraw-confirm');
      await page.goto(`${base}/dev/kotak-surat`);
      await sweep('mailbox');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it('checks a file in the browser before sending it, when JavaScript is on', async () => {
    const browser = await launch({ javaScriptEnabled: true });
    try {
      const page: Page = await browser.context.newPage();
      // Sign in through the API-created account, using the page's form.
      const { userId } = await ctx.services.auth.createUser({
        tenantId: ctx.tenant.id,
        role: 'applicant',
        name: 'Sari',
        email: 'sari@browser.izol.id',
        password: 'sari browser 2026',
      });
      const actor: Actor = { userId, tenantId: ctx.tenant.id, role: 'applicant', name: 'Sari' };
      const { application } = await ctx.services.applications.createApplication({ actor, permitTypeCode: 'NIB' });
      await page.goto(`${base}/akun/masuk?kembali=/permohonan/${application.id}/dokumen`);
      await page.fill('#f-login', 'sari@browser.izol.id');
      await page.fill('#f-password', 'sari browser 2026');
      await page.locator('main form button[type=submit]').click();
      await page.waitForURL(`${base}/permohonan/${application.id}/dokumen`);
      const requirement = (await ctx.services.catalogue.getPermitType({ tenantId: ctx.tenant.id, code: 'NIB' })).definition.requirements.find(
        (r) => r.required,
      )!;
      await page.goto(`${base}/permohonan/${application.id}/dokumen/${requirement.code}`);
      const txt = path.join(path.dirname(pdfPath), 'catatan.txt');
      fs.writeFileSync(txt, 'bukan pdf');
      await page.setInputFiles('#f-file', txt);
      await page.locator('main form button[type=submit]').click();
      await expect.poll(() => page.locator('.client-error').textContent()).toContain('PDF');
      expect(page.url()).toBe(`${base}/permohonan/${application.id}/dokumen/${requirement.code}`);
      expect(await ctx.db.selectFrom('documents').select('id').where('application_id', '=', application.id).execute()).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
