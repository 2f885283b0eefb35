/**
 * The command line of `live-chat-relay` (the package's bin, dist/server/main.js):
 * a few flags over the environment variables of config.ts, which stay the
 * full configuration. Flags win over the variables they stand for.
 */

import { parseArgs } from 'node:util';
import { ConfigError, defaults, loadConfig, type Config } from './config.js';

/** A wrong command line: one line on stderr and exit code 2, as usual for CLIs. */
export class UsageError extends Error {}

export type Command = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config };

/** Each flag and the variable it overrides; `--db` takes a file (or a whole DATABASE_URL). */
const FLAGS = {
  port: { variable: 'PORT', value: (raw: string) => raw },
  db: { variable: 'DATABASE_URL', value: (raw: string) => (/^(sqlite:|postgres(ql)?:\/\/)/.test(raw) ? raw : `sqlite:${raw}`) },
} as const;

/** Every variable loadConfig reads, with its default (cli.test.ts fails when loadConfig reads one not listed here). */
export const VARIABLES: [name: string, fallback: string, meaning: string][] = [
  ['PORT', String(defaults.port), 'listen port'],
  ['HOST', defaults.host, 'listen address'],
  ['DATABASE_URL', defaults.databaseUrl, 'sqlite:<file>, sqlite::memory: or postgres://user:password@host:5432/db'],
  ['REDIS_URL', 'unset', 'redis://host:6379: several relays share rooms through it'],
  ['REDIS_PREFIX', 'live-chat', "prefix of the cluster's Redis keys"],
  ['ALLOWED_ORIGINS', '*', 'comma-separated origins whose pages may connect'],
  ['JWT_SECRET', 'unset', 'enables signed identities (HS256, at least 32 characters)'],
  ['GUESTS', 'on', 'off: only signed identities may connect'],
  ['ADMIN_API_KEY', 'unset', 'enables POST /api/rooms/{room}/messages (at least 16 characters)'],
  ['RATE_LIMIT', defaults.rateLimit, 'messages per member per window (30/1m, 100/1h) or off'],
  ['GUEST_RATE_LIMIT', '3× RATE_LIMIT', "messages per window shared by the guests of one network address (IPv4, IPv6 /64), or off"],
  ['MAX_MESSAGE_LENGTH', String(defaults.maxMessageLength), 'characters per message'],
  ['EDIT_WINDOW_MINUTES', String(defaults.editWindowMinutes), 'how long an author may edit a message; 0 disables editing'],
  ['REACTIONS', defaults.reactions, 'comma-separated emoji members may react with; empty disables reactions'],
  ['RETENTION_DAYS', 'unset', 'messages older than this many days are removed in the background; unset keeps them'],
  ['MAX_CONNECTIONS_PER_IP', String(defaults.maxConnectionsPerIp), 'concurrent connections per address; 0 disables'],
  ['TRUST_PROXY', 'unset', 'behind a reverse proxy: true, a hop count, or addresses/CIDRs'],
  ['BLOCKED_WORDS_FILE', 'unset', 'a UTF-8 file, one word or phrase a line, blocked in every room'],
  ['LOG_LEVEL', defaults.logLevel, 'debug, info, warn, error or silent'],
  ['PING_INTERVAL_MS', String(defaults.pingIntervalMs), 'how often each connection is pinged'],
  ['WEBHOOK_URL', 'unset', 'http(s) URL the relay POSTs events to (message.created, member.banned …)'],
  ['WEBHOOK_SECRET', 'unset', 'whsec_ + base64 of 24–64 bytes, signs each webhook; required with WEBHOOK_URL'],
  ['PING_TIMEOUT_MS', String(defaults.pingTimeoutMs), 'a connection silent this long after a ping is closed'],
];

export function helpText(): string {
  const width = Math.max(...VARIABLES.map(([name]) => name.length));
  const fallbackWidth = Math.max(...VARIABLES.map(([, fallback]) => fallback.length));
  return [
    'Usage: live-chat-relay [options]',
    '',
    'Starts the live-chat relay: the widget at /live-chat.js, the demo page at /,',
    'Socket.IO at /socket.io/, the HTTP API at /api/ (described at /openapi.json).',
    '',
    'Options:',
    '  --port <number>   listen port (overrides PORT)',
    '  --db <file>       SQLite database file, created if missing (overrides DATABASE_URL;',
    '                    a sqlite: or postgres:// URL is taken as is)',
    '  -h, --help        print this help and exit',
    '  -v, --version     print the version and exit',
    '',
    'Environment variables (the flags above win over them):',
    ...VARIABLES.map(
      ([name, fallback, meaning]) => `  ${name.padEnd(width)}  ${fallback.padEnd(fallbackWidth)}  ${meaning}`,
    ),
    '',
  ].join('\n');
}

/** Reads the flags, then the configuration from the environment with the flags on top. */
export function parseCommandLine(args: string[], env: Record<string, string | undefined>, dirs: { widgetDir: string; demoDir: string }): Command {
  let values: { port?: string; db?: string; help?: boolean; version?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        db: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    }));
  } catch (error) {
    // Node's messages are long and suggest `--`; keep their first sentence.
    const message = (error as Error).message.split(/\.\s/)[0]!.replace(/\.$/, '');
    throw new UsageError(`${message}; see live-chat-relay --help`);
  }
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const merged = { ...env };
  const given = new Map<string, string>();
  for (const flag of ['port', 'db'] as const) {
    const raw = values[flag];
    if (raw === undefined) continue;
    if (raw.trim() === '') throw new UsageError(`--${flag} needs a value; see live-chat-relay --help`);
    merged[FLAGS[flag].variable] = FLAGS[flag].value(raw);
    given.set(FLAGS[flag].variable, `--${flag}`);
  }
  try {
    return { kind: 'run', config: loadConfig(merged, dirs) };
  } catch (error) {
    // A bad flag value is a usage error, named after the flag rather than the variable.
    const flag = error instanceof ConfigError ? given.get(error.variable) : undefined;
    if (flag) throw new UsageError(`${flag}: ${error instanceof Error ? error.message.replace(/^\w+: /, '') : error}`);
    throw error;
  }
}
