import type { Principal } from './access/principal.js';
import type { Limits } from '../contract/limits.js';
import { GatewayError } from '../contract/errors.js';
import { RateLimiter } from './rate-limiter.js';
import { WaitQuota } from './wait-quota.js';

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
 * (STREAMGATE_RATE_LIMIT_RPS / _BURST) and concurrent waiting pulls
 * (STREAMGATE_MAX_WAITING_PER_KEY). A "key" is an API key; with auth off, the client's
 * address (`callerKey`).
 */
export class Admission {
  readonly rate: RateLimiter;
  readonly waits: WaitQuota;

  constructor(limits: Pick<Limits, 'rateLimitRps' | 'rateLimitBurst' | 'maxWaitingPerKey'>) {
    this.rate = new RateLimiter(limits.rateLimitRps, limits.rateLimitBurst);
    this.waits = new WaitQuota(limits.maxWaitingPerKey);
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

  /** Holds one waiting pull of `key` until the returned function is called; RATE_LIMITED over the limit. */
  wait(key: string): () => void {
    return this.waits.acquire(key);
  }
}

/**
 * Whose budget a request spends: the API key's, or with auth off the client address's
 * (without its port, so one client's connections share one budget).
 */
export function callerKey(principal: Principal, address: string | undefined): string {
  return principal.anonymous ? `address:${address ?? 'unknown'}` : `key:${principal.name}`;
}
