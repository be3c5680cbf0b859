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
 * The ends of the working days in [from, to) under these weekly hours,
 * skipping holidays, each floored to a quarter hour so the counts can be read
 * from quarter-hour slots exactly. The same for everyone on the same hours:
 * a report works it out once per set of hours, not once per person (each day
 * is a time-zone computation).
 */
export function workingDayEnds(hours: Weekly, calendar: Calendar, from: number, to: number): number[] {
  const holidays = new Set(calendar.holidays);
  const ends: number[] = [];
  for (let day = DateTime.fromMillis(from, { zone: calendar.timezone }).startOf('day'); day.toMillis() < to; day = day.plus({ days: 1 })) {
    const intervals = hours[WEEKDAYS[day.weekday - 1]!];
    if (intervals.length === 0 || holidays.has(day.toISODate()!)) continue;
    const end = intervals.map(([, until]) => until).sort().at(-1)!;
    const [h, m] = end.split(':').map(Number) as [number, number];
    const instant = Math.floor(day.plus({ hours: h, minutes: m }).toMillis() / SLOT_MS) * SLOT_MS;
    if (instant < from || instant >= to) continue;
    ends.push(instant);
  }
  return ends;
}

/**
 * The instants a person's load is sampled at: the end of each of their
 * working days in [from, to) (their own hours, else the business's), skipping
 * holidays, their time off, days before they joined and before their first
 * task (the earliest `since`); each floored to a quarter hour so the counts
 * can be read from quarter-hour slots exactly. `endsOf` gives the working
 * days' ends for a set of hours (workingDayEnds, remembered by the caller).
 */
export function sampleInstants(
  person: Person,
  calendar: Calendar,
  from: number,
  to: number,
  since: number,
  endsOf: (hours: Weekly) => number[] = (hours) => workingDayEnds(hours, calendar, from, to),
): number[] {
  const away = person.timeOff.map((t) => ({ from: Date.parse(t.from), to: Date.parse(t.to) }));
  return endsOf(person.workingHours ?? calendar.businessHours).filter(
    (instant) => instant >= person.createdAt && instant > since && !away.some((a) => instant >= a.from && instant < a.to),
  );
}

/** workingDayEnds remembered per set of hours, for one report. */
export function workingDayEndsMemo(calendar: Calendar, from: number, to: number): (hours: Weekly) => number[] {
  const known = new Map<string, number[]>();
  return (hours) => {
    const key = JSON.stringify(hours);
    let ends = known.get(key);
    if (!ends) known.set(key, (ends = workingDayEnds(hours, calendar, from, to)));
    return ends;
  };
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
  let firstSlot = Infinity;
  for (const s of spells) if (s.createdSlot < firstSlot) firstSlot = s.createdSlot;
  const first = firstSlot * SLOT_MS;
  return first < from ? -Infinity : first;
}

/**
 * Weighted open work at each instant (each a whole quarter hour): each spell
 * adds its weight from the first instant after the slot it opened in until
 * the last one in (or before) the slot it closed in — two binary searches
 * among the instants and two entries in a running sum, so a person with
 * thousands of spells costs neither spells × instants nor a sort of the
 * spells. The weights are halves (PRIORITY_WEIGHT), so the sums are exact in
 * any order.
 */
export function loadsAt(spells: readonly Spell[], instants: readonly number[]): number[] {
  const order = instants.map((_, i) => i).sort((a, b) => instants[a]! - instants[b]!);
  const slots = order.map((i) => instants[i]! / SLOT_MS);
  /** How many of the (sorted) instants' slots are at or before `slot`. */
  const upTo = (slot: number) => {
    let low = 0;
    let high = slots.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (slots[mid]! <= slot) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  const change = new Array<number>(slots.length + 1).fill(0);
  for (const s of spells) {
    // Open at a slot while createdSlot < slot ≤ closedSlot: a spell closed in (or before) the slot it was created in is never open.
    if (s.closedSlot !== null && s.closedSlot <= s.createdSlot) continue;
    const first = upTo(s.createdSlot);
    const end = s.closedSlot === null ? slots.length : upTo(s.closedSlot);
    if (first >= end) continue;
    change[first]! += s.weight;
    change[end]! -= s.weight;
  }
  const loads = new Array<number>(instants.length).fill(0);
  let load = 0;
  for (let k = 0; k < slots.length; k++) {
    load += change[k]!;
    loads[order[k]!] = load;
  }
  return loads;
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
