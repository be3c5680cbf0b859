// The team board: a column per status with counts; drag a card to move it.
import { DndContext, type DragEndEvent, DragOverlay, KeyboardSensor, PointerSensor, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { useMemo, useState } from 'react';
import { STATUS_LABEL, type Status, type Task, type User } from '../api/types.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { ReasonDialog, type ReasonRequest } from '../shell/ReasonDialog.tsx';
import { Avatar, CompleteButton, DueLabel, PriorityMark } from '../tasks/bits.tsx';
import { useToggleDone, useUpdateTask } from '../tasks/mutations.ts';
import { useTaskList, useTeams } from '../tasks/queries.ts';
import { useUserMap } from '../tasks/useUserMap.ts';

const COLUMNS: Status[] = ['open', 'in_progress', 'waiting', 'blocked', 'done'];

export function Board() {
  const [owner, setOwner] = useState('');
  const [team, setTeam] = useState('');
  const scope = { assignee: owner || undefined, team: team || undefined };
  const active = useTaskList({ ...scope, sort: 'priority' });
  const done = useTaskList({ ...scope, status: 'done', sort: '-updated', limit: '30' });
  const users = useUserMap();
  const teams = useTeams();
  const drawer = useTaskDrawer();
  const update = useUpdateTask();
  const toggleDone = useToggleDone();
  const [dragging, setDragging] = useState<Task | null>(null);
  const [reason, setReason] = useState<ReasonRequest | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const columns = useMemo(() => {
    const all = [...(active.data?.items ?? []), ...(done.data?.items ?? [])];
    const seen = new Set<string>();
    const byStatus = new Map<Status, Task[]>(COLUMNS.map((s) => [s, []]));
    for (const task of all) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      byStatus.get(task.status)?.push(task);
    }
    return byStatus;
  }, [active.data, done.data]);

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
          <option value="none">Unowned</option>
          {[...users.values()].map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
        </select>
        <select aria-label="Team" value={team} onChange={(e) => setTeam(e.target.value)}>
          <option value="">All teams</option>
          {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
        </select>
      </PageHeader>
      <DndContext sensors={sensors} onDragStart={(e) => setDragging((e.active.data.current?.task as Task) ?? null)} onDragCancel={() => setDragging(null)} onDragEnd={onDragEnd}>
        <div className="board">
          {COLUMNS.map((status) => (
            <Column key={status} status={status} tasks={columns.get(status)!} users={users} onOpen={(t) => drawer.open(t.key)} onToggleDone={toggleDone} />
          ))}
        </div>
        <DragOverlay>{dragging && <Card task={dragging} users={users} overlay />}</DragOverlay>
      </DndContext>
      {reason && <ReasonDialog request={reason} />}
    </div>
  );
}

function Column({ status, tasks, users, onOpen, onToggleDone }: { status: Status; tasks: Task[]; users: Map<string, User>; onOpen: (t: Task) => void; onToggleDone: (t: Task) => void }) {
  const { setNodeRef, isOver } = useDroppable({ id: status });
  return (
    <section ref={setNodeRef} className={`column ${isOver ? 'column-over' : ''}`} aria-label={STATUS_LABEL[status]} data-status={status}>
      <h2 className="column-title">
        <span className={`status-icon status-${status}`} aria-hidden="true" /> {STATUS_LABEL[status]}
        <span className="count" data-testid={`column-count-${status}`}>{tasks.length}</span>
      </h2>
      <ul className="cards">
        {tasks.map((task) => <DraggableCard key={task.id} task={task} users={users} onOpen={onOpen} onToggleDone={onToggleDone} />)}
      </ul>
    </section>
  );
}

function DraggableCard({ task, users, onOpen, onToggleDone }: { task: Task; users: Map<string, User>; onOpen: (t: Task) => void; onToggleDone: (t: Task) => void }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: task.id, data: { task } });
  return (
    <li ref={setNodeRef} {...attributes} {...listeners} className={`card-slot ${isDragging ? 'card-dragging' : ''}`} data-task-key={task.key} onClick={() => onOpen(task)}>
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
