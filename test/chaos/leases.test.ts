import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { doubleLeases, readDeliveries } from './lib/leases.js';
import { recordLine } from './lib/worker-config.js';

/** The cluster chaos's leased-twice check, on records written by hand (no Redis, no processes). */

const LEASE = 2000;
const MARGIN = 500;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function records(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamgate-leases-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `processed-${name}.log`), text);
  return dir;
}

const p = (msgId: string, at: number, consumer: string, stream = 's') => recordLine.processed(msgId, '1-0', 1, stream, at, consumer);
const flagged = (dir: string, killedAt = new Map<string, number>()) =>
  doubleLeases(readDeliveries(dir, LEASE, killedAt), MARGIN).map((d) => `${d.second.msgId}@${d.second.at}`);

describe('leased twice', () => {
  it('flags a second delivery within the first lease, to another consumer or the same one', () => {
    const dir = records({ 'a-1': p('m1', 1000, 'a') + p('m2', 1000, 'a'), 'b-1': p('m1', 1100, 'b') + p('m2', 2600, 'b') });
    // m2 comes back 400 ms before the lease's end: within the margin (transit time), not flagged.
    expect(flagged(dir)).toEqual(['m1@1100']);
    expect(flagged(records({ 'a-1': p('m1', 1000, 'a') + p('m1', 1200, 'a') }))).toEqual(['m1@1200']);
  });

  it('allows a redelivery after the lease, after the holder was killed, or after its StreamingPull ended', () => {
    expect(flagged(records({ 'a-1': p('m1', 1000, 'a'), 'b-1': p('m1', 3100, 'b') }))).toEqual([]);
    const killed = records({ 'a-1': p('m1', 1000, 'a'), 'b-1': p('m1', 1300, 'b') });
    expect(flagged(killed, new Map([['processed-a-1.log', 1250]]))).toEqual([]);
    expect(flagged(killed, new Map([['processed-a-1.log', 2500]]))).toEqual(['m1@1300']);
    const ended = records({ 'a-1': p('m1', 1000, 'a') + recordLine.sessionEnded('s', 1200) + p('m2', 1300, 'a'), 'b-1': p('m1', 1250, 'b') + p('m2', 1350, 'b') });
    expect(flagged(ended)).toEqual(['m2@1350']);
  });

  it('ends a StreamingPull only for its own stream', () => {
    const dir = records({ 'a-1': p('m1', 1000, 'a', 's1') + recordLine.sessionEnded('s2', 1100), 'b-1': p('m1', 1200, 'b', 's1') });
    expect(flagged(dir)).toEqual(['m1@1200']);
  });
});
