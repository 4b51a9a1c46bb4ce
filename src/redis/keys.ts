import { Buffer } from 'node:buffer';
/**
 * Every Redis key the gateway derives is named here and nowhere else.
 *
 * Derived keys (group policies, idempotency records) live in the same Redis Cluster
 * hash slot as their stream, so that one Lua script may touch both. Redis hashes only
 * the first `{...}` of a key when it is non-empty, else the whole key; a derived key
 * therefore carries, between braces, a tag that hashes like the stream:
 *   - the stream's own hash tag when it has one,
 *   - else the whole stream name when that contains no `}`,
 *   - else (rare) a short string found to hash to the same slot.
 * The stream name itself follows the tag so that two streams never share a derived key.
 */

const PREFIX = 'sg';

// CRC16-CCITT (XMODEM), the checksum Redis Cluster uses for key slots.
const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let j = 0; j < 8; j++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

function crc16(buf: Uint8Array): number {
  let crc = 0;
  for (const b of buf) crc = ((crc << 8) & 0xffff) ^ (CRC_TABLE[((crc >> 8) ^ b) & 0xff] ?? 0);
  return crc;
}

/** The part of a key Redis Cluster hashes. */
export function hashedPart(key: string): string {
  const open = key.indexOf('{');
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) return key.slice(open + 1, close);
  }
  return key;
}

export function keySlot(key: string): number {
  return crc16(Buffer.from(hashedPart(key), 'utf8')) & 16383;
}

const slotTagCache = new Map<number, string>();

/** A short brace-free string hashing to `slot` (searched once per slot, then cached). */
function tagForSlot(slot: number): string {
  const cached = slotTagCache.get(slot);
  if (cached !== undefined) return cached;
  for (let i = 0; ; i++) {
    const candidate = i.toString(36);
    if ((crc16(Buffer.from(candidate)) & 16383) === slot) {
      slotTagCache.set(slot, candidate);
      return candidate;
    }
  }
}

function slotTag(stream: string): string {
  const part = hashedPart(stream);
  if (!part.includes('}')) return part;
  return tagForSlot(keySlot(stream));
}

function derived(stream: string, kind: string, suffix = ''): string {
  return `${PREFIX}:{${slotTag(stream)}}:${kind}:${stream}${suffix}`;
}

/** The per-slot registry of streams whose groups may reap (see keys.reapRegistry). */
const reapRegistryOfSlot = (slot: number): string => `${PREFIX}:{${tagForSlot(slot)}}:reap-streams`;

export const keys = {
  /** Hash: group name → JSON group policy. */
  policy: (stream: string): string => derived(stream, 'policy'),
  /** String with TTL: the first result of a publish made with this Idempotency-Key. */
  idempotency: (stream: string, key: string): string => derived(stream, 'idem', `\u0000${key}`),
  /**
   * Set of the stream names of one Cluster slot that have a group with `reapIdleMs` > 0,
   * kept by the policy scripts in the same step as the policy (same slot as the stream, so
   * one script may touch both). The reaper finds the slots through keys.reapSlots.
   */
  reapRegistry: (stream: string): string => reapRegistryOfSlot(keySlot(stream)),
  reapRegistryOfSlot,
  /** Set of the slot numbers whose registry ever held a stream (only grows: at most 16384). */
  reapSlots: `${PREFIX}:reap-slots`,
  /**
   * String with a TTL: the pending-list ID where the group's last bounded lease walk
   * stopped (pull-5.lua resumes after it); absent: from the start. Per stream and group.
   */
  leaseCursor: (stream: string, group: string): string => derived(stream, 'lease-cursor', `\u0000${group}`),
  /**
   * Sorted set (every score 0) of the nack delays longer than an entry's idle time can
   * express, for every group of the stream: members `<group>\0<id>\0<notBeforeMs>` (see
   * sg_delay_range in lua/include/prelude.lua). Read only by the gateway's lease walk; it
   * expires when its last delay is over. Per stream.
   */
  nackDelays: (stream: string): string => derived(stream, 'nack-delays'),
  /**
   * Sorted set: what redrive republished into the stream, members `<group>\0<x-original-id>`
   * scored by the time (ms), so that a duplicate dead letter (a move across Cluster slots
   * cut short) is not redriven twice (sg_redriven in lua/include/prelude.lua). Per stream.
   */
  redriven: (stream: string): string => derived(stream, 'redriven'),
  /** Default dead-letter stream of a group (the contract's `<stream>:dlq`). */
  defaultDeadLetter: (stream: string): string => `${stream}:dlq`,
} as const;

/**
 * True for a name in the gateway's own namespace (every key above but the dead-letter
 * default): such keys are not streams a client may name, whatever the fence's patterns. A
 * client that created one as a stream (a publish creates its key) would break the gateway:
 * a stream's policy hash taken makes every pull of that stream fail, the reaper's index
 * taken stops reaping everywhere.
 */
export const isGatewayKey = (name: string): boolean => name.startsWith(`${PREFIX}:{`) || name === keys.reapSlots;

export const sameSlot = (a: string, b: string): boolean => keySlot(a) === keySlot(b);
