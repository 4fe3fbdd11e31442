import type { FastifyInstance } from 'fastify';
import { assetUrl } from '../web/assets.js';
import { html, raw } from '../web/html.js';
import { type MessageKey, t } from '../web/i18n.js';
import { sendPage } from '../web/layout.js';
import { pageKit } from '../web/page-route.js';
import type { Lang } from '../shared/messages.js';
import { OFFLINE_PAGE, OFFLINE_SW, offlineAsset, offlineAssetUrl, serviceWorkerScript } from './offline-verifier.assets.js';
import { OFFLINE_VERIFIER_MESSAGES } from './offline-verifier.i18n.js';

/** The camera is this page's to ask for (the site's default policy refuses it everywhere else). */
const PERMISSIONS_POLICY = 'camera=(self), microphone=(), geolocation=()';

/** The verdict texts the page's script writes, in the page's language, as JSON safe inside <script>. */
function scriptText(lang: Lang): string {
  const keys = Object.keys(OFFLINE_VERIFIER_MESSAGES).filter((k) => k.startsWith('luring.js.')) as MessageKey[];
  return JSON.stringify(Object.fromEntries(keys.map((k) => [k, t(lang, k)])))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026');
}

/**
 * The offline verifier (/verifikasi/luring, issue 14): a page that, opened once online, keeps working
 * without the network. Its service worker keeps the page, its script and stylesheet, the office's
 * public keys and its signed revocation list; the script checks a permit's seal (scanned or pasted)
 * in the browser. Nothing is sent to the server when a seal is checked. Without JavaScript the page
 * says that the online check at /verifikasi is the way; the form stays hidden.
 */
export function offlineVerifierPages(app: FastifyInstance): void {
  const page = pageKit(app);

  app.get<{ Params: { hash: string; name: string } }>(`${OFFLINE_PAGE}/aset/:hash/:name`, { schema: { hide: true } }, async (request, reply) => {
    const a = offlineAsset(request.params.name);
    if (!a) return reply.code(404).type('text/plain').send('Not found');
    return reply
      .type(a.type)
      .header('cache-control', a.hash === request.params.hash ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(a.body);
  });

  const worker = serviceWorkerScript([assetUrl('app.css'), assetUrl('app.js')]);
  app.get(OFFLINE_SW, { schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      // The worker lives under /verifikasi/luring/ but controls the page /verifikasi/luring itself.
      .header('service-worker-allowed', OFFLINE_PAGE)
      .header('cache-control', 'no-cache')
      .send(worker),
  );

  page.get(
    OFFLINE_PAGE,
    {
      access: 'anyone',
      onSend: async (_req, reply, payload) => {
        reply.header('permissions-policy', PERMISSIONS_POLICY);
        return payload;
      },
    },
    ({ req, reply, lang }) =>
      sendPage(req, reply, {
        title: t(lang, 'luring.title'),
        body: html`<link rel="stylesheet" href="${offlineAssetUrl('luring.css')}">
<script src="${offlineAssetUrl('luring.js')}" defer></script>
<script type="application/json" id="luring-text">${raw(scriptText(lang))}</script>
<div class="luring" data-offline-verifier data-sw="${OFFLINE_SW}" data-scope="${OFFLINE_PAGE}" data-zone="${req.tenant.time_zone}">
<h1>${t(lang, 'luring.title')}</h1>
<p class="lead">${t(lang, 'luring.lead')}</p>
<noscript>
  <div class="luring__warning" data-nojs>
    <h2>${t(lang, 'luring.nojs.heading')}</h2>
    <p>${t(lang, 'luring.nojs.text')}</p>
  </div>
</noscript>
<p><a href="/verifikasi" data-online-check>${t(lang, 'luring.online.link')}</a></p>
<section aria-labelledby="luring-status-heading" class="luring__status">
  <h2 id="luring-status-heading">${t(lang, 'luring.status.heading')}</h2>
  <p id="luring-ready" role="status" data-offline-ready="false">${t(lang, 'luring.status.waiting')}</p>
  <div id="luring-freshness" aria-live="polite"></div>
</section>
<section id="luring-scan" aria-labelledby="luring-scan-heading" hidden>
  <h2 id="luring-scan-heading">${t(lang, 'luring.scan.heading')}</h2>
  <video id="luring-video" class="luring__video" aria-label="${t(lang, 'luring.scan.video')}" playsinline muted hidden></video>
  <button type="button" class="button button--secondary" id="luring-scan-button" data-start="${t(lang, 'luring.scan.start')}" data-stop="${t(lang, 'luring.scan.stop')}">${t(lang, 'luring.scan.start')}</button>
  <p id="luring-scan-note" aria-live="polite"></p>
</section>
<form id="luring-form" novalidate hidden>
  <h2>${t(lang, 'luring.paste.heading')}</h2>
  <div class="form-group">
    <label class="label" for="luring-input">${t(lang, 'luring.paste.label')}</label>
    <div id="luring-input-hint" class="hint">${t(lang, 'luring.paste.hint')}</div>
    <p id="luring-input-error" class="error-message" hidden><span class="visually-hidden">${t(lang, 'error.prefix')}</span> <span></span></p>
    <textarea class="textarea" id="luring-input" rows="4" aria-describedby="luring-input-hint luring-input-error" spellcheck="false" autocomplete="off" autocapitalize="characters"></textarea>
  </div>
  <button type="submit" class="button">${t(lang, 'luring.paste.submit')}</button>
</form>
<section aria-labelledby="luring-result-heading">
  <h2 id="luring-result-heading" class="visually-hidden">${t(lang, 'luring.result.heading')}</h2>
  <div id="luring-result" class="luring__result" tabindex="-1" aria-live="polite"></div>
</section>
</div>`,
      }),
  );
}
