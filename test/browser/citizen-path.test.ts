/**
 * The citizen's path of issue 16, played in Chromium on a 360 × 740 screen as a first-time applicant
 * would, from the permit list to the confirmation and tracking:
 *
 * 1. Ibu Sri (Indonesian, JavaScript on, SQLite) wants to add a floor to her house-shop in Malang:
 *    searches "tambah lantai rumah", lands on PBG's guide and its worked cost example, starts, is sent
 *    to sign in, registers from there with her WhatsApp number and comes back to PBG's start page
 *    after verifying, answers the questions with their hints ("120 m2" for the floor area), uploads
 *    a 4 MB camera JPEG as her KTP (reduced in the browser before it goes), PDFs for the rest but the
 *    KRK, asks for help with the KRK she lacks, sees her own estimate on the check page, is told what
 *    is missing when she submits (a link, her declaration tick kept), uploads it, submits and sees her
 *    number, tracking code and that a bill will follow; then tracks her file as she would type it.
 * 2. The same in English with JavaScript off (PostgreSQL) as Anneke, a Dutch KITAS holder extending
 *    the house she holds under Hak Pakai: she registers as a foreign resident (passport, KITAS,
 *    nationality; PBG accepts foreign residents) and her 4 MB photo is accepted and reduced on the server.
 *
 * On every page: axe finds nothing (WCAG 2.0–2.2 A/AA), nothing is wider than the screen, and the
 * page (document plus the CSS/JS it loads, compressed as served) stays under 50 KB; the biggest is
 * printed. `USABILITY_SCREENSHOTS=docs/usability` writes the screenshots docs/usability.md shows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PDF } from '../../src/demo/demo-files.js';
import { DIALECTS, type TestDialect } from '../helpers/databases.js';
import { cameraJpeg, codeFromMailbox, phonePhoto, type Served, serve, storedAnswers, storedDocument, uploadFrom, Walk } from './citizen-path.helpers.js';

const files = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-citizen-'));
const pdf = path.join(files, 'scan.pdf');
const camera = path.join(files, 'IMG_20261120_093012.jpg');
const photo = path.join(files, 'foto-lokasi.jpg');
let cameraBytes = 0;

beforeAll(async () => {
  fs.writeFileSync(pdf, DEMO_PDF);
  cameraBytes = await cameraJpeg(camera);
  await phonePhoto(photo);
}, 60_000);
afterAll(() => fs.rmSync(files, { recursive: true, force: true }));

/** A first-time applicant: who she is, how she registers, what she answers and how her pages read. */
type Person = {
  name: string;
  /** The screenshots docs/usability.md shows of her walk (file names after her name). */
  shots: string[];
  /** Where a screenshot of hers looks, when not where the step looks for everyone. */
  shotFocus?: Record<string, string>;
  lang: 'id' | 'en';
  js: boolean;
  dialect: TestDialect;
  search: string;
  /** Her full name as she registers it, and the identity she registers with. */
  fullName: string;
  identity: 'nik' | 'kitas';
  contact: { field: 'email' | 'phone'; value: string };
  register(page: Page): Promise<void>;
  /** By field name: a value typed, an option's value, or a RegExp for the option whose label says it. */
  answers: Record<string, string | RegExp>;
  helpNote: string;
  says: { whatWillYouBuild: RegExp; estimate: RegExp; bill: RegExp; step: RegExp; dontClose: RegExp; foreignersWelcome: RegExp };
};

/** The house-shop as both describe it: 60 m² downstairs and 60 m² to add on top ("old floors plus new ones": 120 m²). */
const PBG_ANSWERS = {
  floorArea: '120 m2',
  floorCount: '2',
  complexity: 'simple',
  permanence: 'permanent',
  ownership: 'private',
  lowIncomeHouse: 'no',
};

const SRI: Person = {
  name: 'sri',
  shots: [
    '02-search',
    '03-guide',
    '04-register',
    '05-hint',
    '06-floor-area',
    '07-what-will-you-build',
    '09-upload-ktp',
    '11-document-help',
    '12-estimate',
    '13-missing',
    '14-confirmation',
    '15-track',
  ],
  lang: 'id',
  js: true,
  dialect: 'sqlite',
  search: 'tambah lantai rumah',
  fullName: 'Sri Wahyuni',
  identity: 'nik',
  contact: { field: 'phone', value: '0812 3456 7801' },
  async register(page) {
    await page.fill('#f-name', SRI.fullName);
    // Born 12 August 1974 in Kota Malang (35 73; a woman: day + 40), as on her KTP.
    await page.fill('#f-nik', '3573015208740001');
    await page.fill('#f-phone', '0812 3456 7801');
    await page.fill('#f-password', 'warung bu sri sejak 1998');
  },
  answers: {
    ...PBG_ANSWERS,
    buildingAddress: 'Jl. Kawi No. 12, RT 03 RW 05, Kelurahan Bareng, Kecamatan Klojen, Kota Malang',
    landTitleNumber: 'SHM No. 01234/Bareng',
    // A house with her warung in it: mixed use, small.
    buildingFunction: 'mixed_small',
    buildingWorkType: /menambah lantai/i,
  },
  helpNote: 'Saya belum pernah mengurus KRK. Rumah saya di Jl. Kawi, mau tambah satu lantai.',
  says: {
    whatWillYouBuild: /Apa yang akan Anda bangun/i,
    estimate: /perkiraan retribusi/i,
    bill: /tagihan/i,
    step: /\d+ dari \d+/,
    dontClose: /Jangan tutup halaman ini/,
    foreignersWelcome: /Warga negara asing dengan KITAS\/KITAP dapat mengajukan izin ini/,
  },
};

const ANNEKE: Person = {
  name: 'anneke',
  shots: ['04-register', '09-upload-ktp', '09-ktp-accepted', '12-estimate'],
  shotFocus: { '04-register': 'main fieldset:has(#f-passportNumber) legend' },
  lang: 'en',
  js: false,
  dialect: 'postgres',
  search: 'add a floor to my house',
  fullName: 'Anneke de Vries',
  identity: 'kitas',
  contact: { field: 'email', value: 'anneke.devries@example.nl' },
  async register(page) {
    await page.fill('#f-name', ANNEKE.fullName);
    await page.locator(`label[for="${await page.locator('input[name="identityKind"][value="kitas"]').getAttribute('id')}"]`).click();
    await page.fill('#f-passportNumber', 'NX4R71K09');
    await page.fill('#f-stayPermitNumber', '2C21JE0123456AB');
    await page.fill('#f-nationality', 'Netherlands');
    await page.fill('#f-email', 'anneke.devries@example.nl');
    await page.fill('#f-password', 'rumah di malang sejak 2019');
  },
  answers: {
    ...PBG_ANSWERS,
    buildingAddress: 'Jl. Ijen No. 40, RT 02 RW 01, Kelurahan Oro-oro Dowo, Kecamatan Klojen, Kota Malang',
    // A foreigner holds a house under a right of use (Hak Pakai).
    landTitleNumber: 'SHP No. 00217/Oro-oro Dowo',
    buildingFunction: 'housing',
    buildingWorkType: /adding a floor/i,
  },
  helpNote: 'I have never applied for a KRK. My house is on Jl. Ijen and I want to add one floor.',
  says: {
    whatWillYouBuild: /What will you build/i,
    estimate: /estimated fee/i,
    bill: /bill/i,
    step: /step \d+ of \d+/i,
    dontClose: /Don’t close this page/,
    foreignersWelcome: /Foreign residents with a KITAS\/KITAP can apply for this permit/,
  },
};

/** The whole path for one person, in one browser; every page checked by the walk. */
async function applyForPbg(served: Served, who: Person): Promise<Walk> {
  const { base } = served;
  const walk = await Walk.start({ base, javaScriptEnabled: who.js, shotPrefix: who.name });
  /** A screenshot for the docs, if hers; `focus` is what it shows. */
  const shot = (name: string, focus?: string) => {
    const where = who.shotFocus?.[name] ?? focus;
    return who.shots.includes(name) ? { shot: name, ...(where ? { focus: where } : {}) } : {};
  };
  const { page } = walk;
  try {
    // ── The permit list and search ──────────────────────────────────────────────────────────────
    await walk.goto('/izin');
    if (who.lang === 'en') {
      await walk.click('form.header__lang button');
      expect(await page.locator('html').getAttribute('lang')).toBe('en');
    }
    await walk.check('catalogue', shot('01-catalogue'));
    await page.fill('#q', who.search);
    await walk.click('form[role=search] button');
    await walk.check('search', shot('02-search'));
    // PBG is the first answer to how she asks, not "rumah sakit" or nothing.
    expect(await page.locator('main .card-list li a').first().getAttribute('href')).toBe('/izin/PBG');

    // ── PBG's guide: what it is and a worked example of what it costs ───────────────────────────
    await walk.click('main .card-list li a >> nth=0');
    expect(walk.path()).toBe('/izin/PBG');
    await walk.check('guide', shot('03-guide', 'main .summary-list__row:has([data-fee-example])'));
    // Who may apply: a KITAS/KITAP holder may, for PBG.
    expect(await page.locator('main [data-foreign-residents]').innerText()).toMatch(who.says.foreignersWelcome);
    // The worked example: a house like hers, in rupiah.
    expect(await page.locator('main [data-fee-example]').innerText()).toMatch(/Rp\s?\d{1,3}(\.\d{3})+/);

    // ── Start: not signed in, she is sent to sign in, and registers from there ─────────────────
    await walk.click('main a[href="/izin/PBG/mulai"]');
    await walk.check('start');
    // Before she signs in, the start page says it again.
    expect(await walk.mainText()).toMatch(who.says.foreignersWelcome);
    await walk.click('main a[href^="/akun/masuk"]');
    await walk.check('sign-in');
    await walk.click('main a[href^="/akun/daftar"]');
    expect(walk.path(), 'the register link keeps where she was going').toContain(`kembali=${encodeURIComponent('/izin/PBG/mulai')}`);
    await walk.check('register', shot('04-register'));
    if (who.lang === 'en') {
      // She looks at the form in Indonesian once, to see the words her KITAS uses, and comes back: the way back is kept.
      for (const lang of ['id', 'en']) {
        await walk.click('form.header__lang button');
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
        expect(walk.path(), 'the language switch keeps where she was going').toContain(`kembali=${encodeURIComponent('/izin/PBG/mulai')}`);
        await walk.check(`register-${lang}`);
      }
    }
    await who.register(page);
    await page.locator('label[for="f-consent"]').click();
    await walk.submit();
    expect(walk.path()).toMatch(/^\/akun\/verifikasi/);
    const account = await served.ctx.db
      .selectFrom('users')
      .select(['identity_kind', 'nik_encrypted'])
      .where('name', '=', who.fullName)
      .executeTakeFirstOrThrow();
    expect(account.identity_kind, 'registered with the identity she has').toBe(who.identity);
    expect(account.nik_encrypted === null, 'a foreign resident has no NIK').toBe(who.identity === 'kitas');
    await walk.check('verify');
    await page.fill('#f-code', await codeFromMailbox(walk.context, base, who.contact.value));
    await walk.click('main form[action="/akun/verifikasi"] button[type=submit]');
    await walk.check('verified');
    if (walk.path() !== '/izin/PBG/mulai') await walk.click('main a[href="/izin/PBG/mulai"]');
    expect(walk.path(), 'back on the permit she chose').toBe('/izin/PBG/mulai');
    await walk.check('start-signed-in');

    // ── The questions, one a page, each technical one with a plain hint ─────────────────────────
    await walk.submit();
    const appId = walk.path().split('/')[2]!;
    const hintsSeen: string[] = [];
    for (let guard = 0; guard < 20 && /\/isian\/[A-Za-z0-9]+$/.test(walk.path()); guard++) {
      const field = walk.path().split('/').pop()!;
      const answer = who.answers[field];
      expect(answer, `she knows how to answer ${field}`).toBeDefined();
      if (await page.locator(`#f-${field}-hint`).isVisible()) hintsSeen.push(field);
      if (field === 'buildingWorkType') expect(await page.locator('main legend').innerText()).toMatch(who.says.whatWillYouBuild);
      const shotName = { complexity: '05-hint', floorArea: '06-floor-area', buildingWorkType: '07-what-will-you-build' }[field];
      await walk.check(`question-${field}`, shotName ? shot(shotName) : {});
      if (answer instanceof RegExp) {
        await page.locator('main label', { hasText: answer }).first().click();
      } else {
        const radio = page.locator(`input[name="${field}"][value="${answer}"]`);
        if (await radio.count()) await page.locator(`label[for="${await radio.getAttribute('id')}"]`).click();
        else await page.fill(`#f-${field}`, answer!);
      }
      await walk.submit();
      expect(await page.locator('.error-summary').count(), `${field}: "${String(answer)}" is taken`).toBe(0);
    }
    expect(walk.path()).toBe(`/permohonan/${appId}/dokumen`);
    // The floor area of an extension ("old floors plus new ones") and the other technical questions have hints.
    expect(hintsSeen).toEqual(expect.arrayContaining(['floorArea', 'buildingFunction', 'complexity', 'permanence', 'ownership']));
    // "120 m2" was read as 120.
    expect((await storedAnswers(served, appId)).floorArea).toBe(120);

    // ── Documents: the camera photo of her identity card ────────────────────────────────────────
    await walk.check('documents', shot('08-documents'));
    await walk.click(`main a[href="/permohonan/${appId}/dokumen/ktp"]`);
    await walk.check('upload-ktp', shot('09-upload-ktp'));
    await page.setInputFiles('#f-file', camera);
    const [sent] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/permohonan/${appId}/dokumen/ktp`)),
      page.waitForURL(`${base}/permohonan/${appId}/dokumen`, { timeout: 30_000 }),
      // With JavaScript she is told while the photo is made smaller and sent.
      who.js ? page.locator('.upload-status[role=status]', { hasText: who.says.dontClose }).waitFor() : null,
      page.locator('main form[data-upload] button[type=submit]').click(),
    ]);
    // What went over the wire: the upload's Content-Length as the browser sent it.
    const sentBytes = Number(await sent.headerValue('content-length'));
    expect(cameraBytes).toBeGreaterThan(4_000_000);
    if (who.js) expect(sentBytes, 'the browser reduced the photo before sending it').toBeLessThan(1_048_576);
    else expect(sentBytes, 'without JavaScript the 4 MB original goes as it is').toBeGreaterThan(cameraBytes);
    const ktp = await storedDocument(served, appId, 'ktp');
    expect(ktp.width, 'the KTP photo is kept 1600 px wide, still readable').toBe(1600);
    expect(ktp.sizeBytes).toBeLessThan(1_048_576);
    await walk.check('documents-ktp', shot('09-ktp-accepted'));

    // PDFs for the rest, a phone photo of the plot, and nothing yet for the KRK/KKPR.
    const def = (await served.ctx.services.catalogue.getPermitType({ tenantId: served.ctx.tenant.id, code: 'PBG' })).definition;
    const lacking = 'krk';
    for (const r of def.requirements.filter((x) => x.required && x.code !== 'ktp' && x.code !== lacking)) {
      await uploadFrom(walk, appId, r.code, r.acceptedTypes.includes('pdf') ? pdf : photo);
    }

    // ── The KRK she does not have: what it is, and a help request about it with her file ────────
    await walk.click(`main a[href="/permohonan/${appId}/dokumen/${lacking}"]`);
    await walk.check('upload-krk', shot('10-krk'));
    await walk.click(`main a[href="/permohonan/${appId}/dokumen/${lacking}/bantuan"]`);
    await walk.check('document-help', shot('11-document-help'));
    await page.fill('#f-note', who.helpNote);
    await walk.submit();
    await walk.check('document-help-sent');
    expect((await page.locator('[data-help-reference]').innerText()).trim()).not.toBe('');
    const help = await served.ctx.db.selectFrom('help_requests').select('application_id').where('tenant_id', '=', served.ctx.tenant.id).execute();
    expect(
      help.map((h) => h.application_id),
      'the help request carries her file',
    ).toContain(appId);

    // ── Check answers: her own estimate; submitting without the KRK lists it as a link ───────────
    await walk.goto(`/permohonan/${appId}/periksa`);
    const checkText = await walk.mainText();
    expect(checkText).toMatch(who.says.estimate);
    expect(checkText).toMatch(/Rp\s?\d{1,3}(\.\d{3})+/);
    await walk.check('check-answers', shot('12-estimate', '#cost-title'));
    await page.locator('label[for="f-declaration"]').click();
    await walk.submit();
    await walk.check('check-answers-missing', shot('13-missing'));
    const missing = `.error-summary a[href="/permohonan/${appId}/dokumen/${lacking}"]`;
    expect(await page.locator(missing).count(), 'the missing KRK is a link in the error summary').toBe(1);
    expect(await page.locator('#f-declaration').isChecked(), 'her declaration tick is kept').toBe(true);

    // ── The KRK arrives: she follows the link, uploads it and submits ────────────────────────────
    await walk.click(missing);
    await walk.page.setInputFiles('#f-file', pdf);
    await Promise.all([page.waitForURL(`${base}/permohonan/${appId}/dokumen`), page.locator('main form[data-upload] button[type=submit]').click()]);
    await walk.click(`main a[href="/permohonan/${appId}/periksa"]`);
    if (!(await page.locator('#f-declaration').isChecked())) await page.locator('label[for="f-declaration"]').click();
    await walk.submit();
    expect(walk.path()).toBe(`/permohonan/${appId}/terkirim`);
    await walk.check('confirmation', shot('14-confirmation'));
    const number = (await page.locator('[data-number]').innerText()).trim();
    const trackingCode = (await page.locator('[data-tracking-code]').innerText()).trim();
    expect(number).toMatch(/^MLG-PBG-2026-\d{6}$/);
    expect(await walk.mainText(), 'a bill will follow after the technical review').toMatch(who.says.bill);

    // ── Tracking, typed as read off the receipt: small letters, a space, no leading zeros ────────
    await walk.goto('/lacak');
    await walk.check('track');
    await page.fill('#f-number', number.toLowerCase().replace(/-0+(\d)/, '-$1'));
    await page.fill('#f-code', `${trackingCode.slice(0, 4).toLowerCase()} ${trackingCode.slice(4)}`);
    await walk.submit();
    await walk.check('track-result', shot('15-track'));
    const tracked = await walk.mainText();
    expect(tracked).toContain(number);
    expect(tracked).toMatch(who.says.step);
    return walk;
  } catch (err) {
    await walk.close();
    throw err;
  }
}

for (const who of [SRI, ANNEKE]) {
  // Each journey on its own database (both together cover both); DIALECTS=… narrows a quick run.
  const dialect = DIALECTS.includes(who.dialect) ? who.dialect : DIALECTS[0]!;
  describe(`${who.name === 'sri' ? 'Ibu Sri (Indonesian, JavaScript on)' : 'Anneke, a KITAS holder (English, JavaScript off)'} at 360 px on ${dialect}`, () => {
    let served: Served;
    beforeAll(async () => {
      served = await serve(dialect);
    });
    afterAll(async () => served?.close());

    it(
      'finds PBG by how she asks, sees its cost, registers from its start page and comes back, applies with a camera photo, asks for help with the KRK and submits',
      { timeout: 150_000 },
      async () => {
        const walk = await applyForPbg(served, who);
        try {
          const biggest = walk.biggest();
          const sizes = walk.weights.map((w) => w.total).sort((a, b) => a - b);
          console.info(
            `${who.name}: ${sizes.length} pages, ${sizes[0]}–${biggest.total} bytes (median ${sizes[sizes.length >> 1]}), the biggest ${biggest.label} (${biggest.url})`,
          );
          expect(walk.weights.length).toBeGreaterThanOrEqual(30);
        } finally {
          await walk.close();
        }
      },
    );
  });
}
