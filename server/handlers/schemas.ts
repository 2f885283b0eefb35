import { z } from 'zod';
import { CLIENT_ID_PATTERN } from '../../protocol/index.js';

/** One schema per client event; strict objects, so unknown fields are refused. */

// Room names are checked after the shape (invalid_room rather than invalid_payload).
const room = z.string();
const seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const limit = z.number().int().min(1);

export const joinSchema = z.strictObject({ room, since: seq.optional(), limit: limit.optional() });
export const leaveSchema = z.strictObject({ room });
export const sendSchema = z.strictObject({
  room,
  text: z.string(),
  clientMsgId: z.string().regex(CLIENT_ID_PATTERN, 'must be 8–64 of A-Z a-z 0-9 _ -'),
});
