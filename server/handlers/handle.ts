import { z } from 'zod';
import { ROOM_PATTERN, type Ack, type ErrorBody, type ErrorCode } from '../../protocol/index.js';
import { StorageError } from '../stores/index.js';
import type { HandlerContext } from './context.js';

/** A refusal the client caused; its message is safe to show. */
export class ClientError extends Error {
  readonly body: ErrorBody;
  constructor(code: ErrorCode, message: string, retryAfterMs?: number) {
    super(message);
    this.body = retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs };
  }
}

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
 * Wraps one event's logic: takes the ack callback if there is one (a missing
 * callback is no error), validates the payload against the event's schema
 * (unknown fields refused), checks the room name, runs the action and acks
 * with the protocol's one shape. Nothing a client sends escapes as a throw.
 */
export function handle<S extends z.ZodType<{ room: string }>, R extends object>(
  ctx: HandlerContext,
  event: string,
  schema: S,
  act: (request: z.infer<S>) => Promise<R>,
): (...args: unknown[]) => void {
  return (...args) => {
    const last = args.at(-1);
    const ack: AckFn = typeof last === 'function' ? (last as AckFn) : () => {};
    const payload = typeof last === 'function' ? args.slice(0, -1) : args;
    void run(payload)
      .catch((error: unknown): Ack<R> => {
        if (error instanceof StorageError) {
          ctx.log.warn({ err: error, event }, 'storage unavailable');
          return fail('unavailable', 'storage is unavailable; retry later');
        }
        ctx.log.error({ err: error, event }, 'handler failed');
        return fail('internal', 'internal error');
      })
      .then((result) => {
        if (!result.ok) ctx.metrics.errors.inc({ code: result.error.code });
        ack(result);
      });
  };

  async function run(payload: unknown[]): Promise<Ack<R>> {
    if (payload.length !== 1) {
      return fail('invalid_payload', `${event} takes one payload object and an ack callback`);
    }
    const parsed = schema.safeParse(payload[0]);
    if (!parsed.success) return fail('invalid_payload', describe(parsed.error));
    if (!ROOM_PATTERN.test(parsed.data.room)) {
      return fail('invalid_room', 'room must be 1–64 of A-Z a-z 0-9 _ . : - and start with a letter or digit');
    }
    try {
      return { ok: true, ...(await act(parsed.data)) };
    } catch (error) {
      if (error instanceof ClientError) return { ok: false, error: error.body };
      throw error;
    }
  }
}

function fail(code: ErrorCode, message: string): Ack<never> {
  return { ok: false, error: { code, message } };
}
