// The weekly summary: which week a person's Monday morning tells of, and the
// email that tells it — plain text and simple HTML, every line a link into the
// app. Pure: no I/O.
import { DateTime } from 'luxon';
import { escapeHtml, type MailConfig, type Message, taskLink } from '../notifications/mail.ts';
import { plural } from '../platform/plural.ts';
import { DAY } from './report.ts';

/** The summary comes at this hour of Monday, in the person's own time zone. */
export const WEEKLY_HOUR = 7;

/** The roles that get it: those who see the Reports page. */
export const WEEKLY_ROLES = ['owner', 'admin', 'manager'] as const;

export interface SummaryWeek {
  /** The ISO week the summary is sent in, e.g. 2026-W10: one per person per week. */
  week: string;
  /** Last week: the previous Monday 00:00 to this Monday 00:00, local time (167 or 169 hours across a DST change). */
  from: number;
  to: number;
}

/**
 * The week a summary is due for at `now` in `zone`: from Monday 07:00 to the
 * end of that Monday, local time; null at any other time (a server down all
 * Monday sends none that week rather than a stale one later).
 */
export function summaryWeekAt(now: number, zone: string): SummaryWeek | null {
  const local = DateTime.fromMillis(now, { zone });
  if (!local.isValid || local.weekday !== 1 || local.hour < WEEKLY_HOUR) return null;
  const monday = local.startOf('day');
  return { week: `${local.weekYear}-W${String(local.weekNumber).padStart(2, '0')}`, from: monday.minus({ weeks: 1 }).toMillis(), to: monday.toMillis() };
}

/** Whether it is Monday anywhere on Earth (UTC−12 to UTC+14): outside that, no one's summary can be due and nobody is looked at. */
export function mondaySomewhere(now: number): boolean {
  const west = DateTime.fromMillis(now, { zone: 'UTC-12' }).weekday;
  const east = DateTime.fromMillis(now, { zone: 'UTC+14' }).weekday;
  return west === 1 || east === 1 || (west === 7 && east === 2);
}

export interface WeeklyContent {
  business: string;
  /** The recipient's role, named in the line that says why they get it. */
  role: (typeof WEEKLY_ROLES)[number];
  zone: string;
  period: { from: number; to: number };
  now: number;
  created: number;
  completed: number;
  /** As the Reports page's "On time, overdue counted late": done by the due date, of those due in the period. */
  onTime: { done: number; due: number; rate: number | null };
  overdue: { total: number; byPerson: { assigneeId: string | null; name: string | null; count: number }[] };
  oldest: { key: string; title: string; createdAt: number }[];
  /** The rule whose tasks created last week were most often late; null when none was. */
  lateRule: { name: string | null; late: number; created: number } | null;
}

/** Nothing made, done, due, overdue or open: there is nothing to tell, and no email is sent. */
export function nothingToTell(content: WeeklyContent): boolean {
  return content.created === 0 && content.completed === 0 && content.onTime.due === 0 && content.overdue.total === 0 && content.oldest.length === 0;
}

interface Line {
  text: string;
  link: string;
}

/** The app's addresses the summary links to. */
export function weeklyLinks(publicUrl: string, content: Pick<WeeklyContent, 'period' | 'zone'>) {
  const base = publicUrl.replace(/\/+$/, '');
  const from = DateTime.fromMillis(content.period.from, { zone: content.zone }).toISODate()!;
  const to = DateTime.fromMillis(content.period.to, { zone: content.zone }).minus({ days: 1 }).toISODate()!;
  return {
    report: `${base}/reports?range=custom&from=${from}&to=${to}`,
    overdueOf: (assigneeId: string | null) => `${base}/tasks?assignee=${encodeURIComponent(assigneeId ?? 'none')}&overdue=true`,
    overdue: `${base}/tasks?overdue=true`,
    open: `${base}/tasks?sort=created`,
    automation: `${base}/automation`,
    settings: `${base}/settings#notifications`,
  };
}

function ageOf(createdAt: number, now: number): string {
  const days = Math.floor((now - createdAt) / DAY);
  return days < 1 ? 'open less than a day' : `open ${plural(days, 'day', 'days')}`;
}

function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 100)}%`;
}

/** The sections of the summary, each a title and its lines. */
export function weeklySections(publicUrl: string, c: WeeklyContent): { title: string; lines: Line[] }[] {
  const links = weeklyLinks(publicUrl, c);
  const made =
    c.created === 0 && c.completed === 0
      ? 'No tasks were created or completed'
      : `${plural(c.created, 'task', 'tasks')} created, ${plural(c.completed, 'task', 'tasks')} completed`;
  const onTime =
    c.onTime.due === 0
      ? 'On time, overdue counted late: no task was due in the period'
      : `On time, overdue counted late: ${percent(c.onTime.rate)} — ${c.onTime.done} of ${plural(c.onTime.due, 'task', 'tasks')} due in the period were done by their due date`;
  const overdue: Line[] =
    c.overdue.total === 0
      ? [{ text: 'Nothing is overdue', link: links.overdue }]
      : c.overdue.byPerson.map((p) => ({ text: `${p.assigneeId === null ? 'No one' : (p.name ?? 'Someone no longer here')}: ${plural(p.count, 'task', 'tasks')}`, link: links.overdueOf(p.assigneeId) }));
  const oldest: Line[] =
    c.oldest.length === 0 ? [{ text: 'Nothing is open', link: links.open }] : c.oldest.map((t) => ({ text: `${t.key} ${t.title} — ${ageOf(t.createdAt, c.now)}`, link: taskLink(publicUrl, t.key) }));
  const rule = c.lateRule
    ? `${c.lateRule.name === null ? 'A rule since deleted' : `“${c.lateRule.name}”`}: ${plural(c.lateRule.late, 'late task', 'late tasks')} of the ${plural(c.lateRule.created, 'task', 'tasks')} it created last week`
    : 'No rule created a late task last week';
  return [
    { title: 'Last week', lines: [{ text: made, link: links.report }, { text: onTime, link: links.report }] },
    { title: c.overdue.total === 0 ? 'Overdue now' : `Overdue now: ${plural(c.overdue.total, 'task', 'tasks')}`, lines: overdue },
    { title: 'Oldest unresolved', lines: oldest },
    { title: 'The rule with the most late tasks', lines: [{ text: rule, link: links.automation }] },
  ];
}

/** "30 Nov – 6 Dec 2026": the week's first and last local day. */
export function weekInWords(period: { from: number; to: number }, zone: string): string {
  const first = DateTime.fromMillis(period.from, { zone }).setLocale('en-GB');
  const last = DateTime.fromMillis(period.to, { zone }).minus({ days: 1 }).setLocale('en-GB');
  return `${first.toFormat(first.year === last.year ? 'd LLL' : 'd LLL yyyy')} – ${last.toFormat('d LLL yyyy')}`;
}

export function weeklyEmail(config: Pick<MailConfig, 'publicUrl'>, to: { email: string; name: string }, c: WeeklyContent): Message {
  const sections = weeklySections(config.publicUrl, c);
  const links = weeklyLinks(config.publicUrl, c);
  const week = weekInWords(c.period, c.zone);
  const subject = `Your week at ${c.business}: ${c.created} created, ${c.completed} done`.slice(0, 200);
  const as = { owner: 'the owner', admin: 'an admin', manager: 'a manager' }[c.role];
  const footer = `You get this each Monday at 07:00 (${c.zone}) as ${as} of ${c.business}. To stop it, untick “Weekly summary” in Settings → Notifications:`;
  const text =
    `Good morning ${to.name},\n\nYour week at ${c.business}, ${week}.\n\n` +
    sections.map((s) => `${s.title}\n${s.lines.map((l) => `- ${l.text}\n  ${l.link}`).join('\n')}`).join('\n\n') +
    `\n\n${footer}\n${links.settings}\n`;
  const html =
    `<p>Good morning ${escapeHtml(to.name)},</p><p>Your week at ${escapeHtml(c.business)}, ${escapeHtml(week)}.</p>` +
    sections.map((s) => `<h3>${escapeHtml(s.title)}</h3><ul>${s.lines.map((l) => `<li><a href="${escapeHtml(l.link)}">${escapeHtml(l.text)}</a></li>`).join('')}</ul>`).join('') +
    `<p style="color:#666">${escapeHtml(footer)} <a href="${escapeHtml(links.settings)}">Settings → Notifications</a>.</p>`;
  return { to: to.email, subject, text, html };
}
