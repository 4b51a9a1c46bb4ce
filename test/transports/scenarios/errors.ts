import type { Driver } from '../driver.js';
import { type Ctx, type ErrorCase, f, setup, stringKey } from './support.js';

/**
 * Every contract code a request can reach (auth and rate limits: test/access, test/limits),
 * and for every operation the codes of a missing stream, a missing group and a key of
 * another type. Each case runs over both transports and must fail with its code.
 */

type Op = (d: Driver, s: string, g: string) => Promise<unknown>;

/** Operations on a stream. */
const STREAM_OPS: Record<string, Op> = {
  read: (d, s) => d.read(s),
  deleteMessage: (d, s) => d.deleteMessage(s, '1-0'),
  trim: (d, s) => d.trim(s, { maxLen: 1 }),
  streamInfo: (d, s) => d.streamInfo(s),
  deleteStream: (d, s) => d.deleteStream(s),
  createGroup: (d, s) => d.createGroup(s, 'g'),
  groups: (d, s) => d.groups(s),
};

/** Operations on a group. */
const GROUP_OPS: Record<string, Op> = {
  group: (d, s, g) => d.group(s, g),
  updateGroup: (d, s, g) => d.updateGroup(s, g, { leaseMs: 1000 }),
  deleteGroup: (d, s, g) => d.deleteGroup(s, g),
  setPosition: (d, s, g) => d.setPosition(s, g, { id: '0' }),
  consumers: (d, s, g) => d.consumers(s, g),
  createConsumer: (d, s, g) => d.createConsumer(s, g, 'c'),
  deleteConsumer: (d, s, g) => d.deleteConsumer(s, g, 'c'),
  pull: (d, s, g) => d.pull(s, g, 'c'),
  'pull with waitMs': (d, s, g) => d.pull(s, g, 'c', { waitMs: 100 }),
  ack: (d, s, g) => d.ack(s, g, ['1-0']),
  nack: (d, s, g) => d.nack(s, g, 'c', ['1-0']),
  extend: (d, s, g) => d.extend(s, g, 'c', ['1-0']),
  'ack with consumer': (d, s, g) => d.ack(s, g, ['1-0'], 'c'),
  term: (d, s, g) => d.term(s, g, ['1-0'], { reason: 'r' }),
  pending: (d, s, g) => d.pending(s, g),
  listPending: (d, s, g) => d.listPending(s, g),
  claim: (d, s, g) => d.claim(s, g, 'c', 0, ['1-0']),
  autoclaim: (d, s, g) => d.autoclaim(s, g, 'c', 0),
  deadLetters: (d, s, g) => d.deadLetters(s, g),
  redrive: (d, s, g) => d.redrive(s, g),
};

const existence: ErrorCase[] = [
  ...Object.entries({ ...STREAM_OPS, ...GROUP_OPS }).flatMap(([op, run]): ErrorCase[] => [
    { code: 'STREAM_NOT_FOUND', label: `${op} on a missing stream`, run: (d, x) => run(d, x.name(), 'g') },
    { code: 'NOT_A_STREAM', label: `${op} on a string key`, run: async (d, x) => run(d, await stringKey(x), 'g') },
  ]),
  ...Object.entries(GROUP_OPS).map(
    ([op, run]): ErrorCase => ({
      code: 'GROUP_NOT_FOUND',
      label: `${op} on a stream without the group`,
      run: async (d, x) => {
        const s = x.name();
        await setup(d, s, 1);
        return run(d, s, 'nope');
      },
    }),
  ),
];

/** A case on a stream with one message and group g at 0 (lease 1000 ms). */
const onGroup = (code: string, label: string, run: (d: Driver, s: string, x: Ctx) => Promise<unknown>): ErrorCase => ({
  code,
  label,
  run: async (d, x) => {
    const s = x.name();
    await setup(d, s, 1, { leaseMs: 1000 });
    return run(d, s, x);
  },
});

const V = 'VALIDATION_FAILED';
const I = 'INVALID_ID';
const MAX_ID = '18446744073709551615';
const ids1001 = Array.from({ length: 1001 }, (_, i) => `${i + 1}-0`);

const requests: ErrorCase[] = [
  { code: 'NOT_A_STREAM', label: 'createGroup with createStream on a string key', run: async (d, x) => d.createGroup(await stringKey(x), 'g', { createStream: true }) },
  // Validation comes before any existence check: these name a stream that does not exist.
  { code: V, label: 'pull count over the limit, before existence', run: (d, x) => d.pull(x.name(), 'g', 'c', { count: 1001 }) },
  { code: V, label: 'read count over the limit, before existence', run: (d, x) => d.read(x.name(), { count: 1001 }) },
  { code: V, label: 'update leaseMs under 50, before existence', run: (d, x) => d.updateGroup(x.name(), 'g', { leaseMs: 10 }) },
  { code: V, label: 'group name with whitespace', run: (d, x) => d.createGroup(x.name(), 'two words', { createStream: true }) },
  { code: V, label: 'group name with a tab', run: (d, x) => d.group(x.name(), 'a\tb') },
  { code: V, label: 'leaseMs under 50', run: (d, x) => d.createGroup(x.name(), 'g', { createStream: true, leaseMs: 10 }) },
  { code: V, label: 'list streams with a match over 1024 characters', run: (d) => d.listStreams({ match: 'x'.repeat(1025) }) },
  { code: V, label: 'list streams with a bad cursor', run: (d) => d.listStreams({ cursor: 'next' }) },
  { code: V, label: 'list streams with a cursor over 64 bits', run: (d) => d.listStreams({ cursor: '18446744073709551616' }) },
  { code: V, label: 'list streams with count over the limit', run: (d) => d.listStreams({ count: 1001 }) },
  onGroup(V, 'trim without a threshold', (d, s) => d.trim(s, {})),
  onGroup(V, 'trim with exact only', (d, s) => d.trim(s, { exact: true })),
  onGroup(V, 'pull waitMs over 60 s', (d, s) => d.pull(s, 'g', 'c', { waitMs: 60_001 })),
  onGroup(V, 'pull with an empty consumer', (d, s) => d.pull(s, 'g', '')),
  onGroup(V, 'ack of no IDs', (d, s) => d.ack(s, 'g', [])),
  onGroup(V, 'ack of 1001 IDs', (d, s) => d.ack(s, 'g', ids1001)),
  onGroup(V, 'nack of no IDs', (d, s) => d.nack(s, 'g', 'c', [])),
  onGroup(V, 'nack delay over 12 h', (d, s) => d.nack(s, 'g', 'c', ['1-0'], 43_200_001)),
  onGroup(V, 'extend of no IDs', (d, s) => d.extend(s, 'g', 'c', [])),
  onGroup(V, 'extend with an empty consumer', (d, s) => d.extend(s, 'g', '', ['1-0'])),
  onGroup(V, 'extend with a consumer with a space', (d, s) => d.extend(s, 'g', 'a b', ['1-0'])),
  onGroup(V, 'pending entries count over the limit', (d, s) => d.listPending(s, 'g', { count: 1001 })),
  onGroup(V, 'pending entries of a consumer with a space', (d, s) => d.listPending(s, 'g', { consumer: 'a b' })),
  onGroup(V, 'pending of a group with a space', (d, s) => d.pending(s, 'a b')),
  onGroup(V, 'claim of no IDs', (d, s) => d.claim(s, 'g', 'c', 0, [])),
  onGroup(V, 'claim with an empty consumer', (d, s) => d.claim(s, 'g', '', 0, ['1-0'])),
  onGroup(V, 'autoclaim count over the limit', (d, s) => d.autoclaim(s, 'g', 'c', 0, { count: 1001 })),
  onGroup(V, 'autoclaim with a consumer with a space', (d, s) => d.autoclaim(s, 'g', 'a b', 0)),
  onGroup(V, 'dead letters count over the limit', (d, s) => d.deadLetters(s, 'g', { count: 1001 })),
  onGroup(V, 'redrive of IDs and a count together', (d, s) => d.redrive(s, 'g', { ids: ['1-0'], count: 1 })),
  onGroup(V, 'redrive count 0', (d, s) => d.redrive(s, 'g', { count: 0 })),
  onGroup(V, 'consumer name over 256 bytes', (d, s) => d.createConsumer(s, 'g', 'x'.repeat(257))),
  onGroup(V, 'consumer name with a space', (d, s) => d.createConsumer(s, 'g', 'a b')),
  onGroup(V, 'delete a consumer named with a space', (d, s) => d.deleteConsumer(s, 'g', 'a b')),
  onGroup(V, 'update maxDeliveries over 1000', (d, s) => d.updateGroup(s, 'g', { maxDeliveries: 5000 })),
  onGroup(V, 'update deadLetterStream to the stream itself', (d, s) => d.updateGroup(s, 'g', { deadLetterStream: s })),

  { code: I, label: 'ack of a malformed ID', run: async (d, x) => d.ack(x.name(), 'g', ['not-an-id']) },
  { code: I, label: 'range start malformed', run: (d, x) => d.read(x.name(), { start: '1-2-3' }) },
  { code: I, label: 'explicit publish ID 0-0', run: (d, x) => d.publish(x.name(), [{ id: '0-0', fields: f({ a: '1' }) }]) },
  onGroup(I, 'read start not an ID', (d, s) => d.read(s, { start: 'abc' })),
  onGroup(I, 'read end with two parentheses', (d, s) => d.read(s, { end: '((1-0' })),
  onGroup(I, 'read end exclusive of 0-0', (d, s) => d.read(s, { end: '(0-0' })),
  onGroup(I, 'delete a message by a malformed ID', (d, s) => d.deleteMessage(s, 'nope')),
  onGroup(I, 'trim minId malformed', (d, s) => d.trim(s, { minId: '1-x' })),
  onGroup(I, 'create a group at a malformed start', (d, s) => d.createGroup(s, 'g2', { start: 'abc' })),
  onGroup(I, 'pull from a malformed ID', (d, s) => d.pull(s, 'g', 'c', { from: 'last' })),
  onGroup(I, 'ack with one malformed ID among good ones', (d, s) => d.ack(s, 'g', ['1-0', 'x'])),
  onGroup(I, 'nack of a malformed ID', (d, s) => d.nack(s, 'g', 'c', ['bad'])),
  onGroup(I, 'extend of an ID without its sequence', (d, s) => d.extend(s, 'g', 'c', ['1-'])),
  onGroup(I, 'pending entries from a malformed start', (d, s) => d.listPending(s, 'g', { start: 'first' })),
  onGroup(I, 'claim of a malformed ID', (d, s) => d.claim(s, 'g', 'c', 0, ['x-1'])),
  onGroup(I, 'autoclaim from a malformed start', (d, s) => d.autoclaim(s, 'g', 'c', 0, { start: 'x' })),
  onGroup(I, 'dead letters after a malformed ID', (d, s) => d.deadLetters(s, 'g', { after: 'later' })),
  onGroup(I, 'redrive of a malformed ID', (d, s) => d.redrive(s, 'g', { ids: ['?'] })),
  onGroup(I, `pull from an ID over ${MAX_ID}`, (d, s) => d.pull(s, 'g', 'c', { from: `${MAX_ID}0-0` })),
];

const states: ErrorCase[] = [
  {
    code: 'CONSUMER_NOT_FOUND',
    label: 'delete a consumer the group does not have',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 0);
      return d.deleteConsumer(s, 'g', 'ghost');
    },
  },
  {
    code: 'GROUP_EXISTS',
    label: 'create a group twice',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 0);
      return d.createGroup(s, 'g');
    },
  },
  {
    code: 'CONSUMER_HAS_PENDING',
    label: 'delete a consumer that owns messages',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 1);
      await d.pull(s, 'g', 'c');
      return d.deleteConsumer(s, 'g', 'c');
    },
  },
  {
    code: 'ID_TOO_SMALL',
    label: 'explicit ID not above the top',
    run: async (d, x) => {
      const s = x.name();
      await d.publish(s, [{ id: '10-0', fields: f({ a: '1' }) }]);
      return d.publish(s, [{ id: '9-5', fields: f({ a: '2' }) }]);
    },
  },
  {
    code: 'LEASES_DISABLED',
    label: 'nack on a leaseMs 0 group',
    run: async (d, x) => {
      const s = x.name();
      const ids = await setup(d, s, 1, { leaseMs: 0 });
      await d.pull(s, 'g', 'c');
      return d.nack(s, 'g', 'c', ids, 0);
    },
  },
  {
    code: 'LEASES_DISABLED',
    label: 'extend on a leaseMs 0 group',
    run: async (d, x) => {
      const s = x.name();
      await setup(d, s, 0, { leaseMs: 0 });
      return d.extend(s, 'g', 'c', ['1-0']);
    },
  },
  {
    code: 'IDEMPOTENCY_CONFLICT',
    label: 'same key, other body',
    run: async (d, x) => {
      const s = x.name();
      await d.publish(s, [{ fields: f({ a: '1' }) }], { idempotencyKey: 'k' });
      return d.publish(s, [{ fields: f({ a: '2' }) }], { idempotencyKey: 'k' });
    },
  },
  {
    code: 'PAYLOAD_TOO_LARGE',
    label: 'message over STREAMGATE_MAX_MESSAGE_BYTES',
    run: (d, x) => d.publish(x.name(), [{ fields: { big: Buffer.alloc(5000, 0x61) } }]),
  },
  { code: 'BACKEND_UNAVAILABLE', label: 'Redis unreachable', run: (_d, x) => x.down.read(x.name()) },
];

export const ERROR_CASES: ErrorCase[] = [...existence, ...requests, ...states];
