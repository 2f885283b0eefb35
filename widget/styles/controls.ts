import { css } from 'lit';

/**
 * Buttons, selects and text fields wherever they are (the composer, the
 * nickname form, the menus, the moderator tools), and the focus ring.
 */
export const controls = css`
  button {
    font: inherit;
    color: inherit;
    cursor: pointer;
  }
  button:disabled {
    cursor: default;
  }
  select {
    font: inherit;
    color: inherit;
    background: var(--_input-bg);
    border: 1px solid var(--_border);
    border-radius: 4px;
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
`;
