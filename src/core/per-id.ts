import type { PerIdResult } from '../contract/types.js';

/**
 * Per ID, 1 when the script acted on it, 2 when another consumer holds it, else 0 (see the
 * ack, setLease and term scripts): an ID not acted on is not pending (for this consumer),
 * and not owned too when another consumer holds it (`notOwned` only when there is one).
 */
export function perId(ids: readonly string[], flags: readonly number[]): PerIdResult {
  const notPending: string[] = [];
  let notOwned: string[] | undefined;
  for (let i = 0; i < ids.length; i++) {
    const flag = flags[i];
    if (flag === 1) continue;
    notPending.push(ids[i]!);
    if (flag === 2) (notOwned ??= []).push(ids[i]!);
  }
  const count = ids.length - notPending.length;
  return notOwned === undefined ? { count, notPending } : { count, notPending, notOwned };
}
