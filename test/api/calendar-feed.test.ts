import ICAL from 'ical.js';
import { expect, it } from 'vitest';
import { forEachDatabase, type Org } from '../support/harness.ts';

interface ParsedEvent {
  uid: string;
  summary: string;
  start: string;
  startIsDate: boolean;
  url: string;
  description: string;
}

/** Reads a feed the way a calendar app does, with a real iCalendar parser. */
function parseFeed(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  const events: ParsedEvent[] = calendar.getAllSubcomponents('vevent').map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      summary: event.summary,
      start: event.startDate.isDate ? event.startDate.toString() : event.startDate.toJSDate().toISOString(),
      startIsDate: event.startDate.isDate,
      url: String(vevent.getFirstPropertyValue('url')),
      description: event.description,
    };
  });
  return { name: String(calendar.getFirstPropertyValue('x-wr-calname')), refresh: String(calendar.getFirstPropertyValue('refresh-interval')), events };
}

forEachDatabase('calendar feed', (ctx) => {
  const feedPath = (url: string) => new URL(url).pathname;
  const fetchFeed = async (url: string) => fetch(`${ctx.baseUrl}${feedPath(url)}`);

  it('lists the person’s unfinished tasks with due dates as events, in UTC, and no one else’s', async () => {
    const org = await ctx.signup('Feed Plumbing');
    const tech = await ctx.addUser(org, 'member', 'Tess Tech');
    const client = await ctx.createRecord(org.api, 'clients', { name: 'Reyes Household' });
    const timed = await ctx.createTask(org.api, { title: 'Service the boiler', dueAt: '2026-03-04T14:30:00Z', assigneeId: tech.id, priority: 'high', links: [{ type: 'client', id: client.id }] });
    // Midnight in London: a day, not a time.
    const allDay = await ctx.createTask(org.api, { title: 'Renew the gas certificate', dueAt: '2026-03-06T00:00:00Z', assigneeId: tech.id });
    await ctx.createTask(org.api, { title: 'No due date', assigneeId: tech.id });
    const finished = await ctx.createTask(org.api, { title: 'Already done', dueAt: '2026-03-03T10:00:00Z', assigneeId: tech.id });
    await org.api.patch(`/api/v1/tasks/${finished.key}`, { status: 'done' });
    await ctx.createTask(org.api, { title: 'The owner’s own task', dueAt: '2026-03-04T10:00:00Z', assigneeId: org.user.id });
    const rival = await ctx.signup('Rival Heating');
    await ctx.createTask(rival.api, { title: 'Rival task', dueAt: '2026-03-04T10:00:00Z', assigneeId: rival.user.id });
    await rival.api.post('/api/v1/me/calendar-feed', {});

    expect((await tech.api.get('/api/v1/me/calendar-feed')).body).toEqual({ exists: false, createdAt: null });
    const created = await tech.api.post('/api/v1/me/calendar-feed', {});
    expect(created.status, created.text).toBe(201);
    expect(created.body.url).toMatch(/^http:\/\/localhost:3000\/api\/v1\/calendar\/[A-Za-z0-9_-]{43}\.ics$/);
    expect((await tech.api.get('/api/v1/me/calendar-feed')).body).toEqual({ exists: true, createdAt: created.body.createdAt });

    const res = await fetchFeed(created.body.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/calendar/);
    const feed = parseFeed(await res.text());
    expect(feed.name).toBe('Finishline: Tess Tech (Feed Plumbing)');
    expect(feed.refresh).toMatch(/^PT15M$/);
    expect(feed.events.map((e) => e.summary).sort()).toEqual([`${timed.key} Service the boiler`, `${allDay.key} Renew the gas certificate`].sort());
    const event = feed.events.find((e) => e.uid.startsWith(timed.id))!;
    expect(event).toMatchObject({ uid: `${timed.id}@finishline`, start: '2026-03-04T14:30:00.000Z', startIsDate: false, url: `http://localhost:3000/tasks?task=${timed.key}` });
    expect(event.description).toContain('Priority: high');
    expect(event.description).toContain('client Reyes Household');
    expect(feed.events.find((e) => e.uid.startsWith(allDay.id))).toMatchObject({ start: '2026-03-06', startIsDate: true });

    // The same task keeps its UID as it changes.
    await org.api.patch(`/api/v1/tasks/${timed.key}`, { dueAt: '2026-03-05T08:00:00Z' });
    const again = parseFeed(await (await fetchFeed(created.body.url)).text());
    expect(again.events.find((e) => e.uid === `${timed.id}@finishline`)?.start).toBe('2026-03-05T08:00:00.000Z');
  });

  it('stops answering the old address when rotated, and any address once revoked', async () => {
    const org: Org = await ctx.signup();
    const first = (await org.api.post('/api/v1/me/calendar-feed', {})).body;
    expect((await fetchFeed(first.url)).status).toBe(200);
    const second = (await org.api.post('/api/v1/me/calendar-feed', {})).body;
    expect(second.url).not.toBe(first.url);
    expect((await fetchFeed(first.url)).status).toBe(404);
    expect((await fetchFeed(second.url)).status).toBe(200);
    expect((await org.api.delete('/api/v1/me/calendar-feed')).status).toBe(204);
    expect((await fetchFeed(second.url)).status).toBe(404);
    expect((await org.api.get('/api/v1/me/calendar-feed')).body.exists).toBe(false);
  });

  it('answers 404 to an address that was never made, however it is spelled', async () => {
    for (const file of ['x'.repeat(43) + '.ics', 'not-a-feed', '..%2F..%2Fetc.ics']) {
      const res = await ctx.anonymous.get(`/api/v1/calendar/${file}`);
      expect(res.status, file).toBe(404);
    }
  });
});
