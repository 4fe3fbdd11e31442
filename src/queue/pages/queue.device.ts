import type { FastifyReply, FastifyRequest } from 'fastify';
import { assetUrl } from '../../web/assets.js';
import { csrfField, errorSummary, type FieldError } from '../../web/components.js';
import { html, type SafeHtml } from '../../web/html.js';
import { t } from '../../web/i18n.js';
import { queueAssetUrl } from '../queue.assets.js';

/**
 * The shell of the queue's public screens (the kiosk tablet, the lobby TV, the visitor's ticket on a
 * phone): the office's name and the language switch, no portal navigation, the site's stylesheet plus
 * the queue's. A refresh is a meta refresh, so the screens stay current without JavaScript; the lobby
 * display's refresh sits in <noscript>, since with JavaScript it is live.
 */
export function sendDevicePage(
  req: FastifyRequest,
  reply: FastifyReply,
  opts: {
    title: string;
    body: SafeHtml;
    status?: number;
    errors?: FieldError[];
    /** Seconds, and where to (default: this page). */
    refresh?: { seconds: number; to?: string; onlyWithoutScript?: boolean };
    display?: boolean;
  },
): FastifyReply {
  const lang = req.lang;
  const returnTo = req.url.split('#')[0] ?? '/antrian';
  const refresh = opts.refresh ? html`<meta http-equiv="refresh" content="${opts.refresh.seconds}${opts.refresh.to ? `;url=${opts.refresh.to}` : ''}">` : '';
  const page = html`<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – Izol ${req.tenant.name}</title>
${opts.refresh?.onlyWithoutScript ? html`<noscript>${refresh}</noscript>` : refresh}
<link rel="stylesheet" href="${assetUrl('app.css')}">
<link rel="stylesheet" href="${queueAssetUrl('antrian.css')}">
<script src="${assetUrl('app.js')}" defer></script>
${opts.display ? html`<script src="${queueAssetUrl('layar.js')}" defer></script>` : ''}
</head>
<body class="q-device${opts.display ? ' q-display' : ''}">
<a href="#main" class="skip-link">${t(lang, 'skip')}</a>
<header class="container q-top">
  <span class="q-top__office">${req.tenant.name}</span>
  <form method="post" action="/bahasa">
    ${csrfField(req)}<input type="hidden" name="kembali" value="${returnTo}"><input type="hidden" name="lang" value="${lang === 'id' ? 'en' : 'id'}">
    <button type="submit" class="link-button"><span class="visually-hidden">${t(lang, 'lang.switch.label')}: </span><span lang="${lang === 'id' ? 'en' : 'id'}">${t(lang, 'lang.switch')}</span></button>
  </form>
</header>
<div class="container">
<main id="main" class="main" tabindex="-1">
${errorSummary(req, opts.errors)}
${opts.body}
</main>
</div>
</body>
</html>`.value;
  return reply
    .code(opts.status ?? (opts.errors?.length ? 400 : 200))
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page);
}
