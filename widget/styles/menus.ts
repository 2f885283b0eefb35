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
`;
