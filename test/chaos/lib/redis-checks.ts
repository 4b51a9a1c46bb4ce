import { Redis } from 'ioredis';
import type { StreamContents } from './ledger.js';

/** The end state, read straight from Redis (not through the gateway under test). */

export interface GroupState {
  readonly pending: number;
  readonly lastDeliveredId: string;
  readonly lastGeneratedId: string;
  readonly length: number;
  readonly lag: number | null;
}

export function verifier(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  return redis;
}

/** XINFO replies are flat [name, value, ...] arrays. */
function fieldsOf(reply: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out.set(String(reply[i]), reply[i + 1]);
  return out;
}

export async function groupState(redis: Redis, stream: string, group: string): Promise<GroupState> {
  const info = fieldsOf(await redis.call('XINFO', 'STREAM', stream));
  const groups = (await redis.call('XINFO', 'GROUPS', stream)) as unknown[];
  const g = groups.map(fieldsOf).find((f) => f.get('name') === group);
  if (!g) throw new Error(`group ${group} is gone`);
  const lag = g.get('lag');
  return {
    pending: Number(g.get('pending')),
    lastDeliveredId: String(g.get('last-delivered-id')),
    lastGeneratedId: String(info.get('last-generated-id')),
    length: Number(info.get('length')),
    lag: lag === null || lag === undefined ? null : Number(lag),
  };
}

export const drained = (s: GroupState) => s.pending === 0 && s.lastDeliveredId === s.lastGeneratedId;

/** Polls until the group has nothing pending and nothing undelivered; the last state seen and the ms it took. */
export async function waitDrained(
  redis: Redis,
  stream: string,
  group: string,
  timeoutMs: number,
): Promise<{ state: GroupState; ms: number; done: boolean }> {
  const t0 = Date.now();
  for (;;) {
    const state = await groupState(redis, stream, group);
    if (drained(state)) return { state, ms: Date.now() - t0, done: true };
    if (Date.now() - t0 > timeoutMs) return { state, ms: Date.now() - t0, done: false };
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Who holds what is still pending (for the failure message). */
export async function pendingDetails(redis: Redis, stream: string, group: string, n = 20): Promise<string[]> {
  const rows = (await redis.xpending(stream, group, '-', '+', n)) as [string, string, number, number][];
  return rows.map(([id, consumer, idle, count]) => `${id} consumer=${consumer} idleMs=${idle} deliveries=${count}`);
}

/** Every entry of the stream: chaos message id (field `field`) → entry ids. */
export async function streamContents(redis: Redis, stream: string, field: string): Promise<StreamContents> {
  const out: StreamContents = new Map();
  let start = '-';
  for (;;) {
    const page = await redis.xrange(stream, start, '+', 'COUNT', 2000);
    for (const [entryId, pairs] of page) {
      let msgId = '?';
      for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i] === field) msgId = pairs[i + 1] ?? '?';
      const ids = out.get(msgId);
      if (ids) ids.push(entryId);
      else out.set(msgId, [entryId]);
    }
    const last = page.at(-1);
    if (!last || page.length < 2000) return out;
    start = `(${last[0]}`;
  }
}

export async function streamLength(redis: Redis, key: string): Promise<number> {
  const type = await redis.type(key);
  if (type === 'none') return 0;
  return redis.xlen(key);
}

/** One entry of a dead-letter stream: the chaos message id it carries, its x-reason and x-group. */
export interface DeadLetter {
  readonly entryId: string;
  readonly msgId: string;
  readonly reason: string | null;
  readonly group: string | null;
}

/** Every entry of a dead-letter stream (none when it does not exist). */
export async function deadLetterContents(redis: Redis, key: string, field: string): Promise<DeadLetter[]> {
  if ((await redis.type(key)) === 'none') return [];
  const out: DeadLetter[] = [];
  for (const [entryId, pairs] of await redis.xrange(key, '-', '+')) {
    const get = (name: string) => {
      let v: string | null = null;
      for (let i = 0; i + 1 < pairs.length; i += 2) if (pairs[i] === name) v = pairs[i + 1] ?? null;
      return v;
    };
    out.push({ entryId, msgId: get(field) ?? '?', reason: get('x-reason'), group: get('x-group') });
  }
  return out;
}
