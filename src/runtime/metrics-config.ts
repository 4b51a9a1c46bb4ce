import { z } from 'zod';
import { splitGlobList } from '../core/access/glob.js';
import type { GroupMetricsConfig } from '../core/config.js';

/**
 * The per-group metrics variables (STREAMGATE_METRICS_*), part of config.ts's envSchema:
 * kept here so that file stays within its size.
 */
export const metricsEnv = {
  STREAMGATE_METRICS_STREAMS: z
    .string()
    .optional()
    .describe(
      'Comma-separated stream-name globs whose consumer groups get per-group metrics on /metrics (lag, pending, oldest pending idle, ' +
        'consumers, stale consumers, dead-letter and stream length), read from Redis at each scrape. Default none. A name without ' +
        'glob characters costs no SCAN; a glob SCANs the keyspace.',
    ),
  STREAMGATE_METRICS_MAX_GROUPS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100_000)
    .default(500)
    .describe('Most groups one /metrics scrape describes (streams in name order); past it streamgate_metrics_groups_capped is 1.'),
  STREAMGATE_METRICS_STALE_CONSUMER_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .max(2_592_000_000)
    .default(300_000)
    .describe('A consumer idle longer than this while holding pending entries counts in streamgate_group_stale_consumers.'),
};

type MetricsEnv = z.infer<z.ZodObject<typeof metricsEnv>>;

export function groupMetricsOf(e: MetricsEnv): GroupMetricsConfig {
  return Object.freeze({
    streams: Object.freeze(e.STREAMGATE_METRICS_STREAMS === undefined ? [] : splitGlobList(e.STREAMGATE_METRICS_STREAMS)),
    maxGroups: e.STREAMGATE_METRICS_MAX_GROUPS,
    staleConsumerMs: e.STREAMGATE_METRICS_STALE_CONSUMER_MS,
  });
}
