import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReportEvent, ReportResolvedEvent } from '../protocol/index.js';
import { openSocket, type RelaySocket } from '../client/socket.js';

/** A report made, or (with `how`) resolved, by any moderator of any room. */
export type ReportNews = ReportEvent | ReportResolvedEvent;

/**
 * The open reports, live, while someone is signed in: how many there are
 * (the Reports tab shows it), and every report made or resolved by any
 * moderator anywhere, for the reports view to follow. Over the console's
 * own Socket.IO connection, which joins no room: a moderator's connection
 * hears every room's `report` and `reportResolved`. The count is read from
 * the admin API again at each piece of news, so it is the relay's, never a
 * tally that drifts.
 */
export class ReportFeed implements ReactiveController {
  /** How many reports are open, once known. */
  open: number | undefined;

  #socket?: RelaySocket;
  readonly #listeners = new Set<(news: ReportNews) => void>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { active: () => boolean; server: () => string; ticket: () => Promise<string>; count: () => Promise<number> },
  ) {
    host.addController(this);
  }

  hostUpdate(): void {
    if (this.options.active() && !this.#socket) this.#connect();
    if (!this.options.active() && this.#socket) this.#close();
  }

  hostDisconnected(): void {
    this.#close();
  }

  /** Hears every report made or resolved until the returned function is called. */
  listen(listener: (news: ReportNews) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reads the open count again. */
  async recount(): Promise<void> {
    const open = await this.options.count().catch(() => this.open);
    if (open === this.open) return;
    this.open = open;
    this.host.requestUpdate();
  }

  #connect(): void {
    const ticket = this.options.ticket;
    const socket = (this.#socket = openSocket(this.options.server(), async () => ({ console: await ticket() })));
    const current = () => socket === this.#socket;
    // Connected (again): what happened meanwhile shows in the count.
    socket.on('connect', () => void this.recount());
    // A ticket opens one connection: a refused one (the ticket spent) starts over, while signed in.
    socket.on('connect_error', () => {
      if (!socket.active) setTimeout(() => current() && (this.#close(), this.host.requestUpdate()), 1000);
    });
    const news = (event: ReportNews) => {
      void this.recount();
      for (const listener of this.#listeners) listener(event);
    };
    socket.on('report', news);
    socket.on('reportResolved', news);
  }

  #close(): void {
    this.#socket?.disconnect();
    this.#socket = undefined;
  }
}
