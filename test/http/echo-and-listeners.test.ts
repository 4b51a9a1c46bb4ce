import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_URL_ECHO } from '../../src/http/problem.js';
import { uniq } from '../helpers/core.js';
import { type TestApp, testApp } from '../helpers/http.js';
import { send } from './process-support.js';

/**
 * Issue 11, row 11 (REST): a long URL is not echoed whole in a problem, and many concurrent
 * REST pulls put no MaxListenersExceededWarning on stderr.
 */

let t: TestApp;
let port: number;
beforeAll(async () => {
  t = await testApp();
  port = Number(new URL(await t.listen()).port);
});
afterAll(async () => t?.close());

describe('a long URL in a problem', () => {
  const long = 'a'.repeat(5000);

  it.each([
    ['an over-long path parameter (400)', `/v1/streams/${long}/messages`, 400],
    ['an unknown route (404)', `/v1/x${long}`, 404],
    ['an unknown route with a long query (404)', `/v1/x${long}?q=${long}`, 404],
  ])('%s: the detail repeats the URL cut to MAX_URL_ECHO characters, and says so', async (_label, url, status) => {
    const answer = await send(port, 'GET', url);
    expect(answer.status).toBe(status);
    const problem = JSON.parse(answer.body) as { detail: string; instance?: string };
    expect(problem.detail.length).toBeLessThan(MAX_URL_ECHO + 200);
    expect(problem.detail).toMatch(/… \(cut: \d+ characters in all\)/);
    expect(answer.body.length).toBeLessThan(1000);
  });

  it('a short URL is still repeated whole', async () => {
    const answer = await send(port, 'GET', '/v1/nowhere');
    expect(JSON.parse(answer.body)).toMatchObject({ detail: 'no route for GET /v1/nowhere', instance: '/v1/nowhere' });
  });
});

describe('many concurrent REST pulls', () => {
  it('put no MaxListenersExceededWarning on stderr (30 waiting pulls on their own connections, 15 pipelined on one)', { timeout: 20_000 }, async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      const stream = uniq('pulls');
      expect((await send(port, 'POST', `/v1/streams/${stream}/messages`, '{"fields":{"a":"1"}}')).status).toBe(201);
      expect((await send(port, 'POST', `/v1/streams/${stream}/groups`, '{"group":"g","start":"$"}')).status).toBe(201);
      const pulls = Array.from({ length: 30 }, (_, i) =>
        send(port, 'POST', `/v1/streams/${stream}/groups/g/pull`, JSON.stringify({ consumer: `c${i % 3}`, waitMs: 300 })),
      );
      expect((await Promise.all(pulls)).map((a) => a.status)).toEqual(Array(30).fill(200));
      // 15 pulls pipelined on one keep-alive connection: their listeners would pile up on it.
      const body = JSON.stringify({ consumer: 'p', waitMs: 20 });
      const one = `POST /v1/streams/${stream}/groups/g/pull HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const answered = await new Promise<number>((resolve) => {
        const socket = connect(port, '127.0.0.1');
        let text = '';
        const count = () => (text.match(/HTTP\/1\.1 200/g) ?? []).length;
        socket.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          if (count() >= 15) socket.end();
        });
        socket.on('close', () => resolve(count()));
        socket.write(one.repeat(15));
      });
      expect(answered).toBe(15);
      // Let any warning emitted on the next ticks arrive.
      await new Promise((r) => setTimeout(r, 50));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});
