import { z } from 'zod';
import type { RouteContext, ZodApp } from '../context.js';

const Status = z.object({ status: z.enum(['ok', 'unavailable']) });

export function opsRoutes(app: ZodApp, { core }: RouteContext): void {
  app.get('/healthz', {
    schema: {
      operationId: 'checkLiveness',
      tags: ['operations'],
      summary: 'Liveness',
      description: 'The process is up (does not look at Redis).',
      response: { 200: Status.meta({ examples: [{ status: 'ok' }] }) },
    },
    handler: async () => ({ status: 'ok' as const }),
  });

  app.get('/readyz', {
    schema: {
      operationId: 'checkReadiness',
      tags: ['operations'],
      summary: 'Readiness',
      description: '200 when Redis answers PING within a second, else 503 (not connected, or too slow).',
      response: { 200: Status.meta({ examples: [{ status: 'ok' }] }), 503: Status.meta({ examples: [{ status: 'unavailable' }] }) },
    },
    handler: async (_req, reply) => {
      const ok = await core.ping();
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
    },
  });

  app.get('/metrics', {
    schema: {
      operationId: 'getMetrics',
      tags: ['operations'],
      summary: 'Prometheus metrics',
      description:
        'REST and gRPC request counts and latencies, message counters (published, delivered, acked, nacked, dead-lettered), StreamingPull gauges, Redis errors by code, process metrics, and per-group metrics (lag, pending, oldest pending idle, consumers, stale consumers, dead-letter and stream length) for the streams STREAMGATE_METRICS_STREAMS names.',
      produces: ['text/plain'],
      response: { 200: z.string().meta({ examples: ['streamgate_http_requests_total{route="/healthz",method="GET",status="200"} 1'] }) },
    },
    handler: async (_req, reply) => {
      const registry = core.metrics.registry;
      return reply.type(registry.contentType).send(await registry.metrics());
    },
  });
}
