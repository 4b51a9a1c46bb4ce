import { compileGlob, type GlobMatcher } from './glob.js';
import type { Scope } from './operations.js';

export interface GrantSpec {
  readonly scopes: readonly Scope[];
  /** Stream-name globs (Redis semantics, see glob.ts). */
  readonly streams: readonly string[];
}

interface CompiledGrant {
  readonly scopes: ReadonlySet<Scope>;
  readonly matchers: readonly GlobMatcher[];
}

/**
 * Who is calling: an API key (by its name in the keys file), or, when auth is off, the
 * anonymous caller, who may do everything inside the keyspace fence. Transports attach it
 * to the request (REST `request.principal`) or the call context (gRPC), so per-key limits
 * can key on `name`.
 */
export class Principal {
  private readonly compiled: readonly CompiledGrant[];

  private constructor(
    /** The key's name from the keys file; `anonymous` when auth is off. */
    readonly name: string,
    readonly anonymous: boolean,
    grants: readonly GrantSpec[],
  ) {
    this.compiled = grants.map((g) => ({ scopes: new Set(g.scopes), matchers: g.streams.map(compileGlob) }));
  }

  static key(name: string, grants: readonly GrantSpec[]): Principal {
    return new Principal(name, false, grants);
  }

  /** Auth off: every scope on every stream (the fence still applies). */
  static readonly ANONYMOUS = new Principal('anonymous', true, []);

  /** True when some grant gives `scope` on `stream`. */
  can(scope: Scope, stream: string): boolean {
    if (this.anonymous) return true;
    return this.compiled.some((g) => g.scopes.has(scope) && g.matchers.some((m) => m(stream)));
  }

  /** True when some grant, of any scope, covers `stream` (read-only information, listing). */
  seesStream(stream: string): boolean {
    if (this.anonymous) return true;
    return this.compiled.some((g) => g.matchers.some((m) => m(stream)));
  }
}
