import type { Metadata } from '@grpc/grpc-js';
import type { Principal } from '../core/access/principal.js';
import type { Core } from '../core/core.js';
import { authenticateCall, type CallContext, callerOf } from './auth.js';

/**
 * The admission of every call, unary or streaming, written once: the caller is
 * authenticated from the `authorization` metadata (UNAUTHENTICATED), named (its API key,
 * or with auth off its address) and counted against that key's request rate
 * (RATE_LIMITED), before the handler runs. A refused call goes to `refuse` and never
 * reaches the handler. The RPC's operation is authorized later, once the request is known
 * (unary.ts; StreamingPull on its first request).
 *
 * grpc-js calls a unary handler with (call, callback) and a streaming one with (call):
 * `Extra` is the callback, or nothing.
 */
/** What admission reads of any grpc-js call. */
interface AnyCall {
  readonly metadata: Metadata;
  getPeer(): string;
}

/**
 * A call's context. With no request rate configured (STREAMGATE_RATE_LIMIT_RPS 0, the
 * default) nothing is counted, and the caller's key is worked out only when a handler asks
 * (waiting pulls, StreamingPull quotas; synchronously, while the call is admitted): most
 * calls never need the peer's address (grpc-js builds it per call from the socket).
 */
class Context implements CallContext {
  constructor(
    readonly principal: Principal,
    private readonly call: AnyCall,
    private key: string | undefined,
  ) {}

  get caller(): string {
    return (this.key ??= callerOf(this.principal, this.call.getPeer()));
  }
}

export function admitted<Call extends AnyCall, Extra>(
  core: Core,
  refuse: (err: unknown, call: Call, extra: Extra) => void,
  handler: (call: Call, extra: Extra, ctx: CallContext) => void,
): (call: Call, extra: Extra) => void {
  // Fixed for the gateway's life: a rate of 0 admits every request of every key.
  const counted = core.admission.rate.enabled;
  return (call, extra) => {
    let ctx: CallContext;
    try {
      const principal = authenticateCall(core, call.metadata);
      let caller: string | undefined;
      if (counted) {
        caller = callerOf(principal, call.getPeer());
        core.admission.request(caller);
      }
      ctx = new Context(principal, call, caller);
    } catch (err) {
      refuse(err, call, extra);
      return;
    }
    handler(call, extra, ctx);
  };
}
