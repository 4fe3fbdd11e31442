import type { FastifyInstance, FastifyRequest } from 'fastify';

const PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** A request that carries a session (the page cookie) or a bearer token: its answer may hold personal data. */
const carriesCredentials = (request: FastifyRequest) =>
  Boolean(request.headers.authorization) || /(?:^|;\s*)__Host-izol-session=/.test(request.headers.cookie ?? '');

/**
 * Response headers on every response (ASVS v5.0.0-3.4.x). The API docs page brings its own CSP.
 * HSTS is sent only when the service is reached over HTTPS. Set on the raw response when the
 * request arrives too, so an answer a route writes itself (the lobby display's event stream,
 * hijacked) has them as well; the onSend hook sets them again over anything a route changed.
 * An answer to a signed-in request is never stored by a cache unless the route says otherwise
 * (v5.0.0-14.3.2): the API's answers, pages, redirects and errors alike.
 */
export function registerSecurityHeaders(app: FastifyInstance, opts: { https: boolean }): void {
  // Built once: two header lists (pages and API, the API docs page), not a new array per request and hook.
  const common: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['referrer-policy', 'no-referrer'],
    ['x-frame-options', 'DENY'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['permissions-policy', 'camera=(), microphone=(), geolocation=()'],
    ...(opts.https ? [['strict-transport-security', 'max-age=31536000; includeSubDomains'] as [string, string]] : []),
  ];
  const withCsp: [string, string][] = [...common, ['content-security-policy', PAGE_CSP]];
  const baseline = (request: FastifyRequest): [string, string][] => (request.url.startsWith('/api/docs') ? common : withCsp);
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of baseline(request)) reply.raw.setHeader(name, value);
    done();
  });
  app.addHook('onSend', (request, reply, payload, done) => {
    // A plain route (probes, assets: http/context.ts) changes none of them: the raw response has them already.
    if (!request.routeOptions.config.plain) for (const [name, value] of baseline(request)) reply.header(name, value);
    if ((request.url.startsWith('/api/') || carriesCredentials(request)) && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    done(null, payload);
  });
}
