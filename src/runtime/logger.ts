import { type DestinationStream, type Logger, type LoggerOptions, pino, stdSerializers } from 'pino';

/**
 * The process logger. Logs never carry secrets or message bodies:
 *   - `authorization` headers and metadata are censored wherever they appear in a logged object;
 *   - a Redis URL's password is masked in every line written, whatever logged it (hook below);
 *   - a Redis error's `command.args` (which hold script arguments, i.e. message bodies) are
 *     dropped from logged errors, their causes included.
 * Request bodies are logged only by the transports, at debug, when STREAMGATE_LOG_BODIES is on.
 */

const REDACTED = '[redacted]';

const AUTH_PATHS = [
  'authorization',
  'headers.authorization',
  'req.headers.authorization',
  'request.headers.authorization',
  'metadata.authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.metadata.authorization',
  'headers["proxy-authorization"]',
  'req.headers["proxy-authorization"]',
];

const URL_PATHS = ['redisUrl', 'REDIS_URL', '*.redisUrl', '*.REDIS_URL'];

/** `redis://user:password@host` → `redis://user:***@host`, anywhere in a string. */
const URL_PASSWORD = /(\brediss?:\/\/[^:/@\s"]*:)[^@/\s"]+@/gi;
/** A bearer credential that found its way into a message. */
const BEARER = /\b(Bearer)\s+[^\s",]+/gi;

export function scrubSecrets(text: string): string {
  return text.replace(URL_PASSWORD, '$1***@').replace(BEARER, `$1 ${REDACTED}`);
}

function censor(value: unknown, path: string[]): unknown {
  const last = path[path.length - 1];
  if (last === 'redisUrl' || last === 'REDIS_URL') return typeof value === 'string' ? scrubSecrets(value) : REDACTED;
  return REDACTED;
}

interface SerializedError {
  [key: string]: unknown;
  command?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** ioredis attaches the failed command with its arguments: keep its name, drop the arguments. */
function withoutCommandArgs(e: unknown, depth = 0): unknown {
  if (e === null || typeof e !== 'object' || depth > 8) return e;
  const out: SerializedError = { ...(e as SerializedError) };
  if (out.command !== null && typeof out.command === 'object') {
    const { name } = out.command as { name?: unknown };
    out.command = { name };
  }
  if (out.cause !== undefined) out.cause = withoutCommandArgs(out.cause, depth + 1);
  if (Array.isArray(out.errors)) out.errors = out.errors.map((x) => withoutCommandArgs(x, depth + 1));
  return out;
}

export const errSerializer = (err: unknown): unknown =>
  withoutCommandArgs(err instanceof Error ? stdSerializers.err(err) : err);

export function loggerOptions(level: LoggerOptions['level']): LoggerOptions {
  return {
    level,
    redact: { paths: [...AUTH_PATHS, ...URL_PATHS], censor },
    serializers: { err: errSerializer },
    hooks: { streamWrite: scrubSecrets },
  };
}

export function createLogger(level: LoggerOptions['level'], destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

/**
 * The process logger of the CLI: pretty-printed (pino-pretty, loaded only then) when stdout
 * is a terminal, for a person reading it; JSON lines otherwise, unchanged, for log
 * collectors. The same redaction and scrubbing apply either way (they run before the
 * destination stream). Written synchronously, so the last lines before an exit are not lost.
 */
export async function processLogger(level: LoggerOptions['level'], stdoutIsTty: boolean): Promise<Logger> {
  if (!stdoutIsTty) return createLogger(level);
  let pretty: typeof import('pino-pretty');
  try {
    pretty = (await import('pino-pretty')).default;
  } catch {
    // An install without it (a trimmed image): JSON, as on a pipe, rather than no start.
    return createLogger(level);
  }
  return createLogger(level, pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
}
