import type { Member } from '../protocol/index.js';

const MEMBERS_IN_JOIN_ACK = 100;

interface Online {
  member: Member;
  sockets: Set<string>;
}

/**
 * Who is online in each room of this relay. A member with several tabs
 * (sockets) counts once, and leaves when their last socket does.
 */
export class Presence {
  private readonly rooms = new Map<string, Map<string, Online>>();

  /** Adds a socket; returns true when its member was not online in the room before. */
  add(room: string, member: Member, socketId: string): boolean {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Map()));
    const online = members.get(member.id);
    if (online) {
      online.sockets.add(socketId);
      return false;
    }
    members.set(member.id, { member, sockets: new Set([socketId]) });
    return true;
  }

  /** Removes a socket; returns true when that was its member's last socket in the room. */
  remove(room: string, memberId: string, socketId: string): boolean {
    const members = this.rooms.get(room);
    const online = members?.get(memberId);
    if (!members || !online || !online.sockets.delete(socketId)) return false;
    if (online.sockets.size > 0) return false;
    members.delete(memberId);
    if (members.size === 0) this.rooms.delete(room);
    return true;
  }

  count(room: string): number {
    return this.rooms.get(room)?.size ?? 0;
  }

  /** At most 100 members, as the join ack carries. */
  members(room: string): Member[] {
    const members = this.rooms.get(room);
    if (!members) return [];
    const list: Member[] = [];
    for (const { member } of members.values()) {
      if (list.length === MEMBERS_IN_JOIN_ACK) break;
      list.push(member);
    }
    return list;
  }

  roomCount(): number {
    return this.rooms.size;
  }
}
