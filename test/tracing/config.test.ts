import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/runtime/config.js';
import { parseTraceparent, stateFieldOf } from '../../src/core/tracing.js';
import { configError } from '../helpers/config-error.js';

describe('STREAMGATE_TRACING and STREAMGATE_TRACE_FIELD', () => {
  it('off by default, field traceparent', () => {
    const c = loadConfig({});
    expect([c.tracing, c.traceField]).toEqual([false, 'traceparent']);
    expect(loadConfig({ STREAMGATE_TRACING: '1', STREAMGATE_TRACE_FIELD: 'x-trace' })).toMatchObject({ tracing: true, traceField: 'x-trace' });
  });

  it('refuses a field without tracing (it would be ignored), a bad boolean, a field over 256 characters', () => {
    expect(configError({ STREAMGATE_TRACE_FIELD: 'tp' })).toContain('STREAMGATE_TRACE_FIELD: applies only with STREAMGATE_TRACING=true');
    expect(configError({ STREAMGATE_TRACING: 'yes' })).toContain('STREAMGATE_TRACING: must be true, false, 1 or 0');
    expect(configError({ STREAMGATE_TRACING: 'true', STREAMGATE_TRACE_FIELD: 'f'.repeat(257) })).toContain('STREAMGATE_TRACE_FIELD');
  });
});

describe('trace context rules', () => {
  it('the tracestate field is named from the traceparent field', () => {
    expect(['traceparent', 'x-traceparent', 'trace'].map(stateFieldOf)).toEqual(['tracestate', 'x-tracestate', 'trace-state']);
  });

  it('reads W3C traceparents and refuses the invalid ones', () => {
    const tp = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    expect(parseTraceparent(tp, 'a=b')).toEqual({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, tracestate: 'a=b' });
    // A later version may carry more after the flags.
    expect(parseTraceparent('01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-more')?.traceFlags).toBe(0);
    for (const bad of [
      '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-more',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01',
      '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01',
      'garbage',
    ]) {
      expect(parseTraceparent(bad), bad).toBeNull();
    }
  });
});
