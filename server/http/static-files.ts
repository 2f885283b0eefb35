import { createHash } from 'node:crypto';
import { readFileSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { negotiateEncoding, notModified } from './caching.js';

/** One file served as it is on disk, with the headers of its page. */
export interface StaticFile {
  url: string;
  /** Its name in the folder given to staticFiles(). */
  file: string;
  /** Its Content-Type (@fastify/static would name scripts application/javascript; RFC 9239 made it text/javascript). */
  type: string;
  /** Headers of every answer for it, 200 and 304 alike (caching, CORS, CSP…). */
  headers(reply: FastifyReply, request: FastifyRequest): void;
  schema?: FastifySchema;
}

/** The encodings the build writes beside a file (rollup.config.mjs), which @fastify/static picks by Accept-Encoding. */
const SIBLINGS = ['', '.br', '.gz'];

/**
 * Each file's strong ETag, a hash of its bytes, remembered until the file
 * changes: every relay of a deployment gives the same tag for the same bytes
 * (@fastify/send's own, size and mtime, differs between installs), and each
 * encoding has its own, since the bytes differ.
 */
const tags = new Map<string, { mtimeMs: number; size: number; tag: string }>();

function tagOf(path: string, stats: Stats): string {
  const known = tags.get(path);
  if (known && known.mtimeMs === stats.mtimeMs && known.size === stats.size) return known.tag;
  const tag = `"${createHash('sha256').update(readFileSync(path)).digest('base64url').slice(0, 16)}"`;
  tags.set(path, { mtimeMs: stats.mtimeMs, size: stats.size, tag });
  return tag;
}

/** The tags of a file in every encoding there is of it. */
async function tagsOf(path: string): Promise<string[]> {
  const found = await Promise.all(
    SIBLINGS.map((suffix) =>
      stat(path + suffix).then(
        (stats) => tagOf(path + suffix, stats),
        () => undefined,
      ),
    ),
  );
  return found.filter((tag) => tag !== undefined);
}

/**
 * GET (and HEAD) for each file, from one folder, by @fastify/static: the
 * .br or .gz the build wrote beside it when the client accepts one, else
 * the file itself. Around it, the one rule for every static file of the
 * relay: `Accept-Encoding` with q-values (406 when it refuses br, gzip and
 * identity, which @fastify/static would answer with the plain file), and
 * `If-None-Match` lists, weak tags and `*` (RFC 9110 §13.1.2), where a copy
 * held in any encoding is still current (they are the same file).
 *
 * Not wrapped in fastify-plugin: each folder has its own @fastify/static
 * (and its own `reply.sendFile`), encapsulated.
 */
export function staticFiles(dir: string, files: StaticFile[]): FastifyPluginAsync {
  return async (app) => {
    await app.register(fastifyStatic, {
      root: dir,
      serve: false,
      preCompressed: true,
      // Ours instead (above); no Last-Modified, which would be a second, weaker validator.
      etag: false,
      lastModified: false,
      cacheControl: false,
      // As before: whole files only, small enough not to need ranges.
      acceptRanges: false,
      suppressWarning: true,
      setHeaders: (reply, path, stats) => void reply.header('etag', tagOf(path, stats)),
    });
    for (const { url, file, type, headers, schema } of files) {
      app.get(
        url,
        {
          schema,
          // After @fastify/static has set its own Content-Type.
          onSend: async (_request, reply, payload) => {
            if (reply.statusCode !== 406) reply.header('content-type', type);
            return payload;
          },
        },
        async (request, reply) => {
          headers(reply, request);
          reply.header('vary', 'accept-encoding');
          if (!negotiateEncoding(request)) {
            return reply
              .code(406)
              .type('application/json; charset=utf-8')
              .send(JSON.stringify({ error: { code: 'invalid_payload', message: 'Accept-Encoding refuses br, gzip and identity' } }));
          }
          const ifNoneMatch = request.headers['if-none-match'];
          if (ifNoneMatch) {
            const held = (await tagsOf(join(dir, file))).find((tag) => notModified(ifNoneMatch, tag));
            if (held) return reply.header('etag', held).code(304).send();
          }
          return reply.sendFile(file);
        },
      );
    }
  };
}
