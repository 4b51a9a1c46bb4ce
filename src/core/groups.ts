import type { Backend } from '../redis/backend.js';
import { GatewayError, invalid } from '../contract/errors.js';
import { idBeforeTimestamp, positionId } from '../contract/ids.js';
import { keySlot, keys } from '../redis/keys.js';
import { nonNegativeInt } from '../contract/limits.js';
import { type PolicyPatch, type PolicyStore, validatePolicyPatch } from './policy.js';
import { arr, int, intOrNull, record, str } from '../redis/reply.js';
import type { ConsumerInfo, GroupInfo, GroupPolicy } from '../contract/types.js';

export interface CreateGroupInput extends PolicyPatch {
  readonly group: string;
  /** `$` (default: only new entries), `0` (all) or an ID. */
  readonly start?: string;
  readonly createStream?: boolean;
  readonly entriesRead?: number;
}

/** The position of a group: exactly one of an ID (`$`, `0`, `<ms>-<seq>`) or a time to replay from. */
export interface PositionInput {
  readonly id?: string;
  readonly timestampMs?: number;
  readonly entriesRead?: number;
}

export class GroupService {
  constructor(
    private readonly backend: Backend,
    private readonly policies: PolicyStore,
  ) {}

  async create(stream: string, input: CreateGroupInput): Promise<GroupInfo> {
    this.backend.stream(stream);
    this.backend.names.group(input.group);
    const start = positionId(input.start ?? '$', 'start');
    const entriesRead = input.entriesRead === undefined ? '' : String(nonNegativeInt(input.entriesRead, 'entriesRead'));
    const policy = this.policies.complete(stream, input, this.backend.names);
    // A dead-letter stream is written by pulls: one outside the fence is refused when it is
    // asked for, or when the default one would be used (maxDeliveries > 0).
    if (input.deadLetterStream !== undefined || policy.maxDeliveries > 0) {
      this.backend.fence.assert(policy.deadLetterStream, 'deadLetterStream');
    }
    if (policy.reapIdleMs > 0) await this.indexReapSlot(stream);
    await this.backend.call(stream, () =>
      this.backend.scripts.run(
        'createGroup',
        [stream, keys.policy(stream), keys.reapRegistry(stream)],
        [input.group, start, input.createStream ? '1' : '0', entriesRead, JSON.stringify(policy)],
      ),
    );
    this.policies.remember(stream, input.group, policy.deadLetterStream);
    return this.get(stream, input.group);
  }

  async list(stream: string): Promise<GroupInfo[]> {
    this.backend.stream(stream);
    const [raw, policies] = await Promise.all([
      this.backend.call(stream, () => this.backend.redis.call('XINFO', 'GROUPS', stream)),
      this.policies.all(stream),
    ]);
    return arr(raw).map((g) => groupInfo(g, (name) => policies.get(name) ?? this.policies.defaults(stream)));
  }

  async get(stream: string, group: string): Promise<GroupInfo> {
    this.backend.names.group(group);
    const found = (await this.list(stream)).find((g) => g.name === group);
    if (!found) {
      await this.backend.assertGroup(stream, group);
      throw new GatewayError('GROUP_NOT_FOUND', 'consumer group does not exist');
    }
    return found;
  }

  async updatePolicy(stream: string, group: string, patch: PolicyPatch): Promise<GroupInfo> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    validatePolicyPatch(stream, patch, this.backend.names);
    if (patch.deadLetterStream !== undefined) this.backend.fence.assert(patch.deadLetterStream, 'deadLetterStream');
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const indexed = (patch.reapIdleMs ?? 0) > 0;
    if (indexed) await this.indexReapSlot(stream);
    const json = await this.backend.call(stream, () =>
      this.backend.scripts.run(
        'updatePolicy',
        [stream, keys.policy(stream), keys.reapRegistry(stream)],
        [group, JSON.stringify(this.policies.defaults(stream)), JSON.stringify(changes)],
      ),
    );
    const policy = this.policies.parse(stream, str(json));
    // A patch of other fields keeps a group reaping: index its slot again, in case the
    // index was lost (it is only ever added to, so this is idempotent and cheap).
    if (!indexed && policy.reapIdleMs > 0) await this.indexReapSlot(stream);
    this.policies.remember(stream, group, policy.deadLetterStream);
    return this.get(stream, group);
  }

  /**
   * Adds the stream's slot to the reaper's index. Done before the policy script registers
   * the stream in its slot's registry, so a registered stream is always findable; an index
   * entry whose policy write then failed only costs the reaper one empty read.
   */
  private async indexReapSlot(stream: string): Promise<void> {
    await this.backend.call(stream, () => this.backend.redis.sadd(keys.reapSlots, keySlot(stream)));
  }

  async destroy(stream: string, group: string): Promise<void> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    await this.backend.call(stream, () =>
      this.backend.scripts.run('destroyGroup', [stream, keys.policy(stream)], [group]),
    );
  }

  /** XGROUP SETID: an admin override with Redis semantics; leases do not block it. */
  async setPosition(stream: string, group: string, pos: PositionInput): Promise<GroupInfo> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    if ((pos.id === undefined) === (pos.timestampMs === undefined)) {
      throw invalid('position takes exactly one of id or timestampMs', 'id');
    }
    const id =
      pos.id !== undefined ? positionId(pos.id, 'id') : idBeforeTimestamp(nonNegativeInt(pos.timestampMs ?? 0, 'timestampMs'));
    const extra = pos.entriesRead === undefined ? [] : ['ENTRIESREAD', nonNegativeInt(pos.entriesRead, 'entriesRead')];
    await this.backend.call(stream, () => this.backend.redis.call('XGROUP', 'SETID', stream, group, id, ...extra));
    return this.get(stream, group);
  }

  async listConsumers(stream: string, group: string): Promise<ConsumerInfo[]> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    const raw = await this.backend.call(stream, () => this.backend.redis.call('XINFO', 'CONSUMERS', stream, group));
    return arr(raw).map((c) => {
      const r = record(c);
      return {
        name: str(r.get('name')),
        pending: int(r.get('pending')),
        idleMs: int(r.get('idle')),
        inactiveMs: intOrNull(r.get('inactive')),
      };
    });
  }

  /** Returns true when the consumer was created, false when it existed. */
  async createConsumer(stream: string, group: string, consumer: string): Promise<boolean> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    this.backend.names.consumer(consumer);
    const created = await this.backend.call(stream, () =>
      this.backend.redis.call('XGROUP', 'CREATECONSUMER', stream, group, consumer),
    );
    return int(created) === 1;
  }

  /** Deletes a consumer; with force its pending entries are dropped (XGROUP DELCONSUMER). */
  async deleteConsumer(stream: string, group: string, consumer: string, force: boolean): Promise<number> {
    this.backend.stream(stream);
    this.backend.names.group(group);
    this.backend.names.consumer(consumer);
    const dropped = await this.backend.call(stream, () =>
      this.backend.scripts.run('deleteConsumer', [stream], [group, consumer, force ? '1' : '0']),
    );
    return int(dropped);
  }
}

function groupInfo(raw: unknown, policyOf: (name: string) => GroupPolicy): GroupInfo {
  const r = record(raw);
  const name = str(r.get('name'));
  const policy = policyOf(name);
  return {
    name,
    consumers: int(r.get('consumers')),
    pending: int(r.get('pending')),
    lastDeliveredId: str(r.get('last-delivered-id')),
    entriesRead: intOrNull(r.get('entries-read')),
    lag: intOrNull(r.get('lag')),
    leaseMs: policy.leaseMs,
    maxDeliveries: policy.maxDeliveries,
    deadLetterStream: policy.deadLetterStream,
    reapIdleMs: policy.reapIdleMs,
  };
}
