import { ReplyError } from 'ioredis';
import { BackendUnavailable, messageOf } from '../contract/errors.js';

/**
 * BACKEND_UNAVAILABLE for a command that failed on the way to or from Redis, saying what
 * is known about its effect. The connection is set up (connection.ts) so that ioredis never
 * queues a command while disconnected and never sends one twice; so a command either was
 * certainly never sent (`not_written`), or was sent and then the connection was lost or no
 * reply came within STREAMGATE_REDIS_COMMAND_TIMEOUT_MS (`unknown`: it may have run).
 * Transports pass `outcome` on: problem+json member `outcome`, gRPC trailer `outcome`.
 */

/** ioredis's rejection of a command it did not write: no connection, and no offline queue. */
const NOT_WRITABLE = "Stream isn't writeable";
/** ioredis's rejection of a command whose reply did not come within `commandTimeout`. */
const TIMED_OUT = 'Command timed out';

export const NOT_CONNECTED_MESSAGE = 'Redis is unavailable (not connected): the request was not sent to Redis and changed nothing';

export const notConnected = (cause?: unknown): BackendUnavailable =>
  new BackendUnavailable('not_written', NOT_CONNECTED_MESSAGE, { cause });

/**
 * A command without a reply within STREAMGATE_REDIS_COMMAND_TIMEOUT_MS (Backend.call's
 * deadline, or ioredis's own `commandTimeout`): it may have run, or may still run.
 */
export const timedOut = (commandTimeoutMs: number, cause?: unknown): BackendUnavailable =>
  new BackendUnavailable('unknown', `Redis did not answer within ${commandTimeoutMs} ms: the request was sent and its outcome is unknown`, {
    cause: cause ?? new Error(TIMED_OUT),
  });

/**
 * A failure that is not a Redis reply (the connection failed, timed out or was closed), as
 * BACKEND_UNAVAILABLE with its outcome. Anything not known to be unsent counts as unknown:
 * claiming "not written" for a write that happened would invite a duplicate.
 */
export function connectionFailure(err: unknown, commandTimeoutMs: number): BackendUnavailable {
  if (err instanceof BackendUnavailable) return err;
  const message = messageOf(err);
  const cause = new Error(message);
  if (message.startsWith(NOT_WRITABLE)) return notConnected(cause);
  if (message === TIMED_OUT) return timedOut(commandTimeoutMs, cause);
  return new BackendUnavailable(
    'unknown',
    'the connection to Redis was lost before it answered: the request was sent and its outcome is unknown',
    { cause },
  );
}

export const isReplyError = (err: unknown): boolean => err instanceof ReplyError;

/** The message of a publish whose outcome is unknown: what the client should do about it. */
export function publishOutcomeUnknown(err: BackendUnavailable): BackendUnavailable {
  const why = err.message.replace(/: the request was sent and its outcome is unknown$/, '');
  return new BackendUnavailable(
    'unknown',
    `${why}: the publish may or may not have been written. Retrying with the same Idempotency-Key is safe ` +
      '(it returns the first ids if the messages were written); a retry without one may publish them twice',
    { cause: err.cause },
  );
}

/** Rethrows a failed publish, its message saying what a retry may do when the outcome is unknown. */
export function publishFailure(err: unknown): never {
  throw err instanceof BackendUnavailable && err.outcome === 'unknown' ? publishOutcomeUnknown(err) : err;
}
