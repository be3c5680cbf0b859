// How the PostgreSQL worker splits a claimed batch into lanes handled at once:
// the events of one subject stay together and in order, and the lanes share
// the subjects out evenly.
import { describe, expect, it } from 'vitest';
import { lanesBySubject } from '../../src/automation/worker.ts';
import type { StoredEvent } from '../../src/platform/outbox.ts';

function event(seq: number, orgId: string, subjectId: string): StoredEvent {
  return { seq, id: `e${seq}`, orgId, type: 'task.updated', subject: { type: 'task', id: subjectId }, data: {}, actorId: null, occurredAt: seq, depth: 0, links: [] };
}

describe('lanes of a claimed batch', () => {
  it('keeps every subject in one lane, in the order of the batch', () => {
    const subjects = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const events = Array.from({ length: 60 }, (_, i) => event(i + 1, 'org1', subjects[(i * 5) % 7]!));
    const lanes = lanesBySubject(events, 4);
    expect(lanes.length).toBe(4);
    expect(lanes.flat().map((e) => e.seq).sort((x, y) => x - y)).toEqual(events.map((e) => e.seq));
    for (const subject of subjects) {
      const holding = lanes.filter((lane) => lane.some((e) => e.subject.id === subject));
      expect(holding.length).toBe(1);
      const seqs = holding[0]!.filter((e) => e.subject.id === subject).map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
  });

  it('tells the same id in two organisations apart, and never makes more lanes than subjects', () => {
    const lanes = lanesBySubject([event(1, 'org1', 'a'), event(2, 'org2', 'a'), event(3, 'org1', 'a')], 4);
    expect(lanes.map((lane) => lane.map((e) => e.seq))).toEqual([[1, 3], [2]]);
  });

  it('gives a new subject the lane with the fewest events', () => {
    const events = [event(1, 'o', 'a'), event(2, 'o', 'a'), event(3, 'o', 'a'), event(4, 'o', 'b'), event(5, 'o', 'c')];
    expect(lanesBySubject(events, 2).map((lane) => lane.map((e) => e.seq))).toEqual([[1, 2, 3], [4, 5]]);
  });
});
