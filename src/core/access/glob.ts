/**
 * Glob patterns with Redis's semantics (`stringmatchlen` in Redis's util.c), so that a
 * pattern in STREAMGATE_STREAMS or in a key's grants means what it means to `SCAN MATCH`
 * and `KEYS`: `*` any run of characters (`/` included: stream names are not paths), `?` one
 * character, `[abc]` `[a-z]` `[^a]` a class (an unterminated class runs to the end of the
 * pattern, as in Redis), `\x` the character x. Matching is case-sensitive.
 *
 * One difference, on purpose: Redis compares bytes, this compares Unicode code points, so
 * `?` matches one character of a non-ASCII name rather than one byte of its UTF-8 form.
 */

export type GlobMatcher = (name: string) => boolean;

const SPECIAL = /[*?[\\]/;

/** Compiles a pattern once; the common shapes (literal, `*`, `prefix*`) skip the general matcher. */
export function compileGlob(pattern: string): GlobMatcher {
  if (!SPECIAL.test(pattern)) return (name) => name === pattern;
  if (/^\*+$/.test(pattern)) return () => true;
  const star = pattern.indexOf('*');
  if (star > 0 && /^\*+$/.test(pattern.slice(star)) && !SPECIAL.test(pattern.slice(0, star))) {
    const prefix = pattern.slice(0, star);
    return (name) => name.startsWith(prefix);
  }
  const p = toCodePoints(pattern);
  return (name) => matchFrom(p, 0, toCodePoints(name), 0, { giveUp: false });
}

export const globMatch = (pattern: string, name: string): boolean => compileGlob(pattern)(name);

function toCodePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) ?? 0);
  return out;
}

const STAR = 0x2a;
const QUESTION = 0x3f;
const OPEN = 0x5b;
const CLOSE = 0x5d;
const BACKSLASH = 0x5c;
const CARET = 0x5e;
const DASH = 0x2d;

/**
 * A transcription of Redis's stringmatchlen_impl over code point arrays. `state.giveUp` is
 * Redis's skipLongerMatches: once a `*` has tried every suffix of the name and failed, no
 * outer `*` can succeed by consuming more, which keeps the search polynomial.
 */
function matchFrom(p: readonly number[], pi: number, s: readonly number[], si: number, state: { giveUp: boolean }): boolean {
  while (pi < p.length && si < s.length) {
    const c = p[pi];
    if (c === STAR) {
      while (pi + 1 < p.length && p[pi + 1] === STAR) pi++;
      if (pi + 1 === p.length) return true;
      for (; si < s.length; si++) {
        if (matchFrom(p, pi + 1, s, si, state)) return true;
        if (state.giveUp) return false;
      }
      state.giveUp = true;
      return false;
    }
    if (c === QUESTION) {
      si++;
    } else if (c === OPEN) {
      pi++;
      const not = p[pi] === CARET;
      if (not) pi++;
      const ch = s[si];
      let match = false;
      for (;;) {
        const left = p.length - pi;
        if (p[pi] === BACKSLASH && left >= 2) {
          pi++;
          if (p[pi] === ch) match = true;
        } else if (p[pi] === CLOSE) {
          break;
        } else if (left === 0) {
          // Unterminated class: it ends with the pattern.
          pi--;
          break;
        } else if (left >= 3 && p[pi + 1] === DASH) {
          let lo = p[pi] ?? 0;
          let hi = p[pi + 2] ?? 0;
          if (lo > hi) [lo, hi] = [hi, lo];
          pi += 2;
          if (ch !== undefined && ch >= lo && ch <= hi) match = true;
        } else if (p[pi] === ch) {
          match = true;
        }
        pi++;
      }
      if (not) match = !match;
      if (!match) return false;
      si++;
    } else {
      if (c === BACKSLASH && p.length - pi >= 2) pi++;
      if (p[pi] !== s[si]) return false;
      si++;
    }
    pi++;
    if (si === s.length) {
      while (p[pi] === STAR) pi++;
      break;
    }
  }
  return pi === p.length && si === s.length;
}

/**
 * Splits a comma-separated list of patterns (STREAMGATE_STREAMS). A comma inside a pattern
 * is written `\,`, which the glob itself then reads as a literal comma; whitespace around
 * each pattern is dropped, empty items are ignored.
 */
export function splitGlobList(list: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < list.length; i++) {
    const ch = list[i];
    if (ch === '\\' && i + 1 < list.length) {
      current += ch + list[i + 1];
      i++;
    } else if (ch === ',') {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map((p) => p.trim()).filter((p) => p !== '');
}
