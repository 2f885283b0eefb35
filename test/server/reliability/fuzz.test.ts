import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { joined, msgId, request, startRelay } from '../helpers.js';

const EVENTS = ['join', 'leave', 'send', 'history', 'typing', 'delete', 'ban', 'configure', 'unban', 'bans', 'report'] as const;
const CODES = new Set(['invalid_payload', 'invalid_room', 'not_joined', 'empty', 'too_long', 'forbidden', 'not_found', 'banned']);

/** Values of every JSON-ish shape: wrong types, huge strings, deep nesting, unknown fields. */
const junk = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.constantFrom('', ' ', 'lobby', '<img src=x onerror=alert(1)>', 'x'.repeat(5000), '__proto__', 'constructor'),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 12 }), tie('value'), { maxKeys: 5 }),
    tie('payload'),
  ),
  // Payloads close to valid ones, with fields swapped, missing or extra.
  payload: fc.record(
    {
      room: fc.oneof(fc.constantFrom('lobby', 'other', '', '-x', 'a'.repeat(65)), tie('value')),
      text: fc.oneof(fc.string({ maxLength: 3000 }), tie('value')),
      clientMsgId: fc.oneof(fc.constant(msgId()), fc.string(), tie('value')),
      since: fc.oneof(fc.integer({ min: -5, max: 1e6 }), tie('value')),
      before: fc.oneof(fc.integer({ min: -5, max: 1e6 }), tie('value')),
      limit: fc.oneof(fc.integer({ min: -5, max: 1e6 }), tie('value')),
      typing: fc.oneof(fc.boolean(), tie('value')),
      seq: fc.oneof(fc.integer({ min: -5, max: 100 }), tie('value')),
      memberId: tie('value'),
      minutes: tie('value'),
      reason: tie('value'),
      settings: fc.oneof(
        fc.record({ topic: tie('value'), paused: tie('value'), slowModeSeconds: tie('value'), blockedWords: tie('value'), pinnedSeq: tie('value') }, { requiredKeys: [] }),
        tie('value'),
      ),
      extra: tie('value'),
    },
    { requiredKeys: [] },
  ),
}));

test('random events and payloads get a clear ack, the relay stays up, and a control client keeps chatting', async (t) => {
  const relay = await startRelay(t, { maxMessageLength: 2000 });
  const control = await joined(t, relay.url, 'lobby', { name: 'control' });
  const peer = await joined(t, relay.url, 'lobby', { name: 'peer' });
  const fuzzer = await joined(t, relay.url, 'lobby', { name: 'fuzzer' });
  const seenByPeer: string[] = [];
  peer.socket.on('message', (m) => seenByPeer.push(m.text));
  let controlSent = 0;

  await fc.assert(
    fc.asyncProperty(fc.constantFrom(...EVENTS), fc.array(junk.value, { minLength: 0, maxLength: 3 }), async (event, args) => {
      const ack = await request(fuzzer.socket, event, ...args);
      assert.equal(typeof ack, 'object');
      if (ack.ok !== true) {
        assert.equal(ack.ok, false);
        assert.ok(CODES.has(ack.error.code), `unexpected code ${ack.error.code} for ${event} ${JSON.stringify(args).slice(0, 200)}`);
        assert.equal(typeof ack.error.message, 'string');
      }
      if (fuzzer.socket.connected === false) throw new Error('the fuzzer was disconnected');
      const sent = await request(control.socket, 'send', { room: 'lobby', text: `control ${++controlSent}`, clientMsgId: msgId() });
      assert.equal(sent.ok, true);
    }),
    { numRuns: 300, includeErrorInReport: true },
  );
  assert.equal((await fetch(`${relay.url}/healthz`)).status, 200);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const control_ = seenByPeer.filter((text) => text.startsWith('control '));
  assert.deepEqual(control_, Array.from({ length: controlSent }, (_, i) => `control ${i + 1}`), 'every control message reached the peer, in order');
});
