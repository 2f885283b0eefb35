import { StorageError } from './store.js';

/**
 * How long a call waits for a database another process holds locked (a
 * backup, a migration, an operator's `BEGIN EXCLUSIVE`) before it answers
 * `unavailable`. The old blocking busy_timeout was the same 5 s.
 */
export const LOCK_DEADLINE_MS = 5000;

const locked = (error: unknown) => /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string })?.code ?? '');

/**
 * Runs a synchronous SQLite call, turning its failures into StorageError
 * (`unavailable`). While the database is locked it tries again, 5 ms then
 * up to 100 ms apart, until LOCK_DEADLINE_MS: a locked call has written
 * nothing (each is one statement or one transaction), so trying again is safe.
 */
export async function guard<T>(fn: () => T): Promise<T> {
  const deadline = Date.now() + LOCK_DEADLINE_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      return fn();
    } catch (error) {
      if (!locked(error) || Date.now() + wait > deadline) throw new StorageError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
