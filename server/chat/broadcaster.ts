import type { BannedEvent, Message, ReportEvent, ReportResolvedEvent, RoomEvent } from '../../protocol/index.js';

/**
 * How the chat core tells people what happened, whatever carries it (the
 * socket layer implements it over Socket.IO rooms, on every relay).
 */
export interface Broadcaster {
  /** A new message, to everyone in its room. */
  message(message: Message): void;
  /** A message was blanked, to everyone in its room. */
  deleted(room: string, seq: number): void;
  /** A message after an edit, a deletion or a reaction, whole, to everyone in its room. */
  updated(message: Message): void;
  /**
   * Takes every connection of a member out of a room and tells them, until
   * when; and so every guest connected from one of `addresses` (address keys).
   */
  banned(room: string, memberId: string, event: BannedEvent, addresses: string[]): Promise<void>;
  /**
   * Bans in a room were lifted: every connection told it was banned there
   * that no ban refuses any more, on whichever relay, is told `unbanned`.
   */
  unbanned(room: string): Promise<void>;
  /** A room's settings changed (blocked words already blanked), to everyone in it. */
  room(event: RoomEvent): void;
  /** A message was reported, to the room's moderators who are online. */
  report(event: ReportEvent): void;
  /** A report was resolved, to the room's moderators who are online. */
  reportResolved(event: ReportResolvedEvent): void;
}
