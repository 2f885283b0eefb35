/**
 * What checking a message against blocked words costs: a room's list of 500
 * entries (the most PROTOCOL.md allows), compiled once as the relay does on a
 * settings change, against a mix of ordinary chat messages. Prints µs per
 * message; run with `node --import tsx bench/blocked-words.ts`.
 */
import { BlockedWords, words } from '../server/chat/blocked-words.js';

// Letters only, so that no two entries fold to the same word.
const name = (i: number) => [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
const entries = Array.from({ length: 500 }, (_, i) => (i % 10 === 0 ? `bad phrase ${name(i)}` : `blocked${name(i)}`));
const list = new BlockedWords(entries);
const messages = [
  'hello everyone!',
  'Has anyone tried the new release? The build is about 20% faster for me.',
  'lol',
  'Ça marche très bien chez moi, merci pour la réponse rapide 👍',
  'see https://example.com/docs/getting-started#install for the steps',
  's p a m and 5p@m and ｗｉｄｅ letters, nothing blocked here though',
  'A longer message, the kind someone writes when explaining a problem in detail: first I opened the page, then I clicked the button, and then nothing happened at all, no error in the console either.',
];

let sink = 0;
const check = (text: string) => (list.matches(words(text)) ? 1 : 0);
for (let i = 0; i < 50_000; i++) sink += check(messages[i % messages.length]!); // warm up

const rounds = 200_000;
const start = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) sink += check(messages[i % messages.length]!);
const perMessage = Number(process.hrtime.bigint() - start) / rounds / 1000;
console.log(`blocked words: ${list.size} entries, ${perMessage.toFixed(2)} µs per message (mean over ${rounds} messages of ${messages.length} kinds)${sink ? ' (some matched!)' : ''}`);
