import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FieldPair, Message } from '../../src/contract/types.js';
import { messageToJson } from '../../src/http/encoding.js';
import { messagesJson } from '../../src/http/messages-json.js';

// The REST pull writes its messages' JSON itself (messages-json.ts): it must be exactly the
// text JSON.stringify makes of messageToJson's objects, for every kind of message.
describe('messagesJson', () => {
  const name = fc.oneof(
    fc.constantFrom('orderId', 'a', '', '0', '12', '4294967294', '4294967295', '01', '-1', '__proto__', 'constructor', 'é', '"q"', '\\', '\n', 'x'.repeat(40)),
    fc.string({ maxLength: 8 }),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => Buffer.from(s, 'utf8')),
    fc.constantFrom('\uFFFD', 'a\uFFFDb', '€', '"', '\u0000', '</script>').map((s) => Buffer.from(s, 'utf8')),
    fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    fc.constant(Buffer.from([0xef, 0xbf, 0xbd, 0xff])),
  );
  // Any bytes: a name that is not UTF-8 carries them (FieldPair), as the readers give it.
  const rawName = fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a));
  const pair = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(name, value).map((p) => p as FieldPair) },
    { weight: 1, arbitrary: fc.tuple(rawName, value).map(([n, v]): FieldPair => (isUtf8(n) ? [n.toString('utf8'), v] : [n.toString('utf8'), v, n])) },
  );
  const message: fc.Arbitrary<Message> = fc.record(
    {
      id: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`),
      pairs: fc.oneof(
        { weight: 9, arbitrary: fc.array(pair, { minLength: 1, maxLength: 20 }) },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      deliveryCount: fc.nat(1_000_000),
    },
    { requiredKeys: ['id', 'pairs'] },
  );

  it('equals JSON.stringify of messageToJson, in utf8 and base64', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), fc.constantFrom('utf8' as const, 'base64' as const), (messages, encoding) => {
        expect(messagesJson(messages, encoding)).toBe(JSON.stringify(messages.map((m) => messageToJson(m, encoding))));
      }),
      { numRuns: 2000 },
    );
  });

  it('the common message is written directly, and parses back to its fields', () => {
    const m: Message = { id: '1-0', pairs: [['orderId', Buffer.from('42')], ['note', Buffer.from('café "x"')]], deliveryCount: 2 };
    expect(JSON.parse(messagesJson([m], 'utf8'))).toEqual([{ id: '1-0', fields: { orderId: '42', note: 'café "x"' }, deliveryCount: 2 }]);
    expect(messagesJson([], 'utf8')).toBe('[]');
  });

  it('a name that is not UTF-8 travels base64 in pairs (nameEncoding), the others stay text in fields', () => {
    const bad = Buffer.from([0xff, 0xfe, 0x41]);
    const m: Message = { id: '1-0', pairs: [['a', Buffer.from('1')], [bad.toString('utf8'), Buffer.from('2'), bad]] };
    const b64 = (s: Buffer | string) => Buffer.from(s).toString('base64');
    for (const encoding of ['utf8', 'base64'] as const) {
      const value = (v: string) => (encoding === 'base64' ? b64(v) : v);
      expect(JSON.parse(messagesJson([m], encoding))).toEqual([
        { id: '1-0', fields: { a: value('1') }, pairs: [[b64('a'), value('1')], [b64(bad), value('2')]], nameEncoding: 'base64', ...(encoding === 'base64' ? { encoding } : {}) },
      ]);
    }
  });
});
