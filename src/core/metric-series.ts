import type { Counter, Histogram, LabelValues } from 'prom-client';

/**
 * One labelled series of a prom-client Counter or Histogram, updated without hashing its
 * labels on every call. prom-client keeps each series as an entry of the metric's
 * `hashMap` (keyed by a string built from the labels) and rebuilds that key and checks the
 * labels on every `inc`/`observe`, even through `labels()`. Here the first update goes
 * through the public API; later ones update the entry it created exactly as prom-client
 * would (counter: `value += 1`; histogram: `sum += v`, `count += 1`, the bucket of the first
 * bound ≥ v), as long as that entry is still the metric's (a `reset()` or `remove()` drops
 * it: the next update goes through the public API again). test/http/metric-series.test.ts (through src/http/metric-series.ts)
 * checks that /metrics reads byte for byte the same either way, so a prom-client upgrade
 * that changes these internals fails a test instead of miscounting.
 */

interface Entry {
  labels: LabelValues<string>;
  value: number;
  sum: number;
  count: number;
  bucketValues: Record<string, number>;
}

interface Internals {
  hashMap: Record<string, Entry>;
  upperBounds?: readonly number[];
}

abstract class Pinned {
  private map: Record<string, Entry> | undefined;
  private key = '';
  protected entry: Entry | undefined;

  constructor(
    protected readonly metric: Internals,
    protected readonly labels: LabelValues<string>,
  ) {}

  /** The entry, if it is still the metric's. */
  protected current(): Entry | undefined {
    const { entry, map } = this;
    return entry !== undefined && this.metric.hashMap === map && map[this.key] === entry ? entry : undefined;
  }

  /** After an update through the public API: find the entry it made or updated. */
  protected pin(): void {
    const map = this.metric.hashMap;
    this.entry = undefined;
    for (const key in map) {
      const e = map[key]!;
      if (sameLabels(e.labels, this.labels)) {
        this.map = map;
        this.key = key;
        this.entry = e;
        return;
      }
    }
  }
}

function sameLabels(a: LabelValues<string> | undefined, b: LabelValues<string>): boolean {
  if (a === undefined) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}

export class CounterSeries extends Pinned {
  constructor(
    private readonly counter: Counter<string>,
    labels: LabelValues<string>,
  ) {
    super(counter as unknown as Internals, labels);
  }

  inc(n = 1): void {
    const e = this.current();
    if (e !== undefined) {
      e.value += n;
      return;
    }
    this.counter.inc(this.labels, n);
    this.pin();
  }
}

export class HistogramSeries extends Pinned {
  private readonly bounds: readonly number[];
  /** The bounds as the property keys of `bucketValues` (prom-client writes `acc[bound]`). */
  private readonly keys: readonly string[];

  constructor(
    private readonly histogram: Histogram<string>,
    labels: LabelValues<string>,
  ) {
    super(histogram as unknown as Internals, labels);
    this.bounds = (histogram as unknown as Internals).upperBounds ?? [];
    this.keys = this.bounds.map(String);
  }

  observe(value: number): void {
    const e = this.current();
    if (e === undefined || !Number.isFinite(value)) {
      this.histogram.observe(this.labels, value);
      this.pin();
      return;
    }
    e.sum += value;
    e.count += 1;
    // The first upper bound at or above the value (prom-client's findBound); none: no bucket
    // but +Inf, which is the count.
    const { bounds } = this;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        const key = this.keys[i]!;
        if (Object.prototype.hasOwnProperty.call(e.bucketValues, key)) e.bucketValues[key]! += 1;
        return;
      }
    }
  }
}
