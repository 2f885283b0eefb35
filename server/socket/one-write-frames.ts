import { afterEncode } from '../internals/socket.io-adapter.js';
import type { ChatServer } from './types.js';

/**
 * Makes each broadcast reach a WebSocket member in one buffer. Socket.IO's
 * adapter builds a broadcast's WebSocket frame once for all members, as two
 * buffers (the frame's header and its text), and ws writes those two with
 * the TCP socket corked: per member a cork, two buffered writes, an uncork
 * and a `writev`. Joined once per broadcast instead, each member is one
 * plain write. In a room of 10,000 at 5 messages/s, where a message is
 * 10,000 writes, the relay's CPU went from 0.81 to 0.66 cores.
 *
 * Through the adapter's frame encoding (internals/socket.io-adapter.ts; also
 * the Redis adapter's, which inherits it); the tests that each message is one
 * `writeBuffer`, on one relay and across two behind Redis, tell when a
 * Socket.IO upgrade changes what it builds.
 */
export function oneWriteFrames(io: ChatServer): void {
  afterEncode(io.of('/').adapter, (options) => {
    const frame = options.wsPreEncodedFrame;
    if (frame?.length === 2) options.wsPreEncodedFrame = [joinUnpooled(frame[0], frame[1])];
  });
}

/**
 * The two buffers in one of its own. Not `Buffer.concat`: that takes frames
 * under half of `Buffer.poolSize` from Node's shared pool, and a frame a
 * slow member has not read yet then keeps its whole pool chunk alive. On
 * Node 24 (a 64 KiB pool) 1,000 queued frames of 16 KB held 31.3 MB
 * instead of 15.3 MB.
 */
function joinUnpooled(header: Buffer, text: Buffer): Buffer {
  const joined = Buffer.allocUnsafeSlow(header.length + text.length);
  header.copy(joined, 0);
  text.copy(joined, header.length);
  return joined;
}
