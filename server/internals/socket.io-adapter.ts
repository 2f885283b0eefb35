import { expectShape } from './shape.js';

/**
 * socket.io-adapter's internals (typed private there), used by
 * socket/one-write-frames.ts: the adapter's `_encode`, which builds a
 * broadcast's packets once for every member, and the WebSocket frame it
 * leaves in the packet options for Engine.IO. The Redis streams adapter
 * inherits it.
 */
export interface FrameOptions {
  wsPreEncodedFrame?: Buffer[];
}

type Encode = (packet: unknown, options: FrameOptions) => unknown[];

interface EncodingAdapter {
  _encode: Encode;
}

/** Fails in one line unless `adapter` encodes broadcasts through `_encode`. */
export function checkSocketIoAdapter(adapter: object): void {
  expectShape('socket.io-adapter', 'adapter._encode(packet, options) is not a function', typeof (adapter as Partial<EncodingAdapter>)._encode === 'function');
}

/** Runs `after` on the options of every broadcast `adapter` encodes, once its frame is built. */
export function afterEncode(adapter: object, after: (options: FrameOptions) => void): void {
  const encoding = adapter as EncodingAdapter;
  const encode = encoding._encode.bind(encoding);
  encoding._encode = (packet, options) => {
    const encoded = encode(packet, options);
    after(options);
    return encoded;
  };
}
