import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * The request log: ONE line per request, written when the answer is done, with the request (method,
 * path with its query values redacted, host, address: app.ts `createLogger`), the status and the time
 * taken. Fastify's default writes two (`incoming request`, then `request completed`); each line costs
 * a serialisation, a redaction pass and a write, and at info (the default, production too) that was
 * about a sixth of the CPU of a cheap request (issue 15, bench/http.bench.ts). A request that never
 * completes still shows in the log through whatever went wrong with it (errors, load shedding).
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request completed');
  }
}
