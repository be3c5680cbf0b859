// Reads a quick-add line the way people type it:
// "Call Dana tomorrow 9am !high @tom #lead-12" → title, due date, priority, assignee, link.
import * as chrono from 'chrono-node';
import { LINK_TYPES, type Priority } from '../api/types.ts';

export interface QuickAdd {
  title: string;
  dueAt: Date | null;
  /** The words the due date was read from, to show back to the user. */
  dueText: string | null;
  priority: Priority | null;
  /** The `@handle` typed, without the @; resolved to a user with `matchUser`. */
  assignee: string | null;
  links: { type: (typeof LINK_TYPES)[number]; id: string }[];
}

const PRIORITY_WORDS: Record<string, Priority> = {
  urgent: 'urgent', '1': 'urgent', '!!': 'urgent', p1: 'urgent',
  high: 'high', '2': 'high', p2: 'high',
  normal: 'normal', '3': 'normal', p3: 'normal',
  low: 'low', '4': 'low', p4: 'low',
};

/** A date typed without a time is due at the end of the working day. */
export const DEFAULT_DUE_HOUR = 17;

export function parseQuickAdd(text: string, now: Date = new Date()): QuickAdd {
  let rest = ` ${text} `;
  let priority: Priority | null = null;
  let assignee: string | null = null;
  const links: QuickAdd['links'] = [];

  rest = rest.replace(/\s!(\S+)(?=\s)/g, (whole, word: string) => {
    const found = PRIORITY_WORDS[word.toLowerCase()];
    if (!found) return whole;
    priority = found;
    return ' ';
  });
  rest = rest.replace(/\s@([\p{L}\p{N}._-]+)(?=\s)/gu, (_whole, handle: string) => {
    assignee = handle;
    return ' ';
  });
  rest = rest.replace(/\s#([a-z]+)[-:](\S+)(?=\s)/gi, (whole, type: string, id: string) => {
    const linkType = LINK_TYPES.find((t) => t === type.toLowerCase());
    if (!linkType) return whole;
    if (!links.some((l) => l.type === linkType && l.id === id)) links.push({ type: linkType, id });
    return ' ';
  });

  let dueAt: Date | null = null;
  let dueText: string | null = null;
  const [found] = chrono.parse(rest, now, { forwardDate: true });
  if (found) {
    dueText = found.text;
    const date = found.start.date();
    if (!found.start.isCertain('hour')) date.setHours(DEFAULT_DUE_HOUR, 0, 0, 0);
    dueAt = date;
    rest = rest.slice(0, found.index) + ' ' + rest.slice(found.index + found.text.length);
  }
  const title = rest.replace(/\s+/g, ' ').trim();
  return { title, dueAt, dueText, priority, assignee, links };
}

/** The person an `@handle` names: first name, full name without spaces, or e-mail before the @. */
export function matchUser<U extends { name: string; email: string; active?: boolean }>(handle: string, users: U[]): U | null {
  const wanted = handle.toLowerCase();
  const candidates = users.filter((u) => u.active !== false);
  const exact = candidates.find((u) => {
    const name = u.name.toLowerCase();
    return name.split(/\s+/)[0] === wanted || name.replace(/\s+/g, '') === wanted || u.email.toLowerCase().split('@')[0] === wanted;
  });
  return exact ?? candidates.find((u) => u.name.toLowerCase().startsWith(wanted)) ?? null;
}

/** The records quick add can start instead of a task: "+lead Boiler quote for Dana". */
export const QUICK_RECORDS = ['lead', 'job', 'contact', 'client'] as const;
export type QuickRecord = (typeof QUICK_RECORDS)[number];

/** A line starting with +lead, +job, +contact or +client asks for that record, the rest of the line its title (or name). */
export function parseRecordIntent(text: string): { kind: QuickRecord; title: string } | null {
  const match = /^\s*\+(\p{L}+)(?:\s+(.*))?$/su.exec(text);
  const kind = QUICK_RECORDS.find((k) => k === match?.[1]?.toLowerCase());
  return kind ? { kind, title: (match?.[2] ?? '').replace(/\s+/g, ' ').trim() } : null;
}
