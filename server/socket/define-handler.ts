import { z } from 'zod';
import type { Ack } from '../../protocol/index.js';
import { ClientError, errorBody } from '../chat/errors.js';
import { checkPlainStrings, checkRoom } from '../chat/rules.js';
import type { HandlerContext } from './context.js';

/** Refuses an event from a socket that has not joined the room. */
export function requireJoined(ctx: HandlerContext, room: string): void {
  if (!ctx.socket.rooms.has(room)) throw new ClientError('not_joined', `join ${room} first`);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
  return `${where}: ${issue.message}`;
}

type AckFn = (ack: Ack<object>) => void;

/**
 * Defines one event's handler: takes the ack callback if there is one (a
 * missing callback is no error), validates the payload against the event's
 * schema (unknown fields refused), checks the room name, runs the action and
 * acks with the protocol's one shape. Nothing a client sends escapes as a throw.
 */
export function defineHandler<S extends z.ZodType<{ room: string }>, R extends object>(
  ctx: HandlerContext,
  event: string,
  schema: S,
  act: (request: z.infer<S>) => Promise<R>,
): (...args: unknown[]) => void {
  return (...args) => {
    const last = args.at(-1);
    const ack: AckFn = typeof last === 'function' ? (last as AckFn) : () => {};
    const payload = typeof last === 'function' ? args.slice(0, -1) : args;
    void run(payload).then((result) => {
      if (!result.ok) ctx.metrics.errors.inc({ code: result.error.code });
      ack(result);
    });
  };

  async function run(payload: unknown[]): Promise<Ack<R>> {
    try {
      if (payload.length !== 1) throw new ClientError('invalid_payload', `${event} takes one payload object and an ack callback`);
      checkPlainStrings(payload[0]);
      const parsed = schema.safeParse(payload[0]);
      if (!parsed.success) throw new ClientError('invalid_payload', describe(parsed.error));
      checkRoom(parsed.data.room);
      return { ok: true, ...(await act(parsed.data)) };
    } catch (error) {
      return { ok: false, error: errorBody(error, ctx.log, { event }) };
    }
  }
}
