import type { ChatServer } from './types.js';

/** What a broadcast's packet options carry to Engine.IO (typed private there). */
interface FrameOptions {
  wsPreEncodedFrame?: Buffer[];
}

interface EncodingAdapter {
  _encode(packet: unknown, options: FrameOptions): unknown[];
}

/**
 * Makes each broadcast reach a WebSocket member in one buffer. Socket.IO's
 * adapter builds a broadcast's WebSocket frame once for all members, as two
 * buffers (the frame's header and its text), and ws writes those two with
 * the TCP socket corked: per member a cork, two buffered writes, an uncork
 * and a `writev`. Joined once per broadcast instead, each member is one
 * plain write. In a room of 10,000 at 5 messages/s, where a message is
 * 10,000 writes, the relay's CPU went from 0.81 to 0.66 cores.
 *
 * Wraps the adapter's frame encoding (typed private there; also the Redis
 * adapter's, which inherits it); the test that each message is one
 * `writeBuffer` tells when a Socket.IO upgrade changes it.
 */
export function oneWriteFrames(io: ChatServer): void {
  const adapter = io.of('/').adapter as unknown as EncodingAdapter;
  const encode = adapter._encode.bind(adapter);
  adapter._encode = (packet, options) => {
    const encoded = encode(packet, options);
    const frame = options.wsPreEncodedFrame;
    if (frame?.length === 2) options.wsPreEncodedFrame = [Buffer.concat(frame)];
    return encoded;
  };
}
