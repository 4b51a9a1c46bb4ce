import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AccessControl } from '../../src/core/access/access.js';
import { assertSafeExposure, isLoopbackHost } from '../../src/runtime/exposure.js';
import { Fence } from '../../src/core/access/fence.js';
import { KeysFileError, parseKeysFile, readKeysFile } from '../../src/core/access/keys-file.js';
import { Principal } from '../../src/core/access/principal.js';
import { GatewayError } from '../../src/contract/errors.js';
import { createLogger } from '../../src/runtime/logger.js';
import { reloadAccess } from '../../src/runtime/main.js';
import { repoRoot } from '../runtime/cli-process.js';
import { bearer, type KeyDef, sha256, tempDirs, writeKeys } from './support.js';

const newDir = tempDirs();

const WRITER: KeyDef = { name: 'writer', secret: 'writer-secret-1', grants: [{ scopes: ['publish'], streams: ['orders.*'] }] };
const OPS: KeyDef = {
  name: 'ops',
  secret: 'ops-secret-2',
  grants: [
    { scopes: ['consume', 'admin'], streams: ['orders.*', 'audit'] },
    { scopes: ['publish'], streams: ['audit'] },
  ],
};

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return err instanceof GatewayError ? err.code : `not a GatewayError: ${String(err)}`;
  }
};

function capture() {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { logger: createLogger('info', stream), lines: () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('keys file', () => {
  it.each(['yaml', 'json'] as const)('loads %s: names, hashes and grants', (format) => {
    const path = writeKeys(newDir(), [WRITER, OPS], format);
    const keys = readKeysFile(path);
    expect(keys.map((k) => k.name)).toEqual(['writer', 'ops']);
    expect(keys[0]?.digest.toString('hex')).toBe(sha256(WRITER.secret));
    const ops = keys[1]?.principal;
    expect(ops?.can('admin', 'orders.eu')).toBe(true);
    expect(ops?.can('publish', 'orders.eu')).toBe(false);
    expect(ops?.can('publish', 'audit')).toBe(true);
  });

  it('accepts a .yml file and upper-case hex', () => {
    const path = join(newDir(), 'k.yml');
    writeFileSync(path, `keys:\n  - name: a\n    sha256: ${sha256('x').toUpperCase()}\n    grants: [{scopes: [admin], streams: ["*"]}]\n`);
    expect(readKeysFile(path)[0]?.digest.toString('hex')).toBe(sha256('x'));
  });

  it('the shipped example and the README example are valid keys files', () => {
    const keys = readKeysFile(join(repoRoot, 'examples/auth.example.yaml'));
    expect(keys.length).toBeGreaterThan(0);
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const block = /```yaml\n(keys:[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has a yaml keys example').toBeDefined();
    expect(parseKeysFile(block ?? '', 'README.md').map((k) => k.name)).toEqual(['orders-producer', 'ops']);
  });

  const bad: Array<[what: string, text: string, mentions: RegExp]> = [
    ['not YAML', 'keys: [\n', /not valid YAML/],
    ['no keys member', 'other: 1\n', /  keys: /],
    ['an empty key list', 'keys: []\n', /keys: must list at least one key/],
    ['a plain secret instead of its hash', 'keys: [{name: a, sha256: hunter2, grants: [{scopes: [admin], streams: ["*"]}]}]\n', /keys\.0\.sha256: must be 64 hex digits/],
    ['an unknown scope', `keys: [{name: a, sha256: ${sha256('a')}, grants: [{scopes: [write], streams: ["*"]}]}]\n`, /keys\.0\.grants\.0\.scopes\.0/],
    ['a misspelt field', `keys: [{name: a, sha256: ${sha256('a')}, grants: [{scopes: [admin], stream: ["*"]}]}]\n`, /keys\.0\.grants\.0/],
    ['a key without grants', `keys: [{name: a, sha256: ${sha256('a')}, grants: []}]\n`, /must have at least one grant/],
    ['an empty pattern', `keys: [{name: a, sha256: ${sha256('a')}, grants: [{scopes: [admin], streams: [""]}]}]\n`, /pattern must not be empty/],
    [
      'a duplicate name',
      `keys: [{name: a, sha256: ${sha256('a')}, grants: [{scopes: [admin], streams: ["*"]}]}, {name: a, sha256: ${sha256('b')}, grants: [{scopes: [admin], streams: ["*"]}]}]\n`,
      /duplicate key name "a"/,
    ],
    [
      'a duplicate hash',
      `keys: [{name: a, sha256: ${sha256('a')}, grants: [{scopes: [admin], streams: ["*"]}]}, {name: b, sha256: ${sha256('a')}, grants: [{scopes: [admin], streams: ["*"]}]}]\n`,
      /same hash appears twice/,
    ],
  ];
  it.each(bad)('refuses %s, naming the file and the problem', (_what, text, mentions) => {
    const path = join(newDir(), 'bad.yaml');
    writeFileSync(path, text);
    expect(() => readKeysFile(path)).toThrow(KeysFileError);
    expect(() => readKeysFile(path)).toThrow(mentions);
    expect(() => readKeysFile(path)).toThrow(path);
  });

  it('refuses bad JSON as JSON, and a missing file', () => {
    expect(() => parseKeysFile('{"keys": [', 'k.json')).toThrow(/k\.json: not valid JSON/);
    expect(() => readKeysFile(join(newDir(), 'absent.yaml'))).toThrow(/cannot read the keys file/);
  });
});

describe('AccessControl', () => {
  const access = (keys: KeyDef[], streams = ['*']) => new AccessControl(new Fence(streams), writeKeys(newDir(), keys));

  it('auth off: everyone is the anonymous principal, whatever they send', () => {
    const a = new AccessControl(new Fence(['*']), undefined);
    expect(a.enabled).toBe(false);
    expect(a.authenticate(undefined)).toBe(Principal.ANONYMOUS);
    expect(a.authenticate('Bearer whatever')).toBe(Principal.ANONYMOUS);
    expect(a.reload()).toEqual({ status: 'disabled' });
  });

  it('authenticates by the hash of the presented key; missing, malformed and wrong keys are UNAUTHENTICATED', () => {
    const a = access([WRITER, OPS]);
    expect(a.authenticate(bearer(WRITER.secret)).name).toBe('writer');
    expect(a.authenticate(`bearer  ${OPS.secret}`).name).toBe('ops');
    expect(codeOf(() => a.authenticate(undefined))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => a.authenticate(''))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => a.authenticate(WRITER.secret))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => a.authenticate(`Basic ${WRITER.secret}`))).toBe('UNAUTHENTICATED');
    expect(codeOf(() => a.authenticate(bearer(`${WRITER.secret}x`)))).toBe('UNAUTHENTICATED');
    // The hash itself is not a key.
    expect(codeOf(() => a.authenticate(bearer(sha256(WRITER.secret))))).toBe('UNAUTHENTICATED');
  });

  it('authorizes by scope and pattern; read-only info needs any grant; ListStreams needs none', () => {
    const a = access([WRITER, OPS]);
    const writer = a.authenticate(bearer(WRITER.secret));
    const ops = a.authenticate(bearer(OPS.secret));
    expect(codeOf(() => a.authorize(writer, 'publish', { stream: 'orders.eu' }))).toBeUndefined();
    expect(codeOf(() => a.authorize(writer, 'publish', { stream: 'audit' }))).toBe('PERMISSION_DENIED');
    expect(codeOf(() => a.authorize(writer, 'pull', { stream: 'orders.eu' }))).toBe('PERMISSION_DENIED');
    expect(codeOf(() => a.authorize(writer, 'getStream', { stream: 'orders.eu' }))).toBeUndefined();
    expect(codeOf(() => a.authorize(writer, 'getStream', { stream: 'audit' }))).toBe('PERMISSION_DENIED');
    expect(codeOf(() => a.authorize(ops, 'deleteStream', { stream: 'audit' }))).toBeUndefined();
    expect(codeOf(() => a.authorize(writer, 'listStreams', {}))).toBeUndefined();
    // A malformed name is a validation failure, before any permission question.
    expect(codeOf(() => a.authorize(ops, 'pull', { stream: '' }))).toBe('VALIDATION_FAILED');
  });

  it('a dead-letter stream set in a policy needs admin on it too, and must be inside the fence', () => {
    const a = access([OPS, { name: 'narrow', secret: 'n', grants: [{ scopes: ['admin'], streams: ['orders.*'] }] }], ['orders.*', 'audit', 'dead.*']);
    const ops = a.authenticate(bearer(OPS.secret));
    const narrow = a.authenticate(bearer('n'));
    expect(codeOf(() => a.authorize(ops, 'createGroup', { stream: 'orders.a', deadLetterStream: 'audit' }))).toBeUndefined();
    expect(codeOf(() => a.authorize(narrow, 'createGroup', { stream: 'orders.a', deadLetterStream: 'audit' }))).toBe('PERMISSION_DENIED');
    expect(codeOf(() => a.authorize(narrow, 'updateGroup', { stream: 'orders.a', deadLetterStream: 'orders.dlq' }))).toBeUndefined();
    expect(codeOf(() => a.authorize(ops, 'updateGroup', { stream: 'orders.a', deadLetterStream: 'elsewhere' }))).toBe('PERMISSION_DENIED');
  });

  it('reload() picks up a changed file; a bad file keeps the keys in force', () => {
    const dir = newDir();
    const path = writeKeys(dir, [WRITER]);
    const a = new AccessControl(new Fence(['*']), path);
    expect(codeOf(() => a.authenticate(bearer(OPS.secret)))).toBe('UNAUTHENTICATED');

    writeKeys(dir, [WRITER, OPS]);
    expect(a.reload()).toEqual({ status: 'reloaded', keys: 2, file: path });
    expect(a.authenticate(bearer(OPS.secret)).name).toBe('ops');

    writeFileSync(path, 'keys: [{name: broken\n');
    const failed = a.reload();
    expect(failed.status).toBe('failed');
    expect(a.authenticate(bearer(OPS.secret)).name).toBe('ops');
    expect(a.authenticate(bearer(WRITER.secret)).name).toBe('writer');

    writeKeys(dir, [OPS]);
    expect(a.reload().status).toBe('reloaded');
    expect(codeOf(() => a.authenticate(bearer(WRITER.secret)))).toBe('UNAUTHENTICATED');
  });

  it('reloadAccess (what SIGHUP runs) logs the outcome, never the secrets', () => {
    const dir = newDir();
    const path = writeKeys(dir, [WRITER]);
    const a = new AccessControl(new Fence(['*']), path);
    const { logger, lines } = capture();
    writeKeys(dir, [WRITER, OPS]);
    reloadAccess(a, logger);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/sha256: \w+/, 'sha256: not-a-hash'));
    reloadAccess(a, logger);
    expect(a.authenticate(bearer(OPS.secret)).name).toBe('ops');
    const [ok, failed] = lines();
    expect(ok).toMatchObject({ level: 30, msg: 'API keys reloaded', keys: 2, file: path });
    expect(failed).toMatchObject({ level: 50, file: path });
    expect(String(failed?.error)).toMatch(/keys\.0\.sha256/);
    expect(JSON.stringify(lines())).not.toContain(OPS.secret);
  });
});

describe('startup exposure', () => {
  it.each(['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '192.168.1.5', 'example.com', '::ffff:10.0.0.1'])('%s is not', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });

  it('refuses a non-loopback HOST without keys unless anonymous access is allowed explicitly', () => {
    expect(() => assertSafeExposure({ host: '0.0.0.0', authFile: undefined, allowAnonymous: false })).toThrow(
      /STREAMGATE_AUTH_FILE.*STREAMGATE_ALLOW_ANONYMOUS/,
    );
    expect(() => assertSafeExposure({ host: '0.0.0.0', authFile: undefined, allowAnonymous: true })).not.toThrow();
    expect(() => assertSafeExposure({ host: '0.0.0.0', authFile: '/k.yaml', allowAnonymous: false })).not.toThrow();
    expect(() => assertSafeExposure({ host: '127.0.0.1', authFile: undefined, allowAnonymous: false })).not.toThrow();
  });
});
