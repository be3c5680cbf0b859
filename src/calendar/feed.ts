// A person's calendar feed: the secret token of its address, and the iCal
// document of their unfinished tasks that have a due date.
import { createHash, randomBytes } from 'node:crypto';
import ical from 'ical-generator';
import { DateTime } from 'luxon';
import { z } from 'zod';

/** How often a calendar app is asked to fetch the feed again. */
export const REFRESH_SECONDS = 15 * 60;
/** A timed task shows as a short event starting at its due time. */
const EVENT_MINUTES = 30;

export function newFeedToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only this is stored: a database read shows no working address. */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function feedUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/v1/calendar/${token}.ics`;
}

/** The token in a feed file name `<token>.ics`, or null when the name is not one. */
export function tokenOfFile(file: string): string | null {
  const match = /^([A-Za-z0-9_-]{20,100})\.ics$/.exec(file);
  return match ? match[1]! : null;
}

export interface FeedTask {
  id: string;
  key: string;
  title: string;
  description: string;
  priority: string;
  dueAt: string;
  links: { type: string; name: string | null }[];
}

export interface FeedOwner {
  name: string;
  orgName: string;
  timezone: string;
}

/** A due date at midnight on the organisation's clock is a day, not a time: it shows as an all-day event. */
export function isAllDay(dueAt: number, timezone: string): boolean {
  const local = DateTime.fromMillis(dueAt, { zone: timezone });
  return local.hour === 0 && local.minute === 0 && local.second === 0 && local.millisecond === 0;
}

export function calendarOf(owner: FeedOwner, tasks: FeedTask[], options: { webUrl: string; now: number }): string {
  const calendar = ical({
    name: `Finishline: ${owner.name} (${owner.orgName})`,
    description: `Unfinished tasks of ${owner.name} that have a due date`,
    prodId: { company: 'Finishline', product: 'Finishline', language: 'EN' },
    timezone: owner.timezone,
    ttl: REFRESH_SECONDS,
  });
  const web = options.webUrl.replace(/\/+$/, '');
  for (const task of tasks) {
    const due = Date.parse(task.dueAt);
    const allDay = isAllDay(due, owner.timezone);
    calendar.createEvent({
      id: `${task.id}@finishline`,
      stamp: new Date(options.now),
      start: allDay ? DateTime.fromMillis(due, { zone: owner.timezone }) : new Date(due),
      end: allDay ? DateTime.fromMillis(due, { zone: owner.timezone }).plus({ days: 1 }) : new Date(due + EVENT_MINUTES * 60_000),
      allDay,
      floating: false,
      summary: `${task.key} ${task.title}`,
      description: descriptionOf(task),
      url: `${web}/tasks?task=${encodeURIComponent(task.key)}`,
    });
  }
  return calendar.toString();
}

function descriptionOf(task: FeedTask): string {
  const lines = [`Priority: ${task.priority}`];
  const links = task.links.map((l) => `${l.type} ${l.name ?? ''}`.trim());
  if (links.length > 0) lines.push(`Links: ${links.join(', ')}`);
  if (task.description) lines.push('', task.description.slice(0, 2000));
  return lines.join('\n');
}

export const feedStatusView = z.object({
  exists: z.boolean(),
  createdAt: z.string().nullable(),
});

export const createdFeedView = z.object({
  url: z.string().describe('the secret address of the feed: shown this once; anyone who has it can read the feed until it is rotated or revoked'),
  createdAt: z.string(),
});

export const feedParams = z.strictObject({ file: z.string().min(1).max(200).describe('<token>.ics') });
