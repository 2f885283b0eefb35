import type { HandlerContext, Relay, RelaySocket } from './context.js';
import { handle } from './handle.js';
import { leaveSchema } from './schemas.js';
import { stopTyping } from './typing.js';

/** Takes a socket out of a room; presence tells the others if its member is gone. */
export function removeFromRoom({ presence }: Relay, socket: RelaySocket, room: string): void {
  presence.remove(room, socket.data.member.id, socket.id);
  void socket.leave(room);
}

/** Leaves a room on the client's behalf (leave, disconnect), ending any typing there first. */
export function leaveRoom(ctx: HandlerContext, room: string): void {
  stopTyping(ctx, room);
  removeFromRoom(ctx, ctx.socket, room);
}

/** `leave`: leaving a room one never joined is harmless, so it is not an error. */
export function leaveHandler(ctx: HandlerContext) {
  return handle(ctx, 'leave', leaveSchema, async ({ room }) => {
    if (ctx.socket.rooms.has(room)) leaveRoom(ctx, room);
    return {};
  });
}
