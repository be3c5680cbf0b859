// How dates, people and statuses read on screen.
const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short' });
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function startOfDay(date: Date): Date {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate());
}

export function daysBetween(from: Date, to: Date): number {
  return Math.round((startOfDay(to).getTime() - startOfDay(from).getTime()) / 86_400_000);
}

/** "Today 09:00", "Tomorrow 17:00", "Yesterday", "Fri 6 Mar 09:00". */
export function formatDue(iso: string, now = new Date()): string {
  const due = new Date(iso);
  const days = daysBetween(now, due);
  const time = timeFormat.format(due);
  if (days === 0) return `Today ${time}`;
  if (days === 1) return `Tomorrow ${time}`;
  if (days === -1) return `Yesterday ${time}`;
  return `${dayFormat.format(due)} ${time}`;
}

export function formatInstant(iso: string): string {
  return fullFormat.format(new Date(iso));
}

export function timeAgo(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '')).toUpperCase();
}

/** A `datetime-local` input's value for an instant, in the browser's zone. */
export function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): string | null {
  return value ? new Date(value).toISOString() : null;
}

/** Which section of My work a task is in, on the browser's calendar. */
export type WorkBucket = 'overdue' | 'today' | 'upcoming' | 'nodate' | 'waiting';

/**
 * Where a task of mine belongs on My work. Overdue comes first whatever the
 * status (a blocked task past its date is late all the same, as Reports counts
 * it); then what waits on others; then by due date, and no date on its own.
 */
export function workBucket(task: { status: string; overdue: boolean; dueAt: string | null }, now = new Date()): WorkBucket {
  if (task.overdue) return 'overdue';
  if (task.status === 'waiting' || task.status === 'blocked') return 'waiting';
  if (!task.dueAt) return 'nodate';
  if (daysBetween(now, new Date(task.dueAt)) <= 0) return 'today';
  return 'upcoming';
}
