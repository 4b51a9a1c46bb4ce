/**
 * A look at a JSON body's shape before it is parsed. JSON.parse cannot be interrupted, and
 * its cost depends on the shape far more than on the size: 16 MiB of `[[[[…]]]]` took 3 s
 * and 600 MB, a million one-letter keys 1 s, and zod then collects one issue per wrong item
 * (8 million of them ran the heap out). No request of the contract nests deeper than 4
 * levels, and no array or object in one has more items than STREAMGATE_MAX_BATCH (messages,
 * IDs) or STREAMGATE_MAX_FIELDS (fields, pairs): a body that breaks either is refused from
 * its text, in one linear pass, before anything is built from it.
 *
 * The pass only counts brackets, commas and colons outside strings (strings are skipped
 * with indexOf, so text costs next to nothing); it never decides whether the text is valid
 * JSON: JSON.parse still does that, with its own messages. The colons it counts are the
 * members the text's objects write (one each), which the repeated-name check compares with
 * the parsed value (validation.ts repeatedName), so the text is scanned once, not twice.
 */

/** Deepest nesting a body may have: the contract's bodies use 4 (publish with pairs). */
export const MAX_JSON_DEPTH = 32;

export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most items (array elements, object members) one array or object may hold. */
  readonly maxItems: number;
}

export type ShapeProblem = { readonly message: string };

let commasByDepth = new Int32Array(MAX_JSON_DEPTH + 1);

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const OPEN_ARRAY = 91;
const CLOSE_ARRAY = 93;
const OPEN_OBJECT = 123;
const CLOSE_OBJECT = 125;

/**
 * The first way `text` breaks `limits`, or else how many members its objects write (its
 * colons outside strings: exact for JSON text; for text that is not JSON, a count JSON.parse
 * makes moot by refusing it). Items are counted by their commas, per open array or object.
 */
export function jsonShape(text: string, limits: JsonShapeLimits): ShapeProblem | number {
  const { maxDepth, maxItems } = limits;
  // Commas seen in each open array or object, by depth (1 = the outermost). One array for
  // every call (the pass is synchronous): allocating it cost more than scanning a small body.
  if (commasByDepth.length <= maxDepth) commasByDepth = new Int32Array(maxDepth + 1);
  const commas = commasByDepth;
  let depth = 0;
  let members = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return members;
    } else if (c === COLON) {
      members++;
    } else if (c === COMMA) {
      if (depth > 0 && ++commas[depth]! >= maxItems) {
        return {
          message: `an array or object in the body holds more than ${maxItems} items (the most a request may carry: STREAMGATE_MAX_BATCH messages or IDs, STREAMGATE_MAX_FIELDS fields)`,
        };
      }
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (depth === maxDepth) {
        return { message: `the body nests arrays and objects deeper than ${maxDepth} levels (no request needs more than 4)` };
      }
      commas[++depth] = 0;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      // More closing than opening brackets: not JSON, which JSON.parse will say.
      if (depth === 0) return members;
      depth--;
    }
  }
  return members;
}

/** The members the objects of JSON text write (its colons outside strings), with no limits. */
export function membersWritten(text: string): number {
  let members = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return members;
    } else if (c === COLON) members++;
  }
  return members;
}

/** Where the string opening at `start` closes: the next quote not escaped by an odd run of backslashes; -1 if none. */
function stringEnd(text: string, start: number): number {
  let end = start;
  for (;;) {
    end = text.indexOf('"', end + 1);
    if (end < 0) return -1;
    let k = end - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((end - 1 - k) % 2 === 0) return end;
  }
}
