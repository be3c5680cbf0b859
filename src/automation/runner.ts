// Drives the worker and the scheduler inside a process: every tick, and
// promptly after a write; or step by step from tests (drain).
import { hostname } from 'node:os';
import type { Deps } from '../platform/context.ts';
import { randomBytes } from 'node:crypto';
import type { Consumer } from '../events.ts';
import { pruneEvents } from './retention.ts';
import { tickScheduler } from './scheduler.ts';
import { runWorkerOnce, type WorkerOptions } from './worker.ts';

export interface AutomationConfig {
  tickMs: number;
  claimMs?: number;
  batchSize?: number;
  dueSoonLeadMs?: number;
  appointmentGraceMs?: number;
  /** What else acts on the events it takes and every tick (tasks, plans, notifications, webhooks). */
  consumers?: Consumer[];
  /** Events every consumer handled more than this many days ago are deleted (default 30; 0 keeps every event). */
  eventRetentionDays?: number;
  /** How often the loop looks for events to delete (default every 10 minutes). */
  retentionEveryMs?: number;
  /** Called with an error the loop survived (logged by the server). */
  onError?: (error: unknown) => void;
}

export interface Automation {
  /** Handles every pending event and due timer, repeatedly, until there is nothing left (tests, the command line). */
  drain(maxRounds?: number): Promise<{ events: number; timers: number }>;
  /** Runs the loop every tick until stopped. */
  start(): void;
  /** Asks the running loop for a round soon (a write just happened). */
  wake(): void;
  stop(): Promise<void>;
  readonly options: WorkerOptions;
}

export function automation(deps: Deps, config: AutomationConfig): Automation {
  const options: WorkerOptions = {
    workerId: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
    claimMs: config.claimMs ?? 60_000,
    batchSize: config.batchSize ?? 100,
    dueSoonLeadMs: config.dueSoonLeadMs ?? 3_600_000,
    appointmentGraceMs: config.appointmentGraceMs ?? 30 * 60_000,
    consumers: config.consumers ?? [],
  };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;
  let again = false;
  let stopped = true;

  const tickConsumers = async () => {
    let done = 0;
    for (const consumer of options.consumers) done += (await consumer.tick?.(deps)) ?? 0;
    return done;
  };

  // When the time-driven work last ran (the business clock; the loop's start counts), and how often it must run while events keep coming.
  let scannedAt = deps.clock.now();
  const scanEveryMs = Math.max(10, config.tickMs);
  const timeDriven = async () => {
    scannedAt = deps.clock.now();
    return (await tickScheduler(deps, { batchSize: options.batchSize })) + (await tickConsumers());
  };

  /**
   * The time-driven work (due timers, service plans, the consumers' ticks)
   * runs once the events pending are handled, and also between batches while
   * events keep coming, at least once a tick: a business whose events never
   * stop still gets its escalations on time. With `timed` false (a write woke
   * the loop) it runs only if the write's events were handled: a write that
   * left nothing pending costs one read, not a scan of every timer table in a
   * transaction of its own. The interval's rounds always run it.
   */
  const drain = async (maxRounds = 1000, timed = true) => {
    if (timed) await prune();
    let events = 0;
    let timers = 0;
    for (let round = 0; round < maxRounds; round++) {
      const handled = await runWorkerOnce(deps, options);
      if (handled === 0 && !timed && events === 0) break;
      const fired = handled === 0 || deps.clock.now() - scannedAt >= scanEveryMs ? await timeDriven() : 0;
      events += handled;
      timers += fired;
      if (handled === 0 && fired === 0) break;
    }
    return { events, timers };
  };

  // Retention runs in a timed round at most once per retentionEveryMs (the process's first timed round included).
  let nextPruneAt = Number.NEGATIVE_INFINITY;
  const prune = async () => {
    const now = deps.clock.now();
    if (now < nextPruneAt) return;
    nextPruneAt = now + (config.retentionEveryMs ?? 600_000);
    await pruneEvents(deps, { days: config.eventRetentionDays ?? 30 });
  };

  let againTimed = false;
  let wakePending = false;
  const round = (timed: boolean) => {
    if (stopped) return;
    if (running) {
      again = true;
      againTimed ||= timed;
      return;
    }
    running = drain(1000, timed)
      .catch((error: unknown) => config.onError?.(error))
      .finally(() => {
        running = null;
        if (again) {
          const next = againTimed;
          again = false;
          againTimed = false;
          setImmediate(() => round(next));
        }
      });
  };

  return {
    options,
    drain,
    start() {
      stopped = false;
      timer = setInterval(() => round(true), Math.max(10, config.tickMs));
      round(true);
    },
    wake() {
      // Wakes before the round they asked for has begun share it: the writes answered in one turn (a group commit's)
      // cost one round, not one each, since a round that finds nothing ends before the next callback of the turn.
      if (stopped || wakePending) return;
      wakePending = true;
      setImmediate(() => {
        wakePending = false;
        round(false);
      });
    },
    async stop() {
      stopped = true;
      if (timer) clearInterval(timer);
      await running;
    },
  };
}

/**
 * The worker run by hand, on whatever clock the caller's deps carry (a replay such as the demo's):
 * each call handles every pending event and every timer due by then, with the given consumers, and
 * deletes nothing. One worker is made at the first call and kept.
 */
export function runByHand(consumers: Consumer[]): (deps: Deps) => Promise<void> {
  let worker: Automation | undefined;
  return async (deps) => {
    worker ??= automation(deps, { tickMs: 0, consumers, eventRetentionDays: 0 });
    await worker.drain();
  };
}

/** Automation settings from the environment: FINISHLINE_TICK_MS, FINISHLINE_CLAIM_MS, FINISHLINE_DUE_SOON_MINUTES, FINISHLINE_MISSED_GRACE_MINUTES, FINISHLINE_EVENT_RETENTION_DAYS. */
export function automationConfigFromEnv(env: NodeJS.ProcessEnv, tickMs: number): AutomationConfig {
  const number = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
    return value;
  };
  return {
    tickMs,
    claimMs: number('FINISHLINE_CLAIM_MS', 60_000),
    dueSoonLeadMs: number('FINISHLINE_DUE_SOON_MINUTES', 60) * 60_000,
    appointmentGraceMs: number('FINISHLINE_MISSED_GRACE_MINUTES', 30) * 60_000,
    batchSize: number('FINISHLINE_AUTOMATION_BATCH', 100),
    eventRetentionDays: number('FINISHLINE_EVENT_RETENTION_DAYS', 30),
  };
}
