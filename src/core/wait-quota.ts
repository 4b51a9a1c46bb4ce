import { GatewayError } from '../contract/errors.js';

/**
 * A count of things one key holds at once, refused past a maximum (RATE_LIMITED, the
 * contract's code for a per-key allowance): waiting pulls (WaitQuota), open StreamingPull
 * calls (Admission.streams). Each costs the gateway memory and a socket or an HTTP/2 stream
 * however little Redis it costs: one key must not be able to take them all.
 */
export class KeyQuota {
  private readonly counts = new Map<string, number>();

  /**
   * @param max what one key may hold at once; 0 means no limit
   * @param what what is counted, for the refusal ("waiting pulls")
   * @param setting the variable that sets `max`, for the refusal
   */
  constructor(
    readonly max: number,
    private readonly what: string,
    private readonly setting: string,
  ) {}

  /**
   * Counts one for `key`, or throws RATE_LIMITED when the key holds `max` already.
   * Returns the release function; calling it more than once releases once.
   */
  acquire(key: string): () => void {
    this.take(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.give(key);
    };
  }

  /** Counts one for `key` (RATE_LIMITED past `max`); the caller gives it back exactly once. */
  take(key: string): void {
    const n = this.counts.get(key) ?? 0;
    if (this.max > 0 && n >= this.max) {
      throw new GatewayError('RATE_LIMITED', `too many ${this.what} for this key (${n}; at most ${this.max}, ${this.setting})`);
    }
    this.counts.set(key, n + 1);
  }

  /** Gives back one `take`. */
  give(key: string): void {
    const left = (this.counts.get(key) ?? 1) - 1;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }

  /** What `key` holds now. */
  held(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Keys holding at least one (a leak check for tests). */
  get keys(): number {
    return this.counts.size;
  }
}

/**
 * Concurrent waiting pulls per key (STREAMGATE_MAX_WAITING_PER_KEY): REST long polls while
 * they wait, and StreamingPull calls from the moment they open (before their first request:
 * an idle call holds an HTTP/2 stream and gateway memory all the same). Waiting is cheap
 * for Redis (one shared watcher connection) but each waiter costs the gateway memory.
 */
export class WaitQuota extends KeyQuota {
  constructor(max: number) {
    super(max, 'waiting pulls', 'STREAMGATE_MAX_WAITING_PER_KEY');
  }

  waiting(key: string): number {
    return this.held(key);
  }
}
