import type { RoomSettings } from '../protocol/index.js';
import { ApiError } from './api.js';

/*
 * The events the console's views send up to it. They bubble inside the
 * console's shadow root only (not composed): the page never sees them.
 */

/** What the console did (`status`) or why it failed (`problem`); a field left out is left as it is. */
export class NoticeEvent extends Event {
  constructor(readonly notice: { status?: string; problem?: string }) {
    super('live-chat-console-notice', { bubbles: true });
  }
}

/** The sign-in was accepted, as `name`. */
export class SignedInEvent extends Event {
  constructor(readonly name: string) {
    super('live-chat-console-signed-in', { bubbles: true });
  }
}

/** The moderator chose a room to open. */
export class OpenRoomEvent extends Event {
  constructor(readonly room: string) {
    super('live-chat-console-open-room', { bubbles: true });
  }
}

/** A view asked for another section (the overview's "Review them" for the reports). */
export class ShowEvent extends Event {
  constructor(readonly view: 'overview' | 'rooms' | 'reports') {
    super('live-chat-console-show', { bubbles: true });
  }
}

/**
 * A moderation action changed `room`: a message deleted, a member banned or
 * let back, its settings saved (the relay's answer in `settings`). The views
 * showing it load again what it changed.
 */
export class RoomChangedEvent extends Event {
  constructor(
    readonly room: string,
    readonly what: 'message' | 'ban' | 'settings',
    readonly settings?: RoomSettings,
  ) {
    super('live-chat-console-room-changed', { bubbles: true });
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'live-chat-console-notice': NoticeEvent;
    'live-chat-console-signed-in': SignedInEvent;
    'live-chat-console-open-room': OpenRoomEvent;
    'live-chat-console-room-changed': RoomChangedEvent;
    'live-chat-console-show': ShowEvent;
  }
}

/** Runs an action from `view`, then says what it did (`done`) or why it failed. */
export async function act(view: Element, done: string, action: () => Promise<unknown>): Promise<void> {
  view.dispatchEvent(new NoticeEvent({ problem: '' }));
  try {
    await action();
    view.dispatchEvent(new NoticeEvent({ status: done }));
  } catch (error) {
    const problem = error instanceof ApiError ? `${error.message} (${error.code})` : String(error);
    view.dispatchEvent(new NoticeEvent({ status: '', problem }));
  }
}
