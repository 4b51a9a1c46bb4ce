// HTTP load from Node (undici): the closed-loop fallback when wrk is absent, and the
// open-loop sender of the fixed-rate latency figures.
import { Pool } from 'undici';
import type { LoadResult, WrkRequest } from './cload.js';
import { percentile, workers } from './stats.js';

function poolFor(url: string, connections: number): { pool: Pool; path: string } {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: 30_000, bodyTimeout: 30_000 });
  return { pool, path: u.pathname + u.search };
}

/** `connections` requests in flight for `seconds` (what wrk does, from Node). */
export async function closedLoop(req: WrkRequest, connections: number, seconds: number): Promise<LoadResult> {
  const { pool, path } = poolFor(req.url, connections);
  const headers = { 'content-type': req.contentType, ...req.headers };
  let ok = 0;
  let errors = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  try {
    await workers(connections, async () => {
      if (performance.now() >= until) return false;
      try {
        const res = await pool.request({ path, method: 'POST', headers, body: req.body });
        await res.body.dump();
        if (res.statusCode >= 200 && res.statusCode < 300) ok++;
        else errors++;
      } catch {
        errors++;
      }
      return true;
    });
  } finally {
    await pool.close();
  }
  const secs = (performance.now() - t0) / 1000;
  return { ok, seconds: secs, rate: ok / secs, errors, raw: '' };
}

export interface OpenLoopResult {
  readonly rate: number;
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  /** How late (ms, p99) the sender itself was at sending: large means the sender lagged. */
  readonly sendLagP99: number;
}

/**
 * Open loop: request i is due at t0 + i / rate, whatever happened to the earlier ones, and
 * its latency runs from that due time (not from when it was sent), so a stall shows in the
 * latency instead of hiding it (no coordinated omission). Up to `connections` sockets.
 */
export async function openLoop(req: WrkRequest, rate: number, seconds: number, connections = 64): Promise<OpenLoopResult> {
  const { pool, path } = poolFor(req.url, connections);
  const headers = { 'content-type': req.contentType, ...req.headers };
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  const lags: number[] = [];
  let ok = 0;
  let errors = 0;
  const pending: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  const send = (due: number) => {
    lags.push(performance.now() - due);
    return pool
      .request({ path, method: 'POST', headers, body: req.body })
      .then(async (res) => {
        await res.body.dump();
        latencies.push(performance.now() - due);
        if (res.statusCode >= 200 && res.statusCode < 300) ok++;
        else errors++;
      })
      .catch(() => void errors++);
  };
  try {
    let i = 0;
    while (i < total) {
      const now = performance.now();
      // Everything due by now goes out at once; the next tick is at most 1 ms away.
      while (i < total && t0 + (i * 1000) / rate <= now) {
        pending.push(send(t0 + (i * 1000) / rate));
        i++;
      }
      const next = t0 + (i * 1000) / rate - performance.now();
      await new Promise((r) => (next > 1 ? setTimeout(r, Math.min(next, 5) - 0.5) : setImmediate(r)));
    }
    await Promise.all(pending);
  } finally {
    await pool.close();
  }
  return { rate, sent: total, ok, errors, p50: percentile(latencies, 50), p99: percentile(latencies, 99), sendLagP99: percentile(lags, 99) };
}
