// Types for <live-chat> in React's JSX (the element comes from the relay's script).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

export interface LiveChatElement extends HTMLElement {
  send(text: string): void;
  open(): void;
  close(): void;
  toggle(): void;
}
export interface LiveChatMessageEvent extends Event {
  message: { id: string; seq: number; text: string; ts: number; author: { id: string; name: string } };
}
export interface LiveChatUnreadEvent extends Event {
  count: number;
}
export interface LiveChatErrorEvent extends Event {
  error: { code: string; message: string };
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'live-chat': DetailedHTMLProps<HTMLAttributes<LiveChatElement>, LiveChatElement> & {
        room: string;
        server?: string;
        name?: string;
        token?: string;
        mode?: 'inline' | 'launcher';
        theme?: 'light' | 'dark' | 'auto';
        lang?: string;
        density?: 'comfortable' | 'compact';
        'onlive-chat-message'?: (event: LiveChatMessageEvent) => void;
        'onlive-chat-connect'?: (event: Event) => void;
        'onlive-chat-disconnect'?: (event: Event) => void;
        'onlive-chat-unread'?: (event: LiveChatUnreadEvent) => void;
        'onlive-chat-error'?: (event: LiveChatErrorEvent) => void;
      };
    }
  }
}
