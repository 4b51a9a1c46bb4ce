import { type Client, Metadata, credentials } from '@grpc/grpc-js';
import { context, propagation, trace } from '@opentelemetry/api';
import { node, tracing as sdk } from '@opentelemetry/sdk-node';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { type Core, createCore } from '../../src/core/core.js';
import { openTracing } from '../../src/core/tracing.js';
import type { StreamGatewayClient } from '../../src/grpc/generated/streamgate/v1/StreamGateway.js';
import { loadProto } from '../../src/grpc/proto.js';
import { type GrpcGateway, startGrpcServer } from '../../src/grpc/server.js';
import { buildHttpApp } from '../../src/http/app.js';
import { redisUrl, testConfig } from '../helpers/core.js';

/**
 * A traced gateway in the test process: an OpenTelemetry tracer provider with an in-memory
 * exporter (registered globally, with the AsyncLocalStorage context manager, as the Node
 * SDK does), a core with tracing on, REST listening and gRPC on 127.0.0.1.
 */
export interface TracedGateway {
  readonly exporter: sdk.InMemorySpanExporter;
  readonly core: Core;
  readonly app: FastifyInstance;
  readonly url: string;
  readonly server: GrpcGateway;
  readonly client: StreamGatewayClient;
  /** A unary RPC with optional metadata. */
  call<Res>(method: string, request: object, metadata?: Metadata): Promise<Res>;
  close(): Promise<void>;
}

export async function tracedGateway(field = 'traceparent'): Promise<TracedGateway> {
  const exporter = new sdk.InMemorySpanExporter();
  const provider = new node.NodeTracerProvider({ spanProcessors: [new sdk.SimpleSpanProcessor(exporter)] });
  provider.register();
  const core = createCore(testConfig({ GRPC_PORT: '0' }), redisUrl(), { tracing: await openTracing(field) });
  const app = await buildHttpApp({ core });
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const server = await startGrpcServer(core, { host: '127.0.0.1', port: 0, logger: pino({ level: 'silent' }) });
  const { grpc } = loadProto();
  const client = new grpc.streamgate.v1.StreamGateway(server.address, credentials.createInsecure());
  return {
    exporter,
    core,
    app,
    url,
    server,
    client,
    call<Res>(method: string, request: object, metadata = new Metadata()): Promise<Res> {
      const fn = (client as unknown as Record<string, (req: object, md: Metadata, cb: (err: Error | null, res: Res) => void) => void>)[method]!;
      return new Promise((resolve, reject) => fn.call(client, request, metadata, (err, res) => (err ? reject(err) : resolve(res))));
    },
    async close() {
      (client as unknown as Client).close();
      await server.shutdown(2000);
      await app.close();
      await core.close();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

export type Span = sdk.ReadableSpan;

/** Prints spans as an indented tree (parent → children, by start time), links shown under each span. */
export function traceTree(spans: readonly Span[]): string {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of spans) {
    const parent = s.parentSpanContext?.spanId;
    if (parent !== undefined && byId.has(parent)) children.set(parent, [...(children.get(parent) ?? []), s]);
    else roots.push(s);
  }
  const ms = (s: Span) => s.startTime[0] * 1e3 + s.startTime[1] / 1e6;
  const lines: string[] = [];
  const show = (s: Span, depth: number) => {
    const c = s.spanContext();
    const parent = s.parentSpanContext && !byId.has(s.parentSpanContext.spanId) ? ` (parent ${s.parentSpanContext.spanId}, remote)` : '';
    lines.push(`${'  '.repeat(depth)}${s.name} [trace ${c.traceId.slice(0, 8)} span ${c.spanId}]${parent}`);
    for (const l of s.links) lines.push(`${'  '.repeat(depth + 1)}↳ link to span ${l.context.spanId} of trace ${l.context.traceId.slice(0, 8)}`);
    for (const k of (children.get(c.spanId) ?? []).sort((a, b) => ms(a) - ms(b))) show(k, depth + 1);
  };
  for (const r of roots.sort((a, b) => ms(a) - ms(b))) show(r, 0);
  return lines.join('\n');
}
