import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { copyFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { io } from 'socket.io-client';
import type { HandshakeAuth } from '../../../protocol/index.js';
import { buildApp } from '../../../server/app.js';
import { loadConfig } from '../../../server/config.js';
import { demoDir, widgetDir } from '../../../server/paths.js';
import { openStore } from '../../../server/stores/index.js';
import { MIGRATIONS } from '../../../server/stores/sqlite.js';
import { type Client, request, tempDir } from '../helpers.js';
import { freshPostgres, postgresUrl, skipWithoutPostgres } from '../services.js';

/**
 * A database written by the previous release (v2, commit f680fa3), opened by
 * today's relay: migrated at start, nothing lost, and the relay works on top.
 * The fixtures were made by that release itself (fixtures/README.md); each
 * comes with what v2 served from it, which today's relay must still serve.
 */

const fixtures = join(import.meta.dirname, '../fixtures');
const JWT_SECRET = 'upgrade-secret-upgrade-secret-upgrade-secret';
const ADMIN_API_KEY = 'upgrade-admin-key-0001';
const BOB = { name: 'bob', clientId: 'fixture-bob-0001' };
const ALICE = { name: 'alice', clientId: 'fixture-alice-0001' };
const MALLORY = { name: 'mallory', clientId: 'fixture-mallory-0001' };
const TRUDY = { name: 'trudy', clientId: 'fixture-trudy-0001' };

type Row = Record<string, unknown>;
/** Each table's columns and rows. */
type Tables = Map<string, { columns: string[]; rows: Row[] }>;

interface Fixture {
  skip: string | false;
  /** What the v2 relay served from the database before it stopped (make-v2.ts). */
  served: any;
  /** A copy of the v2 database of the test's own; its DATABASE_URL. */
  load(t: TestContext): Promise<string>;
  /** Every table's rows, as the database holds them. */
  tables(url: string): Promise<Tables>;
  /** A database today's relay made new, for its schema. */
  fresh(t: TestContext): Promise<string>;
  /** The schema: each table's columns with their types, defaults and keys, and each index, sorted. */
  schema(url: string): Promise<string[]>;
}

const fixtureFor: Record<'sqlite' | 'postgres', Fixture> = {
  sqlite: {
    skip: false,
    served: JSON.parse(readFileSync(join(fixtures, 'v2-sqlite.json'), 'utf8')),
    async load(t) {
      const file = join(tempDir(t), 'v2.db');
      copyFileSync(join(fixtures, 'v2-sqlite.db'), file);
      return `sqlite:${file}`;
    },
    async tables(url) {
      const db = new Database(url.slice('sqlite:'.length), { readonly: true });
      try {
        const names = db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
        return new Map(
          names.map(({ name }) => [
            name,
            {
              columns: db.prepare<[], { name: string }>(`PRAGMA table_info("${name}")`).all().map((c) => c.name),
              rows: db.prepare<[], Row>(`SELECT * FROM "${name}"`).all(),
            },
          ]),
        );
      } finally {
        db.close();
      }
    },
    fresh: async (t) => `sqlite:${join(tempDir(t), 'new.db')}`,
    async schema(url) {
      const db = new Database(url.slice('sqlite:'.length), { readonly: true });
      try {
        const items = db.prepare<[], { type: string; name: string; tbl_name: string; sql: string | null }>(
          "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
        ).all();
        return items
          .flatMap(({ type, name, tbl_name, sql }) =>
            type === 'table'
              ? db.prepare<[], Row>(`PRAGMA table_info("${name}")`).all().map((c) => `${name}.${JSON.stringify(Object.values({ ...c, cid: 0 }))}`)
              : // An index's SQL is as written; a table's grows with each ALTER, so its columns stand for it.
                [`${type} ${name} ON ${tbl_name}: ${sql?.replace(/\s+/g, ' ')}`],
          )
          .sort();
      } finally {
        db.close();
      }
    },
  },
  postgres: {
    skip: skipWithoutPostgres,
    served: JSON.parse(readFileSync(join(fixtures, 'v2-postgres.json'), 'utf8')),
    async load(t) {
      // The dump names its tables public.*, as v2 made them: it is loaded
      // into a database of its own, dropped after the test.
      const name = `live_chat_upgrade_${randomBytes(6).toString('hex')}`;
      const server = new pg.Client({ connectionString: postgresUrl });
      await server.connect();
      await server.query(`CREATE DATABASE ${name}`);
      await server.end();
      t.after(async () => {
        const cleanup = new pg.Client({ connectionString: postgresUrl });
        await cleanup.connect();
        await cleanup.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await cleanup.end();
      });
      const url = new URL(postgresUrl!);
      url.pathname = `/${name}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      await client.query(readFileSync(join(fixtures, 'v2-postgres.sql'), 'utf8'));
      await client.end();
      return url.toString();
    },
    async tables(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows: names } = await client.query<{ name: string }>(
          "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
        );
        const tables: Tables = new Map();
        for (const { name } of names) {
          const { rows: columns } = await client.query<{ name: string }>(
            'SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1',
            [name],
          );
          tables.set(name, { columns: columns.map((c) => c.name), rows: (await client.query<Row>(`SELECT * FROM "${name}"`)).rows });
        }
        return tables;
      } finally {
        await client.end();
      }
    },
    fresh: freshPostgres,
    async schema(url) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows: columns } = await client.query<Row>(
          `SELECT table_name, column_name, data_type, is_nullable, column_default FROM information_schema.columns
           WHERE table_schema = current_schema()`,
        );
        const { rows: indexes } = await client.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()');
        return [
          ...columns.map((c) => JSON.stringify(Object.values(c))),
          // Without the schema's name, which differs between the two.
          ...indexes.map((i) => i.indexdef.replace(/ ON \S+\./, ' ON ')),
        ].sort();
      } finally {
        await client.end();
      }
    },
  },
};

/** Each row as text, with only `columns`, in their order. */
function rowTexts(rows: Row[], columns: string[]): string[] {
  return rows.map((row) => JSON.stringify(columns.map((c) => [c, row[c]])));
}

/** Every row of every table `before` holds is in `after`, whatever columns were added since. */
function assertNothingLost(before: Tables, after: Tables): void {
  for (const [table, { columns, rows }] of before) {
    const now = after.get(table);
    assert.ok(now, `table ${table} is still there`);
    for (const column of columns) assert.ok(now.columns.includes(column), `${table}.${column} is still there`);
    const left = new Map<string, number>();
    for (const text of rowTexts(now.rows, columns)) left.set(text, (left.get(text) ?? 0) + 1);
    for (const text of rowTexts(rows, columns)) {
      const count = left.get(text) ?? 0;
      assert.ok(count > 0, `${table} lost a row: ${text}`);
      left.set(text, count - 1);
    }
  }
}

/** Every table with a `site` column holds only site `default`'s rows; how many such tables there are. */
function assertAllDefaultSite(tables: Tables): number {
  let checked = 0;
  for (const [table, { columns, rows }] of tables) {
    if (!columns.includes('site')) continue;
    checked++;
    for (const row of rows) assert.equal(row.site, 'default', `${table}: ${JSON.stringify(row)}`);
  }
  return checked;
}

/**
 * `actual` serves all that `expected` held: every field of every object,
 * arrays whole and in order. Fields the relay has added since v2 are
 * allowed; a field v2 sent and today's relay drops or changes is not.
 */
function assertServes(actual: unknown, expected: unknown, path = ''): void {
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: an array, got ${JSON.stringify(actual)}`);
    assert.equal(actual.length, expected.length, `${path}: ${actual.length} entries, v2 served ${expected.length}`);
    expected.forEach((item, i) => assertServes(actual[i], item, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: an object, got ${JSON.stringify(actual)}`);
    for (const [key, value] of Object.entries(expected)) assertServes((actual as Row)[key], value, `${path}.${key}`);
  } else {
    assert.deepEqual(actual, expected, path);
  }
}

/**
 * Runs Date.now from `start` on for the rest of the test. The fixtures'
 * bans end an hour, a day and a year after they were made: the relay runs
 * as on the minute after, so which bans are in force does not depend on
 * the day the test runs.
 */
function clockFrom(t: TestContext, start: number): void {
  const real = Date.now;
  const offset = real() - start;
  Date.now = () => real() - offset;
  t.after(() => {
    Date.now = real;
  });
}

async function startRelay(t: TestContext, databaseUrl: string, env: Record<string, string> = {}) {
  const config = loadConfig(
    { DATABASE_URL: databaseUrl, JWT_SECRET, ADMIN_API_KEY, TRUST_PROXY: 'loopback', RATE_LIMIT: 'off', ...env },
    { widgetDir, demoDir },
  );
  const app = await buildApp({ ...config, port: 0, host: '127.0.0.1' }, { logger: false });
  t.after(() => app.close());
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const connect = async (auth: HandshakeAuth, address?: string): Promise<Client> => {
    const socket: Client = io(url, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(address ? { extraHeaders: { 'x-forwarded-for': address } } : {}),
    });
    t.after(() => void socket.disconnect());
    await new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', reject);
    });
    return socket;
  };
  const signed = async (claims: Record<string, unknown>) => {
    const { SignJWT } = await import('jose');
    const token = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(new TextEncoder().encode(JWT_SECRET));
    return connect({ token });
  };
  const api = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${url}${path}`, { ...init, headers: { authorization: `Bearer ${ADMIN_API_KEY}`, ...init.headers } });
    assert.ok(response.ok, `${path}: ${response.status} ${await response.clone().text()}`);
    return response.json() as Promise<any>;
  };
  return {
    url,
    connect,
    api,
    mia: () => signed({ sub: 'u-mia', name: 'Mia', role: 'moderator', rooms: ['lobby', 'help'] }),
    zoe: () => signed({ sub: 'u-zoe', name: 'Zoë' }),
  };
}

for (const [kind, fixture] of Object.entries(fixtureFor)) {
  const { served } = fixture;
  const { ids } = served;

  describe(`a ${kind} database written by v2`, { skip: fixture.skip }, () => {
    test('is migrated when opened, every row kept, all of it in site default', async (t) => {
      const url = await fixture.load(t);
      const before = await fixture.tables(url);
      assert.equal(before.get('messages')!.rows.length, 12, 'the fixture as made');

      const store = await openStore(url);
      await store.close();
      const after = await fixture.tables(url);
      assertNothingLost(before, after);
      assert.ok(assertAllDefaultSite(after) >= 1, 'some table has a site column');
      // Every step ran: the schema is the one a new database gets.
      const fresh = await fixture.fresh(t);
      await (await openStore(fresh)).close();
      assert.deepEqual(await fixture.schema(url), await fixture.schema(fresh));
      if (kind === 'sqlite') {
        const db = new Database(url.slice('sqlite:'.length), { readonly: true });
        t.after(() => db.close());
        assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      } else {
        const versions = after.get('live_chat_migrations')!.rows.map((r) => Number(r.version));
        assert.ok(versions.length > 6 && versions.length === new Set(versions).size, `migrations recorded: ${versions}`);
      }
    });

    test("today's relay serves all that v2 served from it", async (t) => {
      clockFrom(t, served.madeAt + 60_000);
      const relay = await startRelay(t, await fixture.load(t));
      const mia = await relay.mia();
      const zoe = await relay.zoe();
      for (const room of ['lobby', 'help']) {
        const v2 = served[room];
        const join = await request(mia, 'join', { room });
        assert.equal(join.ok, true, JSON.stringify(join));
        // Messages with their text, author, revisions, edits, replies,
        // mentions, reactions and deletions; the settings and pinned message.
        assertServes(join, v2.join, `${room} join`);
        assertServes((await request(zoe, 'join', { room })).myReactions, v2.zoeReactions, `${room} Zoë's reactions`);
        assertServes(await relay.api(`/api/rooms/${room}/messages?limit=200`), v2.history, `${room} HTTP history`);
        assertServes(await request(mia, 'bans', { room }), { ok: true, bans: v2.bans }, `${room} bans`);
        assertServes(await relay.api(`/api/rooms/${room}/audit?limit=200`), v2.audit, `${room} audit`);
        assertServes(await relay.api(`/api/rooms/${room}/settings`), v2.settings, `${room} settings`);
      }
      assertServes((await relay.api('/api/reports?limit=100')).reports, served.reports, 'reports');
      // The room list, but for who is online (nobody yet, in this relay).
      const rooms = served.rooms.rooms.map(({ online: _, ...room }: Row) => room);
      assertServes((await relay.api('/api/rooms')).rooms, rooms, 'rooms');

      // The revisions hold: what changed after rev 12, below the newest two.
      const since = await request(mia, 'join', { room: 'lobby', limit: 2, sinceRev: 12 });
      assert.deepEqual(since.messages.map((m: any) => m.seq), [7, 8]);
      assert.deepEqual(since.changed.map((m: any) => [m.seq, m.rev]), [[2, 13], [3, 15], [5, 16], [6, 17], [4, 18]]);
    });

    test('its bans hold, by member and by address, and so does its unban', async (t) => {
      clockFrom(t, served.madeAt + 60_000);
      const relay = await startRelay(t, await fixture.load(t));
      const joins = async (auth: HandshakeAuth, address: string, room: string) => {
        const ack = await request(await relay.connect(auth, address), 'join', { room });
        return ack.ok ? 'joined' : ack.error.code;
      };
      assert.equal(await joins(MALLORY, '198.51.100.7', 'lobby'), 'banned');
      assert.equal(await joins({ name: 'mal', clientId: 'upgrade-mal-0001' }, '198.51.100.7', 'lobby'), 'banned', "mallory's address");
      assert.equal(await joins(MALLORY, '198.51.100.7', 'help'), 'joined', 'banned from lobby only');
      assert.equal(await joins(TRUDY, '2001:db8:1:2::5', 'lobby'), 'joined', 'unbanned in v2');
      assert.equal(await joins(BOB, '203.0.113.11', 'help'), 'banned');
      assert.equal(await joins({ name: 'bobby', clientId: 'upgrade-bobby-0001' }, '203.0.113.11', 'help'), 'banned', "bob's address");
      assert.equal(await joins(BOB, '203.0.113.11', 'lobby'), 'joined');
      // A ban after the upgrade finds trudy's address from what v2 recorded of her.
      const mia = await relay.mia();
      await request(mia, 'join', { room: 'lobby' });
      assert.deepEqual(await request(mia, 'ban', { room: 'lobby', memberId: ids.trudy, minutes: 10 }), { ok: true });
      assert.equal(await joins({ name: 'tru', clientId: 'upgrade-tru-0001' }, '2001:db8:1:2::99', 'lobby'), 'banned', "trudy's /64");
      // Still past the ban of an hour v2 lifted, which stays lifted.
      const [mallory] = (await request(mia, 'bans', { room: 'lobby' })).bans.filter((b: any) => b.member.id === ids.mallory);
      assert.deepEqual([mallory.reason, mallory.until], ['spam, twice', served.lobby.bans[0].until]);
    });

    test('its reports keep their state, and are resolved the v3 way: stored who and how, told to every moderator', async (t) => {
      clockFrom(t, served.madeAt + 60_000);
      const relay = await startRelay(t, await fixture.load(t));
      const before = (await relay.api('/api/reports?limit=100')).reports;
      const v2Resolved = before.find((r: any) => r.status === 'resolved');
      assert.ok(v2Resolved && v2Resolved.resolved === undefined, 'resolved in v2: still resolved, by nobody known');
      const open = before.find((r: any) => r.status === 'open');
      const mia = await relay.mia();
      await request(mia, 'join', { room: open.room });
      const told = new Promise<any>((resolve) => mia.once('reportResolved', resolve));
      assert.deepEqual(await request(mia, 'resolve', { room: open.room, seq: open.message.seq }), { ok: true });
      const event = await told;
      assert.deepEqual([event.room, event.seq, event.how], [open.room, open.message.seq, 'dismissed']);
      const after = (await relay.api('/api/reports?limit=100')).reports.find((r: any) => r.id === open.id);
      assert.deepEqual([after.status, after.resolved.how, after.resolved.by.id], ['resolved', 'dismissed', event.by.id]);
    });

    test('the relay goes on from it: the same guests, the next seq, its settings in force', async (t) => {
      clockFrom(t, served.madeAt + 60_000);
      const relay = await startRelay(t, await fixture.load(t));
      const alice = await relay.connect(ALICE, '203.0.113.10');
      const join = await request(alice, 'join', { room: 'lobby' });
      assert.equal(join.self.id, ids.alice, 'a guest is the same member after the upgrade');
      assert.deepEqual(join.myReactions, [{ seq: 2, emoji: '😂' }]);
      assert.deepEqual([join.lastSeq, join.rev], [8, 18]);
      const older = await request(alice, 'history', { room: 'lobby', before: 4, limit: 10 });
      assertServes(older.messages, served.lobby.join.messages.slice(0, 3), 'history before 4');

      const sent = await request(alice, 'send', { room: 'lobby', text: 'back after the upgrade', clientMsgId: 'upgrade-alice-1', replyTo: 5 });
      assert.equal(sent.ok, true, JSON.stringify(sent));
      assert.deepEqual([sent.message.seq, sent.message.rev, sent.message.replyTo.text], [9, 19, 'I like this chat (edited)']);
      // v2's settings are in force: slow mode, the blocked word, members only.
      assert.equal((await request(alice, 'send', { room: 'lobby', text: 'again', clientMsgId: 'upgrade-alice-2' })).error?.code, 'slow_mode');
      const carol = await relay.connect({ name: 'carol', clientId: 'upgrade-carol-0001' }, '203.0.113.12');
      await request(carol, 'join', { room: 'lobby' });
      const blocked = await request(carol, 'send', { room: 'lobby', text: 'cheap followers here', clientMsgId: 'upgrade-carol-1' });
      assert.equal(blocked.error?.code, 'blocked');
      await request(alice, 'join', { room: 'help' });
      assert.equal((await request(alice, 'send', { room: 'help', text: 'me again', clientMsgId: 'upgrade-alice-3' })).error?.code, 'members_only');

      const zoe = await relay.zoe();
      await request(zoe, 'join', { room: 'help' });
      const reacted = await request(zoe, 'react', { room: 'help', seq: 1, emoji: '🎉', on: true });
      assert.deepEqual(reacted.message.reactions, [{ emoji: '👍', count: 1 }, { emoji: '🎉', count: 1 }]);
      // A retry of a message sent before the upgrade is recognized, not stored again.
      const question = served.help.join.messages[0];
      const retry = await request(zoe, 'send', { room: 'help', text: question.text, clientMsgId: question.clientMsgId });
      assert.deepEqual([retry.ok, retry.message?.id], [true, question.id]);
      const answer = await request(zoe, 'send', { room: 'help', text: 'found it, thanks', clientMsgId: 'upgrade-zoe-1' });
      assert.deepEqual([answer.message.seq, answer.message.rev], [5, 7]);
      const page = await relay.api('/api/rooms/help/messages?before=6&limit=2');
      assert.deepEqual([page.messages.map((m: any) => m.text), page.hasMore], [['Helpdesk hours: 9–17 CET', 'found it, thanks'], true]);
      assert.deepEqual(
        (await relay.api('/api/rooms')).rooms.map((r: any) => [r.room, r.messages, r.lastSeq]),
        [['help', 5, 5], ['lobby', 7, 9]],
      );
    });

    test('its queued webhooks are delivered, in order, without the text of messages deleted in v2', async (t) => {
      clockFrom(t, served.madeAt + 60_000);
      const url = await fixture.load(t);
      const queued = (await fixture.tables(url)).get('webhook_events')!.rows.sort((a, b) => Number(a.id) - Number(b.id));
      assert.equal(queued.length, 29, 'the fixture as made');

      const bodies: { id: string; body: string }[] = [];
      const receiver = createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (chunk) => (body += chunk));
        req.on('end', () => {
          bodies.push({ id: String(req.headers['webhook-id']), body });
          res.writeHead(204).end();
        });
      }).listen(0, '127.0.0.1');
      await once(receiver, 'listening');
      t.after(() => new Promise((resolve) => receiver.close(resolve)));
      await startRelay(t, url, {
        WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`,
        WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}`,
      });
      for (let waited = 0; bodies.length < queued.length; waited += 50) {
        assert.ok(waited < 10_000, `${bodies.length} of ${queued.length} delivered`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      for (const room of ['lobby', 'help']) {
        const ofRoom = queued.filter((e) => e.room === room);
        const got = bodies.filter((b) => ofRoom.some((e) => e.webhook_id === b.id));
        assert.deepEqual(got.map((b) => b.id), ofRoom.map((e) => e.webhook_id), `${room}: each once, in order`);
      }
      // Lobby's messages 4 and 6 were deleted in v2, after their events were
      // queued: their text is not sent, in their own events nor in a reply's
      // or a report's. Every other event goes as v2 queued it.
      const deletedTexts = ['BUY cheap followers at example.com', 'oops, wrong room'];
      for (const { id, body } of bodies) {
        const event = queued.find((e) => e.webhook_id === id)!;
        for (const text of deletedTexts) assert.ok(!body.includes(text), `${event.type} ${id} holds "${text}"`);
        if (!deletedTexts.some((text) => String(event.body).includes(text))) assert.equal(body, event.body);
      }
    });
  });
}
