import { type ServerInterceptingCall, type ServerInterceptor, status as grpcStatus } from '@grpc/grpc-js';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { CounterSeries, HistogramSeries } from '../core/metric-series.js';
import type { AckOutcomes } from '../core/pull-session.js';

/**
 * gRPC metrics: calls by method and status code with their durations, open StreamingPull
 * calls and the messages outstanding on them, and StreamingPull acks, nacks, extends and
 * terms by result.
 *
 * A call is counted when its HTTP/2 stream closes, with the status the gateway sent, or
 * CANCELLED when it sent none (the client cancelled: how most StreamingPull calls end).
 * Per call: one clock read, a small state object and two closures (a 'close' listener on
 * grpc-js's stream and the call's sendStatus wrapped in place; no property is added to
 * grpc-js's objects, see below), and one update of a series found in nested maps
 * (metric-series: no label hashing). The stream is grpc-js's private `stream` of the call the first
 * interceptor is handed; test/metrics/transport-metrics.test.ts fails if an upgrade moves it.
 */

const CODE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(grpcStatus)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => [v as number, k]),
);

interface Series {
  readonly count: CounterSeries;
  readonly time: HistogramSeries;
}

interface Tracked {
  on(event: 'close', fn: () => void): unknown;
  readonly closed?: boolean;
  readonly destroyed?: boolean;
}

/** One call's state, kept in the interceptor's closures: grpc-js's and node's objects get no new properties. */
interface CallState {
  readonly method: string;
  readonly start: number;
  code: number | undefined;
}

export interface GrpcMetrics {
  /** The server interceptor that counts and times every call (after contractStatusCodes). */
  readonly interceptor: ServerInterceptor;
  /** Counts a StreamingPull request's per-ID results, one series step per operation and result. */
  results(outcomes: readonly AckOutcomes[]): void;
  /** Reports the open StreamingPull calls and their outstanding messages, read at each scrape. */
  observeStreams(stats: () => { open: number; outstanding: number }): void;
}

export function createGrpcMetrics(registry: Registry, methods: readonly string[]): GrpcMetrics {
  const calls = new Counter({
    name: 'streamgate_grpc_calls_total',
    help: 'gRPC calls ended, by method and status code (CANCELLED: the client cancelled, the server sent no status).',
    labelNames: ['method', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'streamgate_grpc_call_duration_seconds',
    help: 'gRPC call duration, from its start to its end (waiting pulls and whole StreamingPull calls included), by method and status code.',
    labelNames: ['method', 'code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800],
    registers: [registry],
  });
  const operations = new Counter({
    name: 'streamgate_grpc_streaming_pull_operations_total',
    help: 'Per-ID results of StreamingPull acks, nacks, extends and terms, by operation and result (ok, or not_pending: acked already or the lease was lost).',
    labelNames: ['operation', 'result'],
    registers: [registry],
  });
  // Known methods only: grpc-js answers an unknown path itself, but a label never carries a client's string.
  const known = new Set(methods);
  /** By path (no string made per call), then status code; unknown paths share one entry. */
  const byPath = new Map<string, Map<number, Series>>();
  const seriesOf = (path: string, code: number): Series => {
    const key = known.has(path) ? path : '';
    let byCode = byPath.get(key);
    if (byCode === undefined) byPath.set(key, (byCode = new Map()));
    let s = byCode.get(code);
    if (s === undefined) {
      const method = key === '' ? 'unknown' : key.slice(key.lastIndexOf('/') + 1);
      const labels = { method, code: CODE_NAMES[code] ?? String(code) };
      s = { count: new CounterSeries(calls, labels), time: new HistogramSeries(duration, labels) };
      byCode.set(code, s);
    }
    return s;
  };

  function closed(state: CallState): void {
    const s = seriesOf(state.method, state.code ?? grpcStatus.CANCELLED);
    s.count.inc();
    s.time.observe((performance.now() - state.start) / 1000);
  }

  // Properties added to the HTTP/2 stream or the call (expandos) changed the shape of objects
  // grpc-js and node touch for every message, and cost StreamingPull about a microsecond per
  // message (bench/results A/B, issue 10): the state lives in closures instead, and the one
  // sendStatus the call already has of its own (contractStatusCodes) is wrapped in place.
  const interceptor: ServerInterceptor = (method, call) => {
    const c = call as ServerInterceptingCall & { stream?: Tracked };
    const stream = c.stream;
    if (stream !== undefined && typeof stream.on === 'function') {
      const state: CallState = { method: method.path, start: performance.now(), code: undefined };
      // 'close' comes once: `on`, without the wrapper `once` makes per call.
      stream.on('close', () => closed(state));
      const next = c.sendStatus;
      c.sendStatus = function sendStatusCounted(this: ServerInterceptingCall, status) {
        // A status after the client cancelled goes nowhere (grpc-js drops it): the call stays CANCELLED.
        if (state.code === undefined && !stream.closed && !stream.destroyed) state.code = status.code;
        next.call(this, status);
      };
    }
    return call as ServerInterceptingCall;
  };

  const opSeries = new Map<string, CounterSeries>();
  const opOf = (operation: string, ok: boolean): CounterSeries => {
    const key = ok ? operation : `${operation}\u0000`;
    let s = opSeries.get(key);
    if (s === undefined) opSeries.set(key, (s = new CounterSeries(operations, { operation, result: ok ? 'ok' : 'not_pending' })));
    return s;
  };

  return {
    interceptor,
    results(outcomes) {
      // One step per operation and result.
      for (const { operation, ids, notOk } of outcomes) {
        let failed = 0;
        if (notOk !== null) for (let i = 0; i < ids.length; i++) failed += notOk[i]!;
        if (failed < ids.length) opOf(operation, true).inc(ids.length - failed);
        if (failed > 0) opOf(operation, false).inc(failed);
      }
    },
    observeStreams(stats) {
      new Gauge({
        name: 'streamgate_grpc_streaming_pulls',
        help: 'Open StreamingPull calls.',
        registers: [registry],
        collect() {
          this.set(stats().open);
        },
      });
      new Gauge({
        name: 'streamgate_grpc_streaming_pull_outstanding_messages',
        help: 'Messages delivered on open StreamingPull calls and not yet acked, nacked or released.',
        registers: [registry],
        collect() {
          this.set(stats().outstanding);
        },
      });
    },
  };
}
