import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/access/actor.js';
import { totpAt } from '../../src/auth/totp.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/demo-data.js';
import { certificateOf } from '../../src/permits/permit.document.js';
import type { Role } from '../../src/workflow/workflow.schema.js';
import { createTestContext, enrollSecondFactor, type TestContext } from '../helpers/context.js';
import { carryToIssued, readQrFromPdf } from '../helpers/permits.js';
import { ARTIFACTS, axeViolations, describeViolations, launch } from './browser.js';

/** Sixteen digits in a row: what a NIK looks like. None may be on a public page. */
const NIK_LIKE = /(^|\D)\d{16}(\D|$)/;

/** A port nobody listens on now, so the server's BASE_URL (printed in every QR code) can be set before it starts. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

type Run = { name: string; js: boolean };
const RUNS: Run[] = [
  { name: 'js', js: true },
  { name: 'nojs', js: false },
];

/**
 * The done-when, in Chromium at 360 px: a seeded application carried to the head's signature
 * is signed through the case page; its PDF opens, carries a QR code that a phone could scan, and that
 * address says "valid"; the PDF itself checks out on /verifikasi and a one-byte change does not; after
 * the head revokes it, the same QR address says "revoked" with the reason; the register finds it.
 * Once with JavaScript and once without. axe-core (WCAG 2.2 AA) on every page a person sees.
 */
describe('a seeded permit, signed, scanned, verified and revoked in Chromium at 360 px', () => {
  let ctx: TestContext;
  let base: string;
  const head = DEMO_ACCOUNTS.find((a) => a.role === 'head')!;
  let headSecret = '';
  /** Seeded files waiting for the head's signature, one per run. */
  const waiting: { id: string; applicantEmail: string }[] = [];

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    ctx = await createTestContext('sqlite', { BASE_URL: base });
    await ctx.app.listen({ port, host: '127.0.0.1' });
    fs.mkdirSync(ARTIFACTS, { recursive: true });

    await seedDemoData(ctx.services, ctx.tenant, { applications: 20 });
    const officers: Partial<Record<Role, Actor>> = {};
    for (const role of ['verifier', 'technical', 'treasurer', 'head'] as const) {
      const account = DEMO_ACCOUNTS.find((a) => a.role === role)!;
      const user = await ctx.db.selectFrom('users').select(['id', 'name']).where('email', '=', account.email).executeTakeFirstOrThrow();
      officers[role] = { userId: user.id, tenantId: ctx.tenant.id, role, name: user.name };
      if (role === 'head') headSecret = await enrollSecondFactor(ctx, user.id);
    }

    // Filed, not decided, owned by a citizen's account, of a type the public register lists.
    const types = await ctx.services.catalogue.listPermitTypes({ tenantId: ctx.tenant.id });
    const listed = types.filter((pt) => certificateOf(pt.definition).publicRegistry).map((pt) => pt.definition.code);
    const filed = await ctx.db
      .selectFrom('applications')
      .innerJoin('users', 'users.id', 'applications.applicant_id')
      .select(['applications.id', 'users.email'])
      .where('applications.number', 'is not', null)
      .where('applications.decided_at', 'is', null)
      .where('applications.permit_code', 'in', listed)
      .orderBy('applications.number')
      .execute();
    for (const f of filed.slice(0, RUNS.length)) {
      expect(await carryToIssued(ctx, f.id, officers, { stopBefore: 'sign' })).toBe('signing');
      waiting.push({ id: f.id, applicantEmail: f.email! });
    }
    expect(waiting).toHaveLength(RUNS.length);
  }, 240_000);
  afterAll(async () => ctx?.close());

  /** The demo citizens' passwords follow their e-mail addresses (src/demo/demo-data.ts). */
  const citizenPassword = (email: string) => DEMO_ACCOUNTS.find((a) => a.email === email)?.password ?? `warga-demo-${/^warga(\d+)@/.exec(email)![1]}-2026`;

  it.each(RUNS)(
    '$name: the head signs, the QR code verifies as valid, the PDF checks out, and after revocation the QR says revoked',
    async ({ name, js }) => {
      const { id, applicantEmail } = waiting[RUNS.findIndex((r) => r.name === name)]!;
      // A fresh authenticator code: the previous run's one may not be used again.
      ctx.clock.advanceMinutes(1);
      const office = await launch({ javaScriptEnabled: js });
      const visitor = await launch({ javaScriptEnabled: js });
      // axe needs script; with the journey's JavaScript off, each page's HTML is checked in a second browser.
      const checker = js ? null : await launch({ javaScriptEnabled: true });
      const checkerPage = checker ? await checker.context.newPage() : null;
      if (checkerPage) await checkerPage.goto(`${base}/health`);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-permit-'));
      let step = 0;

      /** Screenshot, axe (zero violations) and nothing wider than the 360 px screen. */
      const check = async (page: Page, label: string) => {
        step++;
        await page.screenshot({ path: path.join(ARTIFACTS, `permit-${name}-${String(step).padStart(2, '0')}-${label}.png`), fullPage: true });
        const target = checkerPage ?? page;
        if (checkerPage) await checkerPage.setContent(await page.content(), { waitUntil: 'load' });
        const violations = await axeViolations(target);
        expect(violations, describeViolations(`${label} ${page.url()}`, violations)).toEqual([]);
        expect(await target.evaluate<number>('document.documentElement.scrollWidth'), `${label} fits 360 px`).toBeLessThanOrEqual(360);
      };
      const mainText = async (page: Page) => (await page.locator('main').innerText()).replace(/\s+/g, ' ');
      const submit = async (page: Page, form: string) => {
        await Promise.all([page.waitForEvent('load'), page.locator(`${form} button[type=submit]`).click()]);
      };
      const download = async (page: Page, link: string): Promise<Buffer> => {
        const [file] = await Promise.all([page.waitForEvent('download'), page.locator(link).click()]);
        return fs.readFileSync(await file.path());
      };
      const verdict = async (page: Page) => ({
        status: await page.locator('[data-verification-status]').getAttribute('data-verification-status'),
        heading: (await page.locator('h1.verdict__title').innerText()).trim(),
      });
      const signIn = async (context: BrowserContext, email: string, password: string, then: string) => {
        const page = await context.newPage();
        await page.goto(`${base}/akun/masuk?kembali=${encodeURIComponent(then)}`);
        await page.fill('#f-login', email);
        await page.fill('#f-password', password);
        await submit(page, 'main form');
        return page;
      };

      try {
        // 1. The head signs in with password and authenticator code, and opens the file waiting for signature.
        const desk = await signIn(office.context, head.email, head.password, '/kantor');
        expect(desk.url()).toBe(`${base}/kantor/kode`);
        await desk.fill('#f-code', totpAt(headSecret, ctx.clock.now()));
        await submit(desk, 'main form');
        expect(desk.url()).toBe(`${base}/kantor`);
        await desk.goto(`${base}/kantor/berkas/${id}`);
        await check(desk, 'case-signing');
        expect(await desk.locator('#case-permits').count()).toBe(0);

        // 2. Signing through the case page's form issues the permit; the permit section offers its PDF.
        await submit(desk, 'form:has(input[name="action"][value="sign"])');
        const permit = await ctx.db.selectFrom('permits').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
        // The QR code holds the sealed address (docs/verification.md): upper case, "/" "%" and space percent-encoded.
        const sealedPath = permit.sealed_text!.replace(/%/g, '%25').replace(/ /g, '%20').replace(/\//g, '%2F');
        const qrAddress = `${new URL(base).origin.toUpperCase()}/V/${sealedPath}`;
        expect(await desk.locator('#case-permits').isVisible()).toBe(true);
        const card = desk.locator(`#permit-${permit.id}`);
        expect(await card.locator('h3').innerText()).toContain(permit.number);
        expect(await card.locator('h3').innerText()).toContain('Berlaku');
        await check(desk, 'case-issued');

        const pdf = await download(desk, `#permit-${permit.id} a[href="/kantor/berkas/${id}/izin/${permit.id}.pdf"]`);
        expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
        const scanned = readQrFromPdf(pdf);
        expect(scanned, 'the QR code on the PDF opens the public verification page').toBe(qrAddress);

        // The holder finds the same PDF under "Izin Anda" on their application.
        const own = await signIn(visitor.context, applicantEmail, citizenPassword(applicantEmail), `/permohonan/${id}`);
        expect(own.url()).toBe(`${base}/permohonan/${id}`);
        expect(await own.locator('h2#izin').innerText()).toBe('Izin Anda');
        expect(await mainText(own)).toContain(permit.number);
        await check(own, 'holder-permit');
        expect((await download(own, `a[href="/permohonan/${id}/izin/${permit.id}.pdf"]`)).equals(pdf), 'the holder downloads the same file').toBe(true);
        await own.close();
        await visitor.context.clearCookies();

        // 3. Anyone who scans the QR code: the address it holds says the permit is genuine and valid.
        const phone = await visitor.context.newPage();
        await phone.goto(scanned!);
        expect(await verdict(phone)).toEqual({ status: 'valid', heading: 'Izin ini sah dan berlaku' });
        expect(await phone.locator('[data-permit-number]').innerText()).toBe(permit.number);
        expect(await mainText(phone)).toContain(permit.holder_name);
        expect(await phone.locator('body').innerText()).not.toMatch(NIK_LIKE);
        await check(phone, 'qr-valid');

        // 4. The PDF itself on /verifikasi: the file as issued is authentic, one changed byte is not.
        const original = path.join(tmp, 'izin.pdf');
        const altered = path.join(tmp, 'izin-diubah.pdf');
        fs.writeFileSync(original, pdf);
        const copy = Buffer.from(pdf);
        const middle = Math.floor(copy.length / 2);
        copy[middle] = copy[middle]! ^ 0x01;
        fs.writeFileSync(altered, copy);

        await phone.goto(`${base}/verifikasi`);
        await check(phone, 'verify-form');
        await phone.setInputFiles('#f-file', original);
        await submit(phone, 'form[action="/verifikasi/pdf"]');
        expect(await verdict(phone)).toEqual({ status: 'valid', heading: 'Izin ini sah dan berlaku' });
        expect(await phone.locator('.verdict__match').innerText()).toBe(`Berkas PDF ini salinan utuh izin ${permit.number}.`);
        await check(phone, 'verify-pdf-authentic');

        await phone.goto(`${base}/verifikasi`);
        await phone.setInputFiles('#f-file', altered);
        await submit(phone, 'form[action="/verifikasi/pdf"]');
        expect(await verdict(phone)).toEqual({ status: 'not_authentic', heading: 'Tidak asli' });
        expect(await mainText(phone)).not.toContain(permit.number);
        await check(phone, 'verify-pdf-altered');

        // The code printed under the QR code, typed the way people type it, leads to the same page.
        await phone.goto(`${base}/verifikasi`);
        const printed = `${permit.verification_code.slice(0, 5)}-${permit.verification_code.slice(5)}`.toLowerCase();
        await phone.fill('#f-kode', ` ${printed} `);
        await submit(phone, 'form[action="/verifikasi"]');
        expect(phone.url()).toBe(`${base}/v/${permit.verification_code}`);
        expect((await verdict(phone)).status).toBe('valid');

        // 5. The head revokes it on the case page: a reason is required, and then the QR code says revoked.
        const reasonField = `#f-permit-${permit.id}-revoke-reason`;
        const revokeForm = `form[action="/kantor/berkas/${id}/izin/${permit.id}/cabut"]`;
        await submit(desk, revokeForm);
        expect(await desk.locator('.error-summary').isVisible()).toBe(true);
        expect(await desk.locator('.error-summary').innerText()).toContain('Alasan pencabutan: tulis paling sedikit 5 karakter.');
        expect(await desk.locator('.error-summary a').first().getAttribute('href'), 'the summary links to the reason').toBe(reasonField);
        await check(desk, 'revoke-error');
        const reason = 'Reklame dipasang di luar titik yang diizinkan.';
        await desk.fill(reasonField, reason);
        await submit(desk, revokeForm);
        expect(desk.url()).toBe(`${base}/kantor/berkas/${id}?tersimpan=izin-dicabut#case-permits`);
        expect(await mainText(desk)).toContain('Izin sudah dicabut. Halaman verifikasi publik kini menyebutnya dicabut.');
        expect(await card.locator('h3').innerText()).toContain('Dicabut');
        expect(await desk.locator(revokeForm).count(), 'a revoked permit offers no second revocation').toBe(0);
        await check(desk, 'case-revoked');

        await phone.goto(scanned!);
        expect(await verdict(phone)).toEqual({ status: 'revoked', heading: 'Izin ini sudah dicabut' });
        expect(await phone.locator('[data-revocation-reason]').innerText()).toBe(`Alasan pencabutan: ${reason}`);
        expect(await phone.locator('[data-permit-number]').innerText()).toBe(permit.number);
        expect(await phone.locator('body').innerText()).not.toMatch(NIK_LIKE);
        await check(phone, 'qr-revoked');

        // 6. The public register finds it by number, revoked, linking to its verification page.
        await phone.goto(`${base}/registri`);
        await phone.fill('#f-q', permit.number);
        await submit(phone, 'form[role=search]');
        expect(await phone.locator('[data-registry-count]').innerText()).toBe('Menampilkan 1–1 dari 1 izin.');
        const rows = phone.locator('table tbody tr');
        expect(await rows.count()).toBe(1);
        expect(await rows.first().locator('th a').getAttribute('href')).toBe(`/v/${permit.verification_code}`);
        expect(await rows.first().innerText()).toContain('Dicabut');
        expect(await phone.locator('body').innerText()).not.toMatch(NIK_LIKE);
        await check(phone, 'registry-found');
        await Promise.all([phone.waitForURL(`${base}/v/${permit.verification_code}`), rows.first().locator('th a').click()]);
        expect((await verdict(phone)).status).toBe('revoked');

        // A date that is not one (only an edited address can send it) comes back with an error summary.
        await phone.goto(`${base}/registri?q=${encodeURIComponent(permit.number)}&from=2026-02-30`);
        expect(await phone.locator('.error-summary').isVisible()).toBe(true);
        expect(await phone.locator('.error-summary').innerText()).toContain('Terbit sejak: isi tanggal yang benar, misalnya 2026-03-27.');
        expect(await phone.locator('table').count()).toBe(0);
        await check(phone, 'registry-error');
      } finally {
        await office.close();
        await visitor.close();
        await checker?.close();
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    },
    180_000,
  );
});
