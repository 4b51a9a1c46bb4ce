import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { redisUrl } from '../helpers/core.js';
import { until } from '../helpers/wait.js';
import { type CliProcess, repoRoot, runCli } from './cli-process.js';

/**
 * What a person starting the gateway sees: the startup lines name every URL, and on a
 * terminal the logs are pretty-printed (pino-pretty) instead of JSON lines.
 */

const env = () => ({ REDIS_URL: redisUrl(), HTTP_PORT: '0', GRPC_PORT: '0', STREAMGATE_REAP_INTERVAL_MS: '0' });
let cli: CliProcess | undefined;
const killed: number[] = [];

afterEach(() => {
  cli?.kill();
  cli = undefined;
  for (const pid of killed.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});

/** PIDs whose parent is `parent` (from /proc: no procps needed). */
function childrenOf(parent: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) out.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return out;
}

describe('startup lines', () => {
  it('name the URLs of REST, the docs, the console, /metrics and gRPC', async () => {
    cli = runCli([], env());
    const line = await cli.waitForLog((l) => String(l.msg).startsWith('Streamgate ready'), 30_000);
    const rest = String(line.rest);
    expect(rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(line).toMatchObject({ docs: `${rest}/docs`, console: `${rest}/console`, metrics: `${rest}/metrics` });
    expect(String(line.grpc)).toMatch(/^127\.0\.0\.1:\d+$/);
    for (const u of [rest, line.docs, line.console, line.metrics, line.grpc]) expect(line.msg).toContain(String(u));
    // The named /metrics answers.
    expect((await fetch(String(line.metrics))).status).toBe(200);
  });
});

describe('log format', () => {
  it('is pretty-printed when stdout is a terminal, and JSON when it is not', async () => {
    // JSON through a pipe (runCli): every line parses.
    cli = runCli([], env());
    await cli.waitForLog((l) => String(l.msg).startsWith('Streamgate ready'), 30_000);
    const jsonLines = cli.output().split('\n').filter((l) => l.trim() !== '');
    expect(jsonLines.every((l) => l.startsWith('{'))).toBe(true);
    cli.kill();
    cli = undefined;

    // A pseudo-terminal (script(1)): pino-pretty's lines, no JSON.
    const vars = Object.entries(env()).map(([k, v]) => `${k}='${v}'`).join(' ');
    const command = `exec env ${vars} '${process.execPath}' --import tsx src/cli.ts`;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: repoRoot, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'dumb' }, stdio: ['pipe', 'pipe', 'pipe'] });
    killed.push(child.pid!);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await until(() => out.includes('Streamgate ready'), 30_000, `pretty startup lines:\n${out}`);
    } finally {
      // script(1) runs the gateway in a session of its own: stop it by its PID.
      for (const pid of childrenOf(child.pid!)) {
        killed.push(pid);
        process.kill(pid, 'SIGTERM');
      }
    }
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toMatch(/\[\d\d:\d\d:\d\d\.\d{3}\] INFO: REST API listening/);
    expect(plain).toMatch(/INFO: Streamgate ready: REST http:\/\/127\.0\.0\.1:\d+, docs .*\/docs, console .*\/console, metrics .*\/metrics, gRPC 127\.0\.0\.1:\d+/);
    expect(plain.split('\n').some((l) => l.trimStart().startsWith('{"level"'))).toBe(false);
  });
});
