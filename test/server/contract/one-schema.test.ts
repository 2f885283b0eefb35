import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignJWT } from 'jose';
import { joined, request, startRelay } from '../helpers.js';

/**
 * The socket's validation and the HTTP routes' JSON Schema come from one zod
 * schema per shape (protocol/): a payload the socket refuses as
 * `invalid_payload`, the HTTP route refuses too, and the other way round.
 * The edges are where two hand-written copies used to drift: characters
 * counted as code points, a blocked word's length once trimmed.
 */

const key = 'admin-key-for-tests-0123456789';
const secret = 'test-secret-that-is-at-least-32-chars!';
const modToken = () =>
  new SignJWT({ sub: 'u-mod', name: 'Mia', role: 'moderator' })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));

async function http(url: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const answer = response.status === 204 ? undefined : await response.json();
  return response.ok ? 'accepted' : answer.error.code === 'invalid_payload' ? 'invalid_payload' : `refused: ${answer.error.code}`;
}

const socketVerdict = (ack: { ok: boolean; error?: { code: string } }) =>
  ack.ok ? 'accepted' : ack.error!.code === 'invalid_payload' ? 'invalid_payload' : `refused: ${ack.error!.code}`;

const emoji = '😀';

test('configure and PATCH …/settings accept and refuse the same settings', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret, adminApiKey: key });
  const { socket } = await joined(t, relay.url, 'lobby', { token: await modToken() });
  const cases: [unknown, 'accepted' | 'invalid_payload'][] = [
    [{ topic: 'Welcome' }, 'accepted'],
    [{ topic: emoji.repeat(200) }, 'accepted'],
    [{ topic: 'a'.repeat(201) }, 'invalid_payload'],
    [{ slowModeSeconds: 30, membersOnly: true, paused: false }, 'accepted'],
    [{ slowModeSeconds: 1.5 }, 'invalid_payload'],
    [{ slowModeSeconds: 3601 }, 'invalid_payload'],
    [{ paused: 'yes' }, 'invalid_payload'],
    [{ pinnedSeq: null }, 'accepted'],
    [{ pinnedSeq: 0 }, 'invalid_payload'],
    [{ colour: 'red' }, 'invalid_payload'],
    [{ blockedWords: ['spam', ' scam '] }, 'accepted'],
    [{ blockedWords: ['   '] }, 'invalid_payload'],
    [{ blockedWords: [emoji.repeat(64)] }, 'accepted'],
    [{ blockedWords: [` ${'a'.repeat(64)} `] }, 'accepted'],
    [{ blockedWords: ['a'.repeat(65)] }, 'invalid_payload'],
    [{ blockedWords: Array.from({ length: 501 }, (_, i) => `w${i}`) }, 'invalid_payload'],
  ];
  for (const [settings, expected] of cases) {
    const label = JSON.stringify(settings).slice(0, 80);
    assert.equal(socketVerdict(await request(socket, 'configure', { room: 'lobby', settings })), expected, `socket ${label}`);
    assert.equal(await http(relay.url, 'PATCH', '/api/rooms/lobby/settings', settings), expected, `HTTP ${label}`);
  }
});

test('ban and POST …/bans accept and refuse the same bans', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret, adminApiKey: key });
  const { socket } = await joined(t, relay.url, 'lobby', { token: await modToken() });
  const cases: [Record<string, unknown>, 'accepted' | 'invalid_payload'][] = [
    [{ memberId: 'u-ann', minutes: 10 }, 'accepted'],
    [{ memberId: 'u-bob', minutes: 1, reason: emoji.repeat(200) }, 'accepted'],
    [{ memberId: emoji.repeat(150), minutes: 10 }, 'accepted'],
    [{ memberId: 'a'.repeat(201), minutes: 10 }, 'invalid_payload'],
    [{ memberId: '', minutes: 10 }, 'invalid_payload'],
    [{ memberId: 'u-cy', minutes: 0 }, 'invalid_payload'],
    [{ memberId: 'u-cy', minutes: 525_601 }, 'invalid_payload'],
    [{ memberId: 'u-cy', minutes: 10, reason: 'a'.repeat(201) }, 'invalid_payload'],
    [{ memberId: 'u-cy', minutes: 10, until: 0 }, 'invalid_payload'],
  ];
  for (const [body, expected] of cases) {
    const label = JSON.stringify(body).slice(0, 80);
    assert.equal(socketVerdict(await request(socket, 'ban', { room: 'lobby', ...body })), expected, `socket ${label}`);
    assert.equal(await http(relay.url, 'POST', '/api/rooms/lobby/bans', body), expected, `HTTP ${label}`);
  }
});
