import type { ReactiveControllerHost } from 'lit';
import type { Member, TypingEvent } from '../../protocol/index.js';
import { TYPING_THROTTLE_MS } from '../../protocol/limits.js';
import type { Connection } from '../connection.js';
import { ACK_TIMEOUT_MS } from './outbox.js';

/** Stop saying "typing" after this long idle (it is repeated every TYPING_THROTTLE_MS while typing). */
const TYPING_IDLE_MS = 4000;
/** Forget someone's "typing" after this long without a repeat (a lost `false`). */
const TYPIST_EXPIRY_MS = 6000;

/**
 * "… is typing", both ways: who in the room is typing (each forgotten after a
 * while without a repeat), and telling the room while the visitor types.
 */
export class Typing {
  /** Who is typing, by member id. */
  typists = new Map<string, { member: Member; until: number }>();
  #sentAt = 0;
  #idle?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The room's controller: the connection and room while joined. */
    private readonly room: { readonly joined?: { connection: Connection; room: string } },
  ) {}

  /** A `typing` event from the room. */
  heard({ member, typing }: TypingEvent): void {
    if (typing) {
      this.typists.set(member.id, { member, until: Date.now() + TYPIST_EXPIRY_MS });
      setTimeout(() => this.#prune(), TYPIST_EXPIRY_MS + 50);
    } else {
      this.typists.delete(member.id);
    }
    this.host.requestUpdate();
  }

  /** Tells the room the visitor is typing: repeated while they type, stopped when they pause. */
  say(active: boolean): void {
    const joined = this.room.joined;
    if (!joined) return;
    const { connection, room } = joined;
    clearTimeout(this.#idle);
    if (!active) {
      if (this.#sentAt) connection.request('typing', { room, typing: false }, ACK_TIMEOUT_MS).catch(() => {});
      this.#sentAt = 0;
      return;
    }
    if (Date.now() - this.#sentAt >= TYPING_THROTTLE_MS) {
      this.#sentAt = Date.now();
      connection.request('typing', { room, typing: true }, ACK_TIMEOUT_MS).catch(() => {});
    }
    this.#idle = setTimeout(() => this.say(false), TYPING_IDLE_MS);
  }

  /** The visitor sent (the message says they stopped) or left: no "typing" follows. */
  stop(): void {
    this.#sentAt = 0;
    clearTimeout(this.#idle);
  }

  #prune(): void {
    const now = Date.now();
    for (const [id, { until }] of this.typists) if (until <= now) this.typists.delete(id);
    this.host.requestUpdate();
  }
}
