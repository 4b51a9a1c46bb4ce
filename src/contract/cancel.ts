/**
 * What the core needs to know of a request's cancellation (the client went away, the server
 * is closing): whether it happened, and a way to hear of it while waiting. An AbortSignal
 * has exactly this shape; `Cancel` is a lighter one for the transports' hot paths.
 */
export interface Cancellation {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A Cancellation without an AbortController: creating one (an EventTarget) costs about 4 µs
 * and adding then removing a listener about 7 µs more, per request, measured on Node 20;
 * this costs a few dozen nanoseconds. Listeners run once, in the order they were added, when
 * `abort()` is first called; one added after that never runs (check `aborted` first, as with
 * an AbortSignal).
 */
export class Cancel implements Cancellation {
  private aborted_ = false;
  private listeners: (() => void)[] | null = null;

  get aborted(): boolean {
    return this.aborted_;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (this.aborted_) return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const list = this.listeners;
    if (!list) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    // None left: no array held (a waiting pull adds and removes one listener per wait).
    if (list.length === 0) this.listeners = null;
  }

  abort(): void {
    if (this.aborted_) return;
    this.aborted_ = true;
    const list = this.listeners;
    this.listeners = null;
    for (const listener of list ?? []) listener();
  }
}

/**
 * The requests in progress that one event cancels together (a server beginning to close):
 * `abort()` aborts every Cancel added and not yet removed, and a Cancel added afterwards at
 * once. A Set, so adding and removing are O(1) with thousands of waiting pulls.
 */
export class CancelScope {
  private readonly live = new Set<Cancel>();
  private aborted_ = false;

  get aborted(): boolean {
    return this.aborted_;
  }

  add(cancel: Cancel): void {
    if (this.aborted_) cancel.abort();
    else this.live.add(cancel);
  }

  delete(cancel: Cancel): void {
    this.live.delete(cancel);
  }

  abort(): void {
    if (this.aborted_) return;
    this.aborted_ = true;
    const live = [...this.live];
    this.live.clear();
    for (const cancel of live) cancel.abort();
  }
}
