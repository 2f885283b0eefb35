import { html, nothing } from 'lit';
import type { Message } from '../protocol/index.js';
import type { Rows } from './rows.js';

/**
 * A message's actions: react, reply, edit, delete (asks first), report (an
 * optional reason), and a moderator's from the moderator script. Buttons, so
 * touch, keys and mouse all work.
 */
export function renderMenu(r: Rows, message: Message, own: boolean) {
  const t = r.t;
  const step = r.step;
  const live = !message.deleted;
  const cancel = html`<button type="button" @click=${r.closeMenu}>${t.cancel}</button>`;
  return html`<div part="message-menu" class="menu" role="group" aria-label=${t.actions}>
    ${step === 'delete'
      ? html`<span>${t.confirmDelete}</span>
          <button class="go" type="button" @click=${() => moderate(r, r.chat.remove(message.seq), t.deleted)}>${t.delete}</button>
          ${cancel}`
      : step === 'report'
        ? html`<form @submit=${(e: Event) => submitReport(r, e, message)}>
            <input name="reason" dir="auto" maxlength="200" aria-label=${t.reasonOptional} placeholder=${t.reasonOptional} />
            <button type="submit">${t.report}</button>
            ${cancel}
          </form>`
        : step
          ? r.mod?.menu(message)
          : html`${live && r.chat.reactions.length
                ? html`<span class="emoji">
                    ${r.chat.reactions.map((emoji) => renderReaction(r, message, emoji, `${t.react} ${emoji}`, emoji))}
                  </span>`
                : nothing}
              ${live ? html`<button type="button" @click=${() => r.composer.startReply(message)}>${t.reply}</button>` : nothing}
              ${r.composer.canEdit(message) ? html`<button type="button" @click=${() => r.composer.startEdit(message)}>${t.edit}</button>` : nothing}
              ${live && (own || r.chat.self?.role === 'moderator')
                ? html`<button class="danger" type="button" @click=${() => r.setStep('delete')}>${t.delete}</button>`
                : nothing}
              ${live && !own ? html`<button type="button" @click=${() => r.setStep('report')}>${t.report}…</button>` : nothing}
              ${r.mod?.menu(message) ?? nothing} ${cancel}`}
  </div>`;
}

function submitReport(r: Rows, event: Event, message: Message): void {
  event.preventDefault();
  const reason = ((event.currentTarget as HTMLFormElement).elements.namedItem('reason') as HTMLInputElement).value.trim();
  void moderate(r, r.chat.report(message.seq, reason), r.t.reported);
}

/** A reaction toggle: pressed when the visitor's own. */
export function renderReaction(r: Rows, message: Message, emoji: string, label: string, text: string) {
  const on = r.chat.mine.has(`${message.seq} ${emoji}`);
  return html`<button
    part="reaction"
    class="reaction"
    type="button"
    tabindex="-1"
    aria-pressed=${on}
    aria-label=${label}
    @click=${() => r.chat.react(message.seq, emoji, !on)}
  >
    ${text}
  </button>`;
}

/** Runs a request from the menu, then says what it did in the status line. */
async function moderate(r: Rows, done: Promise<boolean>, notice: string): Promise<void> {
  r.closeMenu();
  if (await done) r.say(notice);
}
