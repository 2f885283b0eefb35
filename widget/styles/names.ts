import { css } from 'lit';

/**
 * Names as the relay vouches for them (badges for verified members and
 * moderators, the guest tag) and avatars, in messages and the members list.
 */
export const names = css`
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
`;
