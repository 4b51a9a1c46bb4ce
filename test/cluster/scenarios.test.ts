import { Cluster } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCluster, type TestCluster } from '../helpers/redis-cluster.js';
import { codeOf } from '../transports/scenarios/support.js';
import { scenarioTable } from '../transports/table.js';

/**
 * The transport scenario table (test/transports/table.ts), every verb and option on REST
 * and gRPC, run on a gateway in cluster mode over a local cluster of 3 masters × 1 replica:
 * the same answers as on one node. Stream names have no hash tag, so a stream and its
 * default dead-letter stream (`<name>:dlq`) are in different slots: dead-lettering takes
 * the two-step path there (docs/api.md, "Dead letters in Redis Cluster").
 */

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await startCluster();
}, 60_000);
afterAll(async () => {
  await cluster?.stop();
});

scenarioTable({
  env: { STREAMGATE_REDIS_CLUSTER: 'true' },
  url: () => cluster.seeds,
  downUrl: (port) => `redis://127.0.0.1:${port}`,
  plain: () => new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]),
  overrides: {
    // A cluster's listing cursor also names the master (up to 24 digits): 2^64 is one of
    // them; the first number past the largest is refused.
    'VALIDATION_FAILED: list streams with a cursor over 64 bits': async (d) => {
      const code = await codeOf(d.listStreams({ cursor: '302231454903657293676544' }));
      expect(code).toBe('VALIDATION_FAILED');
      return code;
    },
  },
});
