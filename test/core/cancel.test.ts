import { describe, expect, it } from 'vitest';
import { Cancel, CancelScope } from '../../src/contract/cancel.js';
import { testCore, uniq } from '../helpers/core.js';
import { fields, pullOf } from './support.js';

describe('Cancel (a light Cancellation)', () => {
  it('runs its listeners once, in order, on the first abort; removed ones and late ones never', () => {
    const c = new Cancel();
    const calls: string[] = [];
    const a = () => calls.push('a');
    const b = () => calls.push('b');
    const removed = () => calls.push('removed');
    c.addEventListener('abort', a);
    c.addEventListener('abort', removed);
    c.addEventListener('abort', b);
    c.removeEventListener('abort', removed);
    expect(c.aborted).toBe(false);
    c.abort();
    c.abort();
    expect(c.aborted).toBe(true);
    c.addEventListener('abort', () => calls.push('late'));
    expect(calls).toEqual(['a', 'b']);
  });

  it('a CancelScope aborts what it holds, not what was removed, and anything added after', () => {
    const scope = new CancelScope();
    const [held, removed, late] = [new Cancel(), new Cancel(), new Cancel()];
    scope.add(held);
    scope.add(removed);
    scope.delete(removed);
    scope.abort();
    expect([scope.aborted, held.aborted, removed.aborted]).toEqual([true, true, false]);
    scope.add(late);
    expect(late.aborted).toBe(true);
  });

  it('ends a waiting pull at once, leasing nothing, as an AbortSignal does', async () => {
    const core = testCore();
    try {
      const s = uniq();
      await core.groups.create(s, { group: 'g', createStream: true, start: '$' });
      const c = new Cancel();
      const t0 = Date.now();
      const pulling = core.consume.pull(s, 'g', pullOf('c', { waitMs: 10_000 }), c);
      setTimeout(() => c.abort(), 50);
      expect(await pulling).toEqual([]);
      expect(Date.now() - t0).toBeLessThan(5000);
      // Aborted before it starts: it reads nothing (no delivery counted).
      await core.streams.publish(s, { messages: [{ pairs: fields({ n: '1' }) }] });
      expect(await core.consume.pull(s, 'g', pullOf('c', { waitMs: 0 }), c)).toEqual([]);
      expect((await core.pending.summary(s, 'g')).count).toBe(0);
    } finally {
      await core.close();
    }
  });
});
