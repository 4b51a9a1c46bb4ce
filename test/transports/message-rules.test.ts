import { describe, expect, it } from 'vitest';
import type { FieldPair } from '../../src/contract/types.js';
import { fromProtoFields, fromProtoTrim, toProtoMessage } from '../../src/grpc/convert.js';
import { fieldsFromJson, messageToJson } from '../../src/http/encoding.js';

/** The fields/pairs and trim rules (contract/messages.ts), as each transport applies them. */

const b = (s: string) => Buffer.from(s);
const message = (pairs: FieldPair[]) => ({ id: '1-0', pairs });
const failure = (work: () => unknown): string => {
  try {
    work();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a failure');
};

describe('fields and pairs', () => {
  it('a published message takes exactly one of fields or pairs, with the same words on both transports', () => {
    const both = { rest: () => fieldsFromJson({ fields: { a: '1' }, pairs: [['a', '1']] }, 'utf8', 'm'), grpc: () => fromProtoFields({ a: b('1') }, [{ name: 'a', value: b('1') }], 'm') };
    const neither = { rest: () => fieldsFromJson({}, 'utf8', 'm'), grpc: () => fromProtoFields({}, [], 'm') };
    for (const c of [both, neither]) {
      expect(failure(c.rest)).toBe('m needs exactly one of fields or pairs');
      expect(failure(c.grpc)).toBe(failure(c.rest));
    }
    expect(fromProtoFields(undefined, [{ name: 'n', value: b('1') }, { name: 'n', value: b('2') }], 'm')).toEqual(fieldsFromJson({ pairs: [['n', '1'], ['n', '2']] }, 'utf8', 'm'));
  });

  it('pairs travel beside the map when names repeat (both), or when a name is integer-like (JSON only)', () => {
    const repeated = message([['n', b('1')], ['n', b('2')]]);
    expect(messageToJson(repeated, 'utf8').pairs).toEqual([['n', '1'], ['n', '2']]);
    expect(toProtoMessage(repeated).pairs).toEqual([{ name: 'n', value: b('1') }, { name: 'n', value: b('2') }]);

    const indexLike = message([['b', b('1')], ['7', b('2')]]);
    expect(messageToJson(indexLike, 'utf8').pairs).toEqual([['b', '1'], ['7', '2']]);
    expect(toProtoMessage(indexLike).pairs).toBeUndefined();

    const plain = message([['a', b('1')], ['b', b('2')]]);
    expect(messageToJson(plain, 'utf8').pairs).toBeUndefined();
    expect(toProtoMessage(plain).pairs).toBeUndefined();
  });
});

describe('trim', () => {
  it('names exactly one threshold; gRPC says so in the words of REST (and the core)', () => {
    expect(failure(() => fromProtoTrim({ exact: false }))).toBe('trim needs maxLen or minId');
    expect(fromProtoTrim({ threshold: 'maxLen', maxLen: 5, exact: true })).toEqual({ maxLen: 5, minId: undefined, exact: true });
    expect(fromProtoTrim({ threshold: 'minId', minId: '5-0', exact: false })).toEqual({ maxLen: undefined, minId: '5-0', exact: false });
  });
});
