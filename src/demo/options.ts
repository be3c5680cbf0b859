// What a demo load is asked for and what it reports.
import type { Clock } from '../platform/clock.ts';
import type { Actor, Deps } from '../platform/context.ts';

/** Installs a trade's playbook for the owner (automation lies above the demo, so the command line hands it in). */
export type PlaybookInstaller = (deps: Deps, owner: Actor, trade: string) => Promise<void>;

/**
 * Handles every pending event and due timer as of the demo's clock: the automation worker, run by
 * hand (automation lies above the demo, so the command line hands it in, as it does the installer).
 */
export type AutomationRunner = (deps: Deps) => Promise<void>;

/** How big the demo business is, before `scale`. */
export const DEMO_SIZE = { contacts: 40, households: 16, businesses: 8, leads: 30, commercialLeads: 4, jobs: 36, services: 16, tasks: 90 };

export interface DemoOptions {
  seed: number;
  /** Extra tasks to add in bulk (0 for none). */
  scale: number;
  clock?: Clock;
  /** Bulk tasks per transaction. */
  batchSize?: number;
  /** From how many bulk tasks the task indexes are dropped and built again at the end (default 100,000). */
  rebuildIndexesFrom?: number;
  onProgress?: (done: number, total: number) => void;
  /** When given, the business's trade playbook is installed before its month is replayed, so its rules see that month's events. */
  installPlaybook?: PlaybookInstaller;
  /**
   * When given, the automation runs as the month is replayed: each event is handled at its own
   * moment and timers fire as the clock passes them, so the tasks the rules make are spread over
   * the month as in a business that ran them (not all made at once when a server first starts).
   */
  runAutomation?: AutomationRunner;
}

export interface DemoResult {
  orgId: string;
  orgName: string;
  login: { email: string; password: string };
  counts: { people: number; teams: number; contacts: number; clients: number; pipelines: number; leads: number; jobs: number; services: number; tasks: number };
  bulk: { tasks: number; ms: number; perSecond: number };
}
