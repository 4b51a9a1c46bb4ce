import type { Metadata } from '@grpc/grpc-js';
import { accessTarget } from '../core/access/access.js';
import type { Operation } from '../core/access/operations.js';
import type { Principal } from '../core/access/principal.js';
import type { Core } from '../core/core.js';

/** What a handler knows about its call beyond the request: who made it. */
export interface CallContext {
  /** The API key of the call, or the anonymous principal when auth is off. */
  readonly principal: Principal;
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
