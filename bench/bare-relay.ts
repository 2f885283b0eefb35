/**
 * The floor: a bare Socket.IO relay speaking the same join/send/message
 * events as live-chat, with no storage, no validation, no identity checks.
 * Its `message` events have the contract's shape (an id, the author as a
 * member, a revision), and its join answers carry what live-chat's carry:
 * the room's last 50 messages, kept in memory, and who is in the room. So
 * both relays put the same bytes on the wire and the difference measured is
 * what live-chat does, not what it says. Prints its port on stdout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

/** As many as live-chat's join answer holds by default (HISTORY_DEFAULT_LIMIT). */
const HISTORY = 50;
const MEMBERS_IN_JOIN_ACK = 100;

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: '*' } });
const rooms = new Map<string, { seq: number; history: object[] }>();
const authors = new Map<string, object>();

io.on('connection', (socket) => {
  // Shaped like a guest of live-chat: `guest:` and 22 characters.
  const author = { id: `guest:${randomBytes(16).toString('base64url').slice(0, 22)}`, name: String(socket.handshake.auth.name ?? 'guest'), verified: false };
  authors.set(socket.id, author);
  socket.once('disconnect', () => authors.delete(socket.id));
  socket.on('join', ({ room }, ack) => {
    void socket.join(room);
    const state = rooms.get(room);
    const ids = io.of('/').adapter.rooms.get(room) ?? new Set<string>();
    const members = [...ids].slice(0, MEMBERS_IN_JOIN_ACK).map((id) => authors.get(id));
    ack?.({ ok: true, room, messages: state?.history ?? [], members, count: ids.size, self: author, lastSeq: state?.seq ?? 0, rev: state?.seq ?? 0 });
  });
  socket.on('send', ({ room, text, clientMsgId }, ack) => {
    let state = rooms.get(room);
    if (!state) rooms.set(room, (state = { seq: 0, history: [] }));
    const seq = ++state.seq;
    const message = { id: randomUUID(), room, seq, text, author, ts: Date.now(), rev: seq, clientMsgId };
    state.history.push(message);
    if (state.history.length > HISTORY) state.history.shift();
    io.to(room).emit('message', message);
    ack?.({ ok: true, message });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});

// Exits normally, so that `node --cpu-prof` writes its profile (BENCH_PROFILE).
process.once('SIGTERM', () => process.exit(0));
