/**
 * Requests per second per key, as a token bucket: a key may send `burst` requests at once,
 * then `rps` a second. One instance serves both transports (REST through the
 * @fastify/rate-limit store adapter, gRPC directly), so a key has one budget whichever way
 * it calls. Buckets live in this process only: with N gateway instances behind a balancer a
 * key gets up to N times the rate, which is the usual trade for not paying a Redis round
 * trip per request.
 */

export interface RateDecision {
  readonly allowed: boolean;
  /** Whole requests the key may still send at once. */
  readonly remaining: number;
  /** When refused: how long until one request would be allowed. */
  readonly retryAfterMs: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

const ALLOWED_UNLIMITED: RateDecision = Object.freeze({ allowed: true, remaining: Number.MAX_SAFE_INTEGER, retryAfterMs: 0 });

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** The bucket size; a bucket refilled to it is the same as no bucket. */
  readonly burst: number;

  /**
   * @param rps requests per second per key; 0 turns limiting off
   * @param burst requests a key may send at once (0: same as rps, at least 1)
   * @param maxKeys buckets kept; beyond it the least recently used are dropped (a dropped
   *        key starts again with a full bucket, so this errs on the side of allowing)
   */
  constructor(
    readonly rps: number,
    burst: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.burst = Math.max(1, burst > 0 ? burst : Math.ceil(rps));
  }

  get enabled(): boolean {
    return this.rps > 0;
  }

  /** Takes one token of `key`'s bucket when there is one. */
  take(key: string): RateDecision {
    if (!this.enabled) return ALLOWED_UNLIMITED;
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens), retryAfterMs: 0 };
    }
    return { allowed: false, remaining: 0, retryAfterMs: this.wait(bucket) };
  }

  /**
   * `take` for a hot path (each request on an open StreamingPull): takes one token and
   * returns 0, or takes nothing and returns the milliseconds until a token is there (at
   * least 1). Allocates nothing.
   */
  delay(key: string): number {
    if (!this.enabled) return 0;
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, this.wait(bucket));
  }

  private wait(bucket: Bucket): number {
    return Math.ceil(((1 - bucket.tokens) * 1000) / this.rps);
  }

  /** `key`'s bucket, refilled for the time since it was last used, most recently used now. */
  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.rps) / 1000);
      bucket.at = now;
      // Re-inserted so the Map's order is least recently used first.
      this.buckets.delete(key);
    } else {
      bucket = { tokens: this.burst, at: now };
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  get size(): number {
    return this.buckets.size;
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
