import { describe, expect, it } from 'vitest';
import { leadStart, nextOccurrence, normaliseRule, recurrenceRule, ruleProblem, type Series } from '../../src/recurrence/recurrence.ts';

const at = (iso: string) => Date.parse(iso);
const iso = (instant: number | null) => (instant === null ? null : new Date(instant).toISOString());

/** Each occurrence after the anchor, following the chain the way completing tasks does. */
function chain(series: Series, zone: string, count: number): (string | null)[] {
  const out: (string | null)[] = [];
  let current: number | null = series.anchor;
  for (let i = 0; i < count && current !== null; i++) {
    current = nextOccurrence(series, current, zone);
    out.push(iso(current));
  }
  return out;
}

describe('next occurrence on the organisation’s wall clock', () => {
  it('keeps 09:00 in New York across the spring-forward change (UTC offset -5 → -4)', () => {
    // Saturday 7 March 2026 09:00 EST; clocks go forward on Sunday 8 March.
    const series = { rule: 'FREQ=DAILY', anchor: at('2026-03-07T14:00:00Z') };
    expect(chain(series, 'America/New_York', 3)).toEqual(['2026-03-08T13:00:00.000Z', '2026-03-09T13:00:00.000Z', '2026-03-10T13:00:00.000Z']);
  });

  it('keeps 09:00 in New York across the fall-back change (UTC offset -4 → -5)', () => {
    // Saturday 31 October 2026 09:00 EDT; clocks go back on Sunday 1 November.
    const series = { rule: 'FREQ=DAILY', anchor: at('2026-10-31T13:00:00Z') };
    expect(chain(series, 'America/New_York', 2)).toEqual(['2026-11-01T14:00:00.000Z', '2026-11-02T14:00:00.000Z']);
  });

  it('keeps a weekly Monday 09:00 in London across both changes of 2026', () => {
    // Monday 23 March 09:00 GMT; BST starts 29 March, ends 25 October.
    expect(chain({ rule: 'FREQ=WEEKLY;BYDAY=MO', anchor: at('2026-03-23T09:00:00Z') }, 'Europe/London', 2)).toEqual(['2026-03-30T08:00:00.000Z', '2026-04-06T08:00:00.000Z']);
    expect(chain({ rule: 'FREQ=WEEKLY;BYDAY=MO', anchor: at('2026-10-19T08:00:00Z') }, 'Europe/London', 2)).toEqual(['2026-10-26T09:00:00.000Z', '2026-11-02T09:00:00.000Z']);
  });

  it('moves a time that spring-forward skips on by the gap, and comes back to it the day after', () => {
    // 02:30 does not exist in New York on 8 March 2026.
    const series = { rule: 'FREQ=DAILY', anchor: at('2026-03-07T07:30:00Z') };
    expect(chain(series, 'America/New_York', 2)).toEqual(['2026-03-08T07:30:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('skips the months without a 31st for a monthly rule starting on 31 January, as RRULE says', () => {
    const series = { rule: 'FREQ=MONTHLY', anchor: at('2026-01-31T10:00:00Z') };
    expect(chain(series, 'Europe/London', 3)).toEqual(['2026-03-31T09:00:00.000Z', '2026-05-31T09:00:00.000Z', '2026-07-31T09:00:00.000Z']);
  });

  it('lands on the last day of every month with BYMONTHDAY=-1, February included', () => {
    const series = { rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', anchor: at('2026-01-31T10:00:00Z') };
    expect(chain(series, 'Europe/London', 3)).toEqual(['2026-02-28T10:00:00.000Z', '2026-03-31T09:00:00.000Z', '2026-04-30T09:00:00.000Z']);
    expect(nextOccurrence({ rule: 'FREQ=MONTHLY;BYMONTHDAY=-1', anchor: at('2028-01-31T10:00:00Z') }, at('2028-01-31T10:00:00Z'), 'Europe/London')).toBe(at('2028-02-29T10:00:00Z'));
  });

  it('stops after COUNT occurrences, counted from the series’ start, not from the task completed', () => {
    const series = { rule: 'FREQ=WEEKLY;COUNT=3', anchor: at('2026-03-02T09:00:00Z') };
    expect(chain(series, 'Europe/London', 5)).toEqual(['2026-03-09T09:00:00.000Z', '2026-03-16T09:00:00.000Z', null]);
  });

  it('stops at UNTIL', () => {
    const series = { rule: 'FREQ=DAILY;UNTIL=20260304T235959Z', anchor: at('2026-03-02T09:00:00Z') };
    expect(chain(series, 'UTC', 4)).toEqual(['2026-03-03T09:00:00.000Z', '2026-03-04T09:00:00.000Z', null]);
  });

  it('counts on from a due date that was moved by hand', () => {
    const series = { rule: 'FREQ=WEEKLY;BYDAY=MO,TH', anchor: at('2026-03-02T09:00:00Z') };
    expect(iso(nextOccurrence(series, at('2026-03-10T12:00:00Z'), 'UTC'))).toBe('2026-03-12T09:00:00.000Z');
  });
});

describe('which rules are taken', () => {
  it('takes the presets the web app offers and a few custom rules, normalised', () => {
    for (const rule of ['FREQ=DAILY', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', 'FREQ=WEEKLY;BYDAY=WE', 'FREQ=MONTHLY;BYMONTHDAY=15', 'FREQ=MONTHLY;BYDAY=-1FR', 'FREQ=YEARLY;INTERVAL=2;COUNT=5']) {
      expect(ruleProblem(rule), rule).toBeNull();
    }
    expect(normaliseRule('RRULE:freq=weekly;byday=mo')).toBe('FREQ=WEEKLY;BYDAY=MO');
    expect(recurrenceRule.parse(' RRULE:FREQ=DAILY ')).toBe('FREQ=DAILY');
  });

  it('refuses what is not an RRULE, saying why', () => {
    expect(ruleProblem('')).toMatch(/must be an RRULE/);
    expect(ruleProblem('every monday')).toMatch(/unknown part/);
    expect(ruleProblem('FREQ=FORTNIGHTLY')).toMatch(/FREQ must be/);
    expect(ruleProblem('FREQ=MINUTELY')).toMatch(/FREQ must be/);
    expect(ruleProblem('FREQ=DAILY;COUNT=abc')).toMatch(/COUNT must be/);
    expect(ruleProblem('FREQ=DAILY;INTERVAL=0')).toMatch(/INTERVAL must be/);
    expect(ruleProblem('FREQ=WEEKLY;BYDAY=XX')).toMatch(/BYDAY must be/);
    expect(ruleProblem('FREQ=MONTHLY;BYMONTHDAY=32')).toMatch(/BYMONTHDAY must be/);
    expect(ruleProblem('BYDAY=MO')).toMatch(/FREQ/);
    expect(ruleProblem('FREQ=DAILY;COUNT=2;UNTIL=20260101')).toMatch(/not both/);
    expect(ruleProblem('DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY')).toMatch(/one RRULE line/);
    expect(recurrenceRule.safeParse('FREQ=DAILY;FOO=1').success).toBe(false);
  });
});

describe('lead time', () => {
  it('counts back on the zone’s calendar', () => {
    expect(iso(leadStart(at('2026-03-31T09:00:00Z'), 'P1M', 'UTC'))).toBe('2026-02-28T09:00:00.000Z');
    // 14 days before 9 April 10:00 BST is 26 March 10:00 GMT (the clocks changed between).
    expect(iso(leadStart(at('2026-04-09T09:00:00Z'), 'P14D', 'Europe/London'))).toBe('2026-03-26T10:00:00.000Z');
  });
});

describe('bounded occurrence search', () => {
  it('finds a once-a-decade and a leap-day occurrence, and ends a series whose stored rule never occurs instead of walking to year 9999', () => {
    const anchor = Date.parse('2030-01-01T09:00:00Z');
    expect(new Date(nextOccurrence({ rule: 'FREQ=YEARLY;INTERVAL=10', anchor }, anchor, 'UTC')!).toISOString()).toBe('2040-01-01T09:00:00.000Z');
    expect(new Date(nextOccurrence({ rule: 'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', anchor }, anchor, 'UTC')!).toISOString()).toBe('2032-02-29T09:00:00.000Z');
    // A rule saved before rules were checked: no next occurrence, found by a search that stops at the horizon.
    expect(nextOccurrence({ rule: 'FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30', anchor }, anchor, 'Europe/London')).toBeNull();
  });
});
