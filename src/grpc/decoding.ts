import type { ServiceDefinition } from '@grpc/grpc-js';
import { type GatewayError, invalid, messageOf } from '../contract/errors.js';
import { strictStrings } from './wire-reader.js';

/**
 * Request bytes that are not a message of the method's type (truncated, a wrong wire type,
 * a varint too long for its field). grpc-js answers a deserializer that throws with
 * INTERNAL and no `error-code`, as if the server had failed; it is the client's mistake, so
 * the deserializer returns this marker instead and the handler answers INVALID_ARGUMENT /
 * VALIDATION_FAILED like any other invalid request. Found by test/fuzz/grpc.test.ts.
 */
export class Undecodable {
  constructor(readonly reason: string) {}

  toError(): GatewayError {
    return invalid(`the request is not a valid protobuf message of its type: ${this.reason}`, 'request');
  }
}

/**
 * The service with each method's request deserializer returning Undecodable rather than
 * throwing, and reading strings strictly: a string field that is not UTF-8 is undecodable,
 * never read with U+FFFD (wire-reader.ts strictStrings).
 */
export function withUndecodableRequests(service: ServiceDefinition): ServiceDefinition {
  const out: Record<string, ServiceDefinition[string]> = {};
  for (const [name, method] of Object.entries(service)) {
    out[name] = {
      ...method,
      requestDeserialize: (bytes: Buffer): unknown => {
        try {
          return method.requestDeserialize(strictStrings(bytes));
        } catch (err) {
          return new Undecodable(messageOf(err));
        }
      },
    };
  }
  return out;
}
