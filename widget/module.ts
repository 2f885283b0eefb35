// The package's `live-chat/widget` entry, for sites that bundle their own
// scripts: importing it registers <live-chat> (Lit stays
// imports, shared with the host's). The relay's /live-chat.js is index.ts.
export { LiveChat, type Density, type Mode, type Theme } from './live-chat.js';
export {
  LiveChatConnectEvent,
  LiveChatDisconnectEvent,
  LiveChatErrorEvent,
  LiveChatMentionEvent,
  LiveChatMessageEvent,
  LiveChatSigninEvent,
  LiveChatUnreadEvent,
} from './events.js';
export type { ErrorBody, ErrorCode, Member, Message, Role } from '../protocol/index.js';
