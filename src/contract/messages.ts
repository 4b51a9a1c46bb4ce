import { invalid } from './errors.js';

/**
 * How a message's fields and a trim travel, the same rules on both transports. A message
 * is a list of field/value pairs in Redis's order, names may repeat; each transport offers
 * a map (`fields`: REST a JSON object, gRPC a protobuf map) and an ordered list (`pairs`).
 */

/**
 * A published message gives its fields one way: `fields` or `pairs`, exactly one. What
 * "given" means is the transport's: a JSON member present (REST), a non-empty map or list
 * (gRPC, whose proto3 cannot tell an empty one from an absent one).
 */
export function fieldsForm(hasFields: boolean, hasPairs: boolean, path: string): 'fields' | 'pairs' {
  if (hasFields === hasPairs) throw invalid(`${path} needs exactly one of fields or pairs`, path);
  return hasPairs ? 'pairs' : 'fields';
}

/** The maps a message's fields travel in: a JSON object (REST) or a protobuf map (gRPC). */
export type FieldMap = 'json' | 'protobuf';

/** JavaScript orders integer-like object keys first (array indexes: below 2^32 − 1, no leading zero). */
const INDEX_LIKE = /^(0|[1-9]\d{0,9})$/;
const isIndexLike = (name: string): boolean => INDEX_LIKE.test(name) && Number(name) < 4294967295;

/**
 * An answer's message carries `pairs` (every field in Redis's order) beside `fields` when
 * the map cannot hold the entry faithfully: a name repeats (a map keeps one value per name),
 * or, in a JSON object, a name is integer-like (JavaScript would move it first, so the
 * order the reader sees would not be Redis's). A protobuf map has no order to keep: the
 * proto says so, and `pairs` carries repeated names only. Asked per field (`repeated`: the
 * name was met before in this message), so the map is built in one pass.
 */
export const needsPairs = (map: FieldMap, name: string, repeated: boolean): boolean =>
  repeated || (map === 'json' && isIndexLike(name));

/** Trimming as XADD / XTRIM take it: by length or by lowest ID, exact or approximate. */
export interface TrimInput {
  readonly maxLen?: number | undefined;
  readonly minId?: string | undefined;
  readonly exact?: boolean | undefined;
}

/**
 * A trim names exactly one threshold, `maxLen` (keep at most this many, the newest) or
 * `minId` (remove entries below it); `exact` defaults to approximate (defaultOptions.trim).
 * The core checks the values themselves (maxLen a count, minId an entry ID).
 */
export function trimThreshold<T extends TrimInput>(t: T): T {
  if (t.maxLen !== undefined && t.minId !== undefined) throw invalid('trim takes maxLen or minId, not both', 'trim');
  if (t.maxLen === undefined && t.minId === undefined) throw invalid('trim needs maxLen or minId', 'trim');
  return t;
}
