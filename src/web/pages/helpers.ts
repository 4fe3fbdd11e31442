import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../access/actor.js';
import { AppError, type FieldProblem } from '../../shared/errors.js';
import { ERROR_MESSAGES, FIELD_MESSAGES, fillTemplate, missingText } from '../../shared/messages.js';
import type { FieldError } from '../components.js';
import { csrfOk } from '../web-context.js';
import { t } from '../i18n.js';

export type FormBody = Record<string, string | string[] | undefined>;

/** One value from a urlencoded form; repeated fields take the first; always a bounded string. */
export function field(body: unknown, name: string, max = 5000): string {
  const v = (body as FormBody | undefined)?.[name];
  const s = Array.isArray(v) ? v[0] : v;
  return typeof s === 'string' ? s.slice(0, max) : '';
}

/** A local path to return to after sign-in; anything else (other sites, //host) becomes the fallback. */
export function safeReturn(path: string | undefined, fallback = '/permohonan'): string {
  return path && /^\/(?![/\\])[\w\-./?=&%]*$/.test(path) ? path : fallback;
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

export { CsrfError } from '../page-route.js';
import { CsrfError } from '../page-route.js';

/** Refuses a form post without this visitor's anti-forgery token (the error handler shows "page expired"). */
export function checkCsrf(req: FastifyRequest, body: unknown): void {
  if (!csrfOk(req, field(body, '_csrf', 100))) throw new CsrfError('anti-forgery token missing or wrong');
}

/** Turns a service's field problems into messages in the visitor's language, keyed by form field name. */
export function fieldErrors(req: FastifyRequest, problems: readonly FieldProblem[] | undefined, rename: (field: string) => string = (f) => f): FieldError[] {
  return (problems ?? []).map((p) => {
    const template = FIELD_MESSAGES[p.code]?.[req.lang];
    return { field: rename(p.field), message: template ? fillTemplate(template, p.params) : p.message };
  });
}

/** A page-level message for an AppError without field problems. */
export function errorMessage(req: FastifyRequest, err: AppError): string {
  const text = ERROR_MESSAGES[err.code][req.lang];
  const params = { ...(err.details.params ?? {}) };
  if (err.code === 'precondition_failed' && typeof params.missing === 'string') {
    params.missing = missingText(params.missing, req.lang, params);
  }
  return fillTemplate(text.detail, params);
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** "Label: this is required." in the visitor's language. */
export function requiredMessage(lang: 'id' | 'en', label: string): string {
  return t(lang, 'field.required', { label });
}
