import type { Message, RoomSettings } from '../protocol/index.js';
import { replyQuote } from '../protocol/limits.js';

/**
 * A room as a client holds it: the rules by which the widget and the console
 * fold what the relay sends (join and history pages, `message`, `updated`,
 * `deleted`, `room`) into the messages and settings they show. Pure: each
 * returns new values and never changes those it is given.
 */

/** `held` with `incoming` added by seq (one copy of each, the newest wins), in seq order; `added`: those not held before. */
export function addMessages(held: readonly Message[], incoming: readonly Message[]): { messages: Message[]; added: Message[] } {
  const bySeq = new Map(held.map((m) => [m.seq, m]));
  const added: Message[] = [];
  for (const message of incoming) {
    if (!bySeq.has(message.seq)) added.push(message);
    bySeq.set(message.seq, message);
  }
  return { messages: [...bySeq.values()].sort((a, b) => a.seq - b.seq), added };
}

/**
 * `held` with the messages that changed (edited, deleted, reacted to, from
 * `updated` or a join's `changed`) in place of their copies, and the replies
 * held quoting them as they are now; a change to a message not held adds
 * nothing (it is fetched with its page, if ever).
 */
export function updateMessages(held: readonly Message[], changed: readonly Message[]): Message[] {
  if (changed.length === 0) return [...held];
  const bySeq = new Map(changed.map((m) => [m.seq, m]));
  return held.map((m) => requote(bySeq.get(m.seq) ?? m, bySeq.get(m.replyTo?.seq!)?.text));
}

/** `held` with message `seq` deleted (its text gone, and from the replies quoting it), as a `deleted` event says. */
export function deleteMessage(held: readonly Message[], seq: number): Message[] {
  return held.map((m) => (m.seq === seq ? { ...m, text: '', deleted: true } : requote(m, m.replyTo?.seq === seq ? '' : undefined)));
}

/**
 * A reply quoting its parent's `text` now (the relay's quote, replyQuote;
 * "" once deleted), so an edit or a
 * deletion shows in the quotes without a reload. `text` undefined: the
 * parent did not change.
 */
function requote(reply: Message, text: string | undefined): Message {
  return text === undefined || !reply.replyTo
    ? reply
    : { ...reply, replyTo: { ...reply.replyTo, text: replyQuote(text) } };
}

/** The highest revision among `rev` and the messages' (a rejoin asks for every change after it). */
export function latestRev(rev: number, messages: readonly Message[]): number {
  return messages.reduce((max, m) => Math.max(max, m.rev ?? 0), rev);
}

/**
 * New settings (a `room` event, a join), keeping the blocked words held: the
 * `room` event always carries none, and only moderators ever hold them.
 */
export function mergeSettings(held: RoomSettings | undefined, incoming: RoomSettings): RoomSettings {
  return { ...incoming, blockedWords: held?.blockedWords ?? incoming.blockedWords };
}
