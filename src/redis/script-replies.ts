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

/** One group as groupStats-2 describes it (see its header). */
export interface GroupStats {
  readonly group: string;
  /** null: Redis reported the lag as unknown. */
  readonly lag: number | null;
  readonly pending: number;
  /** Idle time of the pending entry with the lowest ID; null when nothing is pending. */
  readonly oldestIdleMs: number | null;
  readonly consumers: number;
  /** Consumers idle past the threshold that hold pending entries. */
  readonly staleConsumers: number;
  /** The stored policy JSON, null when the group has none. */
  readonly policy: string | null;
}

export interface StreamStats {
  readonly length: number;
  /** Every group of the stream, described or not. */
  readonly groupCount: number;
  readonly groups: GroupStats[];
}

/** `{}` (not a stream) or `{length, groupCount, name, lag, pending, oldestIdleMs, consumers, stale, policy, ...}`. */
export function parseGroupStats(raw: unknown): StreamStats | null {
  const flat = arr(raw);
  if (flat.length === 0) return null;
  const groups: GroupStats[] = [];
  for (let i = 2; i + 6 < flat.length; i += 7) {
    const lag = int(flat[i + 1]);
    const oldest = int(flat[i + 3]);
    const policy = str(flat[i + 6]);
    groups.push({
      group: str(flat[i]),
      lag: lag < 0 ? null : lag,
      pending: int(flat[i + 2]),
      oldestIdleMs: oldest < 0 ? null : oldest,
      consumers: int(flat[i + 4]),
      staleConsumers: int(flat[i + 5]),
      policy: policy === '' ? null : policy,
    });
  }
  return { length: int(flat[0]), groupCount: int(flat[1]), groups };
}
