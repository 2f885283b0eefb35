import type { ChatSocket } from './types.js';

/**
 * What one connection may have waiting to go out before the relay treats it
 * as a slow consumer (plugins/backpressure.ts drops it if it takes nothing
 * more), and before it answers no more heavy requests from it (define-handler.ts).
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;

export type Connection = ChatSocket['conn'];

/**
 * What Engine.IO, ws and Node keep internally (typed private there): the
 * packets waiting for the transport; for a WebSocket, its TCP socket, the
 * bytes Node has handed to libuv, and how many of those libuv still holds.
 */
export interface Internals {
  writeBuffer?: { data?: string | ArrayBufferLike | ArrayBufferView }[];
  transport: {
    name: string;
    /** False while a write is under way: Engine.IO queues packets in `writeBuffer` meanwhile. */
    writable?: boolean;
    socket?: {
      bufferedAmount?: number;
      terminate?: () => void;
      _socket?: { _bytesDispatched?: number; _handle?: { writeQueueSize?: number } | null; cork(): void; uncork(): void };
    };
  };
}

/** Bytes waiting to go out on a connection (string lengths for text frames: close enough for a bound). */
export function queuedBytes(conn: Connection): number {
  const { writeBuffer = [], transport } = conn as unknown as Internals;
  let bytes = transport.name === 'websocket' ? (transport.socket?.bufferedAmount ?? 0) : 0;
  for (const { data } of writeBuffer) {
    if (typeof data === 'string') bytes += data.length;
    else if (data) bytes += data.byteLength;
  }
  return bytes;
}

