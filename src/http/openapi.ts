import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

export const OPENAPI_INFO = {
  title: 'Streamgate',
  version: 'v1',
  description: [
    'Redis Streams consumer groups over HTTP: publish, pull, ack, pending inspection, claim, group admin, replay and trimming, with leases (visibility timeouts) and dead-lettering.',
    '',
    'Messages are plain Redis stream entries, no envelope: a native Redis producer or consumer works side by side with gateway clients.',
    '',
    'Leases: a pulled message is leased to its consumer for the group `leaseMs`, measured by the group idle time for that entry. Without an ack, the next pull of the group after the lease receives it again with `deliveryCount` incremented (at-least-once). `extend` restarts the lease, `nack` releases it (after `delayMs`). A message that would be delivered for the (maxDeliveries+1)-th time is moved to the dead-letter stream instead and acked in the group: nothing is ever lost.',
    '',
    'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
  ].join('\n'),
};

export const swaggerOptions: FastifyDynamicSwaggerOptions = {
  openapi: {
    openapi: '3.1.0',
    info: OPENAPI_INFO,
    tags: [
      { name: 'messages', description: 'Publish, read, delete and trim entries.' },
      { name: 'streams', description: 'List, describe and delete streams.' },
      { name: 'groups', description: 'Consumer groups, their policy and position.' },
      { name: 'consumers', description: 'Consumers of a group.' },
      { name: 'consume', description: 'Pull, ack, nack and extend: at-least-once delivery with leases.' },
      { name: 'pending', description: 'Pending lists and explicit claims, exactly as in Redis.' },
      { name: 'dead-letters', description: 'Messages that exceeded maxDeliveries.' },
      { name: 'operations', description: 'Health, readiness, metrics.' },
    ],
  },
  transform: jsonSchemaTransform,
  transformObject: (input) => dedupeInputSchemas(jsonSchemaTransformObject(input)),
};

type Doc = ReturnType<typeof jsonSchemaTransformObject>;

/**
 * The zod provider emits every named schema twice, as `X` (output) and `XInput` (input),
 * since defaults and transforms can make them differ. Input variants that no request
 * uses are dropped, so the document lists each schema once where it can.
 */
function dedupeInputSchemas(doc: Doc): Doc {
  const components = ('components' in doc ? doc.components : undefined) as { schemas?: Record<string, unknown> } | undefined;
  const schemas = { ...(components?.schemas ?? {}) };
  const text = JSON.stringify(doc);
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !text.includes(`"$ref":"#/components/schemas/${name}"`)) delete schemas[name];
  }
  return { ...doc, components: { ...components, schemas } } as Doc;
}
