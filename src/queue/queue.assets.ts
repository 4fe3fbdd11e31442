import { createHash } from 'node:crypto';

/**
 * The queue's own device screens (the kiosk tablet, the lobby TV) add these to the site's stylesheet:
 * touch-sized buttons and numbers readable across a room. The display's script only makes the page
 * live (server-sent events), with an optional chime and spoken call; without it the page refreshes itself.
 */
const CSS = `
.q-device{min-height:100vh}
.q-device .main{padding:16px 0}
.q-top{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap;padding:12px 0;border-bottom:4px solid #1d70b8}
.q-top__office{font-weight:700;font-size:1.3rem}
.q-services{list-style:none;margin:0 0 24px;padding:0;display:grid;grid-template-columns:repeat(auto-fit,minmax(240px,1fr));gap:16px}
.q-service{width:100%;min-height:120px;font-size:1.6rem;margin:0}
.q-service small{display:block;font-size:1rem;font-weight:400;margin-top:6px}
.q-number{font-size:5rem;font-weight:800;line-height:1;margin:12px 0;letter-spacing:.04em}
.q-qr svg{width:220px;height:220px}
.q-display{background:#0b0c0c;color:#fff}
.q-display a,.q-display .link-button{color:#fff}
.q-display .main{padding:24px}
.q-display h1,.q-display h2,.q-display h3{color:#fff}
.q-board{display:grid;grid-template-columns:2fr 1fr;gap:32px}
@media (max-width:800px){.q-board{grid-template-columns:1fr}}
.q-serving{width:100%;border-collapse:collapse}
.q-serving th{text-align:left;font-size:1.4rem;border-bottom:2px solid #fff;padding:8px}
.q-serving td{font-size:3.5rem;font-weight:800;padding:8px;border-bottom:1px solid #505a5f}
.q-serving tr:first-child td{color:#ffdd00}
.q-next{list-style:none;margin:0 0 16px;padding:0;display:flex;flex-wrap:wrap;gap:12px}
.q-next li{font-size:2rem;font-weight:700;border:2px solid #fff;padding:4px 12px}
.q-sound{margin-top:16px}
.q-live{font-size:1rem}
`;

const JS = `// Izol lobby display: live updates over server-sent events; the page refreshes itself without this file.
(function () {
  'use strict';
  var root = document.querySelector('[data-queue-display]');
  if (!root || !window.EventSource) return;
  var lang = root.getAttribute('data-lang') === 'en' ? 'en-GB' : 'id-ID';
  var sayTemplate = root.getAttribute('data-say') || '{number} {counter}';
  var live = document.getElementById('q-live');
  var body = document.getElementById('q-serving-body');
  var none = document.getElementById('q-serving-none');
  var next = document.getElementById('q-next');
  var nobody = root.getAttribute('data-nobody') || '';
  var sound = false;
  var seen = {};
  Array.prototype.forEach.call(document.querySelectorAll('[data-serving-row]'), function (r) {
    seen[r.getAttribute('data-counter')] = r.getAttribute('data-key');
  });
  var button = document.getElementById('q-sound');
  if (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      sound = !sound;
      button.setAttribute('aria-pressed', String(sound));
      button.textContent = button.getAttribute(sound ? 'data-off' : 'data-on');
      if (sound) chime();
    });
  }
  function chime() {
    try {
      var C = window.AudioContext || window.webkitAudioContext;
      var c = new C();
      var o = c.createOscillator();
      var g = c.createGain();
      o.connect(g);
      g.connect(c.destination);
      g.gain.value = 0.15;
      o.frequency.setValueAtTime(880, c.currentTime);
      o.frequency.setValueAtTime(660, c.currentTime + 0.35);
      o.start();
      o.stop(c.currentTime + 0.8);
    } catch (e) { /* no audio */ }
  }
  function spoken(number) {
    var parts = number.split('-');
    return parts.length === 2 ? parts[0] + ', ' + String(Number(parts[1])) : number;
  }
  function announce(row) {
    if (!sound) return;
    chime();
    if (!window.speechSynthesis) return;
    var text = sayTemplate.replace('{number}', spoken(row.number)).replace('{counter}', row.counter);
    var u = new window.SpeechSynthesisUtterance(text);
    u.lang = lang;
    window.setTimeout(function () { window.speechSynthesis.speak(u); }, 900);
  }
  function cell(tag, text, cls) {
    var el = document.createElement(tag);
    el.textContent = text;
    if (cls) el.className = cls;
    return el;
  }
  function render(d) {
    var fresh = {};
    body.textContent = '';
    d.nowServing.forEach(function (s) {
      var key = s.number + '@' + s.calledAt;
      fresh[s.counter] = key;
      if (seen[s.counter] !== key && s.status === 'called') announce(s);
      var tr = document.createElement('tr');
      tr.setAttribute('data-serving-row', '');
      tr.setAttribute('data-counter', s.counter);
      tr.setAttribute('data-key', key);
      tr.appendChild(cell('td', s.number));
      tr.appendChild(cell('td', s.counter));
      body.appendChild(tr);
    });
    seen = fresh;
    none.hidden = d.nowServing.length > 0;
    next.textContent = '';
    d.next.forEach(function (n) {
      next.appendChild(cell('h3', n.service.name));
      if (n.numbers.length === 0) { next.appendChild(cell('p', nobody)); return; }
      var ol = document.createElement('ol');
      ol.className = 'q-next';
      n.numbers.forEach(function (x) { ol.appendChild(cell('li', x)); });
      next.appendChild(ol);
    });
  }
  var delay = 1000;
  function connect() {
    var es = new EventSource(root.getAttribute('data-stream'));
    es.addEventListener('display', function (e) {
      delay = 1000;
      live.textContent = live.getAttribute('data-live');
      render(JSON.parse(e.data));
    });
    es.onerror = function () {
      live.textContent = live.getAttribute('data-offline');
      // The browser retries a dropped stream itself; one it gave up on (a restart answering 502) is opened again.
      if (es.readyState === 2) {
        es.close();
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      }
    };
  }
  connect();
})();
`;

const ASSETS = new Map<string, { body: string; type: string; hash: string }>(
  (
    [
      ['antrian.css', CSS, 'text/css; charset=utf-8'],
      ['layar.js', JS, 'text/javascript; charset=utf-8'],
    ] as const
  ).map(([name, body, type]) => [name, { body, type, hash: createHash('sha256').update(body).digest('hex').slice(0, 12) }]),
);

export type QueueAssetName = 'antrian.css' | 'layar.js';

/** The asset's address, with its content hash so that browsers may keep it for a year. */
export function queueAssetUrl(name: QueueAssetName): string {
  return `/antrian/aset/${ASSETS.get(name)!.hash}/${name}`;
}

export function queueAsset(name: string): { body: string; type: string; hash: string } | undefined {
  return ASSETS.get(name);
}
