import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level, Logger as PinoLogger } from 'pino';

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
 *
 * A successful request's line goes through a logger without the redaction paths: the line is built
 * here from the request serializer (method, path with query values redacted, host, address) and the
 * status, so it holds no header, body or field a path could match, and the wildcard paths (`*.nik`
 * …) cost a walk and a copy of every line (about 8 % of a kept page's CPU, issue 15). Every other
 * line (errors, a handler's own logging) keeps the redaction.
 */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { req: request, res: { statusCode: reply.statusCode }, responseTime: reply.elapsedTime };
    if (error) {
      reply.log.error({ ...line, err: error }, 'request errored');
      return;
    }
    const level: Level = request.routeOptions.config.plain && reply.statusCode < 400 ? 'debug' : 'info';
    const log = reply.log;
    if (log instanceof LazyRequestLogger && !log.hasOwnLevel) {
      if (enabled(log.parent, level)) unredacted(log.parent)[level]({ reqId: request.id, ...line }, 'request completed');
    } else if (log instanceof LazyRequestLogger ? log.isLevelEnabled(level) : enabled(log, level)) log[level](line, 'request completed');
  }
}

/** Whether a logger writes at `level` (pino's own check; a logger without one is asked to write). */
function enabled(logger: FastifyBaseLogger, level: string): boolean {
  const check = (logger as Partial<Pick<PinoLogger, 'isLevelEnabled'>>).isLevelEnabled;
  return typeof check === 'function' ? check.call(logger, level) : true;
}

const unredactedLoggers = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();
/** The same logger (destination, level, serializers) without redaction paths: for the request line only. */
function unredacted(logger: FastifyBaseLogger): FastifyBaseLogger {
  let out = unredactedLoggers.get(logger);
  if (!out) {
    out = logger.child({}, { redact: [] });
    unredactedLoggers.set(logger, out);
  }
  return out;
}

type LogFn = FastifyBaseLogger['info'];
/** pino's level numbers: a level is on when it is at or above the logger's. */
const LEVEL_VALUES: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Number.POSITIVE_INFINITY };

/**
 * A request's logger (`request.log`), made only when something is logged at a level that is on:
 * Fastify makes a child logger for every request (its bindings serialised through the redaction),
 * about 3 % of a probe's CPU, and most requests log nothing but the request line (written above with
 * the request id). Behaves as the child it stands for.
 */
export class LazyRequestLogger {
  private real: FastifyBaseLogger | null = null;
  constructor(
    readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private materialise(): FastifyBaseLogger {
    this.real ??= this.parent.child(this.bindings, this.options);
    return this.real;
  }
  /**
   * A route's own `logLevel` (a capability link's page logs at warn, so its path, which holds the
   * token, is never written at info): the child it stands for would have that level.
   */
  get hasOwnLevel(): boolean {
    return this.options.level !== undefined;
  }
  private enabledAt(level: string): boolean {
    if (this.real) return enabled(this.real, level);
    const own = this.options.level;
    if (own !== undefined) return (LEVEL_VALUES[level] ?? 0) >= (LEVEL_VALUES[own] ?? 0);
    return enabled(this.parent, level);
  }
  private at(level: Level): LogFn {
    return (...args: Parameters<LogFn>) => {
      if (this.enabledAt(level)) this.materialise()[level](...args);
    };
  }
  get level(): string {
    return this.real?.level ?? this.options.level ?? this.parent.level;
  }
  set level(value: string) {
    this.materialise().level = value;
  }
  isLevelEnabled(level: string): boolean {
    return this.enabledAt(level);
  }
  fatal = this.at('fatal');
  error = this.at('error');
  warn = this.at('warn');
  info = this.at('info');
  debug = this.at('debug');
  trace = this.at('trace');
  silent: LogFn = () => {};
  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.materialise().child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: the lazy request logger above. */
export function lazyChildLogger(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyRequestLogger(logger, bindings, options);
}
