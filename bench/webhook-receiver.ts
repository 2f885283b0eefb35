/**
 * A webhook receiver for the bench relays: `live` answers every delivery
 * with 204 as soon as its body is read; `dead` accepts the connection and
 * never answers, as a receiver that hangs does (the relay's worker waits out
 * its timeout and retries). It runs in the bench's own process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Receiver {
  url: string;
  /** Deliveries received (live) or held (dead). */
  received: number;
  close(): Promise<void>;
}

export async function webhookReceiver(mode: 'live' | 'dead'): Promise<Receiver> {
  const receiver = { received: 0 } as Receiver;
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    receiver.received++;
    if (mode === 'dead') return;
    request.resume();
    request.on('end', () => response.writeHead(204).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
