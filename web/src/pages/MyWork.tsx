// My work: what is mine, in the order I should do it — overdue (whatever its status),
// today, upcoming, no date, waiting on others; for managers, the unassigned queue too;
// and for a new business, its first steps.
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { api } from '../api/client.ts';
import type { Task } from '../api/types.ts';
import { usePermissions } from '../people/rights.ts';
import { StartList } from '../people/StartList.tsx';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { type WorkBucket, workBucket } from '../shell/format.ts';
import { useListKeyboard } from '../shell/keyboard.ts';
import { useToggleDone } from '../tasks/mutations.ts';
import { useTaskList } from '../tasks/queries.ts';
import { TaskRow } from '../tasks/TaskRow.tsx';
import { useUserMap } from '../tasks/useUserMap.ts';
import { EmptyState, PageHeader } from '../shell/PageHeader.tsx';

type Bucket = WorkBucket | 'unassigned';

const SECTIONS: { bucket: WorkBucket; title: string; empty: string }[] = [
  { bucket: 'overdue', title: 'Overdue', empty: 'Nothing overdue.' },
  { bucket: 'today', title: 'Today', empty: 'Nothing due today.' },
  { bucket: 'upcoming', title: 'Upcoming', empty: 'Nothing coming up.' },
  { bucket: 'nodate', title: 'No date', empty: 'Everything has a date.' },
  { bucket: 'waiting', title: 'Waiting on others', empty: 'Not waiting on anyone.' },
];

const FILTER = { assignee: 'me', sort: 'due' };
/** Nobody owns it, no team either: the queue a manager gives out. */
const UNASSIGNED = { assignee: 'none', team: 'none', sort: 'due' };

export function MyWork() {
  const may = usePermissions();
  const managesQueue = may.has('assignOthers');
  const list = useTaskList(FILTER);
  const unassigned = useTaskList(UNASSIGNED, { enabled: managesQueue });
  const users = useUserMap();
  const drawer = useTaskDrawer();
  const toggleDone = useToggleDone();
  const sections = useMemo(() => {
    const now = new Date();
    const byBucket = new Map<WorkBucket, Task[]>(SECTIONS.map((s) => [s.bucket, []]));
    for (const task of list.data?.items ?? []) byBucket.get(workBucket(task, now))!.push(task);
    const mine: { bucket: Bucket; title: string; empty: string; tasks: Task[] }[] = SECTIONS.map((s) => ({ ...s, tasks: byBucket.get(s.bucket)! }));
    if (!managesQueue) return mine;
    return [...mine, { bucket: 'unassigned' as const, title: 'Unassigned', empty: 'Every task has an owner.', tasks: unassigned.data?.items ?? [] }];
  }, [list.data, unassigned.data, managesQueue]);
  const overdueTotal = useExactOverdue(list.data?.nextCursor ?? null);
  const ordered = useMemo(() => sections.flatMap((s) => s.tasks), [sections]);
  const keyboard = useListKeyboard(ordered, {
    open: (t) => drawer.open(t.key),
    edit: (t) => drawer.open(t.key, true),
    toggleDone,
  });

  return (
    <div className="page">
      <PageHeader title="My work" subtitle={list.data ? openCount(sections.filter((s) => s.bucket !== 'unassigned').flatMap((s) => s.tasks)) : undefined} />
      <StartList />
      {list.isPending ? (
        <p className="muted pad">Loading…</p>
      ) : list.isError ? (
        <p className="error pad">Could not load your tasks.</p>
      ) : ordered.length === 0 ? (
        <EmptyState title="All clear" hint="Press c to add a task." />
      ) : (
        sections.map((section) => (
            <section key={section.bucket} className={`work-section work-${section.bucket}`} aria-label={section.title}>
              <h2 className="section-title">
                {section.title}{' '}
                <span className="count" data-testid={`count-${section.bucket}`}>
                  {section.bucket === 'overdue' && overdueTotal !== undefined ? overdueTotal : section.tasks.length}
                </span>
              </h2>
              {section.tasks.length === 0 ? (
                <p className="muted section-empty">{section.empty}</p>
              ) : (
                <ul className="task-list">
                  {section.tasks.map((task) => (
                    <TaskRow
                      key={task.id}
                      task={task}
                      users={users}
                      focused={keyboard.focusedId === task.id}
                      onOpen={(t) => {
                        keyboard.setFocusedId(t.id);
                        drawer.open(t.key);
                      }}
                      onToggleDone={toggleDone}
                    />
                  ))}
                </ul>
              )}
            </section>
        ))
      )}
    </div>
  );
}

/**
 * The list holds my first 200 tasks, soonest due first, so overdue ones come
 * first; past 200 the overdue count is asked of the server (the same count
 * Reports shows for me), never guessed from a partial list.
 */
function useExactOverdue(nextCursor: string | null): number | undefined {
  const counted = useQuery({
    queryKey: ['task-counts', 'my-overdue'],
    queryFn: () => api.get<{ total: number }>('/api/v1/tasks/counts?assignee=me&overdue=true'),
    enabled: nextCursor !== null,
  });
  return nextCursor !== null ? counted.data?.total : undefined;
}

/** A task completed a moment ago stays in view (struck through) until the list refreshes; it is not counted. */
function openCount(tasks: Task[]): string {
  const open = tasks.filter((t) => t.status !== 'done' && t.status !== 'cancelled').length;
  return `${open} open task${open === 1 ? '' : 's'}`;
}
