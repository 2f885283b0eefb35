/**
 * The floor: a bare Socket.IO relay speaking the same join/send/message
 * events as live-chat, with no storage, no validation, no identity checks.
 * Its `message` events have the contract's shape (an id, the author as a
 * member), so both relays put the same bytes on the wire and the difference
 * measured is what live-chat does, not what it says. Prints its port on stdout.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: '*' } });
const seqs = new Map<string, number>();

io.on('connection', (socket) => {
  // Shaped like a guest of live-chat: `guest:` and 22 characters.
  const author = { id: `guest:${randomBytes(16).toString('base64url').slice(0, 22)}`, name: String(socket.handshake.auth.name ?? 'guest'), verified: false };
  socket.on('join', ({ room }, ack) => {
    void socket.join(room);
    ack?.({ ok: true, room, messages: [], members: [], count: 0, self: author, lastSeq: seqs.get(room) ?? 0 });
  });
  socket.on('send', ({ room, text, clientMsgId }, ack) => {
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const message = { id: randomUUID(), room, seq, text, author, ts: Date.now(), clientMsgId };
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
