import { z } from 'zod';
import { int, ranges } from './numbers.js';

export const PolicyFields = {
  leaseMs: int(ranges.leaseMs)
    .optional()
    .describe('Lease of a pulled message, measured by the group idle time: 0 (plain Redis: no redelivery) or 50–43200000. Default STREAMGATE_DEFAULT_LEASE_MS (30000).'),
  maxDeliveries: int(ranges.maxDeliveries)
    .optional()
    .describe('Deliveries after which a message is dead-lettered instead of redelivered: 0 (unlimited) to 1000. Default 0.'),
  deadLetterStream: z
    .string()
    .optional()
    .describe('Stream that receives dead letters. Default `<stream>:dlq` (may be shared by the stream groups).'),
  reapIdleMs: int(ranges.reapIdleMs)
    .optional()
    .describe(
      'Consumer reaping: a consumer idle (no read, claim, nack or extend) longer than this has its pending messages released for prompt redelivery to the group (delivery counts kept) and is then deleted; nothing pending is lost. 0 (default): never. Else 50–2592000000 (30 days) and at least leaseMs; needs leaseMs > 0. Checked every STREAMGATE_REAP_INTERVAL_MS (30000), so a consumer goes up to that much later.',
    ),
  minBackoffMs: int(ranges.backoffMs)
    .optional()
    .describe(
      'Retry backoff: after a delivery whose lease expired, or a nack without delayMs, the message is delivered again only after min(maxBackoffMs, minBackoffMs × 2^(deliveryCount − 1)) ms, counted from the lease expiry or the nack. 0 (default): off. 0–43200000, at most maxBackoffMs.',
    ),
  maxBackoffMs: int(ranges.backoffMs)
    .optional()
    .describe('Longest retry backoff (see minBackoffMs). 0 (default): off. 0–43200000, at least minBackoffMs.'),
};

export const GroupSchema = z
  .object({
    name: z.string(),
    consumers: int(),
    pending: int().describe('Messages delivered and not yet acked.'),
    lastDeliveredId: z.string().describe('Position of the group: the last ID delivered; "0-0" before the first, as Redis reports it.'),
    entriesRead: int().nullable().describe('Logical read counter (Redis 7); null when unknown.'),
    lag: int(ranges.lag)
      .nullable()
      .describe(
        'Entries not yet delivered to the group (entries ever added − entriesRead); null when Redis cannot tell. Negative only when entriesRead was set (ENTRIESREAD) above the entries ever added; entriesRead is at most 2^53 − 1, so lag is at least 2 − 2^53.',
      ),
    leaseMs: int(ranges.leaseMs),
    maxDeliveries: int(ranges.maxDeliveries),
    deadLetterStream: z.string(),
    reapIdleMs: int(ranges.reapIdleMs).describe('Idle time after which a consumer is reaped; 0: never.'),
    minBackoffMs: int(ranges.backoffMs).describe('First retry backoff, doubled per delivery up to maxBackoffMs; 0: off.'),
    maxBackoffMs: int(ranges.backoffMs).describe('Longest retry backoff; 0: off.'),
  })
  .meta({
    id: 'Group',
    description: 'A consumer group with its policy.',
    examples: [
      {
        name: 'billing',
        consumers: 2,
        pending: 1,
        lastDeliveredId: '1700000000000-0',
        entriesRead: 1,
        lag: 0,
        leaseMs: 30000,
        maxDeliveries: 5,
        deadLetterStream: 'orders:dlq',
        reapIdleMs: 0,
        minBackoffMs: 1000,
        maxBackoffMs: 60000,
      },
    ],
  });
