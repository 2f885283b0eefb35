/**
 * The relay's configuration, read from the environment variables of
 * PROTOCOL.md. A bad value stops the relay with one line naming the variable.
 */

export interface Config {
  port: number;
  host: string;
  /** `sqlite:<file>` or `sqlite::memory:` (PostgreSQL comes with scale-out). */
  databaseUrl: string;
  maxMessageLength: number;
  /** Where the built widget lives (`live-chat.js` and its map). */
  widgetDir: string;
  /** Where the demo page lives. */
  demoDir: string;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable}: ${detail}`);
    this.name = 'ConfigError';
  }
}

export const defaults = {
  port: 3000,
  host: '0.0.0.0',
  databaseUrl: 'sqlite:./data/live-chat.db',
  maxMessageLength: 2000,
  logLevel: 'info',
} as const;

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `expected a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(name, `expected ${min}–${max}, got ${value}`);
  return value;
}

function databaseUrl(env: Env): string {
  const raw = env.DATABASE_URL?.trim() || defaults.databaseUrl;
  if (raw.startsWith('sqlite:') && raw.length > 'sqlite:'.length) return raw;
  throw new ConfigError('DATABASE_URL', `expected sqlite:<file> or sqlite::memory:, got "${raw}"`);
}

export function loadConfig(env: Env, dirs: { widgetDir: string; demoDir: string }): Config {
  return {
    port: integer(env, 'PORT', defaults.port, 0, 65535),
    host: env.HOST?.trim() || defaults.host,
    databaseUrl: databaseUrl(env),
    maxMessageLength: integer(env, 'MAX_MESSAGE_LENGTH', defaults.maxMessageLength, 1, 100_000),
    ...dirs,
    logLevel: env.LOG_LEVEL?.trim() || defaults.logLevel,
  };
}
