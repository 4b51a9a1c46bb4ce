import { type Socket, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.js';
import { KEEP_ALIVE_TIMEOUT_MS } from '../../src/http/connections.js';
import { testCore, uniq } from '../helpers/core.js';
import { type GatewayProcess, send, startGatewayProcess } from './process-support.js';

/**
 * Issue 11, row 3: receiving a request has a time limit (STREAMGATE_REQUEST_TIMEOUT_MS),
 * a long poll's waiting does not count against it, and the open connections have a cap
 * (STREAMGATE_MAX_CONNECTIONS). Before, a body sent one byte every 5 s was still open at
 * 110 s, and 40 stalled bodies of about 16 MiB held 750 MB.
 */

const TIMEOUT_MS = 1000;
const MIB = 1024 * 1024;

let gw: GatewayProcess;
beforeAll(async () => {
  gw = await startGatewayProcess({ STREAMGATE_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) });
});
afterAll(() => gw?.stop());

interface Cut {
  /** ms from the first byte until the server closed the connection. */
  readonly afterMs: number;
  readonly answer: string;
}

/** Opens a connection, writes `head`, then calls `feed` every `everyMs` until the server closes it (or `giveUpMs`). */
function trickle(head: string, feed: (s: Socket) => void, everyMs: number, giveUpMs: number): Promise<Cut | null> {
  return new Promise((resolve) => {
    const socket = connect(gw.port, '127.0.0.1');
    const t0 = performance.now();
    let answer = '';
    socket.write(head);
    const timer = setInterval(() => {
      if (socket.writable) feed(socket);
    }, everyMs);
    const giveUp = setTimeout(() => {
      clearInterval(timer);
      socket.destroy();
      resolve(null);
    }, giveUpMs);
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ afterMs: performance.now() - t0, answer });
    });
  });
}

const post = (stream: string, headers: string) => `POST /v1/streams/${stream}/messages HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;

describe('the request timeout', () => {
  it('cuts a body sent one byte at a time at STREAMGATE_REQUEST_TIMEOUT_MS, with a problem', async () => {
    const cut = await trickle(post(uniq('slow'), 'Content-Length: 1000\r\n'), (s) => s.write(' '), 100, 4 * TIMEOUT_MS);
    expect(cut, 'the connection was still open after 4 × the timeout').not.toBeNull();
    // Node checks for expired requests every 100 ms here (a tenth of the head's timeout).
    expect(cut!.afterMs).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.9);
    expect(cut!.afterMs).toBeLessThan(TIMEOUT_MS * 2.5);
    expect(cut!.answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(cut!.answer).toContain('"code":"VALIDATION_FAILED"');
    expect(cut!.answer).toContain('did not arrive in time');
  });

  it('cuts a head sent one byte at a time too', async () => {
    const cut = await trickle('GET /healthz HTTP/1.1\r\nX-Slow: ', (s) => s.write('a'), 100, 4 * TIMEOUT_MS);
    expect(cut).not.toBeNull();
    expect(cut!.afterMs).toBeLessThan(TIMEOUT_MS * 2.5);
  });

  it('does not count a long poll’s waiting: a pull waits past the timeout and answers 200', async () => {
    const stream = uniq('poll');
    expect((await send(gw.port, 'POST', `/v1/streams/${stream}/messages`, '{"fields":{"a":"1"}}')).status).toBe(201);
    expect((await send(gw.port, 'POST', `/v1/streams/${stream}/groups`, '{"group":"g","start":"$"}')).status).toBe(201);
    const t0 = performance.now();
    const answer = await send(gw.port, 'POST', `/v1/streams/${stream}/groups/g/pull`, JSON.stringify({ consumer: 'c', waitMs: 2.5 * TIMEOUT_MS }));
    expect(answer.status, answer.body).toBe(200);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(2.4 * TIMEOUT_MS);
    expect(JSON.parse(answer.body)).toEqual({ messages: [] });
  });

  it('40 bodies of about 16 MiB, then stalled, hold no memory: cut at the body limit or the timeout', { timeout: 60_000 }, async () => {
    const rssBefore = gw.rssMb();
    let maxRss = rssBefore;
    const sampler = setInterval(() => (maxRss = Math.max(maxRss, gw.rssMb())), 50);
    const chunk = Buffer.alloc(MIB, 0x20);
    // Half announce their length, half are chunked: 16 MiB of spaces each, sent as fast as
    // the server reads, then nothing.
    const cuts = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const chunked = i % 2 === 1;
        const head = post(uniq('stall'), chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${16 * MIB}\r\n`);
        let sent = 0;
        return trickle(
          head,
          (s) => {
            if (sent >= 16 * MIB - MIB) return;
            sent += MIB;
            s.write(chunked ? Buffer.concat([Buffer.from(`${MIB.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
          },
          20,
          10 * TIMEOUT_MS,
        );
      }),
    );
    clearInterval(sampler);
    for (const cut of cuts) {
      expect(cut, 'a stalled body was still open').not.toBeNull();
      // The answer may be lost when the server closes while the client is still writing (a reset).
      if (cut!.answer !== '') expect(cut!.answer).toMatch(/^HTTP\/1\.1 (413|400) /);
    }
    console.log(`40 stalled bodies: RSS ${rssBefore.toFixed(0)} -> max ${maxRss.toFixed(0)} MB`);
    // Before: each body held whole (640 MB in all, 750 MB of RSS).
    expect(maxRss - rssBefore).toBeLessThan(300);
  });
});

describe('the connection cap and the keep-alive timeout', () => {
  it('STREAMGATE_MAX_CONNECTIONS: a connection over the cap is closed at once; the open ones are served', async () => {
    const core = testCore();
    const app = await buildHttpApp({ core, connections: { requestTimeoutMs: 30_000, maxConnections: 3 } });
    try {
      const url = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
      const port = Number(url.port);
      const stream = uniq('cap');
      await app.inject({ method: 'POST', url: `/v1/streams/${stream}/messages`, payload: { fields: { a: '1' } } });
      await app.inject({ method: 'POST', url: `/v1/streams/${stream}/groups`, payload: { group: 'g', start: '$' } });
      const pull = () => send(port, 'POST', `/v1/streams/${stream}/groups/g/pull`, JSON.stringify({ consumer: 'c', waitMs: 600 }), { connection: 'close' });
      const waiting = [pull(), pull(), pull()];
      await new Promise((r) => setTimeout(r, 200));
      const over = await send(port, 'GET', '/healthz');
      expect(over.status).toMatch(/^(ECONNRESET|EPIPE)$/);
      expect((await Promise.all(waiting)).map((a) => a.status)).toEqual([200, 200, 200]);
      expect((await send(port, 'GET', '/healthz')).status).toBe(200);
    } finally {
      await app.close();
      await core.close();
    }
  });

  it('sets the server’s timeouts on purpose', async () => {
    const core = testCore();
    const app = await buildHttpApp({ core, connections: { requestTimeoutMs: 5000, maxConnections: 0 } });
    try {
      const server = app.server;
      expect(server.requestTimeout).toBe(5000);
      expect(server.headersTimeout).toBe(5000);
      expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
      expect(server.timeout).toBe(0);
      expect(server.maxConnections).toBeUndefined();
    } finally {
      await app.close();
      await core.close();
    }
  });
});
