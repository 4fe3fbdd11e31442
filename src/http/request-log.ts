import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The request log: ONE line per request, written when the answer is done, with the request (method,
 * path with its query values redacted, host, address: app.ts `createLogger`), the status and the time
 * taken. Fastify's default writes two (`incoming request`, then `request completed`); each line costs
 * a serialisation, a redaction pass and a write, and at info (the default, production too) that was
 * about a sixth of the CPU of a cheap request (issue 15, bench/http.bench.ts). A request that never
 * completes still shows in the log through whatever went wrong with it (errors, load shedding).
 * A plain route's answer (the probes, static assets: http/context.ts) is logged at debug when it went
 * well: a load balancer asks /health every few seconds and a page brings its stylesheet along, and at
 * info those lines were about a third of what such a request costs; a failure is logged as any other.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else if (request.routeOptions.config.plain && reply.statusCode < 400) reply.log.debug(line, 'request completed');
    else reply.log.info(line, 'request completed');
  }
}
