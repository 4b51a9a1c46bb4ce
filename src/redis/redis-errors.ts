import { ReplyError } from 'ioredis';
import { GatewayError, type ErrorCode } from '../contract/errors.js';
import { BackendUnavailable } from '../contract/errors.js';
import { connectionFailure } from './unavailable.js';

/**
 * Redis errors become contract errors here and nowhere else. Replies are recognised by
 * their prefix (the first word), never by their full text. The prefixes NOSTREAM,
 * IDTOOSMALL, IDEMCONFLICT, LEASESOFF, BADPOLICY, NOCONSUMER, HASPENDING and DLQTYPE are raised
 * by our own Lua scripts (lua/include/prelude.lua).
 */

const BY_PREFIX: Record<string, ErrorCode> = {
  NOSTREAM: 'STREAM_NOT_FOUND',
  NOGROUP: 'GROUP_NOT_FOUND',
  BUSYGROUP: 'GROUP_EXISTS',
  WRONGTYPE: 'NOT_A_STREAM',
  DLQTYPE: 'NOT_A_STREAM',
  IDTOOSMALL: 'ID_TOO_SMALL',
  IDEMCONFLICT: 'IDEMPOTENCY_CONFLICT',
  LEASESOFF: 'LEASES_DISABLED',
  BADPOLICY: 'VALIDATION_FAILED',
  NOCONSUMER: 'CONSUMER_NOT_FOUND',
  HASPENDING: 'CONSUMER_HAS_PENDING',
  UNBLOCKED: 'STREAM_NOT_FOUND',
  LOADING: 'BACKEND_UNAVAILABLE',
  BUSY: 'BACKEND_UNAVAILABLE',
  MASTERDOWN: 'BACKEND_UNAVAILABLE',
  TRYAGAIN: 'BACKEND_UNAVAILABLE',
  CLUSTERDOWN: 'BACKEND_UNAVAILABLE',
  // A cluster node that does not serve the slot (or no longer all of its keys) refused the
  // command. ioredis follows these itself, except in an auto-pipeline whose other commands
  // succeeded or failed otherwise (its pipelines retry only when every command got the same
  // redirection): there one reaches us, typically while a master fails over or a slot moves.
  MOVED: 'BACKEND_UNAVAILABLE',
  ASK: 'BACKEND_UNAVAILABLE',
  READONLY: 'BACKEND_UNAVAILABLE',
  NOPERM: 'BACKEND_UNAVAILABLE',
  // Over maxmemory, or writes refused after a failed save / without enough replicas: Redis
  // checks these before running a command (or a whole script), so nothing was written.
  OOM: 'BACKEND_UNAVAILABLE',
  MISCONF: 'BACKEND_UNAVAILABLE',
  NOREPLICAS: 'BACKEND_UNAVAILABLE',
};

const CLIENT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  STREAM_NOT_FOUND: 'stream does not exist',
  GROUP_NOT_FOUND: 'consumer group does not exist',
  GROUP_EXISTS: 'consumer group already exists',
  NOT_A_STREAM: 'key exists and is not a stream',
  CONSUMER_NOT_FOUND: 'consumer does not exist in this group',
};

/** An error reply from Redis (ioredis types ReplyError loosely, hence the guard). */
const isReply = (err: unknown): err is Error => err instanceof ReplyError;

export const replyPrefix = (err: unknown): string | null =>
  isReply(err) ? (/^[A-Z]+/.exec(err.message)?.[0] ?? null) : null;

/** Our scripts' messages, without the " script: <sha>, on @user_script:N." Redis appends. */
const cleanMessage = (message: string): string =>
  message.replace(/^[A-Z]+ /, '').replace(/ script: [0-9a-f]+, on @user_script:\d+\.?$/, '');

/**
 * Maps an error from a Redis call to a GatewayError, or returns null for a reply the
 * caller must classify from context (a generic `ERR`, or NOGROUP that may mean a missing key).
 * `commandTimeoutMs` only words the message of a command that timed out.
 */
export function mapRedisError(err: unknown, commandTimeoutMs = 0): GatewayError | null {
  if (err instanceof GatewayError) return err;
  // Not a reply: the connection failed, timed out or was closed.
  if (!isReply(err)) return connectionFailure(err, commandTimeoutMs);
  const prefix = replyPrefix(err);
  const code = prefix ? BY_PREFIX[prefix] : undefined;
  if (!code) return null;
  if (code === 'BACKEND_UNAVAILABLE') {
    // Redis refused to run the command (loading, busy, read-only...): nothing happened.
    return new BackendUnavailable('not_written', `Redis is unavailable (${prefix}): the request was refused and changed nothing`, {
      cause: err,
    });
  }
  const ours = prefix !== 'NOGROUP' && prefix !== 'WRONGTYPE';
  const message = ours ? cleanMessage(err.message) : (CLIENT_MESSAGES[code] ?? cleanMessage(err.message));
  return new GatewayError(code, message, [], { cause: err });
}
