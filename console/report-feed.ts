import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ReportEvent, ReportResolvedEvent } from '../protocol/index.js';
import { openSocket, type RelaySocket } from '../client/socket.js';

/**
 * The least time between two reads of the open count. Each read is a COUNT
 * on the relay, and every open console makes one: a flood of reports read
 * at each one would be consoles × reports queries. News within it is
 * counted together, once it is over.
 */
const RECOUNT_MS = 1000;

/** A report made, or (with `how`) resolved, by any moderator of any room. */
export type ReportNews = ReportEvent | ReportResolvedEvent;

/**
 * The open reports, live, while someone is signed in: how many there are
 * (the Reports tab shows it), and every report made or resolved by any
 * moderator anywhere, for the reports view to follow. Over the console's
 * own Socket.IO connection, which joins no room: a moderator's connection
 * hears every room's `report` and `reportResolved`. The count is read from
 * the admin API again at each piece of news, so it is the relay's, never a
 * tally that drifts; at most once a second (RECOUNT_MS), so a flood of
 * news is one read a second, the last after the last piece of news.
 */
export class ReportFeed implements ReactiveController {
  /** How many reports are open, once known. */
  open: number | undefined;

  #socket?: RelaySocket;
  #recountTimer?: ReturnType<typeof setTimeout>;
  #lastRecount = -Infinity;
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

  /** Reads the open count again soon: at once if not read within RECOUNT_MS, else when that is over. */
  #recountSoon(): void {
    if (this.#recountTimer !== undefined) return;
    this.#recountTimer = setTimeout(() => {
      this.#recountTimer = undefined;
      this.#lastRecount = Date.now();
      void this.recount();
    }, Math.max(0, this.#lastRecount + RECOUNT_MS - Date.now()));
  }

  #connect(): void {
    const ticket = this.options.ticket;
    const socket = (this.#socket = openSocket(this.options.server(), async () => ({ console: await ticket() })));
    const current = () => socket === this.#socket;
    // Connected (again): what happened meanwhile shows in the count.
    socket.on('connect', () => this.#recountSoon());
    // A ticket opens one connection: a refused one (the ticket spent) starts over, while signed in.
    socket.on('connect_error', () => {
      if (!socket.active) setTimeout(() => current() && (this.#close(), this.host.requestUpdate()), 1000);
    });
    const news = (event: ReportNews) => {
      this.#recountSoon();
      for (const listener of this.#listeners) listener(event);
    };
    socket.on('report', news);
    socket.on('reportResolved', news);
  }

  #close(): void {
    this.#socket?.disconnect();
    this.#socket = undefined;
    clearTimeout(this.#recountTimer);
    this.#recountTimer = undefined;
  }
}
