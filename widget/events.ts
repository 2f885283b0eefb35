import type { ErrorBody, Message } from '../protocol/index.js';

const init = { bubbles: true, composed: true };

/** A message arrived in the widget's room (also the visitor's own, once stored). */
export class LiveChatMessageEvent extends Event {
  constructor(readonly message: Message) {
    super('live-chat-message', init);
  }
}

/** The widget joined its room (after every connect and reconnect). */
export class LiveChatConnectEvent extends Event {
  constructor() {
    super('live-chat-connect', init);
  }
}

/** The connection dropped; the widget reconnects by itself. */
export class LiveChatDisconnectEvent extends Event {
  constructor() {
    super('live-chat-disconnect', init);
  }
}

/** The number of messages the visitor has not seen changed. */
export class LiveChatUnreadEvent extends Event {
  constructor(readonly count: number) {
    super('live-chat-unread', init);
  }
}

/** The relay refused something (a send, a join): `error.code` is the contract's. */
export class LiveChatErrorEvent extends Event {
  constructor(readonly error: ErrorBody) {
    super('live-chat-error', init);
  }
}

/** A message that mentions the visitor arrived (`event.message`), e.g. to notify them outside the page. */
export class LiveChatMentionEvent extends Event {
  constructor(readonly message: Message) {
    super('live-chat-mention', init);
  }
}

/**
 * The visitor asked to sign in (a members-only room, an expired token): the
 * host page shows its sign-in and sets `token`. `preventDefault()` says the
 * page took it; otherwise the widget goes to its `signin-url`, if set.
 */
export class LiveChatSigninEvent extends Event {
  constructor() {
    super('live-chat-signin', { ...init, cancelable: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'live-chat-message': LiveChatMessageEvent;
    'live-chat-connect': LiveChatConnectEvent;
    'live-chat-disconnect': LiveChatDisconnectEvent;
    'live-chat-unread': LiveChatUnreadEvent;
    'live-chat-error': LiveChatErrorEvent;
    'live-chat-mention': LiveChatMentionEvent;
    'live-chat-signin': LiveChatSigninEvent;
  }
}
