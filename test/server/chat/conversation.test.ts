import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Member } from '../../../protocol/index.js';
import { collect, connect, joined, msgId, next, request, sleep, startRelay } from '../helpers.js';

/**
 * Conversation v2 over Socket.IO and HTTP: revisions and catching up on
 * them, edit, react, replies and mentions, with every refusal they have.
 */

const key = 'admin-key-for-tests-0123456789';
const send = (socket: any, room: string, text: string, extra: object = {}) =>
  request(socket, 'send', { room, text, clientMsgId: msgId(), ...extra });

test('an edit, a deletion and a reaction missed while offline come back in changed on rejoin with since and sinceRev', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob', clientId: 'bob-browser' });
  for (const text of ['one', 'two', 'three']) await send(alice.socket, 'lobby', text);
  const seen = await request(bob.socket, 'join', { room: 'lobby' });
  assert.deepEqual([seen.lastSeq, seen.rev], [3, 3]);
  assert.deepEqual(seen.myReactions, []);
  assert.equal(seen.changed, undefined, 'no sinceRev, no changed');
  bob.socket.disconnect();

  assert.equal((await request(alice.socket, 'delete', { room: 'lobby', seq: 1 })).ok, true);
  assert.equal((await request(alice.socket, 'edit', { room: 'lobby', seq: 2, text: 'two, edited' })).ok, true);
  assert.equal((await request(alice.socket, 'react', { room: 'lobby', seq: 3, emoji: '👍', on: true })).ok, true);
  await send(alice.socket, 'lobby', 'four');

  const back = await connect(t, relay.url, { name: 'bob', clientId: 'bob-browser' });
  const ack = await request(back, 'join', { room: 'lobby', since: 3, sinceRev: 3 });
  assert.deepEqual(ack.messages.map((m: any) => m.text), ['four']);
  assert.deepEqual([ack.lastSeq, ack.rev], [4, 7]);
  assert.deepEqual(
    ack.changed.map((m: any) => [m.seq, m.text, m.rev, m.deleted ?? false]),
    [
      [1, '', 4, true],
      [2, 'two, edited', 5, false],
      [3, 'three', 6, false],
    ],
    'the deletion is no longer missed, nor the edit or the reaction',
  );
  assert.deepEqual(ack.changed[2].reactions, [{ emoji: '👍', count: 1 }]);
  assert.equal(typeof ack.changed[1].editedAt, 'number');

  // Without since: everything below the first message returned.
  const paged = await request(back, 'join', { room: 'lobby', limit: 2, sinceRev: 4 });
  assert.deepEqual(paged.messages.map((m: any) => m.seq), [3, 4]);
  assert.deepEqual(paged.changed.map((m: any) => m.seq), [2]);
  // Nothing changed since the current rev.
  assert.deepEqual((await request(back, 'join', { room: 'lobby', since: 4, sinceRev: 7 })).changed, []);
  assert.equal((await request(back, 'join', { room: 'lobby', sinceRev: -1 })).error.code, 'invalid_payload');
});

test('edit: the author, within the window, gets updated to everyone; every refusal', async (t) => {
  const relay = await startRelay(t, { maxMessageLength: 10 });
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const sent = await send(alice.socket, 'lobby', 'tpyo');
  await send(bob.socket, 'lobby', 'bob here');

  const toBob = next(bob.socket, 'updated');
  const ack = await request(alice.socket, 'edit', { room: 'lobby', seq: 1, text: '  typo  ' });
  assert.equal(ack.ok, true);
  assert.equal(ack.message.text, 'typo', 'trimmed as on send');
  assert.equal(ack.message.rev, 3);
  assert.ok(Math.abs(ack.message.editedAt - Date.now()) < 5000);
  assert.deepEqual(ack.message, { ...sent.message, text: 'typo', rev: 3, editedAt: ack.message.editedAt });
  assert.deepEqual(await toBob, ack.message);

  const edit = (socket: any, payload: object) => request(socket, 'edit', { room: 'lobby', ...payload });
  assert.equal((await edit(bob.socket, { seq: 1, text: 'mine now' })).error.code, 'forbidden', "another member's message");
  assert.equal((await edit(alice.socket, { seq: 2, text: 'mine now' })).error.code, 'forbidden');
  assert.equal((await edit(alice.socket, { seq: 99, text: 'x' })).error.code, 'not_found');
  assert.equal((await edit(alice.socket, { seq: 1, text: '   ' })).error.code, 'empty');
  assert.equal((await edit(alice.socket, { seq: 1, text: 'far too long now' })).error.code, 'too_long');
  assert.equal((await edit(alice.socket, { seq: 1 })).error.code, 'invalid_payload');
  assert.equal((await edit(alice.socket, { seq: 1, text: 'x', extra: 1 })).error.code, 'invalid_payload');
  assert.equal((await request(alice.socket, 'edit', { room: 'elsewhere', seq: 1, text: 'x' })).error.code, 'not_joined');
  await request(alice.socket, 'delete', { room: 'lobby', seq: 1 });
  assert.equal((await edit(alice.socket, { seq: 1, text: 'back' })).error.code, 'not_found', 'a deleted message');

  // Sent longer ago than EDIT_WINDOW_MINUTES (15 by default).
  const { message: old } = await relay.app.store.append({
    room: 'lobby',
    text: 'old',
    author: alice.ack.self as Member,
    clientMsgId: msgId(),
    ts: Date.now() - 16 * 60_000,
  });
  assert.equal((await edit(alice.socket, { seq: old.seq, text: 'new' })).error.code, 'forbidden', 'the window has passed');
});

test('EDIT_WINDOW_MINUTES=0 disables edit (forbidden)', async (t) => {
  const relay = await startRelay(t, { editWindowMinutes: 0 });
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  await send(alice.socket, 'lobby', 'hello');
  assert.equal((await request(alice.socket, 'edit', { room: 'lobby', seq: 1, text: 'hi' })).error.code, 'forbidden');
});

test('react: once per member and emoji, counted in first-reacted order, updated to everyone; every refusal', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice', clientId: 'alice-browser' });
  const aliceTab = await joined(t, relay.url, 'lobby', { name: 'alice', clientId: 'alice-browser' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  await send(alice.socket, 'lobby', 'react to me');
  await send(alice.socket, 'lobby', 'and me');
  const react = (socket: any, payload: object) => request(socket, 'react', { room: 'lobby', seq: 1, ...payload });
  const updates = collect(bob.socket, 'updated');

  assert.deepEqual((await react(bob.socket, { emoji: '❤️', on: true })).message.reactions, [{ emoji: '❤️', count: 1 }]);
  await react(alice.socket, { emoji: '👍', on: true });
  const twice = await react(aliceTab.socket, { emoji: '👍', on: true });
  assert.deepEqual(twice.message.reactions, [{ emoji: '❤️', count: 1 }, { emoji: '👍', count: 1 }], 'one member, two tabs: once');
  await react(bob.socket, { emoji: '👍', on: true });
  await react(bob.socket, { seq: 2, emoji: '🎉', on: true });
  await sleep(100);
  assert.deepEqual(
    updates.map((m) => [m.seq, m.rev, m.reactions]),
    [
      [1, 3, [{ emoji: '❤️', count: 1 }]],
      [1, 4, [{ emoji: '❤️', count: 1 }, { emoji: '👍', count: 1 }]],
      [1, 5, [{ emoji: '❤️', count: 1 }, { emoji: '👍', count: 2 }]],
      [2, 6, [{ emoji: '🎉', count: 1 }]],
    ],
    'no update for a reaction that was already there',
  );
  const off = await react(alice.socket, { emoji: '👍', on: false });
  assert.deepEqual([off.message.rev, off.message.reactions], [7, [{ emoji: '❤️', count: 1 }, { emoji: '👍', count: 1 }]]);

  // Each member's own reactions, in the join ack and in history.
  const rejoin = await request(bob.socket, 'join', { room: 'lobby' });
  assert.deepEqual(rejoin.myReactions, [
    { seq: 1, emoji: '❤️' },
    { seq: 1, emoji: '👍' },
    { seq: 2, emoji: '🎉' },
  ]);
  assert.deepEqual((await request(alice.socket, 'join', { room: 'lobby' })).myReactions, []);
  const history = await request(bob.socket, 'history', { room: 'lobby', before: 2 });
  assert.deepEqual([history.messages.length, history.myReactions], [1, [{ seq: 1, emoji: '❤️' }, { seq: 1, emoji: '👍' }]]);

  assert.equal((await react(bob.socket, { emoji: '🍕', on: true })).error.code, 'invalid_payload', 'not one of REACTIONS');
  assert.equal((await react(bob.socket, { emoji: '👍' })).error.code, 'invalid_payload');
  assert.equal((await react(bob.socket, { seq: 99, emoji: '👍', on: true })).error.code, 'not_found');
  assert.equal((await request(bob.socket, 'react', { room: 'elsewhere', seq: 1, emoji: '👍', on: true })).error.code, 'not_joined');
  await request(alice.socket, 'delete', { room: 'lobby', seq: 1 });
  assert.equal((await react(bob.socket, { emoji: '😂', on: true })).error.code, 'not_found', 'a deleted message');
  assert.equal((await request(bob.socket, 'join', { room: 'lobby' })).messages[0].reactions, undefined, 'deleted: no reactions');
});

test('REACTIONS sets the emoji; empty refuses every reaction (invalid_payload)', async (t) => {
  const custom = await startRelay(t, { reactions: ['🍕'] });
  const alice = await joined(t, custom.url, 'lobby', { name: 'alice' });
  await send(alice.socket, 'lobby', 'pizza?');
  assert.equal((await request(alice.socket, 'react', { room: 'lobby', seq: 1, emoji: '🍕', on: true })).ok, true);
  assert.equal((await request(alice.socket, 'react', { room: 'lobby', seq: 1, emoji: '👍', on: true })).error.code, 'invalid_payload');

  const none = await startRelay(t, { reactions: [] });
  const bob = await joined(t, none.url, 'lobby', { name: 'bob' });
  await send(bob.socket, 'lobby', 'hi');
  assert.equal((await request(bob.socket, 'react', { room: 'lobby', seq: 1, emoji: '👍', on: true })).error.code, 'invalid_payload');
});

test('replies show their parent as it is now; replyTo must name a message of the room', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  await request(bob.socket, 'join', { room: 'other' });
  await send(alice.socket, 'lobby', `question ${'?'.repeat(200)}`);
  await send(bob.socket, 'other', 'elsewhere');

  const reply = await send(bob.socket, 'lobby', 'answer', { replyTo: 1 });
  assert.deepEqual(reply.message.replyTo, { seq: 1, author: alice.ack.self, text: `question ${'?'.repeat(131)}` });
  await request(alice.socket, 'edit', { room: 'lobby', seq: 1, text: 'short question' });
  assert.deepEqual((await request(bob.socket, 'join', { room: 'lobby' })).messages[1].replyTo.text, 'short question');
  await request(alice.socket, 'delete', { room: 'lobby', seq: 1 });
  assert.deepEqual((await request(bob.socket, 'history', { room: 'lobby', before: 3 })).messages[1].replyTo.text, '');

  assert.equal((await send(bob.socket, 'lobby', 'to nothing', { replyTo: 9 })).error.code, 'not_found');
  assert.equal((await send(bob.socket, 'other', 'to nothing', { replyTo: 2 })).error.code, 'not_found', 'another room has no seq 2');
  assert.equal((await send(bob.socket, 'lobby', 'bad', { replyTo: 0 })).error.code, 'invalid_payload');
  assert.equal((await send(bob.socket, 'lobby', 'bad', { replyTo: '1' })).error.code, 'invalid_payload');
});

test('mentions: members online or who wrote in the room, unknown ids dropped, at most 10', async (t) => {
  const relay = await startRelay(t);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const carol = await joined(t, relay.url, 'lobby', { name: 'carol' });
  const elsewhere = await joined(t, relay.url, 'elsewhere', { name: 'dave' });
  await send(carol.socket, 'lobby', 'carol was here');
  carol.socket.disconnect();
  await sleep(100);

  const ids = [bob.ack.self.id, 'guest:nobody', carol.ack.self.id, elsewhere.ack.self.id, bob.ack.self.id];
  const ack = await send(alice.socket, 'lobby', 'hi @bob @carol', { mentions: ids });
  assert.deepEqual(ack.message.mentions, [bob.ack.self, carol.ack.self], 'in order, once each; strangers to the room dropped');
  assert.equal((await send(alice.socket, 'lobby', 'no one', { mentions: ['guest:nobody'] })).message.mentions, undefined);
  const eleven = Array.from({ length: 11 }, (_, i) => `guest:m${i}`);
  assert.equal((await send(alice.socket, 'lobby', 'everyone', { mentions: eleven })).error.code, 'invalid_payload');
  assert.equal((await send(alice.socket, 'lobby', 'bad', { mentions: 'bob' })).error.code, 'invalid_payload');
});

test('POST /api/rooms/:room/messages takes replyTo, and answers the new fields', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  await send(alice.socket, 'lobby', 'ping');
  const post = (body: object) =>
    fetch(`${relay.url}/api/rooms/lobby/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ text: 'pong', author: { id: 'bot', name: 'Bot' }, ...body }),
    });
  const live = next(alice.socket, 'message');
  const created = await post({ replyTo: 1 });
  assert.equal(created.status, 201);
  const message = await created.json();
  assert.deepEqual(message.replyTo, { seq: 1, author: alice.ack.self, text: 'ping' });
  assert.equal(message.rev, 2);
  assert.deepEqual(message, await live);

  await request(alice.socket, 'react', { room: 'lobby', seq: 2, emoji: '🎉', on: true });
  const page = await (await fetch(`${relay.url}/api/rooms/lobby/messages`)).json();
  assert.deepEqual(page.messages[1].reactions, [{ emoji: '🎉', count: 1 }], 'the HTTP page keeps reactions');

  const missing = await post({ replyTo: 42 });
  assert.equal(missing.status, 404);
  assert.equal((await missing.json()).error.code, 'not_found');
  assert.equal((await post({ replyTo: 'one' })).status, 400);
});
