import type { FastifyError, FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import { SNAP_PATHS } from './snap-client.js';
import { type SnapCase, type SnapService, snapResponse } from './snap-response-codes.js';
import {
  accessTokenBody,
  accessTokenResponse,
  qrisNotifyBody,
  qrisNotifyResponse,
  snapAccessTokenHeaders,
  snapResponses,
  snapTransactionHeaders,
  vaInquiryBody,
  vaInquiryResponse,
  vaPaymentBody,
  vaPaymentResponse,
} from './snap.schemas.js';
import type { SnapCaller, SnapReply } from './snap.service.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on the SNAP routes: which SNAP service the route answers as (its response codes' middle digits). */
    snapService?: SnapService;
  }
}

const TAGS = ['Payments (SNAP)'];
/** SNAP bodies are small; anything larger is refused before it is read. */
const BODY_LIMIT = 64 * 1024;
/** Per address and minute, counted after the security hook (preHandler): forged posts cannot use up a bank's allowance. */
const RATE_LIMIT = { max: 600, timeWindow: '1 minute', hook: 'preHandler' as const };

function send(reply: FastifyReply, answer: SnapReply): FastifyReply {
  return reply.code(answer.httpStatus).header('cache-control', 'no-store').type('application/json; charset=utf-8').send(answer.body);
}

/** Whether the value at a validation issue's path was sent at all (missing: SNAP's "Invalid Mandatory Field"). */
function present(data: unknown, instancePath: string): boolean {
  let v: unknown = data;
  for (const key of instancePath.split('/').filter(Boolean)) {
    if (v === null || typeof v !== 'object') return false;
    v = (v as Record<string, unknown>)[key];
  }
  return v !== undefined;
}

/**
 * The SNAP endpoints a bank calls, the office acting as biller (issue 12): the B2B access token, VA
 * inquiry and payment, the QRIS payment notification; under the office's own host (request.tenant).
 *
 * An encapsulated scope with its own body parser: it keeps the raw text (the symmetric signature is
 * over exactly those bytes) and then parses it with Fastify's secure JSON parser. A preValidation hook
 * runs the security checks before the body is validated or anything is written (timestamp, token,
 * partner, signature, channel, then the X-EXTERNAL-ID recorded once per day); the handlers then make one
 * service call each. Every answer, refusals included, is SNAP-shaped JSON whose HTTP status is the
 * code's first three digits; every refusal is audited by the service (bounded), never with the body.
 * app.ts registers it before the portal (the page kit refuses a later non-API POST that is not a form).
 */
export function snapRoutes(services: Services): FastifyPluginCallback {
  return (scope: FastifyInstance, _options, pluginDone) => {
    // Built with the environment (services.ts): in production the demo adapter and the public demo key are refused first.
    const snap = services.snap;
    const rawBodies = new WeakMap<FastifyRequest, string>();
    const callers = new WeakMap<FastifyRequest, SnapCaller>();
    const tokenClients = new WeakMap<FastifyRequest, string>();
    // Fastify's own JSON parser (it refuses __proto__ and constructor.prototype keys), the callback form.
    const secureJson = scope.getDefaultJsonParser('error', 'error') as (
      request: FastifyRequest,
      body: string,
      done: (err: Error | null, json?: unknown) => void,
    ) => void;
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (request: FastifyRequest, raw: string, done) => {
      rawBodies.set(request, raw);
      secureJson(request, raw, (err, json) => (err ? done(err, undefined) : done(null, json)));
    });
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_request, _raw, done) =>
      done(Object.assign(new Error('SNAP requests are application/json'), { statusCode: 415 }), undefined),
    );

    scope.addHook('preValidation', async (request, reply) => {
      const service = request.routeOptions.config.snapService;
      if (!service) return;
      const common = { office: request.tenant, headers: request.headers, address: request.ip };
      if (service === 'accessTokenB2b') {
        const verdict = await snap.authenticateTokenRequest(common);
        if (!verdict.ok) return send(reply, verdict.reply);
        tokenClients.set(request, verdict.clientId);
        return;
      }
      if (service !== 'vaInquiry' && service !== 'vaPayment' && service !== 'qrisNotify') return;
      const verdict = await snap.authenticateTransaction({
        ...common,
        service,
        method: request.method,
        path: request.url,
        rawBody: rawBodies.get(request) ?? '',
      });
      if (!verdict.ok) return send(reply, verdict.reply);
      callers.set(request, verdict.caller);
    });

    scope.setErrorHandler(async (err: FastifyError | AppError, request, reply) => {
      const service = request.routeOptions.config.snapService ?? 'vaPayment';
      let kase: SnapCase;
      let detail: string | undefined;
      let reason: string;
      if (hasZodFastifySchemaValidationErrors(err)) {
        const issue = err.validation[0];
        const part = err.validationContext ?? 'body';
        const path = issue?.instancePath ?? '';
        const field = path.split('/').filter(Boolean).join('.') || part;
        const data = part === 'headers' ? request.headers : request.body;
        kase = present(data, path) ? 'invalidFieldFormat' : 'invalidMandatoryField';
        detail = field;
        reason = 'invalid_field';
      } else if (err instanceof AppError && err.code === 'invalid_input') {
        kase = 'badRequest';
        reason = 'invalid_input';
      } else if ((err as FastifyError).statusCode === 429) {
        return send(reply, { ...toReply(service, 'tooManyRequests') });
      } else if (!(err instanceof AppError) && (err.statusCode ?? 500) >= 400 && (err.statusCode ?? 500) < 500) {
        // Malformed JSON, an empty or too large body, another content type: SNAP's Bad Request.
        kase = 'badRequest';
        reason = err.statusCode === 415 ? 'content_type' : err.statusCode === 413 ? 'body_too_large' : 'malformed_body';
      } else {
        request.log.error({ err }, 'snap request failed');
        return send(reply, toReply(service, 'generalError'));
      }
      if (!request.tenant) return send(reply, toReply(service, kase, detail));
      const answer = await snap
        .refuse({ tenantId: request.tenant.id, service, kase, reason, address: request.ip, headers: request.headers, ...(detail ? { detail } : {}) })
        .catch((e: unknown) => {
          request.log.error({ err: e }, 'could not audit a refused SNAP request');
          return toReply(service, kase, detail);
        });
      return send(reply, answer);
    });

    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post(SNAP_PATHS.accessToken, {
      schema: {
        operationId: 'snapAccessTokenB2b',
        tags: TAGS,
        summary: 'A bank asks for a B2B access token (SNAP service 73)',
        description:
          'X-CLIENT-KEY is the client id in the office’s payment settings; X-SIGNATURE = SHA256withRSA(bank’s private key, clientId|X-TIMESTAMP), ' +
          'base64 or hex as the settings say; X-TIMESTAMP within 5 minutes. Answers a bearer token valid 900 s (2007300). ' +
          'Refusals: 4017300 unknown client or signature, 4007301 timestamp, 4007300/4007301/4007302 body.',
        headers: snapAccessTokenHeaders,
        body: accessTokenBody,
        response: snapResponses(accessTokenResponse),
      },
      bodyLimit: BODY_LIMIT,
      config: { snapService: 'accessTokenB2b', rateLimit: RATE_LIMIT },
      handler: async (request, reply) => {
        const clientId = tokenClients.get(request);
        if (clientId === undefined) return send(reply, toReply('accessTokenB2b', 'unauthorized'));
        return send(reply, await snap.issueAccessToken({ office: request.tenant, clientId }));
      },
    });

    const transactionDoc =
      'Authorization: Bearer <token from snapAccessTokenB2b>; X-SIGNATURE = HMAC-SHA512(clientSecret, POST:<path>:<token>:lowercase hex SHA-256 of the minified body:X-TIMESTAMP); ' +
      'X-TIMESTAMP within 5 minutes; X-PARTNER-ID the client id; CHANNEL-ID; X-EXTERNAL-ID numeric, at most 36 digits, once per partner and day (a reuse is 409). ';

    r.post(SNAP_PATHS.vaInquiry, {
      schema: {
        operationId: 'snapVaInquiry',
        tags: TAGS,
        summary: 'A bank asks what a virtual account (a bill’s payment code) is for (SNAP service 24)',
        description:
          transactionDoc +
          'Answers the bill’s amount and the applicant’s name, closed amount (type C), 2002400; 4042412 no such or voided bill, 4042414 paid, 4042419 expired. Read only.',
        headers: snapTransactionHeaders,
        body: vaInquiryBody,
        response: snapResponses(vaInquiryResponse),
      },
      bodyLimit: BODY_LIMIT,
      config: { snapService: 'vaInquiry', rateLimit: RATE_LIMIT },
      handler: async (request, reply) => {
        if (!callers.has(request)) return send(reply, toReply('vaInquiry', 'unauthorized'));
        return send(reply, await snap.inquiry({ office: request.tenant, body: request.body }));
      },
    });

    r.post(SNAP_PATHS.vaPayment, {
      schema: {
        operationId: 'snapVaPayment',
        tags: TAGS,
        summary: 'A bank says a virtual account was paid (SNAP service 25)',
        description:
          transactionDoc +
          'Recorded once per paymentRequestId: the first delivery and its retries answer 2002500 and the application moves on. ' +
          'A payment that cannot pay the bill is kept for the treasurer and refused: 4042513 another amount, 4042514 paid, 4042519 expired, 4042412 no such or voided bill; ' +
          '4042518 the same paymentRequestId with other content.',
        headers: snapTransactionHeaders,
        body: vaPaymentBody,
        response: snapResponses(vaPaymentResponse),
      },
      bodyLimit: BODY_LIMIT,
      config: { snapService: 'vaPayment', rateLimit: RATE_LIMIT },
      handler: async (request, reply) => {
        const caller = callers.get(request);
        if (!caller) return send(reply, toReply('vaPayment', 'unauthorized'));
        return send(reply, await snap.payment({ office: request.tenant, caller, body: request.body }));
      },
    });

    r.post(SNAP_PATHS.qrisNotify, {
      schema: {
        operationId: 'snapQrisNotify',
        tags: TAGS,
        summary: 'An acquirer says a bill’s dynamic QRIS was paid (SNAP service 52)',
        description:
          transactionDoc +
          'additionalInfo.billNumber is the bill number of the QRIS tag 62; recorded once per originalReferenceNo (2005200, retries too); ' +
          'a latestTransactionStatus other than 00 is acknowledged and changes nothing; a payment that cannot pay the bill is kept for the treasurer and refused as for the VA payment (4045213, 4045214, 4045219, 4045212).',
        headers: snapTransactionHeaders,
        body: qrisNotifyBody,
        response: snapResponses(qrisNotifyResponse),
      },
      bodyLimit: BODY_LIMIT,
      config: { snapService: 'qrisNotify', rateLimit: RATE_LIMIT },
      handler: async (request, reply) => {
        const caller = callers.get(request);
        if (!caller) return send(reply, toReply('qrisNotify', 'unauthorized'));
        return send(reply, await snap.qrisNotify({ office: request.tenant, caller, body: request.body }));
      },
    });
    pluginDone();
  };
}

function toReply(service: SnapService, kase: SnapCase, detail?: string): SnapReply {
  const s = snapResponse(service, kase, detail);
  return { httpStatus: s.httpStatus, body: { responseCode: s.responseCode, responseMessage: s.responseMessage } };
}
