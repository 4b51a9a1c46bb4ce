/**
 * WAIT for the publishes of one connection, one WAIT in flight at a time.
 *
 * WAIT counts the replicas that acknowledged the connection's last write, so it must go on
 * the connection that carried the write, after the write's reply (then it covers the write:
 * Redis runs a connection's commands in order). WAIT also blocks that connection in Redis
 * until it answers, so one per publish would queue every command of the shared connection
 * behind a row of WAITs (each up to its timeout while a replica is away). Instead, a
 * publish joins the next WAIT: asked while none is in flight, it is sent at once; asked
 * while one is, it is sent when that one answers, for every publish that asked meanwhile
 * (the one in flight may have been sent before their writes, so it cannot answer for them).
 * A WAIT covers every write the connection made before it, so one answers for all.
 */
export class ReplicaWait {
  private inFlight = false;
  private next: Waiter[] = [];

  /** `send(replicas, timeoutMs)` sends WAIT on the connection and resolves with its reply. */
  constructor(private readonly send: (replicas: number, timeoutMs: number) => Promise<number>) {}

  /** Resolves with the number of replicas that have every write this connection made so far. */
  wait(replicas: number, timeoutMs: number): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.next.push({ replicas, timeoutMs, resolve, reject });
      if (!this.inFlight) this.round();
    });
  }

  private round(): void {
    const waiters = this.next;
    this.next = [];
    let replicas = 0;
    let timeoutMs = 0;
    for (const w of waiters) {
      replicas = Math.max(replicas, w.replicas);
      timeoutMs = Math.max(timeoutMs, w.timeoutMs);
    }
    this.inFlight = true;
    const done = () => {
      this.inFlight = false;
      if (this.next.length > 0) this.round();
    };
    this.send(replicas, timeoutMs).then(
      (count) => {
        for (const w of waiters) w.resolve(count);
        done();
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
        done();
      },
    );
  }
}

interface Waiter {
  readonly replicas: number;
  readonly timeoutMs: number;
  resolve(count: number): void;
  reject(err: unknown): void;
}
