import fc from 'fast-check';

/**
 * JSON as the fuzzers write it: objects are entry lists (so a key may repeat, or be
 * `__proto__`, which a JS object cannot hold as data), and `Raw` splices text JSON.stringify
 * would never produce (`1e400`, `-0`, deep nesting). Both print as their JSON text, so a
 * failing case reads as the body that was sent.
 */

export class Raw {
  constructor(readonly text: string) {}
  [fc.toStringMethod](): string {
    return this.text.length > 200 ? `Raw(${this.text.slice(0, 200)}… ${this.text.length} chars)` : `Raw(${this.text})`;
  }
}

export class Obj {
  constructor(readonly entries: ReadonlyArray<readonly [string, Json]>) {}
  [fc.toStringMethod](): string {
    return jsonText(this);
  }
}

export type Json = null | boolean | number | string | Json[] | Obj | Raw;

export function jsonText(value: Json): string {
  if (value instanceof Raw) return value.text;
  if (value instanceof Obj) return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${jsonText(v)}`).join(',')}}`;
  if (Array.isArray(value)) return `[${value.map(jsonText).join(',')}]`;
  // JSON.stringify escapes lone surrogates as \udXXX: the body stays valid UTF-8 text.
  return JSON.stringify(value);
}

/** The value of `key` in an object (the last one when it repeats, as JSON.parse reads it). */
export function member(value: Json | undefined, key: string): Json | undefined {
  if (!(value instanceof Obj)) return undefined;
  let found: Json | undefined;
  for (const [k, v] of value.entries) if (k === key) found = v;
  return found;
}
