import { waitUntil } from '@open-wc/testing';
import { executeServerCommand, sendKeys } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';

let relay: Promise<string> | undefined;

export interface RelayInfo {
  url: string;
  strictUrl: string;
  pollingOnlyUrl: string;
  /** A relay whose ALLOWED_ORIGINS does not include the test pages' origin. */
  closedUrl: string;
  /** A relay with GUESTS=off. */
  membersOnlyUrl: string;
  /** The main relay through a TCP proxy that `freeze(true)` stalls: nothing passes, nothing closes. */
  frozenUrl: string;
  adminKey: string;
}

/** Where the test runner's relays are (see relay-plugin.mjs). */
export async function relayInfo(): Promise<RelayInfo> {
  return (await fetch('/__relay/urls.json')).json();
}

/**
 * A token signed with the test relays' JWT_SECRET. Its name must be no
 * guest's in any widget test: the relays are shared by every file, and one
 * refuses a guest whose name looks like a verified member's or a
 * moderator's who joined in the last 30 days (invalid_name).
 */
export async function token(sub: string, name: string, role?: 'moderator'): Promise<string> {
  const query = new URLSearchParams({ sub, name, ...(role ? { role } : {}) });
  return (await fetch(`/__relay/token?${query}`)).text();
}

/** A token of the test relays whose time ran out a minute ago. */
export async function expiredToken(sub: string, name: string): Promise<string> {
  return (await fetch(`/__relay/token?${new URLSearchParams({ sub, name, expired: '1' })}`)).text();
}

/** Stalls the way to the relay at `frozenUrl` (nothing passes, nothing closes), or lets it go on. */
export async function freeze(on: boolean): Promise<void> {
  await fetch(`/__relay/freeze?on=${on ? 1 : 0}`);
}

/** Posts into a room through the relay's HTTP API, as a bot would. */
export async function post(room: string, text: string, author = { id: 'bot', name: 'Bot' }): Promise<any> {
  const { url, adminKey } = await relayInfo();
  const response = await fetch(`${url}/api/rooms/${room}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
    body: JSON.stringify({ text, author }),
  });
  if (response.status !== 201) throw new Error(`post failed: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * Loads /live-chat.js from the real relay the test runner started, as a
 * customer's page would (a classic script of another origin), once per page.
 * Resolves with the relay's URL.
 */
export function loadWidget(): Promise<string> {
  relay ??= (async () => {
    const { url } = await relayInfo();
    const script = document.createElement('script');
    script.src = `${url}/live-chat.js`;
    const loaded = new Promise((resolve, reject) => {
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${script.src}`));
    });
    document.head.append(script);
    await loaded;
    await customElements.whenDefined('live-chat');
    return url;
  })();
  return relay;
}

let rooms = 0;
/** A room no other test uses, so each test starts from an empty history. */
export function uniqueRoom(): string {
  return `test-${Date.now().toString(36)}-${++rooms}`;
}

export function part(el: LiveChat, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

export function texts(el: LiveChat): string[] {
  return [...el.shadowRoot!.querySelectorAll('[part~="text"]')].map((p) => p.textContent ?? '');
}

export async function online(el: LiveChat): Promise<void> {
  await waitUntil(() => part(el, 'status')?.classList.contains('online'), 'the widget did not come online', {
    timeout: 5000,
  });
}

/** Types into the composer with real key presses, then presses Enter. */
export async function typeAndSend(el: LiveChat, text: string): Promise<void> {
  const input = el.shadowRoot!.querySelector('textarea')!;
  input.focus();
  await sendKeys({ type: text });
  await sendKeys({ press: 'Enter' });
}

export async function shows(el: LiveChat, text: string, message = `"${text}" never appeared`): Promise<void> {
  await waitUntil(() => texts(el).includes(text), message, { timeout: 5000 });
}

/** Makes the page a touch screen (`pointer: coarse`), or a mouse's again (touch-plugin.mjs). */
export async function touchScreen(enabled: boolean): Promise<void> {
  await executeServerCommand('emulate-touch', { enabled });
}
