import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ClientError, errorBody } from '../chat/errors.js';
import { invalidRoom } from '../chat/rules.js';
import type { HttpErrorCode } from './schemas.js';

const STATUS: Partial<Record<HttpErrorCode, number>> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** A refusal at the HTTP door (no or wrong key), which the socket side answers at the handshake instead. */
export class HttpError extends Error {
  constructor(
    readonly code: 'unauthorized',
    message: string,
  ) {
    super(message);
  }
}

/** Whether a validation failure is the room's (in the path or the query): `invalid_room`, as on the socket. */
function namesRoom(validation: unknown): boolean {
  return Array.isArray(validation) && validation.some((e: { instancePath?: string }) => e.instancePath === '/room');
}

type FastifyError = Error & { validation?: unknown; validationContext?: string; statusCode?: number };

/**
 * Every HTTP error as `{ error: { code, message } }` with the socket events'
 * codes: the chat core's refusals through the same mapping as the acks,
 * Fastify's own validation as `invalid_payload` (or `invalid_room` for the path).
 */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    let code: HttpErrorCode;
    let message = error.message;
    if (error instanceof HttpError) code = error.code;
    else if (error.validation && namesRoom(error.validation)) {
      ({ code, message } = invalidRoom().body);
    } else if (error.validation || (error.statusCode && error.statusCode < 500 && !(error instanceof ClientError))) {
      code = 'invalid_payload';
    } else ({ code, message } = errorBody(error, request.log));
    app.metrics.errors.inc({ code });
    // A rate limit says when to come back, in the body as on the socket and as Retry-After.
    const retryAfterMs = error instanceof ClientError ? error.body.retryAfterMs : undefined;
    if (retryAfterMs !== undefined) reply.header('retry-after', Math.ceil(retryAfterMs / 1000));
    return reply
      .code(STATUS[code] ?? error.statusCode ?? 400)
      .send({ error: retryAfterMs === undefined ? { code, message } : { code, message, retryAfterMs } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url}` } }),
  );
}

/**
 * What Node's HTTP parser refuses before any route runs (headers too large,
 * a malformed request, a request that took too long to arrive), answered in
 * the same `{ error: { code, message } }` shape as every other error rather
 * than Fastify's own. Passed to Fastify as `clientErrorHandler`.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, message] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'the request did not arrive in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'the request headers are too large']
        : [400, 'the request is not valid HTTP'];
  const body = JSON.stringify({ error: { code: 'invalid_payload', message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
