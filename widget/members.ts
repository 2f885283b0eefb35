import { html, nothing } from 'lit';
import { AUTO_NAME, renderAuthor } from './author.js';
import type { ChatController } from './chat-controller.js';
import type { Strings } from './i18n.js';

/** Who is here (the status button shows it): named members, the visitor marked (and offered a new nickname when it is theirs to change), then how many read without a name. */
export function renderMembers(chat: ChatController, t: Strings, canRename: boolean, rename: () => void) {
  const { members, count, self } = chat;
  // Readers who never chose a name are counted, not listed.
  const named = [...members.values()].filter((m) => m.verified || !AUTO_NAME.test(m.name));
  const readers = count - named.length;
  return html`<ul part="members" aria-label=${t.members}>
    ${named.map(
      (m) =>
        html`<li>
          ${renderAuthor(m, t)}
          ${m.id === self?.id
            ? html`(${t.you})
              ${canRename
                ? html`<button class="link" type="button" @click=${rename}>
                    ${t.changeName}
                  </button>`
                : nothing}`
            : nothing}
        </li>`,
    )}
    ${readers > 0 ? html`<li class="readers">${t.reading(readers)}</li>` : nothing}
  </ul>`;
}

