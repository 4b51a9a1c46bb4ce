import type { PerIdResult, TermResult } from '../contract/types.js';

/**
 * Per ID, 1 when the script acted on it, 2 when another consumer holds it, 3 (term only)
 * when it was pending but deleted from the stream, else 0 (see the ack, setLease and term
 * scripts): an ID not acted on is not pending (for this consumer), and not owned too when
 * another consumer holds it (`notOwned` only when there is one).
 */
export function perId(ids: readonly string[], flags: readonly number[]): PerIdResult {
  const { count, notPending, notOwned } = walk(ids, flags);
  return notOwned === undefined ? { count, notPending } : { count, notPending, notOwned };
}

/** A term's per-ID result: perId, and the IDs flagged 3 (acked, nothing to dead-letter) in `deleted`, not counted. */
export function termResult(ids: readonly string[], flags: readonly number[]): TermResult {
  const { count, notPending, notOwned, deleted } = walk(ids, flags);
  return notOwned === undefined ? { count, notPending, deleted } : { count, notPending, notOwned, deleted };
}

function walk(ids: readonly string[], flags: readonly number[]) {
  const notPending: string[] = [];
  const deleted: string[] = [];
  let notOwned: string[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    const flag = flags[i];
    if (flag === 1) continue;
    if (flag === 3) deleted.push(ids[i]!);
    else {
      notPending.push(ids[i]!);
      if (flag === 2) (notOwned ??= []).push(ids[i]!);
    }
  }
  return { count: ids.length - notPending.length - deleted.length, notPending, notOwned, deleted };
}
