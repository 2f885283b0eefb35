/**
 * Starts a relay for the benchmarks as its own process: live-chat's built
 * relay (SQLite in a temporary folder, no rate limit) or the bare Socket.IO
 * floor of bare-relay.ts. With BENCH_PROFILE set to a folder, each relay runs
 * under `node --cpu-prof` and writes its profile there when stopped.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from '../server/paths.js';
import { sleep } from './stats.js';

export type Kind = 'bare' | 'live-chat';

export interface Relay {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * `nodeArgs`: Node's own options for the relay's process (V8's, say);
 * `main`: another build of live-chat's relay than this checkout's (an
 * earlier commit's dist/server/main.js, for before-and-after figures).
 */
export async function start(kind: Kind, env: Record<string, string> = {}, nodeArgs: string[] = [], main?: string): Promise<Relay> {
  const dir = mkdtempSync(join(tmpdir(), 'live-chat-bench-'));
  const profile = process.env.BENCH_PROFILE;
  const args = [
    ...nodeArgs,
    ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profile, kind)}`] : []),
    ...(kind === 'bare' ? ['--import', 'tsx', join(root, 'bench/bare-relay.ts')] : [main ?? join(root, 'dist/server/main.js')]),
  ];
  const child: ChildProcess = spawn(process.execPath, args, {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'info',
      DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`,
      RATE_LIMIT: 'off',
      MAX_CONNECTIONS_PER_IP: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk;
      const match = /listening (\d+)|Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume(); // keep draining the logs
        resolve(`http://127.0.0.1:${match[1] ?? match[2]}`);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${kind} relay exited with ${code}`)));
  });
  return {
    url,
    pid: child.pid!,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // A profiled relay must exit by itself to write its profile; it is
      // stopped for good otherwise (its clients may still be closing).
      child.kill(profile ? 'SIGTERM' : 'SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resident memory of a process, in KB. */
export function rssKb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/**
 * CPU time a process has used so far (user + system), in ms, from
 * /proc/<pid>/stat: the relay's own, not its clients'. Ticks are 10 ms
 * (CLK_TCK 100 on Linux), fine over a run of seconds.
 */
export function cpuMs(pid: number): number {
  // The command name (field 2) may hold spaces: count fields after its ')'.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The write system calls (write, writev, …) a process has made so far (/proc/<pid>/io). */
export function writeCalls(pid: number): number {
  return Number(/syscw: (\d+)/.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? NaN);
}

/**
 * Waits until the relays use under 0.1 of a core for a whole second, at most
 * `maxMs`; returns how long that took. So a measurement does not time what
 * the one before left to do: after a join storm live-chat is still writing
 * the storm's `presence` announcements to every member for a while (each
 * batch goes to the whole room), and after the paced section both relays
 * are still closing its 1,000 clients.
 */
export async function settled(pids: number[], maxMs = 180_000): Promise<number> {
  const started = performance.now();
  const cpu = () => pids.reduce((sum, pid) => sum + cpuMs(pid), 0);
  while (performance.now() - started < maxMs) {
    const before = cpu();
    await sleep(1000);
    if (cpu() - before < 100) break;
  }
  return performance.now() - started;
}
