import { useRef, useState } from 'react';
import type { LiveChatElement, LiveChatMessageEvent } from './live-chat.js';

export function SupportChat({ room, user }: { room: string; user: string }) {
  const chat = useRef<LiveChatElement>(null);
  const [last, setLast] = useState('');
  return (
    <>
      <live-chat
        ref={chat}
        room={room}
        name={user}
        theme="auto"
        onlive-chat-message={(event: LiveChatMessageEvent) =>
          setLast(`${event.message.author.name}: ${event.message.text}`)
        }
      />
      <p>Last message: {last}</p>
      <button onClick={() => chat.current?.send('Hello!')}>Say hello</button>
    </>
  );
}
