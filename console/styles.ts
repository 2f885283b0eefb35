import { css } from 'lit';
import { overviewStyles } from './overview-styles.js';

/** The console's look: one column on a phone, two from 760 px; light and dark after the system. */
const base = css`
  :host {
    --bg: #ffffff;
    --fg: #1b1f24;
    --muted: #59636e;
    --line: #d5d9de;
    --accent: #0b5cad;
    --accent-fg: #ffffff;
    --danger: #b3261e;
    --soft: #eef1f4;
    --danger-fg: #ffffff;
    display: block;
    max-width: 1200px;
    margin: 0 auto;
    padding: 12px;
    color: var(--fg);
    font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    box-sizing: border-box;
  }
  @media (prefers-color-scheme: dark) {
    :host {
      --bg: #1e2228;
      --fg: #e6e8eb;
      --muted: #a9b1ba;
      --line: #3a414a;
      --accent: #7cb8ff;
      --accent-fg: #0c1a2b;
      --danger: #ffb4ab;
      --soft: #272c33;
      --danger-fg: #2b0a07;
    }
  }
  /* The views (each an element rendering into this root, console/part.ts). */
  live-chat-console-sign-in,
  live-chat-console-notice,
  live-chat-console-rooms,
  live-chat-console-room,
  live-chat-settings-form,
  live-chat-console-bans,
  live-chat-console-audit-log,
  live-chat-console-reports,
  live-chat-console-overview {
    display: block;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  header {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px 16px;
    margin-bottom: 12px;
  }
  h1 {
    font-size: 1.25rem;
    margin: 0;
    flex: 1;
  }
  h2 {
    font-size: 1.1rem;
    margin: 0 0 8px;
  }
  h3 {
    font-size: 1rem;
    margin: 16px 0 6px;
  }
  nav {
    display: flex;
    gap: 6px;
  }
  section,
  .card {
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: 8px;
    padding: 12px;
    margin-bottom: 12px;
  }
  .grid {
    display: grid;
    gap: 12px;
  }
  @media (min-width: 760px) {
    .grid {
      grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
    }
  }
  button,
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
  }
  input,
  select,
  textarea {
    background: var(--bg);
    border: 1px solid var(--muted);
    border-radius: 6px;
    padding: 6px 8px;
    min-height: 36px;
    max-width: 100%;
  }
  textarea {
    width: 100%;
    min-height: 72px;
  }
  button {
    min-height: 36px;
    padding: 6px 12px;
    border-radius: 6px;
    border: 1px solid var(--accent);
    background: var(--accent);
    color: var(--accent-fg);
    cursor: pointer;
  }
  button.quiet,
  nav button {
    background: transparent;
    color: var(--accent);
  }
  nav button[aria-current='page'] {
    background: var(--accent);
    color: var(--accent-fg);
  }
  /* The open reports' count on the Reports tab: the danger colour, as anything waiting on a moderator. */
  nav .count {
    display: inline-block;
    min-width: 1.4em;
    margin-inline-start: 4px;
    padding: 0 5px;
    border-radius: 999px;
    background: var(--danger);
    color: var(--accent-fg);
    font-size: 0.85em;
    text-align: center;
  }
  button.danger {
    background: transparent;
    color: var(--danger);
    border-color: var(--danger);
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible {
    outline: 3px solid var(--accent);
    outline-offset: 2px;
  }
  label {
    display: block;
    margin: 8px 0 4px;
  }
  label.inline {
    display: inline-flex;
    gap: 6px;
    align-items: center;
    margin-right: 16px;
  }
  /* The settings form (ui/) holds its fields inside their labels: each under its label here. */
  label:not(.inline) > :is(input, select, textarea) {
    display: block;
    margin-top: 4px;
  }
  live-chat-settings-form button {
    margin-top: 12px;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li {
    border-top: 1px solid var(--line);
    padding: 8px 0;
  }
  li:first-child {
    border-top: 0;
  }
  .rooms button.room {
    display: flex;
    width: 100%;
    flex-wrap: wrap;
    justify-content: space-between;
    gap: 4px 12px;
    background: transparent;
    color: var(--fg);
    border: 0;
    text-align: start;
  }
  .muted,
  time {
    color: var(--muted);
    font-size: 0.875rem;
  }
  .messages {
    max-height: 60vh;
    overflow-y: auto;
    /* Room for a focused button's outline, which the scrolling list would clip. */
    padding: 0 6px 4px 0;
  }
  /* On a desktop the list takes the screen's height less the header's: about 18 messages at 800 px. */
  @media (min-width: 760px) {
    .messages {
      max-height: max(320px, calc(100vh - 190px));
    }
  }
  .text {
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .deleted .text {
    color: var(--muted);
    font-style: italic;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
    margin-top: 6px;
    align-items: center;
  }
  .actions input {
    flex: 1 1 120px;
  }
  /* A room's messages: one line each (who and what, its marks and time, one button), wrapping only a long text. */
  li.message {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto auto;
    align-items: center;
    gap: 2px 8px;
    padding: 3px 0;
  }
  li.message .author {
    margin-right: 6px;
  }
  li.message.pinned {
    background: var(--soft);
  }
  .meta {
    display: flex;
    gap: 6px;
    align-items: center;
    white-space: nowrap;
  }
  .meta .seq {
    color: var(--muted);
    font-size: 0.875rem;
  }
  .badge {
    font-size: 0.75rem;
    border: 1px solid var(--accent);
    color: var(--accent);
    border-radius: 999px;
    padding: 0 6px;
  }
  .badge.quiet-badge {
    border-color: var(--line);
    color: var(--muted);
  }
  kbd {
    font: 0.8rem ui-monospace, monospace;
    border: 1px solid var(--line);
    border-radius: 4px;
    padding: 0 4px;
  }
  @media (max-width: 759px) {
    .meta .seq,
    .meta .quiet-badge,
    .keys {
      display: none;
    }
  }
  /* A message's one button, and its menu. */
  .more-actions {
    position: relative;
    display: flex;
  }
  button.more svg {
    display: block;
    margin: auto;
    fill: currentColor;
  }
  button.more {
    min-height: 28px;
    min-width: 28px;
    padding: 0 6px;
    background: transparent;
    color: var(--fg);
    border-color: var(--line);
    line-height: 1;
  }
  .menu {
    position: absolute;
    right: 0;
    top: calc(100% + 4px);
    z-index: 2;
    display: flex;
    flex-direction: column;
    min-width: 200px;
    padding: 4px;
    background: var(--bg);
    border: 1px solid var(--line);
    border-radius: 8px;
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.18);
  }
  .menu.up {
    top: auto;
    bottom: calc(100% + 4px);
  }
  .menu [role='menuitem'] {
    display: flex;
    justify-content: space-between;
    gap: 16px;
    background: transparent;
    color: var(--fg);
    border: 0;
    text-align: start;
  }
  .menu [role='menuitem']:hover,
  .menu [role='menuitem']:focus-visible {
    background: var(--soft);
  }
  .menu [role='menuitem'].danger {
    color: var(--danger);
  }
  /* What cannot be undone asks first, in a dialog whose button says so in red. */
  dialog.confirm {
    max-width: min(480px, calc(100vw - 24px));
    width: 100%;
    background: var(--bg);
    color: var(--fg);
    border: 1px solid var(--line);
    border-radius: 10px;
    padding: 16px;
  }
  dialog.confirm::backdrop {
    background: rgb(0 0 0 / 0.45);
  }
  dialog.confirm h3 {
    margin-top: 0;
  }
  dialog.confirm .actions {
    justify-content: flex-end;
    margin-top: 16px;
  }
  dialog.confirm select,
  dialog.confirm input {
    width: 100%;
  }
  .quote {
    border-left: 3px solid var(--line);
    padding-left: 8px;
  }
  button.destructive {
    background: var(--danger);
    border-color: var(--danger);
    color: var(--danger-fg);
  }
  /* Fingers: every control at least 44 px square. */
  @media (pointer: coarse) {
    button,
    input:not([type='checkbox']),
    select,
    button.more {
      min-height: 44px;
      min-width: 44px;
    }
    /* A checkbox's target is its whole label. */
    label:has(> input[type='checkbox']) {
      min-height: 44px;
      display: inline-flex;
      align-items: center;
      gap: 8px;
    }
    .keys,
    .menu kbd {
      display: none;
    }
  }
  .status {
    min-height: 1.4em;
  }
  .error {
    color: var(--danger);
  }
  .context {
    border-left: 3px solid var(--line);
    padding-left: 8px;
    margin: 6px 0;
  }
  .context .reported {
    font-weight: 600;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;

/** One stylesheet for the console's one shadow root, every view's rules in it (part.ts). */
export const styles = css`
  ${base}
  ${overviewStyles}
`;
