import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RedisClient } from './cluster.js';

/**
 * The Lua scripts of `lua/`, run by their SHA1 (EVALSHA, or EVAL the first time and when
 * Redis has lost its script cache). Each file's name ends with its key count (`pull-5.lua`:
 * 5 keys). A script is named by the hash of its body, so a deploy never runs a stale one.
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
  readonly sha: string;
  readonly keyCount: number;
  readonly source: string;
}

const luaDir = new URL('./lua/', import.meta.url);
const prelude = readFileSync(new URL('include/prelude.lua', luaDir), 'utf8');

function load(name: ScriptName): Loaded {
  const file = FILES[name];
  const keyCount = Number(/-(\d+)\.lua$/.exec(file)?.[1]);
  const source = `${prelude}\n${readFileSync(new URL(file, luaDir), 'utf8')}`;
  return { sha: createHash('sha1').update(source).digest('hex'), keyCount, source };
}

const LOADED = Object.fromEntries(SCRIPT_NAMES.map((n) => [n, load(n)])) as Record<ScriptName, Loaded>;

/** Source of a script as sent to Redis (prelude included), for tests that call it directly. */
export const scriptSource = (name: ScriptName): string => LOADED[name].source;

type Invoke = (script: string, keyCount: number, ...keysAndArgs: ScriptArg[]) => Promise<unknown>;

/** EVAL and EVALSHA, each as text or Buffer replies: ioredis has all four, its types only the text ones. */
interface ScriptCommands {
  readonly eval: Invoke;
  readonly evalBuffer: Invoke;
  readonly evalsha: Invoke;
  readonly evalshaBuffer: Invoke;
}

/** Redis's answer to EVALSHA of a script it does not have (restarted, SCRIPT FLUSH, a promoted replica). */
const isNoScript = (err: unknown): boolean => err instanceof Error && err.message.startsWith('NOSCRIPT');

/**
 * Runs the scripts on one connection; used by scripts.ts only.
 *
 * Not ioredis's `defineCommand`: on an auto-pipelined connection, every pipeline ioredis
 * makes (one per tick with commands to send) copies each defined script onto itself (two
 * methods and its SHA per script, some seventy properties), so with the scripts defined
 * every request paid for them, a single XADD included (docs/decisions.md, issue 10, single
 * publish). EVALSHA and EVAL are plain commands (written at once on one node, see
 * connection.ts; auto-pipelined like any other on a cluster). As
 * ioredis's scripts do, the first call of a script sends its source (EVAL), later ones
 * its SHA, and a NOSCRIPT answer is retried once with the source: nothing ran, so nothing
 * runs twice.
 */
export class ScriptRunner {
  /** Scripts sent once with their source by this runner: EVALSHA from then on. */
  private readonly sent = new Set<ScriptName>();

  private readonly redis: ScriptCommands;

  constructor(redis: RedisClient) {
    this.redis = redis as unknown as ScriptCommands;
  }

  private invoke(name: ScriptName, buffer: boolean, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    const { keyCount } = LOADED[name];
    if (keys.length !== keyCount) throw new Error(`script ${name} takes ${keyCount} keys, got ${keys.length}`);
    if (!this.sent.has(name)) {
      this.sent.add(name);
      return this.send(name, buffer, true, keys, args);
    }
    return this.send(name, buffer, false, keys, args).catch((err: unknown) => {
      if (!isNoScript(err)) throw err;
      return this.send(name, buffer, true, keys, args);
    });
  }

  /** EVAL (`bySource`) or EVALSHA of the script, with text or Buffer replies. */
  private send(name: ScriptName, buffer: boolean, bySource: boolean, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    const { sha, keyCount, source } = LOADED[name];
    const r = this.redis;
    const command = bySource ? (buffer ? r.evalBuffer : r.eval) : buffer ? r.evalshaBuffer : r.evalsha;
    return command.call(r, bySource ? source : sha, keyCount, ...keys, ...args);
  }

  /** Runs a script; bulk strings come back as JS strings (for IDs and counts). */
  run(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.invoke(name, false, keys, args);
  }

  /** Runs a script; bulk strings come back as Buffers (for message fields, byte-exact). */
  runBuffer(name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
    return this.invoke(name, true, keys, args);
  }
}
