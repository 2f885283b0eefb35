import { css } from 'lit';

/**
 * Every value a host page may change is a `--live-chat-*` custom property
 * with a fallback; every region is a `part`.
 */
export const styles = css`
  /* The host element is the page's: it only gets a size. Everything visible
     is drawn by .box, which starts from 'all: initial' so that no inherited
     property of the page (a global '* { color: red !important }', a
     text-transform, a letter-spacing) reaches inside. Custom properties still
     do: they are the theming API. */
  :host {
    display: block;
    min-height: 320px;
    height: 480px;
  }
  :host([hidden]) {
    display: none;
  }
  .box {
    all: initial;
    display: flex;
    flex-direction: column;
    box-sizing: border-box;
    height: 100%;
    font-family: var(--live-chat-font, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--live-chat-font-size, 14px);
    line-height: 1.4;
    color: var(--live-chat-fg, #1b1f24);
    background: var(--live-chat-bg, #ffffff);
    border: 1px solid var(--live-chat-border, #d0d7de);
    border-radius: var(--live-chat-radius, 12px);
    overflow: hidden;
    contain: content;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  header {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 10px 14px;
    border-bottom: 1px solid var(--live-chat-border, #d0d7de);
    background: var(--live-chat-header-bg, #f6f8fa);
  }
  .room {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part='status'] {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-size: 0.85em;
    color: var(--live-chat-muted, #57606a);
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
    background: var(--live-chat-connecting, #bf8700);
  }
  [part='messages'] {
    flex: 1;
    padding: 8px 14px;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  .empty {
    margin: 0;
    color: var(--live-chat-muted, #57606a);
    text-align: center;
    padding: 24px 0;
  }
  .message {
    padding: 4px 0;
  }
  .meta {
    display: flex;
    align-items: baseline;
    gap: 8px;
  }
  [part='author'] {
    font-weight: 600;
    color: var(--live-chat-author, #0550ae);
  }
  .own [part='author'] {
    color: var(--live-chat-own-author, #8250df);
  }
  [part='time'] {
    font-size: 0.8em;
    color: var(--live-chat-muted, #57606a);
  }
  [part='text'] {
    margin: 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  [part='text'].deleted {
    font-style: italic;
    color: var(--live-chat-muted, #57606a);
  }
  .pending [part='text'] {
    opacity: 0.6;
  }
  .failed [part='text'] {
    color: var(--live-chat-error, #cf222e);
  }
  .failed button {
    font: inherit;
    font-size: 0.85em;
    padding: 0;
    border: 0;
    background: none;
    color: var(--live-chat-accent, #0969da);
    text-decoration: underline;
    cursor: pointer;
  }
  form {
    display: flex;
    gap: 8px;
    padding: 10px 14px;
    border-top: 1px solid var(--live-chat-border, #d0d7de);
  }
  textarea,
  input {
    flex: 1;
    min-width: 0;
    font: inherit;
    color: inherit;
    background: var(--live-chat-input-bg, #ffffff);
    border: 1px solid var(--live-chat-border, #d0d7de);
    border-radius: calc(var(--live-chat-radius, 12px) / 2);
    padding: 8px 10px;
    resize: none;
  }
  textarea:focus-visible,
  input:focus-visible,
  button:focus-visible {
    outline: 2px solid var(--live-chat-accent, #0969da);
    outline-offset: 1px;
  }
  form > button {
    font: inherit;
    font-weight: 600;
    padding: 8px 14px;
    border: 0;
    border-radius: calc(var(--live-chat-radius, 12px) / 2);
    color: var(--live-chat-accent-fg, #ffffff);
    background: var(--live-chat-accent, #0969da);
    cursor: pointer;
  }
  form > button:disabled {
    opacity: 0.5;
    cursor: default;
  }
`;
