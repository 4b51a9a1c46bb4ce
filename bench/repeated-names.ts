// What refusing a repeated JSON name costs a publish (src/http/validation.ts repeatedName,
// called by the JSON body parser): in process, no network. For each body it prints the
// median time of the parse alone, of the parse plus the check, and of the whole publish
// (app.inject: parse, validation, core, Redis), interleaved so that a noisy machine slows
// all three alike. Run: nice -n 15 npx tsx bench/repeated-names.ts
import secureJson from 'secure-json-parse';
import { createCore } from '../src/core/core.js';
import { buildHttpApp } from '../src/http/app.js';
import { repeatedName } from '../src/http/validation.js';
import { loadConfig } from '../src/runtime/config.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { PAYLOAD } from './lib/clients.js';

const WITH_COLONS = { ...PAYLOAD, at: '2024-05-01T12:30:00Z', url: 'https://example.com/o/1234' };
const batch = (n: number, fields: Record<string, string>) => JSON.stringify({ messages: Array.from({ length: n }, () => ({ fields })) });
const BODIES: Array<[string, string, number]> = [
  ['single message, 4 fields', JSON.stringify({ fields: PAYLOAD }), 4000],
  ['batch of 100 × 4 fields', batch(100, PAYLOAD), 400],
  ['batch of 1000 × 4 fields', batch(1000, PAYLOAD), 60],
  ['batch of 1000 × 6 fields, colons in values', batch(1000, WITH_COLONS), 60],
];

const parse = (text: string): unknown => secureJson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const us = (ns: bigint) => Number(ns) / 1000;

const redis = await startRedis();
const core = createCore(loadConfig({ HTTP_PORT: '0', GRPC_PORT: 'off', LOG_LEVEL: 'silent', STREAMGATE_REAP_INTERVAL_MS: '0' }), redis.url);
const app = await buildHttpApp({ core });
try {
  console.log('body | bytes | parse µs | parse + check µs | check µs | whole publish µs | check ÷ publish');
  for (const [name, text, reps] of BODIES) {
    const parseOnly: number[] = [];
    const parseCheck: number[] = [];
    const publish: number[] = [];
    for (let i = 0; i < reps + 10; i++) {
      let t = process.hrtime.bigint();
      parse(text);
      const a = us(process.hrtime.bigint() - t);
      t = process.hrtime.bigint();
      const v = parse(text);
      if (repeatedName(text, v) !== null) throw new Error('a repeat?');
      const b = us(process.hrtime.bigint() - t);
      t = process.hrtime.bigint();
      const res = await app.inject({ method: 'POST', url: '/v1/streams/bench-repeats/messages', payload: text, headers: { 'content-type': 'application/json' } });
      const c = us(process.hrtime.bigint() - t);
      if (res.statusCode !== 201) throw new Error(`publish answered ${res.statusCode}: ${res.body}`);
      if (i >= 10) {
        parseOnly.push(a);
        parseCheck.push(b);
        publish.push(c);
      }
      if (i % 50 === 0) await core.streams.trim('bench-repeats', { maxLen: 0, exact: true }).catch(() => undefined);
    }
    const [p, pc, w] = [median(parseOnly), median(parseCheck), median(publish)];
    console.log(`${name} | ${text.length} | ${p.toFixed(0)} | ${pc.toFixed(0)} | ${(pc - p).toFixed(0)} | ${w.toFixed(0)} | ${(((pc - p) / w) * 100).toFixed(1)} %`);
  }
} finally {
  await app.close();
  await core.close();
  await redis.stop();
}
