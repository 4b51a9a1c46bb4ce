import { isUtf8 } from 'node:buffer';
import type { Redis } from 'ioredis';
import { ContractError, type Driver, type Fields, type Msg } from '../driver.js';

/**
 * What every scenario file shares (not a test file itself). A scenario is a function of the
 * transport-neutral driver: it asserts its expectations and returns its outcome, which the
 * runner (scenarios.test.ts) compares between REST and gRPC after `normalize`.
 */

export interface Ctx {
  /** A fresh stream name, replaced by a label in the outcome. */
  name(): string;
  /** A native Redis client (keys of other types, what the gateway wrote). */
  redis: Redis;
  /** The same transport over a Redis that is not there. */
  down: Driver;
  /** The test Redis is 7.2 or later (XINFO CONSUMERS reports `inactive`). */
  redis72: boolean;
}

export type Scenario = (d: Driver, x: Ctx) => Promise<unknown>;
export type Table = Record<string, Scenario>;

/** A case that must fail with a contract code; its outcome is the code. */
export interface ErrorCase {
  code: string;
  label: string;
  run: (d: Driver, x: Ctx) => Promise<unknown>;
}

export const f = (o: Record<string, string>): Fields => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Buffer.from(v)]));
export const txt = (m: Msg | undefined): Record<string, string> | null =>
  m?.fields ? Object.fromEntries(Object.entries(m.fields).map(([k, v]) => [k, v.toString('utf8')])) : null;
export const idsOf = (ms: readonly Msg[]): string[] => ms.map((m) => m.id);
export const counted = (ms: readonly Msg[]) => ms.map((m) => [m.id, m.deliveryCount]);
export const pendingOf = async (d: Driver, s: string, g = 'g') =>
  (await d.listPending(s, g)).map((e) => [e.id, e.consumer, e.deliveryCount]);
/** The policy part of a group, as scenarios compare it. */
export const policyOf = (g: { leaseMs: number; maxDeliveries: number; deadLetterStream: string }) => ({
  leaseMs: g.leaseMs,
  maxDeliveries: g.maxDeliveries,
  deadLetterStream: g.deadLetterStream,
});

/** Publishes `n` messages {n: i} and creates group g at 0 with `policy`. */
export async function setup(d: Driver, s: string, n: number, policy: Parameters<Driver['createGroup']>[2] = {}): Promise<string[]> {
  const ids = n === 0 ? [] : (await d.publish(s, Array.from({ length: n }, (_, i) => ({ fields: f({ n: String(i) }) })))).ids;
  await d.createGroup(s, 'g', { start: '0', createStream: true, ...policy });
  return ids;
}

/** Publishes one message per ID, with field `id` = the ID. */
export async function publishIds(d: Driver, s: string, ids: readonly string[]): Promise<void> {
  const r = await d.publish(
    s,
    ids.map((id) => ({ id, fields: f({ id }) })),
  );
  if (r.ids.join() !== ids.join()) throw new Error(`published ${r.ids.join()} instead of ${ids.join()}`);
}

/** A key of another type (a string holding "v"), for NOT_A_STREAM. */
export async function stringKey(x: Ctx): Promise<string> {
  const k = x.name();
  await x.redis.set(k, 'v');
  return k;
}

/** The code of the ContractError `work` fails with (fails the test if it succeeds). */
export async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    const value = await work;
    throw new Error(`expected a contract error, got ${JSON.stringify(value)}`);
  } catch (err) {
    if (err instanceof ContractError) return err.code;
    throw err;
  }
}

/** IDs → `#n` and stream names → `<sn>` in order of appearance; Buffers → text or hex. */
export function normalize(value: unknown, names: readonly string[]): unknown {
  const labels = new Map<string, string>();
  // Longest first: a name may be the prefix of another (`<s>:dlq`).
  const byLength = [...names].map((n, i) => [n, i] as const).sort((a, b) => b[0].length - a[0].length);
  const str = (s: string): string => {
    if (/^\d+-\d+$/.test(s)) {
      if (!labels.has(s)) labels.set(s, `#${labels.size}`);
      return labels.get(s)!;
    }
    return byLength.reduce((out, [n, i]) => out.split(n).join(`<s${i}>`), s);
  };
  const walk = (v: unknown): unknown => {
    if (Buffer.isBuffer(v)) return isUtf8(v) ? `utf8:${str(v.toString('utf8'))}` : `hex:${v.toString('hex')}`;
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [str(k), walk((v as Record<string, unknown>)[k])]),
      );
    }
    return v;
  };
  return walk(value);
}
