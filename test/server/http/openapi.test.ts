import SwaggerParser from '@apidevtools/swagger-parser';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { OpenAPIV3 } from 'openapi-types';
import { joined, next, startRelay } from '../helpers.js';

const key = 'admin-key-for-tests-0123456789';

/** The HTTP routes of PROTOCOL.md ("## HTTP"), as OpenAPI paths. */
const PROTOCOL_ROUTES = [
  'get /live-chat.js',
  'get /',
  'get /healthz',
  'get /readyz',
  'get /metrics',
  'get /api/rooms/{room}/messages',
  'post /api/rooms/{room}/messages',
  // v2
  'get /console',
  'get /api/rooms',
  'get /api/rooms/{room}/settings',
  'patch /api/rooms/{room}/settings',
  'delete /api/rooms/{room}/messages/{seq}',
  'get /api/rooms/{room}/bans',
  'post /api/rooms/{room}/bans',
  'delete /api/rooms/{room}/bans/{memberId}',
  'get /api/reports',
  'post /api/reports/{id}/resolve',
  'get /api/rooms/{room}/audit',
];

async function openapi(url: string): Promise<OpenAPIV3.Document> {
  // The most locked-down relay: guests off and a key set; the document still needs no key.
  const response = await fetch(`${url}/openapi.json`);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^application\/json/);
  return (await response.json()) as OpenAPIV3.Document;
}

test('GET /openapi.json is a valid OpenAPI 3 document, public even when everything else needs the key', async (t) => {
  const relay = await startRelay(t, { guests: false, adminApiKey: key });
  const doc = await openapi(relay.url);
  assert.match(doc.openapi, /^3\./);
  // Validates against the OpenAPI 3 schema and resolves every $ref, from the document alone (no network).
  await SwaggerParser.validate(structuredClone(doc) as never, { resolve: { external: false } });

  const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item!).map(([method, operation]) => ({ route: `${method} ${path}`, operation: operation as OpenAPIV3.OperationObject })),
  );
  for (const route of PROTOCOL_ROUTES) {
    assert.ok(operations.some((o) => o.route === route), `${route} (PROTOCOL.md) is in the document`);
  }
  for (const { route, operation } of operations) {
    assert.ok(operation.summary, `${route} has a summary`);
    assert.ok(Object.keys(operation.responses).length > 0, `${route} describes its responses`);
  }
});

test('the document describes the messages API: parameters, body, responses and the admin key', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const doc = (await SwaggerParser.dereference((await openapi(relay.url)) as never, {
    resolve: { external: false },
  })) as OpenAPIV3.Document;
  const messages = doc.paths['/api/rooms/{room}/messages']!;

  const scheme = doc.components?.securitySchemes?.adminApiKey as OpenAPIV3.HttpSecurityScheme;
  assert.deepEqual([scheme.type, scheme.scheme], ['http', 'bearer']);

  const get = messages.get!;
  const parameters = (get.parameters as OpenAPIV3.ParameterObject[]).map((p) => `${p.in} ${p.name} ${p.required}`).sort();
  assert.deepEqual(parameters, ['path room true', 'query before false', 'query limit false']);
  const room = (get.parameters as OpenAPIV3.ParameterObject[]).find((p) => p.name === 'room')!.schema as OpenAPIV3.SchemaObject;
  assert.equal(room.pattern, '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$');
  assert.deepEqual(Object.keys(get.responses).sort(), ['200', '400', '401', '500', '503']);
  assert.deepEqual(get.security, [{}, { adminApiKey: [] }], 'the key is optional (needed only with GUESTS=off)');

  const post = messages.post!;
  assert.deepEqual(post.security, [{ adminApiKey: [] }]);
  const body = (post.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']!.schema as OpenAPIV3.SchemaObject;
  assert.deepEqual(body.required, ['text', 'author']);
  assert.deepEqual(Object.keys(post.responses).sort(), ['200', '201', '400', '401', '404', '500', '503']);
  const error = (post.responses['401'] as OpenAPIV3.ResponseObject).content!['application/json']!.schema as OpenAPIV3.SchemaObject;
  assert.ok(((error.properties!.error as OpenAPIV3.SchemaObject).properties!.code as OpenAPIV3.SchemaObject).enum!.includes('unauthorized'));

  // What the relay really answers has exactly the documented shape. The
  // response schemas also serialize, and would silently drop an undocumented
  // field: so the HTTP answer is compared with the same message as sockets get it.
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const live = next(alice.socket, 'message');
  const created = await fetch(`${relay.url}/api/rooms/lobby/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ text: 'hello', author: { id: 'bot', name: 'Bot', avatar: 'https://example.com/a.png' }, clientMsgId: 'deploy-0001' }),
  });
  assert.equal(created.status, 201);
  const message = await created.json();
  assert.deepEqual(message, await live);
  const documented = (post.responses['201'] as OpenAPIV3.ResponseObject).content!['application/json']!.schema as OpenAPIV3.SchemaObject;
  assertShape(message, documented, 'message');
  const page = await (await fetch(`${relay.url}/api/rooms/lobby/messages`)).json();
  assertShape(page, (get.responses['200'] as OpenAPIV3.ResponseObject).content!['application/json']!.schema as OpenAPIV3.SchemaObject, 'page');
  assert.deepEqual(page.messages, [message]);
});

test('the document describes the paging of reports: before and limit asked, total and hasMore answered, as the relay answers', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const doc = (await SwaggerParser.dereference((await openapi(relay.url)) as never, {
    resolve: { external: false },
  })) as OpenAPIV3.Document;
  const get = doc.paths['/api/reports']!.get!;
  const parameters = (get.parameters as OpenAPIV3.ParameterObject[]).map((p) => `${p.in} ${p.name} ${p.required}`).sort();
  assert.deepEqual(parameters, ['query before false', 'query limit false', 'query room false', 'query status false']);
  assert.deepEqual(Object.keys(get.responses).sort(), ['200', '400', '401', '404', '500', '503']);
  const documented = (get.responses['200'] as OpenAPIV3.ResponseObject).content!['application/json']!.schema as OpenAPIV3.SchemaObject;
  assert.deepEqual(documented.required, ['reports', 'total', 'hasMore']);

  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  const bob = await joined(t, relay.url, 'lobby', { name: 'bob' });
  const sent = await (alice.socket.timeout(3000) as any).emitWithAck('send', { room: 'lobby', text: 'rude', clientMsgId: 'report-me-0001' });
  await (bob.socket.timeout(3000) as any).emitWithAck('report', { room: 'lobby', seq: sent.message.seq, reason: 'rude' });
  const page = await (await fetch(`${relay.url}/api/reports?status=open&limit=1`, { headers: { authorization: `Bearer ${key}` } })).json();
  assertShape(page, documented, 'reports');
  assert.deepEqual([page.reports.length, page.total, page.hasMore], [1, 1, false]);
});

test('the document describes the overview (an addition to the contract) as the relay answers it', async (t) => {
  const relay = await startRelay(t, { adminApiKey: key });
  const doc = (await SwaggerParser.dereference((await openapi(relay.url)) as never, {
    resolve: { external: false },
  })) as OpenAPIV3.Document;
  const get = doc.paths['/api/overview']!.get!;
  assert.deepEqual(get.security, [{ adminApiKey: [] }, { consoleSession: [] }]);
  assert.deepEqual(Object.keys(get.responses).sort(), ['200', '400', '401', '500', '503']);
  const documented = (get.responses['200'] as OpenAPIV3.ResponseObject).content!['application/json']!.schema as OpenAPIV3.SchemaObject;
  assert.deepEqual(documented.required, ['from', 'messages', 'online', 'rooms', 'openReports']);
  const alice = await joined(t, relay.url, 'lobby', { name: 'alice' });
  await (alice.socket.timeout(3000) as any).emitWithAck('send', { room: 'lobby', text: 'hi', clientMsgId: 'overview-0001' });
  const answer = await (await fetch(`${relay.url}/api/overview`, { headers: { authorization: `Bearer ${key}` } })).json();
  assertShape(answer, documented, 'overview');
  assert.deepEqual(answer.rooms, [{ room: 'lobby', messages: 1, online: 1 }]);
});

/** Every required property is there and no property is undocumented, all the way down. */
function assertShape(value: any, schema: OpenAPIV3.SchemaObject, path: string): void {
  if (schema.type === 'array') {
    value.forEach((item: unknown, i: number) => assertShape(item, schema.items as OpenAPIV3.SchemaObject, `${path}[${i}]`));
  } else if (schema.type === 'object') {
    for (const name of schema.required ?? []) assert.ok(name in value, `${path}.${name} is required by the document`);
    for (const [name, item] of Object.entries(value)) {
      const property = schema.properties?.[name] as OpenAPIV3.SchemaObject | undefined;
      assert.ok(property, `${path}.${name} is in the answer but not in the document`);
      assertShape(item, property, `${path}.${name}`);
    }
  }
}
