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

/**
 * The host element, the theme's custom properties (light, dark, auto), the
 * panel box, and the launcher with its unread badge.
 */
export const host = css`
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
`;
