import type { HandlerContext } from './context.js';
import { ClientError, handle } from './handle.js';
import { deleteSchema } from './schemas.js';

/**
 * `delete`: the author or a moderator blanks a message. It keeps its seq (so
 * no client sees a gap); everyone in the room is told with `deleted`.
 */
export function deleteHandler(ctx: HandlerContext) {
  const { io, socket, store } = ctx;
  return handle(ctx, 'delete', deleteSchema, async ({ room, seq }) => {
    const message = await store.get(room, seq);
    if (!message) throw new ClientError('not_found', `${room} has no message ${seq}`);
    const member = socket.data.member;
    if (message.author.id !== member.id && member.role !== 'moderator') {
      throw new ClientError('forbidden', 'only the author or a moderator may delete a message');
    }
    if (!message.deleted) {
      await store.markDeleted(room, seq);
      io.to(room).emit('deleted', { room, seq });
    }
    return {};
  });
}
