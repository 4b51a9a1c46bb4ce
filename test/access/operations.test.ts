import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  type Client,
  type ClientDuplexStream,
  credentials,
  loadPackageDefinition,
  makeClientConstructor,
  type ServiceDefinition,
  type ServiceError,
  status,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import Fastify from 'fastify';
import { service as healthService } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATION_NAMES, isOperation } from '../../src/core/access/operations.js';
import { RPC_OPERATIONS } from '../../src/grpc/operations.js';
import { loadProto, SERVICE_NAME } from '../../src/grpc/proto.js';
import { API_PREFIX, registerAuth, routeTable } from '../../src/http/auth.js';
import { testCore } from '../helpers/core.js';
import { errorCode, type TestGrpc, testGrpc } from '../helpers/grpc.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { openPull } from '../grpc/streaming-support.js';
import { type KeyDef, tempDirs, writeKeys } from './support.js';

/**
 * No API route and no RPC goes without an operation of the one table, and with auth on
 * none of them answers a caller without a key; only the listed operational routes are open.
 */

const OPEN_ROUTES = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs', '/console'];
const isOpenRoute = (url: string) => OPEN_ROUTES.some((open) => url === open || url.startsWith(`${open}/`));

const KEY: KeyDef = { name: 'k', secret: 'k-secret', grants: [{ scopes: ['admin'], streams: ['*'] }] };
const newDir = tempDirs();
let env: Record<string, string>;
let t: TestApp;
let g: TestGrpc;
beforeAll(async () => {
  env = { STREAMGATE_AUTH_FILE: writeKeys(newDir(), [KEY]) };
  t = await testApp(env);
  g = await testGrpc(env);
  await t.app.ready();
});
afterAll(async () => {
  await t?.close();
  await g?.close();
});

describe('REST routes', () => {
  it('every route under /v1 names an operation of the table; the others are the open operational routes', () => {
    const routes = routeTable(t.app).filter((r) => r.method !== 'HEAD');
    const api = routes.filter((r) => r.url.startsWith(API_PREFIX) || r.url === '/v1/streams');
    expect(api.length).toBe(27);
    for (const r of api) expect(isOperation(r.operation), `${r.method} ${r.url}`).toBe(true);
    for (const r of routes.filter((x) => !api.includes(x))) {
      expect(isOpenRoute(r.url), `${r.method} ${r.url} is neither an API route nor a listed open route`).toBe(true);
      expect(r.operation).toBeUndefined();
    }
    // Each operation is reachable over REST, except StreamingPull (gRPC only).
    const used = new Set(api.map((r) => r.operation));
    expect(OPERATION_NAMES.filter((op) => !used.has(op))).toEqual(['streamingPull']);
  });

  it('every API route answers 401 without a key (and with a wrong one), before anything else', async () => {
    const routes = routeTable(t.app).filter((r) => r.operation !== undefined && r.method !== 'HEAD');
    for (const r of routes) {
      const url = r.url.replace(/:(\w+)/g, (_, name: string) => (name === 'id' ? '1-1' : `x${name}`));
      for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: KEY.secret }]) {
        const res = await t.app.inject({ method: r.method as 'GET', url, headers, ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { payload: {} }) });
        expect(res.statusCode, `${r.method} ${url} ${JSON.stringify(headers)}`).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(res.json().code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('the operational routes are open', async () => {
    for (const url of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      expect((await t.app.inject({ method: 'GET', url })).statusCode, url).toBe(200);
    }
  });

  it('an API route registered without an operation fails the build (fail closed)', async () => {
    const core = testCore();
    const app = Fastify();
    registerAuth(app, core);
    expect(() => app.get('/v1/forgotten', async () => 'open')).toThrow(/has no operation/);
    expect(() => app.get('/v1/typo', { config: { operation: 'publsh' as never } }, async () => 'x')).toThrow(/unknown operation/);
    await app.close();
    await core.close();
  });

  it('the OpenAPI document marks API operations secured, with their scope, and operational ones open', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { security?: unknown[]; 'x-streamgate-scope'?: string; responses: Record<string, unknown> }>>;
      components: { securitySchemes: Record<string, { type: string; scheme: string }> };
    };
    expect(Object.values(doc.components.securitySchemes)).toContainEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (path.startsWith('/v1')) {
          expect(op.security?.length, `${method} ${path}`).toBe(1);
          expect(['publish', 'consume', 'admin', 'any', 'none']).toContain(op['x-streamgate-scope']);
          expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
        } else {
          expect(op.security, `${method} ${path}`).toEqual([]);
        }
      }
    }
  });
});

describe('gRPC methods', () => {
  const rpcs = Object.keys(loadProto().definition[SERVICE_NAME] ?? {});

  it('every RPC of StreamGateway names an operation of the table, and every operation has an RPC', () => {
    expect(rpcs.length).toBeGreaterThan(20);
    expect(rpcs.sort()).toEqual(Object.keys(RPC_OPERATIONS).sort());
    for (const rpc of rpcs) expect(isOperation(RPC_OPERATIONS[rpc as keyof typeof RPC_OPERATIONS]), rpc).toBe(true);
    expect(new Set(Object.values(RPC_OPERATIONS))).toEqual(new Set(OPERATION_NAMES));
  });

  it('every unary RPC answers UNAUTHENTICATED without a key', async () => {
    for (const rpc of rpcs.filter((r) => r !== 'StreamingPull')) {
      const err = await g.call(rpc as never, { stream: 'x', group: 'g', consumer: 'c' }).then(
        () => null,
        (e: unknown) => e as ServiceError,
      );
      expect(err?.code, rpc).toBe(status.UNAUTHENTICATED);
      expect(errorCode(err), rpc).toBe('UNAUTHENTICATED');
    }
  });

  it('StreamingPull ends UNAUTHENTICATED without a key', async () => {
    const pull = openPull(g.client, { stream: 'x', group: 'g', consumer: 'c' });
    const end = await pull.ended;
    expect(end.code).toBe(status.UNAUTHENTICATED);
  });

  it('health and reflection stay open', async () => {
    const Health = makeClientConstructor(healthService as unknown as ServiceDefinition, 'grpc.health.v1.Health');
    const health = new Health(g.server.address, credentials.createInsecure()) as unknown as Client & {
      Check(req: object, cb: (err: ServiceError | null, res: { status: string }) => void): void;
    };
    const reply = await new Promise<{ status: string }>((resolve, reject) =>
      health.Check({ service: '' }, (err, res) => (err ? reject(err) : resolve(res))),
    );
    expect(reply.status).toBe('SERVING');
    health.close();

    const protoRoot = join(dirname(createRequire(import.meta.url).resolve('@grpc/reflection')), '../proto');
    const def = loadSync('grpc/reflection/v1/reflection.proto', { includeDirs: [protoRoot], keepCase: false });
    const pkg = loadPackageDefinition(def) as unknown as {
      grpc: { reflection: { v1: { ServerReflection: new (address: string, creds: unknown) => Client } } };
    };
    const reflection = new pkg.grpc.reflection.v1.ServerReflection(g.server.address, credentials.createInsecure()) as Client & {
      ServerReflectionInfo(): ClientDuplexStream<object, { listServicesResponse?: { service: { name: string }[] } }>;
    };
    const call = reflection.ServerReflectionInfo();
    const names = new Promise<string[]>((resolve, reject) => {
      call.on('data', (r: { listServicesResponse?: { service: { name: string }[] } }) =>
        resolve((r.listServicesResponse?.service ?? []).map((x) => x.name)),
      );
      call.on('error', reject);
    });
    call.write({ listServices: '*' });
    expect(await names).toContain(SERVICE_NAME);
    call.end();
    reflection.close();
  });
});
