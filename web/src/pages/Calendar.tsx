// The calendar of due dates: a month at a time; drag a task to another day to move its due date.
import { DndContext, type DragEndEvent, PointerSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import type { Task } from '../api/types.ts';
import { dayKey, monthGrid, moveToDay } from '../shell/calendarGrid.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { useUpdateTask } from '../tasks/mutations.ts';
import { useTaskList } from '../tasks/queries.ts';

const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const SHOWN_PER_DAY = 4;

export function Calendar() {
  const today = new Date();
  const [month, setMonth] = useState({ year: today.getFullYear(), month: today.getMonth() });
  const [mine, setMine] = useState(false);
  const grid = useMemo(() => monthGrid(month.year, month.month), [month]);
  const from = grid[0]!;
  const to = new Date(grid[grid.length - 1]!.getTime() + 86_400_000);
  const list = useTaskList({ status: 'all', dueAfter: from.toISOString(), dueBefore: to.toISOString(), sort: 'due', assignee: mine ? 'me' : undefined });
  const drawer = useTaskDrawer();
  const update = useUpdateTask();
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }));
  const byDay = useMemo(() => {
    const days = new Map<string, Task[]>();
    for (const task of list.data?.items ?? []) {
      if (!task.dueAt || task.status === 'cancelled') continue;
      const key = dayKey(new Date(task.dueAt));
      days.set(key, [...(days.get(key) ?? []), task]);
    }
    return days;
  }, [list.data]);
  const shift = (delta: number) => setMonth(({ year, month: m }) => ({ year: m + delta < 0 ? year - 1 : m + delta > 11 ? year + 1 : year, month: (m + delta + 12) % 12 }));
  const onDragEnd = (event: DragEndEvent) => {
    const task = event.active.data.current?.task as Task | undefined;
    const day = event.over?.data.current?.day as Date | undefined;
    if (!task?.dueAt || !day || dayKey(day) === dayKey(new Date(task.dueAt))) return;
    update.mutate({ task, changes: { dueAt: moveToDay(task.dueAt, day) } });
  };

  return (
    <div className="page page-wide">
      <PageHeader title={monthFormat.format(new Date(month.year, month.month, 1))} subtitle="Due dates; drag a task to another day">
        <label className="check"><input type="checkbox" checked={mine} onChange={(e) => setMine(e.target.checked)} /> Only mine</label>
        <button type="button" className="button" aria-label="Previous month" onClick={() => shift(-1)}>‹</button>
        <button type="button" className="button" onClick={() => setMonth({ year: today.getFullYear(), month: today.getMonth() })}>Today</button>
        <button type="button" className="button" aria-label="Next month" onClick={() => shift(1)}>›</button>
      </PageHeader>
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div className="calendar" role="grid" aria-label="Due dates">
          {WEEKDAYS.map((d) => <div key={d} className="calendar-weekday" role="columnheader">{d}</div>)}
          {grid.map((day) => (
            <Day key={dayKey(day)} day={day} outside={day.getMonth() !== month.month} today={dayKey(day) === dayKey(today)} tasks={byDay.get(dayKey(day)) ?? []} onOpen={(t) => drawer.open(t.key)} />
          ))}
        </div>
      </DndContext>
    </div>
  );
}

function Day({ day, outside, today, tasks, onOpen }: { day: Date; outside: boolean; today: boolean; tasks: Task[]; onOpen: (t: Task) => void }) {
  const { setNodeRef, isOver } = useDroppable({ id: dayKey(day), data: { day } });
  const [expanded, setExpanded] = useState(false);
  const shown = expanded ? tasks : tasks.slice(0, SHOWN_PER_DAY);
  return (
    <div ref={setNodeRef} role="gridcell" data-day={dayKey(day)} className={`calendar-day ${outside ? 'outside' : ''} ${today ? 'today' : ''} ${isOver ? 'over' : ''}`}>
      <span className="calendar-date">{day.getDate()}</span>
      {shown.map((task) => <CalendarTask key={task.id} task={task} onOpen={onOpen} />)}
      {tasks.length > shown.length && (
        <button type="button" className="link-button calendar-more" onClick={() => setExpanded(true)}>+{tasks.length - shown.length} more</button>
      )}
    </div>
  );
}

function CalendarTask({ task, onOpen }: { task: Task; onOpen: (t: Task) => void }) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({ id: task.id, data: { task } });
  const style = transform ? { transform: `translate(${transform.x}px, ${transform.y}px)` } : undefined;
  const done = task.status === 'done';
  return (
    <button
      ref={setNodeRef}
      type="button"
      style={style}
      {...attributes}
      {...listeners}
      data-task-key={task.key}
      className={`calendar-task priority-bar-${task.priority} ${task.overdue ? 'overdue' : ''} ${done ? 'done' : ''} ${isDragging ? 'dragging' : ''}`}
      onClick={() => onOpen(task)}
      title={`${task.key} · ${task.title}`}
    >
      {task.title}
    </button>
  );
}
