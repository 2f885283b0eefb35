/**
 * The load attacks of the trust issue, each measured as a bystander feels it:
 * control clients (signed-in members, so no guest budget of the attackers'
 * address touches them) send 20 messages a second between them in a room of
 * their own and time each from `send` to its own copy arriving; their p99 is
 * printed while no one attacks, then during each attack. The relay runs with its default
 * limits on (RATE_LIMIT 10/10s and the per-address guest budget), as a
 * public relay would; every attacker is a guest from 127.0.0.1.
 *
 * - words: 20 guests send 2,000 characters of `ab ab ab …` as fast as their
 *   acks come back, into a room whose moderator set 500 entries `ab ab … ab
 *   xyzk` (phrases sharing their first words).
 * - edits: one guest with 20 tabs edits and toggles reactions on its own
 *   message as fast as acks come back; also counts the `updated` events a
 *   bystander in that room received.
 * - rejoin: 4 guests re-join a room of 800 messages of 1,000 characters with
 *   `{ limit: 200, sinceRev: 0 }` as fast as acks come back.
 *
 * `npm run bench` runs it as the section `attacks`; alone:
 * `npm run build && node --import tsx bench/attacks.ts`. BENCH_RELAY_MAIN
 * points it at another build of the relay (an earlier commit's
 * dist/server/main.js), for before-and-after figures.
 */
import { SignJWT } from 'jose';
import { io, type Socket } from 'socket.io-client';
import { pathToFileURL } from 'node:url';
import { start, type Relay } from './relay-process.js';
import { median, quantile, sleep } from './stats.js';

const JWT_SECRET = 'bench-attacks-secret-0123456789abcdef';
const ADMIN_API_KEY = 'bench-attacks-admin-key-0123456789';
/** How long each attack (and the quiet baseline) is measured. */
const SECONDS = Number(process.env.BENCH_ATTACK_SECONDS ?? 8);

export interface AttackRun {
  /** Control p99 (ms) with no attack, then during each attack. */
  quiet: number;
  words: number;
  edits: number;
  rejoin: number;
  /** `updated` events a bystander got during the edit flood. */
  updatesSeen: number;
  /** Control messages lost (never came back) across the run. */
  lost: number;
}

const token = (sub: string, name: string, role?: string) =>
  new SignJWT({ sub, name, ...(role ? { role } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(JWT_SECRET));

async function connect(url: string, auth: Record<string, string>): Promise<Socket> {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

async function join(socket: Socket, room: string, extra: object = {}) {
  const ack = await socket.timeout(30_000).emitWithAck('join', { room, ...extra });
  if (!ack.ok) throw new Error(`join ${room}: ${JSON.stringify(ack.error)}`);
  return ack;
}

let ids = 0;
const clientMsgId = () => `atk-${process.pid}-${++ids}`;

/**
 * Sends every 50 ms, in turn from each socket (so each member stays within
 * RATE_LIMIT), until stopped; the latencies of the messages that came back
 * to their sender.
 */
function control(sockets: Socket[], room: string) {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  for (const socket of sockets) {
    socket.on('message', (message: { clientMsgId?: string }) => {
      const at = message.clientMsgId === undefined ? undefined : sentAt.get(message.clientMsgId);
      if (at === undefined) return;
      latencies.push(performance.now() - at);
      sentAt.delete(message.clientMsgId!);
    });
  }
  let running = true;
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const id = clientMsgId();
      sentAt.set(id, performance.now());
      sockets[i % sockets.length]!.emit('send', { room, text: 'control', clientMsgId: id }, () => {});
      await sleep(50);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      // Late is not lost: wait up to 10 s for the last ones.
      for (let waited = 0; sentAt.size > 0 && waited < 10_000; waited += 100) await sleep(100);
      return { p99: quantile(latencies, 0.99), lost: sentAt.size };
    },
  };
}

/** Control members: 20 sends a second in all, one a second each, well within RATE_LIMIT. */
const CONTROLS = 20;

/** Runs `attack` (until its stop flag) for SECONDS while the control clients measure. */
async function during(url: string, attack: (stopped: () => boolean) => Promise<unknown>) {
  const sockets = await Promise.all(Array.from({ length: CONTROLS }, async (_, i) => connect(url, { token: await token(`control-${i}`, `Control ${i}`) })));
  const room = `control-${++ids}`;
  await Promise.all(sockets.map((socket) => join(socket, room)));
  let stop = false;
  const attacking = attack(() => stop);
  await sleep(500); // the attack is under way
  const probe = control(sockets, room);
  await sleep(SECONDS * 1000);
  const result = await probe.stop();
  stop = true;
  await attacking;
  sockets.forEach((socket) => socket.disconnect());
  return result;
}

/** Loops `act` on each socket, each waiting for its own ack, until stopped. */
const flood = (sockets: Socket[], stopped: () => boolean, act: (socket: Socket, i: number) => Promise<unknown>) =>
  Promise.all(
    sockets.map(async (socket, i) => {
      while (!stopped() && socket.connected) {
        const ack = (await act(socket, i).catch(() => ({ ok: false }))) as { ok: boolean; error?: { retryAfterMs?: number } };
        // A refused attacker keeps trying at once, as a hostile script would (a tick apart, not a busy loop).
        if (!ack.ok) await sleep(1);
      }
    }),
  );

const guests = (url: string, count: number, name: (i: number) => string, clientId: (i: number) => string) =>
  Promise.all(Array.from({ length: count }, (_, i) => connect(url, { name: name(i), clientId: clientId(i) })));

async function patchSettings(url: string, room: string, settings: object) {
  const response = await fetch(`${url}/api/rooms/${room}/settings`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` },
    body: JSON.stringify(settings),
  });
  if (!response.ok) throw new Error(`settings: ${response.status} ${await response.text()}`);
}

async function postAll(url: string, room: string, texts: string[]) {
  for (let i = 0; i < texts.length; i += 50) {
    await Promise.all(
      texts.slice(i, i + 50).map((text, j) =>
        fetch(`${url}/api/rooms/${room}/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_API_KEY}` },
          body: JSON.stringify({ text, author: { id: 'seed', name: 'Seed' }, clientMsgId: `seed-${i + j}-${ids}` }),
        }),
      ),
    );
  }
}

/** One round of every attack on a fresh relay. */
export async function attackRound(): Promise<AttackRun> {
  const relay: Relay = await start(
    'live-chat',
    { RATE_LIMIT: '10/10s', MAX_CONNECTIONS_PER_IP: '100', JWT_SECRET, ADMIN_API_KEY },
    [],
    process.env.BENCH_RELAY_MAIN,
  );
  try {
    const { url } = relay;
    let lost = 0;

    const quiet = await during(url, async (stopped) => {
      while (!stopped()) await sleep(50);
    });
    lost += quiet.lost;

    // words: a moderator's adversarial list, and senders that hit its worst case.
    await patchSettings(url, 'words', { blockedWords: Array.from({ length: 500 }, (_, i) => `${'ab '.repeat(19)}${i.toString(36)}yzk`) });
    const senders = await guests(url, 20, (i) => `w${i}`, (i) => `words-sender-${i}`);
    await Promise.all(senders.map((s) => join(s, 'words')));
    const text = 'ab '.repeat(666).trim();
    const words = await during(url, (stopped) =>
      flood(senders, stopped, (s) => s.timeout(10_000).emitWithAck('send', { room: 'words', text, clientMsgId: clientMsgId() })),
    );
    senders.forEach((s) => s.disconnect());
    lost += words.lost;

    // Every attacker is a guest of 127.0.0.1: each attack starts once the
    // network's budget of the one before is renewed (RATE_LIMIT's window).
    await sleep(11_000);
    // edits: one guest (one clientId, one name), 20 tabs, on its own message; a bystander counts `updated`.
    const tabs = await guests(url, 20, () => 'Eddie', () => 'edits-guest-1');
    await Promise.all(tabs.map((s) => join(s, 'edits')));
    const sent = await tabs[0]!.timeout(10_000).emitWithAck('send', { room: 'edits', text: 'edit me', clientMsgId: clientMsgId() });
    const seq = sent.message?.seq ?? 1;
    const bystander = await connect(url, { token: await token('bystander', 'Bystander') });
    await join(bystander, 'edits');
    let updatesSeen = 0;
    bystander.on('updated', () => updatesSeen++);
    const edits = await during(url, (stopped) =>
      flood(tabs, stopped, (s, i) =>
        i % 2
          ? s.timeout(10_000).emitWithAck('edit', { room: 'edits', seq, text: `edit ${clientMsgId()}` })
          : s.timeout(10_000).emitWithAck('react', { room: 'edits', seq, emoji: '👍', on: Math.random() < 0.5 }),
      ),
    );
    tabs.forEach((s) => s.disconnect());
    bystander.disconnect();
    lost += edits.lost;

    await sleep(11_000);
    // rejoin: a room of 800 messages of 1,000 characters, 4 guests re-joining with sinceRev 0.
    await postAll(url, 'rejoin', Array.from({ length: 800 }, (_, i) => `${i} ${'x'.repeat(995)}`));
    const rejoiners = await guests(url, 4, (i) => `r${i}`, (i) => `rejoin-guest-${i}`);
    const rejoin = await during(url, (stopped) =>
      flood(rejoiners, stopped, (s) => s.timeout(10_000).emitWithAck('join', { room: 'rejoin', limit: 200, sinceRev: 0 })),
    );
    rejoiners.forEach((s) => s.disconnect());
    lost += rejoin.lost;

    return { quiet: quiet.p99, words: words.p99, edits: edits.p99, rejoin: rejoin.p99, updatesSeen, lost };
  } finally {
    await relay.stop();
  }
}

/** The table's lines for several rounds: medians, with each round's figure. */
export function attackLines(runs: AttackRun[]): string[] {
  const row = (label: string, pick: (r: AttackRun) => number, target: string, met?: (v: number) => boolean) => {
    const values = runs.map(pick);
    const m = median(values);
    return `| ${label} | ${m.toFixed(1)} | ${values.map((v) => v.toFixed(1)).join(', ')} | ${target} | ${met ? (met(m) ? 'yes' : 'no') : ''} |`;
  };
  return [
    `| load attack (limits on; ${SECONDS} s each; ${runs.length} rounds) | median | rounds | target | met |`,
    '|---|---:|---|---|---|',
    row('control p99 ms, no attack', (r) => r.quiet, ''),
    row('control p99 ms, 20 senders against 500 adversarial blocked phrases', (r) => r.words, '< 100 ms', (v) => v < 100),
    row('control p99 ms, one guest editing and reacting from 20 tabs', (r) => r.edits, '< 100 ms', (v) => v < 100),
    row('control p99 ms, 4 guests re-joining 800 × 1,000 chars with sinceRev 0', (r) => r.rejoin, '< 100 ms', (v) => v < 100),
    row(`\`updated\` events a bystander got during the edit flood (${SECONDS} s)`, (r) => r.updatesSeen, ''),
    row('control messages lost', (r) => r.lost, '0', (v) => v === 0),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const runs: AttackRun[] = [];
  for (let i = 0; i < rounds; i++) runs.push(await attackRound());
  console.log(attackLines(runs).join('\n'));
  process.exit(0);
}
