import { html, nothing, type TemplateResult } from 'lit';
import type { Member, Message } from '../protocol/index.js';
import { renderAuthor, renderAvatar } from './author.js';
import type { Outgoing } from './controllers/outbox.js';
import { dayLabel, fullTime, linkify, relativeTime, sameDay } from './format.js';
import { renderMenu, renderReaction } from './message-menu.js';
import type { Rows } from './rows.js';

/** Messages by one author closer together than this are grouped under one name. */
const GROUP_MS = 5 * 60_000;

/** Whether `message` mentions the visitor. */
export function mentionsMe(message: Message, self: Member | undefined): boolean {
  return !!message.mentions?.some((m) => m.id === self?.id);
}

/**
 * One message: its day separator when a new day starts, the author (unless
 * grouped with the one before), the answered message, the text with safe
 * links, reactions, and the "⋯" button and menu.
 */
export function renderMessage(r: Rows, message: Message, previous: Message | undefined) {
  const t = r.t;
  const lang = r.lang;
  const self = r.chat.self;
  const own = message.author.id === self?.id;
  const newDay = !previous || !sameDay(previous.ts, message.ts);
  const grouped =
    !newDay && previous?.author.id === message.author.id && message.ts - previous.ts < GROUP_MS && !previous.deleted;
  const open = r.menu === message.seq;
  const reply = message.replyTo;
  const mention = mentionsMe(message, r.chat.self) && !message.deleted;
  return html`${newDay ? html`<p part="day" class="day" role="separator">${dayLabel(message.ts, lang, t, r.now)}</p>` : nothing}
    <article
      part=${mention ? 'message mention' : 'message'}
      class="message ${own ? 'own' : ''} ${grouped ? 'grouped' : ''}"
      data-seq=${message.seq}
      tabindex="-1"
      @click=${(e: Event) => tapped(r, e, message.seq)}
    >
      ${grouped
        ? nothing
        : html`<div class="meta">
            ${renderAvatar(message.author)} ${renderAuthor(message.author, t)}
            <time part="time" datetime=${new Date(message.ts).toISOString()} title=${fullTime(message.ts, lang)}
              >${relativeTime(message.ts, lang, r.now)}</time
            >
          </div>`}
      ${reply && !message.deleted
        ? html`<button part="reply-quote" class="quote" type="button" tabindex="-1" @click=${() => r.scroll.show(reply.seq)}>
            <bdi>${reply.author.name}</bdi>: <span dir="auto">${reply.text || t.deleted}</span>
          </button>`
        : nothing}
      ${message.deleted
        ? html`<p part="text" class="deleted">${t.deleted}</p>`
        : html`<p part="text" dir="auto">${renderText(message.text)}</p>`}
      ${message.editedAt && !message.deleted ? html`<span part="edited" class="edited">${t.edited}</span>` : nothing}
      ${message.reactions?.length && !message.deleted
        ? html`<div part="reactions" class="reactions" role="group" aria-label=${t.reactions}>
            ${message.reactions.map(({ emoji, count }) => renderReaction(r, message, emoji, t.reacted(count, emoji), `${emoji} ${count}`))}
          </div>`
        : nothing}
      ${!message.deleted || self?.role === 'moderator'
        ? html`<button
            part="more"
            class="more"
            type="button"
            tabindex="-1"
            aria-label=${t.actions}
            aria-expanded=${open}
            @click=${() => r.openMenu(message.seq)}
          >
            ⋯
          </button>`
        : nothing}
      ${open ? renderMenu(r, message, own) : nothing}
    </article>`;
}

/**
 * A tap on a row whose "⋯" is hidden (compact density on a touch screen:
 * the row is the target) opens its menu; links and buttons keep theirs.
 */
function tapped(r: Rows, event: Event, seq: number): void {
  const more = (event.currentTarget as Element).querySelector<HTMLElement>('[part=more]');
  if (more && more.offsetWidth < 2 && !(event.target as Element).closest('a,button,input,.menu')) r.openMenu(seq);
}

/** Text with http(s) links as safe anchors; every other character stays text. */
function renderText(text: string) {
  return linkify(text).map((part): TemplateResult | string =>
    typeof part === 'string'
      ? part
      : html`<a href=${part.url} target="_blank" rel="noopener noreferrer nofollow ugc">${part.url}</a>`,
  );
}

/** Refusals a retry cannot change: the text itself was refused, so the visitor is offered to edit it instead. */
const FINAL = ['blocked', 'too_long', 'empty', 'invalid_payload', 'forbidden'];

/**
 * One of the visitor's sends not stored yet (`name`: theirs, tagged as the
 * relay knows them once joined): sending, or failed with why, retry (or
 * edit, when retrying cannot help) and discard.
 */
export function renderOutgoing(r: Rows, outgoing: Outgoing, name: string | undefined) {
  const t = r.t;
  const error = outgoing.error;
  const self = r.chat.self;
  return html`<article part="message" class="message own ${error ? 'failed' : 'pending'}" tabindex="-1">
    <div class="meta">
      ${self?.name === name ? renderAuthor(self!, t) : html`<bdi part="author">${name}</bdi>`}
      <span part="time">${error ? `${t.notSent}: ${t.errors[error.code] ?? t.errors.internal}` : t.sending}</span>
    </div>
    <p part="text" dir="auto">${outgoing.text}</p>
    ${error
      ? html`<div class="actions shown">
          ${FINAL.includes(error.code)
            ? html`<button
                type="button"
                @click=${() => {
                  r.composer.draft = outgoing.text;
                  r.chat.outbox.discard(outgoing.clientMsgId);
                  r.composer.focus();
                }}
              >
                ${t.edit}
              </button>`
            : html`<button type="button" @click=${() => r.chat.outbox.retry(outgoing.clientMsgId)}>${t.retry}</button>`}
          <button type="button" @click=${() => r.chat.outbox.discard(outgoing.clientMsgId)}>${t.discard}</button>
        </div>`
      : nothing}
  </article>`;
}

