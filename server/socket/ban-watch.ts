import type { FastifyBaseLogger } from 'fastify';
import type { BanNotice } from '../../protocol/index.js';
import type { Actor } from '../chat/moderation.js';
import type { Presence } from './presence.js';
import { actorOf, memberRoom, readersRoom, type BanChange, type ChatServer, type ChatSocket } from './types.js';

/**
 * The longest one timer waits: Node fires a timer of more than 2^31 ms
 * (under 25 days) at once, and a ban may last a year. Past it the timer
 * fires, finds nothing due, and waits again.
 */
const MAX_WAIT_MS = 24 * 60 * 60 * 1000;
/** When storage did not answer, how long before a connection's ban is looked at again. */
const RETRY_MS = 5000;

/** Whose ban is in force in a room now (the chat core's `banOn`), undefined when none. */
export type BanLookup = (actor: Actor, room: string) => Promise<(BanNotice & { until: number }) | undefined>;

/**
 * Tells a connection `unbanned` when the ban it was told of is over: lifted
 * by `unban`, or its time run out while it is connected. Each relay watches
 * its own connections only (the relay holding a socket is the one that can
 * tell it): those told `banned` (the member's tabs, the guests of their
 * address), refused `banned` at a join, or reading by `join { readOnly }`.
 *
 * One timer per relay, set for the earliest end among them, rather than one
 * per ban: a ban outlives none of the connections it watches (each is
 * dropped when it disconnects), and a ban renewed or lifted meanwhile is
 * read from the store again before anyone is told. With several relays, a
 * ban or an unban on one is told to the others (`bans`, through the
 * adapter), each of which looks at its own connections.
 */
export class BanWatch {
  /** By room, this relay's connections told they are banned there, with when their ban ends. */
  private readonly rooms = new Map<string, Map<string, number>>();
  /** By connection, the rooms it is watched in. */
  private readonly sockets = new Map<string, Set<string>>();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private closed = false;

  constructor(
    private readonly io: ChatServer,
    private readonly presence: Presence,
    private readonly banOn: BanLookup,
    private readonly clustered: boolean,
    private readonly log: FastifyBaseLogger,
  ) {
    if (clustered) io.on('bans', (change) => void this.changed(change).catch((err) => log.warn({ err }, 'ban change not applied')));
  }

  /**
   * A connection of this relay was told it is banned from `room` until
   * `until`. Callers reach here after an await (a join's ban lookup, a
   * recheck): a connection that went meanwhile was already forgotten, and
   * watching it again would keep it until its ban ends (up to a year).
   */
  watch(socketId: string, room: string, until: number): void {
    if (this.closed || !this.io.of('/').sockets.has(socketId)) return;
    let watched = this.rooms.get(room);
    if (!watched) this.rooms.set(room, (watched = new Map()));
    watched.set(socketId, until);
    let rooms = this.sockets.get(socketId);
    if (!rooms) this.sockets.set(socketId, (rooms = new Set()));
    rooms.add(room);
    if (until < this.timerAt) this.schedule(until);
  }

  /** A connection went: nothing more to tell it. */
  forget(socketId: string): void {
    for (const room of this.sockets.get(socketId) ?? []) this.drop(socketId, room);
  }

  /** Tells every relay, this one included, that bans changed in a room. */
  async tell(change: BanChange): Promise<void> {
    if (this.clustered) this.io.serverSideEmit('bans', change);
    await this.changed(change);
  }

  /** How many connections this relay watches (tests read it: every one is dropped in the end). */
  get size(): number {
    return this.sockets.size;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.rooms.clear();
    this.sockets.clear();
  }

  /**
   * A ban was written: the member's connections on this relay, and the
   * guests of their address it took out of the room (`sockets`), are
   * watched until it ends. Bans were lifted: every connection watched in
   * the room is looked at again.
   */
  private async changed({ room, memberId, until, sockets = [] }: BanChange): Promise<void> {
    if (memberId === undefined || until === undefined) {
      await this.recheck(room, [...(this.rooms.get(room)?.keys() ?? [])]);
      return;
    }
    const local = this.io.of('/').adapter.rooms.get(memberRoom(memberId)) ?? [];
    for (const id of [...local, ...sockets]) this.watch(id, room, until);
  }

  /** Looks again at these connections' bans in `room`: each one no ban refuses any more is told, and stops being watched. */
  private async recheck(room: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      const socket = this.io.of('/').sockets.get(id);
      if (!socket) {
        this.drop(id, room);
        continue;
      }
      let ban;
      try {
        ban = await this.banOn(actorOf(socket), room);
      } catch (err) {
        this.log.warn({ err, room }, 'ban not read; looked at again later');
        this.watch(id, room, Date.now() + RETRY_MS);
        continue;
      }
      if (ban) this.watch(id, room, ban.until);
      else {
        this.drop(id, room);
        await this.lift(socket, room);
      }
    }
  }

  /**
   * Tells a connection its ban is over. One that was reading the room
   * becomes a member of it again (in it, counted, free to write), so the
   * client need not join again.
   */
  private async lift(socket: ChatSocket, room: string): Promise<void> {
    if (socket.rooms.has(readersRoom(room)) && socket.connected) {
      await socket.leave(readersRoom(room));
      await socket.join(room);
      await this.presence.arrived(room, socket.data.member, socket.id);
    }
    socket.emit('unbanned', { room });
  }

  private drop(socketId: string, room: string): void {
    const watched = this.rooms.get(room);
    if (watched?.delete(socketId) && watched.size === 0) this.rooms.delete(room);
    const rooms = this.sockets.get(socketId);
    if (rooms?.delete(room) && rooms.size === 0) this.sockets.delete(socketId);
  }

  private schedule(at: number): void {
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => void this.due(), Math.max(0, Math.min(MAX_WAIT_MS, at - Date.now())));
    this.timer.unref();
  }

  /** The timer fired: the connections whose ban has ended are looked at; the timer is set for the next end. */
  private async due(): Promise<void> {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    const due: [string, string][] = [];
    for (const [room, watched] of this.rooms) {
      for (const [id, until] of watched) {
        if (until <= now) due.push([room, id]);
        else next = Math.min(next, until);
      }
    }
    if (next < Infinity) this.schedule(next);
    for (const [room, id] of due) await this.recheck(room, [id]);
  }
}
