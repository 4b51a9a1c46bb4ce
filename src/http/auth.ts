import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { accessTarget } from '../core/access/access.js';
import { isOperation, type Operation } from '../core/access/operations.js';
import { Principal } from '../core/access/principal.js';
import type { Core } from '../core/core.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The logical operation of an API route (src/core/access/operations.ts); routes without one are open. */
    operation?: Operation;
  }
  interface FastifyRequest {
    /**
     * The caller, set before validation on every route that has an operation (all of /v1):
     * an API key, or the anonymous principal when auth is off. null on open routes.
     */
    principal: Principal | null;
  }
}

/** Only these prefixes may hold routes; every route under API_PREFIX must name an operation. */
export const API_PREFIX = '/v1/';

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  readonly operation: Operation | undefined;
}

const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route of the app with its operation (for the test that no API route goes without one). */
export const routeTable = (app: FastifyInstance): readonly RouteEntry[] => routeTables.get(app) ?? [];

/**
 * Authentication and authorization of REST routes, from the route's `config.operation`:
 * the key is checked on request (401 before the body is even parsed), the operation once
 * params and body are validated (403), both by the core's AccessControl, as gRPC does.
 * Must be registered before the routes. `hooks` false (STREAMGATE_BENCH_DISABLE=auth, for
 * benchmarks only): every caller is the anonymous principal and nothing is checked per request.
 */
export function registerAuth(app: FastifyInstance, core: Core, hooks = true): void {
  const { access } = core;
  const table: RouteEntry[] = [];
  routeTables.set(app, table);

  if (hooks) app.decorateRequest('principal', null);
  else app.decorateRequest('principal', { getter: () => Principal.ANONYMOUS });

  app.addHook('onRoute', (route) => {
    const operation: unknown = route.config?.operation;
    if (operation !== undefined && !isOperation(operation)) {
      throw new Error(`route ${route.url} names an unknown operation ${String(operation)}`);
    }
    // Fail closed: an API route that forgot its operation would otherwise be open.
    if (route.url.startsWith(API_PREFIX) && operation === undefined) {
      throw new Error(`route ${String(route.method)} ${route.url} has no operation in its config`);
    }
    for (const method of [route.method].flat()) table.push({ method, url: route.url, operation });
    // The hooks belong to the routes that have an operation, which they close over: open
    // routes run none, and no request pays for looking its route's config up. Callback
    // hooks (not async): no promise and no microtask per request. Added here, before the
    // rate-limit plugin's own onRoute adds its onRequest hook, so the caller is named first.
    if (hooks && operation !== undefined) {
      route.onRequest = [...hookList(route.onRequest), authenticateHook(access)];
      // No keys and no fence (fixed for the life of the AccessControl) and no body logging:
      // the preHandler would have nothing to do, so the route goes without it.
      if (!access.unrestricted || core.config.logBodies) route.preHandler = [...hookList(route.preHandler), authorizeHook(core, operation)];
    }
  });
}

type Hook = (req: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => void;

function hookList<T>(hooks: T | T[] | undefined): T[] {
  if (hooks === undefined) return [];
  return Array.isArray(hooks) ? hooks : [hooks];
}

/** Names the caller (401 before the body is even read). */
function authenticateHook(access: Core['access']): Hook {
  return (req, _reply, done) => {
    try {
      req.principal = access.authenticate(req.headers.authorization);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  };
}

/** Checks the operation once params and body are validated (403). */
function authorizeHook(core: Core, operation: Operation): Hook {
  const { access } = core;
  const logBodies = core.config.logBodies;
  return (req, _reply, done) => {
    const principal = req.principal;
    if (principal !== null) {
      if (logBodies && req.body !== undefined) req.log.debug({ operation, body: req.body }, 'request body');
      if (!access.unrestricted) {
        try {
          access.authorize(principal, operation, accessTarget(operation, sources(req)));
        } catch (err) {
          done(err as Error);
          return;
        }
      }
    }
    done();
  };
}

function sources(req: FastifyRequest): { stream?: unknown; deadLetterStream?: unknown; trim?: unknown } {
  const params = (req.params ?? {}) as { stream?: unknown };
  const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { deadLetterStream?: unknown; trim?: unknown };
  return { stream: params.stream, deadLetterStream: body.deadLetterStream, trim: body.trim };
}

/** The caller of an API route (always set there: the onRequest hook ran or the request failed). */
export function principalOf(req: FastifyRequest): Principal {
  if (req.principal === null) throw new Error(`no principal on ${req.url}: the route has no operation`);
  return req.principal;
}
