import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.js';
import { lazyRequestLogger } from '../../src/http/request-log.js';
import { createLogger } from '../../src/runtime/logger.js';
import { testCore, uniq } from '../helpers/core.js';

/** Request logs: made lazily (request-log.ts), but every line a request writes still carries its reqId. */

function sink() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { stream, lines };
}

describe('request logs', () => {
  it('at debug, each request logs its incoming and completed lines with one reqId', async () => {
    const out = sink();
    const core = testCore();
    const app = await buildHttpApp({ core, logger: createLogger('debug', out.stream) });
    try {
      const ids = new Set<unknown>();
      for (let i = 0; i < 3; i++) {
        const res = await app.inject({ method: 'POST', url: `/v1/streams/${uniq('log')}/messages`, payload: { fields: { a: '1' } } });
        expect(res.statusCode).toBe(201);
      }
      const incoming = out.lines.filter((l) => l.msg === 'incoming request');
      const completed = out.lines.filter((l) => l.msg === 'request completed');
      expect(incoming).toHaveLength(3);
      expect(completed).toHaveLength(3);
      for (const [i, l] of incoming.entries()) {
        expect(l.reqId).toBeTypeOf('string');
        expect(completed[i]!.reqId).toBe(l.reqId);
        expect((l.req as { method?: string }).method).toBe('POST');
        expect((completed[i]!.res as { statusCode?: number }).statusCode).toBe(201);
        ids.add(l.reqId);
      }
      expect(ids.size).toBe(3);
    } finally {
      await app.close();
      await core.close();
    }
  });

  it('at warn, a request that succeeds writes nothing; a refused one is not logged either (4xx)', async () => {
    const out = sink();
    const core = testCore();
    const app = await buildHttpApp({ core, logger: createLogger('warn', out.stream) });
    try {
      expect((await app.inject({ method: 'POST', url: `/v1/streams/${uniq('log')}/messages`, payload: { fields: { a: '1' } } })).statusCode).toBe(201);
      expect((await app.inject({ method: 'POST', url: `/v1/streams/${uniq('log')}/messages`, payload: { fields: 1 } })).statusCode).toBe(400);
      expect(out.lines).toEqual([]);
    } finally {
      await app.close();
      await core.close();
    }
  });

  it('the lazy logger writes only enabled levels, always with its bindings, and follows level changes', () => {
    const out = sink();
    const parent = createLogger('warn', out.stream);
    const log = lazyRequestLogger(parent, { reqId: 'req-1' }, {});
    expect(log.level).toBe('warn');
    log.debug('hidden');
    log.info({ a: 1 }, 'hidden too');
    expect(out.lines).toEqual([]);
    log.warn({ code: 'X' }, 'shown');
    expect(out.lines).toMatchObject([{ level: 40, reqId: 'req-1', code: 'X', msg: 'shown' }]);
    log.level = 'debug';
    log.debug('now shown');
    expect(parent.level).toBe('warn');
    log.child({ sub: true }).error('from a child');
    expect(out.lines.slice(1)).toMatchObject([
      { level: 20, reqId: 'req-1', msg: 'now shown' },
      { level: 50, reqId: 'req-1', sub: true, msg: 'from a child' },
    ]);
    // A level of its own (a route's logLevel): the plain pino child.
    const own = lazyRequestLogger(parent, { reqId: 'req-2' }, { level: 'trace' });
    own.trace('traced');
    expect(out.lines.at(-1)).toMatchObject({ level: 10, reqId: 'req-2', msg: 'traced' });
  });
});
