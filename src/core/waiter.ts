import type { Redis } from 'ioredis';

/**
 * Waits until a stream has an entry after a given ID, using a blocking XREAD on a
 * connection of its own: blocking reads never run on the shared command connection
 * (their BLOCK would stall every pipelined command behind them). XREAD, unlike
 * XREADGROUP, delivers nothing to the group, so the lease clock of a message starts only
 * when a pull actually hands it out.
 *
 * Connections are pooled up to a limit; a wait beyond the limit polls instead.
 */
export class StreamWaiter {
  private readonly idle: Redis[] = [];
  private readonly all = new Set<Redis>();
  private closed = false;

  constructor(
    private readonly base: Redis,
    private readonly maxConnections: number,
    private readonly pollMs = 100,
  ) {}

  /** Resolves when an entry after `afterId` exists, `timeoutMs` passed, or `signal` aborted. */
  async waitForEntryAfter(stream: string, afterId: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || signal?.aborted || timeoutMs <= 0) return;
    const conn = this.acquire();
    if (!conn) {
      await sleep(Math.min(timeoutMs, this.pollMs), signal);
      return;
    }
    // BLOCK 0 would wait forever: always at least 1 ms.
    const read = conn
      .xread('COUNT', 1, 'BLOCK', Math.max(1, Math.ceil(timeoutMs)), 'STREAMS', stream, afterId)
      .then(
        () => this.release(conn),
        () => this.discard(conn),
      );
    // On abort the caller moves on; the connection returns to the pool when its read ends.
    await untilAborted(read, signal);
  }

  private acquire(): Redis | null {
    const conn = this.idle.pop();
    if (conn) return conn;
    if (this.all.size >= this.maxConnections) return null;
    const fresh = this.base.duplicate({ enableAutoPipelining: false, lazyConnect: false });
    fresh.on('error', () => {
      // Errors surface on the pending read; the connection is then discarded.
    });
    this.all.add(fresh);
    return fresh;
  }

  private release(conn: Redis): void {
    if (this.closed) conn.disconnect();
    else this.idle.push(conn);
  }

  private discard(conn: Redis): void {
    this.all.delete(conn);
    conn.disconnect();
  }

  get connectionCount(): number {
    return this.all.size;
  }

  close(): void {
    this.closed = true;
    for (const conn of this.all) conn.disconnect();
    this.all.clear();
    this.idle.length = 0;
  }
}

/** Resolves with `work`, or earlier when `signal` aborts; leaves no listener behind. */
function untilAborted(work: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return work;
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void work.then(done);
  });
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
