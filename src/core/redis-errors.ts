import { ReplyError } from 'ioredis';
import { GatewayError, type ErrorCode } from './errors.js';

/**
 * Redis errors become contract errors here and nowhere else. Replies are recognised by
 * their prefix (the first word), never by their full text. The prefixes NOSTREAM,
 * IDTOOSMALL, IDEMCONFLICT, LEASESOFF, BADDELAY, BADPOLICY, NOCONSUMER, HASPENDING and DLQTYPE are raised
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
  BADDELAY: 'VALIDATION_FAILED',
  BADPOLICY: 'VALIDATION_FAILED',
  NOCONSUMER: 'CONSUMER_NOT_FOUND',
  HASPENDING: 'CONSUMER_HAS_PENDING',
  UNBLOCKED: 'STREAM_NOT_FOUND',
  LOADING: 'BACKEND_UNAVAILABLE',
  BUSY: 'BACKEND_UNAVAILABLE',
  MASTERDOWN: 'BACKEND_UNAVAILABLE',
  TRYAGAIN: 'BACKEND_UNAVAILABLE',
  CLUSTERDOWN: 'BACKEND_UNAVAILABLE',
  READONLY: 'BACKEND_UNAVAILABLE',
  NOPERM: 'BACKEND_UNAVAILABLE',
};

const CLIENT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  STREAM_NOT_FOUND: 'stream does not exist',
  GROUP_NOT_FOUND: 'consumer group does not exist',
  GROUP_EXISTS: 'consumer group already exists',
  NOT_A_STREAM: 'key exists and is not a stream',
  CONSUMER_NOT_FOUND: 'consumer does not exist in this group',
  BACKEND_UNAVAILABLE: 'Redis is unavailable',
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
 */
export function mapRedisError(err: unknown): GatewayError | null {
  if (err instanceof GatewayError) return err;
  if (!isReply(err)) {
    // Not a reply: the connection failed, timed out or was closed.
    const message = err instanceof Error ? err.message : String(err);
    return new GatewayError('BACKEND_UNAVAILABLE', 'Redis is unavailable', [], { cause: new Error(message) });
  }
  const prefix = replyPrefix(err);
  const code = prefix ? BY_PREFIX[prefix] : undefined;
  if (!code) return null;
  const ours = prefix !== 'NOGROUP' && prefix !== 'WRONGTYPE' && code !== 'BACKEND_UNAVAILABLE';
  const message = ours ? cleanMessage(err.message) : (CLIENT_MESSAGES[code] ?? cleanMessage(err.message));
  return new GatewayError(code, message, [], { cause: err });
}
