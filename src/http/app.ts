import { type SecureContextOptions, Server as TlsServer } from 'node:tls';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CancelScope } from '../contract/cancel.js';
import type { Core } from '../core/core.js';
import { GatewayError } from '../contract/errors.js';
import { registerAuth } from './auth.js';
import { registerRateLimit } from './rate-limit.js';
import { registerTracing } from './tracing.js';
import { capConnections } from '../core/connection-cap.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS, serverTimeouts } from './connections.js';
import type { RouteContext } from './context.js';
import { registerJsonBodyParser } from './json-body.js';
import { registerHttpMetrics } from './metrics.js';
import { QuietRequestLog, lazyRequestLogger } from './request-log.js';
import { swaggerOptions } from './openapi.js';
import { withConfiguredLimits } from './openapi-limits.js';
import { echoedUrl, sendProblem } from './problem.js';
import { answerClientError, registerRawAnswers } from './raw-answers.js';
import { validatorCompiler } from './validation.js';
import { registerConsole } from './console.js';
import { consumeRoutes } from './routes/consume.js';
import { consumerRoutes } from './routes/consumers.js';
import { deadLetterRoutes } from './routes/dead-letters.js';
import { groupRoutes } from './routes/groups.js';
import { messageRoutes } from './routes/messages.js';
import { opsRoutes } from './routes/ops.js';
import { pendingRoutes } from './routes/pending.js';
import { streamRoutes } from './routes/streams.js';

export interface HttpDeps {
  readonly core: Core;
  /** pino logger to use; false (default) for none. */
  readonly logger?: FastifyBaseLogger | false;
  /** Serve HTTPS with it (and follow its reloads); absent: plain HTTP. */
  readonly tls?: TlsSource | undefined;
  /** Request timeout and connection cap (connections.ts); absent: their defaults. */
  readonly connections?: ConnectionLimits | undefined;
}

/** Encoded stream names can be long (512 bytes, up to 3 URL characters each). */
const MAX_PARAM_LENGTH = 4096;

/** Server TLS that may be replaced while running (runtime/tls.ts ServerTls is one). */
export interface TlsSource {
  readonly requireClientCert: boolean;
  readonly current: SecureContextOptions;
  onReload(listener: (context: SecureContextOptions) => void): () => void;
}

function httpsOptions(tls: TlsSource) {
  const require = tls.requireClientCert;
  return { ...tls.current, requestCert: require, rejectUnauthorized: require };
}

/** Builds the REST app without listening (main.ts listens; tests use inject or port 0). */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const { core, tls } = deps;
  // Empty unless a benchmark measures what each feature costs (STREAMGATE_BENCH_DISABLE).
  const off = core.config.benchDisable;
  const connections = deps.connections ?? DEFAULT_CONNECTION_LIMITS;
  const timeouts = serverTimeouts(connections);
  const app = Fastify({
    ...(tls ? { https: { ...httpsOptions(tls), ...timeouts.node } } : { http: timeouts.node }),
    ...timeouts.fastify,
    ...(deps.logger ? { loggerInstance: deps.logger, childLoggerFactory: lazyRequestLogger } : { logger: false }),
    bodyLimit: core.config.limits.maxBodyBytes,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    logController: new QuietRequestLog(off.has('request-log') ? { disableRequestLogging: true } : undefined),
    // A graceful close lets in-flight requests end; idle keep-alive sockets need not wait.
    forceCloseConnections: 'idle',
    // A URL that cannot be decoded (`%ZZ`, `%ED%A0%80`) or a path parameter over
    // maxParamLength fails inside the router, before any route: without this hook Fastify
    // answers its own application/json body, not a problem with a contract code.
    frameworkErrors: (err, req, reply) => sendProblem(req, reply, err),
    clientErrorHandler: answerClientError,
  });
  registerRawAnswers(app);
  capConnections([app.server], connections.maxConnections, 'REST', deps.logger || undefined);
  registerJsonBodyParser(app, core.config.limits);
  app.setValidatorCompiler(off.has('validation') ? () => (value) => ({ value }) : validatorCompiler);
  // Responses are built by our handlers from typed core results; the response schemas
  // document them (and a test checks them against the OpenAPI document), so serialising
  // needs no second validation on the hot path.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
  app.setNotFoundHandler((req, reply) =>
    sendProblem(req, reply, new GatewayError('NOT_FOUND', `no route for ${req.method} ${echoedUrl(req.url.split('?')[0]!)}`)),
  );

  // Tracing on: a span per request, its handler run inside it (before any route: onRoute wraps them).
  if (core.tracing) registerTracing(app, core.tracing);
  // Before any route (the swagger plugins' included), so every route passes its onRoute check.
  registerAuth(app, core, !off.has('auth'));
  if (!off.has('rate-limit')) await registerRateLimit(app, core);

  // Every pull in progress is in it (routes/consume.ts), and ends when the server closes.
  const closing = new CancelScope();
  app.addHook('preClose', async () => closing.abort());
  if (tls) {
    const unsubscribe = tls.onReload((context) => {
      // https.Server is a tls.Server; Fastify types app.server as the plain http.Server.
      if (app.server instanceof TlsServer) app.server.setSecureContext(context);
    });
    app.addHook('onClose', async () => void unsubscribe());
  }

  const { transformObject } = swaggerOptions;
  await app.register(swagger, {
    ...swaggerOptions,
    ...(transformObject ? { transformObject: (input) => withConfiguredLimits(transformObject(input), core.config.limits) } : {}),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  registerConsole(app, core);
  if (!off.has('metrics')) registerHttpMetrics(app, core.metrics.registry);

  const zapp = app.withTypeProvider<ZodTypeProvider>();
  const ctx: RouteContext = { core, closing };
  for (const routes of [opsRoutes, streamRoutes, messageRoutes, groupRoutes, consumerRoutes, consumeRoutes, pendingRoutes, deadLetterRoutes]) {
    routes(zapp, ctx);
  }
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}
