import { readFileSync } from 'node:fs';
import fp from 'fastify-plugin';
import { BlockedWords } from '../chat/blocked-words.js';
import { MemorySlowModeClock, type SlowModeClock } from '../chat/slow-mode.js';
import { ConfigError } from '../config.js';
import type { Redis } from './redis.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the chat core's moderation needs from outside: BLOCKED_WORDS_FILE's words and slow mode's clock. */
    moderationDeps: { blockedEverywhere: BlockedWords; slowMode: SlowModeClock };
  }
}

/** BLOCKED_WORDS_FILE's entries: one a line, blank lines and surrounding spaces ignored. */
export function readBlockedWords(path: string): BlockedWords {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('BLOCKED_WORDS_FILE', `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return new BlockedWords(
    text
      .replace(/^\uFEFF/, '')
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean),
  );
}

/**
 * Takes a turn under every key, all or none, in one step (two relays cannot
 * both give it): how long the longest wait is when one is held, else 0.
 */
const TAKE_TURN = `
local wait = 0
for _, key in ipairs(KEYS) do wait = math.max(wait, redis.call('PTTL', key)) end
if wait > 0 then return wait end
for _, key in ipairs(KEYS) do redis.call('SET', key, '1', 'PX', ARGV[1]) end
return 0`;

/**
 * Slow mode's clock in Redis, shared by every relay: a turn is a key that
 * expires when its member (or network) may write again. While Redis is away,
 * each relay keeps its own.
 */
export class RedisSlowModeClock implements SlowModeClock {
  private readonly fallback = new MemorySlowModeClock();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async wait(keys: readonly string[]): Promise<number> {
    try {
      const ttls = await Promise.all(keys.map((key) => this.redis.pTTL(`${this.prefix}${key}`)));
      return Math.max(0, ...ttls);
    } catch {
      return this.fallback.wait(keys);
    }
  }

  async take(keys: readonly string[], ms: number): Promise<number> {
    try {
      const wait = await this.redis.eval(TAKE_TURN, { keys: keys.map((key) => `${this.prefix}${key}`), arguments: [String(ms)] });
      return Number(wait);
    } catch {
      return this.fallback.take(keys, ms);
    }
  }
}

/** Reads BLOCKED_WORDS_FILE (a missing file stops the relay with one line) and sets up slow mode's clock. */
export default fp(
  async (app) => {
    const { blockedWordsFile, redisPrefix } = app.config;
    const blockedEverywhere = blockedWordsFile ? readBlockedWords(blockedWordsFile) : new BlockedWords([]);
    if (blockedWordsFile) app.log.info({ file: blockedWordsFile, entries: blockedEverywhere.size }, 'blocked words read');
    const slowMode = app.redis ? new RedisSlowModeClock(app.redis.direct, `${redisPrefix}:slow:`) : new MemorySlowModeClock();
    app.decorate('moderationDeps', { blockedEverywhere, slowMode });
  },
  { name: 'moderation', dependencies: ['config', 'redis'] },
);
