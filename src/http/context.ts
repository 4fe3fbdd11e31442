import { type Permission, requireAccess } from '../access/access.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../access/actor.js';
import type { Tenant } from '../db/schema.js';
import { AppError } from '../shared/errors.js';
import type { Services } from '../services.js';

declare module 'fastify' {
  interface FastifyRequest {
    tenant: Tenant;
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /**
     * A route whose answer is the same for everyone at every host (`/health`, `/ready`, the static
     * assets): it runs without an office, a session or an anti-forgery cookie (`request.tenant` is not
     * set), so it costs no lookup (issue 15). Security headers and load shedding still apply.
     */
    plain?: boolean;
  }
}

/** Every request learns its office (tenant) and, from a bearer token, who is acting. */
export function registerRequestContext(app: FastifyInstance, services: Services): void {
  app.decorateRequest('tenant', null as unknown as Tenant);
  app.decorateRequest('actor', null);
  const resolve = async (request: FastifyRequest): Promise<void> => {
    const tenant = await services.tenants.forHost(request.headers.host);
    // A load balancer's probe by IP address needs no office (the probes are plain routes); anything
    // else at a host no office answers to (and DEFAULT_TENANT naming none) is a clear 404, not a crash.
    if (!tenant) {
      throw new AppError('not_found', 'no office answers to this host name: check the office host names, or DEFAULT_TENANT');
    }
    request.tenant = tenant;
    const header = request.headers.authorization;
    const match = header ? /^Bearer ([A-Za-z0-9_-]{20,200})$/.exec(header) : null;
    request.actor = match?.[1] ? await services.auth.authenticate({ tenantId: tenant.id, token: match[1], kind: 'bearer' }) : null;
  };
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.routeOptions.config.plain) return done();
    resolve(request).then(() => done(), done);
  });
}

/**
 * The signed-in actor, or 401. With a permission, also 403 for anyone the access policy never allows
 * it in this office (function-level access, ASVS v5.0.0-8.2.1), before anything is read; the service
 * then checks it again on the resource itself.
 */
export function requireActor(request: FastifyRequest, permission?: Permission): Actor {
  if (!request.actor) throw new AppError('unauthenticated', 'no valid session');
  if (permission) requireAccess({ actor: request.actor, permission, resource: { tenantId: request.actor.tenantId } });
  return request.actor;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  return /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
}
