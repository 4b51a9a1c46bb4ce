import { readFileSync } from 'node:fs';
import { Agent, type IncomingHttpHeaders, request } from 'node:http';
import { redisUrl } from '../helpers/core.js';
import { type CliProcess, runCli } from '../runtime/cli-process.js';

/**
 * The gateway as its own process (the CLI, on the test Redis), for tests that read its RSS
 * or measure how long its event loop is blocked: a probe in the test process then sees the
 * gateway stall, not its own.
 */

export interface GatewayProcess {
  readonly cli: CliProcess;
  readonly port: number;
  readonly url: string;
  /** Resident memory of the gateway process, in MB. */
  rssMb(): number;
  stop(): void;
}

export async function startGatewayProcess(env: Record<string, string>): Promise<GatewayProcess> {
  const cli = runCli([], { REDIS_URL: redisUrl(), HTTP_PORT: '0', GRPC_PORT: 'off', LOG_LEVEL: 'info', ...env });
  try {
    const line = await cli.waitForLog((l) => l.msg === 'REST API listening', 30_000);
    const url = String(line.url);
    return {
      cli,
      url,
      port: Number(new URL(url).port),
      rssMb: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${cli.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024,
      stop: () => cli.kill(),
    };
  } catch (err) {
    cli.kill();
    throw err;
  }
}

export interface Answer {
  readonly status: number | string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** One request on its own connection; `status` is the error code when there is no answer. */
export function send(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ status: err.code ?? 'error', headers: {}, body: '' }));
    req.end(body);
  });
}

export interface Probe {
  /** Stops probing; the slowest /healthz answer seen (ms), how many, and the largest RSS sampled. */
  stop(): Promise<{ worstMs: number; count: number; maxRssMb: number }>;
}

/**
 * GET /healthz every 10 ms on a keep-alive connection, timing each answer, and the
 * gateway's RSS sampled beside it.
 */
export function probeHealth(gw: GatewayProcess): Probe {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let stopped = false;
  let worstMs = 0;
  let count = 0;
  let maxRssMb = gw.rssMb();
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: gw.port, path: '/healthz', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  const loop = (async () => {
    while (!stopped) {
      const t0 = performance.now();
      await once();
      worstMs = Math.max(worstMs, performance.now() - t0);
      count++;
      maxRssMb = Math.max(maxRssMb, gw.rssMb());
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      agent.destroy();
      return { worstMs, count, maxRssMb };
    },
  };
}
