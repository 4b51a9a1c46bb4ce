import { type Metadata, type ServerDuplexStream, type handleUnaryCall, status as grpcStatus } from '@grpc/grpc-js';
import type { IncomingContext, Tracing } from '../core/tracing.js';

/**
 * Tracing on (STREAMGATE_TRACING): a span per RPC, continuing the client's `traceparent`
 * and `tracestate` metadata; the handler (and, for StreamingPull, every event of the call)
 * runs with it current, so the core's spans are its children. The service applies these
 * wrappers only when tracing is on: with it off, handlers are unchanged.
 */

/** Codes that are the server's failure (OpenTelemetry's RPC conventions); others are the client's. */
const SERVER_FAULTS: ReadonlySet<number> = new Set([
  grpcStatus.UNKNOWN,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.UNIMPLEMENTED,
  grpcStatus.INTERNAL,
  grpcStatus.UNAVAILABLE,
  grpcStatus.DATA_LOSS,
]);

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('latin1') : undefined);

export function incomingOf(metadata: Metadata): IncomingContext {
  return { traceparent: text(metadata.get('traceparent')[0]), tracestate: text(metadata.get('tracestate')[0]) };
}

const codeOf = (err: unknown): number => {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : grpcStatus.UNKNOWN;
};

const attributes = (rpc: string) => ({ 'rpc.system': 'grpc', 'rpc.service': 'streamgate.v1.StreamGateway', 'rpc.method': rpc });

/** A unary handler inside its RPC's span, ended with the status it answers. */
export function tracedUnary<Req, Res>(tracing: Tracing, rpc: string, handler: handleUnaryCall<Req, Res>): handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const span = tracing.request('rpc', `streamgate.v1.StreamGateway/${rpc}`, incomingOf(call.metadata), attributes(rpc));
    span.run(() =>
      handler(call, (err, value, trailer, flags) => {
        const code = err ? codeOf(err) : grpcStatus.OK;
        span.end(code, SERVER_FAULTS.has(code));
        callback(err, value, trailer, flags);
      }),
    );
  };
}

/**
 * StreamingPull inside one span for the whole call (each delivered batch is a receive span
 * inside it, made by the core), ended with the call's status.
 */
export function tracedStreaming<Req, Res>(tracing: Tracing, handler: (call: ServerDuplexStream<Req, Res>) => void): (call: ServerDuplexStream<Req, Res>) => void {
  return (call) => {
    const span = tracing.request('rpc', 'streamgate.v1.StreamGateway/StreamingPull', incomingOf(call.metadata), attributes('StreamingPull'));
    const end = (code: number) => span.end(code, SERVER_FAULTS.has(code));
    call.once('finish', () => end(grpcStatus.OK));
    call.once('error', (err: unknown) => end(codeOf(err)));
    call.once('cancelled', () => end(grpcStatus.CANCELLED));
    // Listeners added from here on (the handler's) run inside the span.
    span.bind(call);
    span.run(() => handler(call));
  };
}
