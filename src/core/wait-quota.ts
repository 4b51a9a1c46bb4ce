import { GatewayError } from '../contract/errors.js';

/**
 * Concurrent waiting pulls per key (REST long-polls, StreamingPull streams). Waiting is
 * cheap for Redis (one shared watcher connection) but each waiter costs the gateway memory
 * and a socket: one key must not be able to take them all.
 */
export class WaitQuota {
  private readonly counts = new Map<string, number>();

  /** @param max waiting pulls one key may have at once; 0 means no limit */
  constructor(readonly max: number) {}

  /**
   * Counts one waiter of `key`, or throws RATE_LIMITED when the key has `max` already.
   * Returns the release function; calling it more than once releases once.
   */
  acquire(key: string): () => void {
    const n = this.counts.get(key) ?? 0;
    if (this.max > 0 && n >= this.max) {
      throw new GatewayError(
        'RATE_LIMITED',
        `too many waiting pulls for this key (${n}; at most ${this.max}, STREAMGATE_MAX_WAITING_PER_KEY)`,
      );
    }
    this.counts.set(key, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left > 0) this.counts.set(key, left);
      else this.counts.delete(key);
    };
  }

  waiting(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys with at least one waiter (a leak check for tests). */
  get keys(): number {
    return this.counts.size;
  }
}
