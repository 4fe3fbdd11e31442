import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import type { z } from 'zod';
import { type Permission, requireAccess } from '../access/access.js';
import type { Actor } from '../access/actor.js';
import type { Lang } from '../shared/messages.js';
import { AppError } from '../shared/errors.js';
import type { FieldError } from './components.js';
import type { CacheScope } from '../cache/cache-generations.js';
import { anonymous } from './page-cache.js';
import { csrfOk } from './web-context.js';

/**
 * The page kit's one way to register a page route (GOV.UK-pattern pages, no framework). Before the
 * handler runs, the kit has:
 * - checked the anti-forgery token of every POST (a form's `_csrf` field, or for an upload the
 *   multipart field before the file): on by default, and there is no way to forget it;
 * - found the signed-in person and applied the route's `access` (sign-in redirect, or the back
 *   office's `office.enter` permission from the one access policy);
 * - parsed params, query and the form with zod: bad params are "not found", a bad query falls back to
 *   its defaults, and a form arrives as typed data or as field errors to show in an error summary.
 * So a handler decides no role and checks no token: it calls a service and renders.
 */

/** Who may open the page: anyone; a signed-in person (else: to the sign-in page and back); staff past the second factor. */
export type PageAccess = 'anyone' | 'signed-in' | 'office';

export class CsrfError extends Error {}

type Shape = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type ActorFor<A extends PageAccess> = A extends 'anyone' ? Actor | null : Actor;

/** A form as the visitor sent it: typed data, or field errors; `values` are the bounded strings typed, for re-rendering. */
export type FormResult<F> = { ok: true; data: F; values: Record<string, string> } | { ok: false; errors: FieldError[]; values: Record<string, string> };

type RouteOpts<A extends PageAccess, P extends Shape | undefined, Q extends Shape | undefined> = {
  access: A;
  params?: P;
  query?: Q;
  /** Where a signed-out visitor returns after signing in; by default the page asked for. */
  returnTo?: (req: FastifyRequest) => string;
  rateLimit?: { max: number; timeWindow: string };
  /**
   * An office-level permission the page needs besides `access` (the admin pages: 'staff.manage' …),
   * judged by the access policy on the request's office before the handler runs or its form is read.
   */
  permission?: Permission;
  /** The route's own onSend hook, run after the app-wide ones (a document shown inline sets its stricter CSP there). */
  onSend?: RouteOptions['onSend'];
  /**
   * A public page the same for every anonymous visitor: kept in the anonymous page cache
   * (web/page-cache.ts) under the generations of these scopes (and the office row). Only GET pages
   * with `access: 'anyone'`; a render that reads the anti-forgery token is never kept.
   */
  cache?: readonly CacheScope[];
};

export type PageContext<A extends PageAccess, P, Q> = { req: FastifyRequest; reply: FastifyReply; lang: Lang; actor: ActorFor<A>; params: P; query: Q };

/** Every field of a urlencoded body as one bounded string (repeated fields take the first). */
function formStrings(body: unknown, max = 10_000): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    const s = Array.isArray(v) ? (v[0] as unknown) : v;
    if (typeof s === 'string') out[k] = s.slice(0, max);
  }
  return out;
}

/** Zod issues as field errors, one per field (the first problem), in form order. */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of issues) {
    const field = String(issue.path[0] ?? '');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return errors;
}

/** Parses a form with a schema made for the visitor's language (so its messages are theirs). */
export function parseForm<S extends Shape>(schema: S, body: unknown, maxFieldLength?: number): FormResult<z.output<S>> {
  const values = formStrings(body, maxFieldLength);
  const result = schema.safeParse(values);
  return result.success ? { ok: true, data: result.data, values } : { ok: false, errors: issuesToFieldErrors(result.error.issues), values };
}

/** To the sign-in page, and back to `returnTo` (by default the page asked for) afterwards. */
export function redirectToSignIn(req: FastifyRequest, reply: FastifyReply, returnTo?: string): FastifyReply {
  return reply.redirect(`/akun/masuk?kembali=${encodeURIComponent(returnTo ?? req.url)}`, 303);
}

export function pageKit(app: FastifyInstance) {
  /** Applies the route's access; null after answering with the sign-in redirect. */
  function guard<A extends PageAccess>(
    req: FastifyRequest,
    reply: FastifyReply,
    opts: RouteOpts<A, Shape | undefined, Shape | undefined>,
  ): { actor: ActorFor<A> } | null {
    // A permission means a person: `access: 'anyone'` with a permission still asks the visitor to sign in.
    if (opts.access === 'anyone' && !opts.permission) return { actor: req.actor as ActorFor<A> };
    if (!req.actor) {
      void redirectToSignIn(req, reply, opts.returnTo?.(req));
      return null;
    }
    if (opts.access === 'office') requireAccess({ actor: req.actor, permission: 'office.enter', resource: { tenantId: req.tenant.id } });
    if (opts.permission) requireAccess({ actor: req.actor, permission: opts.permission, resource: { tenantId: req.tenant.id } });
    return { actor: req.actor };
  }

  function parsePart<S extends Shape | undefined>(schema: S, value: unknown, onBad: 'not_found' | 'default'): Out<S> {
    if (!schema) return {} as Out<S>;
    const result = schema.safeParse(value ?? {});
    if (result.success) return result.data as Out<S>;
    if (onBad === 'not_found') throw new AppError('not_found', 'no such page');
    // A hand-edited query string falls back to the defaults the schema gives for an empty one.
    const fallback = schema.safeParse({});
    if (fallback.success) return fallback.data as Out<S>;
    throw new AppError('not_found', 'no such page');
  }

  function route(
    method: 'GET' | 'POST',
    url: string,
    page: PageConfig,
    rateLimit: RouteOpts<PageAccess, undefined, undefined>['rateLimit'],
    handler: RouteOptions['handler'],
    preHandler?: RouteOptions['preHandler'],
    onSend?: RouteOptions['onSend'],
  ): void {
    app.route({
      method,
      url,
      schema: { hide: true },
      config: { page, ...(rateLimit ? { rateLimit } : {}) },
      ...(preHandler ? { preHandler } : {}),
      ...(onSend ? { onSend } : {}),
      handler,
    });
  }

  const checkFormCsrf = (req: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void => {
    done(csrfOk(req, formStrings(req.body, 100)._csrf) ? undefined : new CsrfError('anti-forgery token missing or wrong'));
  };

  return {
    get<A extends PageAccess, P extends Shape | undefined = undefined, Q extends Shape | undefined = undefined>(
      url: string,
      opts: RouteOpts<A, P, Q>,
      handler: (ctx: PageContext<A, Out<P>, Out<Q>>) => Promise<FastifyReply> | FastifyReply,
    ): void {
      route(
        'GET',
        url,
        { csrf: 'none', ...gate(opts) },
        opts.rateLimit,
        async (req, reply) => {
          if (opts.cache && opts.access === 'anyone' && !opts.permission && anonymous(req)) {
            const kept = app.pageCache.lookup(req, opts.cache);
            if ('hit' in kept) return app.pageCache.send(req, reply, kept.hit);
            req.pageCacheSlot = kept.slot;
          }
          const params = parsePart<P>(opts.params as P, req.params, 'not_found');
          const g = guard(req, reply, opts);
          if (!g) return reply;
          return handler({ req, reply, lang: req.lang, actor: g.actor, params, query: parsePart<Q>(opts.query as Q, req.query, 'default') });
        },
        undefined,
        opts.onSend,
      );
    },

    /** A form post: `form` builds the schema in the visitor's language; the handler gets its result. */
    post<A extends PageAccess, P extends Shape | undefined = undefined, F extends Shape | undefined = undefined>(
      url: string,
      opts: RouteOpts<A, P, undefined> & {
        form?: (lang: Lang) => F;
        /** The longest value one field may bring (10 000 characters by default; the body limit caps it anyway). */
        maxFieldLength?: number;
      },
      handler: (ctx: PageContext<A, Out<P>, Record<string, never>> & { form: FormResult<Out<F>> }) => Promise<FastifyReply> | FastifyReply,
    ): void {
      route(
        'POST',
        url,
        { csrf: 'form', ...gate(opts) },
        opts.rateLimit,
        async (req, reply) => {
          const params = parsePart<P>(opts.params as P, req.params, 'not_found');
          const g = guard(req, reply, opts);
          if (!g) return reply;
          const schema = opts.form?.(req.lang);
          const form = (
            schema ? parseForm(schema, req.body, opts.maxFieldLength) : { ok: true, data: {}, values: formStrings(req.body, opts.maxFieldLength) }
          ) as FormResult<Out<F>>;
          return handler({ req, reply, lang: req.lang, actor: g.actor, params, query: {}, form });
        },
        checkFormCsrf,
      );
    },

    /**
     * A multipart upload of one file. The anti-forgery field must come before the file (our forms put
     * it first), so it is checked before a byte of the file is read; `file` is null when none was chosen.
     * The handler must consume or `resume()` the stream.
     */
    upload<A extends PageAccess, P extends Shape | undefined = undefined>(
      url: string,
      opts: RouteOpts<A, P, undefined> & { maxBytes: number },
      handler: (
        ctx: PageContext<A, Out<P>, Record<string, never>> & { file: MultipartFile | null; fields: Record<string, string> },
      ) => Promise<FastifyReply> | FastifyReply,
    ): void {
      route('POST', url, { csrf: 'multipart', ...gate(opts) }, opts.rateLimit, async (req, reply) => {
        const part = req.isMultipart() ? await req.file({ limits: { fileSize: opts.maxBytes, files: 1 } }) : undefined;
        const fields: Record<string, string> = {};
        for (const [name, f] of Object.entries(part?.fields ?? {})) {
          const one = Array.isArray(f) ? f[0] : f;
          if (one && one.type === 'field' && typeof one.value === 'string') fields[name] = one.value.slice(0, 10_000);
        }
        if (!csrfOk(req, fields._csrf)) {
          part?.file.resume();
          throw new CsrfError('anti-forgery token missing or wrong');
        }
        const params = parsePart<P>(opts.params as P, req.params, 'not_found');
        const g = guard(req, reply, opts);
        if (!g) {
          part?.file.resume();
          return reply;
        }
        const file = part?.filename ? part : null;
        if (part && !file) part.file.resume();
        return handler({ req, reply, lang: req.lang, actor: g.actor, params, query: {}, file, fields });
      });
    },
  };
}
export type PageKit = ReturnType<typeof pageKit>;

/**
 * What the page kit records on every page route: how its anti-forgery token is checked, and the gate
 * `guard` applies before the handler (its `access` and office-level `permission`). The route-walking
 * tests read it: csrf-routes.test.ts the token, access-matrix.test.ts the gate against the written
 * policy (src/access/route-policy.ts).
 */
export type PageConfig = { csrf: 'form' | 'multipart' | 'none'; access?: PageAccess; permission?: Permission | undefined };

/** The gate of a route's options, as recorded in its config. */
const gate = (opts: { access: PageAccess; permission?: Permission | undefined }): Pick<PageConfig, 'access' | 'permission'> => ({
  access: opts.access,
  ...(opts.permission ? { permission: opts.permission } : {}),
});

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set by the page kit on every page route: how its anti-forgery token is checked and its gate. */
    page?: PageConfig;
  }
}

/**
 * Refuses at start-up a page form route registered without the kit, so no state-changing page can
 * skip the anti-forgery check (the API takes bearer tokens only and needs none).
 */
export function requirePageKit(app: FastifyInstance, isPageUrl: (url: string) => boolean): void {
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS')) return;
    if (!isPageUrl(route.url)) return;
    const page = (route.config as { page?: { csrf: string } } | undefined)?.page;
    if (!page || page.csrf === 'none') throw new Error(`page route ${methods.join(',')} ${route.url} must be registered with the page kit (web/page-route.ts)`);
  });
}
