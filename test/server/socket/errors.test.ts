import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect, connect, joined, msgId, next, request, sleep, startRelay } from '../helpers.js';

/** Each error code of the contract that this relay emits, provoked the way a client would. */

test('invalid_payload: wrong shapes, types, unknown fields and bad ids', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bad: [string, unknown[]][] = [
    ['join', ['lobby']],
    ['join', [null]],
    ['join', [42]],
    ['join', [['lobby']]],
    ['join', [{}]],
    ['join', [{ room: 7 }]],
    ['join', [{ room: 'lobby', since: -1 }]],
    ['join', [{ room: 'lobby', since: 1.5 }]],
    ['join', [{ room: 'lobby', since: '3' }]],
    ['join', [{ room: 'lobby', limit: 0 }]],
    ['join', [{ room: 'lobby', admin: true }]],
    ['join', [{ room: 'lobby' }, { room: 'other' }]],
    ['join', []],
    ['leave', [{ room: 'lobby', extra: 1 }]],
    ['send', [{ room: 'lobby', text: 'hi' }]],
    ['send', [{ room: 'lobby', text: 42, clientMsgId: msgId() }]],
    ['send', [{ room: 'lobby', text: { toString: 'x' }, clientMsgId: msgId() }]],
    ['send', [{ room: 'lobby', text: 'hi', clientMsgId: 'short' }]],
    ['send', [{ room: 'lobby', text: 'hi', clientMsgId: 'has spaces in it' }]],
    ['send', [{ room: 'lobby', text: 'hi', clientMsgId: 'x'.repeat(65) }]],
    ['send', [{ room: 'lobby', text: 'hi', clientMsgId: msgId(), __proto__: { polluted: true }, author: { id: 'x' } }]],
  ];
  for (const [event, args] of bad) {
    const ack = await request(socket, event, ...args);
    assert.equal(ack.ok, false, `${event} ${JSON.stringify(args)}`);
    assert.equal(ack.error.code, 'invalid_payload', `${event} ${JSON.stringify(args)}: ${JSON.stringify(ack)}`);
    assert.equal(typeof ack.error.message, 'string');
    assert.doesNotMatch(ack.error.message, /\bat .*\.(ts|js):\d+/, 'never a stack');
  }
  // Nothing was stored, and the connection still works.
  const ok = await request(socket, 'send', { room: 'lobby', text: 'still here', clientMsgId: msgId() });
  assert.equal(ok.message.seq, 1);
});

test('invalid_room: names outside ^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$', async (t) => {
  const relay = await startRelay(t);
  const socket = await connect(t, relay.url, { name: 'alice' });
  for (const room of ['', '-lobby', '.x', 'a b', 'a/b', '<script>', 'é', 'x'.repeat(65), 'x'.repeat(10_000)]) {
    for (const [event, payload] of [
      ['join', { room }],
      ['leave', { room }],
      ['send', { room, text: 'hi', clientMsgId: msgId() }],
    ] as const) {
      const ack = await request(socket, event, payload);
      assert.equal(ack.error?.code, 'invalid_room', `${event} ${room.slice(0, 20)}`);
    }
  }
  for (const room of ['a', 'Lobby-2', 'site:page_1.comments', 'x'.repeat(64)]) {
    assert.equal((await request(socket, 'join', { room })).ok, true, room);
  }
});

test('not_joined: sending to a room one has not joined', async (t) => {
  const relay = await startRelay(t);
  const socket = await connect(t, relay.url, { name: 'alice' });
  const ack = await request(socket, 'send', { room: 'lobby', text: 'hi', clientMsgId: msgId() });
  assert.equal(ack.error.code, 'not_joined');
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  assert.equal(bob.ack.lastSeq, 0, 'nothing was stored');
});

test('empty: text that is blank after trim', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  for (const text of ['', '   ', '\n\t  \n']) {
    const ack = await request(socket, 'send', { room: 'lobby', text, clientMsgId: msgId() });
    assert.equal(ack.error.code, 'empty', JSON.stringify(text));
  }
});

test('too_long: more than MAX_MESSAGE_LENGTH characters, counted as a person counts them', async (t) => {
  const relay = await startRelay(t, { maxMessageLength: 10 });
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const send = (text: string) => request(socket, 'send', { room: 'lobby', text, clientMsgId: msgId() });
  assert.equal((await send('x'.repeat(11))).error.code, 'too_long');
  assert.match((await send('x'.repeat(11))).error.message, /10 characters/);
  assert.equal((await send('x'.repeat(10))).ok, true);
  assert.equal((await send('😀'.repeat(10))).ok, true, 'ten emoji are ten characters');
  assert.equal((await send(`  ${'x'.repeat(10)}  `)).ok, true, 'length is measured after trim');
});

test('the default MAX_MESSAGE_LENGTH is 2000', async (t) => {
  const relay = await startRelay(t);
  const { socket } = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const send = (text: string) => request(socket, 'send', { room: 'lobby', text, clientMsgId: msgId() });
  assert.equal((await send('x'.repeat(2000))).ok, true);
  assert.equal((await send('x'.repeat(2001))).error.code, 'too_long');
});

test('handshake: invalid_name for names breaking the rules, connect_error carries the code', async (t) => {
  const relay = await startRelay(t);
  for (const name of ['x'.repeat(33), '   ', 'bell\u0007', 'new\nline', 'evil\u202Eeman', 42, { a: 1 }] as unknown[]) {
    await assert.rejects(connect(t, relay.url, { name } as any), { message: 'invalid_name' }, JSON.stringify(name));
  }
  const ok = await connect(t, relay.url, { name: '  Zoë 🎉  ' });
  const ack = await request(ok, 'join', { room: 'lobby' });
  assert.equal(ack.self.name, 'Zoë 🎉', 'trimmed');
  const nfc = await connect(t, relay.url, { name: 'Zoe\u0308' });
  assert.equal((await request(nfc, 'join', { room: 'lobby' })).self.name, 'Zo\u00eb', 'NFC normalized');
  const anonymous = await connect(t, relay.url, {});
  assert.match((await request(anonymous, 'join', { room: 'lobby' })).self.name, /^guest-[0-9a-f]{4}$/);
});

test('handshake: unauthorized for a token when no JWT_SECRET is configured', async (t) => {
  const relay = await startRelay(t);
  await assert.rejects(connect(t, relay.url, { token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }), {
    message: 'unauthorized',
  });
});

test('a guest can never take another id, whatever it sends', async (t) => {
  const relay = await startRelay(t);
  const socket = await connect(t, relay.url, { name: 'mallory', clientId: 'admin', id: 'u1', verified: true } as any);
  const ack = await request(socket, 'join', { room: 'lobby' });
  assert.match(ack.self.id, /^guest:/);
  assert.equal(ack.self.verified, false);
  assert.equal(ack.self.role, undefined);
});

test('no ack callback, unknown events and garbage never crash the relay or disturb others', async (t) => {
  const relay = await startRelay(t);
  const control = await joined(t, relay.url, 'lobby', { name: 'control' });
  const peer = await joined(t, relay.url, 'lobby', { name: 'peer' });
  const attacker = await joined(t, relay.url, 'lobby', { name: 'attacker' });
  const received = collect(peer.socket, 'message');

  const a = attacker.socket as any;
  a.emit('send', { room: 'lobby', text: 'no ack wanted', clientMsgId: msgId() });
  a.emit('send');
  a.emit('join');
  a.emit('join', 'x', 'y', 'z');
  a.emit('nonsense', { a: 1 }, () => {});
  a.emit('message', { room: 'lobby', text: 'spoofed server event' });
  a.emit('send', JSON.parse('{"room":"lobby","text":"hi","clientMsgId":"abcdefgh","__proto__":{"x":1}}'), () => {});
  let deep: unknown = 'bottom';
  for (let i = 0; i < 1000; i++) deep = { deep };
  a.emit('send', deep, () => {});

  const ack = await request(control.socket, 'send', { room: 'lobby', text: 'control still chats', clientMsgId: msgId() });
  assert.equal(ack.ok, true);
  await sleep(150);
  assert.deepEqual(
    received.map((m) => m.text),
    ['no ack wanted', 'control still chats'],
    'the valid ack-less send went through; nothing else was broadcast',
  );
});

test('a packet over the 64 KB limit closes only that connection', async (t) => {
  const relay = await startRelay(t);
  const control = await joined(t, relay.url, 'lobby', { name: 'control' });
  const attacker = await joined(t, relay.url, 'lobby', { name: 'attacker' });
  const gone = next(attacker.socket, 'disconnect');
  attacker.socket.emit('send', { room: 'lobby', text: 'x'.repeat(100_000), clientMsgId: msgId() }, () => {});
  assert.equal(await gone, 'transport close');
  const ack = await request(control.socket, 'send', { room: 'lobby', text: 'fine', clientMsgId: msgId() });
  assert.equal(ack.message.seq, 1, 'the oversized message was never stored');
});
