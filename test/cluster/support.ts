import type { FastifyInstance } from 'fastify';
import { Cluster } from 'ioredis';
import { createCore, type Core } from '../../src/core/core.js';
import { buildHttpApp } from '../../src/http/app.js';
import { testConfig } from '../helpers/core.js';
import { type ClusterOptions, startCluster, type TestCluster } from '../helpers/redis-cluster.js';

/** A local cluster, a core in cluster mode on it with its REST app, and a plain Cluster client. */
export interface ClusterGateway {
  readonly cluster: TestCluster;
  readonly core: Core;
  readonly app: FastifyInstance;
  readonly plain: Cluster;
  /** Closes the app, the core and the client, then stops every node. */
  close(): Promise<void>;
}

export async function clusterGateway(env: Record<string, string> = {}, options: ClusterOptions = {}): Promise<ClusterGateway> {
  const cluster = await startCluster(options);
  let core: Core | undefined;
  try {
    core = createCore(testConfig({ STREAMGATE_REDIS_CLUSTER: 'true', REDIS_URL: cluster.seeds, ...env }), cluster.seeds);
    const app = await buildHttpApp({ core });
    const plain = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
    const c = core;
    return {
      cluster,
      core,
      app,
      plain,
      async close() {
        await app.close();
        await c.close();
        plain.disconnect();
        await cluster.stop();
      },
    };
  } catch (err) {
    await core?.close();
    await cluster.stop();
    throw err;
  }
}
