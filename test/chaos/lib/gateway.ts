import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { credentials } from '@grpc/grpc-js';
import { request } from 'undici';
import { freePort } from '../../../src/runtime/embedded-redis.js';
import { loadProto } from '../../../src/grpc/proto.js';
import type { Child, ProcessTable } from './processes.js';
import type { GatewayTarget } from './worker-config.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The gateway as `npm start` runs it: compiled JavaScript, started by `node` directly so the
 * PID is the gateway's. The build goes to node_modules/.cache (inside the repository, so the
 * compiled code resolves the installed packages; a package.json there makes it ESM) and
 * leaves dist/ alone. A compiled gateway starts in a fraction of tsx's time, which matters
 * for a restart in the middle of the load.
 */
export function buildGateway(): string[] {
  const root = join(REPO_ROOT, 'node_modules', '.cache', 'streamgate-chaos');
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const tsc = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--outDir', join(root, 'dist')],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  );
  if (tsc.status !== 0) throw new Error(`compiling the gateway failed:\n${tsc.stdout}${tsc.stderr}`);
  // What scripts/copy-assets.mjs copies for `npm run build`: the Lua scripts and the console's files.
  cpSync(join(REPO_ROOT, 'src', 'redis', 'lua'), join(root, 'dist', 'redis', 'lua'), { recursive: true });
  cpSync(join(REPO_ROOT, 'src', 'http', 'console'), join(root, 'dist', 'http', 'console'), { recursive: true });
  cpSync(join(REPO_ROOT, 'proto'), join(root, 'proto'), { recursive: true });
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'streamgate-chaos-build', version: '0.0.0', type: 'module' }));
  return [join(root, 'dist', 'cli.js')];
}

export interface ChaosGateway extends GatewayTarget {
  readonly label: string;
  /** Starts (or restarts, on the same ports) and waits until REST and gRPC answer. */
  start(): Promise<void>;
  kill(): Promise<void>;
  /** SIGTERM: the graceful shutdown; resolves with the exit code (null: it had to be killed). */
  stop(): Promise<number | null>;
  /** Polls /readyz until 200; ms it took, or null after `timeoutMs`. */
  waitReady(timeoutMs: number): Promise<number | null>;
  /** Warning and error lines logged so far, over all incarnations. */
  logCounts(): { warn: number; error: number };
}

export async function chaosGateway(
  procs: ProcessTable,
  label: string,
  command: readonly string[],
  redisUrl: string,
  logFile: string,
  /** More environment (the cluster chaos: STREAMGATE_REDIS_CLUSTER, STREAMGATE_PUBLISH_WAIT_*). */
  extraEnv: Record<string, string> = {},
): Promise<ChaosGateway> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const grpcAddress = `127.0.0.1:${grpcPort}`;
  let child: Child | null = null;
  let incarnation = 0;
  const counts = { warn: 0, error: 0 };
  const onLine = (line: string) => {
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (level === '40') counts.warn++;
    else if (level !== undefined && Number(level) >= 50) counts.error++;
  };

  const waitReady = async (timeoutMs: number): Promise<number | null> => {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (child && !child.running()) return null;
      try {
        const res = await request(`${httpUrl}/readyz`, { headersTimeout: 2000, bodyTimeout: 2000 });
        await res.body.dump();
        if (res.statusCode === 200) return Date.now() - t0;
      } catch {
        // Not listening yet.
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return null;
  };

  return {
    label,
    httpUrl,
    grpcAddress,
    async start() {
      child = procs.spawn(`gateway ${label} #${++incarnation}`, process.execPath, command, {
        cwd: REPO_ROOT,
        logFile,
        onLine,
        env: {
          REDIS_URL: redisUrl,
          HOST: '127.0.0.1',
          HTTP_PORT: String(httpPort),
          GRPC_PORT: String(grpcPort),
          LOG_LEVEL: 'warn',
          ...extraEnv,
        },
      });
      if ((await waitReady(30_000)) === null) throw new Error(`gateway ${label} did not become ready in 30 s; see ${logFile}`);
      const { grpc } = loadProto();
      const probe = new grpc.streamgate.v1.StreamGateway(grpcAddress, credentials.createInsecure());
      try {
        await new Promise<void>((res, rej) => probe.waitForReady(Date.now() + 10_000, (err) => (err ? rej(err) : res())));
      } finally {
        probe.close();
      }
    },
    async kill() {
      await child?.kill();
    },
    async stop() {
      if (!child) return null;
      const exit = await child.stop(15_000);
      return exit.signal === null ? exit.code : null;
    },
    waitReady,
    logCounts: () => ({ ...counts }),
  };
}
