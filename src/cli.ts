#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { type Config, ConfigError, describeOptions, loadConfig, type OptionHelp } from './runtime/config.js';
import { messageOf } from './contract/errors.js';
import { processLogger } from './runtime/logger.js';
import { runMain } from './runtime/main.js';

/**
 * The `streamgate` command. Flags are the environment variables under another name
 * (`--http-port` is HTTP_PORT): they are merged over process.env and parsed by the same
 * schema, so a value means the same thing wherever it comes from.
 */

const EXIT_USAGE = 2;

function usage(options: readonly OptionHelp[]): string {
  const lines = [
    'Usage: streamgate [options]',
    '',
    'REST and gRPC gateway to Redis Streams consumer groups.',
    'Every option can also be set through its environment variable; a flag wins over the variable.',
    '',
    'Options:',
  ];
  const width = Math.max(...options.map((o) => o.flag.length)) + ' <value>'.length;
  for (const o of options) {
    const flag = `${o.flag} <value>`.padEnd(width);
    lines.push(`  ${flag}  ${o.env} (default: ${o.defaultValue ?? 'none'})`, `      ${o.description}`);
  }
  lines.push(`  ${'-h, --help'.padEnd(width)}  Show this help and exit.`);
  lines.push(`  ${'--version'.padEnd(width)}  Show the version and exit.`);
  return lines.join('\n');
}

function version(): string {
  // ../package.json from both src/cli.ts and dist/cli.js.
  const pkg: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}

function fail(message: string): never {
  process.stderr.write(`streamgate: ${message}\n`);
  process.exit(EXIT_USAGE);
}

function parse(options: readonly OptionHelp[]) {
  const spec: NonNullable<ParseArgsConfig['options']> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean' },
  };
  for (const o of options) spec[o.flag.slice(2)] = { type: 'string' };
  try {
    return parseArgs({ options: spec, strict: true, allowPositionals: false }).values;
  } catch (err) {
    return fail(`${messageOf(err)}\nRun 'streamgate --help' for the options.`);
  }
}

/** "  HTTP_PORT: ..." → "  HTTP_PORT (--http-port): ...", since either may have been used. */
function withFlags(message: string, options: readonly OptionHelp[]): string {
  const flags = new Map(options.map((o) => [o.env, o.flag]));
  return message.replace(/^  ([A-Z0-9_]+):/gm, (line, env: string) => (flags.has(env) ? `  ${env} (${flags.get(env)}):` : line));
}

function configFrom(options: readonly OptionHelp[], values: Record<string, unknown>): Config {
  const env: Record<string, string | undefined> = { ...process.env };
  for (const o of options) {
    const value = values[o.flag.slice(2)];
    if (typeof value === 'string') env[o.env] = value;
  }
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return fail(withFlags(err.message, options));
    throw err;
  }
}

const options = describeOptions();
const values = parse(options);
if (values.help) {
  process.stdout.write(`${usage(options)}\n`);
} else if (values.version) {
  process.stdout.write(`${version()}\n`);
} else {
  const config = configFrom(options, values);
  await runMain(config, await processLogger(config.logLevel, process.stdout.isTTY === true));
}
