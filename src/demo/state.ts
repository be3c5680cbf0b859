// The business being built: what the demo has placed so far, shared by the
// steps that build it (people and customers, the month replayed, the bulk).
import type { ManualClock } from '../platform/clock.ts';
import type { Actor, Deps } from '../platform/context.ts';
import type { Dice, RecordKind, TeamKey } from './business.ts';

export interface Placed {
  id: string;
  name: string;
  at: number;
  /** Records a task about this one also links to (a lead's contact, a job's client). */
  also: { type: 'contact' | 'client'; id: string }[];
  /** A job's visit: when it is booked, and whether it was completed. */
  visit?: { start: number; end: number; completed: boolean };
}

export interface Business {
  deps: Deps;
  clock: ManualClock;
  dice: Dice;
  now: number;
  start: number;
  owner: Actor;
  people: { id: string; actor: Actor; team: TeamKey | null }[];
  teams: Record<TeamKey, string>;
  placed: Record<RecordKind, Placed[]>;
  contacts: { id: string; name: string; address: string }[];
}

export type Step = { at: number; run: () => Promise<unknown> };

export function membersOf(biz: Business, team: TeamKey) {
  return biz.people.filter((p) => p.team === team);
}

export function between(dice: Dice, from: number, to: number): number {
  return to <= from ? from : from + Math.floor(dice.float() * (to - from));
}
