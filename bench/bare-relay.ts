/**
 * The floor: a bare Socket.IO relay speaking the same join/send/message
 * events as live-chat, with no storage, no validation, no identity. Our relay
 * is measured against it in the same run. Prints its port on stdout.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const http = createServer();
const io = new Server(http, { serveClient: false, cors: { origin: '*' } });
const seqs = new Map<string, number>();

io.on('connection', (socket) => {
  socket.on('join', ({ room }, ack) => {
    void socket.join(room);
    ack?.({ ok: true, room, messages: [], members: [], count: 0, lastSeq: seqs.get(room) ?? 0 });
  });
  socket.on('send', ({ room, text, clientMsgId }, ack) => {
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    const message = { id: clientMsgId, room, seq, text, ts: Date.now(), clientMsgId };
    io.to(room).emit('message', message);
    ack?.({ ok: true, message });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  process.stdout.write(`listening ${typeof address === 'object' && address ? address.port : 0}\n`);
});
