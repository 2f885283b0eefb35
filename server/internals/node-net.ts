import { Socket } from 'node:net';
import { expectShape } from './shape.js';

/**
 * Node's TCP socket internals (underscored there), used by
 * plugins/backpressure.ts: the bytes handed to libuv, and how many of those
 * libuv still holds. Cork and uncork are public.
 */
export interface TcpInternals {
  _bytesDispatched?: number;
  _handle?: { writeQueueSize?: number } | null;
  cork(): void;
  uncork(): void;
}

/**
 * A figure that grows whenever the peer takes data: the bytes the kernel
 * has accepted (handed to libuv, less what libuv still holds); undefined
 * when Node does not keep it.
 */
export function bytesTaken(tcp: TcpInternals): number | undefined {
  if (tcp._bytesDispatched === undefined) return undefined;
  return tcp._bytesDispatched - (tcp._handle?.writeQueueSize ?? 0);
}

/** Fails in one line unless a TCP socket counts the bytes it dispatched (`tcp` defaults to a new, unconnected one). */
export function checkNodeNet(tcp: object = new Socket()): void {
  expectShape('node:net', 'socket._bytesDispatched is not a number', typeof (tcp as TcpInternals)._bytesDispatched === 'number');
}
