import { type Redis, Cluster } from 'ioredis';
import { type RedisClient, nodeFor } from './cluster.js';
import type { ConnectionState } from './connection.js';
import { type ErrorCode, GatewayError } from '../contract/errors.js';
import { Commands } from './commands.js';
import { mapRedisError } from './redis-errors.js';
import { ScriptRunner } from './script-loader.js';
import { Scripts } from './scripts.js';
import { timedOut } from './unavailable.js';

/**
 * Refuses a stream the gateway must not touch (the core's keyspace fence satisfies it):
 * checked again here before any call about a stream reaches Redis.
 */
export interface StreamGuard {
  assert(stream: string, what?: string): void;
}

/** Told the contract code of every failed Redis call (the core counts them). */
export type ErrorHook = (code: ErrorCode) => void;

/**
 * Runs one Redis call (`what`: a command such as `XADD`, or a script such as `pull.lua`)
 * inside a span of its own (the core's tracing, STREAMGATE_TRACING): absent, nothing is
 * done per call.
 */
export type CallTracer = <T>(what: string, stream: string, call: () => Promise<T>) => Promise<T>;

/**
 * The shared command connection (auto-pipelined), its typed scripts and commands, and the
 * one place where a failed Redis call becomes a contract error.
 */
export class Backend {
  /** One typed function per Lua script (scripts.ts). */
  readonly scripts: Scripts;
  /** One typed function per native command the services use (commands.ts). */
  readonly commands: Commands;

  constructor(
    private readonly redis: RedisClient,
    private readonly guard: StreamGuard,
    private readonly onError: ErrorHook,
    private readonly connection: ConnectionState,
    private readonly commandTimeoutMs: number,
    /**
     * True against a Redis Cluster: a dead-letter stream in another slot than its stream is
     * written in two steps (dead-letter-moves.ts); false: one script, whatever the names.
     */
    readonly crossSlotDeadLetters = false,
    /** Tracing on: every call in a span of its own; undefined (tracing off): nothing per call. */
    private readonly tracer?: CallTracer,
  ) {
    this.scripts = new Scripts(this, new ScriptRunner(redis));
    this.commands = new Commands(this, redis);
  }

  /**
   * Runs Redis calls about `stream`, turning any failure into a GatewayError, then parses
   * the reply with `parse` (outside the error mapping: a reply it cannot read is a fault of
   * ours, not a Redis error). The services check the fence on entry; checking it again here
   * means a code path that forgot cannot reach Redis with a stream outside it ('' is the
   * keyspace itself: SCAN). For the typed functions of scripts.ts and commands.ts. `what`
   * names the call (a command, `XADD`, or a script, `pull.lua`) for its tracing span.
   */
  async call<T, R = T>(what: string, stream: string, fn: () => Promise<T>, parse?: (raw: T) => R): Promise<R> {
    if (stream !== '') this.guard.assert(stream);
    let raw: T;
    try {
      // Not connected: refuse before sending anything (BACKEND_UNAVAILABLE, not written).
      if (this.redis.status !== 'ready') await this.connection.usable();
      raw = await (this.tracer ? this.tracer(what, stream, () => this.deadline(fn())) : this.deadline(fn()));
    } catch (err) {
      throw await this.classify(stream, err);
    }
    return parse ? parse(raw) : (raw as unknown as R);
  }

  /**
   * `reply`, or BACKEND_UNAVAILABLE (outcome unknown) STREAMGATE_REDIS_COMMAND_TIMEOUT_MS
   * after the call, whichever comes first. ioredis's own `commandTimeout` is not enough: it
   * starts a command's timer only when the command is written, and auto-pipelining writes
   * one pipeline at a time per connection, the next only once every command of the one
   * before has an answer. With Redis stalled, a command queued behind an unanswered one
   * was written when that one timed out, and failed at 2×, 3×... the timeout. The timer
   * here starts when the adapter is asked, whatever is queued. (ioredis's timer still ends
   * the command inside ioredis later; its rejection then goes nowhere.)
   */
  private deadline<T>(reply: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(timedOut(this.commandTimeoutMs)), this.commandTimeoutMs);
      reply.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (err: unknown) => {
          clearTimeout(timer);
          reject(err);
        },
      );
    });
  }

  private async classify(stream: string, err: unknown): Promise<GatewayError> {
    const mapped = mapRedisError(err, this.commandTimeoutMs);
    let result: GatewayError;
    if (mapped && mapped.code !== 'GROUP_NOT_FOUND') {
      result = mapped;
    } else {
      // A generic ERR, or NOGROUP from a native command, may mean the key is missing or
      // of another type; the key's type tells which, without reading the error text.
      const type = await this.deadline(this.redis.type(stream)).catch(() => null);
      if (type === 'none') result = new GatewayError('STREAM_NOT_FOUND', 'stream does not exist', [], { cause: err });
      else if (type !== null && type !== 'stream') {
        result = new GatewayError('NOT_A_STREAM', 'key exists and is not a stream', [], { cause: err });
      } else result = mapped ?? new GatewayError('INTERNAL', 'unexpected Redis reply', [], { cause: err });
    }
    // A cluster's node failed or the cluster is down: look for the new slot owners now
    // (ioredis refreshes at most one at a time) rather than at the next periodic refresh.
    if (result.code === 'BACKEND_UNAVAILABLE' && this.redis instanceof Cluster) this.redis.refreshSlotsCache();
    this.onError(result.code);
    return result;
  }

  /**
   * The connection to the master that owns `stream`'s slot now (the one connection on a
   * single node; null on a cluster while no master is known for it): for a command that
   * must run on the node that carried a write, such as WAIT.
   */
  nodeFor(stream: string): Redis | null {
    return nodeFor(this.redis, stream);
  }

  /** For commands that answer an empty result on a missing key: fail unless it is a stream. */
  async assertStream(stream: string): Promise<void> {
    const type = await this.call('TYPE', stream, () => this.redis.type(stream));
    if (type === 'none') throw new GatewayError('STREAM_NOT_FOUND', 'stream does not exist');
    if (type !== 'stream') throw new GatewayError('NOT_A_STREAM', 'key exists and is not a stream');
  }

  /** Fails with STREAM_NOT_FOUND, NOT_A_STREAM or GROUP_NOT_FOUND; O(1) in Redis. */
  async assertGroup(stream: string, group: string): Promise<void> {
    await this.call('XPENDING', stream, () => this.redis.xpending(stream, group, '-', '+', 0));
  }

  /** ID of the stream's last entry ('0-0' when empty or missing); O(1) in Redis. */
  async streamTop(stream: string): Promise<string> {
    const last = await this.call('XREVRANGE', stream, () => this.redis.xrevrange(stream, '+', '-', 'COUNT', 1));
    return last[0]?.[0] ?? '0-0';
  }
}
