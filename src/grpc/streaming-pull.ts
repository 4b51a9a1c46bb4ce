import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Core } from '../core/core.js';
import { defaultOptions } from '../contract/defaults.js';
import { GatewayError, invalid } from '../contract/errors.js';
import { messageBytes } from '../contract/packed-message.js';
import type { AckOutcomes, PullSession, PullSessionSink } from '../core/pull-session.js';
import type { Message } from '../contract/types.js';
import type { Principal } from '../core/access/principal.js';
import { admitted } from './admission.js';
import { authorizeCall } from './auth.js';
import { Undecodable } from './decoding.js';
import { AckResultsResponse, MessagesResponse } from './pull-encoding.js';
import type { GrpcMetrics } from './metrics.js';
import type { StreamingPullRequest__Output } from './generated/streamgate/v1/StreamingPullRequest.js';
import type { StreamingPullResponse } from './generated/streamgate/v1/StreamingPullResponse.js';
import { logFailure, toGrpcStatus } from './status.js';
import { tracedStreaming } from './tracing.js';

type Call = ServerDuplexStream<StreamingPullRequest__Output, StreamingPullResponse>;

/** What ActiveStreams holds of each open call. */
export interface OpenStream {
  /** Ends the call (leases released first) with `err`. */
  end(err: GatewayError): Promise<void>;
  /** Messages it has outstanding now. */
  readonly outstanding: number;
}

/** Open StreamingPull calls, so shutdown can end each with a retryable status after releasing its leases. */
export class ActiveStreams {
  private readonly open = new Set<OpenStream>();

  /** `metrics`: where the calls' per-ID results are counted (absent: not counted). */
  constructor(readonly metrics?: Pick<GrpcMetrics, 'results'>) {}

  add(stream: OpenStream): void {
    this.open.add(stream);
  }

  delete(stream: OpenStream): void {
    this.open.delete(stream);
  }

  get size(): number {
    return this.open.size;
  }

  /** Messages outstanding on the open streams (read at each /metrics scrape). */
  outstanding(): number {
    let n = 0;
    for (const s of this.open) n += s.outstanding;
    return n;
  }

  /** Ends every open stream (leases released first) with SHUTTING_DOWN (UNAVAILABLE). */
  async endAll(): Promise<void> {
    const err = new GatewayError('SHUTTING_DOWN', 'the server is shutting down; reconnect to another instance');
    await Promise.all([...this.open].map((s) => s.end(err)));
  }
}

/**
 * Payload bytes per response. One pull may read up to `max_outstanding_messages` messages at
 * once (each up to 1 MiB by default): sent as one response, such a batch goes past the 4 MiB
 * a gRPC client accepts per message by default, and the client fails the whole stream with
 * RESOURCE_EXHAUSTED. So a batch goes out in responses of about this size (one message at
 * least, so a single message above the client's limit still needs the client's limit raised).
 */
const RESPONSE_BYTES = 1024 * 1024;

/** Writes `messages` in responses of at most ~RESPONSE_BYTES; false when grpc-js's send buffer is full. */
function deliverInResponses(call: Call, messages: readonly Message[], pairsTotal: number): boolean {
  // Small enough as a whole (an ID is at most 41 characters): one response, sizes not summed again.
  if (pairsTotal + 41 * messages.length <= RESPONSE_BYTES) return call.write(new MessagesResponse(messages) as unknown as StreamingPullResponse);
  let ok = true;
  let batch: Message[] = [];
  let bytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    // A write that returns false is still buffered, never dropped: the session pauses after the batch.
    // Encoded by the method's serializer (pull-encoding.ts: withPullEncoding), straight from core values.
    ok = call.write(new MessagesResponse(batch) as unknown as StreamingPullResponse) && ok;
    batch = [];
    bytes = 0;
  };
  for (const m of messages) {
    const size = m.id.length + messageBytes(m);
    if (batch.length > 0 && bytes + size > RESPONSE_BYTES) flush();
    batch.push(m);
    bytes += size;
  }
  flush();
  return ok;
}

/**
 * Requests one call handles at once. The session runs them one after another anyway
 * (pull-session.ts, `serially`); a few in hand keep it busy while the next is decoded.
 */
const MAX_IN_FLIGHT = 4;

/** What every call of one server shares. */
interface Shared {
  readonly core: Core;
  readonly logger: Logger;
  readonly active: ActiveStreams;
}

/**
 * Each open call's state, found from grpc-js's call by the listeners below: one function per
 * event for every call, not a closure per call and event (10,000 waiting calls each hold
 * theirs). Properties added to the call itself would change the shape of an object grpc-js
 * touches for every message (metrics.ts).
 */
const calls = new WeakMap<Call, StreamingPullCall>();

function onData(this: Call, request: StreamingPullRequest__Output | Undecodable): void {
  calls.get(this)?.received(request);
}
// The client half-closed: it sends nothing more (no acks), so once the requests it sent
// are handled (Node may report the half-close while the pacer still holds one), its
// messages are released.
function onEnd(this: Call): void {
  calls.get(this)?.halfClosed();
}
function onGone(this: Call): void {
  calls.get(this)?.gone();
}
function onDrain(this: Call): void {
  calls.get(this)?.session?.drained();
}

/**
 * One StreamingPull call. The first request opens a core PullSession; every request's
 * acks, nacks, extensions and terms go to it, answered with per-ID results. grpc-js reports a
 * full send buffer by `write` returning false: deliveries then pause until 'drain'. The
 * stream ends when the client cancels or half-closes, on an error, or at server shutdown;
 * in every case the session is closed first, which releases the unacked messages.
 *
 * Requests are let in at the key's rate (STREAMGATE_RATE_LIMIT_RPS: one token per request,
 * whatever it carries) and at most MAX_IN_FLIGHT at a time. Past either, the call stops
 * being read (`pause`): grpc-js then stops asking HTTP/2 for the call's data, its
 * flow-control window closes, and the client's writes back up on the client. What the
 * gateway holds per call stays bounded (the requests in hand, the one waiting for a token
 * and the stream's small read-ahead: 16 decoded requests, then the HTTP/2 window) however
 * fast the client writes; nothing is refused, a fast client is only slowed.
 *
 * One object per call, its methods shared: no closure is made per call while it waits.
 */
class StreamingPullCall implements PullSessionSink, OpenStream {
  session: PullSession | null = null;
  /** Cancelled by the client: nothing more can be written. */
  private isGone = false;
  private ending: Promise<void> | null = null;
  private slotHeld = true;
  // The pacer: requests received and not yet handled (made when one must wait), those in hand.
  private waiting: StreamingPullRequest__Output[] | null = null;
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The first request is paid for by the call's admission (admission.ts), as a unary call's is. */
  private paid = true;
  private stopped = false;
  private idle: (() => void) | null = null;

  constructor(
    private readonly shared: Shared,
    private readonly call: Call,
    private readonly principal: Principal,
    private readonly caller: string,
  ) {}

  get outstanding(): number {
    return this.session?.outstandingCount ?? 0;
  }

  received(request: StreamingPullRequest__Output | Undecodable): void {
    if (request instanceof Undecodable) void this.end(request.toError());
    else this.push(request);
  }

  halfClosed(): void {
    void this.whenIdle().then(() => this.end());
  }

  gone(): void {
    this.isGone = true;
    void this.end();
  }

  // PullSessionSink
  deliver(messages: Message[], bytes: number): boolean {
    return deliverInResponses(this.call, messages, bytes);
  }

  ended(err?: unknown): void {
    void this.end(err);
  }

  end(err?: unknown): Promise<void> {
    this.ending ??= this.finish(err);
    return this.ending;
  }

  private async finish(err: unknown): Promise<void> {
    const { core, logger, active } = this.shared;
    active.delete(this);
    this.stopPacer();
    try {
      await this.session?.close();
    } finally {
      if (this.slotHeld) core.admission.closeStream(this.caller);
      this.slotHeld = false;
    }
    if (this.isGone) return;
    if (err === undefined) {
      this.call.end();
      return;
    }
    const status = toGrpcStatus(err);
    logFailure(logger, err, 'StreamingPull');
    this.call.emit('error', status);
  }

  private open(first: StreamingPullRequest__Output): PullSession {
    if (!first.stream || !first.group || !first.consumer) {
      throw invalid('the first StreamingPull request must name stream, group and consumer', 'stream');
    }
    const { core } = this.shared;
    authorizeCall(core, this.principal, 'streamingPull', first);
    const s = core.openPullSession(
      {
        stream: first.stream,
        group: first.group,
        consumer: first.consumer,
        maxOutstandingMessages: first.maxOutstandingMessages,
        maxOutstandingBytes: first.maxOutstandingBytes,
        maxLeaseExtensionMs: first.maxLeaseExtensionMs,
      },
      // Its waiting-pull slot was taken as the call opened (admission.openStream).
      this,
    );
    this.call.on('drain', onDrain);
    s.start();
    return s;
  }

  private async handle(request: StreamingPullRequest__Output): Promise<void> {
    // A request that arrives after the call ended (a refused first request, a cancel)
    // must not open a session nobody would close: it would keep leases and a wait slot.
    if (this.ending || this.isGone) return;
    this.session ??= this.open(request);
    const s = this.session;
    const work: Promise<AckOutcomes>[] = [];
    if (request.ackIds.length > 0) work.push(s.ack(request.ackIds));
    if (request.nackIds.length > 0) work.push(s.nack(request.nackIds, request.nackDelayMs ?? defaultOptions.nack.delayMs));
    if (request.extendIds.length > 0) work.push(s.extend(request.extendIds));
    if (request.termIds.length > 0) work.push(s.term(request.termIds, request.termReason));
    if (work.length === 0) return;
    const results = work.length === 1 ? [await work[0]!] : await Promise.all(work);
    this.shared.active.metrics?.results(results);
    if (!this.isGone && !this.ending) this.call.write(new AckResultsResponse(results) as unknown as StreamingPullResponse);
  }

  // The pacer.
  private push(request: StreamingPullRequest__Output): void {
    if (this.stopped) return;
    (this.waiting ??= []).push(request);
    this.pump();
  }

  /**
   * Resolves once every request received so far has been handled (or the pacer stopped): a
   * client that half-closes has its last acks honoured, at the key's rate, before the end.
   */
  private whenIdle(): Promise<void> {
    if (this.stopped || (!this.waiting?.length && this.inFlight === 0)) return Promise.resolve();
    return new Promise((resolve) => (this.idle = resolve));
  }

  /** The call ended: nothing more is handled. */
  private stopPacer(): void {
    this.stopped = true;
    this.waiting = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.settleIdle();
  }

  private settleIdle(): void {
    const idle = this.idle;
    this.idle = null;
    idle?.();
  }

  private pump(): void {
    const waiting = this.waiting;
    while (!this.stopped && this.timer === null && this.inFlight < MAX_IN_FLIGHT && waiting !== null && waiting.length > 0) {
      if (!this.paid) {
        // 0 when the next request may go, else ms until it may.
        const waitMs = this.shared.core.admission.requestOnCall(this.caller);
        if (waitMs > 0) {
          // Closures made when used, not held per call.
          this.timer = setTimeout(() => {
            this.timer = null;
            this.pump();
          }, waitMs);
          break;
        }
      }
      this.paid = false;
      this.inFlight++;
      this.handle(waiting.shift()!)
        .catch((err: unknown) => this.end(err))
        .then(() => {
          this.inFlight--;
          this.pump();
        });
    }
    if (this.stopped) return;
    const queued = this.waiting?.length ?? 0;
    // Nothing queued: no array held while the call waits.
    if (queued === 0) this.waiting = null;
    if (this.idle && queued === 0 && this.inFlight === 0) this.settleIdle();
    // Read on only when the next request could be handled at once.
    if (queued > 0 || this.inFlight >= MAX_IN_FLIGHT) this.call.pause();
    else if (this.call.isPaused()) this.call.resume();
  }
}

export function streamingPull(core: Core, logger: Logger, active: ActiveStreams): (call: Call) => void {
  const shared: Shared = { core, logger, active };
  // A refused call (admission.ts) ends before anything opens: no session, nothing
  // registered. Its status goes out once the handler has returned, as any other end's.
  const refuse = (err: unknown, call: Call): void => {
    const status = toGrpcStatus(err);
    logFailure(logger, err, 'StreamingPull');
    queueMicrotask(() => call.emit('error', status));
  };
  // The key is checked as the call opens; the operation once the first request names the
  // stream. A key revoked later (SIGHUP) does not end a stream already open.
  const handler = admitted<Call, undefined>(core, refuse, (call, _none, { principal, caller }) => {
    // From the moment it opens, before its first request, the call is one of its key's open
    // StreamingPull calls and waiting pulls (an idle call holds an HTTP/2 stream and memory
    // all the same), until it ends.
    try {
      core.admission.openStream(caller);
    } catch (err) {
      refuse(err, call);
      return;
    }
    const c = new StreamingPullCall(shared, call, principal, caller);
    calls.set(call, c);
    active.add(c);
    call.on('data', onData);
    call.on('end', onEnd);
    call.on('cancelled', onGone);
    call.on('error', onGone);
  });
  const plain = (call: Call) => handler(call, undefined);
  // Tracing on: the call inside its span (tracing.ts); off: the handler as it is.
  return core.tracing ? tracedStreaming(core.tracing, plain) : plain;
}
