import { NodeSDK, resources } from '@opentelemetry/sdk-node';
import type { Logger } from 'pino';
import { type Tracing, openTracing } from '../core/tracing.js';

/**
 * STREAMGATE_TRACING=true: the OpenTelemetry Node SDK, configured as any OpenTelemetry
 * application is, by the standard OTEL_* variables, which the SDK reads itself: the
 * exporter (OTEL_TRACES_EXPORTER, default otlp; OTEL_EXPORTER_OTLP_ENDPOINT,
 * OTEL_EXPORTER_OTLP_PROTOCOL...), the service name (OTEL_SERVICE_NAME, default
 * `streamgate` here), the sampler (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG). No
 * automatic instrumentation: the gateway makes its own spans (core/tracing.ts).
 *
 * main.ts imports this file only when tracing is on, so with it off no OpenTelemetry
 * module is loaded.
 */
export interface StartedTracing {
  readonly tracing: Tracing;
  /** Flushes the spans still buffered and stops the SDK (bounded by the caller). */
  shutdown(): Promise<void>;
}

export async function startTracing(field: string, logger: Logger): Promise<StartedTracing> {
  const sdk = new NodeSDK({
    // Merged under what OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES say (they win).
    resource: resources.resourceFromAttributes({ 'service.name': 'streamgate' }),
    instrumentations: [],
  });
  sdk.start();
  logger.info({ field }, 'tracing on (OpenTelemetry SDK, configured by the OTEL_* variables)');
  return { tracing: await openTracing(field), shutdown: () => sdk.shutdown() };
}
