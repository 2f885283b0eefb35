import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { BlockedWords, words } from '../../../server/chat/blocked-words.js';
import { readBlockedWords } from '../../../server/plugins/moderation.js';
import { type Client, connect, joined, msgId, request, startRelay, tempDir } from '../helpers.js';

const list = new BlockedWords(['spam', 'ass', 'bad phrase', 'Café', 'ｗｉｄｅ']);
const blocked = (text: string) => list.matches(words(text));

test('matches whole words and phrases without case, accents or width', () => {
  for (const text of ['spam', 'SPAM here', 'Spam!', 'this is spàm', 'ｓｐａｍ', 'an ass', 'a BAD   phrase indeed', 'un cafe', 'CAFÉ', 'wide']) {
    assert.equal(blocked(text), true, text);
  }
});

test('undoes look-alike substitutions and letters spaced or dotted apart', () => {
  for (const text of ['5p@m', 'sp4m', '$pam', 'a$$', 's p a m', 's.p.a.m', 'S-P-A-M now', 'b4d phr4$e', '5 p @ m']) {
    assert.equal(blocked(text), true, text);
  }
});

test('never matches inside another word', () => {
  for (const text of ['class', 'classic assassin', 'spammer', 'badphrase', 'bad', 'phrase bad', 'passage', 'hello everyone', '']) {
    assert.equal(blocked(text), false, text);
  }
});

test('an empty list, or entries of punctuation only, match nothing', () => {
  assert.equal(new BlockedWords([]).matches(words('anything')), false);
  assert.equal(new BlockedWords(['!!!', '  ']).size, 0);
});

test('BLOCKED_WORDS_FILE: one entry a line, blank lines and a BOM ignored', (t) => {
  const file = join(tempDir(t), 'words.txt');
  writeFileSync(file, '\uFEFFspam\r\n\n  bad phrase  \n');
  const fromFile = readBlockedWords(file);
  assert.equal(fromFile.size, 2);
  assert.equal(fromFile.matches(words('so Bad Phrase')), true);
  assert.throws(() => readBlockedWords(join(tempDir(t), 'missing.txt')), /^ConfigError: BLOCKED_WORDS_FILE: cannot read .*missing\.txt: ENOENT$/);
});

/** The plain matcher the automaton must agree with: every entry tried at every word of the text. */
function referenceMatches(entries: readonly string[], text: string): boolean {
  const phrases = entries.map(words).filter((parts) => parts.length > 0);
  const folded = words(text);
  return folded.some((_, i) => phrases.some((parts) => parts.every((part, j) => folded[i + j] === part)));
}

test('the automaton agrees with a plain matcher on random lists and texts', () => {
  // A small alphabet, so that entries share prefixes and suffixes and texts hit them often.
  const word = fc.constantFrom('ab', 'ba', 'abc', 'b', 'a', 'cab', 'xy', 'aa', 'abab');
  const entry = fc.array(word, { minLength: 1, maxLength: 5 }).map((parts) => parts.join(' '));
  const text = fc.array(fc.oneof(word, fc.constantFrom('zz', '!', 'ab.', 'qq')), { maxLength: 40 }).map((parts) => parts.join(' '));
  fc.assert(
    fc.property(fc.array(entry, { maxLength: 12 }), text, (entries, sample) => {
      assert.equal(new BlockedWords(entries).matches(words(sample)), referenceMatches(entries, sample), `${JSON.stringify(entries)} in ${JSON.stringify(sample)}`);
    }),
    { numRuns: 3000 },
  );
});

test('phrases sharing their first words (the adversarial list) are still matched, and only whole', () => {
  const entries = Array.from({ length: 500 }, (_, i) => `${'ab '.repeat(20)}xy${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
  const adversarial = new BlockedWords(entries);
  const text = 'ab '.repeat(666) + 'ab';
  assert.equal(adversarial.matches(words(text)), false);
  assert.equal(adversarial.matches(words(`${text} xyab`)), true, 'the last phrase after a long run of its first word');
  assert.equal(adversarial.matches(words(`${'ab '.repeat(19)}xyab`)), false, 'one word short');
  assert.equal(adversarial.matches(words(`${text} xyab`.replace('ab xyab', 'ba xyab'))), false);
});

test('invisible and formatting characters inside a word do not hide it', () => {
  const hidden = ['\u200B', '\u200C', '\u200D', '\u2060', '\u00AD', '\uFEFF', '\u202D', '\u200E', '\u200F', '\u{E0020}', '\u{E0073}', '\u3164', '\u115F', '\u1160', '\uFFA0', '\u2066', '\u2069', '\uFE0F'];
  for (const c of hidden) {
    assert.equal(blocked(`sp${c}am`), true, `U+${c.codePointAt(0)!.toString(16).toUpperCase()}`);
    assert.equal(blocked(`buy ${c}s${c}p${c}a${c}m${c} now`), true, `U+${c.codePointAt(0)!.toString(16).toUpperCase()} around every letter`);
  }
});

test('a right-to-left override is read as shown', () => {
  assert.equal(blocked('\u202Emaps\u202C'), true, '"maps" overridden shows "spam"');
  assert.equal(blocked('look: \u202Emaps\u202C!'), true);
  assert.equal(blocked('\u202Emaps'), true, 'to the end of the text without its PDF');
  assert.equal(blocked('\u202Eesarhp dab\u202C'), true, 'a phrase, words reversed too');
  assert.equal(blocked('\u202Espam\u202C'), false, 'shows "maps"');
  assert.equal(blocked('\u202Bspam\u202C'), true, 'an embedding does not reverse Latin letters');
  assert.equal(blocked('\u202Emaps\u202C \u202Esi\u202C'), true);
});

test('confusables fold: Cyrillic, Greek, fullwidth, enclosed, mathematical and regional-indicator letters', () => {
  const list = new BlockedWords(['spam', 'poke', 'scam', 'kiosk']);
  const caught = [
    'ѕрам', // Cyrillic dze, er, a, em
    'СПАМ'.replace('П', 'Р').replace('С', 'Ѕ'), // capitals: ЅРАМ
    'ѕрaм now',
    'ροκε', // Greek rho, omicron, kappa, epsilon
    'ΡΟΚΕ',
    'ѕсам',
    'κιοѕκ',
    'ｓｐａｍ',
    'ⓢⓟⓐⓜ',
    '🅂🄿🄰🄼',
    '🅢🅟🅐🅜',
    '🆂🅿🅰🅼',
    '𝐬𝐩𝐚𝐦',
    '𝓈𝓅𝒶𝓂',
    '🇸🇵🇦🇲',
    'buy 🇸 🇵 🇦 🇲 here',
  ];
  for (const text of caught) assert.equal(list.matches(words(text)), true, text);
  // The same fold applies to the list: an entry typed with look-alikes matches the plain word.
  assert.equal(new BlockedWords(['ѕрам']).matches(words('spam')), true);
});

test('the fold leaves ordinary English and French alone: no sentence matches a list of common entries', () => {
  const list = new BlockedWords([
    'spam', 'scam', 'ass', 'sex', 'porn', 'kill', 'hate', 'nazi', 'idiot', 'stupid', 'bum', 'rn', 'merde', 'con', 'pute', 'salope',
    'connard', 'casino', 'viagra', 'crypto', 'bitcoin', 'lol', 'mi', 'lia', 'cum', 'tit', 'fag', 'nig', 'buy now', 'click here',
  ]);
  const sentences = [
    'I burn the midnight oil: the minimum is a full moon.',
    'Mia and Liam will come to the meeting at 10:30 with Emma.',
    'The classic assassin passed the class with a titanic score.',
    'Please consider the documentation; I am sure it mentions it.',
    'Rumours say the modern museum is closed on Mondays.',
    'Il fait beau à Montréal, et les enfants jouent dans le parc.',
    'Je me suis trompé de numéro, merci de votre patience !',
    'Le cœur a ses raisons que la raison ne connaît point.',
    'Ça coûte 15 € ; la reine Œnone a aimé ce mélange.',
    'Nous commençons à 9 h, le comité arrive après.',
    'Démarrer le serveur puis recommencer la mise à jour.',
    'A naïve café owner in Zürich met a Straße worker.',
  ];
  for (const sentence of sentences) assert.equal(list.matches(words(sentence)), false, sentence);
});

// ---------------------------------------------------------------- on a relay

const secret = 'blocked-words-secret-at-least-32-characters';
const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(secret));
const send = (socket: Client, room: string, text: string) => request(socket, 'send', { room, text, clientMsgId: msgId() });
const code = async (reply: Promise<any>) => (await reply).error?.code ?? 'ok';

test('a relay: a scoped moderator\'s adversarial list still blocks exactly its phrases', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const mod = await joined(t, relay.url, 'adv', { token: await sign({ sub: 'm', name: 'Mod', role: 'moderator', rooms: ['adv'] }) });
  const guest = await joined(t, relay.url, 'adv', { name: 'Gus', clientId: 'gus-client-1' });
  const entries = Array.from({ length: 500 }, (_, i) => `${'ab '.repeat(20)}xy${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
  assert.ok((await request(mod.socket, 'configure', { room: 'adv', settings: { blockedWords: entries } })).ok);
  const text = `${'ab '.repeat(666)}ab`;
  assert.equal(await code(send(guest.socket, 'adv', text)), 'ok');
  assert.equal(await code(send(guest.socket, 'adv', `${text.slice(0, 1991)} xyft`)), 'blocked', 'the last entry after a long run of its first words');
  assert.equal(await code(send(guest.socket, 'adv', `${'ab '.repeat(19)}xyaa`)), 'ok', 'one word short of the first entry');
});

test('a relay: hidden characters, overrides and look-alikes are blocked in send and in edit', async (t) => {
  const relay = await startRelay(t, { jwtSecret: secret });
  const mod = await joined(t, relay.url, 'bw', { token: await sign({ sub: 'm', name: 'Mod', role: 'moderator' }) });
  const guest = await joined(t, relay.url, 'bw', { name: 'Gus', clientId: 'gus-client-1' });
  assert.ok((await request(mod.socket, 'configure', { room: 'bw', settings: { blockedWords: ['spam'] } })).ok);
  const sent = await send(guest.socket, 'bw', 'hello');
  assert.ok(sent.ok);
  const disguised = [
    'sp\u200Bam', 'sp\u200Cam', 'sp\u200Dam', 'sp\u2060am', 'sp\u00ADam', 'sp\uFEFFam', 'sp\u202Dam', 'sp\u200Eam', 'sp\u{E0020}am',
    '\u202Emaps\u202C', 'ѕрам', 'ЅРАМ', 'ѕρaм', '🇸🇵🇦🇲', 'sp\u3164am',
  ];
  for (const text of disguised) {
    assert.equal(await code(send(guest.socket, 'bw', text)), 'blocked', `send ${JSON.stringify(text)}`);
    assert.equal(await code(request(guest.socket, 'edit', { room: 'bw', seq: sent.message.seq, text })), 'blocked', `edit ${JSON.stringify(text)}`);
  }
});

test('a relay: names, topics and report reasons are matched too', async (t) => {
  const file = join(tempDir(t), 'words.txt');
  writeFileSync(file, 'spam\nbad phrase\n');
  const adminApiKey = 'names-topics-admin-key-0123456789';
  const relay = await startRelay(t, { jwtSecret: secret, blockedWordsFile: file, adminApiKey });
  // A name holding a word of BLOCKED_WORDS_FILE: refused at the handshake, guest or verified.
  for (const auth of [
    { name: 'Spam King' }, { name: 'ѕрам' }, { name: 's p a m' }, { name: 'BAD phrase' },
    { token: await sign({ sub: 'u-spam', name: 'Spam' }) }, { token: await sign({ sub: 'u-spam', name: '5p@m bot' }) },
  ]) {
    await assert.rejects(connect(t, relay.url, auth), { message: 'invalid_name' }, JSON.stringify(auth));
  }
  assert.ok(await connect(t, relay.url, { name: 'Spammer' }), 'whole words only');

  const mod = await joined(t, relay.url, 'nt', { token: await sign({ sub: 'm', name: 'Mod', role: 'moderator' }) });
  const fan = await joined(t, relay.url, 'nt', { name: 'Zork Fan', clientId: 'zork-fan-1' });
  const other = await joined(t, relay.url, 'nt', { name: 'Ola', clientId: 'ola-client-1' });
  const before = await send(fan.socket, 'nt', 'hello');
  assert.ok(before.ok);
  assert.ok(await send(other.socket, 'nt', 'hi').then((ack) => ack.ok));

  // A room's word in the member's name: their send and edit are refused there.
  assert.ok((await request(mod.socket, 'configure', { room: 'nt', settings: { blockedWords: ['zork'] } })).ok);
  assert.equal(await code(send(fan.socket, 'nt', 'hello again')), 'blocked');
  assert.equal(await code(request(fan.socket, 'edit', { room: 'nt', seq: before.message.seq, text: 'hello there' })), 'blocked');
  assert.equal(await code(send(other.socket, 'nt', 'still fine')), 'ok');

  // Topics: the room's words (the list sent with it included) and the file's.
  for (const settings of [{ topic: 'all about zork' }, { topic: 'no ѕрам here' }, { topic: 'qux night', blockedWords: ['qux'] }]) {
    assert.equal(await code(request(mod.socket, 'configure', { room: 'nt', settings })), 'blocked', JSON.stringify(settings));
  }
  assert.equal(await code(request(mod.socket, 'configure', { room: 'nt', settings: { topic: 'Release day' } })), 'ok');
  const patch = (body: object) =>
    fetch(`${relay.url}/api/rooms/nt/settings`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${adminApiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const refusedPatch = await patch({ topic: 'S P A M' });
  assert.equal(refusedPatch.status, 400);
  assert.equal((await refusedPatch.json()).error.code, 'blocked');
  assert.equal((await patch({ topic: 'Launch' })).status, 200);

  // Report reasons.
  assert.equal(await code(request(other.socket, 'report', { room: 'nt', seq: before.message.seq, reason: 'z0rk' })), 'blocked');
  assert.equal(await code(request(other.socket, 'report', { room: 'nt', seq: before.message.seq, reason: 'a bad\u200B phrase' })), 'blocked');
  assert.equal(await code(request(other.socket, 'report', { room: 'nt', seq: before.message.seq, reason: 'rude' })), 'ok');
});
