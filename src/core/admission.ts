import type { Principal } from './access/principal.js';
import type { Limits } from '../contract/limits.js';
import { GatewayError } from '../contract/errors.js';
import { RateLimiter } from './rate-limiter.js';
import { KeyQuota, WaitQuota } from './wait-quota.js';

/** RATE_LIMITED over a rate: how long until the next request would be let through. */
export class RateLimited extends GatewayError {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super('RATE_LIMITED', message);
  }
}

/**
 * Per-key admission, one place for both transports: requests per second
 * (STREAMGATE_RATE_LIMIT_RPS / _BURST), concurrent waiting pulls
 * (STREAMGATE_MAX_WAITING_PER_KEY) and open StreamingPull calls
 * (STREAMGATE_MAX_STREAMING_PULLS_PER_KEY). A "key" is an API key; with auth off, the
 * client's address (`callerKey`).
 */
export class Admission {
  readonly rate: RateLimiter;
  readonly waits: WaitQuota;
  readonly streams: KeyQuota;

  constructor(limits: Pick<Limits, 'rateLimitRps' | 'rateLimitBurst' | 'maxWaitingPerKey' | 'maxStreamingPullsPerKey'>) {
    this.rate = new RateLimiter(limits.rateLimitRps, limits.rateLimitBurst);
    this.waits = new WaitQuota(limits.maxWaitingPerKey);
    this.streams = new KeyQuota(limits.maxStreamingPullsPerKey, 'open StreamingPull calls', 'STREAMGATE_MAX_STREAMING_PULLS_PER_KEY');
  }

  /** Counts one request of `key`: RateLimited when the key is over its rate. */
  request(key: string): void {
    const d = this.rate.take(key);
    if (!d.allowed) {
      throw new RateLimited(
        d.retryAfterMs,
        `over ${this.rate.rps} requests per second for this key (STREAMGATE_RATE_LIMIT_RPS); retry in ${d.retryAfterMs} ms`,
      );
    }
  }

  /**
   * Counts one request of `key` made on a call that is already open (a StreamingPull's acks,
   * nacks, extensions): 0 when admitted, else how many milliseconds until it would be. It
   * refuses nothing: the transport waits that long before it reads the request (and any
   * after it), so an open call is slowed to the key's rate, not ended. One token per request,
   * whatever it carries; no allocation.
   */
  requestOnCall(key: string): number {
    return this.rate.delay(key);
  }

  /** Holds one waiting pull of `key` until the returned function is called; RATE_LIMITED over the limit. */
  wait(key: string): () => void {
    return this.waits.acquire(key);
  }

  /**
   * Holds one open StreamingPull call of `key`, from the moment it opens until
   * `closeStream(key)`: one of its open calls (STREAMGATE_MAX_STREAMING_PULLS_PER_KEY) and
   * one of its waiting pulls (STREAMGATE_MAX_WAITING_PER_KEY), both or neither; RATE_LIMITED
   * over either. Nothing is held per call here (10,000 waiting calls): the caller closes once.
   */
  openStream(key: string): void {
    this.streams.take(key);
    try {
      this.waits.take(key);
    } catch (err) {
      this.streams.give(key);
      throw err;
    }
  }

  /** Gives back what `openStream(key)` took; call it once per call opened. */
  closeStream(key: string): void {
    this.waits.give(key);
    this.streams.give(key);
  }
}

/**
 * Whose budget a request spends: the API key's, or with auth off the client address's
 * (without its port, so one client's connections share one budget).
 */
export function callerKey(principal: Principal, address: string | undefined): string {
  return principal.anonymous ? `address:${address ?? 'unknown'}` : `key:${principal.name}`;
}
