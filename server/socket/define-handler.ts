import { z } from 'zod';
import type { Ack } from '../../protocol/index.js';
import { ClientError, errorBody } from '../chat/errors.js';
import { take } from '../chat/limits.js';
import { checkPlainStrings, checkRoom } from '../chat/rules.js';
import type { HandlerContext } from './context.js';
import { MAX_QUEUED_BYTES, queuedBytes } from './queued.js';
import { readersRoom } from './types.js';

/**
 * Requests one connection may have unanswered at once. A client library
 * waits for its answers; one that pipelines hundreds (200 `history` of 200
 * messages fit in 10 KB) would have them all answered at once, blocking the
 * relay while it reads and encodes them. The excess is refused at once.
 */
export const MAX_PENDING_REQUESTS = 8;
/**
 * Requests of any kind per connection per 10 s: 60, or twice what RATE_LIMIT
 * lets a member send in 10 s if that is more (sends are requests too).
 * RATE_LIMIT=off: no limit.
 */
export function requestsPerConnection(rateLimit: { points: number; windowMs: number }) {
  const windowMs = 10_000;
  return { points: Math.max(60, Math.ceil((2 * rateLimit.points * windowMs) / rateLimit.windowMs)), windowMs };
}
/** What a refused request is told to wait, when no limiter says better. */
const RETRY_MS = 1000;

export interface HandlerOptions {
  /**
   * The answer can be large (a page of history): refused while this
   * connection's own earlier answers still wait, unread, past the
   * slow-consumer limit, so a client that stops reading cannot make the
   * relay queue more for it (checked before answering, not after).
   */
  heavy?: boolean;
}

/**
 * Refuses a write from a socket that has not joined the room: `banned` when
 * it only reads the room, banned (`join { readOnly }`), `not_joined` otherwise.
 */
export function requireJoined(ctx: HandlerContext, room: string): void {
  if (ctx.socket.rooms.has(room)) return;
  if (ctx.socket.rooms.has(readersRoom(room))) throw new ClientError('banned', `you are banned from ${room}: you may read, not write`);
  throw new ClientError('not_joined', `join ${room} first`);
}

/** Refuses a read from a socket that neither joined the room nor reads it banned. */
export function requireReading(ctx: HandlerContext, room: string): void {
  if (!ctx.socket.rooms.has(readersRoom(room))) requireJoined(ctx, room);
}

function describe(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const where = issue.path.length > 0 ? issue.path.join('.') : 'payload';
  return `${where}: ${issue.message}`;
}

type AckFn = (ack: Ack<object>) => void;

/** One event's handler, shared by every connection: it is given the connection's context and the event's arguments. */
export type Handler = (ctx: HandlerContext, args: unknown[]) => void;

/**
 * Defines one event's handler: takes the ack callback if there is one (a
 * missing callback is no error), validates the payload against the event's
 * schema (unknown fields refused), checks the room name, runs the action and
 * acks with the protocol's one shape. Nothing a client sends escapes as a throw.
 * Defined once per event, not per connection: a relay holding tens of
 * thousands of idle connections keeps no closures for each.
 */
export function defineHandler<S extends z.ZodType<{ room: string }>, R extends object>(
  event: string,
  schema: S,
  act: (ctx: HandlerContext, request: z.infer<S>) => Promise<R>,
  { heavy = false }: HandlerOptions = {},
): Handler {
  async function run(ctx: HandlerContext, payload: unknown[]): Promise<Ack<R>> {
    // Counted before anything is awaited: requests that arrive together
    // (one read of a pipelined burst) all see each other.
    if (ctx.requests && ctx.pending >= MAX_PENDING_REQUESTS) {
      return { ok: false, error: { code: 'rate_limited', message: 'too many requests at once; wait for the answers', retryAfterMs: RETRY_MS } };
    }
    ctx.pending++;
    try {
      if (ctx.requests) await take(ctx.requests, ctx.socket.id, 'too many requests');
      if (heavy && queuedBytes(ctx.socket.conn) > MAX_QUEUED_BYTES) {
        throw new ClientError('rate_limited', 'earlier answers are still waiting to be read', RETRY_MS);
      }
      if (payload.length !== 1) throw new ClientError('invalid_payload', `${event} takes one payload object and an ack callback`);
      checkPlainStrings(payload[0]);
      const parsed = schema.safeParse(payload[0]);
      if (!parsed.success) throw new ClientError('invalid_payload', describe(parsed.error));
      checkRoom(parsed.data.room);
      return { ok: true, ...(await act(ctx, parsed.data)) };
    } catch (error) {
      return { ok: false, error: errorBody(error, ctx.log, { event }) };
    } finally {
      ctx.pending--;
    }
  }

  return (ctx, args) => {
    const last = args.at(-1);
    const ack: AckFn = typeof last === 'function' ? (last as AckFn) : () => {};
    const payload = typeof last === 'function' ? args.slice(0, -1) : args;
    void run(ctx, payload).then((result) => {
      if (!result.ok) ctx.metrics.errors.inc({ code: result.error.code });
      ack(result);
    });
  };
}
