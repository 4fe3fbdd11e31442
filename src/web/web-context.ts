import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { newToken } from '../shared/crypto.js';
import type { Lang } from '../shared/messages.js';
import type { Services } from '../services.js';

/** Cookies (ASVS v5.0.0-3.3.x): `__Host-` prefix, Secure, HttpOnly, SameSite=Lax, whole site. */
export const SESSION_COOKIE = '__Host-izol-session';
export const CSRF_COOKIE = '__Host-izol-csrf';
export const LANG_COOKIE = '__Host-izol-lang';
const COOKIE_BASE = { path: '/', secure: true, httpOnly: true, sameSite: 'lax' } as const;

declare module 'fastify' {
  interface FastifyRequest {
    lang: Lang;
    /**
     * This visitor's anti-forgery token, made (and its cookie set) when a page first reads it, i.e.
     * when it renders a form that needs it (`csrfField`). A page that never reads it sets no cookie and
     * holds nothing of the visitor's, so it may be kept for everyone (web/page-cache.ts).
     */
    readonly csrfToken: string;
    /** True once something in this request read `csrfToken`: the answer holds the visitor's token. */
    csrfUsed: boolean;
    /** The page request's reply, for the lazily set anti-forgery cookie. */
    pageReply: FastifyReply | null;
  }
}

const validCsrf = (value: string | undefined): value is string => value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value);

export function isPageRequest(url: string): boolean {
  return (
    !url.startsWith('/api/') &&
    !url.startsWith('/.well-known/') &&
    !url.startsWith('/webhooks/') &&
    !url.startsWith('/snap/') &&
    url !== '/health' &&
    url !== '/ready'
  );
}

/**
 * Pages sign people in with a session cookie; the API only with bearer tokens. Every page knows its
 * language (a remembered choice, Indonesian by default) and, when it has a form, its anti-forgery
 * token (double submit: a random cookie echoed in every form, ASVS v5.0.0-3.5.1), made on first use.
 */
export async function registerWebContext(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(cookie);
  app.decorateRequest('lang', 'id');
  app.decorateRequest('csrfUsed', false);
  app.decorateRequest('pageReply', null);
  const issued = new WeakMap<FastifyRequest, string>();
  app.decorateRequest('csrfToken', {
    getter(this: FastifyRequest): string {
      this.csrfUsed = true;
      const cookieValue = this.cookies?.[CSRF_COOKIE];
      if (validCsrf(cookieValue)) return cookieValue;
      let token = issued.get(this);
      if (!token) {
        token = newToken();
        issued.set(this, token);
        this.pageReply?.setCookie(CSRF_COOKIE, token, COOKIE_BASE);
      }
      return token;
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!isPageRequest(request.url) || request.routeOptions.config.plain) return;
    request.lang = request.cookies[LANG_COOKIE] === 'en' ? 'en' : 'id';
    request.pageReply = reply;
    const token = request.cookies[SESSION_COOKIE];
    if (!request.actor && token) {
      request.actor = await services.auth.authenticate({ tenantId: request.tenant.id, token, kind: 'cookie' });
      // A session still waiting for an officer's second factor is kept for the second-factor pages.
      if (!request.actor && !(await services.auth.authenticate({ tenantId: request.tenant.id, token, kind: 'cookie', pendingSecondFactor: true }))) {
        reply.clearCookie(SESSION_COOKIE, COOKIE_BASE);
      }
    }
  });
}

export function setSessionCookie(reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, COOKIE_BASE);
}
export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, COOKIE_BASE);
}
export function setLangCookie(reply: FastifyReply, lang: Lang): void {
  reply.setCookie(LANG_COOKIE, lang, { ...COOKIE_BASE, maxAge: 365 * 24 * 3600 });
}

/** True when a form post carries this visitor's anti-forgery token and comes from this site. */
export function csrfOk(request: FastifyRequest, submitted: unknown): boolean {
  const origin = request.headers.origin;
  if (origin && origin !== 'null') {
    try {
      if (new URL(origin).host !== request.headers.host) return false;
    } catch {
      return false;
    }
  }
  // The cookie as the browser sent it: a post without one fails (reading `csrfToken` would make a new one).
  const expected = request.cookies[CSRF_COOKIE];
  if (!validCsrf(expected) || typeof submitted !== 'string' || submitted.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(submitted), Buffer.from(expected));
}
