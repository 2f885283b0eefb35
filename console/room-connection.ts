import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Message, RoomSettings } from '../protocol/index.js';
import { addMessages, deleteMessage, mergeSettings, updateMessages } from '../client/room-state.js';
import { openSocket, request, type RelaySocket } from '../client/socket.js';

/** Messages of a room kept on screen. */
const MAX_MESSAGES = 200;

/**
 * One room, live: the console's Socket.IO connection (client/, as the
 * widget's) joined to the host's room, its messages as they are sent,
 * edited and deleted, and its settings as they change. Connects when the
 * host is on the page with a room, joins again on a new connection when
 * the room changes, closes and forgets the room when the host goes.
 *
 * A ticket opens one connection only, so every (re)connect fetches a new
 * one; a refusal (the session ended, or no ticket came) starts over while
 * the host is on the page.
 */
export class RoomConnection implements ReactiveController {
  messages: Message[] = [];
  settings: RoomSettings | undefined;
  /** Whether the room is joined now. */
  live = false;

  #socket?: RelaySocket;
  #room?: string;
  #connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: { room: () => string | undefined; server: () => string; ticket: () => Promise<string> },
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    // Joined at the next update, by when the host's properties (`room`) are set.
    this.host.requestUpdate();
  }

  // Before each render: a new room starts empty on a new connection.
  hostUpdate(): void {
    const room = this.options.room();
    if (room !== this.#room) {
      this.#close();
      this.#room = room;
      this.messages = [];
      this.settings = undefined;
    }
    if (room && this.#connected && !this.#socket) this.#connect(room);
  }

  // Leaves the room: shown again, it starts afresh (what was deleted meanwhile is not kept).
  hostDisconnected(): void {
    this.#connected = false;
    this.#close();
    this.#room = undefined;
    this.messages = [];
    this.settings = undefined;
  }

  #connect(room: string): void {
    const ticket = async () => ({ console: await this.options.ticket() });
    const socket = (this.#socket = openSocket(this.options.server(), ticket));
    const current = () => socket === this.#socket;
    socket.on('connect', () => void this.#join(socket, room));
    socket.on('disconnect', () => current() && this.#set({ live: false }));
    socket.on('connect_error', () => {
      if (!current()) return;
      this.#set({ live: false });
      if (!socket.active) setTimeout(() => current() && this.#connect(room), 1000);
    });
    const mine = (event: { room: string }) => current() && event.room === room;
    socket.on('message', (message) => mine(message) && this.#add([message]));
    socket.on('updated', (message) => mine(message) && this.#set({ messages: updateMessages(this.messages, [message]) }));
    socket.on('deleted', (event) => mine(event) && this.#set({ messages: deleteMessage(this.messages, event.seq) }));
    socket.on('room', (event) => mine(event) && this.#set({ settings: mergeSettings(this.settings, event.settings) }));
  }

  async #join(socket: RelaySocket, room: string): Promise<void> {
    const since = this.messages.at(-1)?.seq;
    const ack = await request(socket, 'join', { room, ...(since ? { since } : {}), limit: 100 }, 10_000).catch(() => undefined);
    if (!ack?.ok || socket !== this.#socket) return;
    this.live = true;
    this.#add(ack.messages);
    if (ack.settings) this.#set({ settings: mergeSettings(this.settings, ack.settings) });
  }

  #add(incoming: Message[]): void {
    this.#set({ messages: addMessages(this.messages, incoming).messages.slice(-MAX_MESSAGES) });
  }

  #set(change: Partial<Pick<RoomConnection, 'messages' | 'settings' | 'live'>>): void {
    Object.assign(this, change);
    this.host.requestUpdate();
  }

  #close(): void {
    this.#socket?.disconnect();
    this.#socket = undefined;
    this.live = false;
  }
}
