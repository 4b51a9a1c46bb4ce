import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/contract/errors.js';
import { singleNode } from '../../src/redis/watch-nodes.js';
import { StreamWatcher } from '../../src/redis/watcher.js';
import { commandCalls, privateRedis, redisUrl, uniq } from '../helpers/core.js';
import { until } from '../helpers/wait.js';
import { expectCode, pullOf } from './support.js';

/**
 * Waiting pulls whose group goes away end with the error, as Redis ends a blocked
 * XREADGROUP, and at a cost per group, not per waiter: the group's probe finds it gone and
 * ends every wait of the group with its error, instead of waking each waiter to pull again.
 */

describe('waiting pulls on a group that goes away', () => {
  // A server of its own: the test counts Redis commands.
  const priv = privateRedis();

  it('1000 waiting pulls on a destroyed group all end GROUP_NOT_FOUND within a probe, with no pull of their own', { timeout: 40_000 }, async () => {
    for (const leaseMs of [0, 30_000]) {
      const s = uniq('gone');
      await priv.core.groups.create(s, { group: 'g', createStream: true, leaseMs });
      const waits = Array.from({ length: 1000 }, (_, i) =>
        priv.core.consume.pull(s, 'g', pullOf(`c${i}`, { waitMs: 8000 })).then(
          () => 'answered',
          (e: GatewayError) => e.code,
        ),
      );
      await until(() => priv.core.waitStats().waiting === 1000, 10_000, '1000 waiting pulls');
      const before = await commandCalls(priv.redis);
      await priv.redis.xgroup('DESTROY', s, 'g');
      const t0 = Date.now();
      const ends = await Promise.all(waits);
      const took = Date.now() - t0;
      expect(new Set(ends), `leaseMs ${leaseMs}`).toEqual(new Set(['GROUP_NOT_FOUND']));
      // Within the probe interval (1 s), with room for a busy machine.
      expect(took, `leaseMs ${leaseMs}`).toBeLessThan(1500);
      const after = await commandCalls(priv.redis);
      // The probe (a script call with leases, else XPENDING) and the type check that tells
      // GROUP_NOT_FOUND from STREAM_NOT_FOUND: nothing per waiter (a pull is a script call).
      const scripts = (after.evalsha ?? 0) + (after.eval ?? 0) - (before.evalsha ?? 0) - (before.eval ?? 0);
      expect(scripts, `leaseMs ${leaseMs}: script calls`).toBeLessThanOrEqual(2);
      expect(priv.core.waitStats()).toMatchObject({ waiting: 0, streams: 0, groups: 0 });
    }
  });
});

describe('the watcher, told the group is gone', () => {
  const gone = (code: 'GROUP_NOT_FOUND' | 'STREAM_NOT_FOUND') => new GatewayError(code, 'gone');

  it('GROUP_NOT_FOUND ends the waits of that group only; STREAM_NOT_FOUND those of every group of the stream', async () => {
    const base = new Redis(redisUrl());
    const command = new Redis(redisUrl());
    const missing = new Map<string, 'GROUP_NOT_FOUND' | 'STREAM_NOT_FOUND'>();
    let probes = 0;
    const watcher = new StreamWatcher(singleNode(base), {
      connections: 1,
      reclaimPollMs: 100,
      blockMs: 1000,
      assertGroup: async (stream, group) => {
        probes++;
        const code = missing.get(`${stream}/${group}`) ?? missing.get(stream);
        if (code) throw gone(code);
      },
    });
    try {
      const s = uniq('w');
      // Each wait's end, as its reason or its error's code.
      const wait = (group: string) =>
        watcher.wait({ stream: s, group, afterId: '0-0', leaseMs: 0, timeoutMs: 10_000 }).then(
          (reason) => reason,
          (err: GatewayError) => err.code,
        );
      const a = Array.from({ length: 100 }, () => wait('a'));
      const b = Array.from({ length: 100 }, () => wait('b'));
      const c = wait('c');
      // Probed per group, whatever its waiters: about 3 groups per 100 ms.
      await until(() => probes >= 6, 2000, 'two probe rounds');
      expect(probes).toBeLessThan(20);
      missing.set(`${s}/a`, 'GROUP_NOT_FOUND');
      expect(new Set(await Promise.all(a))).toEqual(new Set(['GROUP_NOT_FOUND']));
      expect(watcher.stats()).toMatchObject({ waiting: 101, groups: 2 });
      missing.set(s, 'STREAM_NOT_FOUND');
      expect(new Set(await Promise.all([...b, c]))).toEqual(new Set(['STREAM_NOT_FOUND']));
      expect(watcher.stats()).toMatchObject({ waiting: 0, streams: 0, groups: 0 });
    } finally {
      watcher.close();
      base.disconnect();
      command.disconnect();
    }
  });

  it('a wait registered after the probe began is not ended by its answer (the group was made again)', async () => {
    const base = new Redis(redisUrl());
    const command = new Redis(redisUrl());
    const probe: { answer: (() => void) | null } = { answer: null };
    const watcher = new StreamWatcher(singleNode(base), {
      connections: 1,
      reclaimPollMs: 50,
      blockMs: 1000,
      // The first probe answers only when told; later ones find the group.
      assertGroup: (): Promise<void> =>
        probe.answer === null
          ? new Promise((_, reject) => (probe.answer = () => reject(gone('GROUP_NOT_FOUND'))))
          : Promise.resolve(),
    });
    try {
      const s = uniq('w');
      const wait = (timeoutMs: number) => watcher.wait({ stream: s, group: 'g', afterId: '0-0', leaseMs: 0, timeoutMs });
      const early = wait(10_000);
      await until(() => probe.answer !== null, 2000, 'the probe to begin');
      const late = wait(300);
      probe.answer!();
      await expectCode(early, 'GROUP_NOT_FOUND');
      expect(await late).toBe('timeout');
    } finally {
      watcher.close();
      base.disconnect();
      command.disconnect();
    }
  });
});
