import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PROCESSED_PREFIX } from './ledger.js';

/**
 * "Leased twice": a message delivered to a consumer while an earlier lease of it was still
 * running. Read from the consumers' records (`P ... <stream> <receivedAtMs> <consumer>`, and
 * for gRPC `E <stream> <atMs>` when a StreamingPull ended).
 *
 * A delivery's lease ends at the earliest of: its reception plus the group's lease (the
 * gateway granted it before the consumer received it, so the true expiry is no later), the
 * SIGKILL of the process holding it (a killed REST consumer's lease runs on, but a second
 * delivery after a crash is a legal redelivery as the chaos defines it; a killed gRPC
 * consumer's call ends and the gateway releases its messages at once), and the end of the
 * StreamingPull that delivered it (released). A later delivery of the same message received
 * before that end, by more than `marginMs`, is a double lease. The margin absorbs what the
 * records cannot see: the time an answer spent on its way to the consumer, and a release the
 * gateway made just before the consumer learned that its call ended. A real double lease
 * (a move or a failover making a leased entry look free) is delivered at once, well within
 * the lease, so it stands out.
 *
 * Acks are not a lease end here: an acked message delivered again within the lease means an
 * ack was lost, which is counted too.
 */

export interface Delivery {
  readonly msgId: string;
  readonly stream: string;
  readonly consumer: string;
  /** Record file (one per process incarnation). */
  readonly file: string;
  readonly at: number;
  /** When its lease ended at the latest (see above). */
  readonly end: number;
}

export interface DoubleLease {
  readonly first: Delivery;
  readonly second: Delivery;
  /** How long before the first lease's end the second delivery was received. */
  readonly overlapMs: number;
}

export function readDeliveries(dir: string, leaseMs: number, killedAt: ReadonlyMap<string, number>): Delivery[] {
  const out: Delivery[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.startsWith(PROCESSED_PREFIX)) continue;
    const killed = killedAt.get(file) ?? Number.POSITIVE_INFINITY;
    /** Deliveries of the stream's current StreamingPull, waiting for its end. */
    const open = new Map<string, { msgId: string; consumer: string; at: number }[]>();
    const close = (stream: string, endedAt: number) => {
      for (const d of open.get(stream) ?? []) out.push({ ...d, stream, file, end: Math.min(d.at + leaseMs, killed, endedAt) });
      open.delete(stream);
    };
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const parts = line.split(' ');
      if (parts[0] === 'E' && parts[1]) close(parts[1], Number(parts[2]));
      if (parts[0] !== 'P' || parts.length < 7) continue;
      const [, msgId, , , stream, at, consumer] = parts as [string, string, string, string, string, string, string];
      const list = open.get(stream) ?? [];
      list.push({ msgId, consumer, at: Number(at) });
      open.set(stream, list);
    }
    for (const stream of [...open.keys()]) close(stream, Number.POSITIVE_INFINITY);
  }
  return out;
}

/** Every delivery received more than `marginMs` before the end of an earlier lease of the same message. */
export function doubleLeases(deliveries: readonly Delivery[], marginMs: number): DoubleLease[] {
  const byMsg = new Map<string, Delivery[]>();
  for (const d of deliveries) {
    const list = byMsg.get(d.msgId);
    if (list) list.push(d);
    else byMsg.set(d.msgId, [d]);
  }
  const out: DoubleLease[] = [];
  for (const list of byMsg.values()) {
    if (list.length < 2) continue;
    list.sort((a, b) => a.at - b.at);
    for (let i = 1; i < list.length; i++) {
      const second = list[i] as Delivery;
      for (let j = 0; j < i; j++) {
        const first = list[j] as Delivery;
        const overlapMs = first.end - second.at;
        if (overlapMs > marginMs) {
          out.push({ first, second, overlapMs });
          break;
        }
      }
    }
  }
  return out;
}

export const describeDoubleLease = (d: DoubleLease): string =>
  `${d.second.msgId} on ${d.second.stream}: to ${d.first.consumer} at ${d.first.at} (${d.first.file}), ` +
  `again to ${d.second.consumer} at ${d.second.at} (${d.second.file}), ${d.overlapMs} ms before the first lease ended`;
