import { describe, expect, it } from 'vitest';
import { ConfigError, describeOptions, loadConfig } from '../../src/runtime/config.js';

/** The Sentinel and WAIT variables: parsed, checked against each other, and in --help. */
describe('Sentinel and publish-wait configuration', () => {
  it('parses the sentinels, the master name and the password; REDIS_URL stays optional', () => {
    const c = loadConfig({
      STREAMGATE_REDIS_SENTINELS: '127.0.0.1:26379, sentinel-b:26380,[::1]:26381',
      STREAMGATE_REDIS_SENTINEL_NAME: 'mymaster',
      STREAMGATE_REDIS_SENTINEL_PASSWORD: 's3cret',
    });
    expect(c.redisSentinel).toEqual({
      sentinels: [
        { host: '127.0.0.1', port: 26379 },
        { host: 'sentinel-b', port: 26380 },
        { host: '::1', port: 26381 },
      ],
      name: 'mymaster',
      password: 's3cret',
    });
    expect(c.redisUrl).toBeUndefined();
    expect(loadConfig({}).redisSentinel).toBeNull();
  });

  it('defaults: no WAIT, a 1000 ms WAIT timeout', () => {
    expect(loadConfig({}).publishWait).toEqual({ replicas: 0, timeoutMs: 1000 });
    expect(loadConfig({ STREAMGATE_PUBLISH_WAIT_REPLICAS: '2' }).publishWait).toEqual({ replicas: 2, timeoutMs: 1000 });
  });

  it.each([
    [{ STREAMGATE_REDIS_SENTINELS: '127.0.0.1:26379' }, /STREAMGATE_REDIS_SENTINEL_NAME: must be set with STREAMGATE_REDIS_SENTINELS/],
    [{ STREAMGATE_REDIS_SENTINEL_NAME: 'm' }, /STREAMGATE_REDIS_SENTINELS: must be set with STREAMGATE_REDIS_SENTINEL_NAME/],
    [{ STREAMGATE_REDIS_SENTINEL_PASSWORD: 'p' }, /STREAMGATE_REDIS_SENTINEL_PASSWORD: applies only with STREAMGATE_REDIS_SENTINELS/],
    [
      { STREAMGATE_REDIS_SENTINELS: 'h:1', STREAMGATE_REDIS_SENTINEL_NAME: 'm', STREAMGATE_REDIS_CLUSTER: 'true', REDIS_URL: 'redis://h:7000' },
      /STREAMGATE_REDIS_SENTINELS: Sentinel and Redis Cluster are exclusive/,
    ],
    [{ STREAMGATE_REDIS_SENTINELS: 'host-without-port', STREAMGATE_REDIS_SENTINEL_NAME: 'm' }, /"host-without-port" is not host:port/],
    [{ STREAMGATE_REDIS_SENTINELS: 'h:70000', STREAMGATE_REDIS_SENTINEL_NAME: 'm' }, /"h:70000" is not host:port/],
    [{ STREAMGATE_REDIS_SENTINELS: ' , ', STREAMGATE_REDIS_SENTINEL_NAME: 'm' }, /STREAMGATE_REDIS_SENTINELS/],
    [
      { STREAMGATE_REDIS_SENTINELS: 'h:1', STREAMGATE_REDIS_SENTINEL_NAME: 'm', STREAMGATE_EMBEDDED_FSYNC: 'always' },
      /STREAMGATE_EMBEDDED_FSYNC: applies only to the embedded Redis/,
    ],
    [{ STREAMGATE_PUBLISH_WAIT_REPLICAS: '65' }, /STREAMGATE_PUBLISH_WAIT_REPLICAS/],
    [{ STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: '0' }, /STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS/],
    [
      { STREAMGATE_PUBLISH_WAIT_REPLICAS: '1', STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: '5000' },
      /STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: must be below STREAMGATE_REDIS_COMMAND_TIMEOUT_MS \(5000\)/,
    ],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('is in --help', () => {
    const flags = describeOptions().map((o) => o.flag);
    for (const f of ['--redis-sentinels', '--redis-sentinel-name', '--redis-sentinel-password', '--publish-wait-replicas', '--publish-wait-timeout-ms']) {
      expect(flags).toContain(f);
    }
  });
});
