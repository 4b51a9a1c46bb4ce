import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { singleNode } from '../../src/redis/watch-nodes.js';
import { StreamWatcher } from '../../src/redis/watcher.js';
import { redisUrl, sleep, uniq } from '../helpers/core.js';
import { type TcpProxy, startTcpProxy } from '../helpers/tcp-proxy.js';
import { until } from '../helpers/wait.js';

/**
 * The probes are the safety net under the watcher's readers: each waiting group's probe
 * also reads the stream's top, so a wake-up that no reader reports (a reader whose
 * connection stopped answering, or reading from a last seen ID the stream went back below)
 * comes within a probe interval instead of never (the wait's timeout). The readers are
 * duplicates of a connection through a TCP proxy that can drop Redis's replies; the
 * probes and the writes go to Redis directly.
 */

const PROBE_MS = 200;

let proxy: TcpProxy;
let direct: Redis;
let viaProxy: Redis;

beforeAll(async () => {
  proxy = await startTcpProxy(Number(new URL(redisUrl()).port));
  direct = new Redis(redisUrl());
  viaProxy = new Redis(proxy.url, { lazyConnect: true });
  viaProxy.on('error', () => undefined);
});

afterAll(async () => {
  viaProxy?.disconnect();
  direct?.disconnect();
  await proxy?.close();
});

/** The stream's last entry ID ('0-0' when empty). */
const top = async (s: string) => ((await direct.xrevrange(s, '+', '-', 'COUNT', 1)) as [string, string[]][])[0]?.[0] ?? '0-0';

function watcherOf(options: { blockMs: number; commandTimeoutMs: number }): StreamWatcher {
  return new StreamWatcher(singleNode(viaProxy), {
    connections: 1,
    reclaimPollMs: PROBE_MS,
    ...options,
    assertGroup: async (stream, group) => {
      await direct.xpending(stream, group, '-', '+', 0);
    },
    streamTop: top,
  });
}

/** The watcher's blocked reads on Redis (CLIENT LIST: command XREAD). */
const blockedReads = async () => String(await direct.call('CLIENT', 'LIST')).split('\n').filter((l) => / cmd=xread /.test(l) && / flags=b /.test(l)).length;

describe('a wait whose view is ahead of the readers', () => {
  it('does not move where the readers read from: another group waiting from before an entry is woken by it', async () => {
    // The race seen in the cluster chaos: an entry arrives between two reads of the stream,
    // and a pull of another group sees it (nothing new for that group) and waits from it
    // before the next read. Reading from that wait's view, the readers never reported the
    // entry, and the first group's waits slept through it; the probes' look at the top
    // compared it with the same view, so they did not see it either.
    const watcher = watcherOf({ blockMs: 5000, commandTimeoutMs: 5000 });
    try {
      const s = uniq('ahead');
      await direct.xgroup('CREATE', s, 'p', '$', 'MKSTREAM');
      await direct.xgroup('CREATE', s, 'w', '$');
      const before = await direct.xadd(s, '*', 'n', '0');
      const entry = await direct.xadd(s, '*', 'n', '1');
      // Group p's pull saw `before`; group w's saw `entry` (found nothing new). Both wait,
      // in the same tick, before the reader's first read is sent.
      const p = watcher.wait({ stream: s, group: 'p', afterId: before as string, leaseMs: 0, timeoutMs: 4000 });
      let wEnded = false;
      const w = watcher.wait({ stream: s, group: 'w', afterId: entry as string, leaseMs: 0, timeoutMs: 4000 }).finally(() => (wEnded = true));
      const t0 = Date.now();
      expect(await p).toBe('woken');
      expect(Date.now() - t0).toBeLessThan(1000);
      // Group w had seen that entry: not woken for it.
      await sleep(3 * PROBE_MS);
      expect(wEnded).toBe(false);
      await direct.xadd(s, '*', 'n', '2');
      expect(await w).toBe('woken');
    } finally {
      watcher.close();
    }
  });
});

describe('the probes catch a wake-up the readers miss', () => {
  it('a reader whose connection stopped answering: a new entry wakes the wait within a probe interval, not at the read timeout', async () => {
    // Without the probes' look at the top, the wait sleeps until the reader's read times
    // out (blockMs + commandTimeoutMs = 10 s), past the wait's own 6 s.
    const watcher = watcherOf({ blockMs: 5000, commandTimeoutMs: 5000 });
    try {
      const s = uniq('missed');
      await direct.xgroup('CREATE', s, 'g', '$', 'MKSTREAM');
      await direct.xadd(s, '*', 'n', '0');
      const waiting = watcher.wait({ stream: s, group: 'g', afterId: await top(s), leaseMs: 0, timeoutMs: 6000 });
      await until(async () => (await blockedReads()) > 0, 3000, 'the reader blocked');
      proxy.replies = false;
      const t0 = Date.now();
      await direct.xadd(s, '*', 'n', '1');
      expect(await waiting).toBe('woken');
      // A probe interval (200 ms), with room for a loaded machine.
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      proxy.replies = true;
      proxy.cut();
      watcher.close();
    }
  });

  it('a stream that went back below the last seen ID (made again; entries lost by a failover look the same): an entry after its new top wakes the wait', async () => {
    const watcher = watcherOf({ blockMs: 1000, commandTimeoutMs: 5000 });
    try {
      const s = uniq('back');
      await direct.xadd(s, '5000-1', 'n', '0');
      await direct.xgroup('CREATE', s, 'g', '$');
      await direct.xgroup('CREATE', s, 'h', '$');
      const waiting = watcher.wait({ stream: s, group: 'g', afterId: '5000-1', leaseMs: 0, timeoutMs: 5000 });
      // Another group's waits keep the stream watched (and its last seen ID) throughout.
      const others = Array.from({ length: 10 }, () => watcher.wait({ stream: s, group: 'h', afterId: '5000-1', leaseMs: 0, timeoutMs: 8000 }));
      await until(async () => (await blockedReads()) > 0, 3000, 'the reader blocked');
      // The stream and its group made again at once (the group's probe never finds it
      // missing), and an entry below the old top: a read from 5000-1 never returns it.
      await direct.multi().del(s).xgroup('CREATE', s, 'g', '0', 'MKSTREAM').xgroup('CREATE', s, 'h', '0').xadd(s, '10-1', 'n', '1').exec();
      const t0 = Date.now();
      expect(await waiting).toBe('woken');
      // The entry is new to every group: the first waiter of each looks (once: the others wait on).
      expect(await others[0]).toBe('woken');
      await sleep(3 * PROBE_MS);
      expect(watcher.stats().waiting).toBe(9);
      expect(Date.now() - t0).toBeLessThan(2000);
      // Read from the new top from now on: a wait from it waits (not woken at once, over and
      // over, as when the last seen ID stayed above the top), and the next entry wakes it.
      await sleep(2 * PROBE_MS);
      let ended = false;
      const again = watcher.wait({ stream: s, group: 'g', afterId: await top(s), leaseMs: 0, timeoutMs: 5000 }).finally(() => (ended = true));
      await sleep(3 * PROBE_MS);
      expect(ended).toBe(false);
      const t1 = Date.now();
      await direct.xadd(s, '20-1', 'n', '2');
      expect(await again).toBe('woken');
      expect(Date.now() - t1).toBeLessThan(2000);
      expect(await others[1]).toBe('woken');
    } finally {
      watcher.close();
    }
  });
});
