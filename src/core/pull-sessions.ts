import type { ConnectionListener } from '../redis/connection.js';
import type { Message } from '../contract/types.js';

/** What a PullSession (pull-session.ts) is given and gives back. */
export interface PullSessionOptions {
  readonly stream: string;
  readonly group: string;
  readonly consumer: string;
  /** 0: defaultOptions.streamingPull.maxOutstandingMessages (contract/defaults.ts), as the two below. */
  readonly maxOutstandingMessages: number;
  readonly maxOutstandingBytes: number;
  readonly maxLeaseExtensionMs: number;
}

export type AckOperation = 'ack' | 'nack' | 'extend' | 'term';

/** The per-ID results of one ack, nack, extend or term request, in request order (no object per ID). */
export interface AckOutcomes {
  readonly operation: AckOperation;
  readonly ids: readonly string[];
  /** Per index of `ids`, 1: not pending for this consumer (acked already, or the lease was lost); null: all ok. A term of an entry deleted from the stream is ok. */
  readonly notOk: Uint8Array | null;
}

export interface PullSessionSink {
  /**
   * Sends messages (`bytes`: their field names and values, pairsBytes / messageBytes); false when the
   * transport's buffer is full: call `drained()` once it empties.
   */
  deliver(messages: Message[], bytes: number): boolean;
  /**
   * The session's delivery ended (after `start()`), once the reads in flight are done:
   * `err` undefined when it was closed, else what ended it (e.g. GROUP_NOT_FOUND,
   * BACKEND_UNAVAILABLE). Called once, from a microtask.
   */
  ended(err?: unknown): void;
}

/** Subscribes to changes of the Redis connection (up: true/false); returns the unsubscribe function. */
export type ConnectionEvents = (listener: ConnectionListener) => () => void;

/**
 * The sessions running now, told together when the Redis connection is lost: one listener
 * for all of them, not a listener and its unsubscribe function per session (10,000 waiting
 * StreamingPull calls each hold one).
 */
export class OpenSessions {
  private readonly live = new Set<{ connectionLost(): void }>();

  constructor(events: ConnectionEvents) {
    events((up) => {
      if (!up) for (const s of [...this.live]) s.connectionLost();
    });
  }

  add(session: { connectionLost(): void }): void {
    this.live.add(session);
  }

  delete(session: { connectionLost(): void }): void {
    this.live.delete(session);
  }

  get size(): number {
    return this.live.size;
  }
}
