import type { InputPair } from '../contract/limits.js';
import type { Message } from '../contract/types.js';

/**
 * Tracing (STREAMGATE_TRACING): the rules, written once for both transports. Nothing here
 * loads OpenTelemetry: the spans are made by `tracing-otel.ts`, imported only when tracing
 * is on (`openTracing`), so with tracing off no `@opentelemetry/*` module is ever loaded and
 * the services only test `tracing === null`.
 *
 * - A span per REST request and per RPC (the transports start it with `request`, handing
 *   over the client's `traceparent`/`tracestate`, which it continues when valid).
 * - A child span per Redis call (the adapter's Backend.call, through `redisCall`).
 * - Publish: a `publish <stream>` span (producer), whose W3C context is written into each
 *   message, in the field named by STREAMGATE_TRACE_FIELD (`field`), and its tracestate,
 *   when there is one, in `stateField`. A message that already has a field of that name
 *   keeps its own (the client's) and gets nothing added.
 * - Delivery (REST pull, gRPC Pull, each StreamingPull batch): a `receive <stream>` span
 *   (consumer) linking to the publish span of every delivered message that carries one
 *   (one link per distinct context), child of the request's span.
 */

/** The W3C trace context a client sent: REST headers, gRPC metadata (first value of each). */
export interface IncomingContext {
  readonly traceparent?: string | undefined;
  readonly tracestate?: string | undefined;
}

/** A W3C trace context read from a traceparent (and tracestate). */
export interface TraceContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly tracestate?: string | undefined;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZERO = /^0+$/;

/**
 * A W3C `traceparent` (Trace Context, level 1): version 00 exactly, a later version with
 * what follows ignored; null when invalid (version ff, all-zero IDs, not lowercase hex).
 */
export function parseTraceparent(traceparent: string | undefined, tracestate?: string): TraceContext | null {
  if (traceparent === undefined) return null;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined) || ALL_ZERO.test(m[2]!) || ALL_ZERO.test(m[3]!)) return null;
  const context = { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16) };
  return tracestate === undefined || tracestate === '' ? context : { ...context, tracestate };
}

/** The traceparent of a context (version 00). */
export function formatTraceparent(c: TraceContext): string {
  return `00-${c.traceId}-${c.spanId}-${(c.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span of one REST request or RPC. */
export interface RequestSpan {
  /** Runs `fn` with this span current: spans made meanwhile (Redis calls, publish...) are its children. */
  run<T>(fn: () => T): T;
  /** Makes the listeners of `emitter` added from now on run with this span current (a streaming call's events). */
  bind<E extends NodeJS.EventEmitter>(emitter: E): E;
  /** Ends it: `status` is the HTTP status or gRPC code; `failed` marks it as an error. */
  end(status: number, failed: boolean): void;
}

export type RequestKind = 'http' | 'rpc';

/** What tracing-otel.ts provides: the spans themselves. */
export interface SpanFactory {
  /** A server span, child of `parent` (the client's context) or a new trace. */
  request(kind: RequestKind, name: string, parent: TraceContext | null, attributes: Readonly<Record<string, string>>): RequestSpan;
  /** A client span around one Redis call (child of the current span). */
  redisCall<T>(what: string, stream: string, call: () => Promise<T>): Promise<T>;
  /** Runs `fn` inside a producer span, handing it that span's context (null when it has no valid one). */
  publish<T>(stream: string, count: number, fn: (context: TraceContext | null) => Promise<T>): Promise<T>;
  /** Records a consumer span from `startedAt` to now, linked to each of `links`. */
  receive(stream: string, group: string, count: number, links: readonly TraceContext[], startedAt: number): void;
}

/** `traceparent` → `tracestate`; `x-traceparent` → `x-tracestate`; `trace` → `trace-state`. */
export function stateFieldOf(field: string): string {
  return field.endsWith('parent') ? `${field.slice(0, -'parent'.length)}state` : `${field}-state`;
}

/** Most links one receive span gets (distinct producer contexts; the SDK caps links at 128 too). */
export const MAX_LINKS = 128;

export class Tracing {
  /** Field of the tracestate, beside `field` (stateFieldOf). */
  readonly stateField: string;

  constructor(
    /** STREAMGATE_TRACE_FIELD: the field holding the publish span's traceparent. */
    readonly field: string,
    private readonly spans: SpanFactory,
  ) {
    this.stateField = stateFieldOf(field);
  }

  /** The span of one REST request or RPC, continuing `incoming` when it is a valid W3C context. */
  request(kind: RequestKind, name: string, incoming: IncomingContext, attributes: Readonly<Record<string, string>> = {}): RequestSpan {
    const tracestate = incoming.tracestate;
    return this.spans.request(kind, name, parseTraceparent(incoming.traceparent, tracestate), attributes);
  }

  /** For the adapter (Backend's CallTracer): one span per Redis call. */
  readonly redisCall = <T>(what: string, stream: string, call: () => Promise<T>): Promise<T> => this.spans.redisCall(what, stream, call);

  /**
   * Runs `write` inside the publish span with the messages carrying its context: each gets
   * the field (and the tracestate field when the context has a tracestate), unless it has a
   * field of that name already.
   */
  publish<M extends { readonly pairs: readonly InputPair[] }, T>(stream: string, messages: readonly M[], write: (stamped: M[]) => Promise<T>): Promise<T> {
    return this.spans.publish(stream, messages.length, (context) => {
      if (context === null) return write([...messages]);
      const traceparent = formatTraceparent(context);
      return write(messages.map((m) => this.stamp(m, traceparent, context.tracestate)));
    });
  }

  private stamp<M extends { readonly pairs: readonly InputPair[] }>(m: M, traceparent: string, tracestate: string | undefined): M {
    const field = this.field;
    if (m.pairs.some(([name]) => name === field)) return m;
    const pairs: InputPair[] = [...m.pairs, [field, traceparent]];
    if (tracestate !== undefined && tracestate !== '') pairs.push([this.stateField, tracestate]);
    return { ...m, pairs };
  }

  /** After a pull delivered `messages` (none: no span): the receive span, linked to their publish spans. */
  received(stream: string, group: string, messages: readonly Message[], startedAt: number): void {
    if (messages.length === 0) return;
    this.spans.receive(stream, group, messages.length, this.linksOf(messages), startedAt);
  }

  /** The distinct valid contexts the messages carry (the field's first occurrence; its tracestate field beside it), at most MAX_LINKS. */
  linksOf(messages: readonly Message[]): TraceContext[] {
    const seen = new Map<string, TraceContext>();
    for (const m of messages) {
      let traceparent: string | undefined;
      let tracestate: string | undefined;
      for (const [name, value] of m.pairs ?? []) {
        if (traceparent === undefined && name === this.field) traceparent = value.toString('latin1');
        else if (tracestate === undefined && name === this.stateField) tracestate = value.toString('latin1');
      }
      if (traceparent === undefined || seen.has(traceparent)) continue;
      const context = parseTraceparent(traceparent, tracestate);
      if (context === null) continue;
      seen.set(traceparent, context);
      if (seen.size === MAX_LINKS) break;
    }
    return [...seen.values()];
  }
}

/**
 * Tracing with the OpenTelemetry API: spans go to whatever tracer provider is registered
 * (the runtime starts the Node SDK, tests register their own). The only import of
 * OpenTelemetry from the core, and a dynamic one.
 */
export async function openTracing(field: string): Promise<Tracing> {
  const { OtelSpans } = await import('./tracing-otel.js');
  return new Tracing(field, new OtelSpans());
}
