import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Core } from '../core/core.js';

export interface HttpDeps {
  readonly core: Core;
  /** pino logger to use; false (default) for none. */
  readonly logger?: FastifyBaseLogger | false;
}

/** Builds the REST app without listening (main.ts listens; tests use inject or port 0). */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify(deps.logger ? { loggerInstance: deps.logger } : { logger: false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const ok = await deps.core.ping();
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  });
  return app;
}
