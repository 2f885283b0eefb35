import type { Member, PresenceEvent } from '../protocol/index.js';

const MEMBERS_IN_JOIN_ACK = 100;

/** Joins and leaves within this window go out as one `presence` event per room. */
const BATCH_MS = 50;

interface Online {
  member: Member;
  sockets: Set<string>;
}

interface Batch {
  joined: Map<string, Member>;
  left: Map<string, Member>;
  timer: NodeJS.Timeout;
}

/**
 * Who is online in each room of this relay. A member with several tabs
 * (sockets) counts once, and leaves when their last socket does. Changes are
 * announced in batches, so a hundred visitors arriving at once make one event
 * per room rather than a hundred, each sent to everyone.
 */
export class Presence {
  private readonly rooms = new Map<string, Map<string, Online>>();
  private readonly batches = new Map<string, Batch>();

  constructor(private readonly announce: (event: PresenceEvent) => void) {}

  /** Adds a socket to a room; announces its member if they were not online there. */
  add(room: string, member: Member, socketId: string): void {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Map()));
    const online = members.get(member.id);
    if (online) {
      online.sockets.add(socketId);
      return;
    }
    members.set(member.id, { member, sockets: new Set([socketId]) });
    const batch = this.batch(room);
    // Left and came back within one batch: nothing to tell.
    if (!batch.left.delete(member.id)) batch.joined.set(member.id, member);
  }

  /** Removes a socket from a room; announces its member's leaving when it was their last. */
  remove(room: string, memberId: string, socketId: string): void {
    const members = this.rooms.get(room);
    const online = members?.get(memberId);
    if (!members || !online || !online.sockets.delete(socketId) || online.sockets.size > 0) return;
    members.delete(memberId);
    if (members.size === 0) this.rooms.delete(room);
    const batch = this.batch(room);
    if (!batch.joined.delete(memberId)) batch.left.set(memberId, online.member);
  }

  count(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** At most 100 members, as the join ack carries. */
  members(room: string): Member[] {
    const list: Member[] = [];
    for (const { member } of this.rooms.get(room)?.values() ?? []) {
      if (list.length === MEMBERS_IN_JOIN_ACK) break;
      list.push(member);
    }
    return list;
  }

  roomCount(): number {
    return this.rooms.size;
  }

  /** Drops pending announcements (the relay is closing). */
  close(): void {
    for (const batch of this.batches.values()) clearTimeout(batch.timer);
    this.batches.clear();
  }

  private batch(room: string): Batch {
    let batch = this.batches.get(room);
    if (!batch) {
      const timer = setTimeout(() => this.flush(room), BATCH_MS);
      this.batches.set(room, (batch = { joined: new Map(), left: new Map(), timer }));
    }
    return batch;
  }

  private flush(room: string): void {
    const batch = this.batches.get(room)!;
    this.batches.delete(room);
    if (batch.joined.size === 0 && batch.left.size === 0) return;
    this.announce({ room, count: this.count(room), joined: [...batch.joined.values()], left: [...batch.left.values()] });
  }
}
