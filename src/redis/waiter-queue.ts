import type { Cancellation } from '../contract/cancel.js';
import type { WaitRequest, WakeReason } from './watcher.js';

/** One waiting pull in its group's queue (watcher.ts). */
export interface Waiter {
  /** Ends the wait with `reason`, or with `err` (its group or stream went away while it waited). */
  resolve(reason: WakeReason, err?: unknown): void;
  /** When it was registered (the shard's count of waits so far). */
  readonly since: number;
  prev: Waiter | null;
  next: Waiter | null;
  queue: WaiterQueue | null;
}

/** FIFO of waiters with O(1) push at either end and O(1) removal (timeouts come in any order). */
export class WaiterQueue {
  head: Waiter | null = null;
  tail: Waiter | null = null;
  size = 0;

  push(w: Waiter, front: boolean): void {
    w.queue = this;
    if (front) {
      w.next = this.head;
      w.prev = null;
      if (this.head) this.head.prev = w;
      else this.tail = w;
      this.head = w;
    } else {
      w.prev = this.tail;
      w.next = null;
      if (this.tail) this.tail.next = w;
      else this.head = w;
      this.tail = w;
    }
    this.size++;
  }

  remove(w: Waiter): void {
    if (w.queue !== this) return;
    if (w.prev) w.prev.next = w.next;
    else this.head = w.next;
    if (w.next) w.next.prev = w.prev;
    else this.tail = w.prev;
    w.prev = w.next = null;
    w.queue = null;
    this.size--;
  }

  shift(): Waiter | null {
    const w = this.head;
    if (w) this.remove(w);
    return w;
  }
}

export function timedOut(entry: WaitEntry): void {
  entry.resolve('timeout');
}

/**
 * One waiting pull: its place in its group's queue, its timer and how it ends, in one object
 * (10,000 waiting pulls each hold one): no closure per wait but the abort listener.
 */
export class WaitEntry implements Waiter {
  prev: Waiter | null = null;
  next: Waiter | null = null;
  queue: WaiterQueue | null = null;
  settle: ((reason: WakeReason) => void) | null = null;
  fail: ((err: unknown) => void) | null = null;
  timer: NodeJS.Timeout | null = null;
  onAbort: (() => void) | null = null;

  constructor(
    private readonly watcher: { waitEnded(req: WaitRequest): void },
    private readonly req: WaitRequest,
    private readonly signal: Cancellation | undefined,
    readonly since: number,
  ) {}

  resolve(reason: WakeReason, err?: unknown): void {
    const settle = this.settle;
    const fail = this.fail;
    if (settle === null || fail === null) return;
    this.settle = this.fail = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
    this.onAbort = null;
    this.queue?.remove(this);
    this.watcher.waitEnded(this.req);
    if (err === undefined) settle(reason);
    else fail(err);
  }
}
