import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { plural } from '../../src/platform/plural.ts';
import { plural as webPlural } from '../../web/src/shell/plural.ts';
import { mondaySomewhere, nothingToTell, summaryWeekAt, type WeeklyContent, weeklyEmail, weekInWords } from '../../src/reports/weekly.ts';

const at = (zone: string, local: string) => DateTime.fromISO(local, { zone }).toMillis();
const HOUR = 3_600_000;

describe('the week a summary tells of', () => {
  it('is due from Monday 07:00 local to the end of that Monday, and covers Monday to Monday', () => {
    const zone = 'America/New_York';
    expect(summaryWeekAt(at(zone, '2026-03-09T06:59'), zone)).toBeNull();
    expect(summaryWeekAt(at(zone, '2026-03-08T23:00'), zone)).toBeNull();
    expect(summaryWeekAt(at(zone, '2026-03-10T07:00'), zone)).toBeNull();
    const week = summaryWeekAt(at(zone, '2026-03-09T07:00'), zone)!;
    expect(week.week).toBe('2026-W11');
    expect(week.from).toBe(at(zone, '2026-03-02T00:00'));
    expect(week.to).toBe(at(zone, '2026-03-09T00:00'));
    expect(summaryWeekAt(at(zone, '2026-03-09T23:59'), zone)).toEqual(week);
  });

  it('counts whole local days across a DST change: 167 hours in spring, 169 in autumn (Europe/London)', () => {
    const zone = 'Europe/London';
    const spring = summaryWeekAt(at(zone, '2026-03-30T07:00'), zone)!;
    expect(spring.to - spring.from).toBe(167 * HOUR);
    expect(new Date(spring.to).toISOString()).toBe('2026-03-29T23:00:00.000Z');
    const autumn = summaryWeekAt(at(zone, '2026-10-26T07:00'), zone)!;
    expect(autumn.to - autumn.from).toBe(169 * HOUR);
    expect(new Date(autumn.to).toISOString()).toBe('2026-10-26T00:00:00.000Z');
    // 07:00 local is 06:00 UTC in summer and 07:00 UTC in winter.
    expect(summaryWeekAt(Date.parse('2026-03-30T05:59:00Z'), zone)).toBeNull();
    expect(summaryWeekAt(Date.parse('2026-03-30T06:00:00Z'), zone)).not.toBeNull();
    expect(summaryWeekAt(Date.parse('2026-10-26T06:59:00Z'), zone)).toBeNull();
    expect(summaryWeekAt(Date.parse('2026-10-26T07:00:00Z'), zone)).not.toBeNull();
  });

  it('names the ISO week, whose year may differ from the calendar year', () => {
    expect(summaryWeekAt(at('UTC', '2029-12-31T08:00'), 'UTC')!.week).toBe('2030-W01');
    expect(summaryWeekAt(at('UTC', '2027-01-04T08:00'), 'UTC')!.week).toBe('2027-W01');
  });

  it('is looked for only while it is Monday somewhere on Earth', () => {
    expect(mondaySomewhere(Date.parse('2026-03-08T09:59:00Z'))).toBe(false); // Sunday 23:59 at UTC+14
    expect(mondaySomewhere(Date.parse('2026-03-08T10:00:00Z'))).toBe(true);
    expect(mondaySomewhere(Date.parse('2026-03-09T12:00:00Z'))).toBe(true); // Tuesday at UTC+14, Monday in the west
    expect(mondaySomewhere(Date.parse('2026-03-10T11:59:00Z'))).toBe(true); // Monday 23:59 at UTC−12
    expect(mondaySomewhere(Date.parse('2026-03-10T12:00:00Z'))).toBe(false);
    expect(mondaySomewhere(Date.parse('2026-03-12T12:00:00Z'))).toBe(false);
  });

  it('is written as its first and last day', () => {
    const zone = 'Europe/London';
    expect(weekInWords({ from: at(zone, '2026-11-30T00:00'), to: at(zone, '2026-12-07T00:00') }, zone)).toBe('30 Nov – 6 Dec 2026');
    expect(weekInWords({ from: at(zone, '2026-12-28T00:00'), to: at(zone, '2027-01-04T00:00') }, zone)).toBe('28 Dec 2026 – 3 Jan 2027');
  });
});

describe('plural', () => {
  it('says 1 task and 0 or 2 tasks through Intl.PluralRules, on the server and in the web app alike', () => {
    expect(plural(1, 'task', 'tasks')).toBe('1 task');
    expect(plural(0, 'task', 'tasks')).toBe('0 tasks');
    expect(plural(2, 'day', 'days')).toBe('2 days');
    expect(plural(1200, 'task', 'tasks')).toBe('1,200 tasks');
    expect(webPlural).toBe(plural);
  });
});

describe('the weekly email', () => {
  const zone = 'Europe/London';
  const base: WeeklyContent = {
    business: 'Acme Plumbing',
    role: 'owner',
    zone,
    period: { from: at(zone, '2026-11-30T00:00'), to: at(zone, '2026-12-07T00:00') },
    now: at(zone, '2026-12-07T07:00'),
    created: 1,
    completed: 2,
    onTime: { done: 1, due: 2, rate: 0.5 },
    overdue: { total: 3, byPerson: [{ assigneeId: 'u1', name: 'Dana Reyes', count: 2 }, { assigneeId: null, name: null, count: 1 }] },
    oldest: [{ key: 'T-4', title: 'Fix the boiler', createdAt: at(zone, '2026-11-06T09:00') }],
    lateRule: { name: 'Chase quotes', late: 1, created: 3 },
  };

  it('says every figure in words with its link, and how to turn it off', () => {
    const mail = weeklyEmail({ publicUrl: 'https://app.example/' }, { email: 'ann@example.test', name: 'Ann' }, base);
    expect(mail.subject).toBe('Your week at Acme Plumbing: 1 created, 2 done');
    for (const line of [
      '- 1 task created, 2 tasks completed\n  https://app.example/reports?range=custom&from=2026-11-30&to=2026-12-06',
      '- On time, overdue counted late: 50% — 1 of 2 tasks due in the period were done by their due date',
      'Overdue now: 3 tasks\n- Dana Reyes: 2 tasks\n  https://app.example/tasks?assignee=u1&overdue=true\n- No one: 1 task\n  https://app.example/tasks?assignee=none&overdue=true',
      '- T-4 Fix the boiler — open 30 days\n  https://app.example/tasks?task=T-4',
      '- “Chase quotes”: 1 late task of the 3 tasks it created last week\n  https://app.example/automation',
      'You get this each Monday at 07:00 (Europe/London) as the owner of Acme Plumbing. To stop it, untick “Weekly summary” in Settings → Notifications:\nhttps://app.example/settings#notifications',
    ]) expect(mail.text).toContain(line);
    expect(mail.html).toContain('<a href="https://app.example/tasks?assignee=u1&amp;overdue=true">Dana Reyes: 2 tasks</a>');
  });

  it('says plainly when nothing is overdue, open or late, and finds nothing to tell in an empty week', () => {
    const quiet = { ...base, created: 0, completed: 0, onTime: { done: 0, due: 0, rate: null }, overdue: { total: 0, byPerson: [] }, oldest: [], lateRule: null };
    const mail = weeklyEmail({ publicUrl: 'https://app.example' }, { email: 'ann@example.test', name: 'Ann' }, { ...quiet, oldest: base.oldest });
    expect(mail.text).toContain('No tasks were created or completed');
    expect(mail.text).toContain('On time, overdue counted late: no task was due in the period');
    expect(mail.text).toContain('Nothing is overdue');
    expect(mail.text).toContain('No rule created a late task last week');
    expect(mail.text).not.toMatch(/\b0 tasks\b/);
    expect(nothingToTell({ ...quiet, oldest: base.oldest })).toBe(false);
    expect(nothingToTell(quiet)).toBe(true);
  });
});
