import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addMessages, deleteMessage, latestRev, mergeSettings, updateMessages } from '../../../client/room-state.js';
import type { Message, RoomSettings } from '../../../protocol/index.js';
import { DEFAULT_SETTINGS } from '../../../server/chat/moderation.js';

/** The room-state rules the widget and the console share (client/room-state.ts). */

const alice = { id: 'guest:alice', name: 'alice', verified: false };
const message = (seq: number, text = `#${seq}`, rev = seq): Message => ({ id: `m${seq}`, room: 'lobby', seq, text, author: alice, ts: seq, rev });
const seqs = (messages: Message[]) => messages.map((m) => m.seq);
const settings = (patch: Partial<RoomSettings> = {}): RoomSettings => ({ ...DEFAULT_SETTINGS, ...patch });

test('messages are added by seq, in seq order, one copy each (the newest wins); `added` are those not held', () => {
  const held = [message(2), message(5)];
  const { messages, added } = addMessages(held, [message(7), message(1), message(5, 'again'), message(3)]);
  assert.deepEqual(seqs(messages), [1, 2, 3, 5, 7]);
  assert.equal(messages.find((m) => m.seq === 5)!.text, 'again');
  assert.deepEqual(seqs(added), [7, 1, 3]);
  assert.deepEqual(seqs(held), [2, 5], 'what is held is not changed');
  assert.deepEqual(addMessages([], []), { messages: [], added: [] });
});

test('an update replaces the held copy by seq, and adds nothing that is not held', () => {
  const held = [message(1), message(2), message(3)];
  const updated = updateMessages(held, [message(2, 'edited', 9), message(8, 'not held', 10)]);
  assert.deepEqual(seqs(updated), [1, 2, 3]);
  assert.equal(updated[1]!.text, 'edited');
  assert.equal(held[1]!.text, '#2', 'what is held is not changed');
  assert.deepEqual(updateMessages(held, []), held);
});

test('a deletion empties the held message and marks it; other seqs are untouched', () => {
  const held = [message(1), message(2)];
  const after = deleteMessage(held, 2);
  assert.deepEqual(after[1], { ...message(2), text: '', deleted: true });
  assert.equal(after[0], held[0]);
  assert.deepEqual(deleteMessage(held, 9), held);
  assert.equal(held[1]!.deleted, undefined);
});

test('a reply held quotes its parent as it is now: edited (cut as the relay cuts it), then deleted', () => {
  const reply = { ...message(3, 'answer'), replyTo: { seq: 1, author: alice, text: '#1' } };
  const held = [message(1), message(2), reply];
  const edited = updateMessages(held, [message(1, `edited ${'é'.repeat(200)}`, 9)]);
  assert.equal(edited[2]!.replyTo!.text, `edited ${'é'.repeat(133)}`, 'REPLY_PREVIEW_LENGTH code points');
  assert.equal(held[2]!.replyTo!.text, '#1', 'what is held is not changed');
  assert.equal(updateMessages(held, [message(2, 'other', 9)])[2], reply, 'another change leaves the reply as it was');
  assert.equal(deleteMessage(edited, 1)[2]!.replyTo!.text, '', 'a deleted parent is quoted ""');
  assert.equal(deleteMessage(held, 2)[2], reply);
});

test('the revision is the highest seen, a message without one (v1 relay) counting as 0', () => {
  assert.equal(latestRev(4, [message(1, '', 2), message(2, '', 7)]), 7);
  assert.equal(latestRev(9, [message(1, '', 2)]), 9);
  assert.equal(latestRev(0, [{ ...message(1), rev: undefined as never }]), 0);
});

test('new settings keep the blocked words held (a `room` event carries none); without any held, the incoming ones', () => {
  const held = settings({ topic: 'old', blockedWords: ['spam'] });
  assert.deepEqual(mergeSettings(held, settings({ topic: 'new', paused: true })), settings({ topic: 'new', paused: true, blockedWords: ['spam'] }));
  assert.deepEqual(mergeSettings(undefined, settings({ blockedWords: ['ham'] })).blockedWords, ['ham']);
  assert.deepEqual(mergeSettings(undefined, settings()).blockedWords, []);
});
