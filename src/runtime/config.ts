import { z } from 'zod';
import { splitGlobList } from '../core/access/glob.js';
import { BENCH_FEATURES, type CoreConfig } from '../core/config.js';
import { type ConnectionLimits, DEFAULT_CONNECTION_LIMITS } from '../http/connections.js';
import { LEASE_MAX_MS, LEASE_MIN_MS, MAX_DELIVERIES_MAX } from '../core/policy.js';
import { type LimitName, bodyBytesFor, limitSettings } from '../contract/defaults.js';
import { type RedisSentinel, parseHostPorts, sentinelOf, sentinelProblems } from './redis-target.js';
import { MEMBER_NAME_CEILING_BYTES, MEMBER_NAME_MAX_BYTES, STREAM_NAME_CEILING_BYTES, STREAM_NAME_MAX_BYTES } from '../contract/names.js';
import { clusterUrlProblems } from './redis-url.js';
import { type TracingSettings, tracingEnv, tracingOf, tracingProblems } from './tracing-config.js';
import { groupMetricsOf, metricsEnv } from './metrics-config.js';

/**
 * The whole configuration, as one zod schema over the environment. Nothing else in the
 * code base reads `process.env`: `loadConfig` parses it once and the frozen result is
 * passed down. Every variable is optional; the CLI turns `--flag value` into the same
 * variables (see `flagFor`).
 */

const port = (fallback: number) =>
  z
    .union([z.literal('off'), z.coerce.number().int().min(0).max(65535)])
    .default(fallback)
    .transform((v): number | null => (v === 'off' ? null : v));

const int = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** A limit whose default and range are the contract's (contract/defaults.ts). */
const limit = (name: LimitName) => int(limitSettings[name].default, limitSettings[name].min, limitSettings[name].max);

/** `true|false|1|0`: z.coerce.boolean would read "false" as true. */
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'], { message: 'must be true, false, 1 or 0' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

const path = () => z.string().min(1).optional();

/** appendfsync values the embedded Redis may be given (STREAMGATE_EMBEDDED_FSYNC). */
export const EMBEDDED_FSYNC_MODES = ['always', 'everysec'] as const;
export type EmbeddedFsync = (typeof EMBEDDED_FSYNC_MODES)[number];

export const envSchema = z.object({
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional()
    .describe(
      'Redis to use. Unset: start a local redis-server (AOF on) in STREAMGATE_DATA_DIR. With STREAMGATE_REDIS_CLUSTER: ' +
        'one seed node of the cluster, or several comma-separated.',
    ),
  STREAMGATE_REDIS_CLUSTER: bool(false).describe(
    'REDIS_URL is a Redis Cluster (one or more comma-separated seed nodes), reached through every master.',
  ),
  STREAMGATE_DATA_DIR: z.string().min(1).default('./data').describe('Data folder of the embedded redis-server.'),
  STREAMGATE_REDIS_SERVER: z
    .string()
    .min(1)
    .default('redis-server')
    .describe('redis-server binary used for the embedded Redis.'),
  STREAMGATE_EMBEDDED_FSYNC: z
    .enum(EMBEDDED_FSYNC_MODES, { message: 'must be always or everysec' })
    .optional()
    .describe(
      'appendfsync of the embedded Redis (default everysec): always fsyncs before answering; everysec can lose ' +
        'about the last second of acknowledged writes on a power loss.',
    ),
  HOST: z.string().min(1).default('127.0.0.1').describe('Address both servers bind.'),
  HTTP_PORT: port(8080).describe('REST port (0: any free port, off: no REST).'),
  GRPC_PORT: port(50051).describe('gRPC port (0: any free port, off: no gRPC).'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  STREAMGATE_DEFAULT_LEASE_MS: z
    .coerce.number()
    .int()
    .refine((v) => v === 0 || (v >= LEASE_MIN_MS && v <= LEASE_MAX_MS), `must be 0 or ${LEASE_MIN_MS}..${LEASE_MAX_MS}`)
    .default(30_000)
    .describe('Lease of groups without a stored policy (0: plain Redis semantics).'),
  STREAMGATE_DEFAULT_MAX_DELIVERIES: int(0, 0, MAX_DELIVERIES_MAX).describe(
    'maxDeliveries of groups without a stored policy (0: unlimited).',
  ),
  STREAMGATE_MAX_COUNT: limit('maxCount').describe('Largest count a read, pull or claim may ask for.'),
  STREAMGATE_MAX_WAIT_MS: limit('maxWaitMs').describe('Longest waitMs a pull may ask for.'),
  STREAMGATE_MAX_MESSAGE_BYTES: limit('maxMessageBytes').describe(
    'Largest message (sum of field names and values, in bytes).',
  ),
  STREAMGATE_MAX_FIELDS: limit('maxFields').describe('Most fields one message may have.'),
  STREAMGATE_MAX_BATCH: limit('maxBatch').describe('Most messages, ids or entries in one request.'),
  STREAMGATE_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(limitSettings.maxBodyBytes.min)
    .max(limitSettings.maxBodyBytes.max)
    .optional()
    .describe(
      `Largest REST request body and gRPC message. Unset: 6 × STREAMGATE_MAX_MESSAGE_BYTES + 64 × (STREAMGATE_MAX_FIELDS + STREAMGATE_MAX_BATCH) + 4096 (${limitSettings.maxBodyBytes.default} with their defaults).`,
    ),
  STREAMGATE_MAX_RESPONSE_BYTES: limit('maxResponseBytes').describe(
    'Bytes of entries (IDs, field names, values) one read answers: it stops after the entry that reaches them and says where to continue.',
  ),
  STREAMGATE_MAX_STREAM_NAME_BYTES: int(STREAM_NAME_MAX_BYTES, 1, STREAM_NAME_CEILING_BYTES).describe(
    `Longest stream name, in UTF-8 bytes (at most ${STREAM_NAME_CEILING_BYTES}).`,
  ),
  STREAMGATE_MAX_MEMBER_NAME_BYTES: int(MEMBER_NAME_MAX_BYTES, 1, MEMBER_NAME_CEILING_BYTES).describe(
    `Longest group or consumer name, in UTF-8 bytes (at most ${MEMBER_NAME_CEILING_BYTES}).`,
  ),
  STREAMGATE_RATE_LIMIT_RPS: z.coerce
    .number()
    .min(0)
    .max(1_000_000)
    .default(0)
    .describe('Requests per second per API key (per client address when auth is off), REST and gRPC together; 0: no limit.'),
  STREAMGATE_RATE_LIMIT_BURST: int(0, 0, 1_000_000).describe(
    'Requests a key may send at once before STREAMGATE_RATE_LIMIT_RPS applies (0: one second of it).',
  ),
  STREAMGATE_MAX_WAITING_PER_KEY: int(20_000, 0, 10_000_000).describe(
    'Waiting pulls (REST waitMs, open StreamingPull calls) one API key (or client address) may have at once; 0: no limit.',
  ),
  STREAMGATE_MAX_STREAMING_PULLS_PER_KEY: int(20_000, 0, 10_000_000).describe(
    'Open StreamingPull calls one API key (or client address) may have at once, counted from the moment a call opens; 0: no limit.',
  ),
  STREAMGATE_IDEMPOTENCY_TTL_SEC: int(86_400, 1, 30 * 86_400).describe('How long Idempotency-Key results are kept, and what redrive republished (to skip duplicate dead letters).'),
  STREAMGATE_RECLAIM_POLL_MS: int(1000, 10, 60_000).describe(
    'While a pull waits, how often its group is probed: expired leases, the group gone, a new entry missed (at most; shorter for short leases).',
  ),
  STREAMGATE_LEASE_WALK: int(256, 16, 100_000).describe(
    'Pending entries one pull looks at for expired leases when the group has more than 4 times as many pending (a shorter pending list is looked at whole).',
  ),
  STREAMGATE_WATCH_CONNECTIONS: int(1, 1, 4).describe(
    'Blocking Redis connections shared by all waiting pulls, per Redis master (streams are spread over them).',
  ),
  STREAMGATE_WATCH_POLL_MS: int(100, 10, 5000).describe(
    'Redis Cluster only: longest a new entry goes unnoticed by a watcher connection reading streams of several hash slots (one blocking read cannot cover several slots).',
  ),
  STREAMGATE_SCAN_LIMIT: int(10_000, 100, 1_000_000).describe(
    'Most entries one dead-letter listing or redrive reads while looking for its group.',
  ),
  STREAMGATE_REAP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .refine((v) => v === 0 || (v >= 100 && v <= 86_400_000), 'must be 0 or 100..86400000')
    .default(30_000)
    .describe(
      'How often this instance reaps idle consumers of groups with reapIdleMs (0: never on this instance).',
    ),
  STREAMGATE_REQUEST_TIMEOUT_MS: int(DEFAULT_CONNECTION_LIMITS.requestTimeoutMs, 100, 3_600_000).describe(
    'Longest a REST request (head and body) may take to arrive; a long poll waiting for messages does not count. Then 400 and the connection closes.',
  ),
  STREAMGATE_MAX_CONNECTIONS: int(DEFAULT_CONNECTION_LIMITS.maxConnections, 0, 1_000_000).describe(
    'Most open connections of each server, REST and gRPC (each REST waiting pull holds one); over it a new connection is closed at once (0: no cap).',
  ),
  STREAMGATE_SHUTDOWN_TIMEOUT_MS: int(10_000, 0, 600_000).describe('How long a graceful shutdown waits for in-flight work.'),
  STREAMGATE_REDIS_START_TIMEOUT_MS: int(30_000, 1000, 3_600_000).describe('How long to wait for the embedded redis-server (and AOF loading) at start.'),
  STREAMGATE_TLS_CERT: path().describe(
    'PEM certificate (chain) of REST and gRPC; with STREAMGATE_TLS_KEY, both serve TLS only. Reloaded on SIGHUP.',
  ),
  STREAMGATE_TLS_KEY: path().describe('PEM private key of STREAMGATE_TLS_CERT.'),
  STREAMGATE_TLS_CLIENT_CA: path().describe(
    'PEM CA bundle: when set, REST and gRPC clients must present a certificate it signed.',
  ),
  STREAMGATE_REDIS_TLS_CA: path().describe(
    'PEM CA bundle trusted for a rediss:// REDIS_URL (instead of the system CAs).',
  ),
  STREAMGATE_REDIS_TLS_CERT: path().describe('PEM client certificate presented to a rediss:// REDIS_URL.'),
  STREAMGATE_REDIS_TLS_KEY: path().describe('PEM private key of STREAMGATE_REDIS_TLS_CERT.'),
  STREAMGATE_REDIS_TLS_INSECURE: bool(false).describe('Do not verify the certificate of a rediss:// REDIS_URL (testing only: logged as a warning).'),
  STREAMGATE_REDIS_COMMAND_TIMEOUT_MS: int(5000, 50, 600_000).describe(
    'Longest wait for a Redis reply; then the request fails with BACKEND_UNAVAILABLE (a write: outcome unknown).',
  ),
  STREAMGATE_REDIS_SENTINELS: z
    .string()
    .transform(parseHostPorts)
    .pipe(z.array(z.object({ host: z.string(), port: z.number() })).min(1))
    .optional()
    .describe('Sentinel mode: comma-separated host:port of the sentinels (REDIS_URL then only gives the data password, db and TLS; see the README).'),
  STREAMGATE_REDIS_SENTINEL_NAME: z.string().min(1).optional().describe('Sentinel mode: the master name the sentinels monitor.'),
  STREAMGATE_REDIS_SENTINEL_PASSWORD: z.string().min(1).optional().describe('Sentinel mode: password of the sentinels (default none).'),
  STREAMGATE_PUBLISH_WAIT_REPLICAS: int(0, 0, 64).describe(
    'Publishes are answered only once this many replicas have them (WAIT); otherwise 503 BACKEND_UNAVAILABLE, outcome unknown. 0: no wait.',
  ),
  STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS: int(1000, 10, 600_000).describe(
    'Longest a publish waits for STREAMGATE_PUBLISH_WAIT_REPLICAS (below STREAMGATE_REDIS_COMMAND_TIMEOUT_MS).',
  ),
  STREAMGATE_AUTH_FILE: z
    .string()
    .min(1)
    .optional()
    .describe('API keys file (YAML, or JSON by its .json extension; relative to the working directory). Unset: auth off. SIGHUP reloads it.'),
  STREAMGATE_STREAMS: z
    .string()
    .transform(splitGlobList)
    .pipe(z.array(z.string()).min(1, 'must list at least one pattern'))
    .default(['*'])
    .describe('Keyspace fence: comma-separated stream-name globs; nothing else is ever read, written, listed or deleted.'),
  STREAMGATE_ALLOW_ANONYMOUS: bool(false).describe(
    'Serve without API keys on a HOST that is not loopback (otherwise refused at start).',
  ),
  STREAMGATE_LOG_BODIES: bool(false).describe('Log request bodies (message contents) at debug level.'),
  ...metricsEnv,
  STREAMGATE_BENCH_DISABLE: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((s) => s.trim()).filter((s) => s !== ''))
    .pipe(z.array(z.enum(BENCH_FEATURES)))
    .describe(`For benchmarks only, never in production: per-request features to turn off (comma-separated: ${BENCH_FEATURES.join(', ')}). Default none.`),
  ...tracingEnv,
});

export type EnvInput = Record<string, string | undefined>;

export type { Limits } from '../contract/limits.js';
export type { PolicyDefaults } from '../core/config.js';

/** Server TLS of both transports: files, read at start and on SIGHUP (see tls.ts). */
export interface ServerTlsFiles {
  readonly certFile: string;
  readonly keyFile: string;
  /** Set: client certificates are required and verified against it. */
  readonly clientCaFile: string | null;
}

/** TLS to a rediss:// REDIS_URL. */
export interface RedisTlsFiles {
  readonly caFile: string | null;
  readonly certFile: string | null;
  readonly keyFile: string | null;
  readonly insecure: boolean;
}

/** The whole configuration: what the core reads (CoreConfig), and what only the runtime does. */
export interface Config extends CoreConfig, TracingSettings {
  /** One URL; in cluster mode (`redisCluster`) one or more comma-separated seed nodes. */
  readonly redisUrl: string | undefined;
  readonly dataDir: string;
  readonly redisServerBin: string;
  /** appendfsync of the embedded Redis. */
  readonly embeddedFsync: EmbeddedFsync;
  readonly host: string;
  readonly httpPort: number | null;
  readonly grpcPort: number | null;
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly shutdownTimeoutMs: number;
  readonly redisStartTimeoutMs: number;
  /** REST request timeout and connection cap. */
  readonly httpConnections: ConnectionLimits;
  /** null: REST and gRPC are plaintext. */
  readonly tls: ServerTlsFiles | null;
  readonly redisTls: RedisTlsFiles;
  readonly allowAnonymous: boolean;
  /** Sentinel mode (STREAMGATE_REDIS_SENTINELS): null for one Redis at REDIS_URL. */
  readonly redisSentinel: RedisSentinel | null;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment (only the variables this schema knows) into a frozen Config. */
export function loadConfig(env: EnvInput): Config {
  const known: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') known[key] = value;
  }
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const problems = crossChecks(e);
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n${problems.map(([v, m]) => `  ${v}: ${m}`).join('\n')}`);
  }
  return Object.freeze({
    redisUrl: e.REDIS_URL,
    redisCluster: e.STREAMGATE_REDIS_CLUSTER,
    dataDir: e.STREAMGATE_DATA_DIR,
    redisServerBin: e.STREAMGATE_REDIS_SERVER,
    embeddedFsync: e.STREAMGATE_EMBEDDED_FSYNC ?? 'everysec',
    host: e.HOST,
    httpPort: e.HTTP_PORT,
    grpcPort: e.GRPC_PORT,
    logLevel: e.LOG_LEVEL,
    policyDefaults: Object.freeze({
      leaseMs: e.STREAMGATE_DEFAULT_LEASE_MS,
      maxDeliveries: e.STREAMGATE_DEFAULT_MAX_DELIVERIES,
    }),
    limits: Object.freeze({
      maxCount: e.STREAMGATE_MAX_COUNT,
      maxWaitMs: e.STREAMGATE_MAX_WAIT_MS,
      maxMessageBytes: e.STREAMGATE_MAX_MESSAGE_BYTES,
      maxFields: e.STREAMGATE_MAX_FIELDS,
      maxBatch: e.STREAMGATE_MAX_BATCH,
      maxBodyBytes:
        e.STREAMGATE_MAX_BODY_BYTES ??
        bodyBytesFor({ maxMessageBytes: e.STREAMGATE_MAX_MESSAGE_BYTES, maxFields: e.STREAMGATE_MAX_FIELDS, maxBatch: e.STREAMGATE_MAX_BATCH }),
      maxResponseBytes: e.STREAMGATE_MAX_RESPONSE_BYTES,
      maxStreamNameBytes: e.STREAMGATE_MAX_STREAM_NAME_BYTES,
      maxMemberNameBytes: e.STREAMGATE_MAX_MEMBER_NAME_BYTES,
      rateLimitRps: e.STREAMGATE_RATE_LIMIT_RPS,
      rateLimitBurst: e.STREAMGATE_RATE_LIMIT_BURST,
      maxWaitingPerKey: e.STREAMGATE_MAX_WAITING_PER_KEY,
      maxStreamingPullsPerKey: e.STREAMGATE_MAX_STREAMING_PULLS_PER_KEY,
    }),
    idempotencyTtlSec: e.STREAMGATE_IDEMPOTENCY_TTL_SEC,
    reclaimPollMs: e.STREAMGATE_RECLAIM_POLL_MS,
    leaseWalk: e.STREAMGATE_LEASE_WALK,
    watchConnections: e.STREAMGATE_WATCH_CONNECTIONS,
    watchPollMs: e.STREAMGATE_WATCH_POLL_MS,
    scanLimit: e.STREAMGATE_SCAN_LIMIT,
    reapIntervalMs: e.STREAMGATE_REAP_INTERVAL_MS,
    shutdownTimeoutMs: e.STREAMGATE_SHUTDOWN_TIMEOUT_MS,
    httpConnections: Object.freeze({ requestTimeoutMs: e.STREAMGATE_REQUEST_TIMEOUT_MS, maxConnections: e.STREAMGATE_MAX_CONNECTIONS }),
    redisStartTimeoutMs: e.STREAMGATE_REDIS_START_TIMEOUT_MS,
    tls:
      e.STREAMGATE_TLS_CERT !== undefined && e.STREAMGATE_TLS_KEY !== undefined
        ? Object.freeze({
            certFile: e.STREAMGATE_TLS_CERT,
            keyFile: e.STREAMGATE_TLS_KEY,
            clientCaFile: e.STREAMGATE_TLS_CLIENT_CA ?? null,
          })
        : null,
    redisTls: Object.freeze({
      caFile: e.STREAMGATE_REDIS_TLS_CA ?? null,
      certFile: e.STREAMGATE_REDIS_TLS_CERT ?? null,
      keyFile: e.STREAMGATE_REDIS_TLS_KEY ?? null,
      insecure: e.STREAMGATE_REDIS_TLS_INSECURE,
    }),
    redisCommandTimeoutMs: e.STREAMGATE_REDIS_COMMAND_TIMEOUT_MS,
    redisSentinel: sentinelOf(e),
    publishWait: Object.freeze({ replicas: e.STREAMGATE_PUBLISH_WAIT_REPLICAS, timeoutMs: e.STREAMGATE_PUBLISH_WAIT_TIMEOUT_MS }),
    authFile: e.STREAMGATE_AUTH_FILE,
    streams: Object.freeze([...e.STREAMGATE_STREAMS]),
    allowAnonymous: e.STREAMGATE_ALLOW_ANONYMOUS,
    logBodies: e.STREAMGATE_LOG_BODIES,
    benchDisable: new Set(e.STREAMGATE_BENCH_DISABLE),
    ...tracingOf(e),
    groupMetrics: groupMetricsOf(e),
  });
}

/** Rules between variables, as [variable, message] pairs in the same format as the schema's. */
function crossChecks(e: z.infer<typeof envSchema>): Array<[string, string]> {
  const problems: Array<[string, string]> = [];
  const pair = (cert: string, key: string, certValue: string | undefined, keyValue: string | undefined) => {
    if (certValue !== undefined && keyValue === undefined) problems.push([key, `must be set when ${cert} is (a certificate needs its key)`]);
    if (keyValue !== undefined && certValue === undefined) problems.push([cert, `must be set when ${key} is (a key needs its certificate)`]);
  };
  pair('STREAMGATE_TLS_CERT', 'STREAMGATE_TLS_KEY', e.STREAMGATE_TLS_CERT, e.STREAMGATE_TLS_KEY);
  if (e.STREAMGATE_TLS_CLIENT_CA !== undefined && e.STREAMGATE_TLS_CERT === undefined) {
    problems.push(['STREAMGATE_TLS_CLIENT_CA', 'needs STREAMGATE_TLS_CERT and STREAMGATE_TLS_KEY (client certificates are checked over TLS)']);
  }
  pair('STREAMGATE_REDIS_TLS_CERT', 'STREAMGATE_REDIS_TLS_KEY', e.STREAMGATE_REDIS_TLS_CERT, e.STREAMGATE_REDIS_TLS_KEY);
  // Silently ignoring them would leave the operator believing the Redis link is encrypted.
  if (!e.REDIS_URL?.startsWith('rediss://')) {
    const set: Record<string, boolean> = {
      STREAMGATE_REDIS_TLS_CA: e.STREAMGATE_REDIS_TLS_CA !== undefined,
      STREAMGATE_REDIS_TLS_CERT: e.STREAMGATE_REDIS_TLS_CERT !== undefined,
      STREAMGATE_REDIS_TLS_KEY: e.STREAMGATE_REDIS_TLS_KEY !== undefined,
      STREAMGATE_REDIS_TLS_INSECURE: e.STREAMGATE_REDIS_TLS_INSECURE,
    };
    for (const [v, isSet] of Object.entries(set)) if (isSet) problems.push([v, 'applies only to a rediss:// REDIS_URL']);
  }
  problems.push(...sentinelProblems(e), ...clusterUrlProblems(e.REDIS_URL, e.STREAMGATE_REDIS_CLUSTER), ...tracingProblems(e));
  // Ignoring it would leave the operator believing the gateway set the fsync of their Redis.
  if ((e.REDIS_URL !== undefined || e.STREAMGATE_REDIS_SENTINELS !== undefined) && e.STREAMGATE_EMBEDDED_FSYNC !== undefined) {
    problems.push(['STREAMGATE_EMBEDDED_FSYNC', 'applies only to the embedded Redis (REDIS_URL unset): set appendfsync on that Redis']);
  }
  return problems;
}

/** `STREAMGATE_DATA_DIR` → `--data-dir`, `HTTP_PORT` → `--http-port`. */
export function flagFor(envName: string): string {
  return '--' + envName.replace(/^STREAMGATE_/, '').toLowerCase().replace(/_/g, '-');
}

export interface OptionHelp {
  readonly env: string;
  readonly flag: string;
  readonly description: string;
  readonly defaultValue: string | undefined;
}

export function describeOptions(): OptionHelp[] {
  const defaults = envSchema.parse({});
  return Object.entries(envSchema.shape).map(([env, schema]) => {
    const d = (defaults as Record<string, unknown>)[env];
    return {
      env,
      flag: flagFor(env),
      description: schema.description ?? '',
      defaultValue: d === undefined ? undefined : d === null ? 'off' : String(d),
    };
  });
}
