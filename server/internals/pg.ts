import pg from 'pg';
import { expectShape } from './shape.js';

/** pg's internals (untyped there), used by stores/postgres-transaction.ts: a client's connection and its socket. */
interface ClientInternals {
  connection?: { stream?: { destroyed?: boolean } };
}

/** Whether a client's socket to PostgreSQL was destroyed (a dropped connection). */
export function streamDestroyed(client: object): boolean {
  return (client as ClientInternals).connection?.stream?.destroyed === true;
}

/** Fails in one line unless a client keeps its socket as `connection.stream` (`client` defaults to a new, unconnected one). */
export function checkPg(client: object = new pg.Client()): void {
  expectShape('pg', 'client.connection.stream.destroyed is not a boolean', typeof (client as ClientInternals).connection?.stream?.destroyed === 'boolean');
}
