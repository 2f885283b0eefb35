import type { ErrorCode, HandshakeErrorCode } from '../protocol/index.js';
import { loadScript } from './load-script.js';

// Codes a visitor cannot act on differently share one text.
const wrong = 'something went wrong';
const tooFast = 'too fast, wait a moment';

/**
 * Every string the widget shows, in English, the language every visitor's
 * script carries. The others are scripts of their own (widget/languages/,
 * built as /live-chat-<lang>.js), loaded from the relay by the pages that
 * use them: French cost every visitor ~1 KB gzip when it was bundled. To add
 * a language, copy languages/fr.ts, translate it, and add it to LANGUAGES.
 */
const en = {
  connecting: 'Connecting…',
  offline: 'Offline',
  online: (n: number) => `${n} here`,
  banned: 'Removed from this room by a moderator',
  messages: 'Messages',
  message: 'Message',
  placeholder: (room: string) => `Message #${room}`,
  send: 'Send',
  yourName: 'Your name',
  start: 'Start chatting',
  empty: 'Be the first to say hello 👋',
  loading: 'Loading…',
  older: 'Loading earlier messages…',
  sending: 'Sending…',
  notSent: 'Not sent',
  retry: 'Retry',
  discard: 'Discard',
  delete: 'Delete',
  deleted: 'Message deleted',
  typing: (names: string[]) =>
    names.length === 1
      ? `${names[0]} is typing…`
      : names.length === 2
        ? `${names[0]} and ${names[1]} are typing…`
        : `${names.length} people are typing…`,
  newMessages: 'New messages',
  members: 'People here',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: (n: number) => `${n} unread`,
  slowDown: (s: number) => `Slow down: you can send again in ${s} s`,
  today: 'Today',
  yesterday: 'Yesterday',
  bannedNotice: (until: string | null) =>
    until ? `A moderator banned you from this room until ${until}.` : 'A moderator banned you from this room.',
  reason: 'Reason',
  newLine: 'Shift+Enter: new line',
  reconnecting: 'Reconnecting…',
  willSend: 'Your messages will be sent.',
  you: 'you',
  changeName: 'Change name',
  reading: (n: number) => `+ ${n} reading`,
  verified: 'Verified',
  guest: 'guest',
  moderator: 'Moderator',
  actions: 'Actions',
  cancel: 'Cancel',
  confirmDelete: 'Delete this message?',
  reply: 'Reply',
  edit: 'Edit',
  save: 'Save',
  edited: '(edited)',
  notEdited: 'Not edited',
  editing: 'Editing your message',
  replyingTo: (name: string) => `Replying to ${name}`,
  mentionWho: 'Mention',
  mentioned: 'you were mentioned',
  react: 'React with',
  reactions: 'Reactions',
  reacted: (n: number, emoji: string) => `${n} ${n === 1 ? 'person' : 'people'} reacted ${emoji}`,
  report: 'Report',
  reasonOptional: 'Reason (optional)',
  reported: 'Reported to the moderators. Thank you.',
  pinned: 'Pinned',
  paused: 'Chat is paused.',
  membersOnly: 'Sign in to chat.',
  signIn: 'Sign in',
  signInAgain: 'Sign in again',
  expired: 'Your sign-in has expired.',
  // Why a name cannot be used: the contract's rules (checked in the prompt), or the relay's refusal.
  nameRules: {
    invisible: 'Names cannot hold invisible characters.',
    badge: 'Names cannot hold badges (✓ ★): the chat gives them.',
    invalid_name: 'That name cannot be used.',
  },
  slowMode: (s: number) => `Slow mode: you can send again in ${s} s`,
  slowRule: (s: number) => `Slow mode: ${s} s`,
  membersRule: 'Members only',
  pausedRule: 'Paused',
  refused: {
    origin_not_allowed: 'This site may not use this chat',
    unauthorized: 'Sign-in needed or expired',
    too_many_connections: 'Too many connections from here',
    invalid_name: 'That name cannot be used',
    banned: 'You are banned from this room',
    other: 'Connection refused',
  } satisfies Record<HandshakeErrorCode | 'other', string>,
  // Every code of the contract, so a new one cannot ship untranslated.
  errors: {
    invalid_payload: wrong,
    invalid_room: wrong,
    not_joined: 'not in the room yet, try again',
    empty: 'empty',
    too_long: 'too long',
    rate_limited: tooFast,
    forbidden: 'not allowed',
    banned: 'you were removed from this room',
    not_found: 'no longer there',
    unavailable: 'the chat is unavailable, try again',
    internal: wrong,
    slow_mode: tooFast,
    members_only: 'only signed-in members may write here',
    paused: 'the room is paused',
    blocked: 'contains a blocked word',
  } satisfies Record<ErrorCode, string>,
};

export type Strings = typeof en;

/** The languages the relay serves; all but English load on demand. */
export const LANGUAGES = ['en', 'fr'];

/** The strings of each language loaded so far. */
export const strings: Record<string, Strings> = { en };

/** Where a language script puts its strings (no global name). */
const LANGUAGE_HOOK = Symbol.for('live-chat.strings');
/** How long a first render waits for its language's strings. */
const LANGUAGE_WAIT_MS = 2000;
/** By URL: a relay that could not serve one is not asked again, and speaks English. */
const loading: Record<string, Promise<void>> = {};

/**
 * Loads a language's strings from the relay at `server`, once per page. The
 * widget waits for them at most LANGUAGE_WAIT_MS, then speaks English until
 * they come.
 */
export function loadLanguage(server: string, lang: string): Promise<void> {
  const url = `${server}/live-chat-${lang}.js`;
  return (loading[url] ??= Promise.race([
    loadScript(url).then(
      () => void (strings[lang] ??= (window as any)[LANGUAGE_HOOK]?.[lang]),
      () => {},
    ),
    new Promise<void>((resolve) => setTimeout(resolve, LANGUAGE_WAIT_MS)),
  ]));
}

/** The language for an element: its `lang`, else the nearest `lang` above it, else the page's; English by default. */
export function pickLanguage(el: Element): string {
  const lang = (el.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang || 'en').toLowerCase();
  const base = lang.split('-')[0]!;
  return LANGUAGES.includes(base) ? base : 'en';
}
