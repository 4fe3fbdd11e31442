import underPressure from '@fastify/under-pressure';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../shared/errors.js';

/**
 * Probes are always answered: a load balancer that saw /health fail under load would take a busy but
 * working instance out (or restart it), turning a slow minute into an outage. /health keeps saying
 * "ok" (the process lives, which is what it promises); an operator sees the shedding in the log.
 */
const PROBES = new Set(['/health', '/ready']);
/**
 * A bank's SNAP calls are not shed either: a payment notification reports money already moved (refusing
 * it only delays the citizen's file until the bank's retry), SNAP has no 503 answer of its own shape, and
 * those routes have their own per-address limit (payments/snap.routes.ts).
 */
const exempt = (path: string): boolean => PROBES.has(path) || path.startsWith('/snap/');
/** How often the event-loop delay (a mean over the interval) and memory are sampled: the reaction time. */
const SAMPLE_MS = 250;
/** One warning per overload episode, not one per refused request. */
const LOG_QUIET_MS = 10_000;

function pathOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?');
  return q < 0 ? request.url : request.url.slice(0, q);
}

/**
 * Load shedding (issue 15, item 5). A NEW request is answered at once with 503, a Retry-After and a
 * problem a citizen can read ("busy, nothing was changed, try again in N seconds"), before its
 * office, session or body is looked at, while
 * - the event loop's mean delay over the last SAMPLE_MS, the heap or the resident memory is past its
 *   limit (@fastify/under-pressure), or
 * - `maxInFlight` requests are already being worked on. The delay is measured after the fact: every
 *   request that arrives in one turn of a blocked loop is judged by the same (old) sample, so a burst
 *   on many connections would all be let in at once and the backlog, not the limit, would set the
 *   latency. The count bounds the backlog itself. Uploads (multipart) are not counted: a citizen on a
 *   slow mobile network keeps one open for a minute while costing almost nothing, and they have
 *   their own per-account limits.
 * Requests already admitted run to the end (the checks run at onRequest only). When the load passes,
 * the next sample and the next finished request admit again: no state to reset. Registered before
 * every other onRequest hook (app.ts), so a shed request costs no database query. Each limit is
 * 0 = off (config.ts, SHED_*).
 */
export async function registerLoadShedding(app: FastifyInstance, config: Pick<Config, 'shedding'>): Promise<void> {
  const { eventLoopDelayMs, heapUsedBytes, rssBytes, maxInFlight, retryAfterSeconds } = config.shedding;
  let lastWarned = 0;
  const busy = (request: FastifyRequest, why: string, value: unknown): AppError => {
    const now = Date.now();
    if (now - lastWarned > LOG_QUIET_MS) {
      lastWarned = now;
      request.log.warn({ pressure: why, value }, 'overloaded: answering new requests 503 until it passes');
    }
    return new AppError('service_busy', `shedding load (${why})`, { retryAfterSeconds, params: { seconds: retryAfterSeconds } });
  };
  if (eventLoopDelayMs > 0 || heapUsedBytes > 0 || rssBytes > 0) {
    await app.register(underPressure, {
      maxEventLoopDelay: eventLoopDelayMs,
      maxHeapUsedBytes: heapUsedBytes,
      maxRssBytes: rssBytes,
      sampleInterval: SAMPLE_MS,
      retryAfter: retryAfterSeconds,
      // A rejected promise goes to next(err): the app's error handler sets Retry-After and sends the problem.
      pressureHandler: async (request, _reply, type, value) => {
        if (exempt(pathOf(request))) return;
        // No delay recorded in the window (under-pressure says Infinity): the loop was busy before the
        // first timer of the window could fire, e.g. start-up just before listening. Not a measurement:
        // the next sample has the real delay.
        if (type === 'eventLoopDelay' && typeof value === 'number' && !Number.isFinite(value)) return;
        throw busy(request, type, value);
      },
    });
  }
  if (maxInFlight > 0) {
    let inFlight = 0;
    app.addHook('onRequest', (request, reply, done) => {
      if (exempt(pathOf(request)) || request.headers['content-type']?.startsWith('multipart/')) return done();
      if (inFlight >= maxInFlight) return done(busy(request, 'inFlight', inFlight));
      inFlight++;
      // The place is free once the answer is written or the client is gone: a response emits 'close' in
      // both cases (after 'finish', or instead of it), so one listener is enough.
      reply.raw.once('close', () => inFlight--);
      done();
    });
  }
}
