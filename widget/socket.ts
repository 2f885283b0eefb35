/**
 * The part of a Socket.IO v4 client the widget uses, written for it: one
 * namespace (`/`), JSON events with one argument, acks, the `auth` handshake,
 * heartbeats, reconnection with backoff, and two transports: WebSocket first,
 * HTTP long-polling when a proxy blocks WebSocket (Engine.IO v4 framing).
 *
 * socket.io-client was about 11 KB of the widget's gzip budget, mostly for
 * what the chat never uses (binary packets, upgrades, namespaces, volatile
 * and buffered emits, Node support); this is about 1.5 KB. Anything the
 * relay speaks that this does not know (a binary packet) closes the
 * transport, and the widget reconnects as it does after any network cut.
 */

type Handler = (event: string, arg?: any) => void;

/** Socket.IO's defaults: 1 s doubling to 5 s, ±50 %. */
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 5000;
/** The Engine.IO session must be open (the Socket.IO handshake answered) within this. */
const CONNECT_TIMEOUT_MS = 20_000;
/** Engine.IO's separator of packets in one long-polling body. */
const SEPARATOR = '\x1e';

interface Transport {
  send(packet: string): void;
  close(): void;
}

export class Socket {
  connected = false;
  /** False once the relay refused the handshake, or the socket was closed: no reconnect follows. */
  active = true;
  #transport?: Transport;
  #acks = new Map<number, (error: Error | null, arg?: unknown) => void>();
  #nextAck = 0;
  #attempts = 0;
  #timer?: ReturnType<typeof setTimeout>;
  #heartbeat?: ReturnType<typeof setTimeout>;
  #pingMs = 0;

  /** `on` hears every relay event, and `connect`, `disconnect`, `connect_error` (with an Error whose message is the code). */
  constructor(
    private readonly url: string,
    private readonly auth: object,
    private readonly on: Handler,
  ) {
    this.#open(true);
  }

  /** Sends an event and resolves with its ack; rejects when none comes in `timeoutMs`, or the connection drops first. */
  emitWithAck(event: string, arg: unknown, timeoutMs: number): Promise<any> {
    return new Promise((resolve, reject) => {
      if (!this.connected) return reject(new Error('disconnected'));
      const id = this.#nextAck++;
      const timer = setTimeout(() => this.#acks.get(id)?.(new Error('timeout')), timeoutMs);
      this.#acks.set(id, (error, answer) => {
        clearTimeout(timer);
        this.#acks.delete(id);
        error ? reject(error) : resolve(answer);
      });
      this.#transport!.send(`42${id}${JSON.stringify([event, arg])}`);
    });
  }

  disconnect(): void {
    this.active = false;
    if (this.connected) this.#transport?.send('41');
    this.#closed();
  }

  /** Opens a transport: WebSocket, or long-polling if WebSocket failed before opening (`websocket` false). */
  #open(websocket: boolean): void {
    const base = `${this.url.replace(/\/$/, '')}/socket.io/?EIO=4&transport=`;
    let opened = false;
    const receive = (packet: string) => {
      clearTimeout(this.#heartbeat);
      // No packet for a ping interval and its timeout: the connection is dead.
      if (this.#pingMs) this.#heartbeat = setTimeout(() => this.#closed(), this.#pingMs);
      const type = packet[0];
      if (type === '0') {
        opened = true;
        const { pingInterval, pingTimeout } = JSON.parse(packet.slice(1));
        this.#pingMs = pingInterval + pingTimeout;
        transport.send(`40${JSON.stringify(this.auth)}`);
      } else if (type === '2') transport.send('3');
      else if (type === '1') this.#closed();
      else if (type === '4') this.#packet(packet.slice(1));
    };
    const fail = () => {
      if (transport !== this.#transport) return;
      if (!opened && websocket) this.#open(false);
      else this.#closed();
    };
    const transport = (this.#transport = websocket
      ? webSocket(base.replace(/^http/, 'ws') + 'websocket', receive, fail)
      : polling(base + 'polling', receive, fail));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.connected || this.#closed(), CONNECT_TIMEOUT_MS);
  }

  /** A Socket.IO packet: 0 connect, 1 disconnect, 2 event, 3 ack, 4 connect error. */
  #packet(packet: string): void {
    const type = packet[0];
    if (type === '0') {
      this.connected = true;
      this.#attempts = 0;
      this.on('connect');
    } else if (type === '4') {
      // Refused by the relay's middleware (origin_not_allowed, unauthorized…): final.
      this.active = false;
      this.#closed(new Error(JSON.parse(packet.slice(1)).message));
    } else if (type === '1') {
      // The relay closed the session itself: like socket.io-client, do not come back.
      this.active = false;
      this.#closed();
    } else {
      const [, id, json] = /^[23](\d*)(.*)$/s.exec(packet)!;
      const args = JSON.parse(json!);
      if (type === '2') this.on(args[0], args[1]);
      else this.#acks.get(Number(id))?.(null, args[0]);
    }
  }

  /** The transport is gone (or refused, with `error`): tell, then reconnect unless inactive. */
  #closed(error?: Error): void {
    const transport = this.#transport;
    if (!transport) return;
    this.#transport = undefined;
    transport.close();
    clearTimeout(this.#timer);
    clearTimeout(this.#heartbeat);
    for (const ack of [...this.#acks.values()]) ack(new Error('disconnected'));
    if (this.connected) {
      this.connected = false;
      this.on('disconnect');
    } else if (this.active || error) {
      this.on('connect_error', error ?? new Error('connection failed'));
    }
    if (!this.active) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.#attempts++) * (0.5 + Math.random());
    this.#timer = setTimeout(() => this.#open(true), delay);
  }
}

function webSocket(url: string, receive: (packet: string) => void, fail: () => void): Transport {
  const ws = new WebSocket(url);
  ws.onmessage = (event) => (typeof event.data === 'string' ? receive(event.data) : fail());
  ws.onclose = ws.onerror = fail;
  return {
    send: (packet) => ws.readyState === 1 && ws.send(packet),
    close: () => {
      ws.onclose = ws.onerror = ws.onmessage = null;
      ws.close();
    },
  };
}

/** Engine.IO long-polling: one GET waiting at a time for the relay's packets, one POST at a time for ours. */
function polling(url: string, receive: (packet: string) => void, fail: () => void): Transport {
  let sid = '';
  let closed = false;
  let posting = false;
  let queue: string[] = [];
  const abort = new AbortController();
  const request = async (body?: string) => {
    const response = await fetch(`${url}&t=${Date.now().toString(36)}${sid && `&sid=${sid}`}`, {
      method: body ? 'POST' : 'GET',
      body,
      signal: abort.signal,
    });
    if (!response.ok) throw new Error(String(response.status));
    return response.text();
  };
  const flush = () => {
    if (posting || !queue.length || !sid || closed) return;
    posting = true;
    const body = queue.join(SEPARATOR);
    queue = [];
    request(body).then(() => {
      posting = false;
      flush();
    }, stop);
  };
  const stop = () => closed || fail();
  const poll = async () => {
    try {
      while (!closed) {
        for (const packet of (await request()).split(SEPARATOR)) {
          if (!sid && packet[0] === '0') sid = JSON.parse(packet.slice(1)).sid;
          if (!closed) receive(packet);
        }
        flush();
      }
    } catch {
      stop();
    }
  };
  void poll();
  return {
    send: (packet) => {
      queue.push(packet);
      flush();
    },
    close: () => {
      closed = true;
      abort.abort();
    },
  };
}
