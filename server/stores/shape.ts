import { REPLY_PREVIEW_LENGTH, type Member, type Message, type ReactionCount } from '../../protocol/index.js';

/**
 * What both stores do alike once rows are read: a reply's view of its
 * parent, and the reaction counts. Both are computed when a message is read,
 * never stored on it, so a later edit or deletion of the parent, or another
 * member's reaction, shows on the next read.
 */

/** A parent's text as a reply shows it: at most REPLY_PREVIEW_LENGTH characters (code points); "" once deleted. */
export function previewText(text: string): string {
  if (text.length <= REPLY_PREVIEW_LENGTH) return text;
  return [...text].slice(0, REPLY_PREVIEW_LENGTH).join('');
}

/** The `replyTo` of a message whose parent row was joined in (undefined when it answers nothing). */
export function replyPreview(seq: number | null, author: Member | null, text: string | null): Message['replyTo'] {
  if (seq === null || author === null) return undefined;
  return { seq, author, text: previewText(text ?? '') };
}

/**
 * Puts each message's reaction counts on it; `rows` come ordered by seq, then
 * by first reaction, so each message's list is in first-reacted order.
 */
export function attachReactions(messages: Message[], rows: { seq: number; emoji: string; count: number }[]): Message[] {
  const bySeq = new Map<number, ReactionCount[]>();
  for (const { seq, emoji, count } of rows) {
    let list = bySeq.get(seq);
    if (!list) bySeq.set(seq, (list = []));
    list.push({ emoji, count });
  }
  for (const message of messages) {
    const list = bySeq.get(message.seq);
    if (list) message.reactions = list;
  }
  return messages;
}
