import { css } from 'lit';

/**
 * Below the list: the reply or edit being written, the `@` picker,
 * typing and slow-mode lines, notices (offline, paused, banned) and the
 * composer form itself.
 */
export const composer = css`
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
  textarea {
    /* Grows with its text, up to about six lines. */
    field-sizing: content;
    max-height: calc(6 * 1.4em + 18px);
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
