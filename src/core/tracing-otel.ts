import {
  type Attributes,
  type Context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  context,
  createTraceState,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import type { RequestKind, RequestSpan, SpanFactory, TraceContext } from './tracing.js';

/**
 * The spans of tracing.ts, made with the OpenTelemetry API on the registered tracer
 * provider. Imported only when tracing is on (tracing.ts `openTracing`): nothing else in
 * the code base imports OpenTelemetry, so with tracing off none of it is loaded.
 */

const remote = (c: TraceContext) => ({
  traceId: c.traceId,
  spanId: c.spanId,
  traceFlags: c.traceFlags,
  isRemote: true,
  ...(c.tracestate === undefined ? {} : { traceState: safeTraceState(c.tracestate) }),
});

function safeTraceState(value: string) {
  try {
    return createTraceState(value);
  } catch {
    return undefined;
  }
}

/** `work`'s outcome, with `span` ended when it settles (marked failed on an error). */
function endWith<T>(span: Span, work: Promise<T>): Promise<T> {
  return work.then(
    (value) => {
      span.end();
      return value;
    },
    (err: unknown) => {
      fail(span, err);
      span.end();
      throw err;
    },
  );
}

function fail(span: Span, err: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

export class OtelSpans implements SpanFactory {
  /** A proxy: spans go to whichever provider is registered when they are made. */
  private readonly tracer = trace.getTracer('streamgate');

  request(kind: RequestKind, name: string, parent: TraceContext | null, attributes: Readonly<Record<string, string>>): RequestSpan {
    const base = parent === null ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, remote(parent));
    const span = this.tracer.startSpan(name, { kind: SpanKind.SERVER, attributes: attributes as Attributes }, base);
    const active: Context = trace.setSpan(base, span);
    let ended = false;
    return {
      run: (fn) => context.with(active, fn),
      bind: (emitter) => context.bind(active, emitter),
      end: (status, failed) => {
        if (ended) return;
        ended = true;
        span.setAttribute(kind === 'http' ? 'http.response.status_code' : 'rpc.grpc.status_code', status);
        if (failed) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    };
  }

  redisCall<T>(what: string, stream: string, call: () => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(`redis ${what}`, {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'redis', 'db.operation.name': what, 'streamgate.stream': stream },
    });
    return endWith(span, call());
  }

  publish<T>(stream: string, count: number, fn: (context: TraceContext | null) => Promise<T>): Promise<T> {
    const span = this.tracer.startSpan(`publish ${stream}`, {
      kind: SpanKind.PRODUCER,
      attributes: { 'messaging.system': 'redis', 'messaging.operation.type': 'send', 'messaging.destination.name': stream, 'messaging.batch.message_count': count },
    });
    const sc = span.spanContext();
    const own: TraceContext | null = isSpanContextValid(sc)
      ? { traceId: sc.traceId, spanId: sc.spanId, traceFlags: sc.traceFlags, tracestate: sc.traceState?.serialize() }
      : null;
    return endWith(span, context.with(trace.setSpan(context.active(), span), () => fn(own)));
  }

  receive(stream: string, group: string, count: number, links: readonly TraceContext[], startedAt: number): void {
    const span = this.tracer.startSpan(`receive ${stream}`, {
      kind: SpanKind.CONSUMER,
      startTime: startedAt,
      links: links.map((c): Link => ({ context: remote(c) })),
      attributes: {
        'messaging.system': 'redis',
        'messaging.operation.type': 'receive',
        'messaging.destination.name': stream,
        'messaging.consumer.group.name': group,
        'messaging.batch.message_count': count,
      },
    });
    span.end();
  }
}
