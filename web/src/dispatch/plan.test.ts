import { describe, expect, it } from 'vitest';
import { addDays, awayIn, type BoardJob, conflictsIn, dropChange, hoursShown, jobsByTechnician, lanesOf, NOBODY, startOfWeek, windowOf } from './plan.ts';

const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);
const job = (id: string, start: Date | null, end: Date | null, technicianIds: string[] = []): BoardJob => ({
  id,
  technicianIds,
  scheduledStart: start?.toISOString() ?? null,
  scheduledEnd: end?.toISOString() ?? null,
});

describe('the dispatch board’s plan', () => {
  it('covers a day, or a week from Monday', () => {
    expect(windowOf('day', at(2026, 3, 11, 15))).toEqual({ from: at(2026, 3, 11), to: at(2026, 3, 12) });
    expect(startOfWeek(at(2026, 3, 15, 10))).toEqual(at(2026, 3, 9));
    expect(windowOf('week', at(2026, 3, 9))).toEqual({ from: at(2026, 3, 9), to: at(2026, 3, 16) });
    expect(addDays(at(2026, 3, 28, 9), 2)).toEqual(at(2026, 3, 30, 9));
  });

  it('puts a job in each of its technicians’ rows and a job with nobody in its own row, in time order', () => {
    const rows = jobsByTechnician([
      job('late', at(2026, 3, 10, 14), null, ['tom']),
      job('early', at(2026, 3, 10, 8), at(2026, 3, 10, 9), ['tom', 'ann']),
      job('open', at(2026, 3, 10, 8), null),
      job('unscheduled', null, null, ['tom']),
    ]);
    expect(rows.get('tom')!.map((j) => j.id)).toEqual(['early', 'late']);
    expect(rows.get('ann')!.map((j) => j.id)).toEqual(['early']);
    expect(rows.get(NOBODY)!.map((j) => j.id)).toEqual(['open']);
  });

  it('finds the overlapping jobs of one row (touching ones do not clash), and stacks them in lanes', () => {
    const jobs = [
      job('a', at(2026, 3, 10, 8), at(2026, 3, 10, 10)),
      job('b', at(2026, 3, 10, 9), at(2026, 3, 10, 11)),
      job('c', at(2026, 3, 10, 11), at(2026, 3, 10, 12)),
      job('d', at(2026, 3, 10, 11, 30), null),
    ];
    expect([...conflictsIn(jobs)].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...conflictsIn(jobs.slice(0, 1).concat(jobs.slice(2, 3)))]).toEqual([]);
    const { lane, count } = lanesOf(jobs);
    expect(count).toBe(2);
    expect([lane.get('a'), lane.get('b'), lane.get('c'), lane.get('d')]).toEqual([0, 1, 0, 1]);
  });

  it('clips time off to what the board shows', () => {
    const away = [{ from: at(2026, 3, 9).toISOString(), to: at(2026, 3, 10, 12).toISOString(), note: 'Sick' }, { from: at(2026, 4, 1).toISOString(), to: at(2026, 4, 2).toISOString() }];
    expect(awayIn(away, { start: at(2026, 3, 10).getTime(), end: at(2026, 3, 11).getTime() })).toEqual([{ start: at(2026, 3, 10).getTime(), end: at(2026, 3, 10, 12).getTime(), note: 'Sick' }]);
  });

  it('shows the business’s hours an hour either side, widened to the jobs of the day', () => {
    const hours = { mon: [['08:00', '17:00']] as [string, string][], sat: [['09:00', '12:30']] as [string, string][] };
    expect(hoursShown(hours, [], at(2026, 3, 10))).toEqual({ first: 7, last: 18 });
    expect(hoursShown(hours, [job('night', at(2026, 3, 10, 20), at(2026, 3, 10, 21, 30))], at(2026, 3, 10))).toEqual({ first: 7, last: 22 });
    expect(hoursShown(undefined, [], at(2026, 3, 10))).toEqual({ first: 7, last: 19 });
  });

  it('moves a dropped job to the slot with its length, handing it from one technician to another', () => {
    const two = job('j', at(2026, 3, 10, 8), at(2026, 3, 10, 10), ['tom', 'ann']);
    expect(dropChange(two, 'tom', { technicianId: 'ben', at: at(2026, 3, 10, 13).getTime() })).toEqual({
      scheduledStart: at(2026, 3, 10, 13).toISOString(),
      scheduledEnd: at(2026, 3, 10, 15).toISOString(),
      technicianIds: ['ann', 'ben'],
    });
    expect(dropChange(two, 'tom', { technicianId: 'tom', at: at(2026, 3, 10, 8).getTime() })).toBeNull();
    expect(dropChange(two, 'tom', { technicianId: NOBODY, at: at(2026, 3, 10, 8).getTime() })?.technicianIds).toEqual(['ann']);
  });

  it('gives an unscheduled job an hour, at the slot or at 9:00 on a day, to the row’s technician alone', () => {
    const loose = job('j', null, null, ['old']);
    expect(dropChange(loose, null, { technicianId: 'tom', at: at(2026, 3, 10, 14).getTime() })).toEqual({
      scheduledStart: at(2026, 3, 10, 14).toISOString(),
      scheduledEnd: at(2026, 3, 10, 15).toISOString(),
      technicianIds: ['tom'],
    });
    expect(dropChange(loose, null, { technicianId: 'tom', day: at(2026, 3, 12) })?.scheduledStart).toBe(at(2026, 3, 12, 9).toISOString());
    const timed = job('t', at(2026, 3, 10, 15, 30), null, ['tom']);
    expect(dropChange(timed, 'tom', { technicianId: 'tom', day: at(2026, 3, 12) })?.scheduledStart).toBe(at(2026, 3, 12, 15, 30).toISOString());
  });
});
