import { describe, expect, it } from 'vitest';
import { keySlot } from '../../src/redis/keys.js';
import { type ClusterFacts, clusterFailures, judgeCluster } from './lib/cluster-verdict.js';
import type { Delivery } from './lib/leases.js';
import { judge, type Ledger } from './lib/ledger.js';

/** The cluster chaos's verdict (what counts as lost, what a failover excuses), on facts made by hand. */

const delivery = (msgId: string, stream: string, at: number, consumer: string): Delivery => ({ msgId, stream, consumer, file: `processed-${consumer}-1.log`, at, end: at + 2000 });

function facts(over: Partial<ClusterFacts> & { published: Record<string, string>; processed: string[]; inStream: string[] }): ClusterFacts {
  const ledger: Ledger = {
    published: new Map(Object.keys(over.published).map((m) => [m, '1-0'])),
    publishedTwice: [],
    processed: new Map(over.processed.map((m) => [m, 1])),
    unreadable: [],
    deliveries: over.processed.length,
    maxDeliveryCount: 1,
    incarnations: new Map(),
  };
  const contents = new Map(over.inStream.map((m) => [m, ['1-0']]));
  return {
    ledger,
    verdict: judge(ledger, contents),
    streamOf: new Map(Object.entries(over.published)),
    contents,
    dead: over.dead ?? [],
    doubleLeases: over.doubleLeases ?? [],
    failover: over.failover ?? null,
    killedSlots: over.killedSlots ?? new Set(),
  };
}

describe('cluster chaos verdict', () => {
  it('lost is acknowledged and nowhere; asserted only with WAIT', () => {
    const f = facts({
      published: { 'p-000001': 'a', 'p-000002': 'a', 'p-000003': 'a', 'p-000007': 'a' },
      processed: ['p-000001', 'p-000003'],
      inStream: ['p-000001', 'p-000002'],
      dead: [{ dlq: 'a:dlq', entryId: '2-0', msgId: 'p-000007', reason: 'poison', group: 'g' }],
    });
    const v = judgeCluster(f, 'g');
    // 000002 is in Redis and never processed: the gateway's fault; 000003 was processed, then
    // its entry vanished; 000007 is dead-lettered without a recorded processing: not lost either.
    expect([v.lost, v.unprocessed, v.goneAfterProcessing]).toEqual([[], ['p-000002', 'p-000007'], ['p-000003']]);
    const gone = judgeCluster(facts({ published: { 'p-000001': 'a', 'p-000002': 'a' }, processed: ['p-000001'], inStream: ['p-000001'] }), 'g');
    expect(gone.lost).toEqual(['p-000002']);
    const f2 = facts({ published: { 'p-000001': 'a', 'p-000002': 'a' }, processed: ['p-000001'], inStream: ['p-000001'] });
    expect(clusterFailures(f2, gone, 0).join('\n')).not.toContain('LOST');
    expect(clusterFailures(f2, gone, 1).join('\n')).toContain('LOST with WAIT 1 (acknowledged, then nowhere) 1: p-000002');
  });

  it('a double lease is excused only on the killed master, around the failover', () => {
    const failover = { killed: 1, promoted: 2, killedAt: 10_000, promotionMs: 2000, rejoinMs: 3000, stallMs: 300 };
    const pair = (stream: string, first: number, second: number) => ({
      first: delivery('p-000001', stream, first, 'a'),
      second: delivery('p-000001', stream, second, 'b'),
      overlapMs: first + 2000 - second,
    });
    const base = { published: { 'p-000001': 'x' }, processed: ['p-000001'], inStream: ['p-000001'], failover, killedSlots: new Set([keySlot('x')]) };
    const v = judgeCluster(facts({ ...base, doubleLeases: [pair('x', 9_900, 10_100), pair('y', 9_900, 10_100), pair('x', 5_000, 5_100)] }), 'g');
    expect(v.leasedTwiceInFailover.map((d) => `${d.first.stream}@${d.first.at}`)).toEqual(['x@9900']);
    expect(v.leasedTwice.map((d) => `${d.first.stream}@${d.first.at}`)).toEqual(['y@9900', 'x@5000']);
    expect(clusterFailures(facts(base), v, 0).join('\n')).toContain('LEASED TWICE 2:');
  });

  it('dead letters: stray ones fail, missing ones fail unless the failover explains them', () => {
    const published = { 'p-000007': 'x', 'p-000057': 'y', 'p-000001': 'y' };
    const f = facts({
      published,
      processed: Object.keys(published),
      inStream: Object.keys(published),
      killedSlots: new Set([keySlot('x:dlq')]),
      dead: [{ dlq: 'y:dlq', entryId: '3-0', msgId: 'p-000001', reason: 'poison', group: 'g' }],
    });
    const v = judgeCluster(f, 'g');
    expect([v.deadLettersLostInFailover, v.deadLettersLost, v.wrongDeadLetters.length]).toEqual([['p-000007'], ['p-000057'], 1]);
  });
});
