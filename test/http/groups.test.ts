import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keys } from '../../src/redis/keys.js';
import { uniq } from '../helpers/core.js';
import { withApp } from '../helpers/fixtures.js';
import { type TestApp } from '../helpers/http.js';
import { expectDocumented, expectProblem } from '../helpers/openapi-check.js';
import { R, call, createGroup, gp, ok, publishIds, sp } from './support.js';

/**
 * What only REST has on the group and consumer routes. Everything a user can do through
 * both transports is in the scenario table (test/transports/scenarios.test.ts): here are
 * the status codes of creation and deletion, and JSON bodies and query strings the contract
 * refuses (types and combinations proto3 cannot even carry). Nothing refused is written.
 */

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

describe('status codes', () => {
  it('POST creates a group: 201; DELETE answers 204 without a body; PUT of a consumer 201, then 200', async () => {
    const s = uniq();
    const created = await call(t, 'POST', sp(s, '/groups'), { group: 'g', createStream: true });
    expect(created.statusCode).toBe(201);
    expect(expectDocumented(created, 'POST', R.groups)).toMatchObject({ name: 'g' });
    const first = await call(t, 'PUT', gp(s, 'g', '/consumers/c1'));
    expect([first.statusCode, expectDocumented(first, 'PUT', R.consumer)]).toEqual([201, { consumer: 'c1', created: true }]);
    const again = await call(t, 'PUT', gp(s, 'g', '/consumers/c1'));
    expect([again.statusCode, expectDocumented(again, 'PUT', R.consumer)]).toEqual([200, { consumer: 'c1', created: false }]);
    const deleted = await call(t, 'DELETE', gp(s, 'g'));
    expect(deleted.statusCode).toBe(204);
    expect(expectDocumented(deleted, 'DELETE', R.group)).toBeUndefined();
  });
});

describe('JSON bodies and queries the contract refuses', () => {
  it('POST groups: missing name, mistyped or negative members; nothing is written', async () => {
    const s = uniq();
    const bad: unknown[] = [
      {},
      { group: '' },
      { group: 'g', maxDeliveries: -1 },
      { group: 'g', createStream: 'yes', leaseMs: 1000 },
      { group: 'g', entriesRead: -1 },
      { group: 'g', leaseMs: 'x' },
      { group: 'g', leaseMs: 1000, reapIdleMs: 1.5 },
      { group: 'g', leaseMs: 1000, reapIdleMs: '60000' },
      { group: 'g', reapIdleMs: -1 },
    ];
    for (const body of bad) expectProblem(await call(t, 'POST', sp(s, '/groups'), { createStream: true, ...(body as object) }), 'VALIDATION_FAILED', 'POST', R.groups);
    expect(await redis.exists(s)).toBe(0);
  });

  it('PATCH a group: mistyped members; the stored policy is unchanged', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true, leaseMs: 1000, reapIdleMs: 5000 });
    for (const body of [{ leaseMs: 'x' }, { maxDeliveries: -1 }, { reapIdleMs: 1.5 }, { reapIdleMs: '60000' }, { reapIdleMs: -1 }]) {
      expectProblem(await call(t, 'PATCH', gp(s, 'g'), body), 'VALIDATION_FAILED', 'PATCH', R.group);
    }
    expect(JSON.parse((await redis.hget(keys.policy(s), 'g')) ?? 'null')).toEqual({ leaseMs: 1000, maxDeliveries: 0, deadLetterStream: `${s}:dlq`, reapIdleMs: 5000 });
  });

  it('PUT position: both an ID and a timestamp (a oneof in gRPC), mistyped or negative values', async () => {
    const s = uniq();
    await publishIds(t, s, ['1000-0', '2000-0']);
    await createGroup(t, s, { group: 'g' });
    for (const body of [{ id: '0', timestampMs: 5 }, { timestampMs: -1 }, { timestampMs: 'x' }, { id: '0', entriesRead: -1 }]) {
      expectProblem(await call(t, 'PUT', gp(s, 'g', '/position'), body), 'VALIDATION_FAILED', 'PUT', R.position);
    }
    expect((await ok(t, 200, 'GET', R.group, gp(s, 'g'))).lastDeliveredId).toBe('2000-0');
  });

  it('DELETE a consumer: force must be true or false', async () => {
    const s = uniq();
    await createGroup(t, s, { group: 'g', createStream: true });
    await ok(t, 201, 'PUT', R.consumer, gp(s, 'g', '/consumers/c'));
    expectProblem(await call(t, 'DELETE', gp(s, 'g', '/consumers/c?force=maybe')), 'VALIDATION_FAILED', 'DELETE', R.consumer);
    expect((await ok(t, 200, 'GET', R.consumers, gp(s, 'g', '/consumers'))).consumers).toHaveLength(1);
  });
});
