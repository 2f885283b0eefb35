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
  private closed = false;

  constructor(private readonly io: ChatServer) {}

  /** The members online in a room, everywhere (one entry per member). */
  async online(room: string): Promise<Map<string, Member>> {
    let sockets: { data: { member?: Member } }[];
    try {
      sockets = await this.io.in(room).timeout(CLUSTER_TIMEOUT_MS).fetchSockets();
    } catch {
      // Another relay did not answer (it may have just died): count ours.
      sockets = await this.io.local.in(room).fetchSockets();
    }
    const members = new Map<string, Member>();
    for (const { data } of sockets) if (data.member) members.set(data.member.id, data.member);
    return members;
  }

  /** Count and at most 100 members, as the join ack carries them. */
  async snapshot(room: string): Promise<{ count: number; members: Member[] }> {
    const online = await this.online(room);
    return { count: online.size, members: [...online.values()].slice(0, MEMBERS_IN_JOIN_ACK) };
  }

  /** Whether the member has a socket in the room other than `exceptSocket`, on any relay. */
  async present(room: string, memberId: string, exceptSocket?: string): Promise<boolean> {
    let sockets: { id: string; rooms: Set<string> }[];
    try {
      sockets = await this.io.in(memberRoom(memberId)).timeout(CLUSTER_TIMEOUT_MS).fetchSockets();
    } catch {
      sockets = await this.io.local.in(memberRoom(memberId)).fetchSockets();
    }
    return sockets.some((s) => s.id !== exceptSocket && s.rooms.has(room));
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
