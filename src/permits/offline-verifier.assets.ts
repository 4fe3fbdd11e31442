import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The offline verifier's script, stylesheet and service worker (src/permits/offline-verifier/).
 * Script and stylesheet are addressed by content hash under /verifikasi/luring/aset/{hash}/{name}; the
 * service worker has a fixed address and carries their addresses and a version made from them, so a
 * changed script or stylesheet installs a new worker, which replaces the device's copies.
 */
export const OFFLINE_PAGE = '/verifikasi/luring';
export const OFFLINE_SW = `${OFFLINE_PAGE}/sw.js`;

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'offline-verifier');
const TYPES = { css: 'text/css; charset=utf-8', js: 'text/javascript; charset=utf-8' } as const;
const hashOf = (body: string) => createHash('sha256').update(body).digest('hex').slice(0, 12);

export type OfflineAssetName = 'luring.css' | 'luring.js';

const ASSETS = new Map<string, { body: string; type: string; hash: string }>(
  (['luring.css', 'luring.js'] as const).map((name) => {
    const body = fs.readFileSync(path.join(DIR, name), 'utf8');
    return [name, { body, type: TYPES[name.endsWith('.css') ? 'css' : 'js'], hash: hashOf(body) }];
  }),
);

export function offlineAssetUrl(name: OfflineAssetName): string {
  return `${OFFLINE_PAGE}/aset/${ASSETS.get(name)!.hash}/${name}`;
}

export function offlineAsset(name: string): { body: string; type: string; hash: string } | undefined {
  return ASSETS.get(name);
}

/**
 * The worker's text, with the addresses it keeps. The site's own stylesheet and script (app.css,
 * app.js) are passed in: the page loads them too, and they are hashed by the page kit.
 */
export function serviceWorkerScript(siteAssets: string[]): string {
  const assets = [...siteAssets, offlineAssetUrl('luring.css'), offlineAssetUrl('luring.js')];
  const template = fs.readFileSync(path.join(DIR, 'sw.js'), 'utf8');
  return template
    .replace("'__VERSION__'", JSON.stringify(hashOf(template + assets.join('\n'))))
    .replace("'__PAGE__'", JSON.stringify(OFFLINE_PAGE))
    .replace("['__ASSETS__']", JSON.stringify(assets));
}
