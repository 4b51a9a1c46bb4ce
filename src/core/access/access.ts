import { createHash, timingSafeEqual } from 'node:crypto';
import type { CoreConfig } from '../config.js';
import { GatewayError, messageOf } from '../../contract/errors.js';
import { NameRules } from '../../contract/names.js';
import { Fence, UncheckedFence } from './fence.js';
import { type ApiKey, readKeysFile } from './keys-file.js';
import { type Operation, OPERATIONS, type Requirement, SCOPES, type Scope } from './operations.js';
import { Principal } from './principal.js';

/** What an operation touches, as far as access is concerned. */
export interface AccessTarget {
  readonly stream?: string;
  /** A dead-letter stream the request sets in a group policy. */
  readonly deadLetterStream?: string;
  /** The request also trims the stream (publish with `trim`). */
  readonly trims?: boolean;
}

export type ReloadOutcome =
  | { readonly status: 'reloaded'; readonly keys: number; readonly file: string }
  | { readonly status: 'failed'; readonly error: string; readonly file: string }
  | { readonly status: 'disabled' };

const BEARER = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * API keys and the keyspace fence: the one place that decides who may do what, for both
 * transports. With no keys file auth is off: every caller is Principal.ANONYMOUS. The fence
 * applies either way.
 */
export class AccessControl {
  private keys: readonly ApiKey[];

  constructor(
    readonly fence: Fence,
    /** The keys file; undefined: auth off. */
    readonly file: string | undefined,
  ) {
    // A bad file at start throws (KeysFileError): the gateway must not start half-secured.
    this.keys = file === undefined ? [] : readKeysFile(file);
  }

  static fromConfig(config: Pick<CoreConfig, 'streams' | 'authFile' | 'limits' | 'benchDisable'>): AccessControl {
    // The unchecked fence exists for the benchmark's ablation (STREAMGATE_BENCH_DISABLE) only.
    const FenceClass = config.benchDisable.has('fence') ? UncheckedFence : Fence;
    return new AccessControl(new FenceClass(config.streams, new NameRules(config.limits)), config.authFile);
  }

  get enabled(): boolean {
    return this.file !== undefined;
  }

  /** Number of keys loaded. */
  get keyCount(): number {
    return this.keys.length;
  }

  /**
   * No keys and no fence: authorize() can have nothing to refuse that the core would not
   * refuse anyway, so transports may skip it.
   */
  get unrestricted(): boolean {
    return !this.enabled && this.fence.allowsAll;
  }

  /**
   * Re-reads the keys file (SIGHUP). A file that cannot be read or is invalid leaves the
   * keys in force unchanged: a typo while editing must not lock every client out.
   */
  reload(): ReloadOutcome {
    if (this.file === undefined) return { status: 'disabled' };
    try {
      this.keys = readKeysFile(this.file);
      return { status: 'reloaded', keys: this.keys.length, file: this.file };
    } catch (err) {
      return { status: 'failed', error: messageOf(err), file: this.file };
    }
  }

  /**
   * The principal of a request from its `Authorization` header (REST) or `authorization`
   * metadata (gRPC): `Bearer <key>`. UNAUTHENTICATED when auth is on and it is missing,
   * malformed or unknown.
   */
  authenticate(authorization: string | undefined): Principal {
    if (!this.enabled) return Principal.ANONYMOUS;
    if (authorization === undefined || authorization === '') {
      throw new GatewayError('UNAUTHENTICATED', 'an API key is required: send Authorization: Bearer <key>');
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new GatewayError('UNAUTHENTICATED', 'credentials must be sent as Authorization: Bearer <key>');
    const principal = this.lookup(token);
    if (!principal) throw new GatewayError('UNAUTHENTICATED', 'unknown API key');
    return principal;
  }

  /**
   * Compares the presented key's sha256 with every stored hash in constant time, without
   * stopping at a match, so timing tells nothing about which hash (or how much of it) matched.
   */
  private lookup(token: string): Principal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest) && found === undefined) found = key.principal;
    }
    return found;
  }

  /**
   * Throws unless `principal` may perform `operation` on `target`: VALIDATION_FAILED for a
   * malformed stream name, PERMISSION_DENIED for a stream outside the fence or outside the
   * key's grants.
   */
  authorize(principal: Principal, operation: Operation, target: AccessTarget): void {
    const spec = OPERATIONS[operation];
    if (spec.requires === 'none') return;
    const stream = target.stream ?? '';
    this.fence.check(stream);
    if (!allowed(principal, spec.requires, stream)) {
      throw new GatewayError('PERMISSION_DENIED', `API key "${principal.name}" ${lacks(spec.requires)} on stream "${stream}"`);
    }
    if ('trimRequires' in spec && target.trims === true && !principal.can(spec.trimRequires, stream)) {
      throw new GatewayError(
        'PERMISSION_DENIED',
        `API key "${principal.name}" lacks the ${spec.trimRequires} scope on stream "${stream}", which publishing with trim needs (it deletes entries)`,
      );
    }
    const dlq = target.deadLetterStream;
    if ('deadLetterStream' in spec && dlq !== undefined) {
      this.fence.check(dlq, 'deadLetterStream');
      if (!principal.can('admin', dlq)) {
        throw new GatewayError(
          'PERMISSION_DENIED',
          `API key "${principal.name}" lacks the admin scope on the dead-letter stream "${dlq}"`,
        );
      }
    }
  }

  /**
   * The scopes `principal` may use on `stream` (the fence applied: none outside it, and none
   * for a name that is not a valid stream name). For the web console, which disables the
   * buttons a key may not press; the API still checks every call.
   */
  scopesOn(principal: Principal, stream: string): Scope[] {
    try {
      this.fence.check(stream);
    } catch {
      return [];
    }
    return SCOPES.filter((scope) => principal.can(scope, stream));
  }

  /** ListStreams: a stream is listed when it is inside the fence and the key has some grant on it. */
  visibleTo(principal: Principal): (stream: string) => boolean {
    return (stream) => this.fence.allows(stream) && principal.seesStream(stream);
  }
}

function allowed(principal: Principal, requires: Exclude<Requirement, 'none'>, stream: string): boolean {
  return requires === 'any' ? principal.seesStream(stream) : principal.can(requires, stream);
}

const lacks = (requires: Exclude<Requirement, 'none'>): string =>
  requires === 'any' ? 'has no grant' : `lacks the ${requires} scope`;

/**
 * What a transport passes to authorize(): the stream, the dead-letter stream when the
 * operation can set one, and whether it trims (a `trim` present, not null: proto3 leaves an
 * unset message field null).
 */
export function accessTarget(
  operation: Operation,
  source: { readonly stream?: unknown; readonly deadLetterStream?: unknown; readonly trim?: unknown },
): AccessTarget {
  const spec = OPERATIONS[operation];
  const stream = typeof source.stream === 'string' ? source.stream : undefined;
  const dlq = 'deadLetterStream' in spec && typeof source.deadLetterStream === 'string' ? source.deadLetterStream : undefined;
  const trims = 'trimRequires' in spec && source.trim !== undefined && source.trim !== null;
  return { stream, ...(dlq === undefined ? {} : { deadLetterStream: dlq }), ...(trims ? { trims } : {}) };
}
