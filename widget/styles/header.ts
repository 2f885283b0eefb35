import { css } from 'lit';

/**
 * The header (room name, topic, status, close), the pinned message under
 * it, and the members list the status opens.
 */
export const header = css`
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
  .room {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .topic {
    font-size: 0.8em;
    opacity: 0.8;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* No taller than the topic's line: the header keeps its height. */
  .rules {
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
  [part='rule'] {
    padding: 0 6px;
    border: 1px solid var(--_border);
    border-radius: 8px;
    font-size: 0.75em;
    line-height: 1.3;
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
`;
