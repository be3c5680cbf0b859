// The weeks a month view shows: whole weeks, Monday first, in the browser's calendar.
export function monthGrid(year: number, month: number): Date[] {
  const first = new Date(year, month, 1);
  const offset = (first.getDay() + 6) % 7;
  const start = new Date(year, month, 1 - offset);
  const last = new Date(year, month + 1, 0);
  const weeks = Math.ceil((offset + last.getDate()) / 7);
  return Array.from({ length: weeks * 7 }, (_, i) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + i));
}

export function dayKey(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The same time of day, on another day: what dragging a task to a day means. */
export function moveToDay(iso: string, day: Date): string {
  const due = new Date(iso);
  return new Date(day.getFullYear(), day.getMonth(), day.getDate(), due.getHours(), due.getMinutes()).toISOString();
}
