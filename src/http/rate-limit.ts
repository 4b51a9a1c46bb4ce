import rateLimit, { type FastifyRateLimitStore } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { RateLimited, callerKey } from '../core/admission.js';
import type { Core } from '../core/core.js';
import type { RateLimiter } from '../core/rate-limiter.js';

/**
 * Requests per second per key on REST through @fastify/rate-limit (its headers, its hook),
 * spending the core's token buckets, the same ones gRPC spends: one budget per key whichever
 * transport it calls. Open routes (probes, metrics, docs) are never limited. Registered after
 * registerAuth, whose onRequest hook names the caller first; a no-op when
 * STREAMGATE_RATE_LIMIT_RPS is 0.
 */
export async function registerRateLimit(app: FastifyInstance, core: Core): Promise<void> {
  const limiter = core.admission.rate;
  if (!limiter.enabled) return;
  await app.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: limiter.burst,
    timeWindow: 1000,
    store: storeOf(limiter),
    // Open routes have no principal; API routes always have one by now (or were refused).
    allowList: (req) => req.principal === null,
    keyGenerator: (req) => (req.principal ? callerKey(req.principal, req.ip) : ''),
    errorResponseBuilder: (_req, ctx) =>
      new RateLimited(ctx.ttl, `over ${limiter.rps} requests per second for this key (STREAMGATE_RATE_LIMIT_RPS); retry in ${ctx.ttl} ms`),
  });
}

/**
 * The plugin's store interface over a token bucket: `current` above `max` refuses; `ttl` is
 * when the next request would pass (refused) or the bucket is full again (allowed), which the
 * plugin turns into Retry-After and x-ratelimit-reset.
 */
function storeOf(limiter: RateLimiter) {
  return class CoreBucketStore implements FastifyRateLimitStore {
    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void): void {
      const d = limiter.take(key);
      if (!d.allowed) {
        callback(null, { current: limiter.burst + 1, ttl: d.retryAfterMs });
        return;
      }
      const spent = limiter.burst - d.remaining;
      callback(null, { current: spent, ttl: Math.ceil((spent * 1000) / limiter.rps) });
    }

    child(): FastifyRateLimitStore {
      return this;
    }
  };
}
