import { css } from 'lit';

/**
 * The message list: day separators, rows, their text, replies, edits and
 * reactions, the "⋯" button, and the jump to new messages.
 */
export const messages = css`
  [part='messages'] {
    flex: 1;
    padding: 8px 14px;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  .note,
  .day {
    margin: 8px 0;
    color: var(--_muted);
    text-align: center;
    font-size: 0.85em;
  }
  .message {
    position: relative;
    padding: 4px 28px 4px 0;
  }
  .message.grouped {
    padding-top: 0;
  }
  .meta {
    display: flex;
    align-items: baseline;
    gap: 8px;
  }
  [part='author'] {
    font-weight: 600;
    color: var(--_author);
  }
  .own [part='author'] {
    color: var(--_own-author);
  }
  [part='time'] {
    font-size: 0.8em;
    color: var(--_muted);
  }
  [part='text'] {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [part='text'] a {
    color: var(--_link);
  }
  [part='text'].deleted {
    font-style: italic;
    color: var(--_muted);
  }
  .pending [part='text'] {
    opacity: 0.7;
  }
  .failed [part='text'],
  .failed [part='time'] {
    color: var(--_error);
  }
  [part~='mention'] {
    /* Its bar and tint reach into the list's padding: the names stay in line. */
    margin-left: -14px;
    padding-left: 14px;
    box-shadow: inset 3px 0 var(--_accent);
    background: color-mix(in srgb, var(--_accent) 8%, transparent);
  }
  .quote {
    display: block;
    max-width: 100%;
    margin: 2px 0;
    padding: 0 0 0 8px;
    border: 0;
    border-left: 2px solid var(--_border);
    background: none;
    font-size: 0.85em;
    color: var(--_muted);
    text-align: start;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .edited {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .reactions,
  .emoji {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  .reactions {
    margin-top: 4px;
  }
  .reaction {
    min-height: 24px;
    padding: 0 6px;
    border: 1px solid var(--_border);
    border-radius: 12px;
    background: none;
    font-size: 0.85em;
  }
  .reaction[aria-pressed='true'] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 15%, transparent);
  }
  /* Always visible (a phone has no hover), and one per message. */
  .more {
    position: absolute;
    top: 2px;
    right: 0;
    min-width: 24px;
    min-height: 24px;
    border: 0;
    border-radius: 4px;
    background: none;
    color: var(--_muted);
  }
  @media (pointer: coarse) {
    /* A 44 px "⋯", reaching into the list's padding, over rows at least as tall. */
    .message {
      min-height: 44px;
    }
    .more {
      top: 0;
      right: -14px;
    }
  }
  /* density="compact": a line a message, the name before the text, as
     live-stream chats; on a touch screen a tap on the row opens its menu. */
  :host([density='compact']) .message {
    min-height: 0;
    padding-block: 2px;
  }
  :host([density='compact']) :is(.meta, [part='text']) {
    display: inline;
  }
  :host([density='compact']) .meta > * {
    margin-inline-end: 6px;
  }
  @media (pointer: coarse) {
    /* Out of sight but not of screen readers (and shown when focused). */
    :host([density='compact']) .more:not(:focus) {
      width: 1px;
      min-width: 0;
      height: 1px;
      min-height: 0;
      padding: 0;
      overflow: hidden;
      clip-path: inset(50%);
    }
  }
  .jump {
    position: absolute;
    left: 50%;
    bottom: 96px;
    transform: translateX(-50%);
    padding: 4px 12px;
    border: 0;
    border-radius: 14px;
    background: var(--_accent);
    color: var(--_accent-fg);
    font-size: 0.85em;
    box-shadow: 0 2px 8px rgb(0 0 0 / 20%);
  }
`;
