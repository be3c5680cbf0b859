// The dispatch board's arithmetic, without the page: its days and hours, where a job sits,
// which jobs of one technician overlap, when a technician is away, and what a drop changes.
// Times are the browser's, like the rest of the app.

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A job with a start and no end takes this long on the board (and in conflict checks). */
export const DEFAULT_LENGTH = HOUR;
/** Where a job dropped on a day (the week view) starts when it had no time of its own. */
export const DEFAULT_START_HOUR = 9;
/** The row of scheduled jobs nobody is on yet. */
export const NOBODY = 'nobody';

export type View = 'day' | 'week';

export interface BoardJob {
  id: string;
  technicianIds: string[];
  scheduledStart: string | null;
  scheduledEnd: string | null;
}

export interface Away {
  from: string;
  to: string;
  note?: string;
}

export interface Span {
  start: number;
  end: number;
}

export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

/** The same wall-clock time `days` later (DST-safe: by calendar, not by 24 hours). */
export function addDays(date: Date, days: number): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days, date.getHours(), date.getMinutes());
}

/** Monday of the week the date is in. */
export function startOfWeek(date: Date): Date {
  const day = startOfDay(date);
  return addDays(day, -((day.getDay() + 6) % 7));
}

/** The instants a view of this date covers: a day, or Monday to Monday. */
export function windowOf(view: View, anchor: Date): { from: Date; to: Date } {
  const from = view === 'day' ? startOfDay(anchor) : startOfWeek(anchor);
  return { from, to: addDays(from, view === 'day' ? 1 : 7) };
}

/** The days of a week view. */
export function daysOf(from: Date): Date[] {
  return Array.from({ length: 7 }, (_, i) => addDays(from, i));
}

/** Where a job is in time; a job with no end lasts DEFAULT_LENGTH. Null when it has no start. */
export function spanOf(job: BoardJob): Span | null {
  if (!job.scheduledStart) return null;
  const start = Date.parse(job.scheduledStart);
  const end = job.scheduledEnd ? Date.parse(job.scheduledEnd) : start + DEFAULT_LENGTH;
  return { start, end: Math.max(end, start + 1) };
}

const overlaps = (a: Span, b: Span) => a.start < b.end && b.start < a.end;

/** Each technician's jobs (a job with several technicians is in each row); scheduled jobs with nobody under NOBODY. */
export function jobsByTechnician<J extends BoardJob>(jobs: J[]): Map<string, J[]> {
  const rows = new Map<string, J[]>();
  for (const job of jobs) {
    if (!job.scheduledStart) continue;
    for (const id of job.technicianIds.length ? job.technicianIds : [NOBODY]) rows.set(id, [...(rows.get(id) ?? []), job]);
  }
  for (const list of rows.values()) list.sort((a, b) => spanOf(a)!.start - spanOf(b)!.start);
  return rows;
}

/** The ids of jobs in one technician's row that overlap another of theirs (nobody's jobs never conflict). */
export function conflictsIn(jobs: BoardJob[]): Set<string> {
  const clashing = new Set<string>();
  const spans = jobs.map((job) => ({ id: job.id, span: spanOf(job) })).filter((j): j is { id: string; span: Span } => j.span !== null);
  for (let i = 0; i < spans.length; i++) {
    for (let k = i + 1; k < spans.length; k++) {
      if (overlaps(spans[i]!.span, spans[k]!.span)) {
        clashing.add(spans[i]!.id);
        clashing.add(spans[k]!.id);
      }
    }
  }
  return clashing;
}

/** Lanes for a row's jobs so overlapping ones sit one above the other: job id → lane, and how many lanes. */
export function lanesOf(jobs: BoardJob[]): { lane: Map<string, number>; count: number } {
  const ends: number[] = [];
  const lane = new Map<string, number>();
  const sorted = jobs.map((job) => ({ id: job.id, span: spanOf(job) })).filter((j): j is { id: string; span: Span } => j.span !== null).sort((a, b) => a.span.start - b.span.start);
  for (const { id, span } of sorted) {
    let free = ends.findIndex((end) => end <= span.start);
    if (free === -1) free = ends.push(0) - 1;
    ends[free] = span.end;
    lane.set(id, free);
  }
  return { lane, count: Math.max(1, ends.length) };
}

/** The stretches of time off that fall in the window, clipped to it. */
export function awayIn(timeOff: Away[], window: Span): (Span & { note?: string })[] {
  return timeOff
    .map((t) => ({ start: Math.max(Date.parse(t.from), window.start), end: Math.min(Date.parse(t.to), window.end), note: t.note }))
    .filter((t) => t.start < t.end);
}

/** Whether a technician is away at any moment of this span. */
export function isAway(timeOff: Away[], span: Span): boolean {
  return awayIn(timeOff, span).length > 0;
}

/** The hours a day view shows: the business's widest day, an hour either side, widened to every job shown. */
export function hoursShown(businessHours: Record<string, [string, string][]> | undefined, jobs: BoardJob[], day: Date): { first: number; last: number } {
  const opens = Object.values(businessHours ?? {}).flat();
  let first = opens.length ? Math.min(...opens.map(([from]) => Number(from.slice(0, 2)))) - 1 : 7;
  let last = opens.length ? Math.max(...opens.map(([, to]) => Math.ceil(Number(to.slice(0, 2)) + Number(to.slice(3)) / 60))) + 1 : 19;
  const dayStart = startOfDay(day).getTime();
  for (const job of jobs) {
    const span = spanOf(job);
    if (!span) continue;
    first = Math.min(first, Math.floor(Math.max(0, (span.start - dayStart) / HOUR)));
    last = Math.max(last, Math.ceil(Math.min(24, (span.end - dayStart) / HOUR)));
  }
  return { first: Math.max(0, first), last: Math.min(24, Math.max(last, first + 1)) };
}

/** Where a job was dropped: a technician's row (or nobody's), at a time (day view) or on a day (week view). */
export interface DropTarget {
  technicianId: string;
  /** The slot's start, in the day view. */
  at?: number;
  /** The day, in the week view: the job keeps its time of day. */
  day?: Date;
}

export interface ScheduleChange {
  scheduledStart: string;
  scheduledEnd: string;
  technicianIds: string[];
}

/**
 * What a drop changes: the job moves to the slot (or to that day at its own time of day, or
 * DEFAULT_START_HOUR), keeps its length; the row it was dragged from gives way to the row it was
 * dropped on (its other technicians stay), and from the side list the row's technician is its one.
 * Null when nothing would change.
 */
export function dropChange(job: BoardJob, fromTechnician: string | null, target: DropTarget): ScheduleChange | null {
  const span = spanOf(job);
  const length = span ? span.end - span.start : DEFAULT_LENGTH;
  let start: number;
  if (target.at !== undefined) start = target.at;
  else {
    const day = startOfDay(target.day!);
    const from = span ? new Date(span.start) : null;
    start = new Date(day.getFullYear(), day.getMonth(), day.getDate(), from ? from.getHours() : DEFAULT_START_HOUR, from ? from.getMinutes() : 0).getTime();
  }
  // From the side list the drop names the job's technician outright; from a row, that row's technician hands over.
  const others = fromTechnician === null ? [] : job.technicianIds.filter((id) => id !== fromTechnician && id !== target.technicianId);
  const technicianIds = target.technicianId === NOBODY ? others : [...others, target.technicianId];
  const change = { scheduledStart: new Date(start).toISOString(), scheduledEnd: new Date(start + length).toISOString(), technicianIds };
  const sameTeam = [...technicianIds].sort().join() === [...job.technicianIds].sort().join();
  if (span && span.start === start && sameTeam) return null;
  return change;
}
