import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { root } from '../../server/paths.js';
import { childEnv, tempDir } from './helpers.js';

export interface RelayProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Everything the relay has logged so far (pino JSON lines). */
  output(): string;
  /** Ends the process with a signal and waits for it to exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts the built relay (dist/server/main.js) as its own process on a free port. */
export async function spawnRelay(t: TestContext, env: Record<string, string>): Promise<RelayProcess> {
  const child = spawn(process.execPath, [join(root, 'dist/server/main.js')], {
    cwd: tempDir(t),
    env: childEnv({ HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', RATE_LIMIT: 'off', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`relay exited with ${code}: ${stderr}`)));
  });
  const kill = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  };
  t.after(() => kill('SIGKILL'));
  // Also when the runner exits without running after-hooks (a forced exit).
  const orphanGuard = () => child.kill('SIGKILL');
  process.once('exit', orphanGuard);
  child.once('exit', () => process.off('exit', orphanGuard));
  return { url, port: Number(new URL(url).port), child, kill, output: () => out };
}

export interface Proxy {
  port: number;
  /**
   * While muted, bytes from the service back to the client are dropped (the
   * other way still flows): a request arrives and is acted on, its answer is lost.
   */
  mute(muted: boolean): void;
  /** Cuts every connection and refuses new ones, as a server going down would. */
  cut(): Promise<void>;
  /** Accepts connections again on the same port. */
  restore(): Promise<void>;
}

/** How late a slow link may fall behind its schedule and still catch up (so an idle link saves up no burst beyond it). */
const LINK_CATCH_UP_MS = 200;

/**
 * A TCP proxy in front of a real service (PostgreSQL, Redis), to take it away
 * from the relays and give it back without touching the service itself,
 * which other suites and developers share. With `bytesPerSecond`, the
 * service's bytes reach the client no faster than that: a slow link. With
 * `delayMs`, each of them reaches it that much later: a distant one.
 *
 * The slow link keeps its rate on a loaded machine: each chunk is due on a
 * schedule kept on the clock, so a timer that fires late is caught up on
 * (up to LINK_CATCH_UP_MS) instead of slowing the link for good. A sleep
 * after each chunk (64 KB, 10–20 ms) made a 3 MiB/s link drain the relay's
 * send queue at 1.8–2.5 MB/s on a loaded machine (seen with ss).
 */
export async function startProxy(
  t: TestContext,
  target: { host: string; port: number },
  options: { bytesPerSecond?: number; delayMs?: number } = {},
): Promise<Proxy> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  let muted = false;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(target.port, target.host);
      // When the bytes passed so far are due to have crossed the slow link (performance.now()).
      let due = 0;
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        if (muted) return;
        if (options.delayMs) return void setTimeout(() => client.write(chunk), options.delayMs);
        client.write(chunk);
        if (!options.bytesPerSecond) return;
        // Read no more from the service until this chunk is due to have crossed the link.
        const now = performance.now();
        due = Math.max(due, now - LINK_CATCH_UP_MS) + (chunk.length / options.bytesPerSecond) * 1000;
        if (due <= now) return;
        upstream.pause();
        setTimeout(() => upstream.resume(), due - now);
      });
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  };
  await listen();
  const proxy: Proxy = {
    get port() {
      return port;
    },
    mute(on) {
      muted = on;
    },
    async cut() {
      if (!server.listening) return;
      const closed = new Promise((resolve) => server.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
    },
    async restore() {
      await listen();
    },
  };
  t.after(() => proxy.cut());
  return proxy;
}

export interface Balancer {
  url: string;
  /** Which backends passed their last health check. */
  healthy(): string[];
}

/**
 * A TCP load balancer, as an operator puts in front of several relays: every
 * 200 ms it asks each backend's /healthz (500 ms to answer), and sends each
 * new connection to the first backend, in the order given, that answered
 * (failover, like nginx's `backup`). A frozen relay still accepts TCP
 * connections in the kernel, so only the health check can tell.
 */
export async function startBalancer(t: TestContext, backends: string[]): Promise<Balancer> {
  const up = new Set<string>(backends);
  let stopped = false;
  const check = async () => {
    while (!stopped) {
      await Promise.all(
        backends.map(async (backend) => {
          const ok = await fetch(`${backend}/healthz`, { signal: AbortSignal.timeout(500) }).then(
            (response) => response.ok,
            () => false,
          );
          if (ok) up.add(backend);
          else up.delete(backend);
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  void check();
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const backend = backends.find((b) => up.has(b));
    if (!backend) return void client.destroy();
    const target = new URL(backend);
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(async () => {
    stopped = true;
    const closed = new Promise((resolve) => server.close(resolve));
    for (const s of sockets) s.destroy();
    await closed;
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, healthy: () => backends.filter((b) => up.has(b)) };
}

/** Resolves once `check` holds (polled every 100 ms); fails with `message` past the deadline. */
export async function waitFor(check: () => boolean | Promise<boolean>, message: string, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(message);
}
