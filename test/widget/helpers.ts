import { waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import type { LiveChat } from '../../widget/live-chat.js';

let relay: Promise<string> | undefined;

/**
 * Loads /live-chat.js from the real relay the test runner started, as a
 * customer's page would (a classic script of another origin), once per page.
 * Resolves with the relay's URL.
 */
export function loadWidget(): Promise<string> {
  relay ??= (async () => {
    const { url } = (await (await fetch('/__relay.json')).json()) as { url: string };
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
