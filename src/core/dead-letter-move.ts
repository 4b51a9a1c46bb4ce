import type { Backend } from '../redis/backend.js';
import type { DeadLetterType, HandedBack, PullOptions, PullReply } from '../redis/scripts.js';
import type { PolicyStore } from './policy.js';
import { sameSlot } from '../redis/keys.js';
import type { Fence } from './access/fence.js';

/**
 * Dead-letter moves when the dead-letter stream is in another Redis Cluster slot than its
 * stream (`orders` and `orders:dlq`): no script may touch both, so the scripts that find
 * the messages to move (pull-5's lease walk, term-4) hand them back, reserved, and the move
 * takes two steps here: first the dead letters are written (deadLetter-1, with the same
 * fields as the one-script move, x-original-id among them), then the entries are acked
 * (ack-2, their nack delays forgotten). Until that ack they stay pending, so a failure or a
 * crash between the steps leaves a duplicate dead letter at most (a later walk or term
 * moves them again), never a lost message; redrive skips duplicates (redrive-3,
 * redriveAdd-2). In the same slot (a hash tag: `{orders}` and `{orders}:dlq`), and always
 * on a single Redis, the move stays one atomic script.
 */

/**
 * The key to pass a script as the dead-letter stream the caller believes the group uses:
 * `deadLetter` itself (one atomic script), or null (hand the dead letters back) when the
 * adapter runs against a Cluster and `deadLetter` hashes to another slot than `stream`.
 */
export function deadLetterKey(backend: Backend, stream: string, deadLetter: string): string | null {
  if (!backend.crossSlotDeadLetters) return deadLetter;
  // Asked on every pull: the two slots (about 0.5 µs) are remembered per stream.
  let known = apart.get(stream);
  if (known === undefined || known.deadLetter !== deadLetter) {
    if (apart.size >= APART_MAX) apart.clear();
    known = { deadLetter, other: !sameSlot(stream, deadLetter) };
    apart.set(stream, known);
  }
  return known.other ? null : deadLetter;
}

/**
 * The same answers as one script: a script that hands back may not look at the dead-letter
 * key (another slot), so its type is asked here just before (TYPE, one round trip to the
 * key's master), where the one script would check it (pull-5: when the group dead-letters;
 * term-4: always); the script checks the answer at the same point (DLQTYPE) and answers
 * 'DLQ' when it was not asked about the group's key. A key that changes type between the
 * two is still caught by deadLetter-1 if anything is moved (the move left pending).
 */
export async function askDeadLetterType(backend: Backend, deadLetter: string): Promise<DeadLetterType> {
  return { stream: deadLetter, type: await backend.commands.keyType(deadLetter) };
}

/**
 * pull-5 handing back (`o.deadLetter` null; `deadLetter` is the group's dead-letter stream as
 * the caller believes it): its type is asked first when the group's last pull found that it
 * dead-letters (pull-5 checks the key only then); what this pull finds is remembered for the
 * next. A wrong guess costs round trips, never an answer: pull-5 answers 'DLQ' (nothing
 * changed) when it was not asked about the group's key; asked about no key, it is asked
 * about `deadLetter` and run again here, and withDeadLetter calls again for another key.
 */
export async function pullHandingBack(
  backend: Backend,
  policies: PolicyStore,
  stream: string,
  group: string,
  consumer: string,
  deadLetter: string,
  o: PullOptions,
): Promise<PullReply> {
  let asks = policies.asksDeadLetterType(stream, group);
  for (;;) {
    const deadLetterType = asks ? await askDeadLetterType(backend, deadLetter) : undefined;
    const reply = await backend.scripts.pull(stream, group, consumer, { ...o, deadLetterType });
    // 'DLQ' when handing back: asked about no key or another, and the group dead-letters.
    const next = reply.status === 'DLQ' || reply.asksDeadLetterType;
    if (next !== policies.asksDeadLetterType(stream, group)) policies.rememberAsks(stream, group, next);
    if (reply.status !== 'DLQ' || asks || reply.deadLetterStream !== deadLetter) return reply;
    asks = true;
  }
}

/** Per stream: its group's dead-letter stream last asked about, and whether it is in another slot. */
const apart = new Map<string, { readonly deadLetter: string; readonly other: boolean }>();
const APART_MAX = 10_000;

/**
 * The two steps for what a script handed back (nothing when it handed back nothing):
 * returns how many entries were moved (acked after their copy). A refusal (the fence) or a
 * failure of either step is thrown, the entries left pending for a later move.
 */
export async function moveHandedBack(backend: Backend, fence: Fence, stream: string, group: string, handed: HandedBack | null): Promise<number> {
  if (handed === null || handed.moves.length === 0) return 0;
  fence.assertDeadLetter(handed.deadLetterStream, group);
  await backend.scripts.deadLetter(handed.deadLetterStream, handed.moves);
  const acked = await backend.scripts.ack(
    stream,
    group,
    '',
    handed.moves.map((m) => m.id),
  );
  let moved = 0;
  for (const a of acked) if (a === 1) moved++;
  return moved;
}
