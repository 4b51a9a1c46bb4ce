/**
 * Merges calls that arrive in the same turn of the event loop and share a key into one
 * call over all their items, then hands each caller the results of its own items. Used for
 * acks: many requests acking the same group become one multi-ID script call (one Redis
 * round trip and one script run instead of one per request).
 */
export class Coalescer<Item, Result> {
  private readonly pending = new Map<string, Batch<Item, Result>>();

  /** `run` takes the key and all items, and returns one result per item, in order. */
  constructor(private readonly run: (key: string, items: Item[]) => Promise<Result[]>) {}

  add(key: string, items: readonly Item[]): Promise<Result[]> {
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { items: [], waiters: [] };
      this.pending.set(key, batch);
      // setImmediate, not a microtask: requests whose I/O completes in this turn join too.
      setImmediate(() => void this.flush(key));
    }
    const start = batch.items.length;
    batch.items.push(...items);
    const b = batch;
    return new Promise((resolve, reject) => b.waiters.push({ start, count: items.length, resolve, reject }));
  }

  private async flush(key: string): Promise<void> {
    const batch = this.pending.get(key);
    this.pending.delete(key);
    if (!batch) return;
    try {
      const results = await this.run(key, batch.items);
      for (const w of batch.waiters) w.resolve(results.slice(w.start, w.start + w.count));
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
    }
  }
}

interface Batch<Item, Result> {
  readonly items: Item[];
  readonly waiters: Array<{
    readonly start: number;
    readonly count: number;
    readonly resolve: (r: Result[]) => void;
    readonly reject: (e: unknown) => void;
  }>;
}
