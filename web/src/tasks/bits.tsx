// The small marks every task view shares: status, priority, due date, owner.
import type { Priority, Status, Task, User } from '../api/types.ts';
import { PRIORITY_LABEL, STATUS_LABEL } from '../api/types.ts';
import { formatDue, initials } from '../shell/format.ts';

export function StatusIcon({ status }: { status: Status }) {
  return <span className={`status-icon status-${status}`} title={STATUS_LABEL[status]} aria-hidden="true" />;
}

export function PriorityMark({ priority }: { priority: Priority }) {
  if (priority === 'normal') return null;
  return <span className={`priority priority-${priority}`} title={`${PRIORITY_LABEL[priority]} priority`}>{priority === 'urgent' ? '!!' : priority === 'high' ? '!' : '↓'}</span>;
}

export function DueLabel({ task }: { task: Pick<Task, 'dueAt' | 'overdue'> }) {
  if (!task.dueAt) return null;
  return <span className={`due ${task.overdue ? 'due-overdue' : ''}`}>{formatDue(task.dueAt)}</span>;
}

export function Avatar({ user, size = 22 }: { user: Pick<User, 'name'> | undefined | null; size?: number }) {
  if (!user) return <span className="avatar avatar-none" title="Unowned" style={{ width: size, height: size }} />;
  const hue = [...user.name].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % 360;
  return (
    <span className="avatar" title={user.name} style={{ width: size, height: size, background: `hsl(${hue} 55% 45%)`, fontSize: size * 0.42 }}>
      {initials(user.name)}
    </span>
  );
}

export function CompleteButton({ task, onToggle }: { task: Task; onToggle: (task: Task) => void }) {
  const done = task.status === 'done';
  return (
    <button
      type="button"
      className={`complete ${done ? 'complete-done' : ''} complete-${task.priority}`}
      aria-label={done ? `Reopen ${task.key}` : `Complete ${task.key}`}
      aria-pressed={done}
      onClick={(event) => {
        event.stopPropagation();
        onToggle(task);
      }}
    >
      <svg viewBox="0 0 16 16" aria-hidden="true"><path d="M4 8.5l2.5 2.5L12 5.5" /></svg>
    </button>
  );
}
