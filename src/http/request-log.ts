import { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, LevelWithSilent } from 'pino';

/**
 * A gateway serves thousands of requests a second: one `info` line per request would drown
 * the log that matters. Request lines go to `debug` (LOG_LEVEL=debug shows them); failed
 * requests stay at `error`, and 5xx answers are logged with their cause by problem.ts.
 * Nothing is built for a line the level would drop.
 */
export class QuietRequestLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request) && enabled(request.log, 'debug')) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (error) reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    else if (enabled(reply.log, 'debug')) reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

type Level = Exclude<LevelWithSilent, 'silent'>;
type LevelCheck = { isLevelEnabled?: (level: string) => boolean };

const enabled = (log: FastifyBaseLogger, level: Level): boolean => {
  const check = (log as LevelCheck).isLevelEnabled;
  return check === undefined || check.call(log, level);
};

/**
 * Fastify's per-request logger (its `childLoggerFactory`), made only when a line is written:
 * a pino child costs its bindings' serialisation on every request, and most requests log
 * nothing. Every line it writes still comes from `logger.child({ reqId })`, with the
 * request's id; levels are the parent's until the child exists.
 */
export function lazyRequestLogger(logger: FastifyBaseLogger, bindings: Bindings, opts: ChildLoggerOptions): FastifyBaseLogger {
  // A route's own level or serialisers, or a logger that cannot tell its levels: the plain child.
  if (opts.level !== undefined || opts.serializers !== undefined || typeof (logger as LevelCheck).isLevelEnabled !== 'function') {
    return logger.child(bindings, opts);
  }
  return new LazyChild(logger, bindings, opts) as unknown as FastifyBaseLogger;
}

/** Methods on the prototype: nothing allocated per request but the object itself. */
class LazyChild {
  #child: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly opts: ChildLoggerOptions,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings, this.opts));
  }

  get level(): string {
    return (this.#child ?? this.parent).level;
  }

  set level(level: string) {
    this.real.level = level;
  }

  isLevelEnabled(level: string): boolean {
    return enabled(this.#child ?? this.parent, level as Level);
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }

  private write(level: Level, args: unknown[]): void {
    if (this.#child === undefined && !enabled(this.parent, level)) return;
    const real = this.real;
    (real[level] as (...a: unknown[]) => void).apply(real, args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}
}
