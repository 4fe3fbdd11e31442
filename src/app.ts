import pino from 'pino';
import compress from '@fastify/compress';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { applicationRoutes } from './applications/applications.routes.js';
import { appointmentRoutes } from './appointments/appointments.routes.js';
import { queueRoutes } from './queue/queue.routes.js';
import { contactRoutes } from './contacts/contacts.routes.js';
import { dataRightsRoutes } from './data-rights/data-rights.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { setupLinkPages } from './auth/setup-link.pages.js';
import { catalogueRoutes } from './catalogue/catalogue.routes.js';
import { registerRequestContext } from './http/context.js';
import { feeRoutes } from './fees/fees.routes.js';
import { healthRoutes } from './http/health.routes.js';
import { inspectionRoutes } from './inspections/inspections.routes.js';
import { registerErrorHandling, sendProblem } from './http/problem.js';
import { AppError } from './shared/errors.js';
import { registerSecurityHeaders } from './http/security-headers.js';
import { registerLoadShedding } from './http/load-shedding.js';
import { lazyChildLogger, RequestLog } from './http/request-log.js';
import type { Services } from './services.js';
import { permitRoutes } from './permits/permits.routes.js';
import { parcelRoutes } from './parcels/parcels.routes.js';
import { signingRoutes } from './signing/signing.routes.js';
import { trackingRoutes } from './tracking/tracking.routes.js';
import { registerWeb, renderPageError } from './web/web.js';
import { whatsappRoutes } from './whatsapp/whatsapp.routes.js';
import { helpdeskRoutes } from './helpdesk/helpdesk.routes.js';
import { claimLinkPages } from './helpdesk/claim-link.pages.js';
import { notificationRoutes } from './notifications/notifications.routes.js';
import { notificationPages } from './notifications/notifications.pages.js';
import { billRoutes } from './payments/bills.routes.js';
import { paymentSettingsRoutes } from './payments/payment-settings.routes.js';
import { reconciliationRoutes } from './payments/reconciliation.routes.js';
import { snapRoutes } from './payments/snap.routes.js';
import { revenueRoutes } from './revenue/revenue.routes.js';
import { surveyRoutes } from './survey/survey.routes.js';
import { dashboardRoutes } from './dashboard/dashboard.routes.js';
import { transparencyRoutes } from './transparency/transparency.routes.js';
import { screenRoutes } from './screens/screens.routes.js';

export type RouteEntry = { method: string; url: string; config: { page?: { csrf: 'form' | 'multipart' | 'none' } } };
declare module 'fastify' {
  interface FastifyInstance {
    routeTable: readonly RouteEntry[];
  }
}

/** Deeper than any request schema of ours goes (the catalogue's JSON definition is the deepest, about 8). */
const MAX_INPUT_DEPTH = 32;

/** Log redaction: no password, token, NIK or tracking code ever reaches the logs (SECURITY.md, UU PDP). */
export const LOG_REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.nik',
  '*.passportNumber',
  '*.stayPermitNumber',
  '*.token',
  '*.trackingCode',
];

/**
 * The process's logger: redacted as above, and a request is logged by its path only. A query string
 * can carry a secret (a booking code, a set-up token in a mistyped link), so its values never reach
 * the log: `?code=…` is written `?code=[redacted]`.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): FastifyBaseLogger {
  const options: pino.LoggerOptions = {
    level,
    redact: { paths: LOG_REDACT, censor: '[redacted]' },
    serializers: {
      req: (req: { method?: string; url?: string; hostname?: string; ip?: string; socket?: { remotePort?: number } }) => ({
        method: req.method,
        url: redactQuery(req.url ?? ''),
        host: req.hostname,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

function redactQuery(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const names = url
    .slice(q + 1)
    .split('&')
    .filter(Boolean)
    .map((pair) => `${pair.split('=')[0]}=[redacted]`);
  return `${url.slice(0, q)}?${names.join('&')}`;
}

/**
 * Builds the HTTP application around already-created services; `listen()` is the caller's business
 * (server.ts in production, `app.inject()` in tests). Reads like a table of contents.
 */
export async function createApp(services: Services, options: { logger?: FastifyBaseLogger } = {}): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger, childLoggerFactory: lazyChildLogger } : { logger: false }),
    // One log line per request instead of Fastify's two (http/request-log.ts).
    logController: new RequestLog(),
    // Trust X-Forwarded-For only from the configured number of proxy hops (ASVS v5.0.0-4.1.3).
    trustProxy: (_address: string, hop: number) => hop < config.trustProxyHops,
    bodyLimit: 1024 * 1024,
    // Request ids are generated here; a client's X-Request-Id is not trusted (ASVS v5.0.0-4.1.3).
    genReqId: () => crypto.randomUUID(),
    frameworkErrors: (_err, request, reply) => void sendProblem(reply, request, 'invalid_input', 400),
  });
  // Every route as registered (method, url, config): start-up checks and the route-walking tests read it.
  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) routeTable.push({ method, url: route.url, config: route.config ?? {} });
  });
  app.decorate('routeTable', routeTable);
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);

  registerErrorHandling(app, Math.round(config.maxUploadBytes / 1048576), renderPageError, (refusal) => services.refusals.record(refusal));
  registerSecurityHeaders(app, { https: config.baseUrl.startsWith('https://') });
  // Before any other onRequest hook: an overloaded instance answers 503 + Retry-After at once (SHED_*).
  await registerLoadShedding(app, config);
  // Pages, CSS, JS and JSON go out compressed for slow mobile networks; uploads and PDFs are left alone.
  await app.register(compress, { threshold: 1024, encodings: ['br', 'gzip'], customTypes: /^(text\/|application\/(json|problem\+json|javascript))/ });
  // Per-route limits. With several instances they are counted in the shared Redis (RATE_LIMIT_REDIS_URL),
  // else in this process's memory; a Redis outage lets requests through with a logged warning (shared-store.ts).
  const { shared } = services;
  if (options.logger) shared.useLogger(options.logger);
  await app.register(rateLimit, {
    global: false,
    ...(shared.redis ? { redis: shared.redis, nameSpace: shared.rateLimitNameSpace, skipOnError: true } : {}),
  });
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, fieldSize: 10_000, parts: 12 } });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Izol API',
        version: '1.0.0',
        description:
          'The JSON API behind Izol, the online permit service of a one-stop integrated service office (DPMPTSP). ' +
          'Everything the pages do is here. Errors are RFC 9457 problem details with a message a citizen can read; ' +
          'send Accept-Language: en for English (Indonesian is the default).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/auth/login' } } },
    },
    transform: multipartAware(createJsonSchemaTransform({ skipList: ['/api/docs/*', '/', '/api/openapi.json'] })),
    transformObject: createJsonSchemaTransformObject({}),
  });
  await app.register(swaggerUi, {
    routePrefix: '/api/docs',
    // The docs page's own policy (hashes of its inline parts, from the plugin), kept to this site.
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace(/\s*upgrade-insecure-requests;/, '')
        .replace(' validator.swagger.io', '')
        .replace("frame-ancestors 'self'", "frame-ancestors 'none'")
        // No <base> on the docs page either (v5.0.0-3.4.3): the plugin's policy has no base-uri.
        .replace(/\s*base-uri [^;]*;?/, '')
        .replace(/;?\s*$/, "; base-uri 'none';"),
  });
  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());

  /**
   * NUL characters anywhere in the input are refused, and so is nesting deeper than any of our schemas
   * needs: walked with a stack, so a body like [[[…]]] ten thousand deep is a 400, not a stack overflow.
   */
  const badInput = (root: unknown): string | null => {
    const stack: { v: unknown; depth: number }[] = [{ v: root, depth: 0 }];
    while (stack.length) {
      const { v, depth } = stack.pop()!;
      if (typeof v === 'string') {
        if (v.includes('\u0000')) return 'NUL character in input';
      } else if (v !== null && typeof v === 'object') {
        if (depth >= MAX_INPUT_DEPTH) return 'input nested too deeply';
        for (const [k, x] of Object.entries(v)) {
          if (k.includes('\u0000')) return 'NUL character in input';
          stack.push({ v: x, depth: depth + 1 });
        }
      }
    }
    return null;
  };
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.routeOptions.config.plain) return done();
    const problem = badInput(request.body) ?? badInput(request.query) ?? badInput(request.params);
    done(problem ? new AppError('invalid_input', problem) : undefined);
  });
  registerRequestContext(app, services);
  healthRoutes(app, services);
  catalogueRoutes(app, services);
  authRoutes(app, services);
  applicationRoutes(app, services);
  inspectionRoutes(app, services);
  feeRoutes(app, services);
  trackingRoutes(app, services);
  appointmentRoutes(app, services);
  queueRoutes(app, services);
  contactRoutes(app, services);
  dataRightsRoutes(app, services);
  signingRoutes(app, services);
  permitRoutes(app, services);
  parcelRoutes(app, services);
  notificationRoutes(app, services);
  helpdeskRoutes(app, services);
  billRoutes(app, services);
  paymentSettingsRoutes(app, services);
  reconciliationRoutes(app, services);
  revenueRoutes(app, services);
  surveyRoutes(app, services);
  dashboardRoutes(app, services);
  transparencyRoutes(app, services);
  screenRoutes(app, services);
  await app.register(whatsappRoutes(services));
  await app.register(snapRoutes(services));
  await registerWeb(app, services);
  setupLinkPages(app, services);
  claimLinkPages(app, services);
  notificationPages(app, services);
  return app;
}

type Transform = ReturnType<typeof createJsonSchemaTransform>;
/** Multipart uploads are read as streams, not validated as bodies; describe the body for OpenAPI here. */
function multipartAware(inner: Transform): Transform {
  return (input) => {
    const out = inner(input);
    if ((input.route.config as { multipartUpload?: boolean } | undefined)?.multipartUpload) {
      return {
        ...out,
        schema: {
          ...out.schema,
          body: {
            type: 'object',
            required: ['file'],
            properties: { file: { type: 'string', format: 'binary', description: 'PDF, JPEG or PNG as the requirement allows' } },
          },
        },
      };
    }
    return out;
  };
}
