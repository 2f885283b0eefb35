import { engineConnection } from '../internals/engine.io.js';
import { wsSocket } from '../internals/ws.js';
import type { ChatSocket } from './types.js';

/**
 * What one connection may have waiting to go out before the relay treats it
 * as a slow consumer (plugins/backpressure.ts drops it if it takes nothing
 * more), and before it answers no more heavy requests from it (define-handler.ts).
 */
export const MAX_QUEUED_BYTES = 1024 * 1024;

export type Connection = ChatSocket['conn'];

/** Bytes waiting to go out on a connection (string lengths for text frames: close enough for a bound). */
export function queuedBytes(conn: Connection): number {
  const { writeBuffer = [], transport } = engineConnection(conn);
  let bytes = transport.name === 'websocket' ? (wsSocket(transport.socket)?.bufferedAmount ?? 0) : 0;
  for (const { data } of writeBuffer) {
    if (typeof data === 'string') bytes += data.length;
    else if (data) bytes += data.byteLength;
  }
  return bytes;
}

