// The package's `live-chat-widget/react` entry: <live-chat> as a React
// component, made by @lit/react, so React code gets typed props (room, mode,
// theme…) and typed `on…` event props on React 18 and 19 alike (React 18
// sets only attributes on custom elements and has no custom-event props).
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import {
  LiveChatConnectEvent,
  LiveChatDisconnectEvent,
  LiveChatErrorEvent,
  LiveChatMentionEvent,
  LiveChatMessageEvent,
  LiveChatSigninEvent,
  LiveChatUnreadEvent,
} from './events.js';
import { LiveChat as LiveChatElement } from './live-chat.js';

export type { Density, Mode, Theme } from './live-chat.js';
export {
  LiveChatConnectEvent,
  LiveChatDisconnectEvent,
  LiveChatElement,
  LiveChatErrorEvent,
  LiveChatMentionEvent,
  LiveChatMessageEvent,
  LiveChatSigninEvent,
  LiveChatUnreadEvent,
};
export type { ErrorBody, ErrorCode, Member, Message, Role } from '../protocol/index.js';

/**
 * `<LiveChat room="lobby" onMessage={(e) => e.message.text} />`: every
 * `live-chat-*` event of the element as an `on…` prop, and a ref to the
 * element itself (`send()`, `open()`, `close()`, `toggle()`).
 */
export const LiveChat = createComponent({
  tagName: 'live-chat',
  elementClass: LiveChatElement,
  react: React,
  events: {
    onMessage: 'live-chat-message' as EventName<LiveChatMessageEvent>,
    onMention: 'live-chat-mention' as EventName<LiveChatMentionEvent>,
    onUnread: 'live-chat-unread' as EventName<LiveChatUnreadEvent>,
    onConnect: 'live-chat-connect' as EventName<LiveChatConnectEvent>,
    onDisconnect: 'live-chat-disconnect' as EventName<LiveChatDisconnectEvent>,
    onError: 'live-chat-error' as EventName<LiveChatErrorEvent>,
    onSignin: 'live-chat-signin' as EventName<LiveChatSigninEvent>,
  },
  displayName: 'LiveChat',
});
