import { css } from 'lit';
import { composer } from './styles/composer.js';
import { controls } from './styles/controls.js';
import { header } from './styles/header.js';
import { host } from './styles/host.js';
import { menus } from './styles/menus.js';
import { messages } from './styles/messages.js';
import { names } from './styles/names.js';

/**
 * The element's one stylesheet, written one concern a file (styles/) and
 * put together here in this order. Within a file rules keep the order they
 * need; across files no two rules of the same specificity style the same
 * property of one element, so the order of the files changes nothing but
 * where a reader looks. The moderator tools add their own sheet
 * (moderator/moderator.ts), adopted after this one.
 */
export const styles = css`
  ${host}
  ${controls}
  ${header}
  ${names}
  ${messages}
  ${menus}
  ${composer}
`;
