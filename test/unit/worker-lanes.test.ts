// How the PostgreSQL worker handles a claimed batch in lanes at once: the
// events of one subject stay together and in order, and a free lane takes
// the next subject nobody has begun, whatever another lane is still on.
import { describe, expect, it } from 'vitest';
import { eventsBySubject, inLanes } from '../../src/automation/worker.ts';
import type { StoredEvent } from '../../src/platform/outbox.ts';

function event(seq: number, orgId: string, subjectId: string): StoredEvent {
  return { seq, id: `e${seq}`, orgId, type: 'task.updated', subject: { type: 'task', id: subjectId }, data: {}, actorId: null, occurredAt: seq, depth: 0, links: [] };
}

describe('subjects of a claimed batch', () => {
  it('keeps every subject’s events together, in the order of the batch, the subjects in the order of their first event', () => {
    const subjects = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const events = Array.from({ length: 60 }, (_, i) => event(i + 1, 'org1', subjects[(i * 5) % 7]!));
    const groups = eventsBySubject(events);
    expect(groups.length).toBe(7);
    expect(groups.flat().map((e) => e.seq).sort((x, y) => x - y)).toEqual(events.map((e) => e.seq));
    for (const group of groups) {
      expect(new Set(group.map((e) => e.subject.id)).size).toBe(1);
      const seqs = group.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    }
    expect(groups.map((group) => group[0]!.seq)).toEqual([...groups.map((group) => group[0]!.seq)].sort((x, y) => x - y));
  });

  it('tells the same id in two organisations apart', () => {
    const groups = eventsBySubject([event(1, 'org1', 'a'), event(2, 'org2', 'a'), event(3, 'org1', 'a')]);
    expect(groups.map((group) => group.map((e) => e.seq))).toEqual([[1, 3], [2]]);
  });
});

describe('lanes', () => {
  it('lets a free lane take the next subjects while another is still on a slow one, each subject in its order', async () => {
    const done: string[] = [];
    let releaseA!: () => void;
    const slowA = new Promise<void>((resolve) => (releaseA = resolve));
    await inLanes(
      [['a1', 'a2'], ['b1'], ['c1', 'c2'], ['d1']],
      2,
      () => true,
      async (item) => {
        if (item === 'a1') await slowA;
        done.push(item);
        // The last of the other subjects lets the slow one go on.
        if (item === 'd1') releaseA();
      },
    );
    expect(done).toEqual(['b1', 'c1', 'c2', 'd1', 'a1', 'a2']);
  });

  it('never runs more lanes than asked, and stops every lane once told to', async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await inLanes(
      Array.from({ length: 20 }, (_, i) => [i]),
      3,
      () => done.length < 7,
      async (item) => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setImmediate(resolve));
        running--;
        done.push(item);
      },
    );
    expect(most).toBe(3);
    // Lanes already on an item finish it; none begins another.
    expect(done.length).toBeGreaterThanOrEqual(7);
    expect(done.length).toBeLessThan(7 + 3);
    expect([...done].sort((x, y) => x - y)).toEqual(done.map((_, i) => i));
  });
});
