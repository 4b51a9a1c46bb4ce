import { request } from 'undici';
import { messageId, recordLine } from './worker-config.js';

/**
 * Does a waiting pull on this gateway still wake up when a message arrives? After a Redis
 * restart that depends on the gateway's blocking watcher having reconnected: with a dead
 * watcher the pull would sit out its whole wait (the busy main group hides this, since its
 * pulls always find messages at once). A fresh group (lease 0, so no lease polling can wake
 * it) waits for up to `waitMs`; one message is published through the other gateway.
 */
export interface WakeProbe {
  readonly ok: boolean;
  /** From the publish's answer to the pull's answer. */
  readonly latencyMs: number | null;
  readonly detail: string;
  /** Record line for the published-file: the probe message must be processed like any other. */
  readonly record: string;
}

const json = { 'content-type': 'application/json' };

export async function wakeProbe(
  waitingOn: string,
  publishVia: string,
  stream: string,
  label: string,
  waitMs: number,
): Promise<WakeProbe> {
  const enc = encodeURIComponent;
  const group = `wake-probe-${label}`;
  const created = await request(`${waitingOn}/v1/streams/${enc(stream)}/groups`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ group, start: '$', leaseMs: 0 }),
  });
  await created.body.dump();
  if (created.statusCode !== 201) return { ok: false, latencyMs: null, detail: `creating ${group}: ${created.statusCode}`, record: '' };

  const pulled = request(`${waitingOn}/v1/streams/${enc(stream)}/groups/${enc(group)}/pull`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ consumer: 'probe', count: 1, waitMs }),
    headersTimeout: waitMs + 10_000,
  }).then(async (res) => ({ at: Date.now(), status: res.statusCode, body: (await res.body.json()) as { messages?: { fields: Record<string, string> }[] } }));
  // Let the pull reach its wait before the message exists.
  await new Promise((r) => setTimeout(r, 500));

  const id = messageId(`probe-${label}`, 1);
  const published = await request(`${publishVia}/v1/streams/${enc(stream)}/messages`, {
    method: 'POST',
    headers: { ...json, 'idempotency-key': id },
    body: JSON.stringify({ fields: { id } }),
  });
  const publishedAt = Date.now();
  const pub = (await published.body.json()) as { ids?: string[] };
  const entryId = pub.ids?.[0];
  if (published.statusCode !== 201 || !entryId) {
    return { ok: false, latencyMs: null, detail: `probe publish answered ${published.statusCode}`, record: '' };
  }
  const record = recordLine.published(id, entryId, stream);
  const reply = await pulled;
  const latencyMs = reply.at - publishedAt;
  const got = reply.body.messages?.[0]?.fields.id;
  if (reply.status !== 200 || got !== id) {
    return { ok: false, latencyMs, detail: `the waiting pull answered ${reply.status} with ${JSON.stringify(reply.body)} after ${latencyMs} ms`, record };
  }
  return { ok: true, latencyMs, detail: `woke ${latencyMs} ms after the publish`, record };
}
