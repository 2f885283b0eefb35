/**
 * The JSON Schemas of the HTTP routes, generated from the protocol's zod
 * schemas (protocol/), the same ones the socket validates with: they
 * validate requests (ajv, without coercion: see app.ts), document
 * /openapi.json and serialize answers (a field missing from a shape would be
 * dropped from the answer, which the HTTP tests would catch).
 */
import { z } from 'zod';
import {
  auditPage,
  auditQuery,
  banBody,
  banList,
  memberParams,
  overviewQuery,
  sharedShapes,
  pageQuery,
  postBody,
  reportPage,
  reportParams,
  reportsQuery,
  roomList,
  roomParams,
  roomsQuery,
  seqParams,
  settingsPatch,
} from '../../protocol/index.js';

export type { HttpErrorCode } from '../../protocol/index.js';

/**
 * OpenAPI 3.0's dialect: `nullable: true` rather than a type list, which
 * both ajv (Fastify's validator) and the OpenAPI 3.0.3 document accept.
 */
const target = 'openapi-3.0';

/** A shared shape's `$ref`, as the routes and the shared schemas write it. */
const ref = (id: string) => ({ $ref: `${id}#` });

/**
 * A protocol schema as a route's JSON Schema: requests as clients write
 * them (`input`), answers as the relay writes them (`output`); the shared
 * shapes inside it become `$ref`s to sharedSchemas.
 */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(schema, {
    target,
    io,
    override: ({ zodSchema, jsonSchema }) => {
      const id = sharedShapes.get(zodSchema)?.id;
      if (id === undefined || (zodSchema as unknown) === schema) return;
      for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
      Object.assign(jsonSchema, ref(id));
    },
  }) as Record<string, unknown>;
}

/** The shapes the routes refer to by `$ref` (components/schemas/<id> in /openapi.json): Member, Message, Report … */
export const sharedSchemas: Record<string, unknown>[] = Object.entries(
  z.toJSONSchema(sharedShapes, { target, io: 'output', uri: (id) => `${id}#` }).schemas,
).map(([id, schema]) => ({ ...schema, $id: id }));

// Requests: path parameters, queries, bodies.
export const roomParamsSchema = jsonSchema(roomParams);
export const seqParamsSchema = jsonSchema(seqParams);
export const memberParamsSchema = jsonSchema(memberParams);
export const reportParamsSchema = jsonSchema(reportParams);
export const pageQuerySchema = jsonSchema(pageQuery);
export const roomsQuerySchema = jsonSchema(roomsQuery);
export const reportsQuerySchema = jsonSchema(reportsQuery);
export const auditQuerySchema = jsonSchema(auditQuery);
export const overviewQuerySchema = jsonSchema(overviewQuery);
export const postBodySchema = jsonSchema(postBody);
export const settingsPatchSchema = jsonSchema(settingsPatch);
export const banBodySchema = jsonSchema(banBody);

// Answers.
export const shared = (id: 'Message' | 'MessagePage' | 'RoomSettings' | 'Ban' | 'Report' | 'Overview', description: string) => ({ description, ...ref(id) });
export const roomListSchema = jsonSchema(roomList, 'output');
export const banListSchema = jsonSchema(banList, 'output');
export const reportPageSchema = jsonSchema(reportPage, 'output');
export const auditPageSchema = jsonSchema(auditPage, 'output');

export const errorResponse = (description: string) => ({ description, ...ref('Error') });
