/**
 * What the contract tests (PROTOCOL.md v2, one file a topic) share: the
 * relay's secrets and the tokens they sign, a relay with signed identities
 * and the admin API on, socket.io-client and raw Engine.IO clients, the admin
 * API, and the check of a refusal. Written only from PROTOCOL.md's text.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { TestContext } from 'node:test';
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import WebSocket from 'ws';
import { type Client, msgId, request, startRelay } from '../helpers.js';
import { freshPostgres } from '../services.js';

export const jwtSecret = 'contract-secret-that-is-at-least-32-characters';
export const adminApiKey = 'contract-admin-key-0123456789';
export const sign = (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(jwtSecret));
export const modToken = (sub = 'mod-1', rooms?: string[]) => sign({ sub, name: `Mod ${sub}`, role: 'moderator', ...(rooms ? { rooms } : {}) });
export const userToken = (sub: string, name = sub) => sign({ sub, name });

/** The store the contract tests' relays use: SQLite, or PostgreSQL with CONTRACT_STORE=postgres (and TEST_POSTGRES_URL). */
const onPostgres = process.env.CONTRACT_STORE === 'postgres';

/** A relay with signed identities and the admin API on. */
export const relayWith = async (t: TestContext, overrides: Parameters<typeof startRelay>[1] = {}) =>
  startRelay(t, { jwtSecret, adminApiKey, ...(onPostgres ? { databaseUrl: await freshPostgres(t) } : {}), ...overrides });

/** A socket.io-client with extra headers (X-Forwarded-For, Origin). */
export function client(
  t: TestContext,
  url: string,
  auth: Record<string, unknown>,
  headers: Record<string, string> = {},
  transport: 'websocket' | 'polling' = 'websocket',
): Promise<Client> {
  const socket: Client = io(url, { auth, transports: [transport], reconnection: false, forceNew: true, extraHeaders: headers });
  t.after(() => void socket.disconnect());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export async function joinAs(t: TestContext, url: string, room: string, auth: Record<string, unknown>, headers: Record<string, string> = {}) {
  const socket = await client(t, url, auth, headers);
  const ack = await request(socket, 'join', { room });
  return { socket, ack };
}

export const send = (socket: Client, room: string, text: string, extra: Record<string, unknown> = {}) =>
  request(socket, 'send', { room, text, clientMsgId: msgId(), ...extra });

export function api(url: string, method: string, path: string, body?: unknown, key: string | null = adminApiKey, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${url}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

export const failed = (ack: any, code: string) => {
  assert.equal(ack.ok, false, `expected ${code}, got ${JSON.stringify(ack)}`);
  assert.equal(ack.error.code, code, JSON.stringify(ack));
  assert.equal(typeof ack.error.message, 'string');
};

// ---------------------------------------------------------------- raw Engine.IO

/** A Socket.IO client over a raw WebSocket, to count the arguments of each packet. */
export async function rawClient(t: TestContext, url: string, auth: object) {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
  t.after(() => ws.close());
  const frames: string[] = [];
  const waiters: { test: (f: string) => boolean; resolve: (f: string) => void }[] = [];
  ws.on('message', (data) => {
    const frame = data.toString();
    if (frame === '2') return void ws.send('3');
    frames.push(frame);
    for (const w of [...waiters]) if (w.test(frame)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(frame);
    }
  });
  const wait = (testFn: (f: string) => boolean, ms = 3000) =>
    new Promise<string>((resolve, reject) => {
      const found = frames.find(testFn);
      if (found) return resolve(found);
      const timer = setTimeout(() => reject(new Error('no such frame')), ms);
      waiters.push({ test: testFn, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  await once(ws, 'open');
  await wait((f) => f.startsWith('0{'));
  ws.send(`40${JSON.stringify(auth)}`);
  await wait((f) => f.startsWith('40'));
  let id = 0;
  return {
    frames,
    /** Emits and resolves with the ack's argument list. */
    async emit(event: string, payload: unknown): Promise<unknown[]> {
      const n = ++id;
      ws.send(`42${n}${JSON.stringify([event, payload])}`);
      const frame = await wait((f) => f.startsWith(`43${n}[`));
      return JSON.parse(frame.slice(`43${n}`.length));
    },
    /** Every event packet received so far, as [name, ...args]. */
    events: () => frames.filter((f) => f.startsWith('42[')).map((f) => JSON.parse(f.slice(2)) as unknown[]),
    wait,
  };
}
