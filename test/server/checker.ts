import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { io } from 'socket.io-client';
import type { Ack, JoinResult, Message, SendResult } from '../../protocol/index.js';
import { openStore } from '../../server/stores/index.js';
import { msgId, sleep, type Client } from './helpers.js';

/**
 * The bookkeeping of every fault test, in one place: what each client sent
 * (and what the relay answered), what each client received (live, and by
 * catching up), and what the database holds at the end. `report` compares the
 * three and names every message that was lost, duplicated, reordered or came
 * from nowhere; `assertClean` fails the test with that report.
 */

/** What one attempt at a `send` came back with. */
export type Outcome = { ok: true; message: Message } | { ok: false; code: string } | { ok: false; code: 'no_ack'; reason: string };

interface SendRecord {
  participant: string;
  clientMsgId: string;
  text: string;
  /** Logical times (the checker's clock): first emitted, first acknowledged ok. */
  firstEmit: number;
  firstOk?: number;
  outcomes: Outcome[];
}

export interface Finding {
  what: string;
  participant?: string;
  seq?: number;
  clientMsgId?: string;
}

/** Empty lists when everything held. A plain object, printed as it is when not. */
export interface Report {
  lost: Finding[];
  duplicated: Finding[];
  reordered: Finding[];
  unexpected: Finding[];
}

export interface CheckerOptions {
  /**
   * Whether each connection must receive live messages in seq order. True
   * for one relay, where a message is broadcast in the tick it is numbered;
   * across relays the protocol only promises that seq is the order (clients
   * sort), so cluster tests turn it off.
   */
  liveInOrder?: boolean;
}

export class Checker {
  readonly participants: Participant[] = [];
  readonly sends = new Map<string, SendRecord>();
  private clock = 0;

  constructor(
    readonly room: string,
    readonly options: CheckerOptions = {},
  ) {}

  /** The next logical time: orders emits and acks across every participant. */
  tick(): number {
    return ++this.clock;
  }

  /**
   * A participant on its own Socket.IO connection that reconnects by itself
   * (as the widget does), has joined the room, and rejoins with `since`
   * after every reconnect.
   */
  async join(t: TestContext, url: string, name: string, options: { clientId?: string } = {}): Promise<Participant> {
    const clientId = options.clientId ?? `${name}-${randomBytes(6).toString('hex')}`.slice(0, 64);
    const socket: Client = io(url, {
      auth: { name, clientId },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    t.after(() => void socket.disconnect());
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const participant = this.adopt(name, socket);
    await participant.catchUp();
    return participant;
  }

  /** Tracks a socket the test made itself (already connected or not). */
  adopt(name: string, socket: Client): Participant {
    const participant = new Participant(this, name, socket);
    this.participants.push(participant);
    return participant;
  }

  /** Records one attempt at sending `clientMsgId`, and what came back. */
  recordEmit(participant: string, clientMsgId: string, text: string): SendRecord {
    let record = this.sends.get(clientMsgId);
    if (!record) {
      record = { participant, clientMsgId, text: text.trim(), firstEmit: this.tick(), outcomes: [] };
      this.sends.set(clientMsgId, record);
    }
    return record;
  }

  recordOutcome(record: SendRecord, outcome: Outcome): void {
    record.outcomes.push(outcome);
    if (outcome.ok && record.firstOk === undefined) record.firstOk = this.tick();
  }

  /** Waits for live messages to land, then has every participant still in the room fill its gaps. */
  async settle(ms = 300): Promise<void> {
    await sleep(ms);
    for (const participant of this.participants) if (participant.stays) await participant.catchUp();
  }

  /** Reads the room from the store and reports. */
  async verify(databaseUrl: string): Promise<Report> {
    return this.report(await storedMessages(databaseUrl, this.room));
  }

  /** Compares what was sent, acknowledged, received and stored. */
  report(stored: Message[]): Report {
    const report: Report = { lost: [], duplicated: [], reordered: [], unexpected: [] };
    const bySeq = new Map<number, Message>();
    const storedIds = new Map<string, Message[]>();

    // The store: seq 1..N with no gap, at most one message per (author, clientMsgId).
    for (const message of stored) {
      if (bySeq.has(message.seq)) report.duplicated.push({ what: 'two stored messages with one seq', seq: message.seq });
      bySeq.set(message.seq, message);
      const key = `${message.author.id}\u0000${message.clientMsgId ?? message.id}`;
      storedIds.set(key, [...(storedIds.get(key) ?? []), message]);
    }
    for (const [, messages] of storedIds) {
      if (messages.length > 1) {
        report.duplicated.push({
          what: `stored ${messages.length} times (seqs ${messages.map((m) => m.seq).join(',')})`,
          clientMsgId: messages[0]!.clientMsgId,
        });
      }
    }
    const seqs = [...bySeq.keys()].sort((a, b) => a - b);
    seqs.forEach((seq, i) => {
      if (seq !== i + 1) report.lost.push({ what: `stored seqs have a gap before ${seq}`, seq });
    });
    const storedByClientMsgId = new Map(stored.filter((m) => m.clientMsgId).map((m) => [m.clientMsgId!, m]));

    // Sends: every ok is stored as acknowledged; retries return the original.
    for (const record of this.sends.values()) {
      const oks = record.outcomes.filter((o): o is { ok: true; message: Message } => o.ok);
      const row = storedByClientMsgId.get(record.clientMsgId);
      const ids = new Set(oks.map((o) => `${o.message.id}/${o.message.seq}`));
      if (ids.size > 1) {
        report.duplicated.push({ what: `acknowledged as different messages: ${[...ids].join(' ')}`, clientMsgId: record.clientMsgId });
      }
      const first = oks[0]?.message;
      if (first) {
        if (!row) report.lost.push({ what: 'acknowledged but not stored', participant: record.participant, seq: first.seq, clientMsgId: record.clientMsgId });
        else if (row.id !== first.id || row.seq !== first.seq) {
          report.lost.push({
            what: `acknowledged as ${first.id}/${first.seq} but stored as ${row.id}/${row.seq}`,
            participant: record.participant,
            clientMsgId: record.clientMsgId,
          });
        }
      } else if (row) {
        // Stored without an ok: fine when no answer came (in flight at a crash,
        // or an ack lost on the way), not when the relay answered with an error.
        const refused = record.outcomes.find((o) => !o.ok && o.code !== 'no_ack');
        const answered = record.outcomes.every((o) => !o.ok && o.code !== 'no_ack');
        if (refused && answered) {
          report.unexpected.push({
            what: `stored although every attempt was refused (${(refused as { code: string }).code})`,
            seq: row.seq,
            clientMsgId: record.clientMsgId,
          });
        }
      }
      if (row && row.text !== record.text && !row.deleted) {
        report.unexpected.push({ what: 'stored text differs from the text sent', seq: row.seq, clientMsgId: record.clientMsgId });
      }
    }
    for (const message of stored) {
      if (!message.clientMsgId || !this.sends.has(message.clientMsgId)) {
        report.unexpected.push({ what: 'stored but sent by no participant', seq: message.seq, clientMsgId: message.clientMsgId });
      }
    }

    // Causal order: a send emitted after another was acknowledged gets a higher seq.
    const acked = [...this.sends.values()]
      .filter((r) => r.firstOk !== undefined)
      .map((r) => ({ record: r, seq: (r.outcomes.find((o) => o.ok) as { message: Message }).message.seq }));
    const byAck = [...acked].sort((a, b) => a.record.firstOk! - b.record.firstOk!);
    const byEmit = [...acked].sort((a, b) => a.record.firstEmit - b.record.firstEmit);
    let highest = 0;
    let highestId = '';
    let next = 0;
    for (const later of byEmit) {
      while (next < byAck.length && byAck[next]!.record.firstOk! < later.record.firstEmit) {
        if (byAck[next]!.seq > highest) {
          highest = byAck[next]!.seq;
          highestId = byAck[next]!.record.clientMsgId;
        }
        next++;
      }
      if (later.seq < highest) {
        report.reordered.push({
          what: `sent after ${highestId} (seq ${highest}) was acknowledged, yet numbered before it`,
          seq: later.seq,
          clientMsgId: later.record.clientMsgId,
        });
      }
    }

    // Each participant: nothing twice live, nothing foreign, and, for those
    // still in the room, everything stored (so they all hold the same history).
    for (const participant of this.participants) {
      const who = participant.name;
      const liveSeen = new Set<number>();
      const lastOnConnection = new Map<number, number>();
      for (const { connection, message } of participant.live) {
        if (liveSeen.has(message.seq)) report.duplicated.push({ what: 'delivered live twice', participant: who, seq: message.seq });
        liveSeen.add(message.seq);
        const last = lastOnConnection.get(connection) ?? 0;
        if (this.options.liveInOrder !== false && message.seq < last) {
          report.reordered.push({ what: `delivered live after seq ${last}`, participant: who, seq: message.seq });
        }
        lastOnConnection.set(connection, Math.max(last, message.seq));
      }
      for (const page of participant.pages) {
        page.forEach((message, i) => {
          if (i > 0 && message.seq <= page[i - 1]!.seq) {
            report.reordered.push({ what: `a join page lists it after seq ${page[i - 1]!.seq}`, participant: who, seq: message.seq });
          }
        });
      }
      for (const message of participant.received()) {
        const row = bySeq.get(message.seq);
        if (!row || row.id !== message.id) {
          report.unexpected.push({ what: 'received but not stored', participant: who, seq: message.seq, clientMsgId: message.clientMsgId });
        } else if (row.text !== message.text && !row.deleted && !message.deleted) {
          report.unexpected.push({ what: 'received with another text than stored', participant: who, seq: message.seq });
        }
      }
      if (participant.stays) {
        const held = participant.seqs();
        for (const message of stored) {
          if (!held.has(message.seq)) {
            const record = message.clientMsgId ? this.sends.get(message.clientMsgId) : undefined;
            const acked = record?.outcomes.some((o) => o.ok);
            report.lost.push({
              what: acked ? 'acknowledged but never reached this participant' : 'stored but never reached this participant',
              participant: who,
              seq: message.seq,
              clientMsgId: message.clientMsgId,
            });
          }
        }
      }
    }
    return report;
  }

  /** Figures for the test's diagnostics. */
  stats(): Record<string, number> {
    const records = [...this.sends.values()];
    return {
      sends: records.length,
      attempts: records.reduce((n, r) => n + r.outcomes.length, 0),
      acked: records.filter((r) => r.firstOk !== undefined).length,
      retried: records.filter((r) => r.outcomes.length > 1).length,
      participants: this.participants.length,
    };
  }
}

/**
 * One client as the checker sees it. `live` holds every `message` event,
 * tagged with the connection it came on; `pages` every list of messages a
 * join returned. What it holds is both, one copy per seq, as the widget keeps.
 */
export class Participant {
  readonly live: { connection: number; message: Message }[] = [];
  readonly pages: Message[][] = [];
  /** False once the participant has left on purpose (or been killed): it need not hold everything. */
  stays = true;
  /** In the room on the current connection (a join succeeded since it connected). */
  inRoom = false;
  private connection = 0;
  private joinedOnce = false;

  constructor(
    private readonly checker: Checker,
    readonly name: string,
    readonly socket: Client,
  ) {
    socket.on('message', (message) => this.live.push({ connection: this.connection, message }));
    socket.on('disconnect', () => {
      this.inRoom = false;
      this.connection++;
    });
    socket.on('connect', () => {
      this.connection++;
      // As the widget does: after any reconnect, rejoin with since and fill the gap.
      if (this.joinedOnce) this.catchUp().catch(() => {});
    });
  }

  /** The seqs held, live or fetched. */
  seqs(): Set<number> {
    return new Set(this.received().map((m) => m.seq));
  }

  received(): Message[] {
    return [...this.live.map((l) => l.message), ...this.pages.flat()];
  }

  /** The highest seq s such that 1..s are all held: join's `since` to fill every gap. */
  contiguous(): number {
    const held = this.seqs();
    let s = 0;
    while (held.has(s + 1)) s++;
    return s;
  }

  /** Joins (again) with since = what it holds without a gap, page after page until nothing was cut. */
  async catchUp(): Promise<void> {
    for (;;) {
      const ack: Ack<JoinResult> = await (this.socket.timeout(5000) as Client).emitWithAck('join', {
        room: this.checker.room,
        since: this.contiguous(),
        limit: 200,
      });
      if (!ack.ok) throw new Error(`${this.name}: join failed: ${JSON.stringify(ack.error)}`);
      this.pages.push(ack.messages);
      this.joinedOnce = true;
      this.inRoom = true;
      if (!ack.truncated) return;
    }
  }

  /** One attempt at sending, recorded with its outcome (an ack, or none within `timeoutMs`). */
  async send(text: string, clientMsgId = msgId(), timeoutMs = 3000): Promise<Outcome> {
    const record = this.checker.recordEmit(this.name, clientMsgId, text);
    let outcome: Outcome;
    try {
      const ack: Ack<SendResult> = await (this.socket.timeout(timeoutMs) as Client).emitWithAck('send', {
        room: this.checker.room,
        text,
        clientMsgId,
      });
      outcome = ack.ok ? { ok: true, message: ack.message } : { ok: false, code: ack.error.code };
    } catch (error) {
      outcome = { ok: false, code: 'no_ack', reason: (error as Error).message };
    }
    this.checker.recordOutcome(record, outcome);
    return outcome;
  }

  /**
   * Sends as the widget does: waits to be in the room, and on no answer or
   * `unavailable` tries again under the same clientMsgId until acknowledged.
   */
  async deliver(text: string, options: { clientMsgId?: string; deadlineMs?: number; timeoutMs?: number } = {}): Promise<Message> {
    const clientMsgId = options.clientMsgId ?? msgId();
    const until = Date.now() + (options.deadlineMs ?? 30_000);
    while (Date.now() < until) {
      if (!this.socket.connected || !this.inRoom) {
        await sleep(50);
        continue;
      }
      const outcome = await this.send(text, clientMsgId, options.timeoutMs);
      if (outcome.ok) return outcome.message;
      if (!['no_ack', 'unavailable', 'not_joined'].includes(outcome.code)) {
        throw new Error(`${this.name}: send refused: ${outcome.code}`);
      }
      await sleep(50);
    }
    throw new Error(`${this.name}: ${clientMsgId} not acknowledged within the deadline`);
  }
}

/** Every message of a room, read straight from the store the relay writes (SQLite file or PostgreSQL). */
export async function storedMessages(databaseUrl: string, room: string): Promise<Message[]> {
  const store = await openStore(databaseUrl);
  try {
    const messages: Message[] = [];
    for (;;) {
      const page = await store.after(room, messages.at(-1)?.seq ?? 0, 200);
      messages.push(...page.messages);
      if (!page.truncated) return messages;
    }
  } finally {
    await store.close();
  }
}

const SHOWN = 20;

/** Fails with the report (its first findings of each kind, and how many) unless every list is empty. */
export function assertClean(report: Report, label = 'checker'): void {
  const problems = Object.entries(report).filter(([, findings]) => findings.length > 0);
  if (problems.length === 0) return;
  const shown = Object.fromEntries(
    problems.map(([kind, findings]) => [kind, { count: findings.length, first: findings.slice(0, SHOWN) }]),
  );
  assert.fail(`${label}: ${problems.map(([k, f]) => `${f.length} ${k}`).join(', ')}\n${JSON.stringify(shown, null, 2)}`);
}
