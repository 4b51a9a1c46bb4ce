import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUrl, uniq } from '../helpers/core.js';
import { type TestApp, enc, testApp } from '../helpers/http.js';
import type { MessageJson } from '../../src/http/encoding.js';

/**
 * REST ↔ native Redis (docs/api.md#data-model: encodings, field order, deleted entries):
 * what REST publishes is the entry XRANGE shows, byte for byte; what a native client adds
 * is consumed through REST unaltered; native and REST consumers of one group share its
 * messages.
 */

type Value = string | Buffer;
type Pair = readonly [string, Value];


const bytes = (v: Value): Buffer => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);
const b64 = (v: Value): string => bytes(v).toString('base64');
/** Pairs as base64 strings, names included: a readable, byte-exact comparison. */
const asB64 = (pairs: readonly Pair[]) => pairs.map(([n, v]) => [b64(n), b64(v)]);
const flatAsB64 = (flat: Buffer[]) => {
  const out: string[][] = [];
  for (let i = 0; i < flat.length; i += 2) out.push([flat[i]!.toString('base64'), flat[i + 1]!.toString('base64')]);
  return out;
};

describe('REST ↔ native Redis', () => {
  let t: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    t = await testApp();
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await t?.close();
    await redis?.quit();
  });

  async function rest(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, expected = 200) {
    const res = await t.app.inject({ method, url, ...(body === undefined ? {} : { payload: body as object }) });
    expect(res.statusCode, `${method} ${url}: ${res.body.slice(0, 300)}`).toBe(expected);
    return res.json();
  }
  const publish = async (stream: string, body: unknown, query = ''): Promise<string[]> =>
    (await rest('POST', `/v1/streams/${enc(stream)}/messages${query}`, body, 201)).ids;
  const pull = async (stream: string, group: string, body: object, query = ''): Promise<MessageJson[]> =>
    (await rest('POST', `/v1/streams/${enc(stream)}/groups/${enc(group)}/pull${query}`, body)).messages;
  const readRange = async (stream: string, query = ''): Promise<MessageJson[]> =>
    (await rest('GET', `/v1/streams/${enc(stream)}/messages${query}`)).messages;
  const xadd = (stream: string, pairs: readonly Pair[], id = '*') =>
    redis.call('XADD', stream, id, ...pairs.flatMap(([n, v]) => [n, v])) as Promise<string>;
  const nativeEntry = async (stream: string, id: string) => {
    const got = await redis.xrangeBuffer(stream, id, id);
    expect(got).toHaveLength(1);
    return got[0]![1];
  };

  describe('published through REST, read natively', () => {
    it('an entry is byte-identical in XRANGE: same field order, names and values, nothing added', async () => {
      const s = uniq('interop-pub');
      const pairs: Pair[] = [
        ['zeta', '1'],
        ['alpha', ''],
        ['名前', '値'],
        ['emoji', '🎉👩‍👩‍👧‍👦'],
        ['combining', 'e\u0301 a\u0308 (not normalised)'],
        ['zeta', 'again'],
        ['nul and newline', 'a\u0000b\n\r\t'],
        ['10', 'ten'],
        ['1', 'one'],
      ];
      const [id] = await publish(s, { pairs });
      expect(flatAsB64(await nativeEntry(s, id!))).toEqual(asB64(pairs));

      // `fields` keeps the JSON order of its (non integer-like) names.
      const fields = { z: '1', a: '2', m: '', ü: 'ö', 'with space': ' x ' };
      const [id2] = await publish(s, { fields });
      expect(flatAsB64(await nativeEntry(s, id2!))).toEqual(asB64(Object.entries(fields)));

      // A batch with explicit IDs: each message its own entry, in order, as given.
      const ids = await publish(s, {
        messages: [
          { id: '99999999999999-1', fields: { n: '1' } },
          { id: '99999999999999-2', pairs: [['n', '2'], ['n', '2b']] },
        ],
      });
      expect(ids).toEqual(['99999999999999-1', '99999999999999-2']);
      const all = await redis.xrangeBuffer(s, '-', '+');
      expect(all.map(([i]) => i.toString())).toEqual([id, id2, ...ids]);
      expect(flatAsB64(all[3]![1])).toEqual(asB64([['n', '2'], ['n', '2b']]));
      // Nothing else was written to the stream key (no envelope, no extra entries).
      expect(await redis.xlen(s)).toBe(4);
    });

    it('?encoding=base64 on publish stores exactly the decoded bytes; names stay text', async () => {
      const s = uniq('interop-b64');
      const every = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const pairs: Pair[] = [
        ['every byte', every],
        ['empty', Buffer.alloc(0)],
        ['ff fe', Buffer.from([0xff, 0xfe])],
        ['é text', Buffer.from('é', 'utf8')],
        ['random', randomBytes(1000)],
      ];
      const [id] = await publish(s, { pairs: pairs.map(([n, v]) => [n, b64(v)]) }, '?encoding=base64');
      expect(flatAsB64(await nativeEntry(s, id!))).toEqual(asB64(pairs));

      // Read back: with ?encoding=base64 every value is base64; without it, the message
      // has invalid UTF-8, so it comes back base64 as well (docs/api.md#encodings), never altered.
      for (const query of ['?encoding=base64', '']) {
        const [m] = await readRange(s, query);
        expect(m).toEqual({ id, encoding: 'base64', fields: Object.fromEntries(pairs.map(([n, v]) => [n, b64(v)])) });
        expect(Object.keys(m!.fields!)).toEqual(pairs.map(([n]) => n));
      }
    });

    it('?encoding=base64 on read returns every value base64, even for plain text', async () => {
      const s = uniq('interop-b64read');
      const [id] = await publish(s, { fields: { a: 'plain', e: '', u: 'héllo 🎉' } });
      const [m] = await readRange(s, '?encoding=base64');
      expect(m).toEqual({ id, encoding: 'base64', fields: { a: b64('plain'), e: '', u: b64('héllo 🎉') } });
      const [plain] = await readRange(s);
      expect(plain).toEqual({ id, fields: { a: 'plain', e: '', u: 'héllo 🎉' } });
    });
  });

  describe('added natively, consumed through REST', () => {
    const s = uniq('interop-native');
    const big = 'a€🎉ä'.repeat(104_858); // 1 048 580 bytes of valid UTF-8
    const bigBinary = randomBytes(1_048_576);
    /** Entries as a native client adds them, with what REST must answer for each. */
    const entries: Array<{ what: string; pairs: Pair[]; expect: Partial<Omit<MessageJson, 'id'>> }> = [
      {
        what: 'plain text, Redis order kept',
        pairs: [['b', '2'], ['a', '1'], ['c', '3']],
        expect: { fields: { b: '2', a: '1', c: '3' } },
      },
      {
        what: 'empty values',
        pairs: [['empty', ''], ['also', '']],
        expect: { fields: { empty: '', also: '' } },
      },
      {
        what: 'unicode, emoji, combining characters (not normalised)',
        pairs: [
          ['naïve', 'nai\u0308ve'],
          ['é', 'e\u0301'],
          ['emoji', '🎉👩‍👩‍👧‍👦🏳️‍🌈'],
          ['cjk', '漢字かなカナ'],
          ['rtl', 'שלום مرحبا'],
          ['controls', '\u0000\u0001\u001f\u007f\u0085\u2028'],
          ['edges', '\ufeff\uffff\u{10ffff}'],
        ],
        expect: {
          fields: {
            naïve: 'nai\u0308ve',
            é: 'e\u0301',
            emoji: '🎉👩‍👩‍👧‍👦🏳️‍🌈',
            cjk: '漢字かなカナ',
            rtl: 'שלום مرحبا',
            controls: '\u0000\u0001\u001f\u007f\u0085\u2028',
            edges: '\ufeff\uffff\u{10ffff}',
          },
        },
      },
      {
        what: 'invalid UTF-8 (0xff 0xfe): base64, all values',
        pairs: [['bin', Buffer.from([0xff, 0xfe])], ['text', 'plain'], ['none', '']],
        expect: { encoding: 'base64', fields: { bin: '//4=', text: b64('plain'), none: '' } },
      },
      {
        what: 'an encoded lone surrogate (CESU-8), an overlong and a truncated sequence',
        pairs: [
          ['cesu', Buffer.from([0xed, 0xa0, 0x80])],
          ['overlong', Buffer.from([0xc0, 0xaf])],
          ['truncated', Buffer.from([0xe2, 0x82])],
        ],
        expect: { encoding: 'base64', fields: { cesu: '7aCA', overlong: 'wK8=', truncated: '4oI=' } },
      },
      {
        what: 'repeated names: pairs in Redis order',
        pairs: [['k', '1'], ['j', '2'], ['k', '3']],
        expect: { pairs: [['k', '1'], ['j', '2'], ['k', '3']] },
      },
      {
        what: 'integer-like names: pairs in Redis order',
        pairs: [['10', 'a'], ['1', 'b'], ['x', 'c'], ['01', 'd']],
        expect: { fields: { '10': 'a', '1': 'b', x: 'c', '01': 'd' }, pairs: [['10', 'a'], ['1', 'b'], ['x', 'c'], ['01', 'd']] },
      },
      {
        what: 'repeated names with invalid UTF-8: pairs, base64',
        pairs: [['r', Buffer.from([0xff])], ['r', 'ok']],
        expect: { encoding: 'base64', pairs: [['r', '/w=='], ['r', b64('ok')]] },
      },
      { what: 'a 1 MiB text value', pairs: [['big', big]], expect: { fields: { big } } },
      {
        what: 'a 1 MiB binary value',
        pairs: [['bigbin', bigBinary]],
        expect: { encoding: 'base64', fields: { bigbin: bigBinary.toString('base64') } },
      },
    ];
    const ids: string[] = [];

    beforeAll(async () => {
      for (const e of entries) ids.push(await xadd(s, e.pairs));
      // A group made by a native client: default policy (docs/api.md#group-policy).
      await redis.xgroup('CREATE', s, 'g', '0');
    });

    /** Names a JSON object keeps in insertion order (not integer-like). */
    const textual = (n: string) => !/^(0|[1-9]\d*)$/.test(n);
    /** The whole expected message; with repeated names `fields` holds each name once (any value). */
    const expected = (i: number) => ({ id: ids[i], fields: expect.any(Object), ...entries[i]!.expect });

    it('a REST pull receives every entry with identical fields', async () => {
      // The two 1 MiB entries do not fit one reply's byte budget (STREAMGATE_MAX_RESPONSE_BYTES,
      // 2 MiB): the pull after the first answers the rest.
      const got = await pull(s, 'g', { consumer: 'rest', count: 100 });
      expect(got.length).toBeLessThan(ids.length);
      got.push(...(await pull(s, 'g', { consumer: 'rest', count: 100 })));
      expect(got.map((m) => m.id)).toEqual(ids);
      got.forEach((m, i) => {
        const e = entries[i]!;
        const { fields, ...rest } = m;
        const { fields: wantFields, ...wantRest } = e.expect;
        expect({ what: e.what, ...rest }).toEqual({ what: e.what, id: ids[i], deliveryCount: 1, ...wantRest });
        if (wantFields) {
          expect(fields, e.what).toEqual(wantFields);
          // The object's own order is Redis's order for names that are not integer-like.
          expect(Object.keys(fields!).filter(textual), e.what).toEqual(e.pairs.map(([n]) => n).filter(textual));
        } else {
          // Repeated names: fields holds each name once; pairs holds them all.
          expect(Object.keys(fields!).sort(), e.what).toEqual([...new Set(e.pairs.map(([n]) => n))].sort());
        }
        // Every value decodes to exactly the bytes Redis holds.
        const restPairs = m.pairs ?? Object.entries(m.fields!);
        const decoded = restPairs.map(([n, v]) => [n, m.encoding === 'base64' ? Buffer.from(v, 'base64') : Buffer.from(v, 'utf8')] as const);
        expect(asB64(decoded), e.what).toEqual(asB64(e.pairs));
        // pairs appears only where a JSON object could not carry the entry.
        const needsPairs = new Set(e.pairs.map(([n]) => n)).size < e.pairs.length || e.pairs.some(([n]) => !textual(n));
        expect(m.pairs !== undefined, e.what).toBe(needsPairs);
      });
      expect(got.find((m) => m.id === ids[2])!.fields!['é']).not.toBe('é'); // e + U+0301 stays two code points
    });

    it('a range read answers the same, and ?encoding=base64 makes every message base64', async () => {
      const plain = await readRange(s);
      expect(plain.map((m) => m.id)).toEqual(ids);
      plain.forEach((m, i) => expect(m, entries[i]!.what).toEqual(expected(i)));
      const all64 = await readRange(s, '?encoding=base64');
      all64.forEach((m, i) => {
        expect(m.encoding).toBe('base64');
        const p = m.pairs ?? Object.entries(m.fields!);
        expect(p.map(([n, v]) => [b64(n), v])).toEqual(asB64(entries[i]!.pairs));
      });
    });
  });

  describe('REST publish → REST pull round trip', () => {
    it('unicode, empty and binary values come back byte-exact', async () => {
      const s = uniq('interop-trip');
      await rest('POST', `/v1/streams/${enc(s)}/groups`, { group: 'g', start: '0', createStream: true }, 201);
      const text = { u: 'héllo 🎉 e\u0301', empty: '', nul: 'a\u0000b', ctl: '\u0001\u007f\u0085', astral: '\u{10ffff}\u{1f600}', bom: '\ufeff' };
      const binary = randomBytes(300);
      const [id1] = await publish(s, { fields: text });
      const [id2] = await publish(s, { pairs: [['bin', b64(binary)], ['zero', b64(Buffer.alloc(3))], ['e', '']] }, '?encoding=base64');
      const [id3] = await publish(s, { pairs: [['dup', ''], ['dup', '🎉']] });

      const got = await pull(s, 'g', { consumer: 'c', count: 10 });
      expect(got).toEqual([
        { id: id1, fields: text, deliveryCount: 1 },
        {
          id: id2,
          encoding: 'base64',
          fields: { bin: b64(binary), zero: 'AAAA', e: '' },
          deliveryCount: 1,
        },
        { id: id3, fields: { dup: expect.any(String) }, pairs: [['dup', ''], ['dup', '🎉']], deliveryCount: 1 },
      ]);
      expect(Buffer.from(got[1]!.fields!.bin!, 'base64').equals(binary)).toBe(true);
      // The same bytes natively.
      expect(flatAsB64(await nativeEntry(s, id1!))).toEqual(asB64(Object.entries(text)));
    });
  });

  describe('fields named __proto__ or constructor', () => {
    it('given in pairs, they are stored and read back as ordinary fields', async () => {
      const s = uniq('interop-proto');
      const pairs: Pair[] = [
        ['__proto__', 'p'],
        ['constructor', 'c'],
        ['toString', 't'],
        ['hasOwnProperty', 'h'],
        ['prototype', 'x'],
      ];
      const [id] = await publish(s, { pairs });
      expect(flatAsB64(await nativeEntry(s, id!))).toEqual(asB64(pairs));

      await redis.xgroup('CREATE', s, 'g', '0');
      for (const res of [
        await t.app.inject({ method: 'GET', url: `/v1/streams/${enc(s)}/messages` }),
        await t.app.inject({ method: 'POST', url: `/v1/streams/${enc(s)}/groups/g/pull`, payload: { consumer: 'c' } }),
      ]) {
        expect(res.statusCode, res.body).toBe(200);
        expect(res.body).toContain('"__proto__":"p"');
        const [m] = (JSON.parse(res.body) as { messages: MessageJson[] }).messages;
        const fields = m!.fields!;
        expect(Object.getPrototypeOf(fields)).toBe(Object.prototype); // no prototype was set
        for (const [n, v] of pairs) expect(Object.getOwnPropertyDescriptor(fields, n)?.value, n).toBe(v);
        expect(Object.keys(fields)).toEqual(pairs.map(([n]) => n));
      }
    });

    it('__proto__ given in fields is refused with 400, not dropped; constructor in fields is stored', async () => {
      const s = uniq('interop-proto-fields');
      for (const raw of ['{"fields":{"__proto__":"x","a":"1"}}', '{"messages":[{"fields":{"a":"1","__proto__":"x"}}]}']) {
        const res = await t.app.inject({ method: 'POST', url: `/v1/streams/${enc(s)}/messages`, payload: raw, headers: { 'content-type': 'application/json' } });
        expect(res.statusCode, res.body).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json().code).toBe('VALIDATION_FAILED');
      }
      expect(await redis.exists(s)).toBe(0); // nothing written, not even without the field

      const [id] = await publish(s, { fields: { constructor: 'x', toString: 'y', valueOf: '' } });
      expect(flatAsB64(await nativeEntry(s, id!))).toEqual(asB64([['constructor', 'x'], ['toString', 'y'], ['valueOf', '']]));
      const [m] = await readRange(s);
      expect(m).toEqual({ id, fields: { constructor: 'x', toString: 'y', valueOf: '' } });
    });
  });

  describe('a native consumer and a REST consumer in one group', () => {
    it('share the messages: each delivered to exactly one of them', async () => {
      const s = uniq('interop-share');
      const all: string[] = [];
      for (let i = 0; i < 20; i++) all.push(await xadd(s, [['n', String(i)]]));
      await redis.xgroup('CREATE', s, 'g', '0');

      const native: string[] = [];
      const viaRest: string[] = [];
      for (let round = 0; round < 20; round++) {
        const r = (await redis.xreadgroup('GROUP', 'g', 'native', 'COUNT', 3, 'STREAMS', s, '>')) as
          | Array<[string, Array<[string, string[]]>]>
          | null;
        const n = r?.[0]?.[1].map(([id]) => id) ?? [];
        native.push(...n);
        const p = await pull(s, 'g', { consumer: 'rest', count: 4 });
        viaRest.push(...p.map((m) => m.id));
        if (n.length === 0 && p.length === 0) break;
      }
      expect(native.length).toBeGreaterThan(0);
      expect(viaRest.length).toBeGreaterThan(0);
      expect(native.filter((id) => viaRest.includes(id))).toEqual([]);
      expect([...native, ...viaRest].sort()).toEqual([...all].sort());
      expect(native.length + viaRest.length).toBe(all.length);

      // Both sides see the same pending split.
      const summary = await rest('GET', `/v1/streams/${enc(s)}/groups/g/pending`);
      expect(summary.count).toBe(20);
      expect(new Map(summary.consumers.map((c: { name: string; count: number }) => [c.name, c.count]))).toEqual(
        new Map([
          ['native', native.length],
          ['rest', viaRest.length],
        ]),
      );
      // While the leases run, neither a REST pull nor a native read gets anything more.
      expect(await pull(s, 'g', { consumer: 'rest2', count: 100 })).toEqual([]);
      expect(await redis.xreadgroup('GROUP', 'g', 'native2', 'COUNT', 100, 'STREAMS', s, '>')).toBeNull();
    });
  });

  describe('native commands on messages pulled through REST', () => {
    it('a native XACK removes the message from pending as REST sees it', async () => {
      const s = uniq('interop-xack');
      const [a, b] = [await xadd(s, [['x', '1']]), await xadd(s, [['x', '2']])];
      await redis.xgroup('CREATE', s, 'g', '0');
      const got = await pull(s, 'g', { consumer: 'c', count: 2 });
      expect(got.map((m) => m.id)).toEqual([a, b]);

      expect(await redis.xack(s, 'g', a)).toBe(1);
      const summary = await rest('GET', `/v1/streams/${enc(s)}/groups/g/pending`);
      expect(summary).toEqual({ count: 1, minId: b, maxId: b, consumers: [{ name: 'c', count: 1 }] });
      const { entries } = await rest('GET', `/v1/streams/${enc(s)}/groups/g/pending/entries`);
      expect(entries.map((e: { id: string }) => e.id)).toEqual([b]);
      // Acking it again through REST: not pending any more.
      expect(await rest('POST', `/v1/streams/${enc(s)}/groups/g/ack`, { ids: [a, b] })).toEqual({ acked: 1, notPending: [a] });
      expect((await rest('GET', `/v1/streams/${enc(s)}/groups/g/pending`)).count).toBe(0);
    });

    it('a history read of a pending entry deleted natively (XDEL) answers {id, fields: null, deleted: true}', async () => {
      const s = uniq('interop-xdel');
      const [a, b] = [await xadd(s, [['x', '1']]), await xadd(s, [['x', '2']])];
      await redis.xgroup('CREATE', s, 'g', '0');
      expect((await pull(s, 'g', { consumer: 'c', count: 2 })).map((m) => m.id)).toEqual([a, b]);
      expect(await redis.xdel(s, a)).toBe(1);

      const history = await pull(s, 'g', { consumer: 'c', from: '0', count: 10 });
      expect(history).toEqual([
        { id: a, fields: null, deleted: true, deliveryCount: expect.any(Number) },
        { id: b, fields: { x: '2' }, deliveryCount: expect.any(Number) },
      ]);
      expect(history[0]).not.toHaveProperty('pairs');
      // Redis itself agrees: the entry is gone from the stream and still pending.
      expect((await readRange(s)).map((m) => m.id)).toEqual([b]);
      expect((await rest('GET', `/v1/streams/${enc(s)}/groups/g/pending`)).count).toBe(2);
      // A history read after the deleted one starts past it.
      const after = await pull(s, 'g', { consumer: 'c', from: a, count: 10 });
      expect(after.map((m) => m.id)).toEqual([b]);
      expect(await rest('POST', `/v1/streams/${enc(s)}/groups/g/ack`, { ids: [a] })).toEqual({ acked: 1, notPending: [] });
    });
  });
});
