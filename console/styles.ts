import { css } from 'lit';

/** The console's look: one column on a phone, two from 760 px; light and dark after the system. */
export const styles = css`
  :host {
    --bg: #ffffff;
    --fg: #1b1f24;
    --muted: #59636e;
    --line: #d5d9de;
    --accent: #0b5cad;
    --accent-fg: #ffffff;
    --danger: #b3261e;
    --soft: #eef1f4;
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
  live-chat-console-message-actions {
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
