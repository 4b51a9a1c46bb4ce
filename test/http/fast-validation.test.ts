import fc from 'fast-check';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { EncodingQuery, GroupParams, StreamParams } from '../../src/http/schemas/common.js';
import { PullBody } from '../../src/http/routes/consume.js';
import { PublishBody, PublishHeaders } from '../../src/http/routes/messages.js';
import { KEEP, MISS, Refused, fastPathOf, validatorCompiler } from '../../src/http/validation.js';

/**
 * The fast paths of src/http/validation.ts answer exactly what zod answers: on every input
 * either MISS (zod parses it) or zod's own value, key for key (KEEP for headers: zod's value
 * adds nothing to them). Refusals always come from zod, so their messages and paths cannot
 * differ; the compiled validators are compared too.
 */

const NAMES = ['', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '0', '1', '01', '-1', '1.5', '4294967295', '9007199254740993', 'fields', 'pairs', 'id', 'é', '😀', '\u0000', '\uD800', 'a b'];
const name = fc.oneof(fc.constantFrom(...NAMES), fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }));
const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.constantFrom('', '\uDFFF', 'x'.repeat(5000)));
const anyJson = fc.jsonValue({ maxDepth: 3 });
const value = fc.oneof({ weight: 8, arbitrary: text }, { weight: 1, arbitrary: anyJson });
const fields = fc.dictionary(name, value, { maxKeys: 8 });
const stringFields = fc.dictionary(name, text, { maxKeys: 8 });

/** As the JSON body parser makes it: JSON.parse of the text (a `__proto__` name becomes an own key). */
const parsed = <T>(v: T): unknown => JSON.parse(JSON.stringify(v) ?? 'null');

const body = fc.oneof(
  { weight: 6, arbitrary: stringFields.map((f) => parsed({ fields: f })) },
  { weight: 3, arbitrary: fields.map((f) => parsed({ fields: f })) },
  { weight: 2, arbitrary: fc.tuple(stringFields, fc.constantFrom('id', 'pairs', 'messages', 'trim', 'extra', '__proto__'), anyJson).map(([f, k, v]) => parsed({ fields: f, [k]: v })) },
  { weight: 1, arbitrary: fc.array(fc.tuple(text, text), { maxLength: 3 }).map((pairs) => parsed({ pairs })) },
  { weight: 1, arbitrary: anyJson },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, 'text', [], {}, { fields: null }, { fields: [] }, { fields: ['a'] }, { fields: 'a' }, { fields: {} }) },
);

/** A batch item: mostly `{fields}` of strings, sometimes with an `id`, sometimes anything. */
const ID_VALUES = fc.oneof(fc.constantFrom<unknown>('1-0', '*', '5-*', '', 'x', 1, null, true, [], {}), text);
const item = fc.oneof(
  { weight: 8, arbitrary: stringFields.map((f) => ({ fields: f })) },
  { weight: 3, arbitrary: fc.tuple(stringFields, ID_VALUES).map(([f, id]) => ({ fields: f, id })) },
  { weight: 1, arbitrary: fields.map((f) => ({ fields: f })) },
  { weight: 1, arbitrary: fc.tuple(stringFields, fc.constantFrom('pairs', 'extra', '__proto__', 'ID', 'fields '), anyJson).map(([f, k, v]) => ({ fields: f, [k]: v })) },
  { weight: 1, arbitrary: fc.array(fc.tuple(text, text), { maxLength: 2 }).map((pairs) => ({ pairs })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({}, null, 'x', 1, [], { fields: null }, { fields: [] }, { id: '1-0' }, { fields: {}, id: undefined }) },
);
const batch = fc.oneof(
  { weight: 6, arbitrary: fc.array(item, { maxLength: 6 }).map((messages) => parsed({ messages })) },
  { weight: 3, arbitrary: fc.array(stringFields.map((f) => ({ fields: f })), { maxLength: 6 }).map((messages) => parsed({ messages })) },
  { weight: 2, arbitrary: fc.tuple(fc.array(item, { maxLength: 3 }), fc.constantFrom('id', 'fields', 'pairs', 'trim', 'extra', '__proto__'), anyJson).map(([messages, k, v]) => parsed({ messages, [k]: v })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>({ messages: null }, { messages: {} }, { messages: 'x' }, { messages: [null] }, { messages: [[]] }, { messages: [] }) },
  { weight: 2, arbitrary: body },
);

/** Pull bodies: every key of the schema, of its type or not, and others. */
const CONSUMERS = ['c', 'worker-1', '', ' ', 'a b', '\u0000', '\uD800', 'é'.repeat(128), 'é'.repeat(129), 'x'.repeat(256), 'x'.repeat(257), '__proto__'];
const consumer = fc.oneof({ weight: 4, arbitrary: fc.constantFrom<unknown>(...CONSUMERS) }, { weight: 2, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.string({ unit: 'binary' }) }, { weight: 1, arbitrary: anyJson });
const number = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -5, max: 2000 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(0, -0, 1.5, 1e21, 2 ** 53, 2 ** 53 - 1, -(2 ** 53), 9007199254740993, NaN, Infinity, '1', null, true) },
  { weight: 1, arbitrary: fc.double() },
);
const ackIds = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom('1-0', '1700000000000-12', 'x', '', '0-0'), { maxLength: 8 }) },
  { weight: 1, arbitrary: fc.array(fc.oneof(text, anyJson), { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, 'x', {}, [null], [1]) },
);
const pullKey = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 2 });
const pullBody = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        consumer: pullKey(consumer),
        count: pullKey(number),
        waitMs: pullKey(number),
        from: pullKey(fc.oneof(fc.constantFrom<unknown>('>', '0', '1-0'), text, anyJson)),
        noAck: pullKey(fc.oneof(fc.boolean(), anyJson)),
        ack: pullKey(ackIds),
      })
      .map((b) => parsed(b)),
  },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom('c', 'worker'), fc.integer({ min: 1, max: 1000 }), fc.array(fc.constantFrom('1-0', '2-5'), { maxLength: 100 })).map(([c, n, ack]) => parsed({ consumer: c, count: n, ack })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom('c', 'x'), name, anyJson).map(([c, k, v]) => parsed({ consumer: c, [k]: v })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, 'text', [], {}, { consumer: 'c', ack: undefined }, JSON.parse('{"consumer":"c","__proto__":{"count":5}}')) },
  { weight: 1, arbitrary: anyJson },
);

const STREAMS = ['s', '', ' ', '{tag}', 'a/b', '😀', '\uD800', '\u0000', '\n', 'é'.repeat(512), 'é'.repeat(513), 'x'.repeat(1024), 'x'.repeat(1025)];
const streamName = fc.oneof(fc.constantFrom(...STREAMS), fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme', maxLength: 600 }));
const nullProto = <T extends object>(o: T): T => Object.assign(Object.create(null) as T, o);
const params = fc.oneof(
  { weight: 6, arbitrary: streamName.map((stream) => nullProto({ stream })) },
  { weight: 2, arbitrary: streamName.map((stream) => ({ stream })) },
  { weight: 1, arbitrary: fc.tuple(streamName, name, text).map(([stream, k, v]) => nullProto({ stream, [k]: v })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, {}, [], { stream: 1 }, { stream: null }, { stream: undefined }, Object.assign([], { stream: 's' })) },
);

const groupParams = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(streamName, streamName).map(([stream, group]) => nullProto({ stream, group })) },
  { weight: 2, arbitrary: fc.tuple(streamName, streamName).map(([stream, group]) => ({ stream, group })) },
  { weight: 1, arbitrary: fc.tuple(streamName, streamName, name, text).map(([stream, group, k, v]) => nullProto({ stream, group, [k]: v })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, {}, [], { stream: 's' }, { group: 'g' }, { stream: 's', group: 1 }, { stream: 's', group: undefined }, Object.assign([], { stream: 's', group: 'g' })) },
);

const ENCODINGS = ['utf8', 'base64', 'UTF8', 'hex', '', 'utf8 '];
const query = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).map(() => nullProto({})) },
  { weight: 4, arbitrary: fc.constantFrom(...ENCODINGS).map((encoding) => nullProto({ encoding })) },
  { weight: 1, arbitrary: fc.constantFrom(...ENCODINGS).map((encoding) => ({ encoding: [encoding, encoding] })) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...ENCODINGS), name, text).map(([encoding, k, v]) => nullProto({ encoding, [k]: v })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, undefined, [], {}, { encoding: undefined }, Object.assign([], { encoding: 'utf8' })) },
);

const BASE_HEADERS = { host: '127.0.0.1:1', 'content-type': 'application/json', 'content-length': '20', authorization: 'Bearer x' };
const headers = fc.oneof(
  { weight: 3, arbitrary: fc.constant(null).map(() => ({ ...BASE_HEADERS })) },
  { weight: 3, arbitrary: text.map((k) => ({ ...BASE_HEADERS, 'idempotency-key': k })) },
  { weight: 1, arbitrary: fc.dictionary(name, fc.oneof(text, fc.array(text, { maxLength: 2 })), { maxKeys: 4 }).map((h) => nullProto({ ...BASE_HEADERS, ...h })) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, [], { 'idempotency-key': undefined }, { 'idempotency-key': ['a', 'b'] }, { 'idempotency-key': 1 }) },
);

const CASES: Array<[string, z.ZodType, fc.Arbitrary<unknown>, string]> = [
  ['publish body', PublishBody, body, 'body'],
  ['publish batch body', PublishBody, batch, 'body'],
  ['pull body', PullBody, pullBody, 'body'],
  ['group params', GroupParams, groupParams, 'params'],
  ['stream params', StreamParams, params, 'params'],
  ['encoding query', EncodingQuery, query, 'querystring'],
  ['publish headers', PublishHeaders, headers, 'headers'],
];

type Validator = (data: unknown) => unknown;
const compile = (compiler: typeof validatorCompiler, schema: z.ZodType, httpPart: string): Validator =>
  compiler({ schema, method: 'POST', url: '/v1/streams/:stream/messages', httpPart }) as Validator;

describe.each(CASES)('the fast path of the %s', (_label, schema, input, httpPart) => {
  const fast = fastPathOf(schema);

  it('exists', () => expect(fast).toBeTypeOf('function'));

  it('answers zod’s value, or leaves the input to zod', () => {
    let hits = 0;
    fc.assert(
      fc.property(input, (data) => {
        const out = fast!(data);
        if (out === MISS) return;
        hits++;
        const z = schema.safeParse(data);
        expect(z.success, `zod refuses what the fast path accepted: ${JSON.stringify(z.error?.issues)}`).toBe(true);
        if (out === KEEP) expect({ ...(data as object), ...(z.data as object) }).toStrictEqual({ ...(data as object) });
        else expect(out).toStrictEqual(z.data);
      }),
      { numRuns: 3000 },
    );
    // The fast path is taken for the common inputs, not only refused.
    expect(hits).toBeGreaterThan(300);
  });

  it('through the compiled validator: the same value or the same error as zod alone', () => {
    const ours = compile(validatorCompiler, schema, httpPart);
    const zods = compile(zodValidatorCompiler as typeof validatorCompiler, schema, httpPart);
    fc.assert(
      fc.property(input, (data) => {
        const a = ours(data) as { value?: unknown; error?: unknown };
        const b = zods(data) as { value?: unknown; error?: unknown };
        if ('error' in b) {
          expect(a).toStrictEqual(b);
        } else if (!('value' in a)) {
          // KEEP: the part stays as it is, and zod's value would have added nothing to it.
          expect({ ...(data as object), ...(b.value as object) }).toStrictEqual({ ...(data as object) });
        } else expect(a.value).toStrictEqual(b.value);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('a long publish batch (64 messages or more), checked message by message', () => {
  // The generated items, mostly plain, repeated up to a long batch; sometimes with a trim.
  const longBatch = fc
    .tuple(fc.array(item, { minLength: 1, maxLength: 4 }), fc.integer({ min: 64, max: 80 }), fc.option(anyJson, { nil: undefined }))
    .map(([items, n, trim]) => parsed({ messages: Array.from({ length: n }, (_, i) => items[i % items.length]), ...(trim === undefined ? {} : { trim }) }));
  const fast = fastPathOf(PublishBody)!;
  const zods = compile(zodValidatorCompiler as typeof validatorCompiler, PublishBody, 'body');

  it('answers zod’s value, or a refusal whose every issue zod reports for the whole body too', () => {
    let refused = 0;
    fc.assert(
      fc.property(longBatch, (data) => {
        const out = fast(data);
        expect(out).not.toBe(MISS);
        const z = zods(data) as { value?: unknown; error?: unknown[] };
        if (out instanceof Refused) {
          refused++;
          expect(z.error, 'zod accepts what the fast path refused').toBeDefined();
          for (const e of out.errors) expect(z.error).toContainEqual(e);
        } else expect(out).toStrictEqual(z.value);
      }),
      { numRuns: 300 },
    );
    expect(refused).toBeGreaterThan(20);
  });
});

describe('the fast paths accept the everyday inputs', () => {
  it('{"fields": {...}} of strings, a stream name, no query or encoding alone, no or any Idempotency-Key', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string().filter((k) => k !== '__proto__'), fc.string()), (f) => {
        const b = parsed({ fields: f });
        expect(fastPathOf(PublishBody)!(b)).toBe(b);
      }),
    );
    const batchBody = parsed({ messages: [{ fields: { a: '1' } }, { fields: { b: '2' }, id: '5-*' }] });
    expect(fastPathOf(PublishBody)!(batchBody)).toBe(batchBody);
    expect(fastPathOf(PullBody)!({ consumer: 'c', count: 100, ack: ['1-0'] })).toStrictEqual({ consumer: 'c', count: 100, waitMs: 0, from: '>', noAck: false, ack: ['1-0'] });
    expect(fastPathOf(PullBody)!({ consumer: 'c' })).toStrictEqual({ consumer: 'c', count: 1, waitMs: 0, from: '>', noAck: false });
    expect(fastPathOf(GroupParams)!(nullProto({ stream: 's', group: 'g' }))).toStrictEqual({ stream: 's', group: 'g' });
    expect(fastPathOf(StreamParams)!({ stream: 'orders' })).toStrictEqual({ stream: 'orders' });
    expect(fastPathOf(EncodingQuery)!(nullProto({}))).toStrictEqual({ encoding: 'utf8' });
    expect(fastPathOf(EncodingQuery)!(nullProto({ encoding: 'base64' }))).toStrictEqual({ encoding: 'base64' });
    expect(fastPathOf(PublishHeaders)!({ ...BASE_HEADERS })).toBe(KEEP);
    expect(fastPathOf(PublishHeaders)!({ ...BASE_HEADERS, 'idempotency-key': 'k' })).toBe(KEEP);
  });
});
