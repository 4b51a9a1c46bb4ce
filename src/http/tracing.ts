import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { IncomingContext, RequestSpan, Tracing } from '../core/tracing.js';

/**
 * Tracing on (STREAMGATE_TRACING): a span per REST request, from its arrival to its
 * response, continuing the client's `traceparent`/`tracestate` headers; the route's handler
 * runs with it current, so the core's spans (publish, receive, Redis calls) are its
 * children. Registered only when tracing is on: with it off, no hook is added.
 */
const SPAN = Symbol('streamgate.span');

type Traced = FastifyRequest & { [SPAN]?: RequestSpan };

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);

export function incomingOf(req: FastifyRequest): IncomingContext {
  return { traceparent: first(req.headers.traceparent), tracestate: first(req.headers.tracestate) };
}

export function registerTracing(app: FastifyInstance, tracing: Tracing): void {
  app.addHook('onRequest', async (req: Traced) => {
    // The route's template (not the URL): one span name per route, whatever the stream.
    const route = req.routeOptions.url ?? 'unknown route';
    req[SPAN] = tracing.request('http', `${req.method} ${route}`, incomingOf(req), {
      'http.request.method': req.method,
      'http.route': route,
    });
  });
  app.addHook('onResponse', async (req: Traced, reply: FastifyReply) => {
    req[SPAN]?.end(reply.statusCode, reply.statusCode >= 500);
  });
  // A request whose connection closed before its response still ends its span.
  app.addHook('onRequestAbort', async (req: Traced) => {
    req[SPAN]?.end(499, false);
  });
  app.addHook('onRoute', (route) => {
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function traced(this: FastifyInstance, req: Traced, reply: FastifyReply) {
      const span = req[SPAN];
      return span ? span.run(() => handler.call(this, req, reply)) : handler.call(this, req, reply);
    } as RouteHandlerMethod;
  });
}
