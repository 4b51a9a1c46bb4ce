import { Counter, Histogram, type Registry } from 'prom-client';
import type { FastifyInstance } from 'fastify';

/**
 * Request counts and latencies by route template (never the raw URL: stream names would
 * make the label set unbounded), method and status.
 *
 * Each request is observed once, in the histogram. The request counter holds, by
 * construction, the histogram's `_count` for the same labels, so it is filled from it when
 * scraped instead of counted again per request (prom-client's inc and observe each
 * validate and hash the labels: about a microsecond per request each).
 */
export function registerHttpMetrics(app: FastifyInstance, registry: Registry): void {
  const labelNames = ['route', 'method', 'status'] as const;
  const durationName = 'streamgate_http_request_duration_seconds';
  const duration = new Histogram({
    name: durationName,
    help: 'HTTP request latency (long polls included), by route, method and status.',
    labelNames,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const countName = `${durationName}_count`;
  new Counter({
    name: 'streamgate_http_requests_total',
    help: 'HTTP requests served, by route, method and status.',
    labelNames,
    registers: [registry],
    async collect() {
      const { values } = await duration.get();
      this.reset();
      for (const v of values) if (v.metricName === countName) this.inc(v.labels, v.value);
    },
  });
  app.addHook('onResponse', (req, reply, done) => {
    const labels = {
      route: req.routeOptions.url ?? 'unmatched',
      method: req.method,
      status: String(reply.statusCode),
    };
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
