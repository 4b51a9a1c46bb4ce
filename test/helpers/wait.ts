import type { Core } from '../../src/core/core.js';
import { sleep } from './core.js';

/**
 * Waiting for an event instead of sleeping a guessed time: `until` polls a condition with a
 * deadline; `waitingPulls` reads the gateway's own count of pulls that wait for messages
 * (the watcher's figure behind the streamgate_waiting_pulls gauge), so a test can publish
 * exactly when its long poll or StreamingPull is known to be waiting.
 */

/** Polls `pred` every 10 ms until it holds; rejects after `timeoutMs`. */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Pulls of this core waiting for messages now (the watcher's count behind streamgate_waiting_pulls). */
export const waitingPulls = (core: Core): number => core.waitStats().waiting;

/** Resolves once `n` pulls of `core` wait for messages (at least; rejects after `timeoutMs`). */
export const untilWaiting = (core: Core, n = 1, timeoutMs = 5000): Promise<void> =>
  until(() => waitingPulls(core) >= n, timeoutMs, `${n} waiting pull(s)`);
