import { GatewayError } from '../../contract/errors.js';
import { isGatewayKey } from '../../redis/keys.js';
import { NameRules } from '../../contract/names.js';
import { compileGlob, type GlobMatcher } from './glob.js';

/**
 * The keyspace fence (STREAMGATE_STREAMS): the only stream names the gateway ever touches.
 * Checked in the core before any Redis call about a stream, whichever transport asked and
 * whoever the caller is; keys the gateway derives itself (group policies, idempotency
 * records) are internal and not subject to it.
 */
export class Fence {
  private readonly matchers: readonly GlobMatcher[];
  /** Default `*`: no pattern to match on the hot path (the gateway's own keys are still refused). */
  readonly allowsAll: boolean;

  constructor(
    readonly patterns: readonly string[],
    /** Stream-name syntax, checked before the fence (VALIDATION_FAILED comes first). */
    readonly names: NameRules = new NameRules(),
  ) {
    this.matchers = patterns.map(compileGlob);
    this.allowsAll = patterns.some((p) => /^\*+$/.test(p));
  }

  /** Never true for the gateway's own keys (keys.ts isGatewayKey), whatever the patterns. */
  allows(stream: string): boolean {
    return (this.allowsAll || this.matchers.some((m) => m(stream))) && !isGatewayKey(stream);
  }

  /** Refuses (PERMISSION_DENIED) a stream outside the fence. */
  assert(stream: string, what = 'stream'): void {
    if (isGatewayKey(stream)) {
      throw new GatewayError('PERMISSION_DENIED', `${what} "${stream}" is a key of the gateway itself, not a stream it serves`);
    }
    if (!this.allows(stream)) {
      throw new GatewayError('PERMISSION_DENIED', `${what} "${stream}" is outside the keyspace this gateway serves (STREAMGATE_STREAMS)`);
    }
  }

  /**
   * Refuses (PERMISSION_DENIED) a group's dead-letter stream outside the fence: a pull or a
   * term learns it from the script and must not write there.
   */
  assertDeadLetter(deadLetterStream: string, group: string): void {
    if (!this.allows(deadLetterStream)) {
      throw new GatewayError(
        'PERMISSION_DENIED',
        `the dead-letter stream "${deadLetterStream}" of group "${group}" is outside the keyspace this gateway serves (STREAMGATE_STREAMS): set a deadLetterStream inside it`,
      );
    }
  }

  /** A valid stream name inside the fence (VALIDATION_FAILED, then PERMISSION_DENIED). */
  check(stream: string, what = 'stream'): void {
    this.names.stream(stream, what);
    this.assert(stream, what);
  }

  /**
   * A group's request: `check(stream)`, then the group name and, when given, the consumer
   * name (VALIDATION_FAILED), in that order.
   */
  checkGroup(stream: string, group: string, consumer?: string): void {
    this.check(stream);
    this.names.group(group);
    if (consumer !== undefined) this.names.consumer(consumer);
  }

  /** The one pattern SCAN can use as MATCH to skip the rest of the keyspace, if there is one. */
  get scanPattern(): string | undefined {
    return !this.allowsAll && this.patterns.length === 1 ? this.patterns[0] : undefined;
  }
}

/**
 * STREAMGATE_BENCH_DISABLE=fence, for benchmarks only: the fence's refusal is skipped (the
 * name syntax is still checked), to measure what the check costs per request.
 */
export class UncheckedFence extends Fence {
  override assert(): void {
    // benchmark ablation: no check
  }
}
