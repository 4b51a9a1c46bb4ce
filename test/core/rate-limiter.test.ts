import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/core/rate-limiter.js';
import { WaitQuota } from '../../src/core/wait-quota.js';

describe('RateLimiter (token bucket per key)', () => {
  const clock = () => {
    let t = 0;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it('allows a burst, then rps a second, per key', () => {
    const c = clock();
    const rl = new RateLimiter(10, 5, 100, c.now);
    const first = Array.from({ length: 6 }, () => rl.take('a'));
    expect(first.map((d) => d.allowed)).toEqual([true, true, true, true, true, false]);
    expect(first[4]?.remaining).toBe(0);
    // 10 a second: one token every 100 ms.
    expect(first[5]?.retryAfterMs).toBe(100);
    expect(rl.take('b').allowed).toBe(true);
    c.advance(99);
    expect(rl.take('a').allowed).toBe(false);
    c.advance(1);
    expect(rl.take('a').allowed).toBe(true);
    expect(rl.take('a').allowed).toBe(false);
    // Idle for long: the bucket refills to the burst, never beyond.
    c.advance(60_000);
    expect(Array.from({ length: 6 }, () => rl.take('a').allowed).filter(Boolean)).toHaveLength(5);
  });

  it('over a long run admits rps a second whatever the request rate', () => {
    const c = clock();
    const rl = new RateLimiter(50, 50, 100, c.now);
    let allowed = 0;
    for (let ms = 0; ms < 10_000; ms++) {
      if (rl.take('k').allowed) allowed++;
      if (rl.take('k').allowed) allowed++;
      c.advance(1);
    }
    // 50 at once plus 50/s for 10 s.
    expect(allowed).toBeGreaterThanOrEqual(549);
    expect(allowed).toBeLessThanOrEqual(551);
  });

  it('rps 0 is off; burst 0 means one second of rps', () => {
    const off = new RateLimiter(0, 0);
    expect(off.enabled).toBe(false);
    expect(Array.from({ length: 1000 }, () => off.take('x').allowed).every(Boolean)).toBe(true);
    expect(off.size).toBe(0);
    expect(new RateLimiter(20, 0).burst).toBe(20);
    expect(new RateLimiter(0.5, 0).burst).toBe(1);
  });

  it('keeps at most maxKeys buckets, dropping the least recently used', () => {
    const c = clock();
    const rl = new RateLimiter(1, 1, 3, c.now);
    for (const k of ['a', 'b', 'c']) expect(rl.take(k).allowed).toBe(true);
    expect(rl.take('a').allowed).toBe(false); // a is now the most recently used
    expect(rl.take('d').allowed).toBe(true); // evicts b
    expect(rl.size).toBe(3);
    expect(rl.take('a').allowed).toBe(false); // a kept its empty bucket
    expect(rl.take('b').allowed).toBe(true); // b starts again, full
  });
});

describe('WaitQuota (concurrent waiting pulls per key)', () => {
  it('refuses the key over its limit with RATE_LIMITED, others unaffected', () => {
    const q = new WaitQuota(2);
    const r1 = q.acquire('k');
    q.acquire('k');
    expect(() => q.acquire('k')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    expect(() => q.acquire('other')).not.toThrow();
    r1();
    r1(); // a second release is a no-op, not a second slot
    expect(q.waiting('k')).toBe(1);
    expect(() => q.acquire('k')).not.toThrow();
    expect(() => q.acquire('k')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
  });

  it('forgets keys with no waiters, and 0 means unlimited', () => {
    const q = new WaitQuota(1);
    q.acquire('a')();
    expect(q.keys).toBe(0);
    const free = new WaitQuota(0);
    for (let i = 0; i < 1000; i++) free.acquire('a');
    expect(free.waiting('a')).toBe(1000);
  });
});
