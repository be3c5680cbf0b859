// Load from a second process (autocannon) and the child servers it measures.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

export interface Load {
  /** Several URLs spread the connections over them (several server processes). */
  url: string | string[];
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests each connection sends in turn (bodies that differ, e.g. assignees), instead of the one above. */
  requests?: { method?: 'GET' | 'POST'; path: string; body?: string; headers?: Record<string, string> }[];
  connections: number;
  seconds: number;
}

export interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

/**
 * Loads each target for `seconds` in total, in alternating rounds (a, b, a, b…),
 * so that the machine's drifting load falls on every target alike; returns each
 * one's mean requests per second and its worst percentiles.
 */
export async function alternate(targets: Omit<Load, 'connections' | 'seconds'>[], seconds: number, connections: number): Promise<Figures[]> {
  const rounds = Math.max(1, Math.round(seconds / 3));
  const slice = Math.max(1, Math.round(seconds / rounds));
  const totals = targets.map(() => ({ rps: 0, p50: 0, p99: 0, errors: 0, non2xx: 0 }));
  for (let round = 0; round < rounds; round++) {
    for (const [i, target] of targets.entries()) {
      const figures = await load({ ...target, connections, seconds: slice });
      const total = totals[i]!;
      total.rps += figures.rps / rounds;
      total.p50 = Math.max(total.p50, figures.p50);
      total.p99 = Math.max(total.p99, figures.p99);
      total.errors += figures.errors;
      total.non2xx += figures.non2xx;
    }
  }
  return totals.map((t) => ({ ...t, rps: Math.round(t.rps) }));
}

export async function load(options: Load): Promise<Figures> {
  const result = await autocannon({
    // autocannon takes several URLs and spreads its connections over them; its types name only one.
    url: options.url as string,
    method: options.method ?? 'GET',
    headers: options.headers,
    body: options.body,
    ...(options.requests ? { requests: options.requests } : {}),
    connections: options.connections,
    duration: options.seconds,
  });
  return {
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  };
}

export interface Child {
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server process and waits until `ready` answers. */
export async function startProcess(args: string[], env: Record<string, string>, ready: string): Promise<Child> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    try {
      const res = await fetch(ready);
      if (res.status < 500) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? 0 : Math.round((value / baseline) * 100) / 100;
}

/** Runs a benchmark script as its own process, echoing what it prints; returns its last line (its JSON figures). */
export function runScript(args: string[]): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.once('exit', (code) => {
      const last = output.trim().split('\n').pop() ?? '';
      if (code !== 0) return reject(new Error(`${args.join(' ')} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, number>);
      } catch {
        reject(new Error(`${args.join(' ')} did not end with a JSON line`));
      }
    });
  });
}

/** A child server's peak resident memory so far (VmHWM, Linux), in MB; 0 where it cannot be read. */
export function peakRssMb(child: Child): number {
  try {
    const status = readFileSync(`/proc/${child.process.pid}/status`, 'utf8');
    return Math.round(Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024);
  } catch {
    return 0;
  }
}

/** A child server's resident memory now, split: anonymous (its heap and SQLite's cache) and file-backed (the database file mapped with mmap), in MB. */
export function rssNowMb(child: Child): { anon: number; file: number } {
  try {
    const status = readFileSync(`/proc/${child.process.pid}/status`, 'utf8');
    const mb = (name: string) => Math.round(Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024);
    return { anon: mb('RssAnon'), file: mb('RssFile') };
  } catch {
    return { anon: 0, file: 0 };
  }
}
