import { describe, expect, it } from 'vitest';
import { digestEmail, notificationEmail, taskLink } from '../../src/notifications/mail.ts';
import { DEFAULT_PREFERENCES, digestDateAt, endOfLocalDay, handlesOf, mentionedPeople, mentionsIn, preferencesWith, retryDelayMs } from '../../src/notifications/notification.ts';

const people = [
  { id: 'u1', name: 'Dana Reyes', email: 'dana.r@acme.test', active: true },
  { id: 'u2', name: 'Sam  Okafor', email: 'sokafor@acme.test', active: true },
  { id: 'u3', name: 'Olive Owner', email: 'olive@acme.test', active: true },
  { id: 'u4', name: 'Dana Gone', email: 'gone@acme.test', active: false },
];

describe('mentions', () => {
  it('answers to first name, full name without spaces and email local part, in lower case', () => {
    expect(handlesOf(people[0]!)).toEqual(['dana', 'danareyes', 'dana.r']);
    expect(handlesOf(people[1]!)).toEqual(['sam', 'samokafor', 'sokafor']);
  });

  it('finds @handles but not the @ of an email address, and drops trailing punctuation', () => {
    expect(mentionsIn('@Dana, can you and @SamOkafor. check? mail x@acme.test (cc @dana.r)')).toEqual(['dana', 'samokafor', 'dana.r']);
    expect(mentionsIn('no mentions here, only bob@example.test')).toEqual([]);
  });

  it('tells the active people a comment names, never its author', () => {
    expect(mentionedPeople('@dana @sokafor @olive', people, 'u3')).toEqual(['u1', 'u2']);
    expect(mentionedPeople('@nobody', people, null)).toEqual([]);
  });
});

describe('preferences', () => {
  it('starts from the defaults, email off for the frequent kinds, and never shows the digest in the app', () => {
    const prefs = preferencesWith([{ kind: 'overdue', in_app: 0, email: 1 }, { kind: 'digest', in_app: 1, email: 0 }, { kind: 'unknown', in_app: 1, email: 1 }]);
    expect(prefs.overdue).toEqual({ inApp: false, email: true });
    expect(prefs.digest).toEqual({ inApp: false, email: false });
    expect(prefs.due_soon).toEqual(DEFAULT_PREFERENCES.due_soon);
    expect(DEFAULT_PREFERENCES.due_soon.email).toBe(false);
    expect(DEFAULT_PREFERENCES.assigned.email).toBe(true);
  });

  it('sends the weekly summary by email unless turned off, and never shows it in the app', () => {
    expect(preferencesWith([]).weekly).toEqual({ inApp: false, email: true });
    expect(preferencesWith([{ kind: 'weekly', in_app: 1, email: 0 }]).weekly).toEqual({ inApp: false, email: false });
  });
});

describe('the digest clock', () => {
  it('is due from 07:00 on the organisation’s wall clock, for its local date', () => {
    expect(digestDateAt(Date.parse('2026-03-03T11:59:00Z'), 'America/New_York')).toBeNull();
    expect(digestDateAt(Date.parse('2026-03-03T12:00:00Z'), 'America/New_York')).toBe('2026-03-03');
    // After midnight UTC, still the 3rd in New York.
    expect(digestDateAt(Date.parse('2026-03-04T02:00:00Z'), 'America/New_York')).toBe('2026-03-03');
    // Across the spring change (8 March 2026), 07:00 is 11:00 UTC.
    expect(digestDateAt(Date.parse('2026-03-09T10:59:00Z'), 'America/New_York')).toBeNull();
    expect(digestDateAt(Date.parse('2026-03-09T11:00:00Z'), 'America/New_York')).toBe('2026-03-09');
    expect(endOfLocalDay(Date.parse('2026-03-03T12:00:00Z'), 'America/New_York')).toBe(Date.parse('2026-03-04T05:00:00Z'));
  });

  it('backs off 1, 2, 4 … minutes, at most an hour', () => {
    expect([1, 2, 3, 4, 10].map(retryDelayMs)).toEqual([60_000, 120_000, 240_000, 480_000, 3_600_000]);
  });
});

describe('email bodies', () => {
  it('link to the task and escape what people typed in the HTML', () => {
    expect(taskLink('https://app.example/', 'T-7')).toBe('https://app.example/tasks?task=T-7');
    const mail = notificationEmail({ publicUrl: 'https://app.example' }, { email: 'd@acme.test', name: 'Dana' }, { kind: 'mentioned', message: 'Sam said <b>hi</b> & bye', taskKey: 'T-7' });
    expect(mail.subject).toBe('You were mentioned: Sam said <b>hi</b> & bye');
    expect(mail.text).toContain('https://app.example/tasks?task=T-7');
    expect(mail.html).toContain('Sam said &lt;b&gt;hi&lt;/b&gt; &amp; bye');
    const digest = digestEmail({ publicUrl: 'https://app.example' }, { email: 'd@acme.test', name: 'Dana' }, { localDate: '2026-03-03', overdue: [{ key: 'T-1', title: 'Late', dueAt: null }], dueToday: [], unread: [] });
    expect(digest.subject).toBe('Your day, 2026-03-03: 1 overdue, 0 due today, 0 unread');
    expect(digest.text).not.toContain('Due today');
    expect(digest.html).toContain('<a href="https://app.example/tasks?task=T-1">T-1 Late</a>');
  });
});
