import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.js';
import { csrfOk } from '../web-context.js';
import { CsrfError } from '../page-route.js';

// The shared views moved to web/views.ts; these re-exports keep pages not yet moved compiling.
export { errorMessage, fieldErrors, isAppError, requiredMessage, safeReturn } from '../views.js';
export { CsrfError } from '../page-route.js';

// What follows is for page routes not yet on the page kit (web/page-route.ts), which does all of it
// for them: it goes once the last such route has moved.

export type FormBody = Record<string, string | string[] | undefined>;

/** One value from a urlencoded form; repeated fields take the first; always a bounded string. */
export function field(body: unknown, name: string, max = 5000): string {
  const v = (body as FormBody | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.slice(0, max) : '';
}

export function redirectToSignIn(req: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.redirect(`/akun/masuk?kembali=${encodeURIComponent(req.url)}`, 303);
}

/** The signed-in applicant, or null after answering with a redirect to the sign-in page. */
export function signedIn(req: FastifyRequest, reply: FastifyReply): Actor | null {
  if (!req.actor) {
    void redirectToSignIn(req, reply);
    return null;
  }
  return req.actor;
}

/** Refuses a form post without this visitor's anti-forgery token (the error handler shows "page expired"). */
export function checkCsrf(req: FastifyRequest, body: unknown): void {
  if (!csrfOk(req, field(body, '_csrf', 100))) throw new CsrfError('anti-forgery token missing or wrong');
}
