// My work: what is mine, in the order I should do it — overdue, today, upcoming, waiting on others.
import { useMemo } from 'react';
import type { Task } from '../api/types.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { type WorkBucket, workBucket } from '../shell/format.ts';
import { useListKeyboard } from '../shell/keyboard.ts';
import { useToggleDone } from '../tasks/mutations.ts';
import { useTaskList } from '../tasks/queries.ts';
import { TaskRow } from '../tasks/TaskRow.tsx';
import { useUserMap } from '../tasks/useUserMap.ts';
import { EmptyState, PageHeader } from '../shell/PageHeader.tsx';

const SECTIONS: { bucket: WorkBucket; title: string; empty: string }[] = [
  { bucket: 'overdue', title: 'Overdue', empty: 'Nothing overdue.' },
  { bucket: 'today', title: 'Today', empty: 'Nothing due today.' },
  { bucket: 'upcoming', title: 'Upcoming', empty: 'Nothing coming up.' },
  { bucket: 'waiting', title: 'Waiting on others', empty: 'Not waiting on anyone.' },
];

const FILTER = { assignee: 'me', sort: 'due' };

export function MyWork() {
  const list = useTaskList(FILTER);
  const users = useUserMap();
  const drawer = useTaskDrawer();
  const toggleDone = useToggleDone();
  const sections = useMemo(() => {
    const now = new Date();
    const byBucket = new Map<WorkBucket, Task[]>(SECTIONS.map((s) => [s.bucket, []]));
    for (const task of list.data?.items ?? []) byBucket.get(workBucket(task, now))!.push(task);
    return SECTIONS.map((s) => ({ ...s, tasks: byBucket.get(s.bucket)! }));
  }, [list.data]);
  const ordered = useMemo(() => sections.flatMap((s) => s.tasks), [sections]);
  const keyboard = useListKeyboard(ordered, {
    open: (t) => drawer.open(t.key),
    edit: (t) => drawer.open(t.key, true),
    toggleDone,
  });

  return (
    <div className="page">
      <PageHeader title="My work" subtitle={list.data ? openCount(ordered) : undefined} />
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
              {section.title} <span className="count" data-testid={`count-${section.bucket}`}>{section.tasks.length}</span>
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

/** A task completed a moment ago stays in view (struck through) until the list refreshes; it is not counted. */
function openCount(tasks: Task[]): string {
  const open = tasks.filter((t) => t.status !== 'done' && t.status !== 'cancelled').length;
  return `${open} open task${open === 1 ? '' : 's'}`;
}
