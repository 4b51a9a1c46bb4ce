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
    fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a).toString('utf8')),
  );
  const value = fc.oneof(
    fc.string({ maxLength: 12 }).map((s) => Buffer.from(s, 'utf8')),
    fc.constantFrom('\uFFFD', 'a\uFFFDb', '€', '"', '\u0000', '</script>').map((s) => Buffer.from(s, 'utf8')),
    fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a)),
    fc.constant(Buffer.from([0xef, 0xbf, 0xbd, 0xff])),
  );
  const message: fc.Arbitrary<Message> = fc.record(
    {
      id: fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => `${a}-${b}`),
      pairs: fc.oneof(
        { weight: 9, arbitrary: fc.array(fc.tuple(name, value).map((p) => p as FieldPair), { minLength: 1, maxLength: 20 }) },
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
});
