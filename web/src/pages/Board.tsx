// The team board: a column per status with its exact count; each column pages in
// as it scrolls and renders only the cards in view; drag a card to move it.
import { DndContext, type DragEndEvent, DragOverlay, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import { STATUS_LABEL, type Status, type Task, type User } from '../api/types.ts';
import { BOARD_COLUMNS, groupColumns, useBoardColumn, useTaskCounts } from '../board/columns.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { ReasonDialog, type ReasonRequest } from '../shell/ReasonDialog.tsx';
import { Avatar, CompleteButton, DueLabel, PriorityMark } from '../tasks/bits.tsx';
import { useToggleDone, useUpdateTask } from '../tasks/mutations.ts';
import { useTeams } from '../tasks/queries.ts';
import { useUserMap } from '../tasks/useUserMap.ts';

export function Board() {
  const [owner, setOwner] = useState('');
  const [team, setTeam] = useState('');
  // "Unassigned" is the queue nobody owns: no person and no team.
  const scope = useMemo(
    () => (owner === 'unassigned' ? { assignee: 'none', team: 'none' } : { assignee: owner || undefined, team: team || undefined }),
    [owner, team],
  );
  const counts = useTaskCounts({ ...scope, status: 'all' });
  // One query per column, always the same five (hooks in a fixed order).
  const open = useBoardColumn('open', scope);
  const inProgress = useBoardColumn('in_progress', scope);
  const waiting = useBoardColumn('waiting', scope);
  const blocked = useBoardColumn('blocked', scope);
  const done = useBoardColumn('done', scope);
  const queries = { open, in_progress: inProgress, waiting, blocked, done } as const;
  const users = useUserMap();
  const teams = useTeams();
  const drawer = useTaskDrawer();
  const update = useUpdateTask();
  const toggleDone = useToggleDone();
  const [dragging, setDragging] = useState<Task | null>(null);
  const [reason, setReason] = useState<ReasonRequest | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const { cards, delta } = useMemo(
    () => groupColumns(BOARD_COLUMNS.map((status) => ({ status, data: queries[status as keyof typeof queries].data }))),
    [open.data, inProgress.data, waiting.data, blocked.data, done.data],
  );
  const countOf = (status: Status) => {
    const exact = counts.data?.counts[status];
    const query = queries[status as keyof typeof queries];
    // Until the counts arrive, what is loaded (with a + when there is more).
    if (exact === undefined) return `${cards.get(status)!.length}${query.hasNextPage ? '+' : ''}`;
    return String(Math.max(0, exact + delta.get(status)!));
  };

  const moveTo = async (task: Task, status: Status) => {
    if (task.status === status) return;
    if (status === 'waiting' || status === 'blocked') {
      const given = await new Promise<string | null>((resolve) => setReason({ status, taskKey: task.key, resolve }));
      setReason(null);
      if (!given) return;
      update.mutate({ task, changes: status === 'waiting' ? { status, waitingOn: given } : { status, blockedReason: given } });
      return;
    }
    if (status === 'done') return toggleDone(task);
    update.mutate({ task, changes: { status } });
  };

  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const task = event.active.data.current?.task as Task | undefined;
    const to = event.over?.id as Status | undefined;
    if (task && to) void moveTo(task, to);
  };

  return (
    <div className="page page-wide">
      <PageHeader title="Board" subtitle="Drag a card to change its status">
        <select aria-label="Owner" value={owner} onChange={(e) => setOwner(e.target.value)}>
          <option value="">Everyone</option>
          <option value="me">Mine</option>
          <option value="unassigned">Unassigned</option>
          <option value="none">No person (team tasks too)</option>
          {[...users.values()].map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
        <select aria-label="Team" value={owner === 'unassigned' ? 'none' : team} disabled={owner === 'unassigned'} onChange={(e) => setTeam(e.target.value)}>
          <option value="">All teams</option>
          <option value="none">No team</option>
          {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </PageHeader>
      <DndContext sensors={sensors} onDragStart={(e) => setDragging((e.active.data.current?.task as Task) ?? null)} onDragCancel={() => setDragging(null)} onDragEnd={onDragEnd}>
        <div className="board">
          {BOARD_COLUMNS.map((status) => {
            const query = queries[status as keyof typeof queries];
            return (
              <Column
                key={status}
                status={status}
                tasks={cards.get(status)!}
                count={countOf(status)}
                more={{ has: query.hasNextPage, loading: query.isFetchingNextPage, load: () => void query.fetchNextPage() }}
                users={users}
                onOpen={(t) => drawer.open(t.key)}
                onToggleDone={toggleDone}
              />
            );
          })}
        </div>
        <DragOverlay>{dragging && <Card task={dragging} users={users} overlay />}</DragOverlay>
      </DndContext>
      {reason && <ReasonDialog request={reason} />}
    </div>
  );
}

interface More {
  has: boolean;
  loading: boolean;
  load: () => void;
}

/** Roughly one card with a meta line; each card is measured once it is drawn. */
const CARD_ESTIMATE = 86;

function Column({ status, tasks, count, more, users, onOpen, onToggleDone }: {
  status: Status;
  tasks: Task[];
  count: string;
  more: More;
  users: Map<string, User>;
  onOpen: (t: Task) => void;
  onToggleDone: (t: Task) => void;
}) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tasks.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => CARD_ESTIMATE,
    getItemKey: (index) => tasks[index]!.id,
    overscan: 8,
    gap: 8,
  });
  const rows = virtualizer.getVirtualItems();
  const lastShown = rows.at(-1)?.index ?? -1;
  // The next page is asked for as the end of what is loaded scrolls into view.
  useEffect(() => {
    if (more.has && !more.loading && lastShown >= tasks.length - 10) more.load();
  }, [lastShown, tasks.length, more]);
  return (
    <section ref={setNodeRef} className={`column ${isOver ? 'column-over' : ''}`} aria-label={STATUS_LABEL[status]} data-status={status}>
      <h2 className="column-title">
        <span className={`status-icon status-${status}`} aria-hidden="true" /> {STATUS_LABEL[status]}
        <span className="count" data-testid={`column-count-${status}`}>{count}</span>
      </h2>
      <div ref={scroller} className="column-scroll" data-testid={`column-scroll-${status}`}>
        <ul className="cards cards-virtual" style={{ height: virtualizer.getTotalSize() }}>
          {rows.map((row) => (
            <DraggableCard
              key={row.key}
              task={tasks[row.index]!}
              index={row.index}
              top={row.start}
              measure={virtualizer.measureElement}
              users={users}
              onOpen={onOpen}
              onToggleDone={onToggleDone}
            />
          ))}
        </ul>
        {more.has && (
          <button type="button" className="link-button column-more" disabled={more.loading} onClick={more.load}>
            {more.loading ? 'Loading…' : `Load more ${STATUS_LABEL[status].toLowerCase()}`}
          </button>
        )}
      </div>
    </section>
  );
}

function DraggableCard({ task, index, top, measure, users, onOpen, onToggleDone }: {
  task: Task;
  index: number;
  top: number;
  measure: (element: Element | null) => void;
  users: Map<string, User>;
  onOpen: (t: Task) => void;
  onToggleDone: (t: Task) => void;
}) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: task.id, data: { task } });
  const ref = (element: HTMLLIElement | null) => {
    setNodeRef(element);
    measure(element);
  };
  return (
    <li
      ref={ref}
      {...attributes}
      {...listeners}
      data-index={index}
      // top, not a transform: drag and drop measures a card without its transform, so the overlay would start off the card.
      style={{ top }}
      className={`card-slot ${isDragging ? 'card-dragging' : ''}`}
      data-task-key={task.key}
      onClick={() => onOpen(task)}
    >
      <Card task={task} users={users} onToggleDone={onToggleDone} />
    </li>
  );
}

function Card({ task, users, overlay, onToggleDone }: { task: Task; users: Map<string, User>; overlay?: boolean; onToggleDone?: (t: Task) => void }) {
  return (
    <div className={`card ${overlay ? 'card-overlay' : ''}`}>
      <div className="card-top">
        <span className="task-key">{task.key}</span>
        <PriorityMark priority={task.priority} />
        <span className="spacer" />
        <Avatar user={task.assigneeId ? users.get(task.assigneeId) : null} size={20} />
      </div>
      <div className="card-title">
        {onToggleDone && <CompleteButton task={task} onToggle={onToggleDone} />}
        <span>{task.title}</span>
      </div>
      {(task.dueAt || task.waitingOn || task.blockedReason) && (
        <div className="card-meta">
          <DueLabel task={task} />
          {task.waitingOn && <span className="chip chip-waiting">Waiting: {task.waitingOn}</span>}
          {task.blockedReason && <span className="chip chip-blocked">Blocked: {task.blockedReason}</span>}
        </div>
      )}
    </div>
  );
}
