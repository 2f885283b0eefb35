/**
 * socket.io-client connections as the benches open them: WebSocket only, no
 * reconnection (a dropped client is a figure, not something to hide), one
 * guest name each.
 */
import { io, type Socket } from 'socket.io-client';

export async function connected(url: string, name: string): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth: { name } });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

/** A connection that has joined `room` (failing loudly if the relay refuses). */
export async function joined(url: string, room: string, name: string): Promise<Socket> {
  const socket = await connected(url, name);
  const ack = await socket.timeout(30_000).emitWithAck('join', { room });
  if (!ack.ok) throw new Error(`join failed: ${JSON.stringify(ack)}`);
  return socket;
}
