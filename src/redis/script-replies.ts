import { arr, int, str } from './reply.js';

/** Replies of the reaping scripts (reapGroups-3, reap-2), parsed. */

/** A group that reaps, as reapGroups-3 lists it. */
export interface ReapingGroup {
  readonly group: string;
  readonly leaseMs: number;
  readonly reapIdleMs: number;
}

/** What reap-2 did with one consumer (see the script's header for each status). */
export interface ReapResult {
  readonly consumer: string;
  readonly status: 'reaped' | 'partial' | 'kept' | 'cleared' | 'absent';
  /** Pending messages released for redelivery. */
  readonly released: number;
  /** Pending entries whose message was deleted from the stream, dropped. */
  readonly dropped: number;
}

/** `off`: the group does not reap now (its policy changed), and nothing was done. */
export interface ReapReply {
  readonly off: boolean;
  readonly results: ReapResult[];
}

/** Flat `{group, leaseMs, reapIdleMs, ...}`. */
export function parseReapGroups(raw: unknown): ReapingGroup[] {
  const flat = arr(raw);
  const out: ReapingGroup[] = [];
  for (let i = 0; i + 2 < flat.length; i += 3) {
    out.push({ group: str(flat[i]), leaseMs: int(flat[i + 1]), reapIdleMs: int(flat[i + 2]) });
  }
  return out;
}

/** `{state, {consumer, status, released, dropped, ...}}`. */
export function parseReap(raw: unknown): ReapReply {
  const reply = arr(raw);
  if (str(reply[0]) === 'OFF') return { off: true, results: [] };
  const flat = arr(reply[1]);
  const results: ReapResult[] = [];
  for (let i = 0; i + 3 < flat.length; i += 4) {
    results.push({
      consumer: str(flat[i]),
      status: str(flat[i + 1]) as ReapResult['status'],
      released: int(flat[i + 2]),
      dropped: int(flat[i + 3]),
    });
  }
  return { off: false, results };
}
