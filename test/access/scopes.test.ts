import { randomBytes } from 'node:crypto';
import { type ServiceError, status } from '@grpc/grpc-js';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS, type Operation } from '../../src/core/access/operations.js';
import { redisUrl, uniq } from '../helpers/core.js';
import { errorCode } from '../helpers/grpc.js';
import { openPull } from '../grpc/streaming-support.js';
import type { Transport } from '../transports/driver.js';
import { type AuthGateway, CALLS, codeOf, fingerprint, type KeyDef, listAll, prepared, tempDirs, withAuthGateway, writeKeys } from './support.js';

/**
 * Every operation with every scope, over real HTTP and a real gRPC channel: the key with
 * the scope the operation needs may do it, the others are refused with PERMISSION_DENIED
 * and change nothing; missing and wrong keys are UNAUTHENTICATED.
 */

const P = `scope-${randomBytes(4).toString('hex')}-`;
/** Outside every grant on P*. */
const Q = `elsewhere-${randomBytes(4).toString('hex')}/`;
const secret = (name: string) => `${name}-${randomBytes(12).toString('hex')}`;

const KEYS = {
  pub: { name: 'pub', secret: secret('pub'), grants: [{ scopes: ['publish'], streams: [`${P}*`] }] },
  con: { name: 'con', secret: secret('con'), grants: [{ scopes: ['consume'], streams: [`${P}*`] }] },
  adm: { name: 'adm', secret: secret('adm'), grants: [{ scopes: ['admin'], streams: [`${P}*`] }] },
  // Publish and admin, in two grants (scopes of different grants add up on a stream).
  both: {
    name: 'both',
    secret: secret('both'),
    grants: [
      { scopes: ['publish'], streams: [`${P}*`] },
      { scopes: ['admin'], streams: [`${P}*`] },
    ],
  },
  // Every scope, elsewhere: no grant at all on P*.
  other: { name: 'other', secret: secret('other'), grants: [{ scopes: ['publish', 'consume', 'admin'], streams: [`${Q}*`] }] },
  globs: {
    name: 'globs',
    secret: secret('globs'),
    grants: [{ scopes: ['publish'], streams: [`${P}q?`, `${P}[ab]-x`, `${P}lit\\*`, `${P}t/*`, `${P}[^0-9]n`] }],
  },
} satisfies Record<string, KeyDef>;
type KeyName = keyof typeof KEYS;
const SCOPED: KeyName[] = ['pub', 'con', 'adm', 'other'];

const newDir = tempDirs();
let gw: AuthGateway;
let redis: Redis;
/** `request.principal` as later hooks (per-key limits) see it. */
const principals: Array<string | undefined> = [];
withAuthGateway(
  () => ({ STREAMGATE_AUTH_FILE: writeKeys(newDir(), Object.values(KEYS)) }),
  (g) => (gw = g),
  (app) =>
    app.addHook('onResponse', async (req) => {
      principals.push(req.principal?.name);
    }),
);
beforeAll(() => {
  redis = new Redis(redisUrl());
});
afterAll(() => redis.disconnect());

function allowedKeys(op: Operation): KeyName[] {
  const requires = OPERATIONS[op].requires;
  if (requires === 'any') return ['pub', 'con', 'adm'];
  return SCOPED.filter((k) => KEYS[k].grants.some((g) => (g.scopes as readonly string[]).includes(requires)) && k !== 'other');
}

describe.each(['rest', 'grpc'] as Transport[])('scopes over %s', (transport) => {
  const d = (key?: KeyName) => gw.driver(transport, key === undefined ? undefined : KEYS[key].secret);

  describe.each(Object.keys(CALLS) as Array<keyof typeof CALLS>)('%s', (op) => {
    it(`needs ${OPERATIONS[op].requires === 'any' ? 'some grant' : `the ${OPERATIONS[op].requires} scope`} on the stream`, async () => {
      const { stream, id } = await prepared(redis, P);
      const call = CALLS[op];
      const allowed = allowedKeys(op);
      const before = await fingerprint(redis, stream);
      for (const key of SCOPED.filter((k) => !allowed.includes(k))) {
        expect(await codeOf(call(d(key), stream, id)), `${key} must be refused`).toBe('PERMISSION_DENIED');
      }
      expect(await codeOf(call(d(), stream, id)), 'no key').toBe('UNAUTHENTICATED');
      expect(await codeOf(call(gw.driver(transport, 'not-a-key'), stream, id)), 'wrong key').toBe('UNAUTHENTICATED');
      expect(await fingerprint(redis, stream), 'refused calls changed nothing').toEqual(before);
      for (const key of allowed) {
        expect(await codeOf(call(d(key), stream, id)), `${key} may`).toBeNull();
      }
    });
  });

  it('publishing with trim deletes entries, so it needs admin as Trim does: a publish-only key cannot empty a stream', async () => {
    const { stream } = await prepared(redis, P);
    const before = await fingerprint(redis, stream);
    const msg = [{ fields: { k: Buffer.from('v') } }];
    const wipe = { maxLen: 0, exact: true };
    expect(await codeOf(d('pub').publish(stream, msg, { trim: wipe })), 'publish scope alone').toBe('PERMISSION_DENIED');
    expect(await codeOf(d('adm').publish(stream, msg, { trim: wipe })), 'admin scope alone').toBe('PERMISSION_DENIED');
    expect(await fingerprint(redis, stream), 'refused calls changed nothing').toEqual(before);
    // Without trim a publish-only key publishes as before.
    expect(await codeOf(d('pub').publish(stream, msg))).toBeNull();
    expect(await redis.xlen(stream)).toBe(2);
    // A key with both scopes may publish with trim.
    expect(await codeOf(d('both').publish(stream, msg, { trim: wipe }))).toBeNull();
    expect(await redis.xlen(stream)).toBe(0);
  });

  it('grant patterns: ?, [ab], [^0-9], escapes, and * across /', async () => {
    const globs = d('globs');
    const cases: Array<[string, boolean]> = [
      ['q1', true],
      ['q12', false],
      ['q', false],
      ['a-x', true],
      ['b-x', true],
      ['c-x', false],
      ['lit*', true],
      ['litX', false],
      ['t/a/b/c', true],
      ['t', false],
      ['u/a', false],
      ['xn', true],
      ['5n', false],
    ];
    for (const [suffix, ok] of cases) {
      const code = await codeOf(globs.publish(`${P}${suffix}`, [{ fields: { k: Buffer.from('v') } }]));
      expect(code, `${P}${suffix}`).toBe(ok ? null : 'PERMISSION_DENIED');
    }
  });

  it('ListStreams lists only streams the key has some grant on', async () => {
    const mine = `${P}${uniq('ls')}`;
    const theirs = `${Q}${uniq('ls')}`;
    await redis.xadd(mine, '*', 'k', 'v');
    await redis.xadd(theirs, '*', 'k', 'v');
    const byCon = await listAll(d('con'), `${P}*`);
    expect(byCon).toContain(mine);
    expect(byCon).not.toContain(theirs);
    const byOther = await listAll(d('other'));
    expect(byOther).toContain(theirs);
    expect(byOther).not.toContain(mine);
    expect(byOther.every((s) => s.startsWith(Q))).toBe(true);
    expect(await codeOf(d().listStreams({}))).toBe('UNAUTHENTICATED');
  });
});

describe('REST specifics', () => {
  it('the principal is on the request for later hooks', async () => {
    principals.length = 0;
    await gw.driver('rest', KEYS.con.secret).listStreams({ count: 10 });
    await fetch(`${gw.url}/healthz`);
    expect(principals).toEqual(['con', undefined]);
  });

  it('401 carries WWW-Authenticate: Bearer and a problem; ops routes stay open', async () => {
    const res = await fetch(`${gw.url}/v1/streams/${P}x`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
    const wrong = await fetch(`${gw.url}/v1/streams/${P}x`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json', '/docs/']) {
      expect((await fetch(`${gw.url}${path}`)).status, path).toBe(200);
    }
  });

  it('a request with no key is refused before its body is parsed', async () => {
    const res = await fetch(`${gw.url}/v1/streams/${P}x/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(res.status).toBe(401);
  });
});

describe('StreamingPull', () => {
  it('needs the consume scope; missing and wrong keys are UNAUTHENTICATED', async () => {
    const { stream } = await prepared(redis, P);
    await redis.xadd(stream, '*', 'k', 'new');
    const first = { stream, group: 'g', consumer: 'sp', maxOutstandingMessages: 10 };
    const endCode = async (key: string | undefined) => {
      const pull = openPull(gw.client, first, undefined, gw.metadata(key));
      const end = await pull.ended;
      return { code: end.code, contract: errorCode(end as unknown as ServiceError) };
    };
    expect(await endCode(KEYS.pub.secret)).toEqual({ code: status.PERMISSION_DENIED, contract: 'PERMISSION_DENIED' });
    expect(await endCode(KEYS.adm.secret)).toEqual({ code: status.PERMISSION_DENIED, contract: 'PERMISSION_DENIED' });
    expect(await endCode(undefined)).toEqual({ code: status.UNAUTHENTICATED, contract: 'UNAUTHENTICATED' });
    expect(await endCode('wrong')).toEqual({ code: status.UNAUTHENTICATED, contract: 'UNAUTHENTICATED' });

    const pull = openPull(gw.client, first, undefined, gw.metadata(KEYS.con.secret));
    await pull.until(() => pull.messages().length === 1, 5000, 'a message');
    expect(pull.messages()[0]?.fields.k?.toString()).toBe('new');
    await pull.cancel();
  });
});

