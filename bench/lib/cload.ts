// Load from C clients, so that the client is not the bottleneck: wrk (HTTP/1.1, a Lua
// script for the POST body) and h2load (HTTP/2, a pre-encoded gRPC request body). Both
// are Debian packages (apt-get install wrk nghttp2-client); absent, the caller falls back
// or says n/a.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadProto } from '../../src/grpc/proto.js';
import { which } from './services.js';
import { percentile } from './stats.js';

export const tools = {
  wrk: which('wrk'),
  h2load: which('h2load'),
};

export interface LoadResult {
  /** Requests completed with a 2xx answer. */
  readonly ok: number;
  readonly seconds: number;
  readonly rate: number;
  /** Non-2xx answers, socket errors, failed requests. */
  readonly errors: number;
  readonly raw: string;
}

function run(bin: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${bin} ${args.join(' ')} exited ${code}:\n${out}`));
    });
  });
}

const lua = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;

export interface WrkRequest {
  readonly url: string;
  readonly body: string;
  readonly contentType: string;
  readonly headers?: Record<string, string>;
}

/** wrk, one thread, `connections` keep-alive connections, POSTing `body` to `url` for `seconds`. */
export async function wrk(dir: string, req: WrkRequest, connections: number, seconds: number): Promise<LoadResult> {
  if (!tools.wrk) throw new Error('wrk is not installed');
  mkdirSync(dir, { recursive: true });
  const script = join(dir, `wrk-${process.pid}-${Math.random().toString(36).slice(2)}.lua`);
  const headers = { 'Content-Type': req.contentType, ...req.headers };
  writeFileSync(
    script,
    [
      'wrk.method = "POST"',
      `wrk.body = ${lua(req.body)}`,
      ...Object.entries(headers).map(([k, v]) => `wrk.headers[${lua(k)}] = ${lua(v)}`),
      '',
    ].join('\n'),
  );
  const raw = await run(tools.wrk, ['-t1', `-c${connections}`, `-d${seconds}s`, '--timeout', '10s', '-s', script, req.url], (seconds + 30) * 1000);
  const m = /(\d+) requests in ([\d.]+)(m?s)/.exec(raw);
  const total = Number(m?.[1] ?? Number.NaN);
  const secs = m ? Number(m[2]) / (m[3] === 'ms' ? 1000 : 1) : NaN;
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(raw)?.[1] ?? 0);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(raw);
  const socketErrors = sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0;
  const ok = total - non2xx;
  if (!Number.isFinite(ok) || !Number.isFinite(secs)) throw new Error(`cannot read wrk's output:\n${raw}`);
  return { ok, seconds: secs, rate: ok / secs, errors: non2xx + socketErrors, raw };
}

/** A gRPC message frame: flag 0 (not compressed), 4-byte big-endian length, the protobuf bytes. */
export function grpcFrame(message: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(message.length, 1);
  return Buffer.concat([head, message]);
}

/** A streamgate.v1.PublishRequest encoded by the gateway's own proto definition. */
export function encodePublishRequest(request: unknown): Buffer {
  const { definition } = loadProto();
  const service = definition['streamgate.v1.StreamGateway'] as unknown as Record<string, { requestSerialize(v: unknown): Buffer }>;
  const publish = service.Publish;
  if (!publish) throw new Error('no Publish method in the proto');
  return publish.requestSerialize(request);
}

export interface H2Request {
  readonly url: string;
  /** File holding the request body (a gRPC frame, or a JSON body with `h1`). */
  readonly bodyFile: string;
  readonly headers?: Record<string, string>;
  readonly connections: number;
  /** Concurrent streams per connection (HTTP/2); 1 with `h1`. */
  readonly streams: number;
  readonly seconds: number;
  /** Requests per second per connection (h2load --rps): a fixed offered rate. */
  readonly rpsPerConnection?: number;
  /** HTTP/1.1 instead of HTTP/2 (h2load --h1). */
  readonly h1?: boolean;
  /** Per-request log (h2load --log-file). */
  readonly logFile?: string;
}

/**
 * h2load, one thread, for `seconds` (no warm-up: the phase's CPU and its requests cover the
 * same time). Default headers are gRPC's; gRPC answers 200 even for a failed call (the
 * status is in the trailers): the caller checks the effect (e.g. XLEN) where it can.
 */
export async function h2load(req: H2Request): Promise<LoadResult> {
  if (!tools.h2load) throw new Error('h2load is not installed');
  const headers = req.headers ?? { 'content-type': 'application/grpc', te: 'trailers' };
  const args = [
    '-t1',
    `-c${req.connections}`,
    `-m${req.h1 ? 1 : req.streams}`,
    `-D${req.seconds}`,
    ...(req.h1 ? ['--h1'] : []),
    ...(req.logFile ? [`--log-file=${req.logFile}`] : []),
    '-d',
    req.bodyFile,
    ...Object.entries(headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    ...(req.rpsPerConnection !== undefined ? [`--rps=${req.rpsPerConnection}`] : []),
    req.url,
  ];
  const raw = await run(tools.h2load, args, (req.seconds + 30) * 1000);
  const fin = /finished in ([\d.]+)(m?s)/.exec(raw);
  const secs = fin ? Number(fin[1]) / (fin[2] === 'ms' ? 1000 : 1) : Number.NaN;
  const counts = /requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout/.exec(raw);
  const ok = Number(/status codes: (\d+) 2xx/.exec(raw)?.[1] ?? Number.NaN);
  const errors = counts ? Number(counts[5]) + Number(counts[6]) + Number(counts[7]) : Number.NaN;
  if (!Number.isFinite(ok) || !Number.isFinite(secs) || !Number.isFinite(errors)) throw new Error(`cannot read h2load's output:\n${raw}`);
  return { ok, seconds: secs, rate: ok / secs, errors, raw };
}

export interface FixedRateResult {
  readonly sent: number;
  /** Requests the schedule called for: fewer sent means the schedule slipped. */
  readonly expected: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
}

/**
 * A fixed offered rate from a C client: h2load --h1 --rps over `connections` connections,
 * each request's latency from h2load's per-request log (--log-file). Latency runs from when
 * h2load sent the request: a connection whose answer is late delays its next request
 * (coordinated omission), which shows as `sent` < `expected`.
 */
export async function fixedRateH1(dir: string, url: string, body: string, contentType: string, rate: number, seconds: number, connections = 64): Promise<FixedRateResult> {
  if (!tools.h2load) throw new Error('h2load is not installed');
  mkdirSync(dir, { recursive: true });
  const tag = `${process.pid}-${Math.random().toString(36).slice(2)}`;
  const bodyFile = join(dir, `fixed-${tag}.body`);
  const logFile = join(dir, `fixed-${tag}.log`);
  writeFileSync(bodyFile, body);
  const r = await h2load({ url, bodyFile, headers: { 'content-type': contentType }, connections, streams: 1, seconds, rpsPerConnection: rate / connections, h1: true, logFile });
  const latencies: number[] = [];
  let bad = 0;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const [, status, us] = line.split('\t');
    if (status === undefined || us === undefined) continue;
    if (!status.startsWith('2')) bad++;
    latencies.push(Number(us) / 1000);
  }
  return { sent: latencies.length, expected: Math.round(rate * seconds), errors: r.errors + bad, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}
