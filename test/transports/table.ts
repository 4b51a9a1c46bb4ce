import type { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/runtime/embedded-redis.js';
import { uniq } from '../helpers/core.js';
import { reportsInactive } from '../helpers/redis-version.js';
import { type Driver, TRANSPORTS, type Transport, makeGrpc, makeRest } from './driver.js';
import { BACKOFF } from './scenarios/backoff.js';
import { CONSUME } from './scenarios/consume.js';
import { CONSUMERS } from './scenarios/consumers.js';
import { DEAD_LETTERS } from './scenarios/dead-letters.js';
import { DEAD_LETTERS_ACROSS_SLOTS } from './scenarios/dead-letters-across-slots.js';
import { DEAD_LETTER_TYPE } from './scenarios/dead-letter-type.js';
import { ERROR_CASES } from './scenarios/errors.js';
import { GROUPS } from './scenarios/groups.js';
import { MESSAGES } from './scenarios/messages.js';
import { PENDING } from './scenarios/pending.js';
import { REDIS_PARITY } from './scenarios/redis-parity.js';
import { STREAMS } from './scenarios/streams.js';
import { TERM_OWNED } from './scenarios/term-owned.js';
import { type Ctx, type Scenario, codeOf, normalize } from './scenarios/support.js';

/**
 * One scenario table, run against both transports: what a user can do through REST they can
 * do through gRPC, with the same result. Each scenario (scenarios/*.ts, by area) is a
 * function of the transport-neutral driver (driver.ts); it runs once over REST and once over
 * gRPC, asserting the same expectations, and returns its outcome. The last block compares
 * the two outcomes of every scenario: same values, same counts, same codes, IDs in the same
 * places (IDs and stream names replaced by labels in order of appearance). A comparison
 * runs the scenario itself on a transport whose test did not run (a filtered run), so that
 * no test depends on the ones before it.
 */

/** Small enough that PAYLOAD_TOO_LARGE is cheap to reach; large enough for every scenario. */
const ENV = { STREAMGATE_MAX_MESSAGE_BYTES: '4096' };

const SCENARIOS: Record<string, Scenario> = { ...MESSAGES, ...STREAMS, ...GROUPS, ...CONSUMERS, ...CONSUME, ...PENDING, ...DEAD_LETTERS, ...DEAD_LETTERS_ACROSS_SLOTS, ...REDIS_PARITY, ...BACKOFF, ...TERM_OWNED, ...DEAD_LETTER_TYPE };
for (const c of ERROR_CASES) {
  const title = `${c.code}: ${c.label}`;
  if (title in SCENARIOS) throw new Error(`two scenarios named ${title}`);
  SCENARIOS[title] = async (d, x) => {
    const got = await codeOf(c.run(d, x));
    expect(got).toBe(c.code);
    return got;
  };
}

const make: Record<Transport, typeof makeRest> = { rest: makeRest, grpc: makeGrpc };

/** Where the table runs: the shared test Redis (scenarios.test.ts), or a cluster (test/cluster). */
export interface TableTarget {
  /** Environment of the gateways, beside the table's own. */
  readonly env?: Record<string, string>;
  /** The gateway's Redis URL; undefined: the shared test Redis. */
  url(): string | undefined;
  /** A gateway's Redis URL where nothing listens. */
  downUrl(port: number): string;
  /** A native client of the same Redis (a Cluster client on a cluster). */
  plain(): Redis | Cluster;
  /** The scenarios' stream names from a unique one (default: as is). */
  readonly streamName?: (unique: string) => string;
  /** Scenarios whose expectation differs on this target, by title (each says why). */
  readonly overrides?: Record<string, Scenario>;
}

/** Registers the table's tests (every scenario over each transport, then the comparison) on `target`. */
export function scenarioTable(target: TableTarget): void {
  const scenarios: Record<string, Scenario> = { ...SCENARIOS };
  for (const [title, scenario] of Object.entries(target.overrides ?? {})) {
    if (!(title in scenarios)) throw new Error(`no scenario named ${title} to override`);
    scenarios[title] = scenario;
  }
  const drivers = {} as Record<Transport, { d: Driver; down: Driver }>;
  let redis: Redis;
  let redis72 = false;

  beforeAll(async () => {
    // A Cluster client answers every command the scenarios send (one key each) as a node does.
    redis = target.plain() as Redis;
    redis72 = await reportsInactive(redis);
    const env = { ...ENV, ...target.env };
    // A port nobody listens on: Redis is simply not there.
    const downUrl = target.downUrl(await freePort());
    // The URL in the environment too: cluster mode checks that REDIS_URL is set.
    const url = target.url();
    const up = url === undefined ? env : { ...env, REDIS_URL: url };
    for (const t of TRANSPORTS) drivers[t] = { d: await make[t](up, url), down: await make[t]({ ...env, REDIS_URL: downUrl }, downUrl) };
  });
  afterAll(async () => {
    for (const { d, down } of Object.values(drivers)) {
      await d.close();
      await down.close();
    }
    redis?.disconnect();
  });

  /** The normalized outcome of each scenario per transport, run once (by its test or by the comparison). */
  const outcomes = new Map<string, Promise<unknown>>();
  function outcome(transport: Transport, title: string): Promise<unknown> {
    const key = `${transport}\u0000${title}`;
    let p = outcomes.get(key);
    if (!p) {
      const names: string[] = [];
      const x: Ctx = {
        name: () => {
          const n = target.streamName ? target.streamName(uniq('x')) : uniq('x');
          names.push(n);
          return n;
        },
        redis,
        down: drivers[transport].down,
        redis72,
      };
      p = scenarios[title]!(drivers[transport].d, x).then((value) => normalize(value, names));
      outcomes.set(key, p);
    }
    return p;
  }

  describe.each(TRANSPORTS)('over %s', (transport) => {
    it.each(Object.keys(scenarios))('%s', async (title) => {
      await outcome(transport, title);
    });
  });

  describe('REST and gRPC give the same outcome', () => {
    it.each(Object.keys(scenarios))('%s', async (title) => {
      const [rest, grpc] = await Promise.allSettled([outcome('rest', title), outcome('grpc', title)]);
      // A scenario that failed on a transport fails here with its own error.
      if (rest.status === 'rejected') throw rest.reason;
      if (grpc.status === 'rejected') throw grpc.reason;
      expect(grpc.value).toEqual(rest.value);
    });
  });
}
