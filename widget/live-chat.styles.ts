import { css } from 'lit';

/**
 * Every value a host page may change is a `--live-chat-*` custom property
 * with a theme's fallback (the internal `--_*` names); every region is a
 * `part`. Colours meet WCAG AA contrast in both themes.
 */
const dark = css`
  --_fg: var(--live-chat-fg, #e6edf3);
  --_bg: var(--live-chat-bg, #0d1117);
  --_header-bg: var(--live-chat-header-bg, #161b22);
  --_border: var(--live-chat-border, #30363d);
  --_muted: var(--live-chat-muted, #9198a1);
  --_accent: var(--live-chat-accent, #1f6feb);
  --_accent-fg: var(--live-chat-accent-fg, #ffffff);
  --_author: var(--live-chat-author, #79c0ff);
  --_own-author: var(--live-chat-own-author, #d2a8ff);
  --_error: var(--live-chat-error, #ff7b72);
  --_input-bg: var(--live-chat-input-bg, #0d1117);
  --_link: var(--live-chat-accent, #58a6ff);
`;

export const styles = css`
  /* The host element is the page's: it only gets a size. Everything visible
     is drawn inside, starting from 'all: initial', so that no inherited
     property of the page (a global '* { color: red !important }', a
     text-transform, a letter-spacing) reaches in. Custom properties still
     do: they are the theming API. */
  :host {
    display: block;
    min-height: 320px;
    height: 480px;
    --_fg: var(--live-chat-fg, #1b1f24);
    --_bg: var(--live-chat-bg, #ffffff);
    --_header-bg: var(--live-chat-header-bg, #f6f8fa);
    --_border: var(--live-chat-border, #d0d7de);
    --_muted: var(--live-chat-muted, #57606a);
    --_accent: var(--live-chat-accent, #0969da);
    --_accent-fg: var(--live-chat-accent-fg, #ffffff);
    --_author: var(--live-chat-author, #0550ae);
    --_own-author: var(--live-chat-own-author, #8250df);
    --_error: var(--live-chat-error, #cf222e);
    --_input-bg: var(--live-chat-input-bg, #ffffff);
    --_link: var(--live-chat-accent, #0969da);
    --_radius: var(--live-chat-radius, 12px);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }
  :host([mode='launcher']) {
    height: 0;
    min-height: 0;
  }
  * {
    box-sizing: border-box;
  }
  .box,
  [part='launcher'] {
    all: initial;
    box-sizing: border-box;
    /* The page's font, unless the page names one for the widget. */
    font-family: var(--live-chat-font, inherit);
    font-size: var(--live-chat-font-size, 14px);
    line-height: 1.4;
    color: var(--_fg);
  }
  .box {
    display: flex;
    flex-direction: column;
    position: relative;
    height: 100%;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([mode='launcher']) .box {
    position: fixed;
    z-index: var(--live-chat-z-index, 2147483000);
    right: var(--live-chat-offset, 20px);
    bottom: calc(var(--live-chat-offset, 20px) + 68px);
    width: var(--live-chat-panel-width, 370px);
    height: min(var(--live-chat-panel-height, 560px), calc(100vh - 120px));
    box-shadow: 0 8px 28px rgb(0 0 0 / 22%);
  }
  @media (max-width: 480px) {
    /* Small screens: the open panel takes the whole screen, closed from its header. */
    :host([mode='launcher']) .box {
      inset: 0;
      width: auto;
      height: auto;
      border-radius: 0;
      border: 0;
    }
    [part='launcher'][aria-expanded='true'] {
      display: none;
    }
  }
  [part='launcher'] {
    position: fixed;
    z-index: var(--live-chat-z-index, 2147483000);
    right: var(--live-chat-offset, 20px);
    bottom: var(--live-chat-offset, 20px);
    width: 56px;
    height: 56px;
    display: grid;
    place-items: center;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_accent-fg);
    box-shadow: 0 4px 14px rgb(0 0 0 / 25%);
    cursor: pointer;
  }
  [part='launcher']:focus-visible {
    /* Apart from the button, so the ring shows around an accent-coloured button. */
    outline: 3px solid var(--_accent);
    outline-offset: 3px;
  }
  [part='launcher'] svg {
    width: 26px;
    height: 26px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linejoin: round;
    stroke-linecap: round;
  }
  [part='badge'] {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: #cf222e;
    color: #ffffff;
    font-size: 12px;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 10px 14px;
    border-bottom: 1px solid var(--_border);
    background: var(--_header-bg);
    color: var(--live-chat-header-fg, var(--_fg));
  }
  .close {
    padding: 0 4px;
    border: 0;
    background: none;
    font-size: 22px;
    line-height: 1;
  }
  .name {
    flex: 1;
    display: flex;
    flex-direction: column;
    min-width: 0;
  }
  .topic {
    font-size: 0.8em;
    opacity: 0.8;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .pinned {
    padding: 6px 14px;
    border-bottom: 1px solid var(--_border);
    background: var(--_header-bg);
    font-size: 0.85em;
  }
  .pinned summary {
    cursor: pointer;
    color: var(--_muted);
  }
  .pinned .link {
    display: block;
    max-height: 4.2em;
    overflow: hidden;
    text-align: start;
    color: inherit;
    text-decoration: none;
  }
  [part~='mention'] {
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
  .menu .reaction {
    text-decoration: none;
    font-size: 1em;
  }
  .reaction[aria-pressed='true'] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 15%, transparent);
  }
  .context,
  .notice {
    display: flex;
    gap: 6px;
    align-items: center;
    margin: 0;
    padding: 6px 14px;
    border-top: 1px solid var(--_border);
    font-size: 0.85em;
  }
  .notice {
    padding: 12px 14px;
    background: var(--_header-bg);
  }
  .quoted {
    flex: 1;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    color: var(--_muted);
  }
  [part='mentions'] {
    margin: 0 14px;
    padding: 4px 0;
    list-style: none;
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
  }
  [part='mentions'] li {
    padding: 6px 10px;
    cursor: pointer;
  }
  [part='mentions'] [aria-selected='true'] {
    background: color-mix(in srgb, var(--_accent) 15%, transparent);
  }
  .room {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
  }
  [part='status'] {
    display: inline-flex;
    align-items: center;
    /* Wide enough for "Connecting…" and "12 here" alike, and its dot at the
       same place in both: nothing moves when one replaces the other (it was
       a layout shift on every page load). */
    min-width: 8.5em;
    gap: 6px;
    padding: 2px 4px;
    border: 0;
    border-radius: 4px;
    background: none;
    font-size: 0.85em;
    color: var(--_muted);
    white-space: nowrap;
  }
  [part='status']::before {
    content: '';
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--live-chat-offline, #cf222e);
  }
  [part='status'].online::before {
    background: var(--live-chat-online, #1a7f37);
  }
  [part='status'].connecting::before {
    background: #bf8700;
  }
  [part='members'] {
    margin: 0;
    padding: 8px 14px;
    max-height: 35%;
    overflow-y: auto;
    list-style: none;
    border-bottom: 1px solid var(--_border);
    background: var(--_header-bg);
  }
  [part='members'] li {
    padding: 2px 0;
  }
  [part='verified'],
  [part='moderator'] {
    margin-inline-start: 3px;
    font-size: 0.85em;
    color: var(--_link);
  }
  .guest {
    font-style: italic;
  }
  [part='guest'] {
    margin-inline-start: 4px;
    padding: 0 4px;
    border: 1px solid var(--_border);
    border-radius: 4px;
    font-size: 0.75em;
    font-style: normal;
    color: var(--_muted);
  }
  .readers {
    color: var(--_muted);
  }
  [part='avatar'] {
    flex: none;
    align-self: center;
    width: 20px;
    height: 20px;
    border-radius: 50%;
  }
  .initials {
    display: inline-grid;
    place-items: center;
    font-size: 11px;
    font-weight: 700;
    color: #ffffff;
    background: #0969da;
  }
  .c1 {
    background: #1a7f37;
  }
  .c2 {
    background: #8250df;
  }
  .c3 {
    background: #cf222e;
  }
  .c4 {
    background: #9a6700;
  }
  .c5 {
    background: #bf3989;
  }
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
  .actions,
  .menu,
  .menu form {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 10px;
  }
  .menu {
    padding: 6px 0;
  }
  .menu form {
    padding: 0;
    border: 0;
  }
  select {
    font: inherit;
    color: inherit;
    background: var(--_input-bg);
    border: 1px solid var(--_border);
    border-radius: 4px;
  }
  .actions button,
  .menu button,
  .link {
    padding: 0;
    border: 0;
    background: none;
    font-size: 0.85em;
    color: var(--_link);
    text-decoration: underline;
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
  .typing,
  .slow,
  .hint,
  .said {
    margin: 0;
    padding: 0 14px;
    min-height: 1.4em;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .slow,
  .over {
    color: var(--_error);
  }
  .said {
    /* Empty most of the time: takes no room then. */
    min-height: 0;
  }
  .hint {
    display: flex;
    justify-content: space-between;
    padding-bottom: 6px;
  }
  .offline,
  .banned {
    margin: 0;
    padding: 8px 14px;
    background: var(--_header-bg);
    border-top: 1px solid var(--_border);
  }
  .banned {
    padding: 12px 14px;
  }
  form {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: 8px 14px 4px;
    border-top: 1px solid var(--_border);
  }
  textarea,
  input {
    flex: 1;
    min-width: 0;
    font: inherit;
    color: inherit;
    background: var(--_input-bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 2);
    padding: 8px 10px;
    resize: none;
  }
  textarea {
    /* Grows with its text, up to about six lines. */
    field-sizing: content;
    max-height: calc(6 * 1.4em + 18px);
  }
  @media (max-width: 480px) {
    /* 16px or more, or iOS zooms the page into the focused field. */
    textarea,
    input {
      font-size: 16px;
    }
  }
  textarea::placeholder,
  input::placeholder {
    color: var(--_muted);
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 1px;
  }
  form > button {
    font-weight: 600;
    padding: 8px 14px;
    border: 0;
    border-radius: calc(var(--_radius) / 2);
    color: var(--_accent-fg);
    background: var(--_accent);
  }
  form > button:disabled {
    opacity: 0.55;
  }
`;
