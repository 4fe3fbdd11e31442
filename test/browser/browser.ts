import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium, installed by scripts/ensure-test-tools.sh (npm test runs it). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const ARTIFACTS = path.resolve('test-artifacts/screenshots');

export async function launch(opts: { javaScriptEnabled: boolean; width?: number }): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: run scripts/ensure-test-tools.sh (npm test does) or set CHROMIUM_PATH`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'izol-chromium-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: opts.width ?? 360, height: 740 },
    javaScriptEnabled: opts.javaScriptEnabled,
    // axe-core is injected into the page; the site's CSP would (rightly) refuse an injected script.
    bypassCSP: true,
  });
  return {
    context,
    async close() {
      await context.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type AxeViolation = { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] };

/** Runs axe-core with the WCAG 2.0–2.2 A and AA rules and returns the violations (none is the goal). */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluation goes through the DevTools protocol, so it works with the page's JavaScript turned off too.
  const result = await page.evaluate(
    `(async () => { ${axeSource}; return await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }); })()`,
  );
  return (result as { violations: AxeViolation[] }).violations;
}

export function describeViolations(url: string, v: AxeViolation[]): string {
  return `${url}\n${v.map((x) => `  ${x.id} (${x.impact}): ${x.help}\n${x.nodes.map((n) => `    ${n.target.join(' ')} ${n.failureSummary ?? ''}`).join('\n')}`).join('\n')}`;
}

/**
 * Signs an officer in through the pages, as a person would: email and password, then the authenticator
 * code, ending on the back office's home.
 */
export async function signInOfficer(page: Page, base: string, who: { email: string; password: string; code: string }): Promise<void> {
  await page.goto(`${base}/akun/masuk`);
  await page.fill('#f-login', who.email);
  await page.fill('#f-password', who.password);
  await page.locator('main form button[type=submit]').click();
  await page.waitForURL(`${base}/kantor/kode`);
  await page.fill('#f-code', who.code);
  await page.locator('main form button[type=submit]').click();
  await page.waitForURL(`${base}/kantor`);
}
