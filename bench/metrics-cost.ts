/**
 * In-process cost of what issue 14's metrics add per request on the hot paths: the
 * published/acked/nacked counter step (one per publish, ack or nack call, whatever its
 * size), and what the gRPC call metrics do per call (a clock read, properties and a shared
 * 'close' listener on the HTTP/2 stream, and a series update when it closes).
 *
 *   nice -n 15 npx tsx bench/metrics-cost.ts
 */
import { EventEmitter } from 'node:events';
import { Counter, Registry } from 'prom-client';
import { createGrpcMetrics } from '../src/grpc/metrics.js';

const N = 2_000_000;
const ns = (f: () => void, n = N) => {
  for (let i = 0; i < 100_000; i++) f();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) f();
  return Number(process.hrtime.bigint() - t0) / n;
};

const registry = new Registry();
const c = new Counter({ name: 'c_total', help: 'h', registers: [registry] });
console.log(`counter inc(n), no labels: ${ns(() => c.inc(3)).toFixed(0)} ns per call`);

const m = createGrpcMetrics(registry, ['/streamgate.v1.StreamGateway/Publish']);
class FakeStream extends EventEmitter {
  closed = false;
  destroyed = false;
}
const call = { sendStatus: () => undefined } as unknown as Record<string, unknown>;
const perCall = ns(() => {
  const stream = new FakeStream();
  call.stream = stream;
  call.sendStatus = () => undefined;
  m.interceptor({ path: '/streamgate.v1.StreamGateway/Publish' } as never, call as never);
  (call.sendStatus as (s: object) => void).call(call, { code: 0, details: '' });
  stream.emit('close');
}, 300_000);
const bare = ns(() => {
  const stream = new FakeStream();
  call.stream = stream;
  stream.emit('close');
}, 300_000);
console.log(`gRPC call metrics: ${(perCall - bare).toFixed(0)} ns per call (interceptor, status, close; an EventEmitter's own cost taken out)`);
