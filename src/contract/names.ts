import { Buffer } from 'node:buffer';
import { GatewayError } from './errors.js';

/**
 * Name rules of the contract (docs/api.md#names). The HTTP schemas reuse these
 * predicates so that OpenAPI, REST and gRPC reject exactly the same names.
 */

const CONTROL = /\p{Cc}/u;
const WHITESPACE_OR_CONTROL = /[\s\p{Cc}]/u;

/** The contract's limits: the defaults of STREAMGATE_MAX_STREAM_NAME_BYTES / _MEMBER_NAME_BYTES. */
export const STREAM_NAME_MAX_BYTES = 512;
export const MEMBER_NAME_MAX_BYTES = 256;
/**
 * How high those settings may go. A name travels URL-encoded in a path (up to 3 characters
 * a byte), and the router refuses path parameters over 4096 characters.
 */
export const STREAM_NAME_CEILING_BYTES = 1024;
export const MEMBER_NAME_CEILING_BYTES = 1024;

const byteLength = (s: string): number => Buffer.byteLength(s, 'utf8');

/** Why `name` is not a valid stream name, or null when it is. */
export function streamNameProblem(name: string, maxBytes = STREAM_NAME_MAX_BYTES): string | null {
  if (name.length === 0) return 'must not be empty';
  if (!name.isWellFormed()) return 'must be valid Unicode';
  if (byteLength(name) > maxBytes) return `must be at most ${maxBytes} bytes`;
  if (CONTROL.test(name)) return 'must not contain control characters';
  return null;
}

/** Why `name` is not a valid group or consumer name, or null when it is. */
export function memberNameProblem(name: string, maxBytes = MEMBER_NAME_MAX_BYTES): string | null {
  if (name.length === 0) return 'must not be empty';
  if (!name.isWellFormed()) return 'must be valid Unicode';
  if (byteLength(name) > maxBytes) return `must be at most ${maxBytes} bytes`;
  if (WHITESPACE_OR_CONTROL.test(name)) return 'must not contain whitespace or control characters';
  return null;
}

function check(problem: string | null, what: string): void {
  if (problem) throw new GatewayError('VALIDATION_FAILED', `${what} ${problem}`, [{ path: what, message: problem }]);
}

export interface NameLimits {
  readonly maxStreamNameBytes: number;
  readonly maxMemberNameBytes: number;
}

export const DEFAULT_NAME_LIMITS: NameLimits = Object.freeze({
  maxStreamNameBytes: STREAM_NAME_MAX_BYTES,
  maxMemberNameBytes: MEMBER_NAME_MAX_BYTES,
});

/**
 * The name rules with the configured lengths (STREAMGATE_MAX_STREAM_NAME_BYTES and
 * _MEMBER_NAME_BYTES): what the core checks every name against, whichever transport it
 * came through. VALIDATION_FAILED names the input (`what`).
 */
export class NameRules {
  constructor(readonly limits: NameLimits = DEFAULT_NAME_LIMITS) {}

  streamProblem(name: string): string | null {
    return streamNameProblem(name, this.limits.maxStreamNameBytes);
  }

  stream(name: string, what = 'stream'): void {
    check(this.streamProblem(name), what);
  }

  group(name: string, what = 'group'): void {
    check(memberNameProblem(name, this.limits.maxMemberNameBytes), what);
  }

  consumer(name: string, what = 'consumer'): void {
    check(memberNameProblem(name, this.limits.maxMemberNameBytes), what);
  }
}
