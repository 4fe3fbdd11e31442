// Izol offline verifier (/verifikasi/luring): reads a permit's seal (IZ1: + base45 of a COSE_Sign1),
// checks its Ed25519 signature with the office's published keys and looks it up in the office's signed
// revocation list, all in the browser, from what the service worker keeps on the device.
// Formats: ARCHITECTURE.md, "the sealed QR" and "the revocation list". No framework, no dependency.
(function () {
  'use strict';
  var root = document.querySelector('[data-offline-verifier]');
  var textEl = document.getElementById('luring-text');
  if (!root || !textEl || !window.crypto || !window.crypto.subtle || !window.TextDecoder) return;
  var T = JSON.parse(textEl.textContent || '{}');
  var lang = document.documentElement.lang === 'en' ? 'en-GB' : 'id-ID';
  var zone = root.getAttribute('data-zone') || 'Asia/Jakarta';
  var KEYS_URL = '/.well-known/izol-signing-keys.json';
  var LIST_URL = '/.well-known/izol-revocations.json';
  var SW_URL = root.getAttribute('data-sw');
  var SCOPE = root.getAttribute('data-scope');

  function say(key, params) {
    var s = T[key] || key;
    Object.keys(params || {}).forEach(function (k) {
      s = s.split('{' + k + '}').join(String(params[k]));
    });
    return s;
  }

  // ---- base45 (RFC 9285) -------------------------------------------------------------------------
  var B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
  function Malformed() {}
  function malformed() {
    return new Malformed();
  }
  function base45(s) {
    if (s.length % 3 === 1) throw malformed();
    var out = [];
    for (var i = 0; i < s.length; i += 3) {
      var c = B45.indexOf(s.charAt(i));
      var d = B45.indexOf(s.charAt(i + 1));
      if (c < 0 || d < 0) throw malformed();
      if (i + 2 < s.length) {
        var e = B45.indexOf(s.charAt(i + 2));
        if (e < 0) throw malformed();
        var n = c + d * 45 + e * 2025;
        if (n > 65535) throw malformed();
        out.push(n >> 8, n & 255);
      } else {
        var m = c + d * 45;
        if (m > 255) throw malformed();
        out.push(m);
      }
    }
    return new Uint8Array(out);
  }

  // ---- CBOR (RFC 8949), the definite-length subset a seal uses ----------------------------------
  var utf8 = new TextDecoder('utf-8', { fatal: true });
  function cbor(bytes) {
    var pos = 0;
    function u8() {
      if (pos >= bytes.length) throw malformed();
      return bytes[pos++];
    }
    function arg(info) {
      if (info < 24) return info;
      if (info === 24) return u8();
      if (info === 25) return u8() * 256 + u8();
      if (info === 26) return ((u8() * 256 + u8()) * 256 + u8()) * 256 + u8();
      if (info === 27) {
        var hi = arg(26);
        var lo = arg(26);
        if (hi > 0x1fffff) throw malformed(); // beyond what a JavaScript number holds exactly
        return hi * 4294967296 + lo;
      }
      throw malformed(); // indefinite lengths and reserved values are not used by a seal
    }
    function take(n) {
      if (n > bytes.length - pos) throw malformed();
      var b = bytes.slice(pos, pos + n);
      pos += n;
      return b;
    }
    function item(depth) {
      if (depth > 8) throw malformed();
      var ib = u8();
      var major = ib >> 5;
      var info = ib & 31;
      var n, i;
      switch (major) {
        case 0:
          return arg(info);
        case 1:
          return -1 - arg(info);
        case 2:
          return take(arg(info));
        case 3:
          try {
            return utf8.decode(take(arg(info)));
          } catch (e) {
            throw malformed();
          }
        case 4:
          n = arg(info);
          if (n > bytes.length - pos) throw malformed();
          var arr = [];
          for (i = 0; i < n; i++) arr.push(item(depth + 1));
          return arr;
        case 5:
          n = arg(info);
          if (n > bytes.length - pos) throw malformed();
          var map = new Map();
          for (i = 0; i < n; i++) {
            var k = item(depth + 1);
            if ((typeof k !== 'number' && typeof k !== 'string') || map.has(k)) throw malformed();
            map.set(k, item(depth + 1));
          }
          return map;
        case 6:
          return { tag: arg(info), value: item(depth + 1) };
        default:
          if (info === 20) return false;
          if (info === 21) return true;
          if (info === 22) return null;
          throw malformed();
      }
    }
    var value = item(0);
    if (pos !== bytes.length) throw malformed();
    return value;
  }

  function bstrHead(len) {
    if (len < 24) return [0x40 | len];
    if (len < 256) return [0x58, len];
    if (len < 65536) return [0x59, len >> 8, len & 255];
    return [0x5a, (len >>> 24) & 255, (len >> 16) & 255, (len >> 8) & 255, len & 255];
  }
  function concat(parts) {
    var total = 0;
    parts.forEach(function (p) {
      total += p.length;
    });
    var out = new Uint8Array(total);
    var at = 0;
    parts.forEach(function (p) {
      out.set(p, at);
      at += p.length;
    });
    return out;
  }
  // CBOR ["Signature1", protected, h'', payload] (RFC 9052 section 4.4), from the seal's own bytes.
  function sigStructure(prot, payload) {
    var context = new TextEncoder().encode('Signature1');
    return concat([[0x84, 0x60 | context.length], context, bstrHead(prot.length), prot, [0x40], bstrHead(payload.length), payload]);
  }

  var isBytes = function (v) {
    return v instanceof Uint8Array;
  };
  var isText = function (v) {
    return typeof v === 'string';
  };
  var isInt = function (v) {
    return typeof v === 'number' && Math.floor(v) === v;
  };

  /** The seal's text from what was scanned or pasted: an address (/V/…, #IZ1:…) or the text itself. */
  function sealText(input) {
    var s = String(input).trim();
    // Raw text is taken as it is ('%' is one of base45's letters); an address escapes it as %25.
    if (/^iz1:/i.test(s)) return upper(s);
    var hash = s.indexOf('#');
    var at = s.search(/\/v\//i);
    if (hash >= 0) s = s.slice(hash + 1);
    else if (at >= 0) s = s.slice(at + 3);
    else throw malformed();
    try {
      s = decodeURIComponent(s);
    } catch (e) {
      throw malformed();
    }
    return upper(s);
  }
  // base45 has no lower-case letters, so upper-casing a lower-cased copy gives the seal back.
  function upper(s) {
    s = s.toUpperCase();
    if (s.slice(0, 4) !== 'IZ1:') throw malformed();
    return s.slice(4);
  }

  /** The seal taken apart: its parts, the key id, the claims, the bytes its signature covers. */
  function readSeal(input) {
    var top = cbor(base45(sealText(input)));
    if (!top || top.tag !== 18 || !Array.isArray(top.value) || top.value.length !== 4) throw malformed();
    var prot = top.value[0];
    var unprot = top.value[1];
    var payload = top.value[2];
    var signature = top.value[3];
    if (!isBytes(prot) || !(unprot instanceof Map) || !isBytes(payload) || !isBytes(signature) || signature.length !== 64) throw malformed();
    var header = cbor(prot);
    if (!(header instanceof Map) || header.get(1) !== -8) throw malformed();
    var kid = header.has(4) ? header.get(4) : unprot.get(4);
    if (!isBytes(kid)) throw malformed();
    var claims = cbor(payload);
    if (!(claims instanceof Map)) throw malformed();
    var permit = claims.get(-65537);
    var iss = claims.get(1);
    var iat = claims.get(6);
    var exp = claims.get(4);
    if (!isText(iss) || !isInt(iat) || (exp !== undefined && !isInt(exp)) || !(permit instanceof Map)) throw malformed();
    var p = {};
    ['n', 't', 'h', 's', 'v'].forEach(function (k) {
      var v = permit.get(k);
      if (v !== undefined && !isText(v)) throw malformed();
      p[k] = v;
    });
    if (!p.n) throw malformed();
    var keyId;
    try {
      keyId = utf8.decode(kid);
    } catch (e) {
      throw malformed();
    }
    return { keyId: keyId, iss: iss, iat: iat, exp: exp, permit: p, signature: signature, signed: sigStructure(prot, payload) };
  }

  // ---- keys, the revocation list and their checks ------------------------------------------------
  function b64urlBytes(s) {
    if (!/^[A-Za-z0-9_-]*$/.test(s)) return null;
    var b = s.replace(/-/g, '+').replace(/_/g, '/');
    while (b.length % 4) b += '=';
    try {
      var bin = atob(b);
      var out = new Uint8Array(bin.length);
      for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
      return out;
    } catch (e) {
      return null;
    }
  }
  function pemBytes(pem) {
    return b64urlBytes(
      String(pem)
        .replace(/-----(BEGIN|END) PUBLIC KEY-----/g, '')
        .replace(/\s+/g, '')
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, ''),
    );
  }
  var imported = {};
  function publicKey(k) {
    if (!imported[k.keyId]) {
      var der = pemBytes(k.publicKeyPem);
      imported[k.keyId] = der ? crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']) : Promise.reject(new Error('bad key'));
    }
    return imported[k.keyId];
  }
  function verifyWith(k, signature, data) {
    return publicKey(k).then(
      function (key) {
        return crypto.subtle.verify({ name: 'Ed25519' }, key, signature, data);
      },
      function () {
        return false;
      },
    );
  }
  function findKey(keys, keyId) {
    for (var i = 0; i < keys.keys.length; i++) if (keys.keys[i].keyId === keyId && keys.keys[i].alg === 'Ed25519') return keys.keys[i];
    return null;
  }
  /** A retired key signs nothing new: a signature dated after its retirement is not the office's. */
  function signedWhileActive(k, atMs) {
    return !k.retiredAt || !(atMs > Date.parse(k.retiredAt));
  }

  // Mirrors canonicalJson in src/shared/json.ts: keys sorted by UTF-16 code units, undefined left out.
  function canonical(value) {
    if (value === null || typeof value !== 'object') return JSON.stringify(value === undefined ? null : value);
    if (Array.isArray(value)) return '[' + value.map(canonical).join(',') + ']';
    var keys = Object.keys(value)
      .filter(function (k) {
        return value[k] !== undefined;
      })
      .sort(function (a, b) {
        return a < b ? -1 : a > b ? 1 : 0;
      });
    return (
      '{' +
      keys
        .map(function (k) {
          return JSON.stringify(k) + ':' + canonical(value[k]);
        })
        .join(',') +
      '}'
    );
  }

  /** The list if it is the office's, signed by one of its keys; otherwise null (treated as no list). */
  function checkedList(list, keys) {
    if (!list || typeof list !== 'object' || list.type !== 'izol.revocations/1' || list.hash !== 'sha256') return Promise.resolve(null);
    if (list.office !== keys.office || !Array.isArray(list.entries) || typeof list.signature !== 'string') return Promise.resolve(null);
    var k = findKey(keys, list.keyId);
    var sig = b64urlBytes(list.signature);
    if (!k || !sig || sig.length !== 64 || !signedWhileActive(k, Date.parse(list.issuedAt))) return Promise.resolve(null);
    var unsigned = {};
    Object.keys(list).forEach(function (name) {
      if (name !== 'signature') unsigned[name] = list[name];
    });
    return verifyWith(k, sig, new TextEncoder().encode(canonical(unsigned))).then(function (ok) {
      return ok ? list : null;
    });
  }

  function hex(buf) {
    return Array.prototype.map
      .call(new Uint8Array(buf), function (b) {
        return (b < 16 ? '0' : '') + b.toString(16);
      })
      .join('');
  }

  // ---- what is stored on the device --------------------------------------------------------------
  var state = { keys: null, list: null, listChecked: false, offline: false };

  function getJson(url) {
    return fetch(url, { cache: 'no-cache', credentials: 'same-origin' }).then(function (res) {
      if (!res.ok) return null;
      if (res.headers.get('x-izol-from-cache')) state.offline = true;
      return res.json();
    });
  }

  function load() {
    state.offline = false;
    return getJson(KEYS_URL)
      .then(function (keys) {
        if (!keys || !Array.isArray(keys.keys) || typeof keys.office !== 'string') throw new Error('no keys');
        state.keys = keys;
        return getJson(LIST_URL).catch(function () {
          return null;
        });
      })
      .then(function (list) {
        return checkedList(list, state.keys);
      })
      .then(
        function (list) {
          state.list = list;
          state.listChecked = true;
          showFreshness();
        },
        function () {
          state.listChecked = true;
          showFreshness();
        },
      );
  }

  function ago(iso) {
    var minutes = Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / 60000));
    if (minutes < 1) return say('luring.js.age.now');
    if (minutes < 60) return say(minutes === 1 ? 'luring.js.age.minute' : 'luring.js.age.minutes', { n: minutes });
    var hours = Math.floor(minutes / 60);
    if (hours < 48) return say(hours === 1 ? 'luring.js.age.hour' : 'luring.js.age.hours', { n: hours });
    var days = Math.floor(hours / 24);
    return say(days === 1 ? 'luring.js.age.day' : 'luring.js.age.days', { n: days });
  }
  function dateTime(ms) {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeStyle: 'short', timeZone: zone }).format(new Date(ms));
  }
  function dateOnly(ms) {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: zone }).format(new Date(ms));
  }

  var fresh = document.getElementById('luring-freshness');
  function line(text, cls, attr) {
    var p = document.createElement('p');
    p.textContent = text;
    if (cls) p.className = cls;
    if (attr) p.setAttribute(attr, '');
    return p;
  }
  function showFreshness() {
    if (!fresh) return;
    fresh.textContent = '';
    if (state.offline) fresh.appendChild(line(say('luring.js.offline'), null, 'data-offline'));
    if (!state.keys) {
      fresh.appendChild(line(say('luring.js.keys.none'), 'luring__warning', 'data-keys-missing'));
      return;
    }
    if (!state.list) {
      fresh.appendChild(line(say('luring.js.list.none'), 'luring__warning', 'data-list-missing'));
      return;
    }
    fresh.appendChild(line(say('luring.js.list.age', { age: ago(state.list.issuedAt) }), null, 'data-list-age'));
    var next = Date.parse(state.list.nextUpdate);
    if (!(next > Date.now())) fresh.appendChild(line(say('luring.js.list.stale', { date: dateTime(next) }), 'luring__warning', 'data-list-stale'));
  }

  // ---- the check ---------------------------------------------------------------------------------
  function check(input) {
    var seal;
    try {
      seal = readSeal(input);
    } catch (e) {
      if (e instanceof Malformed) return Promise.resolve({ kind: 'not_authentic', why: 'malformed' });
      throw e;
    }
    var keys = state.keys;
    if (!keys) return Promise.resolve({ kind: 'no_keys' });
    var k = findKey(keys, seal.keyId);
    if (!k || seal.iss !== keys.office || !signedWhileActive(k, seal.iat * 1000)) return Promise.resolve({ kind: 'not_authentic', why: 'key', seal: seal });
    return verifyWith(k, seal.signature, seal.signed).then(function (ok) {
      if (!ok) return { kind: 'not_authentic', why: 'signature', seal: seal };
      var list = state.list;
      var expired = seal.exp !== undefined && seal.exp * 1000 < Date.now();
      if (!list) return { kind: expired ? 'expired' : 'unchecked', seal: seal };
      return crypto.subtle.digest('SHA-256', new TextEncoder().encode(seal.iss + ':' + seal.permit.n)).then(function (digest) {
        var h = hex(digest);
        var entry = null;
        for (var i = 0; i < list.entries.length; i++) if (list.entries[i] && list.entries[i].h === h) entry = list.entries[i];
        if (entry) return { kind: entry.s === 'superseded' ? 'superseded' : 'revoked', seal: seal, entry: entry };
        return { kind: expired ? 'expired' : 'valid', seal: seal };
      });
    });
  }

  var result = document.getElementById('luring-result');
  var STATUS_CLASS = { valid: 'valid', unchecked: 'expired', expired: 'expired', revoked: 'revoked', superseded: 'superseded', not_authentic: 'not-authentic' };

  function show(r) {
    result.textContent = '';
    if (r.kind === 'no_keys') {
      result.appendChild(line(say('luring.js.keys.none'), 'luring__warning', 'data-keys-missing'));
      result.focus();
      return;
    }
    var box = document.createElement('div');
    box.className = 'verdict verdict--' + STATUS_CLASS[r.kind];
    box.setAttribute('data-verification-status', r.kind);
    var h = document.createElement('h3');
    h.className = 'verdict__title';
    h.textContent = say('luring.js.' + r.kind);
    box.appendChild(h);
    var s = r.seal;
    if (r.kind === 'not_authentic') box.appendChild(line(say('luring.js.not_authentic.' + r.why)));
    else if (r.kind === 'valid' || r.kind === 'unchecked') box.appendChild(line(say('luring.js.valid.text', { office: s.iss })));
    else if (r.kind === 'expired') box.appendChild(line(say('luring.js.expired.text', { date: dateOnly(s.exp * 1000) })));
    else box.appendChild(line(say('luring.js.' + r.kind + '.text', { date: dateTime(Date.parse(r.entry.at)) })));
    if (r.kind === 'unchecked') box.appendChild(line(say('luring.js.list.none'), 'luring__warning'));
    if (state.list && r.kind !== 'not_authentic') box.appendChild(line(say('luring.js.list.age', { age: ago(state.list.issuedAt) })));
    result.appendChild(box);
    // The permit's data is shown only from a seal whose signature holds: a forged seal's text is not repeated.
    if (r.kind !== 'not_authentic') {
      var dl = document.createElement('dl');
      dl.className = 'summary-list';
      var rows = [
        ['number', s.permit.n],
        ['type', s.permit.t],
        ['holder', s.permit.h],
        ['subject', s.permit.s],
        ['office', s.iss],
        ['issued', dateTime(s.iat * 1000)],
        ['expires', s.exp === undefined ? say('luring.js.field.noexpiry') : dateOnly(s.exp * 1000)],
        ['code', s.permit.v],
        ['key', s.keyId],
      ];
      rows.forEach(function (row) {
        if (row[1] === undefined || row[1] === '') return;
        var div = document.createElement('div');
        div.className = 'summary-list__row';
        var dt = document.createElement('dt');
        dt.className = 'summary-list__key';
        dt.textContent = say('luring.js.field.' + row[0]);
        var dd = document.createElement('dd');
        dd.className = 'summary-list__value';
        dd.textContent = row[1];
        dd.setAttribute('data-field', row[0]);
        div.appendChild(dt);
        div.appendChild(dd);
        dl.appendChild(div);
      });
      result.appendChild(dl);
    }
    result.focus();
  }

  var form = document.getElementById('luring-form');
  var input = document.getElementById('luring-input');
  var inputError = document.getElementById('luring-input-error');
  function run(text) {
    if (inputError) inputError.hidden = true;
    if (!String(text).trim()) {
      if (inputError) {
        inputError.hidden = false;
        inputError.lastChild.textContent = say('luring.js.required');
      }
      input.focus();
      return Promise.resolve();
    }
    var ready = state.listChecked ? Promise.resolve() : load();
    return ready
      .then(function () {
        return check(text);
      })
      .then(show);
  }
  form.hidden = false;
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    void run(input.value);
  });

  // ---- the camera --------------------------------------------------------------------------------
  var scan = document.getElementById('luring-scan');
  var scanButton = document.getElementById('luring-scan-button');
  var video = document.getElementById('luring-video');
  var scanNote = document.getElementById('luring-scan-note');
  var stream = null;
  function stopCamera() {
    if (stream)
      stream.getTracks().forEach(function (t) {
        t.stop();
      });
    stream = null;
    video.hidden = true;
    scanButton.textContent = scanButton.getAttribute('data-start');
  }
  if (scan && navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    scan.hidden = false;
    scanButton.addEventListener('click', function () {
      if (stream) return stopCamera();
      if (!('BarcodeDetector' in window)) {
        scanNote.textContent = say('luring.js.camera.unsupported');
        return;
      }
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false }).then(
        function (s) {
          stream = s;
          video.srcObject = s;
          video.hidden = false;
          void video.play();
          scanButton.textContent = scanButton.getAttribute('data-stop');
          scanNote.textContent = say('luring.js.camera.looking');
          var tick = function () {
            if (!stream) return;
            detector.detect(video).then(
              function (codes) {
                if (codes.length && codes[0].rawValue) {
                  input.value = codes[0].rawValue;
                  stopCamera();
                  scanNote.textContent = '';
                  void run(input.value);
                } else window.setTimeout(tick, 250);
              },
              function () {
                window.setTimeout(tick, 250);
              },
            );
          };
          tick();
        },
        function () {
          scanNote.textContent = say('luring.js.camera.denied');
        },
      );
    });
  }

  // ---- offline readiness -------------------------------------------------------------------------
  var ready = document.getElementById('luring-ready');
  function readiness() {
    return Promise.all(
      [SCOPE, KEYS_URL, LIST_URL].map(function (u) {
        return caches.match(u, { ignoreVary: true });
      }),
    ).then(function (hits) {
      var ok = Boolean(hits[0] && hits[1]);
      ready.textContent = say(ok ? (hits[2] ? 'luring.js.ready' : 'luring.js.ready.nolist') : 'luring.js.notready');
      ready.setAttribute('data-offline-ready', ok && hits[2] ? 'true' : ok ? 'no-list' : 'false');
    });
  }
  if ('serviceWorker' in navigator && window.caches && SW_URL && SCOPE) {
    navigator.serviceWorker.register(SW_URL, { scope: SCOPE }).catch(function () {
      ready.textContent = say('luring.js.nosw');
    });
    navigator.serviceWorker.ready.then(readiness, function () {
      ready.textContent = say('luring.js.nosw');
    });
  } else if (ready) {
    ready.textContent = say('luring.js.nosw');
  }
  window.addEventListener('online', function () {
    void load().then(function () {
      if (window.caches) void readiness();
    });
  });
  void load();
})();
