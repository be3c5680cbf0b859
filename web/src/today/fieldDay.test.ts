import { describe, expect, it } from 'vitest';
import { type DayJob, dayWindow, inDayOrder } from './fieldDay.ts';

const job = (title: string, scheduledStart: string | null): DayJob =>
  ({ job: { id: title, title, scheduledStart, scheduledEnd: null } as DayJob['job'], clientName: null, phone: null, address: null });

describe("a technician's day", () => {
  it('runs from midnight to midnight on the local calendar', () => {
    const { from, to } = dayWindow(new Date(2030, 2, 31, 15, 45));
    expect(new Date(from)).toEqual(new Date(2030, 2, 31));
    expect(new Date(to)).toEqual(new Date(2030, 3, 1));
  });

  it('lists jobs soonest first, by title at the same time', () => {
    const jobs = [job('Tap', '2030-03-31T14:00:00.000Z'), job('Boiler', '2030-03-31T09:00:00.000Z'), job('Alarm', '2030-03-31T14:00:00.000Z')];
    expect(inDayOrder(jobs).map((d) => d.job.title)).toEqual(['Boiler', 'Alarm', 'Tap']);
  });
});
