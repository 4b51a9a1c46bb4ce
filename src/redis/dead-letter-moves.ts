import type { Backend } from './backend.js';
import type { FieldPair, Message } from '../contract/types.js';
import { keys } from './keys.js';
import { arr, buf, int, ints, str } from './reply.js';
import type { ScriptArg, ScriptRunner } from './script-loader.js';

/**
 * Dead-letter moves across Redis Cluster slots, in two steps (pull-5 and term-4 hand the
 * dead letters back; see deadLetter-1.lua and redriveAdd-2.lua): the scripts run in one
 * slot each, so the core sequences them, the copy always before the removal.
 */

/** A dead letter handed back by pull-5 or term-4: the entry's ID and the dead letter's fields (names and values). */
export interface DeadLetterMove {
  readonly id: string;
  readonly fields: readonly Buffer[];
}

/**
 * The type of a dead-letter key in another Cluster slot, asked (TYPE) just before a pull-5
 * or term-4 that hands back: the script may not look at the key, and checks this instead
 * where it would check the key itself (DLQTYPE), so the answers are those of one script.
 */
export interface DeadLetterType {
  readonly stream: string;
  /** What TYPE answered: 'stream', 'none', or another type. */
  readonly type: string;
}

/** What pull-5 or term-4 handed back: null when they wrote the dead letters themselves. */
export interface HandedBack {
  readonly deadLetterStream: string;
  readonly moves: readonly DeadLetterMove[];
}

/** Reads the two last elements of a pull-5 or term-4 reply (the dead-letter stream, the flat moves). */
export function parseHandedBack(stream: unknown, flat: unknown): HandedBack | null {
  const name = stream === undefined || stream === null ? '' : str(stream);
  if (name === '') return null;
  const raw = arr(flat);
  const moves: DeadLetterMove[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) moves.push({ id: str(raw[i]), fields: arr(raw[i + 1]).map(buf) });
  return { deadLetterStream: name, moves };
}

/** Names and values of a listed dead letter, byte-exact. */
function flatFields(pairs: readonly FieldPair[]): ScriptArg[] {
  const out: ScriptArg[] = [];
  for (const p of pairs) out.push(p[2] ?? p[0], p[1]);
  return out;
}

/** term-4's options (scripts.ts runs it). */
export interface TermScriptOptions {
  /** Only this consumer's entries; '': anyone's. */
  readonly consumer: string;
  /** x-reason; '': none. */
  readonly reason: string;
  /** The dead-letter stream of a group without a stored policy. */
  readonly defaultDeadLetter: string;
  readonly ids: readonly string[];
  /** Handing back: the dead-letter key's type, asked just before (undefined: not asked). */
  readonly deadLetterType?: DeadLetterType;
}

/** What term-4 did: per ID, 1 dead-lettered (or handed back), 0 not pending, 2 held by another consumer, 3 acked (deleted from the stream). */
export type TermReply =
  | { readonly status: 'OK'; readonly flags: number[]; readonly policyUnreadable: boolean; readonly handedBack: HandedBack | null }
  /** The group's dead-letter stream is not the one passed: nothing was changed. */
  | { readonly status: 'DLQ'; readonly deadLetterStream: string };

export function parseTerm(raw: unknown): TermReply {
  const [status, a, b, name, moves] = arr(raw);
  if (str(status) === 'DLQ') return { status: 'DLQ', deadLetterStream: str(a) };
  return { status: 'OK', flags: ints(a), policyUnreadable: int(b) === 1, handedBack: parseHandedBack(name, moves) };
}

/** deadLetter-1: writes the dead letters to `deadLetter` (step 1 of a move); their new IDs. */
export function writeDeadLetters(backend: Backend, runner: ScriptRunner, deadLetter: string, moves: readonly DeadLetterMove[]): Promise<string[]> {
  const args: ScriptArg[] = [];
  for (const m of moves) args.push(m.fields.length, ...m.fields);
  return backend.call('deadLetter.lua', deadLetter, () => runner.run('deadLetter', [deadLetter], args), (reply) => arr(reply).map(str));
}

/**
 * redriveAdd-2: republishes dead letters (as listed from the dead-letter stream) into
 * `stream`, each x-original-id remembered `keepMs`. Per dead letter: its new ID; '' for a
 * duplicate (already redriven: delete it, nothing republished); null when it is not a dead
 * letter of `group` from `stream` (or was deleted from the stream).
 */
export function redriveAddScript(
  backend: Backend,
  runner: ScriptRunner,
  stream: string,
  group: string,
  keepMs: number,
  letters: readonly Message[],
): Promise<(string | null)[]> {
  const args: ScriptArg[] = [group, keepMs];
  for (const l of letters) {
    const pairs = l.pairs ?? [];
    args.push(pairs.length * 2, ...flatFields(pairs));
  }
  return backend.call(
    'redriveAdd.lua',
    stream,
    () => runner.run('redriveAdd', [stream, keys.redriven(stream)], args),
    (reply) => arr(reply).map((v) => (v === null || v === undefined ? null : str(v))),
  );
}
