import type { FastifyError, FastifyInstance, FastifyPluginCallback, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { sendProblem } from '../http/problem.js';
import type { Services } from '../services.js';
import { AppError } from '../shared/errors.js';
import { isSignedByMeta } from './whatsapp.signature.js';

const WEBHOOK = '/webhooks/whatsapp';

/** A body whose X-Hub-Signature-256 was checked against the raw bytes: only this reaches the handler. */
class SignedPayload {
  constructor(readonly json: unknown) {}
}

/**
 * The office's WhatsApp number (WhatsApp Business Platform, Cloud API): the webhook URL the office
 * gives Meta is https://<its host>/webhooks/whatsapp, so the office is the request's host. Without
 * WHATSAPP_* settings the routes do not exist (404).
 *
 * An encapsulated scope of its own: its only body parser keeps the raw bytes, checks the signature
 * over exactly them (before JSON parsing, before any database work, before the rate limit counts the
 * post) and only then parses; a forged post costs an HMAC and gets 401. The scope answers its errors
 * as problem details itself (the portal's page errors would turn a 401 into a sign-in redirect).
 * app.ts registers it before the portal: the page kit's start-up check refuses any later non-API POST
 * that is not a page form, and this one is Meta's, not a form.
 */
export function whatsappRoutes(services: Services): FastifyPluginCallback {
  return (scope: FastifyInstance, _options, pluginDone) => {
    const cfg = services.config.channels.whatsapp;
    const whatsapp = services.whatsapp;
    if (!cfg || !whatsapp) return pluginDone();
    // Fastify's own JSON parser (it refuses __proto__ and constructor.prototype keys); the callback form.
    const secureJson = scope.getDefaultJsonParser('error', 'error') as (
      request: FastifyRequest,
      body: string,
      done: (err: Error | null, json?: unknown) => void,
    ) => void;
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request: FastifyRequest, raw: Buffer, done) => {
      if (!isSignedByMeta(raw, request.headers['x-hub-signature-256'], cfg.appSecret)) {
        return done(new AppError('unauthenticated', 'whatsapp webhook without a valid X-Hub-Signature-256'), undefined);
      }
      secureJson(request, raw.toString('utf8'), (err, json) => (err ? done(err, undefined) : done(null, new SignedPayload(json))));
    });
    // Any other content type: unsigned is 401 like the rest, signed is Meta sending something Izol does not read.
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (request: FastifyRequest, raw: Buffer, done) => {
      const signed = isSignedByMeta(raw, request.headers['x-hub-signature-256'], cfg.appSecret);
      done(
        signed ? Object.assign(new Error('unsupported content type'), { statusCode: 415 }) : new AppError('unauthenticated', 'unsigned whatsapp webhook'),
        undefined,
      );
    });
    scope.setErrorHandler(async (err: FastifyError | AppError, request, reply) => {
      if (err instanceof AppError) {
        if (err.code === 'unauthenticated' || err.code === 'forbidden') {
          request.log.warn({ why: err.message }, 'whatsapp webhook refused');
          // Audited like every refusal (SECURITY.md #25); the refusal log bounds itself against a flood.
          await services.refusals
            .record({
              tenantId: request.tenant.id,
              actorId: null,
              address: request.ip,
              method: request.method,
              route: WEBHOOK,
              status: err.status,
              verdict: err.code,
            })
            .catch((e: unknown) => request.log.error({ err: e }, 'could not audit a refused request'));
        }
        return sendProblem(reply, request, err.code, err.status);
      }
      const status = err.statusCode ?? 500;
      if (status === 429) return sendProblem(reply, request, 'too_many_attempts', 429, undefined, { minutes: 1 });
      if (status === 413) return sendProblem(reply, request, 'request_too_large', 413, undefined, { maxMb: 1 });
      if (status >= 400 && status < 500) return sendProblem(reply, request, 'invalid_input', status === 415 ? 415 : 400);
      throw err; // the app's handler logs it and answers 500 without details
    });

    const r = scope.withTypeProvider<ZodTypeProvider>();
    r.get(WEBHOOK, {
      schema: {
        hide: true,
        querystring: z.object({
          'hub.mode': z.string().max(40).optional(),
          'hub.verify_token': z.string().max(500).optional(),
          'hub.challenge': z.string().max(500).optional(),
        }),
      },
      config: { rateLimit: { max: 30, timeWindow: '1 minute' } },
      handler: (request, reply) => {
        const challenge = whatsapp.verifySubscription({
          mode: request.query['hub.mode'],
          token: request.query['hub.verify_token'],
          challenge: request.query['hub.challenge'],
        });
        if (challenge === null) throw new AppError('forbidden', 'whatsapp subscription check with a wrong verify token');
        return reply.code(200).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(challenge);
      },
    });

    r.post(WEBHOOK, {
      schema: { hide: true },
      // Counted after the body parser, so only posts that carry Meta's signature use up the allowance:
      // a flood of forged posts can never crowd out Meta's own. Meta retries a 429 later.
      config: { rateLimit: { max: 600, timeWindow: '1 minute', hook: 'preHandler' } },
      handler: async (request, reply) => {
        if (!(request.body instanceof SignedPayload)) throw new AppError('unauthenticated', 'whatsapp webhook without a signed body');
        const done = await whatsapp.receiveWebhook({ tenantId: request.tenant.id, payload: request.body.json });
        request.log.info(done, 'whatsapp webhook');
        return reply.code(200).type('text/plain; charset=utf-8').send('OK');
      },
    });
    pluginDone();
  };
}
