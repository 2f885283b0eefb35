/**
 * What the widget keeps in the visitor's browser: a clientId (so several tabs
 * are one member), the nickname, whether the launcher was open and the last
 * message seen in it (seq, per room; the unread after a reload). Nothing is
 * written until the visitor does something (picks a name, sends, opens the
 * launcher); reading is harmless. Blocked storage (sandboxed frames, privacy
 * settings) only means forgetting on reload.
 */
const PREFIX = 'live-chat:';

let id: string | undefined;

export function recall(key: string): string | undefined {
  try {
    return localStorage.getItem(PREFIX + key) ?? undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, value: string): void {
  try {
    localStorage.setItem(PREFIX + key, value);
  } catch {
    // forgotten on reload, nothing worse
  }
}

/** This browser's clientId: read from storage, else made up for this page. */
export function clientId(): string {
  if (!id) {
    id = recall('client-id');
    if (!id) {
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      id = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
    }
  }
  return id;
}

/** Keeps the clientId: called on the visitor's first action. */
export function rememberClientId(): void {
  store('client-id', clientId());
}

/** Keeps a preference the visitor just chose (and, with it, their clientId). */
export function remember(key: string, value: string): void {
  store(key, value);
  rememberClientId();
}
