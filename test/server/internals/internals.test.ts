import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { checkEngineIo } from '../../../server/internals/engine.io.js';
import { checkSocketInternals } from '../../../server/internals/index.js';
import { checkNodeNet } from '../../../server/internals/node-net.js';
import { checkPg } from '../../../server/internals/pg.js';
import { checkSocketIoAdapter } from '../../../server/internals/socket.io-adapter.js';
import { checkWs } from '../../../server/internals/ws.js';
import { startRelay } from '../helpers.js';

/** Asserts `check` throws one line naming `library` and `shape`. */
function failsWith(check: () => void, library: string, shape: string) {
  assert.throws(check, (error: Error) => {
    assert.equal(error.message, `${library} internals changed: ${shape} (see server/internals/)`);
    return true;
  });
}

test('the internals the relay patches have the shape it expects on the installed versions', async (t) => {
  const relay = await startRelay(t);
  // Also run as the relay started; here once more on its own server, and on pg's client.
  checkSocketInternals(relay.app.sockets.io);
  checkPg();
  checkPg(new pg.Client());
});

test('an upgrade that changes an internal stops the relay with one line naming the library and the shape', () => {
  const conn = { writeBuffer: [], flush() {}, transport: { name: 'websocket' }, request: null };
  failsWith(() => checkSocketIoAdapter({ encode() {} }), 'socket.io-adapter', 'adapter._encode(packet, options) is not a function');
  failsWith(() => checkEngineIo({ sockets: {} }, conn), 'engine.io', 'server.clients is not an object');
  failsWith(() => checkEngineIo({ clients: {} }, { ...conn, writeBuffer: undefined }), 'engine.io', 'connection.writeBuffer is not an array');
  failsWith(() => checkEngineIo({ clients: {} }, { ...conn, flush: undefined }), 'engine.io', 'connection.flush() is not a function');
  failsWith(() => checkEngineIo({ clients: {} }, { ...conn, transport: {} }), 'engine.io', 'connection.transport has no name');
  failsWith(() => checkEngineIo({ clients: {} }, { writeBuffer: [], flush() {}, transport: { name: 'polling' } }), 'engine.io', 'connection.request is not kept');
  failsWith(() => checkWs({ socket: null, terminate() {} }), 'ws', 'websocket._socket is not kept');
  failsWith(() => checkNodeNet({ bytesWritten: 0 }), 'node:net', 'socket._bytesDispatched is not a number');
  failsWith(() => checkPg({ connection: { socket: {} } }), 'pg', 'client.connection.stream.destroyed is not a boolean');
  // The doctored connection itself passes: each line above is about the one field taken away.
  checkEngineIo({ clients: {} }, conn);
});
