import assert from 'node:assert/strict';
import { test } from 'node:test';
import { joined, msgId, next, request, startRelay } from '../helpers.js';

const key = 'admin-key-for-tests-0123456789';

function post(url: string, room: string, body: unknown, auth: string | null = key) {
  return fetch(`${url}/api/rooms/${room}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
    body: JSON.stringify(body),
  });
}

test('POST /api/rooms/:room/messages with ADMIN_API_KEY stores a message members see live', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const live = next(alice.socket, 'message');
  const response = await post(relay.url, 'lobby', { text: ' Deploy finished ✅ ', author: { id: 'bot-ci', name: 'CI bot' } });
  assert.equal(response.status, 201);
  const message = await response.json();
  assert.equal(message.text, 'Deploy finished ✅');
  assert.equal(message.seq, 1);
  assert.deepEqual(message.author, { id: 'bot-ci', name: 'CI bot', verified: true });
  assert.deepEqual(await live, message);

  // With a clientMsgId, a retried POST returns the original (200) and broadcasts nothing.
  const once = { text: 'once', author: { id: 'bot-ci', name: 'CI bot' }, clientMsgId: 'deploy-42-done' };
  assert.equal((await post(relay.url, 'lobby', once)).status, 201);
  const retry = await post(relay.url, 'lobby', once);
  assert.equal(retry.status, 200);
  assert.equal((await retry.json()).seq, 2);
});

test('POST errors: unauthorized, invalid_payload, invalid_room, empty, too_long', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key, maxMessageLength: 10 });
  const author = { id: 'bot', name: 'Bot' };
  const cases: [number, string, Promise<Response>][] = [
    [401, 'unauthorized', post(relay.url, 'lobby', { text: 'x', author }, null)],
    [401, 'unauthorized', post(relay.url, 'lobby', { text: 'x', author }, 'wrong-key-wrong-key')],
    [400, 'invalid_payload', post(relay.url, 'lobby', { text: 'x' })],
    [400, 'invalid_payload', post(relay.url, 'lobby', { text: 5, author })],
    [400, 'invalid_payload', post(relay.url, 'lobby', { text: 'x', author, extra: true })],
    [400, 'invalid_payload', post(relay.url, 'lobby', { text: 'x', author: { id: 'guest:abc', name: 'Fake guest' } })],
    [400, 'invalid_payload', post(relay.url, 'lobby', { text: 'x', author: { id: 'bot', name: 'bad\u0000name' } })],
    [400, 'invalid_room', post(relay.url, '-bad', { text: 'x', author })],
    [400, 'empty', post(relay.url, 'lobby', { text: '   ', author })],
    [400, 'too_long', post(relay.url, 'lobby', { text: 'x'.repeat(11), author })],
  ];
  for (const [status, code, pending] of cases) {
    const response = await pending;
    const body = await response.json();
    assert.equal(response.status, status, `${code}: ${JSON.stringify(body)}`);
    assert.equal(body.error.code, code);
    assert.equal(typeof body.error.message, 'string');
  }
  const malformed = await fetch(`${relay.url}/api/rooms/lobby/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: '{"text": ',
  });
  assert.equal(malformed.status, 400);
  assert.equal((await malformed.json()).error.code, 'invalid_payload');
});

test('POST is refused when ADMIN_API_KEY is not set', async (t) => {
  const relay = await startRelay(t);
  const response = await post(relay.url, 'lobby', { text: 'x', author: { id: 'bot', name: 'Bot' } }, 'anything-at-all-1234');
  assert.equal(response.status, 401);
  assert.match((await response.json()).error.message, /ADMIN_API_KEY/);
});

test('GET /api/rooms/:room/messages pages like history', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  for (let i = 1; i <= 5; i++) await request(socket, 'send', { room: 'lobby', text: `m${i}`, clientMsgId: msgId() });
  const get = async (query: string) => (await fetch(`${relay.url}/api/rooms/lobby/messages${query}`)).json();
  const latest = await get('?limit=2');
  assert.deepEqual(latest.messages.map((m: any) => m.text), ['m4', 'm5']);
  assert.equal(latest.hasMore, true);
  const older = await get('?before=4&limit=10');
  assert.deepEqual(older.messages.map((m: any) => m.seq), [1, 2, 3]);
  assert.equal(older.hasMore, false);
  assert.equal((await get('?limit=0')).error.code, 'invalid_payload');
  assert.equal((await get('?limit=abc')).error.code, 'invalid_payload');
  assert.equal((await get('?sort=desc')).error.code, 'invalid_payload');
  const empty = await (await fetch(`${relay.url}/api/rooms/nobody-here/messages`)).json();
  assert.deepEqual(empty, { messages: [], hasMore: false });
  const badRoom = await fetch(`${relay.url}/api/rooms/${encodeURIComponent('<x>')}/messages`);
  assert.equal(badRoom.status, 400);
  assert.equal((await badRoom.json()).error.code, 'invalid_room');
});

test('GET needs the key when GUESTS=off', async (t) => {
  const relay = await startRelay(t, { guests: false, adminApiKey: key });
  assert.equal((await fetch(`${relay.url}/api/rooms/lobby/messages`)).status, 401);
  const ok = await fetch(`${relay.url}/api/rooms/lobby/messages`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(ok.status, 200);
});

test('GET /metrics: connections, rooms, messages, errors by code, send-ack latency', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice-in-metrics' });
  await request(socket, 'send', { room: 'lobby', text: 'secret text', clientMsgId: msgId() });
  await request(socket, 'send', { room: 'lobby', text: '  ', clientMsgId: msgId() });
  const response = await fetch(`${relay.url}/metrics`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type')!, /^text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /^live_chat_connections 1$/m);
  assert.match(text, /^live_chat_rooms 1$/m);
  assert.match(text, /^live_chat_messages_sent_total 1$/m);
  assert.match(text, /^live_chat_errors_total\{code="empty"\} 1$/m);
  assert.match(text, /^live_chat_send_ack_seconds_count 1$/m);
  assert.match(text, /^live_chat_process_resident_memory_bytes \d+/m);
  assert.doesNotMatch(text, /alice-in-metrics|secret text/, 'no names or texts in metrics');
});

test('GET /readyz answers 200 while storage answers', async (t) => {
  const relay = await startRelay(t);
  const response = await fetch(`${relay.url}/readyz`);
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), { status: 'ready', storage: 'ok' });
});
