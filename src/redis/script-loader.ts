import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from './cluster.js';

/**
 * The Lua scripts of `lua/`, registered on a connection with `defineCommand`. Each file's
 * name ends with its key count (`pull-5.lua`: 5 keys). The command name carries a hash of
 * the script body, so a deploy never runs a stale script cached under the same name.
 *
 * This is the untyped layer: KEYS and ARGV in, the raw reply out. Only the typed functions
 * of scripts.ts call it (and tests that drive a script directly, through scriptSource).
 */

const FILES = {
  pull: 'pull-5.lua',
  history: 'history-1.lua',
  ack: 'ack-2.lua',
  setLease: 'setLease-3.lua',
  createGroup: 'createGroup-3.lua',
  destroyGroup: 'destroyGroup-3.lua',
  updatePolicy: 'updatePolicy-3.lua',
  deleteStream: 'deleteStream-3.lua',
  deleteConsumer: 'deleteConsumer-1.lua',
  publish: 'publish-2.lua',
  redrive: 'redrive-3.lua',
  redriveAdd: 'redriveAdd-2.lua',
  deadLetter: 'deadLetter-1.lua',
  trim: 'trim-1.lua',
  claim: 'claim-1.lua',
  range: 'range-1.lua',
  autoclaim: 'autoclaim-1.lua',
  reapGroups: 'reapGroups-3.lua',
  reap: 'reap-2.lua',
  leaseProbe: 'leaseProbe-4.lua',
  term: 'term-4.lua',
  groupStats: 'groupStats-2.lua',
} as const;

export type ScriptName = keyof typeof FILES;
export const SCRIPT_NAMES = Object.keys(FILES) as ScriptName[];
export type ScriptArg = string | Buffer | number;

interface Loaded {
  readonly command: string;
  readonly keyCount: number;
  readonly source: string;
}

const luaDir = new URL('./lua/', import.meta.url);
const prelude = readFileSync(new URL('include/prelude.lua', luaDir), 'utf8');

function load(name: ScriptName): Loaded {
  const file = FILES[name];
  const keyCount = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
  const source = `${prelude}\n${readFileSync(new URL(file, luaDir), 'utf8')}`;
  const version = createHash('sha1').update(source).digest('hex').slice(0, 10);
  return { command: `sg_${name}_${version}`, keyCount, source };
}

const LOADED = Object.fromEntries(SCRIPT_NAMES.map((n) => [n, load(n)])) as Record<ScriptName, Loaded>;

/** Source of a script as sent to Redis (prelude included), for tests that call it directly. */
export const scriptSource = (name: ScriptName): string => LOADED[name].source;

type Invoke = (...args: ScriptArg[]) => Promise<unknown>;

/** Runs the scripts on one connection; used by scripts.ts only. */
export class ScriptRunner {
  private readonly client: Record<string, Invoke>;

  constructor(redis: RedisClient) {
    for (const { command, keyCount, source } of Object.values(LOADED)) {
      redis.defineCommand(command, { numberOfKeys: keyCount, lua: source });
    }
    // defineCommand adds methods at runtime; this is the one place that looks them up.
    this.client = redis as unknown as Record<string, Invoke>;
  }

  private invoke(name: ScriptName, suffix: '' | 'Buffer', keys: readonly string[], args: readonly ScriptArg[]) {
    const { command, keyCount } = LOADED[name];
    if (keys.length !== keyCount) throw new Error(`script ${name} takes ${keyCount} keys, got ${keys.length}`);
    const fn = this.client[command + suffix];
    if (!fn) throw new Error(`script ${name} is not registered`);
    return fn.call(this.client, ...keys, ...args);
  }

  /** Runs a script; bulk strings come back as JS strings (for IDs and counts). */
  run(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.invoke(name, '', keys, args);
  }

  /** Runs a script; bulk strings come back as Buffers (for message fields, byte-exact). */
  runBuffer(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.invoke(name, 'Buffer', keys, args);
  }
}
