import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import type { Message } from '../../../protocol/index.js';
import { assertClean, Checker, type Participant } from '../checker.js';
import type { Client } from '../helpers.js';

/**
 * The checker itself, fed made-up histories (no relay): each kind of fault
 * must show up in its report, so that a clean report in the fault tests
 * means something.
 */

const author = { id: 'guest:a', name: 'a', verified: false };
const message = (seq: number, clientMsgId: string, id = `id-${seq}`): Message => ({
  id,
  room: 'r',
  seq,
  text: `t-${clientMsgId}`,
  author,
  ts: 0,
  clientMsgId,
  rev: seq,
});

/** A fake socket: only the events the checker listens to, emitted by hand. */
function fakeParticipant(checker: Checker, name: string): { participant: Participant; socket: EventEmitter } {
  const socket = new EventEmitter();
  return { participant: checker.adopt(name, socket as unknown as Client), socket };
}

/** Records sends of c1..cn, each acknowledged as seq i in turn. */
function sentAndAcked(checker: Checker, n: number): Message[] {
  const messages: Message[] = [];
  for (let i = 1; i <= n; i++) {
    const m = message(i, `c${i}`);
    const record = checker.recordEmit('a', m.clientMsgId!, m.text);
    checker.recordOutcome(record, { ok: true, message: m });
    messages.push(m);
  }
  return messages;
}

test('a clean history gives an empty report', () => {
  const checker = new Checker('r');
  const stored = sentAndAcked(checker, 3);
  const { socket } = fakeParticipant(checker, 'b');
  for (const m of stored) socket.emit('message', m);
  assert.deepEqual(checker.report(stored), { lost: [], duplicated: [], reordered: [], unexpected: [] });
  assertClean(checker.report(stored));
});

test('a message delivered live twice is a duplicate', () => {
  const checker = new Checker('r');
  const stored = sentAndAcked(checker, 2);
  const { socket } = fakeParticipant(checker, 'b');
  for (const m of [stored[0]!, stored[1]!, stored[1]!]) socket.emit('message', m);
  const report = checker.report(stored);
  assert.deepEqual(report.duplicated, [{ what: 'delivered live twice', participant: 'b', seq: 2 }]);
  assert.throws(() => assertClean(report), /1 duplicated/);
});

test('one clientMsgId stored twice, or acknowledged as two messages, is a duplicate', () => {
  const checker = new Checker('r');
  const stored = sentAndAcked(checker, 1);
  const again = message(2, 'c1', 'id-2');
  checker.recordOutcome(checker.sends.get('c1')!, { ok: true, message: again });
  const report = checker.report([...stored, again]);
  assert.equal(report.duplicated.length, 2, JSON.stringify(report));
});

test('an acknowledged message missing from the store, or from a member who stayed, is lost', () => {
  const checker = new Checker('r');
  const stored = sentAndAcked(checker, 3);
  const { socket } = fakeParticipant(checker, 'b');
  socket.emit('message', stored[0]);
  socket.emit('message', stored[1]);
  const report = checker.report(stored.slice(0, 2).concat(stored[2]!));
  assert.deepEqual(report.lost.map((f) => [f.participant, f.seq]), [['b', 3]]);
  const withoutThird = checker.report(stored.slice(0, 2));
  assert.deepEqual(withoutThird.lost.map((f) => f.what), ['acknowledged but not stored']);
  // A participant that left need not hold everything.
  checker.participants[0]!.stays = false;
  assert.deepEqual(checker.report(stored).lost, []);
});

test('seq going backwards on one connection, or against the order of acks, is reordered', () => {
  const checker = new Checker('r');
  const stored = sentAndAcked(checker, 2);
  const { socket } = fakeParticipant(checker, 'b');
  socket.emit('message', stored[1]);
  socket.emit('message', stored[0]);
  assert.equal(checker.report(stored).reordered.length, 1);

  // c2 emitted after c1 was acked, yet numbered before it.
  const causal = new Checker('r');
  const first = causal.recordEmit('a', 'c1', 't-c1');
  causal.recordOutcome(first, { ok: true, message: message(2, 'c1') });
  const second = causal.recordEmit('a', 'c2', 't-c2');
  causal.recordOutcome(second, { ok: true, message: message(1, 'c2') });
  assert.equal(causal.report([message(1, 'c2'), message(2, 'c1')]).reordered.length, 1);
});

test('a message received but not stored, or stored but sent by nobody, is unexpected', () => {
  const checker = new Checker('r');
  const stored = sentAndAcked(checker, 1);
  const { socket } = fakeParticipant(checker, 'b');
  socket.emit('message', stored[0]);
  socket.emit('message', message(7, 'c7'));
  const stranger = message(2, 'nobody');
  const report = checker.report([...stored, stranger]);
  assert.deepEqual(report.unexpected.map((f) => f.what).sort(), ['received but not stored', 'stored but sent by no participant']);
});

test('a message stored although the relay refused it is unexpected; one whose ack never came is not', () => {
  const checker = new Checker('r');
  const m = message(1, 'c1');
  checker.recordOutcome(checker.recordEmit('a', 'c1', m.text), { ok: false, code: 'unavailable' });
  assert.equal(checker.report([m]).unexpected.length, 1);
  const quiet = new Checker('r');
  quiet.recordOutcome(quiet.recordEmit('a', 'c1', m.text), { ok: false, code: 'no_ack', reason: 'timeout' });
  assertClean(quiet.report([m]));
});
