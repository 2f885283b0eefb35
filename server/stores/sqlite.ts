import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { guard } from './sqlite-guard.js';
import { memberStore } from './sqlite-members.js';
import { messageStore } from './sqlite-messages.js';
import { moderationStore } from './sqlite-moderation.js';
import { migrate, sqlitePath } from './sqlite-schema.js';
import { webhookStore } from './sqlite-webhooks.js';
import { StorageError, type ModerationStore, type Store } from './store.js';
import { activityStore } from './sqlite-activity.js';

export { LOCK_DEADLINE_MS } from './sqlite-guard.js';
export { MIGRATIONS, sqlitePath } from './sqlite-schema.js';

/**
 * SQLite through better-sqlite3: synchronous, so each append is atomic within
 * this process, which is the only writer (WAL lets readers run alongside).
 * Built from one file per concern over one connection: the schema
 * (sqlite-schema.ts), messages, the webhook queue, members, moderation.
 */
export function openSqliteStore(url: string): Store {
  const path = sqlitePath(url);
  let db: Database.Database;
  let moderation: ModerationStore;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    db = new Database(path);
    // WAL: readers never wait on the writer; NORMAL sync is durable across
    // process crashes (only a power cut may lose the last transactions).
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    moderation = moderationStore(db);
    // From now on a locked database fails at once: better-sqlite3 is
    // synchronous, so waiting inside SQLite would freeze the whole relay.
    // `guard` waits instead, between attempts, with the event loop free.
    db.pragma('busy_timeout = 0');
  } catch (error) {
    throw new StorageError(error);
  }

  const webhooks = webhookStore(db);
  return {
    ...messageStore(db, webhooks),
    ...activityStore(db),
    ...memberStore(db),
    ...moderation,
    ...webhooks.store,
    ping: () => guard(() => void db.prepare('SELECT 1').get()),
    async close() {
      if (db.open) db.close();
    },
  };
}
