// Izol offline verifier's service worker: keeps /verifikasi/luring, its script and stylesheet, the
// office's public keys and its revocation list on the device. The page, keys and list are fetched
// fresh whenever the network answers and taken from the device when it does not; the hashed assets
// never change under their address. The server fills in VERSION and ASSETS.
'use strict';
var CACHE = 'izol-luring-' + '__VERSION__';
var PAGE = '__PAGE__';
var ASSETS = ['__ASSETS__'];
var DATA = ['/.well-known/izol-signing-keys.json', '/.well-known/izol-revocations.json'];

/** A copy of a response with one more header (the time it was fetched, or that it came from the device). */
function withHeader(res, name, value) {
  return res.blob().then(function (body) {
    var headers = new Headers(res.headers);
    headers.set(name, value);
    return new Response(body, { status: res.status, statusText: res.statusText, headers: headers });
  });
}

function store(cache, key, res) {
  if (!res.ok) return Promise.resolve();
  return withHeader(res.clone(), 'x-izol-fetched-at', new Date().toISOString()).then(function (copy) {
    return cache.put(key, copy);
  });
}

function refresh(cache, url) {
  return fetch(url, { cache: 'no-store', credentials: 'same-origin' }).then(function (res) {
    return store(cache, url, res);
  });
}

self.addEventListener('install', function (event) {
  event.waitUntil(
    caches
      .open(CACHE)
      .then(function (cache) {
        return Promise.all(
          [cache.addAll([PAGE].concat(ASSETS))].concat(
            // The keys and the list are kept if they can be had; the page says when one is missing.
            DATA.map(function (url) {
              return refresh(cache, url).catch(function () {
                return undefined;
              });
            }),
          ),
        );
      })
      .then(function () {
        return self.skipWaiting();
      }),
  );
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches
      .keys()
      .then(function (names) {
        return Promise.all(
          names
            .filter(function (n) {
              return n.indexOf('izol-luring-') === 0 && n !== CACHE;
            })
            .map(function (n) {
              return caches.delete(n);
            }),
        );
      })
      .then(function () {
        return self.clients.claim();
      }),
  );
});

/** How long to wait for the network before answering from the device (a weak signal can take minutes to fail). */
var PATIENCE_MS = 5000;

/**
 * The network's answer (kept for later), or what the device kept, marked as such: when the network
 * fails, answers with an error, or is slower than PATIENCE_MS (the network's answer is still kept
 * when it comes). An error only if there is neither.
 */
function networkFirst(request, key) {
  return caches.open(CACHE).then(function (cache) {
    function fromDevice() {
      return cache.match(key, { ignoreVary: true }).then(function (hit) {
        return hit ? withHeader(hit, 'x-izol-from-cache', '1') : null;
      });
    }
    var network = fetch(request).then(function (res) {
      if (res.ok) {
        return store(cache, key, res).then(function () {
          return res;
        });
      }
      // A server that answers with an error (a proxy's 502, say) is no better than no network.
      return fromDevice().then(function (hit) {
        return hit || res;
      });
    });
    var failed = network.catch(function () {
      return fromDevice().then(function (hit) {
        return hit || Response.error();
      });
    });
    var slow = new Promise(function (resolve) {
      setTimeout(resolve, PATIENCE_MS);
    })
      .then(fromDevice)
      .then(function (hit) {
        return hit || failed;
      });
    return Promise.race([failed, slow]);
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === PAGE && request.mode === 'navigate') {
    event.respondWith(networkFirst(request, PAGE));
  } else if (DATA.indexOf(url.pathname) >= 0) {
    event.respondWith(networkFirst(request, url.pathname));
  } else if (ASSETS.indexOf(url.pathname) >= 0) {
    event.respondWith(
      caches.match(url.pathname).then(function (hit) {
        return hit || fetch(request);
      }),
    );
  }
});
