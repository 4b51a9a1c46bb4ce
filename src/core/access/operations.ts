/**
 * Every logical operation of the API, once, with what a key needs to perform it. REST
 * routes name theirs in route config (`config.operation`), gRPC methods in
 * src/grpc/operations.ts; both look the requirement up here, so the same call needs the
 * same scope whichever transport carries it.
 */

export const SCOPES = ['publish', 'consume', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * A scope on the operation's stream; `any`: some grant (any scope) on it, for read-only
 * information; `none`: the operation names no stream and needs only a valid key (ListStreams,
 * whose results are filtered instead).
 */
export type Requirement = Scope | 'any' | 'none';

export interface OperationSpec {
  readonly requires: Requirement;
  /**
   * The request may name a second stream as `deadLetterStream` (group policy): it must be
   * inside the fence too, and the key needs `admin` on it, since dead letters are written there.
   */
  readonly deadLetterStream?: true;
  /**
   * The request may also trim the operation's stream (publish with `trim`): trimming deletes
   * entries, consumed or not, so it needs the scope the trim operation needs.
   */
  readonly trimRequires?: Scope;
}

export const OPERATIONS = {
  // Publishing with `trim` deletes entries as Trim does: it needs admin as well.
  publish: { requires: 'publish', trimRequires: 'admin' },

  readRange: { requires: 'consume' },
  pull: { requires: 'consume' },
  streamingPull: { requires: 'consume' },
  ack: { requires: 'consume' },
  nack: { requires: 'consume' },
  extendLease: { requires: 'consume' },
  // A consume-side write like nack: moves the group's pending entries to its dead-letter stream.
  term: { requires: 'consume' },
  pending: { requires: 'consume' },
  listPending: { requires: 'consume' },
  claim: { requires: 'consume' },
  autoClaim: { requires: 'consume' },
  listDeadLetters: { requires: 'consume' },

  createGroup: { requires: 'admin', deadLetterStream: true },
  updateGroup: { requires: 'admin', deadLetterStream: true },
  deleteGroup: { requires: 'admin' },
  setGroupPosition: { requires: 'admin' },
  createConsumer: { requires: 'admin' },
  deleteConsumer: { requires: 'admin' },
  trim: { requires: 'admin' },
  deleteMessage: { requires: 'admin' },
  deleteStream: { requires: 'admin' },
  // Writes to the source stream (the operation's own stream) and deletes from its group's
  // dead-letter stream, which an admin of that stream configured.
  redriveDeadLetters: { requires: 'admin' },

  getStream: { requires: 'any' },
  listGroups: { requires: 'any' },
  getGroup: { requires: 'any' },
  listConsumers: { requires: 'any' },

  listStreams: { requires: 'none' },
} as const satisfies Record<string, OperationSpec>;

export type Operation = keyof typeof OPERATIONS;

export const OPERATION_NAMES = Object.keys(OPERATIONS) as Operation[];

export const isOperation = (name: unknown): name is Operation => typeof name === 'string' && Object.hasOwn(OPERATIONS, name);

export const operationSpec = (op: Operation): OperationSpec => OPERATIONS[op];
