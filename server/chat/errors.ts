import type { ErrorBody, ErrorCode } from '../../protocol/index.js';
import { StorageError } from '../stores/store.js';

/** A refusal the client caused; its message is safe to show. */
export class ClientError extends Error {
  readonly body: ErrorBody;
  /** `details`: what the code carries besides (a `banned` join's `until` and `reason`). */
  constructor(code: ErrorCode, message: string, retryAfterMs?: number, details?: Pick<ErrorBody, 'until' | 'reason'>) {
    super(message);
    this.body = retryAfterMs === undefined ? { code, message, ...details } : { code, message, retryAfterMs, ...details };
  }
}

interface Log {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/**
 * The one mapping from anything a chat action threw to the contract's error
 * body, for the socket acks and the HTTP answers alike: a client's mistake
 * says what was wrong, storage trouble says retry, anything else says
 * `internal` (logged here, never shown).
 */
export function errorBody(error: unknown, log: Log, context: object = {}): ErrorBody {
  if (error instanceof ClientError) return error.body;
  if (error instanceof StorageError) {
    log.warn({ err: error, ...context }, 'storage unavailable');
    return { code: 'unavailable', message: 'storage is unavailable; retry later' };
  }
  log.error({ err: error, ...context }, 'request failed');
  return { code: 'internal', message: 'internal error' };
}
