import { readFileSync } from 'node:fs';
import fp from 'fastify-plugin';
import { BlockedWords } from '../chat/blocked-words.js';
import { MemorySlowModeClock, RedisSlowModeClock, type SlowModeClock } from '../chat/slow-mode.js';
import { ConfigError } from '../config.js';

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
