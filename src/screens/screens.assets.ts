import { createHash } from 'node:crypto';

/**
 * The screen's own stylesheet and script (served at /layar/aset/{hash}/{name}, cached for a year).
 * Large type in viewport units, white and yellow on black (contrast above 15:1), the QR code on white;
 * 16:9 landscape puts the QR code beside the text, 9:16 portrait below it (orientation media query, or
 * forced with ?orientasi=potret / ?orientasi=lanskap).
 */
const CSS = `
html,body{margin:0;padding:0;height:100%}
body.layar{background:#0b0c0c;color:#fff;font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;overflow:hidden;line-height:1.25}
.layar__slide{box-sizing:border-box;height:92vh;padding:3vmin 5vmin;display:grid;gap:3vmin;align-content:center;overflow:hidden}
.layar h1{font-size:5.6vmin;margin:0 0 1.5vmin;color:#ffdd00;line-height:1.1}
.layar h2{font-size:3.6vmin;margin:1.5vmin 0 .8vmin;color:#fff}
.layar p,.layar li{font-size:3vmin;margin:0 0 .8vmin}
.layar ol,.layar ul{margin:0;padding-left:5vmin}
.layar .layar__kicker{font-size:2.6vmin;text-transform:uppercase;letter-spacing:.08em;color:#fff;margin:0 0 .8vmin}
.layar__steps li{font-size:3.3vmin;font-weight:700}
.layar__qr{margin:0;background:#fff;color:#0b0c0c;padding:2vmin;text-align:center;align-self:center;justify-self:center}
.layar__qr svg{display:block;width:40vmin;height:40vmin;margin:0 auto}
.layar__qr figcaption{font-size:2.4vmin;font-weight:700;margin-top:.8vmin;word-break:break-all}
.layar .layar__figure{font-size:16vmin;font-weight:800;color:#ffdd00;margin:0;line-height:1}
.layar .layar__announce{font-size:7vmin;font-weight:800;max-width:60ch}
.layar__serving{border-collapse:collapse;font-size:6vmin}
.layar__serving th{font-size:3.4vmin;text-align:left;border-bottom:.4vmin solid #fff;padding:1vmin 3vmin}
.layar__serving td{font-weight:800;padding:1vmin 3vmin;border-bottom:.2vmin solid #6f777b}
.layar__foot{box-sizing:border-box;height:8vh;display:flex;justify-content:space-between;align-items:center;padding:0 5vmin;border-top:.5vmin solid #ffdd00;font-size:2.6vmin}
.layar__howto{grid-template-columns:1.7fr 1fr;align-items:center}
.layar--potret .layar__howto{grid-template-columns:1fr}
@media (orientation:portrait){body:not(.layar--lanskap) .layar__howto{grid-template-columns:1fr}}
.layar--potret .layar__qr svg{width:55vmin;height:55vmin}
@media (orientation:portrait){body:not(.layar--lanskap) .layar__qr svg{width:55vmin;height:55vmin}}
`;

/**
 * Optional: the next slide is loaded only once the server answers, so a dropped network leaves the
 * current slide up (tried again every 5 seconds) instead of a browser error page; location.replace
 * keeps the history at one entry. Each slide is still a fresh page load: nothing builds up. Without
 * this file the meta refresh in <noscript> moves on.
 */
const JS = `(function () {
  'use strict';
  var b = document.body;
  var next = b.getAttribute('data-next');
  var seconds = Number(b.getAttribute('data-duration')) || 10;
  if (!next || !window.fetch) return;
  function go() {
    fetch(next, { method: 'HEAD', cache: 'no-store', credentials: 'same-origin' }).then(
      function (res) { if (res.ok) window.location.replace(next); else window.setTimeout(go, 5000); },
      function () { window.setTimeout(go, 5000); }
    );
  }
  window.setTimeout(go, seconds * 1000);
})();
`;

const ASSETS = new Map<string, { body: string; type: string; hash: string }>(
  (
    [
      ['layar.css', CSS, 'text/css; charset=utf-8'],
      ['layar.js', JS, 'text/javascript; charset=utf-8'],
    ] as const
  ).map(([name, body, type]) => [name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) }]),
);

export type ScreenAssetName = 'layar.css' | 'layar.js';

export function screenAssetUrl(name: ScreenAssetName): string {
  return `/layar/aset/${ASSETS.get(name)!.hash}/${name}`;
}

export function screenAsset(name: string): { body: string; type: string; hash: string } | undefined {
  return ASSETS.get(name);
}
