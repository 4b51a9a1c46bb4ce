import { describe, expect, it } from 'vitest';
import { describeOptions, loadConfig } from '../../src/runtime/config.js';
import { configError } from '../helpers/config-error.js';
import { clusterSeeds } from '../../src/redis/cluster.js';

/** STREAMGATE_REDIS_CLUSTER and REDIS_URL's seed nodes: nonsense stops startup with a message naming the variable. */


describe('cluster configuration', () => {
  it('takes one seed or several comma-separated, of one scheme', () => {
    expect(loadConfig({ STREAMGATE_REDIS_CLUSTER: 'true', REDIS_URL: 'redis://h1:7000' }).redisCluster).toBe(true);
    const c = loadConfig({ STREAMGATE_REDIS_CLUSTER: '1', REDIS_URL: 'redis://:pw@h1:7000,redis://h2:7001, redis://h3' });
    expect([c.redisCluster, c.redisUrl]).toEqual([true, 'redis://:pw@h1:7000,redis://h2:7001, redis://h3']);
    expect(loadConfig({ REDIS_URL: 'redis://h:6379' }).redisCluster).toBe(false);
    expect(clusterSeeds('rediss://user:p%40ss@h1:7000,rediss://h2,rediss://[::1]:7002')).toEqual({
      nodes: [
        { host: 'h1', port: 7000 },
        { host: 'h2', port: 6379 },
        { host: '::1', port: 7002 },
      ],
      username: 'user',
      password: 'p@ss',
    });
  });

  it('refuses cluster mode without REDIS_URL: the embedded Redis is not a cluster', () => {
    expect(configError({ STREAMGATE_REDIS_CLUSTER: 'true' })).toContain('STREAMGATE_REDIS_CLUSTER: needs REDIS_URL');
  });

  it('refuses mixed schemes, a database, a seed without host, and several URLs without cluster mode', () => {
    const cluster = { STREAMGATE_REDIS_CLUSTER: 'true' };
    expect(configError({ ...cluster, REDIS_URL: 'redis://h1:7000,rediss://h2:7001' })).toContain('mix redis:// and rediss://');
    expect(configError({ ...cluster, REDIS_URL: 'redis://h1:7000/2' })).toContain('a Redis Cluster has only database 0');
    expect(configError({ ...cluster, REDIS_URL: 'redis://h1:7000,http://h2' })).toContain('REDIS_URL: seed "http://h2"');
    expect(configError({ ...cluster, REDIS_URL: 'redis://:secret@' })).toContain('has no host');
    expect(configError({ ...cluster, REDIS_URL: 'redis://:secret@' })).not.toContain('secret');
    expect(configError({ REDIS_URL: 'redis://h1:7000,redis://h2:7001' })).toContain('set STREAMGATE_REDIS_CLUSTER=true');
  });

  it('is in --help', () => {
    const help = describeOptions().find((o) => o.env === 'STREAMGATE_REDIS_CLUSTER');
    expect(help).toMatchObject({ flag: '--redis-cluster', defaultValue: 'false' });
  });
});
