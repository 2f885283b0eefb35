/**
 * What checking a message against blocked words costs: a room's list of 500
 * entries (the most PROTOCOL.md allows), compiled once as the relay does on a
 * settings change, against a mix of ordinary chat messages. `npm run bench`
 * prints it; alone: `node --import tsx bench/blocked-words.ts`.
 */
import { pathToFileURL } from 'node:url';
import { BlockedWords, words } from '../server/chat/blocked-words.js';

// Letters only, so that no two entries fold to the same word.
const name = (i: number) => [...i.toString(26)].map((d) => String.fromCharCode(97 + parseInt(d, 26))).join('');
/** 500 entries, one in ten a phrase: also the bench relay's BLOCKED_WORDS_FILE. */
export const BLOCKED_ENTRIES = Array.from({ length: 500 }, (_, i) => (i % 10 === 0 ? `bad phrase ${name(i)}` : `blocked${name(i)}`));
const messages = [
  'hello everyone!',
  'Has anyone tried the new release? The build is about 20% faster for me.',
  'lol',
  'Ça marche très bien chez moi, merci pour la réponse rapide 👍',
  'see https://example.com/docs/getting-started#install for the steps',
  's p a m and 5p@m and ｗｉｄｅ letters, nothing blocked here though',
  'A longer message, the kind someone writes when explaining a problem in detail: first I opened the page, then I clicked the button, and then nothing happened at all, no error in the console either.',
];

/** Mean µs to check one message against the 500 entries (after a warm-up). */
export function blockedWordCost(rounds = 200_000): { entries: number; microseconds: number } {
  const list = new BlockedWords(BLOCKED_ENTRIES);
  let sink = 0;
  const check = (text: string) => (list.matches(words(text)) ? 1 : 0);
  for (let i = 0; i < 50_000; i++) sink += check(messages[i % messages.length]!); // warm up
  const start = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) sink += check(messages[i % messages.length]!);
  const microseconds = Number(process.hrtime.bigint() - start) / rounds / 1000;
  if (sink) throw new Error('an ordinary message matched a blocked word');
  return { entries: list.size, microseconds };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const { entries, microseconds } = blockedWordCost();
  console.log(`blocked words: ${entries} entries, ${microseconds.toFixed(2)} µs per message (mean over 200000 messages of ${messages.length} kinds)`);
}
