/**
 * The relay's configuration, read from the environment variables of
 * PROTOCOL.md. A bad value stops the relay with one line naming the variable.
 */

import proxyaddr from 'proxy-addr';
import { DEFAULT_EDIT_WINDOW_MINUTES, DEFAULT_MAX_MESSAGE_LENGTH, DEFAULT_REACTIONS } from '../protocol/index.js';

export interface Config {
  port: number;
  host: string;
  /** `sqlite:<file>`, `sqlite::memory:` or `postgres://…`. */
  databaseUrl: string;
  /** Several relays share rooms through this Redis; undefined for one relay. */
  redisUrl?: string;
  /** Prefix of every Redis key of this cluster (stream, sessions, rate limits), so clusters can share a Redis. */
  redisPrefix: string;
  maxMessageLength: number;
  /** How long after sending an author may edit a message; 0 disables `edit`. */
  editWindowMinutes: number;
  /** The emoji members may react with; empty disables `react`. */
  reactions: string[];
  /** `'*'` or exact origins (`https://example.com`), for CORS and the Socket.IO handshake. */
  allowedOrigins: '*' | string[];
  /** HS256 secret for signed identities; undefined disables tokens. */
  jwtSecret?: string;
  guests: boolean;
  /** Bearer key for the HTTP API's write routes; undefined disables them. */
  adminApiKey?: string;
  /** Messages per member per window, or undefined for no limit. */
  rateLimit?: { points: number; windowMs: number };
  /**
   * Messages per network address (IPv4, IPv6 /64) from guests, whatever ids
   * they bring; by default 3× the per-member limit. Undefined: no such limit.
   */
  guestRateLimit?: { points: number; windowMs: number };
  /** Messages older than this many days are removed in the background; undefined keeps them all. */
  retentionDays?: number;
  /** Concurrent connections per client address; 0 disables the cap. */
  maxConnectionsPerIp: number;
  /**
   * Engine.IO heartbeat: the relay pings every `pingIntervalMs`, and either
   * side drops a connection that stays silent `pingTimeoutMs` beyond that.
   * Socket.IO's defaults; shorter values find frozen peers sooner.
   */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** A connection that has joined no room by then is closed (not an environment variable). */
  joinTimeoutMs: number;
  /** proxy-addr trust: false (direct clients), true, a hop count, or addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** A UTF-8 file of words and phrases (one a line) blocked in every room; read at start. */
  blockedWordsFile?: string;
  /** Where the built widget lives (`live-chat.js` and its map). */
  widgetDir: string;
  /** Where the demo page lives. */
  demoDir: string;
  logLevel: string;
  /** Outgoing webhooks (WEBHOOK_URL, WEBHOOK_SECRET); undefined when off. */
  webhook?: WebhookConfig;
}

/**
 * Where and how events are POSTed. Only `url` and `secret` come from the
 * environment; the rest are fixed (tests shorten them).
 */
export interface WebhookConfig {
  url: string;
  /** `whsec_` + base64, as Standard Webhooks write it. */
  secret: string;
  /** The waits before the 2nd, 3rd … attempt of an event; the last one repeats. */
  retryDelaysMs: number[];
  /** An attempt without a 2xx answer within this failed. */
  timeoutMs: number;
  /** An event still failing this long after it happened is dropped (and counted). */
  giveUpAfterMs: number;
}

export const webhookDefaults = {
  // About 1 s, 5 s, 30 s, 2 min, 10 min, then hourly (PROTOCOL.md).
  retryDelaysMs: [1000, 5000, 30_000, 120_000, 600_000, 3_600_000],
  timeoutMs: 10_000,
  // 24 h: the first attempt after that is the last.
  giveUpAfterMs: 24 * 3_600_000,
} as const;

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
  maxMessageLength: DEFAULT_MAX_MESSAGE_LENGTH,
  editWindowMinutes: DEFAULT_EDIT_WINDOW_MINUTES,
  reactions: DEFAULT_REACTIONS.join(','),
  rateLimit: '10/10s',
  maxConnectionsPerIp: 100,
  pingIntervalMs: 25_000,
  pingTimeoutMs: 20_000,
  logLevel: 'info',
} as const;

/** A URL without its password, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@').replace(/^([^:/@]*):[^:@/]*@/, '$1:***@');
}

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
  if (/^postgres(ql)?:\/\/./.test(raw)) return raw;
  throw new ConfigError('DATABASE_URL', `expected sqlite:<file>, sqlite::memory: or postgres://…, got "${redact(raw)}"`);
}

function redisPrefix(env: Env): string {
  const raw = env.REDIS_PREFIX?.trim() || 'live-chat';
  if (!/^[A-Za-z0-9_.:-]{1,64}$/.test(raw)) throw new ConfigError('REDIS_PREFIX', `expected 1–64 of A-Z a-z 0-9 _ . : -, got "${raw}"`);
  return raw;
}

function redisUrl(env: Env): string | undefined {
  const raw = env.REDIS_URL?.trim();
  if (!raw) return undefined;
  if (!/^rediss?:\/\/./.test(raw)) throw new ConfigError('REDIS_URL', `expected redis://host:port, got "${raw}"`);
  return raw;
}

function origins(env: Env): '*' | string[] {
  const raw = env.ALLOWED_ORIGINS?.trim() || '*';
  if (raw === '*') return '*';
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError('ALLOWED_ORIGINS', `"${origin}" is not an origin like https://example.com`);
    }
    if (parsed.origin !== origin.replace(/\/$/, '') || !/^https?:$/.test(parsed.protocol)) {
      throw new ConfigError('ALLOWED_ORIGINS', `"${origin}" is not an origin like https://example.com (no path)`);
    }
    return parsed.origin;
  });
}

function secret(env: Env, name: string, minLength: number): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < minLength) throw new ConfigError(name, `must be at least ${minLength} characters`);
  return raw;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

function limit(name: string, raw: string): Config['rateLimit'] {
  if (raw === 'off') return undefined;
  const match = /^(\d+)\/(\d*)(s|m|h)$/.exec(raw);
  const points = Number(match?.[1]);
  const windowMs = Number(match?.[2] || 1) * UNIT_MS[match?.[3] ?? 's']!;
  if (!match || points < 1 || windowMs < 1) {
    throw new ConfigError(name, `expected messages/window like 10/10s, 30/1m or off, got "${raw}"`);
  }
  return { points, windowMs };
}

function rateLimit(env: Env): Config['rateLimit'] {
  return limit('RATE_LIMIT', env.RATE_LIMIT?.trim() || defaults.rateLimit);
}

/** GUEST_RATE_LIMIT, by default GUEST_RATE_MULTIPLE × RATE_LIMIT; RATE_LIMIT=off turns it off too. */
function guestRateLimit(env: Env, perMember: Config['rateLimit']): Config['guestRateLimit'] {
  if (!perMember) return undefined;
  const raw = env.GUEST_RATE_LIMIT?.trim();
  if (!raw) return { points: perMember.points * GUEST_RATE_MULTIPLE, windowMs: perMember.windowMs };
  return limit('GUEST_RATE_LIMIT', raw);
}

/** How many members' worth of messages one network's guests share by default. */
export const GUEST_RATE_MULTIPLE = 3;

/** Most emoji (flags, skin tones, families joined by ZWJ) are 1–10 code points; 16 leaves room. */
const MAX_REACTION_LENGTH = 16;
const MAX_REACTIONS = 50;

/** REACTIONS: comma-separated emoji. Unset: the default; set but empty: reactions are off. */
function reactions(env: Env): string[] {
  const raw = env.REACTIONS ?? defaults.reactions;
  if (raw.trim() === '') return [];
  const list = raw.split(',').map((entry) => entry.trim());
  for (const emoji of list) {
    const length = [...emoji].length;
    if (length === 0 || length > MAX_REACTION_LENGTH || /[\s\p{Cc}]/u.test(emoji)) {
      throw new ConfigError('REACTIONS', `expected comma-separated emoji like 👍,❤️ (each 1–${MAX_REACTION_LENGTH} characters, no spaces), got "${raw}"`);
    }
  }
  if (new Set(list).size !== list.length) throw new ConfigError('REACTIONS', `lists an emoji twice: "${raw}"`);
  if (list.length > MAX_REACTIONS) throw new ConfigError('REACTIONS', `at most ${MAX_REACTIONS} emoji, got ${list.length}`);
  return list;
}

/** Standard Webhooks ask for a key of 24 to 64 bytes. */
const WEBHOOK_KEY_BYTES = [24, 64] as const;

/** WEBHOOK_URL and WEBHOOK_SECRET: both or neither. */
function webhook(env: Env): WebhookConfig | undefined {
  const url = env.WEBHOOK_URL?.trim();
  const secret = env.WEBHOOK_SECRET?.trim();
  if (!url) {
    if (secret) throw new ConfigError('WEBHOOK_URL', 'required with WEBHOOK_SECRET');
    return undefined;
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new ConfigError('WEBHOOK_URL', `expected an http:// or https:// URL, got "${redact(url)}"`);
  }
  if (!secret) throw new ConfigError('WEBHOOK_SECRET', 'required with WEBHOOK_URL (whsec_ + base64 of 24–64 random bytes)');
  const base64 = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : undefined;
  const bytes = base64 !== undefined && /^[A-Za-z0-9+/]+={0,2}$/.test(base64) && base64.length % 4 === 0 ? Buffer.from(base64, 'base64').length : 0;
  if (bytes < WEBHOOK_KEY_BYTES[0] || bytes > WEBHOOK_KEY_BYTES[1]) {
    throw new ConfigError('WEBHOOK_SECRET', `expected whsec_ + base64 of ${WEBHOOK_KEY_BYTES[0]}–${WEBHOOK_KEY_BYTES[1]} bytes (echo "whsec_$(openssl rand -base64 32)")`);
  }
  return { url: parsed.href, secret, ...webhookDefaults, retryDelaysMs: [...webhookDefaults.retryDelaysMs] };
}

function trustProxy(env: Env): Config['trustProxy'] {
  const raw = env.TRUST_PROXY?.trim();
  if (!raw || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  const list = raw.split(',').map((entry) => entry.trim());
  try {
    proxyaddr.compile(list);
  } catch (error) {
    throw new ConfigError('TRUST_PROXY', `expected true, a hop count or addresses/CIDRs: ${(error as Error).message}`);
  }
  return list;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (raw === 'on') return true;
  if (raw === 'off') return false;
  throw new ConfigError(name, `expected on or off, got "${raw}"`);
}

export function loadConfig(env: Env, dirs: { widgetDir: string; demoDir: string }): Config {
  return {
    port: integer(env, 'PORT', defaults.port, 0, 65535),
    host: env.HOST?.trim() || defaults.host,
    databaseUrl: databaseUrl(env),
    redisUrl: redisUrl(env),
    redisPrefix: redisPrefix(env),
    maxMessageLength: integer(env, 'MAX_MESSAGE_LENGTH', defaults.maxMessageLength, 1, 100_000),
    editWindowMinutes: integer(env, 'EDIT_WINDOW_MINUTES', defaults.editWindowMinutes, 0, 525_600),
    reactions: reactions(env),
    allowedOrigins: origins(env),
    jwtSecret: secret(env, 'JWT_SECRET', 32),
    guests: onOff(env, 'GUESTS', true),
    adminApiKey: secret(env, 'ADMIN_API_KEY', 16),
    rateLimit: rateLimit(env),
    guestRateLimit: guestRateLimit(env, rateLimit(env)),
    retentionDays: env.RETENTION_DAYS?.trim() ? integer(env, 'RETENTION_DAYS', 0, 1, 36_500) : undefined,
    maxConnectionsPerIp: integer(env, 'MAX_CONNECTIONS_PER_IP', defaults.maxConnectionsPerIp, 0, 1_000_000),
    trustProxy: trustProxy(env),
    pingIntervalMs: integer(env, 'PING_INTERVAL_MS', defaults.pingIntervalMs, 100, 3_600_000),
    pingTimeoutMs: integer(env, 'PING_TIMEOUT_MS', defaults.pingTimeoutMs, 100, 3_600_000),
    joinTimeoutMs: 30_000,
    blockedWordsFile: env.BLOCKED_WORDS_FILE?.trim() || undefined,
    ...dirs,
    logLevel: env.LOG_LEVEL?.trim() || defaults.logLevel,
    webhook: webhook(env),
  };
}
