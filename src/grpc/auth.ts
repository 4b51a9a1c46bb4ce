import type { Metadata } from '@grpc/grpc-js';
import { accessTarget } from '../core/access/access.js';
import type { Operation } from '../core/access/operations.js';
import type { Principal } from '../core/access/principal.js';
import { callerKey } from '../core/admission.js';
import type { Core } from '../core/core.js';

/** What a handler knows about its call beyond the request: who made it. */
export interface CallContext {
  /** The API key of the call, or the anonymous principal when auth is off. */
  readonly principal: Principal;
  /** Whose per-key limits the call spends (core/admission.ts callerKey). */
  readonly caller: string;
}

/** The client's address without its port, from grpc-js's `getPeer()` (`1.2.3.4:5`, `[::1]:5`). */
export function peerAddress(peer: string): string {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(peer);
  if (bracketed?.[1]) return bracketed[1];
  const plain = /^([^:]+):\d+$/.exec(peer);
  return plain?.[1] ?? peer;
}

/** Peers remembered per principal before their keys are worked out afresh (a bound on memory, not on correctness). */
const PEERS_KEPT = 1024;
const callerKeys = new WeakMap<Principal, Map<string, string>>();

/**
 * The caller's admission key: the API key, or with auth off the peer's address. A pure
 * function of the principal and the peer, remembered for both (no regex and no string built
 * per call of a connection already seen).
 */
export function callerOf(principal: Principal, peer: string): string {
  let byPeer = callerKeys.get(principal);
  if (byPeer === undefined) callerKeys.set(principal, (byPeer = new Map()));
  let key = byPeer.get(peer);
  if (key === undefined) {
    if (byPeer.size >= PEERS_KEPT) byPeer.clear();
    key = callerKey(principal, peerAddress(peer));
    byPeer.set(peer, key);
  }
  return key;
}

/** The `authorization` metadata (`Bearer <key>`), as REST's header. */
function authorizationOf(metadata: Metadata): string | undefined {
  const value = metadata.get('authorization')[0];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value.toString('utf8');
}

/** Authenticates the caller from the metadata: UNAUTHENTICATED when auth is on and the key is missing or wrong. */
export const authenticateCall = (core: Core, metadata: Metadata): Principal => core.access.authenticate(authorizationOf(metadata));

/** Authorizes `operation` on the request's stream (and dead-letter stream): PERMISSION_DENIED otherwise. */
export function authorizeCall(core: Core, principal: Principal, operation: Operation, request: object): void {
  if (core.access.unrestricted) return;
  core.access.authorize(principal, operation, accessTarget(operation, request));
}
