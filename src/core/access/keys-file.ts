import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { messageOf } from '../../contract/errors.js';
import { SCOPES } from './operations.js';
import { type GrantSpec, Principal } from './principal.js';

/**
 * The API keys file (STREAMGATE_AUTH_FILE), YAML or JSON:
 *
 *   keys:
 *     - name: orders-writer
 *       sha256: <hex sha256 of the secret>
 *       grants:
 *         - scopes: [publish]
 *           streams: ["orders.*"]
 *
 * It holds hashes only: a leaked file does not leak a usable key. Validation is strict
 * (unknown fields are errors) so that a typo such as `stream:` fails loudly instead of
 * silently granting nothing, or a plain secret pasted in place of its hash is refused.
 */

const GrantSchema = z.strictObject({
  scopes: z.array(z.enum(SCOPES)).min(1, 'must list at least one scope'),
  streams: z.array(z.string().min(1, 'a pattern must not be empty')).min(1, 'must list at least one stream pattern'),
});

const KeySchema = z.strictObject({
  name: z.string().min(1).max(128).regex(/^[\x21-\x7e]+$/, 'must be visible ASCII without spaces'),
  sha256: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits: the sha256 of the secret (never the secret itself)')
    .transform((h) => h.toLowerCase()),
  grants: z.array(GrantSchema).min(1, 'must have at least one grant'),
});

const KeysFileSchema = z
  .strictObject({
    keys: z.array(KeySchema).min(1, 'must list at least one key (an empty list would lock every client out)'),
  })
  .superRefine((file, ctx) => {
    const names = new Set<string>();
    const hashes = new Set<string>();
    file.keys.forEach((k, i) => {
      if (names.has(k.name)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'name'], message: `duplicate key name "${k.name}"` });
      if (hashes.has(k.sha256)) ctx.addIssue({ code: 'custom', path: ['keys', i, 'sha256'], message: 'the same hash appears twice' });
      names.add(k.name);
      hashes.add(k.sha256);
    });
  });

export interface ApiKey {
  readonly name: string;
  /** sha256 of the secret, 32 bytes. */
  readonly digest: Buffer;
  readonly principal: Principal;
}

export class KeysFileError extends Error {
  override readonly name = 'KeysFileError';
}

/** Parses the text of a keys file; `source` (its path) names it in errors. */
export function parseKeysFile(text: string, source: string): ApiKey[] {
  let raw: unknown;
  try {
    raw = extname(source).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new KeysFileError(`${source}: not valid ${extname(source).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${firstLine(err)}`);
  }
  const parsed = KeysFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.length > 0 ? i.path.join('.') : '(file)'}: ${i.message}`);
    throw new KeysFileError(`${source}: invalid keys file:\n${lines.join('\n')}`);
  }
  return parsed.data.keys.map((k) => ({
    name: k.name,
    digest: Buffer.from(k.sha256, 'hex'),
    principal: Principal.key(k.name, k.grants satisfies GrantSpec[]),
  }));
}

export function readKeysFile(path: string): ApiKey[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new KeysFileError(`${path}: cannot read the keys file (STREAMGATE_AUTH_FILE): ${firstLine(err)}`);
  }
  return parseKeysFile(text, path);
}

function firstLine(err: unknown): string {
  return messageOf(err).split('\n')[0] ?? '';
}
