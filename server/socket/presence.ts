import type { Member } from '../../protocol/index.js';
import { isChatRoom, memberRoom, type ChatServer } from './types.js';

const MEMBERS_IN_JOIN_ACK = 100;
/**
 * Joins and leaves within a window go out as one `presence` event per room:
 * 50 ms, or half a millisecond per member the room has on this relay, up to
 * 5 s. Each event goes to every member, so a crowd filling a big room with
 * a fixed window cost a write per member every 50 ms (10,000 members: the
 * relay's whole CPU); growing with the room, it costs about the same each
 * second whatever the room's size.
 */
const BATCH_MS = 50;
const BATCH_MS_PER_MEMBER = 0.5;
const MAX_BATCH_MS = 5000;
/** How long to wait for the other relays' answer before counting this relay's sockets only. */
const CLUSTER_TIMEOUT_MS = 1000;

/** What presence reads of a socket, local or on another relay. */
interface RoomSocket {
  id: string;
  rooms: Set<string>;
  data: { member?: Member };
}

/** Whether a socket is a member's other tab in `room`: not `exceptSocket`, and in the room. */
const anotherTabIn = (room: string, exceptSocket?: string) => (socket: RoomSocket) =>
  socket.id !== exceptSocket && socket.rooms.has(room);

interface Batch {
  joined: Map<string, Member>;
  left: Map<string, Member>;
}

/**
 * Who is online, read from Socket.IO's own rooms, so it is true across every
 * relay of a cluster (through the Redis adapter) and can never drift from who
 * actually receives the room's messages. A member with several tabs, on one
 * relay or several, counts once. Arrivals and departures are announced in
 * batches, so a crowd arriving makes one event per room, not one per person.
 */
export class Presence {
  private readonly batches = new Map<string, Batch>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /**
   * A lone relay's rooms: how many of a room's sockets belong to a member
   * who has another socket there (a second tab). Its members are its
   * sockets less these, so a join's count reads two numbers, not the room.
   * Kept from the adapter's own join and leave events, so it cannot miss a
   * way in or out.
   */
  private readonly extraTabs = new Map<string, number>();
  private closed = false;

  /**
   * `clustered`: other relays share the rooms (the Redis adapter). A lone
   * relay reads its own rooms directly: `fetchSockets` copies every socket of
   * the room, its rooms too.
   */
  constructor(
    private readonly io: ChatServer,
    private readonly clustered: boolean,
  ) {
    if (clustered) return;
    const { adapter } = io.of('/');
    adapter.on('join-room', (room: string, id: string) => this.countTab(room, id, 1));
    adapter.on('leave-room', (room: string, id: string) => this.countTab(room, id, -1));
  }

  /** The members online in a room, everywhere (one entry per member). */
  async online(room: string): Promise<Map<string, Member>> {
    const members = new Map<string, Member>();
    for (const { data } of await this.sockets(room)) if (data.member) members.set(data.member.id, data.member);
    return members;
  }

  /** Count and at most 100 members, as the join ack carries them. */
  async snapshot(room: string): Promise<{ count: number; members: Member[] }> {
    if (this.clustered) {
      const online = await this.online(room);
      return { count: online.size, members: [...online.values()].slice(0, MEMBERS_IN_JOIN_ACK) };
    }
    // Up to the first 100 members, not the whole room: a crowd joining
    // read it once per join, quadratic in the crowd.
    const members = new Map<string, Member>();
    for (const { data } of this.localSockets(room)) {
      if (members.size === MEMBERS_IN_JOIN_ACK) break;
      if (data.member) members.set(data.member.id, data.member);
    }
    const sockets = this.io.of('/').adapter.rooms.get(room)?.size ?? 0;
    return { count: sockets - (this.extraTabs.get(room) ?? 0), members: [...members.values()] };
  }

  /** Whether the member has a socket in the room other than `exceptSocket`, on any relay. */
  async present(room: string, memberId: string, exceptSocket?: string): Promise<boolean> {
    return (await this.sockets(memberRoom(memberId))).some(anotherTabIn(room, exceptSocket));
  }

  /** A socket entered the room: announce its member unless they were already here. */
  async arrived(room: string, member: Member, socketId: string): Promise<void> {
    if (await this.present(room, member.id, socketId)) return;
    const batch = this.batch(room);
    // Left and came back within one batch: nothing to tell.
    if (!batch.left.delete(member.id)) batch.joined.set(member.id, member);
  }

  /** A socket is leaving the room: announce its member if it was their last socket there. */
  async departed(room: string, member: Member, socketId: string): Promise<void> {
    if (await this.present(room, member.id, socketId)) return;
    const batch = this.batch(room);
    if (!batch.joined.delete(member.id)) batch.left.set(member.id, member);
  }

  /** A socket joined (+1) or left (-1) a room: one tab more or fewer if its member has another there. */
  private countTab(room: string, socketId: string, change: 1 | -1): void {
    if (room === socketId || !isChatRoom(room)) return;
    const member = this.io.of('/').sockets.get(socketId)?.data.member;
    if (!member || ![...this.localSockets(memberRoom(member.id))].some(anotherTabIn(room, socketId))) return;
    const extra = (this.extraTabs.get(room) ?? 0) + change;
    if (extra > 0) this.extraTabs.set(room, extra);
    else this.extraTabs.delete(room);
  }

  /** The sockets in a room, on every relay. */
  private async sockets(room: string): Promise<RoomSocket[]> {
    if (!this.clustered) return [...this.localSockets(room)];
    try {
      return await this.io.in(room).timeout(CLUSTER_TIMEOUT_MS).fetchSockets();
    } catch {
      // Another relay did not answer (it may have just died): count ours.
      return [...this.localSockets(room)];
    }
  }

  /** This relay's sockets in a room, one at a time (a join's snapshot stops at 100). */
  private *localSockets(room: string): Generator<RoomSocket> {
    const namespace = this.io.of('/');
    for (const id of namespace.adapter.rooms.get(room) ?? []) {
      const socket = namespace.sockets.get(id);
      if (socket) yield socket;
    }
  }

  /** Rooms with someone in them on this relay (for /metrics). */
  localRoomCount(): number {
    const { rooms, sids } = this.io.of('/').adapter;
    let count = 0;
    for (const room of rooms.keys()) if (!sids.has(room) && isChatRoom(room)) count++;
    return count;
  }

  /** Drops pending announcements (the relay is closing). */
  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.batches.clear();
  }

  private batch(room: string): Batch {
    let batch = this.batches.get(room);
    if (!batch) {
      // Closing: announcements would go to sockets already gone.
      if (this.closed) return { joined: new Map(), left: new Map() };
      this.batches.set(room, (batch = { joined: new Map(), left: new Map() }));
      const members = this.io.of('/').adapter.rooms.get(room)?.size ?? 0;
      const window = Math.min(MAX_BATCH_MS, Math.max(BATCH_MS, members * BATCH_MS_PER_MEMBER));
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        void this.flush(room);
      }, window);
      this.timers.add(timer);
    }
    return batch;
  }

  private async flush(room: string): Promise<void> {
    const batch = this.batches.get(room)!;
    this.batches.delete(room);
    if (batch.joined.size === 0 && batch.left.size === 0) return;
    const online = await this.online(room);
    // Told as it is now: who arrived and already went is not news, nor who left and came back.
    const joined = [...batch.joined.values()].filter((m) => online.has(m.id));
    const left = [...batch.left.values()].filter((m) => !online.has(m.id));
    if (joined.length === 0 && left.length === 0) return;
    this.io.to(room).emit('presence', { room, count: online.size, joined, left });
  }
}
