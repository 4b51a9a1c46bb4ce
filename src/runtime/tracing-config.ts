import { z } from 'zod';

/**
 * STREAMGATE_TRACING and STREAMGATE_TRACE_FIELD, spread into config.ts's schema. The
 * OpenTelemetry SDK itself reads the standard OTEL_* variables (tracing.ts).
 */
export const tracingEnv = {
  STREAMGATE_TRACING: z
    .enum(['true', 'false', '1', '0'], { message: 'must be true, false, 1 or 0' })
    .default('false')
    .transform((v) => v === 'true' || v === '1')
    .describe(
      'Start the OpenTelemetry Node SDK, configured by the standard OTEL_* variables (exporter, service name, sampler): a span per REST request and RPC, ' +
        'a child per Redis call, and the trace context written into each published message (STREAMGATE_TRACE_FIELD). Off: nothing of OpenTelemetry is loaded.',
    ),
  STREAMGATE_TRACE_FIELD: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe(
      'With STREAMGATE_TRACING: the message field publish writes the W3C traceparent into (default traceparent); a tracestate goes beside it, ' +
        'in the same name with "parent" at its end made "state" (traceparent → tracestate), or with "-state" added.',
    ),
};

export interface TracingSettings {
  /** STREAMGATE_TRACING: start the OpenTelemetry SDK (runtime/tracing.ts). */
  readonly tracing: boolean;
  /** STREAMGATE_TRACE_FIELD: the field of each published message that carries its traceparent. */
  readonly traceField: string;
}

export const DEFAULT_TRACE_FIELD = 'traceparent';

interface TracingEnv {
  readonly STREAMGATE_TRACING: boolean;
  readonly STREAMGATE_TRACE_FIELD?: string | undefined;
}

export function tracingOf(e: TracingEnv): TracingSettings {
  return { tracing: e.STREAMGATE_TRACING, traceField: e.STREAMGATE_TRACE_FIELD ?? DEFAULT_TRACE_FIELD };
}

/** [variable, message] pairs for config.ts's crossChecks: a field name without tracing would be silently ignored. */
export function tracingProblems(e: TracingEnv): Array<[string, string]> {
  return e.STREAMGATE_TRACE_FIELD !== undefined && !e.STREAMGATE_TRACING
    ? [['STREAMGATE_TRACE_FIELD', 'applies only with STREAMGATE_TRACING=true']]
    : [];
}
