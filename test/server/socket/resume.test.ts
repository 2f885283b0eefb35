import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { joined, msgId, next, request, sleep, startRelay } from '../helpers.js';

/**
 * Resuming is the contract's job (`join { since }`), not Socket.IO's
 * connection-state recovery: every relay→client event carries exactly one
 * argument, and a client that comes back passes the relay's checks again.
 */

const secret = 'a-test-secret-that-is-at-least-32-chars';

/** A bare WebSocket speaking Engine.IO/Socket.IO, recording every event packet as its parsed array. */
async function rawMember(t: TestContext, url: string, auth: object, room: string) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  t.after(() => ws.terminate());
  ws.on('error', () => {});
  const events: unknown[][] = [];
  await new Promise<void>((resolve, reject) => {
    ws.on('message', (data) => {
      const packet = String(data);
      if (packet.startsWith('0')) ws.send(`40${JSON.stringify(auth)}`);
      else if (packet.startsWith('40')) ws.send(`421${JSON.stringify(['join', { room }])}`);
      else if (packet.startsWith('431')) resolve();
      else if (packet.startsWith('42')) events.push(JSON.parse(packet.slice(2)));
      else if (packet === '2') ws.send('3');
    });
    ws.once('close', () => reject(new Error('closed before joining')));
  });
  return { ws, events };
}

test('every relay→client event carries exactly one argument (no recovery offset appended)', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const raw = await rawMember(t, relay.url, { name: 'raw', clientId: 'raw-client-1' }, 'lobby');
  const token = await new SignJWT({ sub: 'mod', name: 'Mia', role: 'moderator' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
  const mod = await joined(t, relay.url, 'lobby', { token });
  const other = await joined(t, relay.url, 'lobby', { name: 'other', clientId: 'other-client-1' });
  await request(other.socket, 'typing', { room: 'lobby', typing: true });
  const sent = await request(other.socket, 'send', { room: 'lobby', text: 'hello', clientMsgId: msgId() });
  await request(mod.socket, 'delete', { room: 'lobby', seq: sent.message.seq });
  await sleep(150); // presence is batched
  const rawSelf = [...relay.app.sockets.io.of('/').sockets.values()].find((s) => s.data.member.name === 'raw')!;
  await request(mod.socket, 'ban', { room: 'lobby', memberId: rawSelf.data.member.id, minutes: 1 });
  await sleep(100);
  const names = new Set(raw.events.map(([name]) => name));
  for (const name of ['presence', 'typing', 'message', 'deleted', 'banned']) assert.ok(names.has(name), `saw ${name}`);
  for (const event of raw.events) assert.equal(event.length, 2, `${String(event[0])} has one argument: ${JSON.stringify(event)}`);
});

test('a token that expired while disconnected does not come back: the reconnect is refused as unauthorized', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const token = await new SignJWT({ sub: 'u1', name: 'Short' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime(Math.floor(Date.now() / 1000) + 2)
    .sign(new TextEncoder().encode(secret));
  const client = io(relay.url, { auth: { token }, transports: ['websocket'], reconnectionDelay: 100 });
  t.after(() => void client.disconnect());
  await next(client as any, 'connect');
  assert.equal((await request(client as any, 'join', { room: 'lobby' })).ok, true);
  await sleep(2500);
  const refused = next<Error>(client as any, 'connect_error', 5000);
  relay.app.sockets.io.sockets.sockets.get(client.id!)!.conn.close();
  assert.equal((await refused).message, 'unauthorized');
  assert.equal(client.connected, false);
});
