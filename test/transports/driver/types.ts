import { status } from '@grpc/grpc-js';

/** The shapes both drivers answer in, and the contract's error table they check against. */

export type Transport = 'rest' | 'grpc';

/** Both transports, in the order the scenario table runs them. */
export const TRANSPORTS: readonly Transport[] = ['rest', 'grpc'];

/** docs/api.md, Errors: the HTTP and gRPC status of each code, written out (not read from src). */
export const CONTRACT: Record<string, { http: number; grpc: status }> = {
  VALIDATION_FAILED: { http: 400, grpc: status.INVALID_ARGUMENT },
  INVALID_ID: { http: 400, grpc: status.INVALID_ARGUMENT },
  UNAUTHENTICATED: { http: 401, grpc: status.UNAUTHENTICATED },
  PERMISSION_DENIED: { http: 403, grpc: status.PERMISSION_DENIED },
  STREAM_NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  GROUP_NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  CONSUMER_NOT_FOUND: { http: 404, grpc: status.NOT_FOUND },
  GROUP_EXISTS: { http: 409, grpc: status.ALREADY_EXISTS },
  NOT_A_STREAM: { http: 409, grpc: status.FAILED_PRECONDITION },
  CONSUMER_HAS_PENDING: { http: 409, grpc: status.FAILED_PRECONDITION },
  ID_TOO_SMALL: { http: 409, grpc: status.FAILED_PRECONDITION },
  LEASES_DISABLED: { http: 409, grpc: status.FAILED_PRECONDITION },
  IDEMPOTENCY_CONFLICT: { http: 409, grpc: status.FAILED_PRECONDITION },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: status.RESOURCE_EXHAUSTED },
  RATE_LIMITED: { http: 429, grpc: status.RESOURCE_EXHAUSTED },
  BACKEND_UNAVAILABLE: { http: 503, grpc: status.UNAVAILABLE },
};

/** A contract error, as either transport reported it. */
export class ContractError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(`${code}: ${message}`);
  }
}

export type Fields = Record<string, Buffer>;
export type Pairs = Array<[string, Buffer]>;

export interface Msg {
  id: string;
  /** Last value per name; null for an entry deleted while pending. */
  fields: Fields | null;
  /** Every field in order, only when names repeat. */
  pairs: Pairs | null;
  /** 0 outside consumer reads. */
  deliveryCount: number;
  deleted: boolean;
}

export interface PublishMsg {
  fields?: Fields;
  pairs?: Pairs;
  id?: string;
}

export interface TrimSpec {
  maxLen?: number;
  minId?: string;
  exact?: boolean;
}

export interface GroupView {
  name: string;
  consumers: number;
  pending: number;
  lastDeliveredId: string;
  entriesRead: number | null;
  lag: number | null;
  leaseMs: number;
  maxDeliveries: number;
  deadLetterStream: string;
  reapIdleMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
}

export interface Policy {
  leaseMs?: number;
  maxDeliveries?: number;
  deadLetterStream?: string;
  reapIdleMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface StreamView {
  length: number;
  firstId: string | null;
  lastId: string | null;
  lastGeneratedId: string;
  groups: number;
  entriesAdded: number | null;
  maxDeletedEntryId: string | null;
}

export interface PerId {
  count: number;
  notPending: string[];
  /** Only when not empty (REST has the member whenever the request named its consumer, gRPC always). */
  notOwned?: string[];
}

/** A term's answer: `count` messages dead-lettered. */
export interface TermView extends PerId {
  deleted: string[];
}

export interface PendingView {
  count: number;
  minId: string | null;
  maxId: string | null;
  consumers: Array<{ name: string; count: number }>;
}

export interface ConsumerView {
  name: string;
  pending: number;
  idleMs: number;
  /** Redis 7.2+ reports it (XINFO CONSUMERS `inactive`); null before. */
  inactiveMs: number | null;
}

export interface PendingEntryView {
  id: string;
  consumer: string;
  idleMs: number;
  deliveryCount: number;
}

export interface ClaimOptions {
  idleMs?: number;
  retryCount?: number;
  force?: boolean;
  justId?: boolean;
}

/** Claimed messages, or with justId their IDs (the other member null). */
export interface Claimed {
  messages: Msg[] | null;
  ids: string[] | null;
}

export interface Driver {
  readonly transport: Transport;
  publish(stream: string, messages: PublishMsg[], opts?: { idempotencyKey?: string; trim?: TrimSpec }): Promise<{ ids: string[]; replayed: boolean }>;
  read(stream: string, q?: { start?: string; end?: string; count?: number; reverse?: boolean }): Promise<Msg[]>;
  deleteMessage(stream: string, id: string): Promise<number>;
  trim(stream: string, spec: TrimSpec & { safe?: boolean }): Promise<{ trimmed: number; warning: string | null }>;
  listStreams(q: { match?: string; cursor?: string; count?: number }): Promise<{ streams: string[]; cursor: string }>;
  streamInfo(stream: string): Promise<StreamView>;
  deleteStream(stream: string): Promise<void>;
  createGroup(stream: string, group: string, opts?: Policy & { start?: string; createStream?: boolean; entriesRead?: number }): Promise<GroupView>;
  groups(stream: string): Promise<GroupView[]>;
  group(stream: string, group: string): Promise<GroupView>;
  updateGroup(stream: string, group: string, patch: Policy): Promise<GroupView>;
  deleteGroup(stream: string, group: string): Promise<void>;
  setPosition(stream: string, group: string, pos: ({ id: string } | { timestampMs: number }) & { entriesRead?: number }): Promise<GroupView>;
  consumers(stream: string, group: string): Promise<ConsumerView[]>;
  createConsumer(stream: string, group: string, consumer: string): Promise<boolean>;
  deleteConsumer(stream: string, group: string, consumer: string, force?: boolean): Promise<number>;
  pull(stream: string, group: string, consumer: string, opts?: { count?: number; waitMs?: number; from?: string; noAck?: boolean }): Promise<Msg[]>;
  /** A pull carrying the acks of the previous batch (REST `ack`, gRPC `ack_ids`); `acked` answers them as `ack` would. */
  pullAcking(
    stream: string,
    group: string,
    consumer: string,
    ack: string[],
    opts?: { count?: number; waitMs?: number; from?: string; noAck?: boolean },
  ): Promise<{ acked: PerId; messages: Msg[] }>;
  /** With `consumer`: only the messages it holds (ownership-checked). */
  ack(stream: string, group: string, ids: string[], consumer?: string): Promise<PerId>;
  nack(stream: string, group: string, consumer: string, ids: string[], delayMs?: number): Promise<PerId>;
  extend(stream: string, group: string, consumer: string, ids: string[]): Promise<PerId>;
  /** Dead-letter now (REST term, gRPC Term). */
  term(stream: string, group: string, ids: string[], opts?: { reason?: string; consumer?: string }): Promise<TermView>;
  pending(stream: string, group: string): Promise<PendingView>;
  listPending(
    stream: string,
    group: string,
    q?: { consumer?: string; minIdleMs?: number; count?: number; start?: string; end?: string },
  ): Promise<PendingEntryView[]>;
  claim(stream: string, group: string, consumer: string, minIdleMs: number, ids: string[], opts?: ClaimOptions): Promise<Claimed>;
  autoclaim(
    stream: string,
    group: string,
    consumer: string,
    minIdleMs: number,
    opts?: { start?: string; count?: number; justId?: boolean },
  ): Promise<Claimed & { next: string; deletedIds: string[] }>;
  deadLetters(stream: string, group: string, q?: { count?: number; after?: string }): Promise<{ messages: Msg[]; next: string | null }>;
  redrive(stream: string, group: string, q?: { ids?: string[]; count?: number }): Promise<{ redriven: number; ids: string[] }>;
  close(): Promise<void>;
  /** Pulls of this gateway waiting for messages now (a test probe: wait on it, never sleep); absent when the driver only knows a URL. */
  waitingPulls?(): Promise<number>;
}

/** Shared by both drivers. */
export const byName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => a.name.localeCompare(b.name));
export const repeats = (names: string[]): boolean => new Set(names).size !== names.length;
export const orNull = (s: string | undefined | null): string | null => (s === '' || s === undefined ? null : s);

