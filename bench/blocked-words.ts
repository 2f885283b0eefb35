/**
 * What checking a message against blocked words costs: a room's list of 500
 * entries (the most PROTOCOL.md allows), compiled once as the relay does on a
 * settings change, against a mix of ordinary chat messages (typical), and
 * against the worst a scoped moderator and a member can arrange together:
 * 500 phrases sharing their first twenty words (`ab ab … ab xyaa`) and a
 * 2,000-character `ab ab ab …` (worst). Each figure is the median of 9
 * rounds. `npm run bench` prints them; alone: `node --import tsx bench/blocked-words.ts`.
 */
import { pathToFileURL } from 'node:url';
import { BlockedWords, words } from '../server/chat/blocked-words.js';
import { median } from './stats.js';

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

/** 500 phrases of 64 characters sharing their first 20 words: `ab ab … ab xy` + two letters of their own. */
export const ADVERSARIAL_ENTRIES = Array.from({ length: 500 }, (_, i) => `${'ab '.repeat(20)}xy${name(i).padStart(2, 'q')}`);
/** 2,000 characters of `ab ab ab …`: every word starts every phrase again. */
export const ADVERSARIAL_TEXT = 'ab '.repeat(666) + 'ab';

const ROUNDS = 9;

/** Median over ROUNDS of the mean µs to check one text of `texts` against `list` (after a warm-up). */
function cost(list: BlockedWords, texts: readonly string[], perRound: number, blocked: boolean): number {
  const check = (text: string) => list.matches(words(text));
  for (let i = 0; i < Math.max(10, perRound / 4); i++) {
    if (check(texts[i % texts.length]!) !== blocked) throw new Error(`a bench text was ${blocked ? 'not ' : ''}blocked`);
  }
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    let sink = 0;
    const start = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) sink += check(texts[i % texts.length]!) ? 1 : 0;
    rounds.push(Number(process.hrtime.bigint() - start) / perRound / 1000);
    if (sink !== (blocked ? perRound : 0)) throw new Error('a bench text changed its answer');
  }
  return median(rounds);
}

/** Median µs to check one message against 500 entries: ordinary messages (typical) and the adversarial pair (worst). */
export function blockedWordCost(perRound = 50_000): { entries: number; microseconds: number; worstMicroseconds: number } {
  const list = new BlockedWords(BLOCKED_ENTRIES);
  const adversarial = new BlockedWords(ADVERSARIAL_ENTRIES);
  const worst = cost(adversarial, [ADVERSARIAL_TEXT], Math.max(3, Math.round(perRound / 1000)), false);
  return { entries: list.size, microseconds: cost(list, messages, perRound, false), worstMicroseconds: worst };
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const { entries, microseconds, worstMicroseconds } = blockedWordCost();
  console.log(`blocked words, ${entries} entries: typical ${microseconds.toFixed(2)} µs per message (${messages.length} kinds), worst ${(worstMicroseconds / 1000).toFixed(3)} ms per message (adversarial list and text); medians of ${ROUNDS} rounds`);
}
