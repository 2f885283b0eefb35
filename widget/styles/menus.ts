import { css } from 'lit';

/**
 * A message's menu (react, reply, edit, delete, report; the moderator's
 * ban form) and the link-like buttons shared with the header and composer.
 */
export const menus = css`
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
  .menu .reaction {
    text-decoration: none;
    font-size: 1em;
  }
  /* Destructive actions (delete, ban) are red; the one that does it, once
     asked, is a red button rather than a link. */
  .menu .danger {
    color: var(--_error);
  }
  .menu .go {
    padding: 2px 10px;
    border-radius: 4px;
    background: var(--_error);
    color: var(--_bg);
    text-decoration: none;
  }
  /* Touch screens: targets of at least 44×44 px (WCAG 2.5.5), the menu's
     items buttons rather than links. */
  @media (pointer: coarse) {
    .menu :is(button, select, input),
    .more,
    .close {
      min-width: 44px;
      min-height: 44px;
    }
    .menu button:not(.go) {
      padding: 0 12px;
      border: 1px solid var(--_border);
      border-radius: 22px;
      text-decoration: none;
    }
  }
`;
