import { html, nothing } from 'lit';
import type { Ban, Message, ReportEvent } from '../../protocol/index.js';
import type { Payload } from '../../client/socket.js';
import type { SettingsSubmitEvent } from '../../ui/settings-form.js';
import '../../ui/settings-form.js';
import type { RoomRequest } from '../chat-controller.js';
import type { ModeratorView, ModeratorWidget } from '../moderator-hook.js';

/** The ban lengths a moderator picks from, in minutes: 5 min, 1 h, 24 h, 7 days. */
const BAN_MINUTES = [5, 60, 1440, 10080];
/** Report notices kept on screen at most. */
const MAX_REPORTS = 5;

const en = {
  ban: 'Ban',
  banFor: 'Ban for',
  reason: 'Reason',
  banned: (name: string, time: string) => `${name} is banned for ${time}.`,
  pin: 'Pin',
  unpin: 'Unpin',
  pinnedDone: 'Message pinned.',
  unpinnedDone: 'Message unpinned.',
  settings: 'Room settings',
  close: 'Close',
  saved: 'Room settings saved.',
  bans: 'Bans',
  noBans: 'No one is banned.',
  forever: 'for good',
  until: (time: string) => `until ${time}`,
  unban: 'Unban',
  unbanned: (name: string) => `${name} may come back.`,
  reported: (by: string, count: number) => `Reported by ${by}${count > 1 ? ` (${count} reports)` : ''}`,
  delete: 'Delete',
  deleted: 'Message deleted',
  dismiss: 'Dismiss',
  dismissed: 'Report dismissed.',
  reports: 'Reports',
};
const fr: typeof en = {
  ban: 'Bannir',
  banFor: 'Bannir pour',
  reason: 'Motif',
  banned: (name, time) => `${name} est banni pour ${time}.`,
  pin: 'Épingler',
  unpin: 'Désépingler',
  pinnedDone: 'Message épinglé.',
  unpinnedDone: 'Message désépinglé.',
  settings: 'Réglages du salon',
  close: 'Fermer',
  saved: 'Réglages du salon enregistrés.',
  bans: 'Bannissements',
  noBans: 'Personne n’est banni.',
  forever: 'définitivement',
  until: (time) => `jusqu’au ${time}`,
  unban: 'Lever',
  unbanned: (name) => `${name} peut revenir.`,
  reported: (by, count) => `Signalé par ${by}${count > 1 ? ` (${count} signalements)` : ''}`,
  delete: 'Supprimer',
  deleted: 'Message supprimé',
  dismiss: 'Ignorer',
  dismissed: 'Signalement ignoré.',
  reports: 'Signalements',
};

export const styles = `
.mod-panel{display:flex;flex-direction:column;gap:8px;padding:10px 14px;border-bottom:1px solid var(--_border);background:var(--_header-bg);font-size:.9em;max-height:60%;overflow:auto}
.mod-panel form{display:flex;flex-direction:column;align-items:stretch;gap:6px;padding:0;border:0}
.mod-panel label{display:flex;gap:6px;align-items:center}
.mod-panel textarea{min-height:3em}
.mod-panel ul,.reports{margin:0;padding:0;list-style:none}
.reports li{display:flex;flex-wrap:wrap;gap:8px;align-items:center;padding:6px 14px;border-bottom:1px solid var(--_border);background:color-mix(in srgb,var(--_error) 10%,transparent);font-size:.85em}
.reports q{flex-basis:100%}
.mod-settings{border:0;background:none;color:inherit;padding:0 4px;font-size:1.1em}
`;

/** A moderator's tools for one widget. */
export function moderatorView(widget: ModeratorWidget): ModeratorView {
  const { el, chat } = widget;
  let open = false;
  let bans: Ban[] | undefined;
  let reports: ReportEvent[] = [];
  const t = () => (widget.lang === 'fr' ? fr : en);
  const duration = (minutes: number) => {
    // Days past one day ("24 hours" reads better than "1 day" next to "1 hour").
    const [n, unit] =
      minutes > 1440 && minutes % 1440 === 0 ? [minutes / 1440, 'day'] : minutes % 60 === 0 ? [minutes / 60, 'hour'] : [minutes, 'minute'];
    return new Intl.NumberFormat(widget.lang, { style: 'unit', unit, unitDisplay: 'long' }).format(n as number);
  };
  const time = (ts: number) => new Date(ts).toLocaleString(widget.lang, { dateStyle: 'medium', timeStyle: 'short' });
  /** Sends a request; says what it did once the relay did it. */
  const act = async <E extends RoomRequest>(event: E, payload: Omit<Payload<E>, 'room'>, notice: string) => {
    widget.closeMenu();
    const ack = await chat.ask(event, payload);
    if (ack) widget.say(notice);
    el.requestUpdate();
    return ack;
  };
  const field = (form: HTMLFormElement, name: string) => form.elements.namedItem(name) as HTMLInputElement;
  /** Takes the notice of a message's report away. */
  const drop = (seq: number) => {
    reports = reports.filter((r) => r.message.seq !== seq);
    el.requestUpdate();
  };

  const ban = (event: Event, message: Message) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const minutes = Number(field(form, 'minutes').value);
    const reason = field(form, 'reason').value.trim();
    void act('ban', { memberId: message.author.id, minutes, ...(reason ? { reason } : {}) }, t().banned(message.author.name, duration(minutes)));
  };
  const pin = (seq: number | null) =>
    act('configure', { settings: { pinnedSeq: seq } }, seq === null ? t().unpinnedDone : t().pinnedDone);

  const loadBans = async () => {
    const ack = await chat.ask('bans', {});
    bans = ack?.bans ?? [];
    el.requestUpdate();
  };
  const save = async ({ settings }: SettingsSubmitEvent) => {
    const ack = await act('configure', { settings }, t().saved);
    // The join gave the list; the `room` event carries none, so keep the saved one.
    if (ack && chat.settings) chat.settings = { ...chat.settings, blockedWords: ack.settings.blockedWords };
  };

  return {
    menu(message) {
      const s = t();
      const own = message.author.id === chat.self?.id;
      const moderator = message.author.role === 'moderator';
      if (widget.step === 'ban') {
        return html`<form @submit=${(e: Event) => ban(e, message)}>
          <select name="minutes" aria-label=${s.banFor}>
            ${BAN_MINUTES.map((m) => html`<option value=${m}>${duration(m)}</option>`)}
          </select>
          <input name="reason" dir="auto" maxlength="200" aria-label=${s.reason} placeholder=${s.reason} />
          <button type="submit">${s.ban}</button>
          <button type="button" @click=${widget.closeMenu}>${s.close}</button>
        </form>`;
      }
      const pinned = chat.settings?.pinnedSeq === message.seq;
      return html`${own || moderator ? nothing : html`<button type="button" @click=${() => widget.setStep('ban')}>${s.ban}…</button>`}
        ${message.deleted ? nothing : html`<button type="button" @click=${() => pin(pinned ? null : message.seq)}>${pinned ? s.unpin : s.pin}</button>`}`;
    },
    header() {
      return html`<button
        class="mod-settings"
        type="button"
        aria-label=${t().settings}
        title=${t().settings}
        aria-expanded=${open}
        @click=${() => {
          open = !open;
          bans = undefined;
          if (open) void loadBans();
          el.requestUpdate();
        }}
      >
        ⚙
      </button>`;
    },
    panel() {
      const s = t();
      const settings = chat.settings;
      const reportList = reports.length
        ? html`<ul class="reports" aria-label=${s.reports}>
            ${reports.map(
              (r) => html`<li role="alert">
                <span>${s.reported(r.reporter.name, r.count)}${r.reason ? html`: <bdi>${r.reason}</bdi>` : nothing}</span>
                <q dir="auto"><bdi>${r.message.author.name}</bdi>: ${r.message.text}</q>
                <button
                  type="button"
                  @click=${async () => {
                    if (await act('delete', { seq: r.message.seq }, s.deleted)) drop(r.message.seq);
                  }}
                >
                  ${s.delete}
                </button>
                <button
                  type="button"
                  @click=${async () => {
                    // Dismissed for every moderator: the relay resolves it and tells them all.
                    if (await act('resolve', { seq: r.message.seq }, s.dismissed)) drop(r.message.seq);
                  }}
                >
                  ${s.dismiss}
                </button>
              </li>`,
            )}
          </ul>`
        : nothing;
      if (!open || !settings) return reportList;
      return html`${reportList}
        <section class="mod-panel" aria-label=${s.settings}>
          <live-chat-settings-form .settings=${settings} lang=${widget.lang} @live-chat-settings-submit=${save}></live-chat-settings-form>
          <h3>${s.bans}</h3>
          ${bans?.length === 0 ? html`<p>${s.noBans}</p>` : nothing}
          <ul>
            ${(bans ?? []).map(
              (b) => html`<li>
                <bdi>${b.member.name}</bdi>, ${b.until === null ? s.forever : s.until(time(b.until))}${
                  // Plain strings around the reason: the minifier trims a nested template's edge spaces.
                  b.reason ? [' (', html`<bdi>${b.reason}</bdi>`, ')'] : nothing
                }
                <button
                  type="button"
                  @click=${async () => {
                    if (await act('unban', { memberId: b.member.id }, s.unbanned(b.member.name))) void loadBans();
                  }}
                >
                  ${s.unban}
                </button>
              </li>`,
            )}
          </ul>
        </section>`;
    },
    report(event) {
      // Resolved (dismissed, its message deleted, its author banned), by this moderator or another: the notice goes.
      if ('how' in event) drop(event.seq);
      else {
        reports = [event, ...reports.filter((r) => r.message.seq !== event.message.seq)].slice(0, MAX_REPORTS);
        el.requestUpdate();
      }
    },
  };
}
