import { expect } from 'vitest';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';

/** The message of the ConfigError that `env` stops startup with (fails the test if it starts). */
export const configError = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
};
