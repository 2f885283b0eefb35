import { html, nothing } from 'lit';
import type { Member } from '../protocol/index.js';
import type { Strings } from './i18n.js';

/** The name the relay gives a guest who chose none: a reader, counted but not listed. */
export const AUTO_NAME = /^guest-[0-9a-f]{4}$/;

/**
 * A name, with the badges only the widget draws from the relay's
 * `verified` and `role` (never from text): verified, moderator. A guest's
 * name is in italics and tagged "guest" (unless the relay named them
 * `guest-XXXX`, which says it already), so that even a perfect look-alike
 * of a verified name never looks like one.
 */
export function renderAuthor(member: Member, t: Strings) {
  return html`<bdi part="author" class=${member.verified ? '' : 'guest'}>${member.name}</bdi>${member.verified
      ? html`<span part="verified" role="img" aria-label=${t.verified} title=${t.verified}>✓</span>`
      : AUTO_NAME.test(member.name)
        ? nothing
        : // A space apart as text too (the template's own would be minified away): "Ann guest".
          [' ', html`<span part="guest">${t.guest}</span>`]}${member.role === 'moderator'
      ? html`<span part="moderator" role="img" aria-label=${t.moderator} title=${t.moderator}>★</span>`
      : nothing}`;
}

/** The token's avatar (https only, no referrer), else coloured initials. */
export function renderAvatar(member: Member) {
  if (member.avatar?.startsWith('https://')) {
    return html`<img part="avatar" src=${member.avatar} alt="" referrerpolicy="no-referrer" loading="lazy" />`;
  }
  let hue = 0;
  for (const c of member.id) hue = (hue * 31 + c.charCodeAt(0)) % 6;
  return html`<span part="avatar" class="initials c${hue}" aria-hidden="true">${[...member.name][0]?.toUpperCase()}</span>`;
}
