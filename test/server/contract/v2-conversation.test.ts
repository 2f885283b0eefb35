/**
 * PROTOCOL.md v2, as a client written only from that text checks it: the
 * shapes of Message and RoomSettings, replies, mentions, reactions, edits,
 * revisions and catching up on them, the ack of every client event, the
 * relay's events, and the configuration of edits and reactions.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collect, connect, joined, next, request, sleep } from '../helpers.js';
import { failed, modToken, relayWith, send, userToken } from './setup.js';

// ---------------------------------------------------------------- Shapes

test('shapes: every field of Message, replies, mentions, reactions in first-reacted order; RoomSettings defaults', async (t) => {
  const relay = await relayWith(t);
  const ann = await joined(t, relay.url, 'shape', { token: await userToken('ann', 'Ann') });
  const bob = await joined(t, relay.url, 'shape', { name: 'Bob', clientId: 'bob-client-1' });
  assert.deepEqual(ann.ack.settings, { topic: '', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: [] });
  const long = 'p'.repeat(300);
  const before = Date.now();
  const first = await send(ann.socket, 'shape', `  ${long}  `, { clientMsgId: 'client-msg-1' });
  assert.equal(first.ok, true);
  const m = first.message;
  assert.equal(typeof m.id, 'string');
  assert.equal(m.room, 'shape');
  assert.equal(m.seq, 1);
  assert.equal(m.text, long, 'trimmed, verbatim');
  assert.deepEqual(m.author, ann.ack.self);
  assert.ok(m.ts >= before && m.ts <= Date.now());
  assert.equal(m.clientMsgId, 'client-msg-1');
  assert.equal(m.rev, 1);
  for (const absent of ['deleted', 'editedAt', 'replyTo', 'mentions', 'reactions']) assert.equal(m[absent], undefined, absent);

  const reply = await send(bob.socket, 'shape', 'answer <b>', { replyTo: 1, mentions: [ann.ack.self.id, 'nobody-here'] });
  assert.equal(reply.message.text, 'answer <b>');
  assert.deepEqual(reply.message.replyTo, { seq: 1, author: ann.ack.self, text: long.slice(0, 140) });
  assert.ok(reply.message.replyTo.text.length <= 140);
  assert.deepEqual(reply.message.mentions, [ann.ack.self], 'unknown ids dropped');
  failed(await send(bob.socket, 'shape', 'x', { replyTo: 99 }), 'not_found');
  failed(await send(bob.socket, 'shape', 'x', { mentions: Array.from({ length: 11 }, (_, i) => `m${i}`) }), 'invalid_payload');
  const other = await joined(t, relay.url, 'elsewhere', { name: 'E' });
  await send(other.socket, 'elsewhere', 'there');
  failed(await send(bob.socket, 'shape', 'x', { replyTo: 3 }), 'not_found');

  // Reactions: in first-reacted order, count ≥ 1.
  const r1 = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '🎉', on: true });
  assert.deepEqual(r1.message.reactions, [{ emoji: '🎉', count: 1 }]);
  await request(ann.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true });
  const r3 = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true });
  assert.deepEqual(r3.message.reactions, [{ emoji: '🎉', count: 1 }, { emoji: '👍', count: 2 }]);
  const again = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true });
  assert.deepEqual(again.message.reactions, [{ emoji: '🎉', count: 1 }, { emoji: '👍', count: 2 }], 'once per emoji');
  const off = await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '🎉', on: false });
  assert.deepEqual(off.message.reactions, [{ emoji: '👍', count: 2 }], 'a count of 0 is not listed');
  failed(await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '🍕', on: true }), 'invalid_payload');

  // Edit sets editedAt; the reply shows the parent now; deleted: "" everywhere.
  const edited = await request(ann.socket, 'edit', { room: 'shape', seq: 1, text: 'short now' });
  assert.ok(edited.message.editedAt >= m.ts);
  assert.equal(edited.message.text, 'short now');
  let view = await request(bob.socket, 'join', { room: 'shape' });
  assert.equal(view.messages[1].replyTo.text, 'short now', 'the parent now');
  assert.equal((await request(ann.socket, 'delete', { room: 'shape', seq: 1 })).ok, true);
  view = await request(bob.socket, 'join', { room: 'shape' });
  assert.equal(view.messages[0].deleted, true);
  assert.equal(view.messages[0].text, '');
  assert.equal(view.messages[1].replyTo.text, '', '"" once deleted');
  failed(await request(bob.socket, 'react', { room: 'shape', seq: 1, emoji: '👍', on: true }), 'not_found');
  const history = await request(bob.socket, 'history', { room: 'shape', before: 3 });
  assert.equal(history.messages[1].replyTo.text, '');
});

// ---------------------------------------------------------------- Revisions

test('revisions: rev grows with every change; join sinceRev answers changed, rev, pinned and myReactions', async (t) => {
  const relay = await relayWith(t);
  const ann = await joined(t, relay.url, 'revs', { name: 'Ann', clientId: 'ann-client-1' });
  const mod = await joined(t, relay.url, 'revs', { token: await modToken() });
  assert.equal(ann.ack.rev, 0);
  const revs: number[] = [];
  for (let i = 1; i <= 4; i++) revs.push((await send(ann.socket, 'revs', `m${i}`)).message.rev);
  assert.deepEqual(revs, [1, 2, 3, 4]);
  const seen = await request(ann.socket, 'join', { room: 'revs' });
  assert.equal(seen.rev, 4);
  const held = seen.rev;
  revs.push((await request(ann.socket, 'edit', { room: 'revs', seq: 1, text: 'm1 edited' })).message.rev);
  revs.push((await request(ann.socket, 'react', { room: 'revs', seq: 2, emoji: '❤️', on: true })).message.rev);
  const updated = next(ann.socket, 'updated');
  assert.equal((await request(ann.socket, 'delete', { room: 'revs', seq: 3 })).ok, true);
  revs.push((await updated).rev);
  revs.push((await request(ann.socket, 'react', { room: 'revs', seq: 2, emoji: '❤️', on: false })).message.rev);
  revs.push((await request(ann.socket, 'react', { room: 'revs', seq: 2, emoji: '😂', on: true })).message.rev);
  assert.deepEqual(revs, [1, 2, 3, 4, 5, 6, 7, 8, 9], 'every change increments');
  assert.ok((await request(mod.socket, 'configure', { room: 'revs', settings: { pinnedSeq: 2 } })).ok);

  // A client that held seq 4 and rev 4 comes back.
  const back = await connect(t, relay.url, { name: 'Ann', clientId: 'ann-client-1' });
  const resync = await request(back, 'join', { room: 'revs', since: 4, sinceRev: held });
  assert.deepEqual(resync.messages, []);
  assert.equal(resync.rev, 9);
  assert.equal(resync.lastSeq, 4);
  assert.deepEqual(resync.changed.map((m: any) => [m.seq, m.rev]).sort((a: number[], b: number[]) => a[0]! - b[0]!), [[1, 5], [2, 9], [3, 7]]);
  assert.equal(resync.pinned.seq, 2);
  assert.deepEqual(resync.myReactions, [{ seq: 2, emoji: '😂' }]);
  // Without since: changed holds those below the first returned one.
  const paged = await request(back, 'join', { room: 'revs', limit: 2, sinceRev: 5 });
  assert.deepEqual(paged.messages.map((m: any) => m.seq), [3, 4]);
  assert.deepEqual(paged.changed.map((m: any) => m.seq), [2]);
  const none = await request(back, 'join', { room: 'revs', sinceRev: 9 });
  assert.deepEqual(none.changed, []);
  // myReactions on history too.
  const history = await request(back, 'history', { room: 'revs', before: 4, limit: 2 });
  assert.deepEqual(Object.keys(history).sort(), ['hasMore', 'messages', 'myReactions', 'ok']);
  assert.deepEqual(history.messages.map((m: any) => m.seq), [2, 3]);
  assert.equal(history.hasMore, true);
  assert.deepEqual(history.myReactions, [{ seq: 2, emoji: '😂' }]);
});

// ---------------------------------------------------------------- Client → relay acks

test('acks: join, leave, send, typing, delete, edit, react, configure, ban, unban, bans, report, as the table says', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'acks', { token: await modToken() });
  const keys = Object.keys(mod.ack).sort();
  assert.deepEqual(keys, ['count', 'lastSeq', 'members', 'messages', 'myReactions', 'ok', 'rev', 'room', 'self', 'settings'].sort());
  assert.equal(mod.ack.room, 'acks');
  assert.equal(mod.ack.count, 1);
  assert.deepEqual(mod.ack.members, [mod.ack.self]);
  const ann = await joined(t, relay.url, 'acks', { name: 'Ann', clientId: 'ann-client-1' });
  const presence = await next(mod.socket, 'presence');
  assert.deepEqual(Object.keys(presence).sort(), ['count', 'joined', 'left', 'room']);
  // Typing: others get it, never the typist.
  const typing = next(mod.socket, 'typing');
  const typistSees = collect(ann.socket, 'typing');
  assert.deepEqual(await request(ann.socket, 'typing', { room: 'acks', typing: true }), { ok: true });
  assert.deepEqual(await typing, { room: 'acks', member: ann.ack.self, typing: true });

  const sent = await send(ann.socket, 'acks', 'one', { clientMsgId: 'retry-me-1' });
  assert.deepEqual(Object.keys(sent).sort(), ['message', 'ok']);
  const retry = await send(ann.socket, 'acks', 'one', { clientMsgId: 'retry-me-1' });
  assert.deepEqual(retry.message, sent.message, 'a retried send returns the original');
  for (let i = 2; i <= 5; i++) await send(ann.socket, 'acks', `m${i}`);
  assert.deepEqual(typistSees, []);
  // join since / limit / truncated; joining again answers the same way.
  const since = await request(ann.socket, 'join', { room: 'acks', since: 2, limit: 2 });
  assert.deepEqual(since.messages.map((m: any) => m.seq), [3, 4]);
  assert.equal(since.truncated, true);
  const last = await request(ann.socket, 'join', { room: 'acks', limit: 2 });
  assert.deepEqual(last.messages.map((m: any) => m.seq), [4, 5]);
  assert.equal(last.lastSeq, 5);

  const edited = await request(ann.socket, 'edit', { room: 'acks', seq: 2, text: 'two' });
  assert.deepEqual(Object.keys(edited).sort(), ['message', 'ok']);
  const reacted = await request(mod.socket, 'react', { room: 'acks', seq: 2, emoji: '👍', on: true });
  assert.deepEqual(Object.keys(reacted).sort(), ['message', 'ok']);
  const configured = await request(mod.socket, 'configure', { room: 'acks', settings: { topic: 'T', blockedWords: ['zork'] } });
  assert.deepEqual(configured, { ok: true, settings: { topic: 'T', slowModeSeconds: 0, membersOnly: false, paused: false, pinnedSeq: null, blockedWords: ['zork'] } });
  const kept = await request(mod.socket, 'configure', { room: 'acks', settings: { slowModeSeconds: 0 } });
  assert.equal(kept.settings.topic, 'T', 'settings not named keep their value');
  failed(await request(mod.socket, 'configure', { room: 'acks', settings: { pinnedSeq: 99 } }), 'not_found');
  assert.deepEqual(await request(ann.socket, 'report', { room: 'acks', seq: 3, reason: 'meh' }), { ok: true });
  assert.deepEqual(await request(ann.socket, 'delete', { room: 'acks', seq: 5 }), { ok: true });
  failed(await request(ann.socket, 'delete', { room: 'acks', seq: 99 }), 'not_found');
  assert.deepEqual(await request(mod.socket, 'ban', { room: 'acks', memberId: ann.ack.self.id, minutes: 10, reason: 'because' }), { ok: true });
  const bans = await request(mod.socket, 'bans', { room: 'acks' });
  assert.deepEqual(Object.keys(bans).sort(), ['bans', 'ok']);
  assert.equal(bans.bans.length, 1);
  const ban = bans.bans[0];
  assert.deepEqual(Object.keys(ban).sort(), ['by', 'member', 'reason', 'ts', 'until']);
  assert.deepEqual(ban.member, ann.ack.self);
  assert.deepEqual(ban.by, mod.ack.self);
  assert.equal(ban.reason, 'because');
  assert.ok(Math.abs(ban.until - (ban.ts + 10 * 60_000)) < 1000);
  assert.deepEqual(await request(mod.socket, 'unban', { room: 'acks', memberId: ann.ack.self.id }), { ok: true });
  assert.deepEqual((await request(mod.socket, 'bans', { room: 'acks' })).bans, []);
  assert.ok((await request(ann.socket, 'join', { room: 'acks' })).ok, 'unbanned, back in');
  const presences = collect(ann.socket, 'presence');
  assert.deepEqual(await request(mod.socket, 'leave', { room: 'acks' }), { ok: true });
  const deadline = Date.now() + 3000;
  while (!presences.some((p) => p.left.length > 0) && Date.now() < deadline) await sleep(20);
  assert.deepEqual(presences.find((p) => p.left.length > 0), { room: 'acks', count: 1, joined: [], left: [mod.ack.self] });
  failed(await send(mod.socket, 'acks', 'gone'), 'not_joined');
});

// ---------------------------------------------------------------- relay → client

test('events: message to all (sender included), deleted and updated on delete, room with blockedWords [] and pinned', async (t) => {
  const relay = await relayWith(t);
  const mod = await joined(t, relay.url, 'ev', { token: await modToken() });
  const ann = await joined(t, relay.url, 'ev', { name: 'Ann', clientId: 'ann-client-1' });
  const own = next(ann.socket, 'message');
  const sent = await send(ann.socket, 'ev', 'hi');
  assert.deepEqual(await own, sent.message);
  const deleted = next(mod.socket, 'deleted');
  const updated = next(mod.socket, 'updated');
  await send(ann.socket, 'ev', 'pin me');
  assert.ok((await request(mod.socket, 'delete', { room: 'ev', seq: 1 })).ok);
  assert.deepEqual(await deleted, { room: 'ev', seq: 1 });
  const blank = await updated;
  assert.equal(blank.deleted, true);
  assert.equal(blank.text, '');
  const roomEvent = next(ann.socket, 'room');
  const modRoomEvent = next(mod.socket, 'room');
  assert.ok((await request(mod.socket, 'configure', { room: 'ev', settings: { pinnedSeq: 2, blockedWords: ['secret'] } })).ok);
  const event = await roomEvent;
  assert.deepEqual(Object.keys(event).sort(), ['pinned', 'room', 'settings']);
  assert.equal(event.room, 'ev');
  assert.deepEqual(event.settings.blockedWords, []);
  assert.equal(event.settings.pinnedSeq, 2);
  assert.equal(event.pinned.seq, 2);
  assert.deepEqual((await modRoomEvent).settings.blockedWords, [], 'always [] here');
  const unpinned = next(ann.socket, 'room');
  assert.ok((await request(mod.socket, 'configure', { room: 'ev', settings: { pinnedSeq: null } })).ok);
  assert.equal((await unpinned).pinned, undefined);
  // Errors of the list provoked here.
  failed(await request(ann.socket, 'join', { room: 'bad room!' }), 'invalid_room');
  failed(await request(ann.socket, 'join', { room: '-starts-wrong' }), 'invalid_room');
  await send(mod.socket, 'ev', 'by the moderator');
  failed(await request(ann.socket, 'delete', { room: 'ev', seq: 3 }), 'forbidden');
  failed(await request(ann.socket, 'configure', { room: 'ev', settings: { topic: 't'.repeat(201) } }), 'invalid_payload');
  failed(await request(mod.socket, 'configure', { room: 'ev', settings: { slowModeSeconds: 3601 } }), 'invalid_payload');
  failed(await request(mod.socket, 'configure', { room: 'ev', settings: { blockedWords: ['x'.repeat(65)] } }), 'invalid_payload');
  failed(await request(mod.socket, 'configure', { room: 'ev', settings: { blockedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) } }), 'invalid_payload');
});

// ---------------------------------------------------------------- Configuration

test('configuration: the edit window (passed, or 0) is forbidden; only the author edits; REACTIONS empty disables react', async (t) => {
  const relay = await relayWith(t, { editWindowMinutes: 0.001 });
  const ann = await joined(t, relay.url, 'cfg', { name: 'Ann', clientId: 'ann-client-1' });
  const bob = await joined(t, relay.url, 'cfg', { name: 'Bob', clientId: 'bob-client-1' });
  await send(ann.socket, 'cfg', 'mine');
  failed(await request(bob.socket, 'edit', { room: 'cfg', seq: 1, text: 'theirs' }), 'forbidden');
  await sleep(100);
  failed(await request(ann.socket, 'edit', { room: 'cfg', seq: 1, text: 'late' }), 'forbidden');

  const off = await relayWith(t, { editWindowMinutes: 0, reactions: [] });
  const c = await joined(t, off.url, 'cfg', { name: 'C', clientId: 'c-client-1' });
  await send(c.socket, 'cfg', 'mine');
  failed(await request(c.socket, 'edit', { room: 'cfg', seq: 1, text: 'no' }), 'forbidden');
  const reacted = await request(c.socket, 'react', { room: 'cfg', seq: 1, emoji: '👍', on: true });
  assert.equal(reacted.ok, false, 'react is disabled');

  const on = await relayWith(t);
  const d = await joined(t, on.url, 'cfg', { name: 'D', clientId: 'd-client-1' });
  await send(d.socket, 'cfg', 'mine');
  const edited = next(d.socket, 'updated');
  assert.ok((await request(d.socket, 'edit', { room: 'cfg', seq: 1, text: '  edited  ' })).ok);
  assert.equal((await edited).text, 'edited');
  failed(await request(d.socket, 'edit', { room: 'cfg', seq: 1, text: '  ' }), 'empty');
  assert.ok((await request(d.socket, 'delete', { room: 'cfg', seq: 1 })).ok);
  assert.equal((await request(d.socket, 'edit', { room: 'cfg', seq: 1, text: 'after delete' })).ok, false, 'not on a deleted message');
});
