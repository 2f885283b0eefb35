/**
 * A lean Socket.IO client for the scale benches: a raw WebSocket (`ws`)
 * speaking Engine.IO v4 / Socket.IO v5 text packets, just enough to open a
 * session as a guest, join one room, answer heartbeats and receive. A
 * socket.io-client connection costs tens of KB and real CPU on the client
 * side; at 10,000–20,000 connections on two shared cores that, not the relay,
 * would set the figures.
 *
 * Packets (PROTOCOL.md, Socket.IO v5 over Engine.IO v4):
 *   relay → `0{"sid",…}` open;  client → `40{"name":…}` CONNECT with the auth object;
 *   relay → `40{"sid":…}` (or `44{"message":…}`, refused);
 *   client → `420["join",{"room":…}]`;  relay → `430[{"ok":true,…}]`, the ack;
 *   relay → `2` ping, client → `3` pong;  relay → `42["message",{…}]`, `42["presence",…]` …
 */
import WebSocket from 'ws';

const MESSAGE = Buffer.from('42["message"');
const TEXT = Buffer.from('"text":"');

/** A joined lean connection. `dropped` turns true if the relay closed it. */
export interface LeanSocket {
  close(): void;
  readonly dropped: boolean;
}

/**
 * The send time in a `message` packet whose text is one (ms on the machine's
 * clock, as the benches send it), read straight from the frame's bytes; NaN
 * for any other text. Only the digits are decoded, not the whole packet: at
 * 50,000 deliveries a second, JSON.parse of each would be most of the
 * client's work.
 */
export function sentAt(frame: Buffer): number {
  const at = frame.indexOf(TEXT, MESSAGE.length);
  if (at < 0) return NaN;
  const from = at + TEXT.length;
  return Number(frame.toString('latin1', from, frame.indexOf(34 /* " */, from)));
}

/**
 * Opens a connection to `url` (http://host:port) as guest `name` and joins
 * `room`; `onMessage` gets each `message` packet's raw frame afterwards.
 * Rejects on a refused handshake or join, a closed connection, or after
 * `timeoutMs`.
 */
export function leanJoined(url: string, room: string, name: string, onMessage: (frame: Buffer) => void, timeoutMs = 120_000): Promise<LeanSocket> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  let joined = false;
  let dropped = false;
  const socket: LeanSocket = {
    close: () => ws.terminate(),
    get dropped() {
      return dropped;
    },
  };
  return new Promise<LeanSocket>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      ws.terminate();
      reject(new Error(why));
    };
    const timer = setTimeout(() => fail(`no join ack within ${timeoutMs} ms`), timeoutMs);
    ws.on('error', (error) => (joined ? undefined : fail(error.message)));
    ws.on('close', () => {
      if (joined) dropped = true;
      else fail('closed before joining');
    });
    ws.on('message', (data: Buffer) => {
      // Steady state first: the checks a delivery costs.
      if (joined) {
        if (data.length === 1 && data[0] === 50 /* 2: ping */) ws.send('3');
        else if (data.compare(MESSAGE, 0, MESSAGE.length, 0, MESSAGE.length) === 0) onMessage(data);
        return;
      }
      const text = data.toString();
      if (text === '2') ws.send('3');
      else if (text.startsWith('0{')) ws.send(`40${JSON.stringify({ name })}`);
      else if (text.startsWith('44')) fail(`refused: ${text.slice(2)}`);
      else if (text.startsWith('40')) ws.send(`420${JSON.stringify(['join', { room }])}`);
      else if (text.startsWith('430')) {
        const [ack] = JSON.parse(text.slice(3)) as [{ ok: boolean }];
        if (!ack.ok) return fail(`join refused: ${text.slice(3, 300)}`);
        joined = true;
        clearTimeout(timer);
        resolve(socket);
      }
    });
  });
}
