/**
 * Helpers for the citizen's path (test/browser/citizen-path.test.ts, issue 16): the app listening with
 * its outbox running, a "walk" that checks every page a citizen sees (axe, width, transfer size, and a
 * screenshot for docs/usability.md when USABILITY_SCREENSHOTS names a folder), the verification code
 * from the development mailbox, and a camera-sized JPEG.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { BrowserContext, Page, Response } from 'playwright-core';
import sharp from 'sharp';
import { expect } from 'vitest';
import { createJobRunner, type JobRunner } from '../../src/jobs/jobs.js';
import { createTestContext, type TestContext } from '../helpers/context.js';
import type { TestDialect } from '../helpers/databases.js';
import { axeViolations, describeViolations, launch } from './browser.js';

/** The budget for a page: the document and the CSS and JavaScript it loads, compressed as served. */
export const PAGE_BUDGET_BYTES = 50 * 1024;

export type Served = { ctx: TestContext; base: string; close(): Promise<void> };

/** The app on a real port, with the outbox job running as the server runs it (sign-up codes arrive on their own). */
export async function serve(dialect: TestDialect): Promise<Served> {
  const ctx = await createTestContext(dialect, { OUTBOX_POLL_MS: '100' });
  await ctx.app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`;
  const jobs: JobRunner = createJobRunner({ clock: ctx.clock, logger: { error: () => undefined }, jobs: [ctx.services.outbox.job] });
  jobs.start();
  return {
    ctx,
    base,
    async close() {
      await jobs.stop();
      await ctx.close();
    },
  };
}

/** Bytes on the wire for one GET of an asset as a browser asks for it (compressed body and headers). */
function assetTransferBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { 'accept-encoding': 'br, gzip, deflate' } }, (res) => {
        let bytes = 0;
        res.on('data', (chunk: Buffer) => (bytes += chunk.length));
        res.on('end', () => {
          // Each header line is "name: value" and CRLF, after a status line of about 17 bytes.
          const headerBytes = res.rawHeaders.reduce((n, h) => n + h.length + 2, 17);
          resolve(bytes + headerBytes);
        });
      })
      .on('error', reject);
  });
}

export type PageWeight = { label: string; url: string; document: number; assets: number; total: number };

/**
 * One person's walk through the pages, in one browser. `check(label)` is called on every page she
 * sees: no axe violation (WCAG 2.0–2.2 A/AA rules), nothing wider than the 360 px screen, and the
 * page's transfer size (the document as the browser received it, plus each stylesheet, script and
 * image it names, compressed as served) under 50 KB. With JavaScript off, axe runs on the page's HTML
 * in a second browser with script (axe is a script).
 */
export class Walk {
  readonly weights: PageWeight[] = [];
  private lastDocument: Response | null = null;
  private readonly assetBytes = new Map<string, number>();

  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    private readonly base: string,
    private readonly checker: Page | null,
    private readonly closers: (() => Promise<void>)[],
    private readonly shotPrefix: string,
  ) {
    page.on('response', (res) => {
      const req = res.request();
      if (req.isNavigationRequest() && req.frame() === page.mainFrame() && (res.status() < 300 || res.status() >= 400)) this.lastDocument = res;
    });
  }

  static async start(opts: { base: string; javaScriptEnabled: boolean; shotPrefix: string }): Promise<Walk> {
    const browser = await launch({ javaScriptEnabled: opts.javaScriptEnabled });
    const closers = [() => browser.close()];
    let checker: Page | null = null;
    if (!opts.javaScriptEnabled) {
      const c = await launch({ javaScriptEnabled: true });
      closers.push(() => c.close());
      checker = await c.context.newPage();
      // Relative asset addresses in the copied HTML resolve against the app, so axe sees the real styles.
      await checker.goto(`${opts.base}/health`);
    }
    const page = await browser.context.newPage();
    return new Walk(page, browser.context, opts.base, checker, closers, opts.shotPrefix);
  }

  async close(): Promise<void> {
    for (const c of this.closers) await c();
  }

  /** The main text as she reads it, whitespace collapsed. */
  async mainText(): Promise<string> {
    return (await this.page.locator('main').innerText()).replace(/\s+/g, ' ');
  }

  /** Clicks something that loads the next page and waits for it. */
  async click(selector: string): Promise<void> {
    await Promise.all([this.page.waitForEvent('load'), this.page.locator(selector).first().click()]);
  }

  /** Sends the page's main form (its last submit button) and waits for the answer. */
  async submit(): Promise<void> {
    await this.click('main form button[type=submit] >> nth=-1');
  }

  async goto(pathname: string): Promise<void> {
    await this.page.goto(`${this.base}${pathname}`);
  }

  path(): string {
    const u = new URL(this.page.url());
    return u.pathname + u.search;
  }

  /**
   * Checks the page she is on. `shot` names a screenshot for docs/usability.md (taken only when
   * USABILITY_SCREENSHOTS is set): the 360 × 740 screen around `focus` (an element's selector), as
   * a palette PNG so the docs stay small.
   */
  async check(label: string, opts: { shot?: string; focus?: string } = {}): Promise<void> {
    const { page } = this;
    const target = this.checker ?? page;
    if (this.checker) await this.checker.setContent(await page.content(), { waitUntil: 'load' });
    const violations = await axeViolations(target);
    expect(violations, describeViolations(`${label} ${page.url()}`, violations)).toEqual([]);
    const width = await target.evaluate<number>('document.documentElement.scrollWidth');
    expect(width, `${label} fits 360 px`).toBeLessThanOrEqual(360);
    await this.weigh(label);
    const dir = process.env.USABILITY_SCREENSHOTS;
    if (dir && opts.shot) await this.screenshot(path.resolve(dir), opts.shot, opts.focus);
  }

  private async weigh(label: string): Promise<void> {
    const doc = this.lastDocument;
    expect(doc?.url(), `${label}: the page she sees is the last one the server sent`).toBe(this.page.url());
    const sizes = await doc!.request().sizes();
    const document = sizes.responseBodySize + sizes.responseHeadersSize;
    const body = await doc!.text();
    const refs = [...body.matchAll(/<(?:link[^>]*\brel="stylesheet"[^>]*\bhref|script[^>]*\bsrc|img[^>]*\bsrc)="([^"]+)"/g)].map((m) => m[1]!);
    let assets = 0;
    for (const ref of refs) {
      if (ref.startsWith('data:')) continue;
      const url = new URL(ref, this.base).toString();
      if (!this.assetBytes.has(url)) this.assetBytes.set(url, await assetTransferBytes(url));
      assets += this.assetBytes.get(url)!;
    }
    const weight = { label, url: this.path(), document, assets, total: document + assets };
    this.weights.push(weight);
    expect(weight.total, `${label} ${weight.url}: ${weight.total} bytes (document ${document}, assets ${assets})`).toBeLessThan(PAGE_BUDGET_BYTES);
  }

  private async screenshot(dir: string, name: string, focus: string | undefined): Promise<void> {
    const { page } = this;
    fs.mkdirSync(dir, { recursive: true });
    const height = 740;
    let top = 0;
    if (focus) {
      const el = page.locator(focus).first();
      const [docTop, docHeight] = await el.evaluate((e) => [e.getBoundingClientRect().top + window.scrollY, document.documentElement.scrollHeight]);
      top = Math.max(0, Math.min(docTop - 96, docHeight - height));
    }
    const png = await page.screenshot({ fullPage: true, clip: { x: 0, y: top, width: 360, height } });
    const small = await sharp(png).png({ palette: true, colours: 64, compressionLevel: 9, effort: 10 }).toBuffer();
    fs.writeFileSync(path.join(dir, `${this.shotPrefix}-${name}.png`), small);
  }

  /** The biggest page of the walk. */
  biggest(): PageWeight {
    return this.weights.reduce((a, b) => (b.total > a.total ? b : a));
  }
}

/**
 * The six-digit code the office sent to `recipient` (an email address, or a phone number compared by
 * its digits after the leading 0 or 62), read from the development mailbox in another tab.
 */
export async function codeFromMailbox(context: BrowserContext, base: string, recipient: string): Promise<string> {
  const phone = /^[+0-9 -]+$/.test(recipient) ? recipient.replace(/\D/g, '').replace(/^(62|0)/, '') : null;
  const mine = (text: string) => (phone ? text.replace(/\D/g, '').includes(phone) : text.includes(recipient));
  const mailbox = await context.newPage();
  try {
    for (let i = 0; i < 100; i++) {
      await mailbox.goto(`${base}/dev/kotak-surat`);
      for (const text of await mailbox.locator('main li').allInnerTexts()) {
        const lines = text.split('\n');
        const to = lines.find((l) => l.includes('→')) ?? '';
        const code = mine(to) ? /\b(\d{6})\b/.exec(lines.filter((l) => l !== to).join('\n'))?.[1] : undefined;
        if (code) return code;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no code for ${recipient} in the development mailbox`);
  } finally {
    await mailbox.close();
  }
}

/**
 * A photo as a phone camera takes it: 4000 × 3000 px and about 4 MB as JPEG (smooth colour with
 * sensor-like noise, which is what makes camera files large). Written to `file`; returns its size.
 */
export async function cameraJpeg(file: string): Promise<number> {
  const w = 4000;
  const h = 3000;
  const coarse = await sharp(randomBytes(400 * 300 * 3), { raw: { width: 400, height: 300, channels: 3 } })
    .resize(w, h, { kernel: 'cubic' })
    .raw()
    .toBuffer();
  const grain = randomBytes(w * h * 3);
  for (let i = 0; i < coarse.length; i++) coarse[i] = (coarse[i]! * 3 + grain[i]!) >> 2;
  const jpeg = await sharp(coarse, { raw: { width: w, height: h, channels: 3 } })
    .jpeg({ quality: 82 })
    .toBuffer();
  fs.writeFileSync(file, jpeg);
  return jpeg.length;
}

/** A small phone photo (800 × 600 JPEG), for a requirement that takes only pictures. */
export async function phonePhoto(file: string): Promise<void> {
  const pixels = await sharp(randomBytes(80 * 60 * 3), { raw: { width: 80, height: 60, channels: 3 } })
    .resize(800, 600)
    .jpeg({ quality: 80 })
    .toBuffer();
  fs.writeFileSync(file, pixels);
}

/** The application's answers as stored (the JSON the service keeps). */
export async function storedAnswers(served: Served, applicationId: string): Promise<Record<string, unknown>> {
  const row = await served.ctx.db.selectFrom('applications').select('answers').where('id', '=', applicationId).executeTakeFirstOrThrow();
  return JSON.parse(row.answers) as Record<string, unknown>;
}

/** The file the office keeps for a requirement: its size and, for a picture, its width. */
export async function storedDocument(
  served: Served,
  applicationId: string,
  requirementCode: string,
): Promise<{ sizeBytes: number; mediaType: string; width: number | null }> {
  const doc = await served.ctx.db
    .selectFrom('documents')
    .select(['size_bytes', 'media_type', 'sha256', 'tenant_id'])
    .where('application_id', '=', applicationId)
    .where('requirement_code', '=', requirementCode)
    .where('superseded_at', 'is', null)
    .executeTakeFirstOrThrow();
  const chunks: Buffer[] = [];
  for await (const chunk of await served.ctx.services.storage.open(doc.tenant_id, doc.sha256)) chunks.push(chunk as Buffer);
  const bytes = Buffer.concat(chunks);
  expect(bytes.length).toBe(doc.size_bytes);
  const width = doc.media_type.startsWith('image/') ? ((await sharp(bytes).metadata()).width ?? null) : null;
  return { sizeBytes: doc.size_bytes, mediaType: doc.media_type, width };
}

/** From the documents list: opens a requirement's upload page, checks it, sends the file and is back on the list. */
export async function uploadFrom(walk: Walk, applicationId: string, requirementCode: string, file: string): Promise<void> {
  const list = `/permohonan/${applicationId}/dokumen`;
  await walk.click(`main a[href="${list}/${requirementCode}"]`);
  await walk.check(`upload-${requirementCode}`);
  await walk.page.setInputFiles('#f-file', file);
  await Promise.all([
    walk.page.waitForURL((u) => u.pathname === list, { timeout: 30_000 }),
    walk.page.locator('main form[data-upload] button[type=submit]').click(),
  ]);
}
