import { expect } from 'vitest';
import type { PullInput } from '../../src/core/consume.js';
import { type ErrorCode, GatewayError } from '../../src/contract/errors.js';
import type { Message, TextPair } from '../../src/contract/types.js';

/** Helpers shared by the core tests (not a test file itself). */

/** `{a: '1'}` → `[['a', <Buffer 31>]]`, in insertion order. */
export const fields = (o: Record<string, string>): TextPair[] =>
  Object.entries(o).map(([k, v]) => [k, Buffer.from(v, 'utf8')] as const);

/** A message's fields as text, for assertions; null for a deleted entry. */
export const text = (m: Message): Record<string, string> | null =>
  m.pairs === null ? null : Object.fromEntries(m.pairs.map(([k, v]) => [k, v.toString('utf8')]));

/** Pull input for new messages and expired leases, without waiting. */
export const pullOf = (consumer: string, extra: Partial<PullInput> = {}): PullInput => ({
  consumer,
  count: 100,
  waitMs: 0,
  from: '>',
  noAck: false,
  ...extra,
});

/** Awaits `work` and asserts it failed with a GatewayError of `code`. */
export async function expectCode(work: Promise<unknown> | (() => unknown), code: ErrorCode): Promise<GatewayError> {
  let caught: unknown = undefined;
  let settled = false;
  try {
    await (typeof work === 'function' ? work() : work);
    settled = true;
  } catch (err) {
    caught = err;
  }
  expect(settled, `expected ${code}, but the call succeeded`).toBe(false);
  expect(caught).toBeInstanceOf(GatewayError);
  expect((caught as GatewayError).code, (caught as Error).message).toBe(code);
  return caught as GatewayError;
}

/** Milliseconds since `t0`. */
export const since = (t0: number): number => Date.now() - t0;
