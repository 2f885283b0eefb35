import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { controlPair, frame, PollingSession, rawAck, rawTcp, RawSocket, type ControlPair } from '../attack-helpers.js';
import { spawnRelay, type RelayProcess } from '../cluster-helpers.js';
import { tempDir } from '../helpers.js';

/**
 * Raw protocol attacks on a relay running as its own process (dist/), so that
 * an uncaught exception would kill it and be seen: the published crash cases
 * of socket.io-parser, engine.io and ws, oversized and malformed frames over
 * WebSocket and HTTP long-polling, then random packets. After each attack the
 * process is alive and a control pair of real clients still chats.
 */

const LIMIT = 64 * 1024;

async function relayProcess(t: TestContext): Promise<RelayProcess & { stderr: () => string }> {
  const relay = await spawnRelay(t, { DATABASE_URL: `sqlite:${join(tempDir(t), 'chat.db')}` });
  let stderr = '';
  relay.child.stderr!.on('data', (chunk) => (stderr += chunk));
  return { ...relay, stderr: () => stderr };
}

async function stillServing(relay: RelayProcess, control: ControlPair, label: string) {
  assert.equal(relay.child.exitCode, null, `the relay process died after ${label}`);
  assert.equal(relay.child.signalCode, null, `the relay process died after ${label}`);
  assert.equal((await fetch(`${relay.url}/healthz`)).status, 200, `healthz after ${label}`);
  await control.chat(label);
}

/** How a raw attack on a member's socket must end. */
type Expect =
  | 'closed' // the relay closes that connection (a parse or protocol error)
  | 'refused' // answered with an ack { ok: false, error: { code } }, connection kept
  | 'ignored'; // no answer, connection kept (Socket.IO drops what it does not route)

interface WsSeed {
  name: string;
  /** The advisory whose payload shape this is, if any. */
  source?: string;
  frames: (string | Buffer | { raw: Buffer })[];
  expect: Expect;
  /** For 'refused': the error code. */
  code?: string;
  /**
   * For 'closed': the WebSocket close code. Socket.IO and Engine.IO close a
   * connection that sent a malformed packet without one (1005); ws names
   * protocol errors (1002), invalid UTF-8 (1007) and messages over the limit (1009).
   */
  closeCode?: number;
}

const placeholder = (num: unknown) => JSON.stringify({ _placeholder: true, num });
const invalidUtf8 = Buffer.from([0x34, 0x32, 0x5b, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x5d]); // 42["\xc3(\xff\xfe"]

/** Payloads after a successful Socket.IO CONNECT, over the WebSocket transport. */
const wsSeeds: WsSeed[] = [
  // CVE-2022-2421 (socket.io-parser < 4.2.1): a placeholder whose num is not an index.
  { name: 'placeholder num "splice"', source: 'CVE-2022-2421', frames: [`451-1["send",${placeholder('splice')}]`, Buffer.from('x')], expect: 'closed' },
  { name: 'placeholder num out of range', source: 'CVE-2022-2421', frames: [`451-2["send",${placeholder(7)}]`, Buffer.from('x')], expect: 'closed' },
  { name: 'placeholder num -1', source: 'CVE-2022-2421', frames: [`451-3["send",${placeholder(-1)}]`, Buffer.from('x')], expect: 'closed' },
  { name: 'placeholder num "__proto__"', source: 'CVE-2022-2421', frames: [`451-4["send",${placeholder('__proto__')}]`, Buffer.from('x')], expect: 'closed' },
  // A well-formed binary event: the attachment arrives as a Buffer, which no event takes.
  { name: 'binary attachment where an object is due', frames: [`451-5["send",${placeholder(0)}]`, Buffer.from('x')], expect: 'refused', code: 'invalid_payload' },
  {
    name: 'binary attachment inside the payload',
    frames: [`451-6["send",{"room":"lobby","text":${placeholder(0)},"clientMsgId":"abcdefgh"}]`, Buffer.from('hi')],
    expect: 'refused',
    code: 'invalid_payload',
  },
  // CVE-2023-32695 (socket.io-parser < 4.2.3): events whose name is not a string.
  { name: 'event name is an object with toString', source: 'CVE-2023-32695', frames: ['42[{"toString":"foo"}]'], expect: 'closed' },
  { name: 'event name is an array', source: 'CVE-2023-32695', frames: ['42[["send"]]'], expect: 'closed' },
  { name: 'event name is null', source: 'CVE-2023-32695', frames: ['427[null]'], expect: 'closed' },
  { name: 'event without name', source: 'CVE-2023-32695', frames: ['428[]'], expect: 'closed' },
  { name: 'event payload is an object', source: 'CVE-2023-32695', frames: ['42{"0":"send"}'], expect: 'closed' },
  { name: 'event payload is a string', source: 'CVE-2023-32695', frames: ['42"send"'], expect: 'closed' },
  // CVE-2024-38355 (socket.io < 4.6.2): an event named like a reserved one.
  { name: 'event named "error"', source: 'CVE-2024-38355', frames: ['42["error"]', '429["error",{}]'], expect: 'ignored' },
  { name: 'event named "disconnecting"', source: 'CVE-2024-38355', frames: ['42["disconnecting","x"]'], expect: 'closed' },
  { name: 'event named "connect"', frames: ['42["connect"]'], expect: 'closed' },
  { name: 'event named "newListener"', frames: ['42["newListener","join"]'], expect: 'closed' },
  { name: 'events named like Object.prototype', frames: ['4210["__proto__"]', '4211["constructor"]', '4212["hasOwnProperty",{}]', '4213["toString"]'], expect: 'ignored' },
  { name: 'server-only event names', frames: ['4214["message",{"room":"control","text":"spoof"}]', '4215["presence",{}]', '4216["banned",{}]'], expect: 'ignored' },
  // Socket.IO packet types and counts no client sends.
  { name: 'unknown Socket.IO packet type', frames: ['49["x"]'], expect: 'closed' },
  { name: 'Socket.IO type without data', frames: ['4'], expect: 'closed' },
  { name: 'CONNECT_ERROR from the client', frames: ['44{"message":"x"}'], expect: 'closed' },
  { name: 'binary event announcing a billion attachments', frames: ['45999999999-["send",{}]'], expect: 'closed' },
  { name: 'binary event with a non-numeric attachment count', frames: ['45x-["send",{}]'], expect: 'closed' },
  { name: 'binary event with an attachment never sent', frames: [`451-17["send",${placeholder(0)}]`, '42["join",{"room":"x"}]'], expect: 'closed' },
  { name: 'attachment with no binary event', frames: [Buffer.from('orphan')], expect: 'closed' },
  { name: 'ack for an id never used', frames: ['4399999[{"ok":true}]', '43["x"]'], expect: 'ignored' },
  { name: 'ack id beyond 2^53', frames: ['4299999999999999999999["join",{"room":"x"}]'], expect: 'ignored' },
  { name: 'event for a namespace that is not open', frames: ['42/admin,18["join",{"room":"x"}]'], expect: 'closed' },
  { name: 'CONNECT to a namespace that does not exist', frames: ['40/admin,{}'], expect: 'ignored' },
  { name: 'second CONNECT on the open namespace', frames: ['40{"name":"again"}'], expect: 'closed' },
  { name: 'truncated JSON', frames: ['4219["join",{"room":'], expect: 'closed' },
  { name: 'deeply nested JSON', frames: [`4220["send",${'['.repeat(5000)}${']'.repeat(5000)}]`], expect: 'refused', code: 'invalid_payload' },
  // Engine.IO packet types out of place.
  { name: 'Engine.IO open/close/upgrade/noop from the client', frames: ['0', '5', '6', '7'], expect: 'closed' },
  { name: 'unknown Engine.IO packet type', frames: ['9hello'], expect: 'closed' },
  { name: 'empty text frame', frames: [''], expect: 'closed' },
  // Invalid UTF-8 in a text frame: ws refuses it (1007) before anything parses it.
  { name: 'invalid UTF-8 text frame', frames: [{ raw: frame(0x81, invalidUtf8) }], expect: 'closed', closeCode: 1007 },
  // CVE-2022-21676 (engine.io < 6.1.1): a frame ws refuses must not throw out of engine.io.
  { name: 'frame with RSV2 and RSV3 set', source: 'CVE-2022-21676', frames: [{ raw: frame(0xb1, Buffer.from('42["x"]')) }], expect: 'closed', closeCode: 1002 },
  { name: 'unknown opcode', source: 'CVE-2022-21676', frames: [{ raw: frame(0x83, Buffer.from('x')) }], expect: 'closed', closeCode: 1002 },
  { name: 'unmasked client frame', source: 'CVE-2022-21676', frames: [{ raw: frame(0x81, Buffer.from('2'), { masked: false }) }], expect: 'closed', closeCode: 1002 },
  { name: 'continuation frame with nothing to continue', frames: [{ raw: frame(0x80, Buffer.from('x')) }], expect: 'closed', closeCode: 1002 },
  { name: 'fragmented ping', frames: [{ raw: frame(0x09, Buffer.from('x')) }], expect: 'closed', closeCode: 1002 },
  { name: 'control frame over 125 bytes', frames: [{ raw: frame(0x89, Buffer.alloc(200, 0x61)) }], expect: 'closed', closeCode: 1002 },
  // Oversize (CVE-2020-36048, engine.io < 4.0.0 accepted 100 MB): refused past 64 KB.
  { name: 'text frame over 64 KB', source: 'CVE-2020-36048', frames: ['42["send",' + JSON.stringify('x'.repeat(LIMIT + 10)) + ']'], expect: 'closed', closeCode: 1009 },
  { name: 'binary frame over 64 KB', source: 'CVE-2020-36048', frames: [Buffer.alloc(LIMIT + 10)], expect: 'closed', closeCode: 1009 },
  { name: 'frame header announcing 2^63 bytes', source: 'CVE-2020-36048', frames: [{ raw: frame(0x81, Buffer.alloc(0), { length: 2n ** 63n }) }], expect: 'closed', closeCode: 1009 },
  { name: 'frame header announcing 1 GB, never sent', source: 'CVE-2020-36048', frames: [{ raw: frame(0x82, Buffer.alloc(0), { length: 2n ** 30n }) }], expect: 'closed', closeCode: 1009 },
];

async function playWs(url: string, seed: WsSeed) {
  const raw = await RawSocket.member(url, { name: 'attacker' });
  try {
    for (const f of seed.frames) {
      if (typeof f === 'object' && 'raw' in f) raw.writeRaw(f.raw);
      else raw.send(f);
    }
    const ackIds = seed.frames.flatMap((f) => (typeof f === 'string' ? [/^4[26]\d*-?(\d+)\[/.exec(f)?.[1]] : [])).filter(Boolean);
    if (seed.expect === 'closed') {
      const closed = await raw.closedWithin(5000);
      assert.ok(closed, `${seed.name}: the relay kept the connection open`);
      assert.equal(closed.code, seed.closeCode ?? 1005, `${seed.name}: close code`);
    } else if (seed.expect === 'refused') {
      const id = Number(/^4[56]\d*-(\d+)\[|^42(\d+)\[/.exec(String(seed.frames[0]))!.slice(1).find(Boolean));
      const ack = await rawAck(raw, id);
      assert.equal(ack?.ok, false, `${seed.name}: ${JSON.stringify(ack)}`);
      assert.equal(ack.error.code, seed.code, seed.name);
      assert.equal(typeof ack.error.message, 'string');
      assert.ok(raw.open, `${seed.name}: the connection was closed`);
    } else {
      // Still open and still answering: a valid event gets its ack.
      raw.send('4299["join",{"room":"after-attack"}]');
      const ack = await rawAck(raw, 99);
      assert.equal(ack?.ok, true, `${seed.name}: ${JSON.stringify(ack)} (${ackIds})`);
      assert.ok(raw.open);
    }
  } finally {
    raw.close();
  }
}

interface HttpSeed {
  name: string;
  source?: string;
  run(url: string): Promise<void>;
}

const crlf = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
const upgrade = (path: string, extra: string[] = []) =>
  crlf([
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    ...extra,
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  ]);
const statusOf = (answer: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
/** Refused before the WebSocket opens (400), or right after it with a close frame (0x88). */
const refusedUpgrade = (answer: string) => statusOf(answer) === 400 || (statusOf(answer) === 101 && answer.includes('\r\n\r\n\x88'));

/** Attacks below Socket.IO: the HTTP upgrade, raw TCP, and long-polling requests. */
const httpSeeds: HttpSeed[] = [
  {
    // CVE-2024-37890 (ws < 8.17.1): more headers than server.maxHeadersCount drops Sec-WebSocket-Key.
    name: 'upgrade with 2,100 headers',
    source: 'CVE-2024-37890',
    async run(url) {
      const many = Array.from({ length: 2100 }, (_, i) => `x${i}: y`);
      const answer = await rawTcp(url, [upgrade('/socket.io/?EIO=4&transport=websocket', many)]);
      assert.ok([400, 431].includes(statusOf(answer)) || answer === '', `answered ${answer.slice(0, 80)}`);
    },
  },
  {
    // CVE-2021-32640 (ws < 7.4.6): Sec-WebSocket-Protocol with many spaces was a ReDoS.
    name: 'Sec-WebSocket-Protocol made of spaces',
    source: 'CVE-2021-32640',
    async run(url) {
      const answer = await rawTcp(url, [upgrade('/socket.io/?EIO=4&transport=websocket', [`Sec-WebSocket-Protocol: b${' '.repeat(12_000)}x`])]);
      assert.equal(statusOf(answer), 400, answer.slice(0, 80));
    },
  },
  {
    // CVE-2022-41940 (engine.io < 6.2.1): a request reset by the client mid-upgrade.
    name: 'upgrade reset by the client',
    source: 'CVE-2022-41940',
    async run(url) {
      for (const path of ['/socket.io/?EIO=4&transport=websocket', '/socket.io/?EIO=4&transport=bogus', '/socket.io/?EIO=9']) {
        await rawTcp(url, [upgrade(path)], { reset: true });
      }
      await rawTcp(url, [upgrade('/socket.io/?EIO=4&transport=websocket').slice(0, 60)], { reset: true });
    },
  },
  {
    // CVE-2023-31125 (engine.io < 6.4.2): an upgrade naming a transport that is not a WebSocket, or not a transport at all.
    name: 'upgrade for a transport that is not one',
    source: 'CVE-2023-31125',
    async run(url) {
      for (const transport of ['polling', '__proto__', 'constructor', 'toString', 'webtransport', '']) {
        const answer = await rawTcp(url, [upgrade(`/socket.io/?EIO=4&transport=${transport}`)], { ms: 1000 });
        assert.ok(refusedUpgrade(answer), `${transport}: ${JSON.stringify(answer.slice(0, 80))}`);
      }
    },
  },
  {
    name: 'upgrade with an unknown sid, or twice for one session',
    async run(url) {
      assert.equal(statusOf(await rawTcp(url, [upgrade('/socket.io/?EIO=4&transport=websocket&sid=nope')])), 400);
      const session = await PollingSession.open(url);
      const path = `/socket.io/?EIO=4&transport=websocket&sid=${session.sid}`;
      // The first upgrade waits for its probe; the second one meanwhile is refused.
      const first = rawTcp(url, [upgrade(path)], { ms: 1500 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const second = await rawTcp(url, [upgrade(path)], { ms: 1000 });
      assert.ok(refusedUpgrade(second), JSON.stringify(second.slice(0, 80)));
      assert.equal(statusOf(await first), 101);
    },
  },
  {
    name: 'handshakes with a bad protocol version, transport or method',
    async run(url) {
      for (const query of ['', '?EIO=3&transport=polling', '?EIO=5&transport=polling', '?EIO=4&transport=carrier-pigeon', '?EIO=4&transport=polling&sid=x&sid=y']) {
        const response = await fetch(`${url}/socket.io/${query}`);
        assert.equal(response.status, 400, query);
        assert.equal(typeof (await response.json()).message, 'string', 'a clear error');
      }
      assert.equal((await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { method: 'PUT' })).status, 400);
    },
  },
  {
    name: 'polling POSTs of malformed packets',
    source: 'CVE-2022-2421, CVE-2023-32695',
    async run(url) {
      // What the relay does with each body: end the session, or ignore the packet and go on.
      const cases: [string | Buffer, 'closed' | 'kept'][] = [
        ['', 'closed'],
        ['\x1e\x1e', 'closed'],
        ['9', 'closed'],
        ['4', 'closed'],
        ['b!!!notbase64', 'closed'],
        ['42["join"', 'closed'],
        ['42[{"toString":"foo"}]', 'closed'],
        ['451-["send",{"_placeholder":true,"num":"splice"}]\x1ebAA==', 'closed'],
        ['45999999999-["send",{}]', 'closed'],
        ['0', 'kept'],
        ['6\x1e6\x1e5', 'kept'],
        ['42["error"]', 'kept'],
        // Invalid UTF-8 is decoded with replacement characters: an event nobody handles.
        [invalidUtf8, 'kept'],
      ];
      for (const [body, expected] of cases) {
        const label = JSON.stringify(String(body));
        const session = await PollingSession.member(url);
        assert.equal((await session.post(body)).status, 200, label);
        const probe = await session.post('4250["join",{"room":"after-attack"}]');
        const answer = probe.status === 200 ? await session.poll() : probe;
        const outcome = answer.status === 400 || /(^|\x1e)1$/.test(answer.body) ? 'closed' : answer.body.includes('4350[{"ok":true') ? 'kept' : answer.body;
        assert.equal(outcome, expected, `${label} → ${answer.status} ${answer.body.slice(0, 80)}`);
      }
    },
  },
  {
    name: 'polling POST over 64 KB',
    source: 'CVE-2020-36048',
    async run(url) {
      const session = await PollingSession.member(url);
      const answer = await session.post(`4251["send",${JSON.stringify('x'.repeat(LIMIT + 10))}]`);
      assert.equal(answer.status, 413);
      // Nothing of it was read as a packet; the session itself goes on.
      assert.equal((await session.post('4252["join",{"room":"after-attack"}]')).status, 200);
      const next = await session.poll();
      assert.doesNotMatch(next.body, /4351/);
      assert.match(next.body, /4352\[\{"ok":true/);
    },
  },
  {
    name: 'polling POST past 64 KB whatever Content-Length says, or chunked',
    source: 'CVE-2020-36048',
    async run(url) {
      const big = `42["send",${JSON.stringify('y'.repeat(LIMIT + 10))}]`;
      for (const headers of [['Content-Length: 10'], [`Content-Length: ${big.length}`], ['Transfer-Encoding: chunked']]) {
        const session = await PollingSession.member(url);
        const target = new URL(session.endpoint);
        const chunked = headers[0]!.startsWith('Transfer');
        const body = chunked ? `${big.length.toString(16)}\r\n${big}\r\n0\r\n\r\n` : big;
        const answer = await rawTcp(url, [crlf([`POST ${target.pathname}${target.search} HTTP/1.1`, 'Host: 127.0.0.1', 'Content-Type: text/plain', ...headers]), body]);
        // A short Content-Length: only those 10 bytes are the body (a malformed packet), the rest
        // is no valid HTTP. Otherwise the bytes are counted as they come and cut at the limit.
        const expected = headers[0] === 'Content-Length: 10' ? [200, 400] : [413];
        assert.ok(expected.includes(statusOf(answer)), `${headers[0]}: ${answer.slice(0, 80)}`);
      }
    },
  },
];

test('published crash cases of socket.io-parser, engine.io and ws: each refused, the relay process lives, the control pair chats', async (t) => {
  const relay = await relayProcess(t);
  const control = await controlPair(t, relay.url);
  await control.chat('before');
  for (const seed of wsSeeds) {
    await t.test(`${seed.source ? `${seed.source}: ` : ''}${seed.name} (WebSocket)`, async () => {
      await playWs(relay.url, seed);
      await stillServing(relay, control, seed.name);
    });
  }
  for (const seed of httpSeeds) {
    await t.test(`${seed.source ? `${seed.source}: ` : ''}${seed.name}`, async () => {
      await seed.run(relay.url);
      await stillServing(relay, control, seed.name);
    });
  }
  assert.doesNotMatch(relay.stderr(), /uncaught|unhandled/i);
});

/** Packets shaped like Engine.IO/Socket.IO ones, with every field able to go wrong. */
const jsonish = fc.oneof(
  fc.json({ maxDepth: 3 }),
  fc.constantFrom('["join",{"room":"fuzz"}]', '["send",{"room":"fuzz","text":"x","clientMsgId":"abcdefgh"}]', '[{"_placeholder":true,"num":0}]', '["error"]', '[]', '{}', '[', '"'),
  fc.string({ maxLength: 40 }),
);
const socketIoPacket = fc
  .record({
    type: fc.oneof(fc.constantFrom('0', '1', '2', '3', '4', '5', '6'), fc.string({ maxLength: 2 })),
    attachments: fc.option(fc.oneof(fc.nat({ max: 3 }).map(String), fc.string({ maxLength: 4 })).map((n) => `${n}-`)),
    nsp: fc.option(fc.constantFrom('/,', '/admin,', '/', ',')),
    id: fc.option(fc.oneof(fc.nat().map(String), fc.constantFrom('99999999999999999999', '-1', '1e3'))),
    data: jsonish,
  })
  .map(({ type, attachments, nsp, id, data }) => `4${type}${attachments ?? ''}${nsp ?? ''}${id ?? ''}${data}`);
const wsFrame = fc.oneof(
  socketIoPacket,
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 60 }).map((bytes) => ({ raw: frame(0x81, Buffer.from(bytes)) })),
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 30 })).map(([first, bytes]) => ({ raw: frame(first, Buffer.from(bytes)) })),
);

test('random packets over WebSocket and long-polling: the attacker is answered or cut off, the relay lives, the control pair chats', async (t) => {
  const relay = await relayProcess(t);
  const control = await controlPair(t, relay.url);
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(wsFrame, { minLength: 1, maxLength: 4 }), async (frames) => {
      const raw = await RawSocket.member(relay.url, { name: 'fuzzer' });
      try {
        for (const f of frames) {
          if (typeof f === 'object' && 'raw' in f) raw.writeRaw(f.raw);
          else raw.send(f);
        }
        // Either the relay cut this connection, or it still answers a valid event.
        raw.send(`42${4000 + runs}["join",{"room":"after-attack"}]`);
        const ack = await rawAck(raw, 4000 + runs);
        if (ack === undefined) assert.ok(await raw.closedWithin(3000), `neither answered nor closed: ${JSON.stringify(frames).slice(0, 300)}`);
        else assert.equal(ack.ok, true);
      } finally {
        raw.close();
      }
      await stillServing(relay, control, `random frames ${++runs}`);
    }),
    { numRuns: 150, includeErrorInReport: true },
  );
  await fc.assert(
    fc.asyncProperty(fc.array(socketIoPacket, { minLength: 1, maxLength: 4 }), async (packets) => {
      const session = await PollingSession.member(relay.url);
      const posted = await session.post(packets.join('\x1e'));
      assert.ok([200, 400].includes(posted.status), `${posted.status} for ${JSON.stringify(packets)}`);
      const probe = await session.post(`42${5000 + runs}["join",{"room":"after-attack"}]`);
      if (probe.status === 200) {
        // A poll returns what is queued so far: the attack's own answers (a
        // CONNECT_ERROR, say) may come first, and the probe's in a later poll.
        const bodies: string[] = [];
        const settled = (answer: { status: number; body: string }) =>
          answer.status === 400 || /(^|\x1e)1$/.test(answer.body) || answer.body.includes(`43${5000 + runs}[{"ok":true`);
        for (let polls = 0; polls < 3; polls++) {
          const answer = await session.poll();
          bodies.push(answer.status === 200 ? answer.body : String(answer.status));
          if (settled(answer)) break;
          assert.ok(polls < 2, `${JSON.stringify(packets)} → ${bodies.join(' | ').slice(0, 200)}`);
        }
      } else {
        assert.equal(probe.status, 400);
        assert.equal(typeof JSON.parse(probe.body).message, 'string');
      }
      await stillServing(relay, control, `random polling packets ${++runs}`);
    }),
    { numRuns: 60, includeErrorInReport: true },
  );
  assert.doesNotMatch(relay.stderr(), /uncaught|unhandled/i);
  // Nothing the fuzzer sent was stored in the control room, or anywhere it joined.
  const history = await (await fetch(`${relay.url}/api/rooms/control/messages?limit=200`)).json();
  assert.ok(history.messages.every((m: { text: string }) => /^(alice|bob): /.test(m.text)));
});

test('a raw WebSocket with a forged Origin gets origin_not_allowed and is closed; events before or instead of CONNECT are never handled', async (t) => {
  const relay = await spawnRelay(t, { DATABASE_URL: `sqlite:${join(tempDir(t), 'chat.db')}`, ALLOWED_ORIGINS: 'https://allowed.example' });
  const control = await controlPair(t, relay.url);
  for (const origin of ['https://evil.example', 'null', 'https://allowed.example.evil.example', 'HTTPS://ALLOWED.EXAMPLE']) {
    const raw = await RawSocket.open(relay.url, { headers: { origin } });
    raw.send('40{"name":"hijacker"}');
    assert.equal(await raw.next(), '44{"message":"origin_not_allowed"}', origin);
    raw.send('421["join",{"room":"control"}]');
    assert.ok(await raw.closedWithin(3000), `${origin}: still open`);
    assert.equal(await rawAck(raw, 1, 100), undefined);
  }
  // An event sent before CONNECT is no way around it.
  const early = await RawSocket.open(relay.url, { headers: { origin: 'https://evil.example' } });
  early.send('422["join",{"room":"control"}]');
  assert.ok(await early.closedWithin(3000));
  assert.equal(await rawAck(early, 2, 100), undefined);
  await stillServing(relay, control, 'forged origins');
  // The allowed origin, by the same raw route, gets in.
  const allowed = await RawSocket.member(relay.url, { name: 'friend' }, { origin: 'https://allowed.example' });
  allowed.send('423["join",{"room":"control"}]');
  assert.equal((await rawAck(allowed, 3)).ok, true);
  allowed.close();
});
