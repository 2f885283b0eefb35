const KEY = 'live-chat:client-id';

let cached: string | undefined;

function random(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * This browser's clientId, so a guest with several tabs is one member. It is
 * read from storage but only written there by `rememberClientId`, once the
 * visitor has done something (picked a name, sent a message): nothing is
 * stored for a visitor who only looks.
 */
export function clientId(): string {
  if (!cached) {
    try {
      cached = localStorage.getItem(KEY) ?? undefined;
    } catch {
      // Storage can be blocked (sandboxed frames, privacy settings): one id per page load then.
    }
    cached ??= random();
  }
  return cached;
}

export function rememberClientId(): void {
  try {
    localStorage.setItem(KEY, clientId());
  } catch {
    // Not stored: the visitor is a new member after a reload, nothing worse.
  }
}

const NAME_KEY = 'live-chat:name';

export function storedName(): string | undefined {
  try {
    return localStorage.getItem(NAME_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function rememberName(name: string): void {
  try {
    localStorage.setItem(NAME_KEY, name);
    rememberClientId();
  } catch {
    // As above: forgotten on reload.
  }
}
