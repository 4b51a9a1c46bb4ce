import fc from 'fast-check';
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CounterSeries, HistogramSeries } from '../../src/http/metric-series.js';

/**
 * The pinned series of src/http/metric-series.ts update prom-client's own entries: /metrics
 * must read byte for byte what prom-client's public inc/observe would have written, through
 * resets and removals too (or a prom-client upgrade changed what they rely on).
 */

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function metrics() {
  const registry = new Registry();
  const counter = new Counter({ name: 'c_total', help: 'c', labelNames: ['route', 'method', 'status'], registers: [registry] });
  const histogram = new Histogram({ name: 'h_seconds', help: 'h', labelNames: ['route', 'method', 'status'], buckets: BUCKETS, registers: [registry] });
  return { registry, counter, histogram };
}

const LABELS = [
  { route: '/v1/streams/:stream/messages', method: 'POST', status: '201' },
  { route: '/v1/streams/:stream/messages', method: 'POST', status: '400' },
  { route: 'unmatched', method: 'GET', status: '404' },
];

type Step = { kind: 'update'; series: number; value: number } | { kind: 'reset' } | { kind: 'remove'; series: number } | { kind: 'public'; series: number; value: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 20, arbitrary: fc.record({ kind: fc.constant('update' as const), series: fc.nat(2), value: fc.oneof(fc.double({ min: 0, max: 100, noNaN: true }), fc.constantFrom(...BUCKETS), fc.constant(0), fc.constant(1e6)) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('remove' as const), series: fc.nat(2) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('public' as const), series: fc.nat(2), value: fc.double({ min: 0, max: 100, noNaN: true }) }) },
);

describe('pinned metric series', () => {
  it('write exactly what prom-client writes, through resets and removals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 200 }), async (steps) => {
        const plain = metrics();
        const pinned = metrics();
        // Fresh label objects for the pinned side: entries are matched by value, not identity.
        const series = LABELS.map((l) => ({ c: new CounterSeries(pinned.counter, { ...l }), h: new HistogramSeries(pinned.histogram, { ...l }) }));
        for (const s of steps) {
          if (s.kind === 'reset') {
            for (const m of [plain, pinned]) {
              m.counter.reset();
              m.histogram.reset();
            }
          } else if (s.kind === 'remove') {
            for (const m of [plain, pinned]) {
              m.counter.remove(LABELS[s.series]!);
              m.histogram.remove(LABELS[s.series]!);
            }
          } else if (s.kind === 'public') {
            // Another writer of the same series through the public API.
            for (const m of [plain, pinned]) {
              m.counter.inc(LABELS[s.series]!);
              m.histogram.observe(LABELS[s.series]!, s.value);
            }
          } else {
            plain.counter.inc(LABELS[s.series]!);
            plain.histogram.observe(LABELS[s.series]!, s.value);
            series[s.series]!.c.inc();
            series[s.series]!.h.observe(s.value);
          }
        }
        expect(await pinned.registry.metrics()).toBe(await plain.registry.metrics());
      }),
      { numRuns: 300 },
    );
  });

  it('a non-finite value is refused as prom-client refuses it', () => {
    const { histogram } = metrics();
    const s = new HistogramSeries(histogram, LABELS[0]!);
    s.observe(0.1);
    expect(() => s.observe(Number.NaN)).toThrow(/not a valid number/);
    expect(() => s.observe(Number.POSITIVE_INFINITY)).toThrow(/not a valid number/);
  });
});
