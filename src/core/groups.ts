import type { Fence } from './access/fence.js';
import type { Backend } from '../redis/backend.js';
import type { GroupEntry } from '../redis/commands.js';
import { GatewayError, invalid } from '../contract/errors.js';
import { idBeforeTimestamp, positionId } from '../contract/ids.js';
import { nonNegativeInt } from '../contract/limits.js';
import { type PolicyPatch, type PolicyStore, validatePolicyPatch } from './policy.js';
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
    private readonly fence: Fence,
    private readonly policies: PolicyStore,
  ) {}

  async create(stream: string, input: CreateGroupInput): Promise<GroupInfo> {
    this.fence.check(stream);
    this.fence.names.group(input.group);
    const start = positionId(input.start ?? '$', 'start');
    const entriesRead = input.entriesRead === undefined ? undefined : nonNegativeInt(input.entriesRead, 'entriesRead');
    const policy = this.policies.complete(stream, input, this.fence.names);
    // A dead-letter stream is written by pulls: one outside the fence is refused when it is
    // asked for, or when the default one would be used (maxDeliveries > 0).
    if (input.deadLetterStream !== undefined || policy.maxDeliveries > 0) {
      this.fence.assert(policy.deadLetterStream, 'deadLetterStream');
    }
    if (policy.reapIdleMs > 0) await this.indexReapSlot(stream);
    await this.backend.scripts.createGroup(stream, input.group, { start, createStream: Boolean(input.createStream), entriesRead, policy });
    this.policies.remember(stream, input.group, policy.deadLetterStream);
    return this.get(stream, input.group);
  }

  async list(stream: string): Promise<GroupInfo[]> {
    this.fence.check(stream);
    const [raw, policies] = await Promise.all([
      this.backend.commands.groups(stream),
      this.policies.all(stream),
    ]);
    return raw.map((g) => groupInfo(g, (name) => policies.get(name) ?? this.policies.defaults(stream)));
  }

  async get(stream: string, group: string): Promise<GroupInfo> {
    this.fence.names.group(group);
    const found = (await this.list(stream)).find((g) => g.name === group);
    if (!found) {
      await this.backend.assertGroup(stream, group);
      throw new GatewayError('GROUP_NOT_FOUND', 'consumer group does not exist');
    }
    return found;
  }

  async updatePolicy(stream: string, group: string, patch: PolicyPatch): Promise<GroupInfo> {
    this.fence.checkGroup(stream, group);
    validatePolicyPatch(stream, patch, this.fence.names);
    if (patch.deadLetterStream !== undefined) this.fence.assert(patch.deadLetterStream, 'deadLetterStream');
    const changes = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
    const indexed = (patch.reapIdleMs ?? 0) > 0;
    if (indexed) await this.indexReapSlot(stream);
    const json = await this.backend.scripts.updatePolicy(stream, group, this.policies.defaults(stream), changes);
    const policy = this.policies.parse(stream, json);
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
    await this.backend.commands.indexReapSlot(stream);
  }

  async destroy(stream: string, group: string): Promise<void> {
    this.fence.checkGroup(stream, group);
    await this.backend.scripts.destroyGroup(stream, group);
  }

  /** XGROUP SETID: an admin override with Redis semantics; leases do not block it. */
  async setPosition(stream: string, group: string, pos: PositionInput): Promise<GroupInfo> {
    this.fence.checkGroup(stream, group);
    if ((pos.id === undefined) === (pos.timestampMs === undefined)) {
      throw invalid('position takes exactly one of id or timestampMs', 'id');
    }
    const id =
      pos.id !== undefined ? positionId(pos.id, 'id') : idBeforeTimestamp(nonNegativeInt(pos.timestampMs ?? 0, 'timestampMs'));
    const entriesRead = pos.entriesRead === undefined ? undefined : nonNegativeInt(pos.entriesRead, 'entriesRead');
    await this.backend.commands.setGroupPosition(stream, group, id, entriesRead);
    return this.get(stream, group);
  }

  async listConsumers(stream: string, group: string): Promise<ConsumerInfo[]> {
    this.fence.checkGroup(stream, group);
    return this.backend.commands.consumers(stream, group);
  }

  /** Returns true when the consumer was created, false when it existed. */
  async createConsumer(stream: string, group: string, consumer: string): Promise<boolean> {
    this.fence.checkGroup(stream, group, consumer);
    return this.backend.commands.createConsumer(stream, group, consumer);
  }

  /** Deletes a consumer; with force its pending entries are dropped (XGROUP DELCONSUMER). */
  async deleteConsumer(stream: string, group: string, consumer: string, force: boolean): Promise<number> {
    this.fence.checkGroup(stream, group, consumer);
    return this.backend.scripts.deleteConsumer(stream, group, consumer, force);
  }
}

function groupInfo(g: GroupEntry, policyOf: (name: string) => GroupPolicy): GroupInfo {
  const policy = policyOf(g.name);
  return {
    ...g,
    leaseMs: policy.leaseMs,
    maxDeliveries: policy.maxDeliveries,
    deadLetterStream: policy.deadLetterStream,
    reapIdleMs: policy.reapIdleMs,
    minBackoffMs: policy.minBackoffMs,
    maxBackoffMs: policy.maxBackoffMs,
  };
}
