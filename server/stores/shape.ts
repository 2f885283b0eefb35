import { replyQuote, type Member, type Message, type ReactionCount } from '../../protocol/index.js';

/**
 * What both stores do alike once rows are read: a reply's view of its
 * parent, and the reaction counts. Both are computed when a message is read,
 * never stored on it, so a later edit or deletion of the parent, or another
 * member's reaction, shows on the next read.
 */

/** The `replyTo` of a message whose parent row was joined in (undefined when it answers nothing); its text "" once deleted. */
export function replyPreview(seq: number | null, author: Member | null, text: string | null): Message['replyTo'] {
  if (seq === null || author === null) return undefined;
  return { seq, author, text: replyQuote(text ?? '') };
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

/**
 * A queued webhook's body with a deleted message's text taken out, or
 * undefined when it carries none of it: the message itself (an event of its
 * creation or an edit), a reply's quote of it, a report's copy. PROTOCOL v3:
 * a deleted message's text never leaves the relay after the deletion, and a
 * receiver that was down holds events queued before it. Re-serialised from
 * the parsed body, so its bytes change only where the text was.
 */
export function withoutDeletedText(body: string, seq: number): string | undefined {
  const event = JSON.parse(body) as { data?: Record<string, any> };
  let changed = false;
  const blank = (message: Record<string, any> | undefined) => {
    if (message?.seq === seq && typeof message.text === 'string' && message.text !== '') {
      message.text = '';
      changed = true;
    }
    if (message?.replyTo?.seq === seq && message.replyTo.text !== '') {
      message.replyTo.text = '';
      changed = true;
    }
  };
  blank(event.data);
  blank(event.data?.message);
  return changed ? JSON.stringify(event) : undefined;
}

/** A LIKE pattern that every body mentioning the message `seq` matches (and some others: a first sieve). */
export const mentionsSeq = (seq: number) => `%"seq":${seq}%`;
