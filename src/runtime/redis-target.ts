import { z } from 'zod';

/**
 * Sentinel mode (STREAMGATE_REDIS_SENTINELS, STREAMGATE_REDIS_SENTINEL_NAME, optional
 * STREAMGATE_REDIS_SENTINEL_PASSWORD): the gateway asks the sentinels for the current
 * primary, at start and on every reconnection. REDIS_URL is then optional and gives only
 * what the data nodes need: the password (and user), the database number and, with
 * rediss://, TLS to the data nodes; its host and port are not used (the sentinels name the
 * primary). The sentinels themselves are reached in plaintext.
 */
export interface RedisSentinel {
  readonly sentinels: ReadonlyArray<{ readonly host: string; readonly port: number }>;
  readonly name: string;
  readonly password: string | null;
}

/** `host:port,host:port` (IPv6 as `[::1]:26379`), for the schema's transform. */
export function parseHostPorts(value: string, ctx: z.RefinementCtx): Array<{ host: string; port: number }> {
  const out: Array<{ host: string; port: number }> = [];
  for (const item of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(item);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${item}" is not host:port` });
      return z.NEVER;
    }
    out.push({ host: m[1] ?? m[2] ?? '', port });
  }
  return out;
}

interface SentinelEnv {
  readonly REDIS_URL?: string | undefined;
  readonly STREAMGATE_REDIS_SENTINELS?: ReadonlyArray<{ host: string; port: number }> | undefined;
  readonly STREAMGATE_REDIS_SENTINEL_NAME?: string | undefined;
  readonly STREAMGATE_REDIS_SENTINEL_PASSWORD?: string | undefined;
  readonly STREAMGATE_PUBLISH_WAIT_REPLICAS: number;
  readonly STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: number;
  readonly STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: number;
  readonly STREAMGATE_REDIS_CLUSTER?: boolean;
}

export function sentinelOf(e: SentinelEnv): RedisSentinel | null {
  if (e.STREAMGATE_REDIS_SENTINELS === undefined || e.STREAMGATE_REDIS_SENTINEL_NAME === undefined) return null;
  return Object.freeze({
    sentinels: Object.freeze(e.STREAMGATE_REDIS_SENTINELS.map((s) => Object.freeze({ ...s }))),
    name: e.STREAMGATE_REDIS_SENTINEL_NAME,
    password: e.STREAMGATE_REDIS_SENTINEL_PASSWORD ?? null,
  });
}

/** The rules between these variables, as [variable, message] pairs (config.ts's crossChecks). */
export function sentinelProblems(e: SentinelEnv): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const sentinels = e.STREAMGATE_REDIS_SENTINELS !== undefined;
  if (sentinels && e.STREAMGATE_REDIS_SENTINEL_NAME === undefined) {
    problems.push(['STREAMGATE_REDIS_SENTINEL_NAME', 'must be set with STREAMGATE_REDIS_SENTINELS (the master name the sentinels monitor)']);
  }
  if (!sentinels && e.STREAMGATE_REDIS_SENTINEL_NAME !== undefined) {
    problems.push(['STREAMGATE_REDIS_SENTINELS', 'must be set with STREAMGATE_REDIS_SENTINEL_NAME']);
  }
  if (!sentinels && e.STREAMGATE_REDIS_SENTINEL_PASSWORD !== undefined) {
    problems.push(['STREAMGATE_REDIS_SENTINEL_PASSWORD', 'applies only with STREAMGATE_REDIS_SENTINELS']);
  }
  if (sentinels && e.STREAMGATE_REDIS_CLUSTER === true) {
    problems.push(['STREAMGATE_REDIS_SENTINELS', 'Sentinel and Redis Cluster are exclusive: a cluster fails over by itself (unset one of STREAMGATE_REDIS_SENTINELS and STREAMGATE_REDIS_CLUSTER)']);
  }
  // WAIT must answer before the command deadline, or a confirmed publish could still fail.
  if (e.STREAMGATE_PUBLISH_WAIT_REPLICAS > 0 && e.STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS >= e.STREAMGATE_REDIS_COMMAND_TIMEOUT_MS) {
    problems.push([
      'STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS',
      `must be below STREAMGATE_REDIS_COMMAND_TIMEOUT_MS (${e.STREAMGATE_REDIS_COMMAND_TIMEOUT_MS})`,
    ]);
  }
  return problems;
}
