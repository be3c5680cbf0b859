// A person's usual load, from their own history: how much weighted open work
// they held at the end of each of their working days over the last weeks.
// "Over usual" compares today's load with that, like with like.
import { DateTime } from 'luxon';
import { DAY, SLOT_MS } from './report.ts';

/** How far back a person's usual load looks (from the start of today, org time). */
export const USUAL_LOAD_DAYS = 56;
/** Fewer sampled working days (four working weeks) than this, and there is not enough history to say what is usual. */
export const MIN_USUAL_SAMPLES = 20;
/** Over usual: more than half again the usual load, and at least this much more (weighted), so one extra task never flags. */
export const OVER_USUAL_FACTOR = 1.5;
export const OVER_USUAL_MARGIN = 2;

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type Weekly = Record<(typeof WEEKDAYS)[number], [string, string][]>;

export interface Person {
  id: string;
  createdAt: number;
  workingHours: Weekly | null;
  timeOff: { from: string; to: string }[];
}

export interface Calendar {
  timezone: string;
  businessHours: Weekly;
  holidays: string[];
}

/**
 * The instants a person's load is sampled at: the end of each of their
 * working days in [from, to) (their own hours, else the business's), skipping
 * holidays, their time off, days before they joined and before their first
 * task (the earliest `since`); each floored to a quarter hour so the counts
 * can be read from quarter-hour slots exactly.
 */
export function sampleInstants(person: Person, calendar: Calendar, from: number, to: number, since: number): number[] {
  const hours = person.workingHours ?? calendar.businessHours;
  const holidays = new Set(calendar.holidays);
  const away = person.timeOff.map((t) => ({ from: Date.parse(t.from), to: Date.parse(t.to) }));
  const samples: number[] = [];
  for (let day = DateTime.fromMillis(from, { zone: calendar.timezone }).startOf('day'); day.toMillis() < to; day = day.plus({ days: 1 })) {
    const intervals = hours[WEEKDAYS[day.weekday - 1]!];
    if (intervals.length === 0 || holidays.has(day.toISODate()!)) continue;
    const end = intervals.map(([, until]) => until).sort().at(-1)!;
    const [h, m] = end.split(':').map(Number) as [number, number];
    const instant = Math.floor(day.plus({ hours: h, minutes: m }).toMillis() / SLOT_MS) * SLOT_MS;
    if (instant < from || instant >= to || instant < person.createdAt || instant <= since) continue;
    if (away.some((a) => instant >= a.from && instant < a.to)) continue;
    samples.push(instant);
  }
  return samples;
}

/** A task's open spell in quarter-hour slots: open at s while createdSlot < s/SLOT ≤ closedSlot (null: still open). */
export interface Spell {
  createdSlot: number;
  closedSlot: number | null;
  weight: number;
}

/** When the person's history starts: their first task's creation (−∞ when one was already open before the window). */
export function historyStart(spells: readonly Spell[], from: number): number {
  if (spells.length === 0) return Infinity;
  const first = Math.min(...spells.map((s) => s.createdSlot)) * SLOT_MS;
  return first < from ? -Infinity : first;
}

/** Weighted open work at each instant (each a whole quarter hour). */
export function loadsAt(spells: readonly Spell[], instants: readonly number[]): number[] {
  return instants.map((instant) => {
    const slot = instant / SLOT_MS;
    let load = 0;
    for (const s of spells) if (s.createdSlot < slot && (s.closedSlot === null || slot <= s.closedSlot)) load += s.weight;
    return load;
  });
}

export interface Usual {
  /** The median of the samples, or null with fewer than MIN_USUAL_SAMPLES. */
  load: number | null;
  days: number;
}

export function usualOf(loads: readonly number[]): Usual {
  if (loads.length < MIN_USUAL_SAMPLES) return { load: null, days: loads.length };
  const sorted = [...loads].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const load = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { load, days: loads.length };
}

export function overUsual(load: number, usual: number | null): boolean {
  return usual !== null && load > usual * OVER_USUAL_FACTOR && load - usual >= OVER_USUAL_MARGIN;
}

export const usualWindow = (startOfToday: number) => ({ from: startOfToday - USUAL_LOAD_DAYS * DAY, to: startOfToday });
