import { Counter, Histogram, type Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';
import { CounterSeries, HistogramSeries } from './metric-series.js';

interface Series {
  readonly count: CounterSeries;
  readonly time: HistogramSeries;
}

/**
 * Request counts and latencies by route template (never the raw URL: stream names would
 * make the label set unbounded), method and status.
 *
 * The labelled series are looked up once per route, method and status and kept, updated
 * without prom-client hashing their labels on every call (metric-series.ts): route
 * templates, methods and statuses are each a small fixed set, so the cache is bounded by
 * the series /metrics shows.
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const requests = new Counter({
    name: 'streamgate_http_requests_total',
    help: 'HTTP requests served, by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'streamgate_http_request_duration_seconds',
    help: 'HTTP request latency (long polls included), by route, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  /** route template → method → status → its series (nested: no key string built per request). */
  const byRoute = new Map<string, Map<string, Map<number, Series>>>();
  const seriesOf = (route: string, method: string, status: number): Series => {
    let byMethod = byRoute.get(route);
    if (byMethod === undefined) byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) {
      const labels = { route, method, status: String(status) };
      series = { count: new CounterSeries(requests, labels), time: new HistogramSeries(duration, labels) };
      byStatus.set(status, series);
    }
    return series;
  };
  // A callback hook: no promise per request.
  app.addHook('onResponse', (req, reply, done) => {
    const series = seriesOf(req.routeOptions.url ?? 'unmatched', req.method, reply.statusCode);
    series.count.inc();
    series.time.observe(reply.elapsedTime / 1000);
    done();
  });
}
