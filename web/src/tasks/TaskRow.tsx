// One task on one line: complete, key, title, links, due date, priority, owner.
import type { Task, User } from '../api/types.ts';
import { Avatar, CompleteButton, DueLabel, PriorityMark, StatusIcon } from './bits.tsx';

export interface TaskRowProps {
  task: Task;
  users: Map<string, User>;
  focused: boolean;
  selected?: boolean;
  onOpen: (task: Task) => void;
  onToggleDone: (task: Task) => void;
  onSelect?: (task: Task, event: React.MouseEvent) => void;
}

export function TaskRow({ task, users, focused, selected, onOpen, onToggleDone, onSelect }: TaskRowProps) {
  const done = task.status === 'done' || task.status === 'cancelled';
  return (
    <li
      className={`task-row ${focused ? 'focused' : ''} ${selected ? 'selected' : ''} ${done ? 'is-done' : ''}`}
      data-task-key={task.key}
      aria-selected={focused}
      onClick={() => onOpen(task)}
    >
      {onSelect && (
        <input
          type="checkbox"
          className="select-box"
          aria-label={`Select ${task.key}`}
          checked={selected ?? false}
          onClick={(event) => {
            event.stopPropagation();
            onSelect(task, event);
          }}
          onChange={() => {}}
        />
      )}
      <CompleteButton task={task} onToggle={onToggleDone} />
      <span className="task-key">{task.key}</span>
      <StatusIcon status={task.status} />
      <span className="task-title">{task.title}</span>
      {task.source.kind === 'rule' && <span className="chip chip-auto" title="Created by an automation rule">auto</span>}
      {task.waitingOn && <span className="chip chip-waiting" title="Waiting on">Waiting: {task.waitingOn}</span>}
      {task.status === 'blocked' && <span className="chip chip-blocked" title="Blocked">Blocked{task.blockedReason ? `: ${task.blockedReason}` : ''}</span>}
      {task.checklist.length > 0 && (
        <span className="chip chip-count" title="Checklist">{task.checklist.filter((i) => i.done).length}/{task.checklist.length}</span>
      )}
      {task.links.slice(0, 2).map((link) => (
        <span key={`${link.type}:${link.id}`} className="chip chip-link" title={link.type}>{link.name ?? `${link.type} ${link.id}`}</span>
      ))}
      <span className="row-end">
        <PriorityMark priority={task.priority} />
        <DueLabel task={task} />
        <Avatar user={task.assigneeId ? users.get(task.assigneeId) : null} />
      </span>
    </li>
  );
}
