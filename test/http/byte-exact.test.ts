import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { uniq } from '../helpers/core.js';
import { withApp } from '../helpers/fixtures.js';
import type { TestApp } from '../helpers/http.js';
import { expectProblem } from '../helpers/openapi-check.js';
import { R, call, enc, ok } from './support.js';

/**
 * Bytes never change silently on REST (docs/api.md#field-names-that-are-not-utf-8):
 * - a field name a native client wrote that is not UTF-8 comes back exactly, base64 in
 *   `pairs` with `nameEncoding: "base64"`, in both encodings (range read, pull), never as
 *   U+FFFD; `fields` keeps the names that are UTF-8;
 * - a name repeated in a JSON object of the body is refused (JSON.parse kept the last value
 *   and the publish answered 201), pointing to `pairs` when it is a field name.
 */

let t: TestApp;
let redis: Redis;
withApp((app, r) => {
  t = app;
  redis = r;
});

const BAD_NAME = Buffer.from([0xff, 0xfe, 0x41]);
const LONG_BAD_NAME = Buffer.concat([Buffer.alloc(40, 0x62), Buffer.from([0xc3])]);
const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');

/** A stream holding, written natively: a message with names that are not UTF-8 between two that are, and a plain one. */
async function nativeStream(): Promise<string> {
  const s = uniq('bytes');
  await redis.xadd(s, '*', 'a', '1', BAD_NAME, Buffer.from('é'), 'b', Buffer.from([0xff]), LONG_BAD_NAME, 'v');
  await redis.xadd(s, '*', 'plain', 'x');
  return s;
}

/** The two messages of nativeStream as REST presents them (the first has a value that is not UTF-8: values base64 too). */
const expected = (encoding: 'utf8' | 'base64') => [
  {
    fields: { a: b64('1'), b: b64(Buffer.from([0xff])) },
    pairs: [
      [b64('a'), b64('1')],
      [b64(BAD_NAME), b64('é')],
      [b64('b'), b64(Buffer.from([0xff]))],
      [b64(LONG_BAD_NAME), b64('v')],
    ],
    encoding: 'base64',
    nameEncoding: 'base64',
  },
  encoding === 'utf8' ? { fields: { plain: 'x' } } : { fields: { plain: b64('x') }, encoding: 'base64' },
];

const strip = (m: Record<string, unknown>) => {
  const { id: _id, deliveryCount: _dc, ...rest } = m;
  return rest;
};

describe('field names that are not UTF-8 come back exactly', () => {
  it.each(['utf8', 'base64'] as const)('range read (%s)', async (encoding) => {
    const s = await nativeStream();
    const body = (await ok(t, 200, 'GET', R.messages, `/v1/streams/${enc(s)}/messages?encoding=${encoding}`)) as { messages: Record<string, unknown>[] };
    expect(body.messages.map(strip)).toEqual(expected(encoding));
  });

  it.each(['utf8', 'base64'] as const)('pull (%s)', async (encoding) => {
    const s = await nativeStream();
    await redis.xgroup('CREATE', s, 'g', '0');
    const body = (await ok(t, 200, 'POST', R.pull, `/v1/streams/${enc(s)}/groups/g/pull?encoding=${encoding}`, { consumer: 'c', count: 10 })) as {
      messages: Record<string, unknown>[];
    };
    expect(body.messages.map(strip)).toEqual(expected(encoding));
  });

  it('a message whose values are UTF-8 keeps them as text beside base64 names', async () => {
    const s = uniq('bytes');
    await redis.xadd(s, '*', BAD_NAME, 'v', 'n', 'w');
    const body = (await ok(t, 200, 'GET', R.messages, `/v1/streams/${enc(s)}/messages`)) as { messages: Record<string, unknown>[] };
    expect(strip(body.messages[0]!)).toEqual({ fields: { n: 'w' }, pairs: [[b64(BAD_NAME), 'v'], [b64('n'), 'w']], nameEncoding: 'base64' });
  });
});

describe('publishing takes UTF-8 names only', () => {
  it('a message with nameEncoding (one read back as it is) is refused, not stored with its base64 names as text', async () => {
    const s = uniq('ne');
    for (const body of [
      { pairs: [['//5B', 'dg==']], nameEncoding: 'base64' },
      { messages: [{ fields: { a: '1' } }, { pairs: [['//5B', 'dg==']], nameEncoding: 'base64' }] },
    ]) {
      const p = expectProblem(await call(t, 'POST', `/v1/streams/${enc(s)}/messages`, body), 'VALIDATION_FAILED', 'POST', R.messages);
      expect(p.detail).toMatch(/nameEncoding/);
    }
    expect(await redis.exists(s)).toBe(0);
  });
});

describe('a name repeated in a JSON object is refused', () => {
  const post = (s: string, text: string) =>
    t.app.inject({ method: 'POST', url: `/v1/streams/${enc(s)}/messages`, payload: text, headers: { 'content-type': 'application/json' } });

  it('in fields (single message and batch): VALIDATION_FAILED pointing to pairs, nothing written', async () => {
    const s = uniq('dup');
    for (const [text, path] of [
      ['{"fields":{"a":"1","b":"x","a":"2"}}', 'fields'],
      ['{"messages":[{"fields":{"n":"1"}},{"fields":{"t":"12:00","t" : "13:00"}}]}', 'messages[1].fields'],
      ['{"fields":{"\\u0061":"1","a":"2"}}', 'fields'],
      ['{"fields":{"\\u003a":"1",":":"2"}}', 'fields'],
    ] as const) {
      const p = expectProblem(await post(s, text), 'VALIDATION_FAILED', 'POST', R.messages);
      expect(p.detail, text).toMatch(/repeats the field name "(a|t|:)"/);
      expect(p.detail).toMatch(/pairs/);
      expect(p.errors?.[0]?.path).toBe(path);
    }
    expect(await redis.exists(s)).toBe(0);
  });

  it('elsewhere in the body too (a repeated "fields" member would drop a message\'s fields)', async () => {
    const s = uniq('dup');
    const p = expectProblem(await post(s, '{"messages":[{"fields":{"a":"1"},"fields":{"b":"2"}}]}'), 'VALIDATION_FAILED', 'POST', R.messages);
    expect(p.detail).toMatch(/messages\[0\] repeats the name "fields"/);
    expect(await redis.exists(s)).toBe(0);
  });

  it('names that only look alike, and colons in values or escaped, are not repeats', async () => {
    const s = uniq('dup');
    const text = '{"messages":[{"fields":{"a":"1:2","A":"x","a:":"::","\\u003a":"y"}},{"fields":{"a":"1"}}]}';
    const res = await post(s, text);
    expect(res.statusCode, res.body).toBe(201);
    const read = (await ok(t, 200, 'GET', R.messages, `/v1/streams/${enc(s)}/messages`)) as { messages: { fields: Record<string, string> }[] };
    expect(read.messages[0]!.fields).toEqual({ a: '1:2', A: 'x', 'a:': '::', ':': 'y' });
  });
});

describe('the same body through call() (objects cannot repeat names) still publishes', () => {
  it('fields and pairs', async () => {
    const s = uniq('dup');
    const res = await call(t, 'POST', `/v1/streams/${enc(s)}/messages`, { pairs: [['a', '1'], ['a', '2']] });
    expect(res.statusCode).toBe(201);
  });
});
