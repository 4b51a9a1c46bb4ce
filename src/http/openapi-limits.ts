import type { Limits } from '../contract/limits.js';
import type { LimitName } from '../contract/defaults.js';
import { LIMIT_KEYWORD } from './schemas/numbers.js';

/**
 * The maxima that are settings (schemas/numbers.ts limitedInt: STREAMGATE_MAX_COUNT,
 * _MAX_WAIT_MS, _MAX_BATCH) as this gateway is configured: the document a client reads
 * states the limits it will meet. The committed openapi/openapi.json is the document at the
 * default configuration. The marker keyword is removed (strict JSON Schema validators refuse
 * unknown keywords).
 */
export function withConfiguredLimits<T>(doc: T, limits: Pick<Limits, LimitName>): T {
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    const limit = obj[LIMIT_KEYWORD];
    if (typeof limit === 'string' && limit in limits) {
      obj.maximum = limits[limit as LimitName];
      delete obj[LIMIT_KEYWORD];
    }
    for (const value of Object.values(obj)) visit(value);
  };
  visit(doc);
  return doc;
}
