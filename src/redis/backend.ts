import type { Redis } from 'ioredis';
import type { ConnectionState } from './connection.js';
import type { Fence } from '../core/access/fence.js';
import type { NameRules } from '../contract/names.js';
import { GatewayError } from '../contract/errors.js';
import type { CoreMetrics } from '../core/metrics.js';
import { mapRedisError } from './redis-errors.js';
import { Scripts } from './scripts.js';

/**
 * The shared command connection (auto-pipelined), its scripts, the keyspace fence, and the
 * one place where a failed Redis call becomes a contract error.
 */
export class Backend {
  readonly scripts: Scripts;

  constructor(
    readonly redis: Redis,
    private readonly metrics: CoreMetrics,
    readonly fence: Fence,
    private readonly connection: ConnectionState,
    private readonly commandTimeoutMs: number,
  ) {
    this.scripts = new Scripts(redis);
  }

  /** Name syntax with the configured lengths (the fence checks stream names with them). */
  get names(): NameRules {
    return this.fence.names;
  }

  /** A valid stream name inside the fence, checked before anything reaches Redis. */
  stream(name: string, what = 'stream'): void {
    this.fence.check(name, what);
  }

  /**
   * Runs Redis calls about `stream`, turning any failure into a GatewayError. The services
   * check the fence on entry; checking it again here means a code path that forgot cannot
   * reach Redis with a stream outside it ('' is the keyspace itself: SCAN).
   */
  async call<T>(stream: string, fn: () => Promise<T>): Promise<T> {
    if (stream !== '') this.fence.assert(stream);
    try {
      // Not connected: refuse before sending anything (BACKEND_UNAVAILABLE, not written).
      if (this.redis.status !== 'ready') await this.connection.usable();
      return await fn();
    } catch (err) {
      throw await this.classify(stream, err);
    }
  }

  private async classify(stream: string, err: unknown): Promise<GatewayError> {
    const mapped = mapRedisError(err, this.commandTimeoutMs);
    let result: GatewayError;
    if (mapped && mapped.code !== 'GROUP_NOT_FOUND') {
      result = mapped;
    } else {
      // A generic ERR, or NOGROUP from a native command, may mean the key is missing or
      // of another type; the key's type tells which, without reading the error text.
      const type = await this.redis.type(stream).catch(() => null);
      if (type === 'none') result = new GatewayError('STREAM_NOT_FOUND', 'stream does not exist', [], { cause: err });
      else if (type !== null && type !== 'stream') {
        result = new GatewayError('NOT_A_STREAM', 'key exists and is not a stream', [], { cause: err });
      } else result = mapped ?? new GatewayError('INTERNAL', 'unexpected Redis reply', [], { cause: err });
    }
    this.metrics.redisErrors.inc({ code: result.code });
    return result;
  }

  /** For commands that answer an empty result on a missing key: fail unless it is a stream. */
  async assertStream(stream: string): Promise<void> {
    const type = await this.call(stream, () => this.redis.type(stream));
    if (type === 'none') throw new GatewayError('STREAM_NOT_FOUND', 'stream does not exist');
    if (type !== 'stream') throw new GatewayError('NOT_A_STREAM', 'key exists and is not a stream');
  }

  /** Fails with STREAM_NOT_FOUND, NOT_A_STREAM or GROUP_NOT_FOUND; O(1) in Redis. */
  async assertGroup(stream: string, group: string): Promise<void> {
    await this.call(stream, () => this.redis.xpending(stream, group, '-', '+', 0));
  }
}
