import type { FastifySchemaCompiler } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { membersWritten } from './json-shape.js';

/**
 * Request validation: zod (fastify-type-provider-zod) for every schema, with a fast path in
 * front of the few schemas every publish goes through. A fast path is a hand-written check
 * of the common valid input that answers the value zod would produce (equal, key for key),
 * or MISS for anything else, which zod then parses: every refusal, its message and its
 * path, and every unusual but valid input, are zod's own. test/http/fast-validation.test.ts
 * compares each fast path with its schema on random and edge inputs.
 */

/** "Not the common case": let zod parse it. */
export const MISS: unique symbol = Symbol('miss');
/**
 * Valid, and the part may stay as it is (headers: zod's value is a subset of the raw
 * headers with the same values; setting it would make Fastify merge a copy of the headers
 * on every later read of `req.headers`).
 */
export const KEEP: unique symbol = Symbol('keep');

export type FastPath = (data: unknown) => unknown;

const fastPaths = new WeakMap<z.ZodType, FastPath>();

/** Puts `fast` in front of `schema` (the same schema object must be the route's). */
export function withFastPath<T extends z.ZodType>(schema: T, fast: FastPath): T {
  fastPaths.set(schema, fast);
  return schema;
}

export function fastPathOf(schema: z.ZodType): FastPath | undefined {
  return fastPaths.get(schema);
}

const NO_VALUE = Object.freeze({});

/** What fastify-type-provider-zod reports for one zod issue (paths as JSON pointers). */
interface ReportedIssue {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
}

/**
 * A fast path's refusal: zod's own issues for a part of the input (a batch item), with
 * their paths from the root, so that zod need not walk the rest to collect an issue for
 * every wrong item of it (json-shape.ts bounds the items, not the issues).
 */
export class Refused {
  constructor(readonly errors: readonly ReportedIssue[]) {}
}

type ZodValidate = (data: unknown) => { value?: unknown; error?: ReportedIssue[] };
const zodValidators = new WeakMap<z.ZodType, ZodValidate>();

/**
 * `schema`'s parse of `data` as the route's validator would answer it: `{ value }`, or a
 * Refused whose paths start at `at` (the place of `data` in the whole part).
 */
export function zodAt(schema: z.ZodType, data: unknown, at: ReadonlyArray<string | number>): { value: unknown } | Refused {
  let validate = zodValidators.get(schema);
  if (validate === undefined) {
    validate = zodValidatorCompiler({ schema, method: 'POST', url: '', httpPart: 'body' }) as unknown as ZodValidate;
    zodValidators.set(schema, validate);
  }
  const out = validate(data);
  if (out.error === undefined) return { value: out.value };
  if (at.length === 0) return new Refused(out.error);
  const prefix = `/${at.join('/')}`;
  return new Refused(
    out.error.map((e) => {
      const instancePath = prefix + (e.instancePath === '/' ? '' : e.instancePath);
      return { ...e, instancePath, schemaPath: `#${instancePath}/${e.keyword}` };
    }),
  );
}

export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const zod = zodValidatorCompiler(route);
  const fast = fastPaths.get(route.schema);
  if (fast === undefined) return zod;
  return (data: unknown) => {
    const value = fast(data);
    if (value === MISS) return zod(data);
    if (value instanceof Refused) return { error: value.errors };
    // A result without `value`: Fastify leaves the part as it is.
    if (value === KEEP) return NO_VALUE;
    return { value };
  };
};

/** A plain JSON object (what the JSON body parser makes), not an array or a class instance. */
export const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** `obj`'s enumerable keys (own and inherited) are exactly `key`, once. */
export function onlyKey(obj: object, key: string): boolean {
  let n = 0;
  for (const k in obj) {
    if (k !== key) return false;
    n++;
  }
  return n === 1 && Object.prototype.hasOwnProperty.call(obj, key);
}

/**
 * How many enumerable keys `obj` has, when each is its own and one of `allowed` (none
 * inherited, none unknown); -1 otherwise.
 */
export function ownKeysAmong(obj: object, allowed: ReadonlySet<string>): number {
  let n = 0;
  for (const k in obj) {
    if (!allowed.has(k) || !Object.prototype.hasOwnProperty.call(obj, k)) return -1;
    n++;
  }
  return n;
}

/** Has no enumerable key at all. */
export function noKeys(obj: object): boolean {
  for (const _ in obj) return false;
  return true;
}

/** A name that a JSON object of the body repeats, and where (`messages[2].fields`; '' for the body itself). */
export interface RepeatedName {
  readonly path: string;
  readonly name: string;
}

/**
 * The first repeated name in a JSON object of `text` (`value` is what JSON.parse made of it,
 * keeping the last value of a repeated name), or null when no object repeats a name.
 *
 * Cheap in the common case, exact always: every member the text writes has one colon
 * outside strings, so `written` (json-shape.ts counts them in its pass over the body) is the
 * members written; a repeat drops one from the parsed value. Equal counts mean nothing was
 * dropped; otherwise the text is scanned for the repeat and its path. A walk of the parsed
 * value stops at COUNT_DEPTH; the scan (iterative) decides past it.
 */
export function repeatedName(text: string, value: unknown, written = membersWritten(text)): RepeatedName | null {
  // No colon, no member (nested arrays, however deep, are not walked).
  if (typeof value !== 'object' || value === null || written === 0) return null;
  const counts = { members: 0 };
  if (count(value, counts, 0) && counts.members === written) return null;
  return scanForRepeat(text);
}

/** Past this depth count() gives up (false) and the scan decides: no recursion without a bound. */
const COUNT_DEPTH = 64;

/** Adds `v`'s members to `out`; false past COUNT_DEPTH. */
function count(v: object, out: { members: number }, depth: number): boolean {
  if (depth > COUNT_DEPTH) return false;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null && !count(x, out, depth + 1)) return false;
    }
    return true;
  }
  const o = v as Record<string, unknown>;
  for (const k in o) {
    out.members++;
    const x = o[k];
    if (typeof x === 'object' && x !== null && !count(x, out, depth + 1)) return false;
  }
  return true;
}

/**
 * Walks valid JSON text (JSON.parse accepted it) for the first name an object repeats;
 * iterative, any depth. Per open object or array: its names so far (null for an array) and
 * the member name or index being read, kept in two parallel stacks (no object per level).
 */
function scanForRepeat(text: string): RepeatedName | null {
  const names: (Set<string> | null)[] = [];
  const at: (string | number)[] = [];
  let expectName = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b /* { */) {
      names.push(new Set());
      at.push('');
      expectName = true;
    } else if (c === 0x5b /* [ */) {
      names.push(null);
      at.push(0);
      expectName = false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      names.pop();
      at.pop();
      expectName = false;
    } else if (c === 0x2c /* , */) {
      const top = at.length - 1;
      if (names[top]) expectName = true;
      else at[top] = (at[top] as number) + 1;
    } else if (c === 0x22 /* " */) {
      let end = i + 1;
      let escaped = false;
      for (let d = text.charCodeAt(end); d !== 0x22; d = text.charCodeAt(++end)) {
        if (d === 0x5c) {
          end++;
          escaped = true;
        }
      }
      if (expectName) {
        const top = at.length - 1;
        const seen = names[top]!;
        const name = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end);
        if (seen.has(name)) return { path: pathOf(at, top), name };
        seen.add(name);
        at[top] = name;
        expectName = false;
      }
      i = end;
    }
  }
  return null;
}

/** `messages[2].fields`: the members and indexes being read in the first `depth` levels of `at`. */
function pathOf(at: readonly (string | number)[], depth: number): string {
  let out = '';
  for (let k = 0; k < depth; k++) {
    const a = at[k]!;
    out += typeof a === 'number' ? `[${a}]` : `${out === '' ? '' : '.'}${a}`;
  }
  return out;
}
