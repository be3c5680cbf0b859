// The task, open beside the page: every field editable in place, its records,
// checklist, provenance, and one timeline of changes and comments.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, describeError } from '../api/client.ts';
import { type ChecklistItem, PRIORITIES, PRIORITY_LABEL, STATUS_LABEL, STATUSES, type Task, type TaskChanges, type User } from '../api/types.ts';
import { RepeatControl } from '../recurrence/RepeatControl.tsx';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { useOnline } from '../shell/online.ts';
import { formatInstant, fromLocalInput, toLocalInput } from '../shell/format.ts';
import { ReasonDialog, type ReasonRequest } from '../shell/ReasonDialog.tsx';
import { CameraButton, TaskPhotos } from '../attachments/Gallery.tsx';
import { Activity } from './Activity.tsx';
import { LinkedRecords } from './LinkedRecords.tsx';
import { RIGHT_HOLDERS, usePermissions } from '../people/rights.ts';
import { useDeleteTasks, useToggleDone, useUpdateTask } from './mutations.ts';
import { useTask, useTeams } from './queries.ts';
import { useUserMap } from './useUserMap.ts';

type FieldErrors = Record<string, string>;

export function TaskDrawer() {
  const drawer = useTaskDrawer();
  if (!drawer.openKey) return null;
  return <DrawerFrame key={drawer.openKey} idOrKey={drawer.openKey} editing={drawer.editing} onClose={drawer.close} />;
}

function DrawerFrame({ idOrKey, editing, onClose }: { idOrKey: string; editing: boolean; onClose: () => void }) {
  const task = useTask(idOrKey);
  const online = useOnline();
  useEffect(() => {
    const listener = (event: KeyboardEvent) => {
      if (event.key === 'Escape' && !document.querySelector('[role="dialog"][aria-modal="true"]')) onClose();
    };
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, [onClose]);
  return (
    <aside className="drawer" aria-label={`Task ${idOrKey}`}>
      <div className="drawer-bar">
        <span className="task-key">{task.data?.key ?? idOrKey}</span>
        <span className="spacer" />
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>✕</button>
      </div>
      {task.error instanceof ApiError && task.error.status === 404 ? (
        <p className="error pad">{idOrKey} does not exist (or was deleted).</p>
      ) : task.data ? (
        // Shown from the last copy when it cannot be read afresh (no signal).
        <TaskDetail task={task.data} editing={editing} onClose={onClose} />
      ) : task.isError ? (
        <p className="error pad">{describeError(task.error)}</p>
      ) : online ? (
        <p className="muted pad">Loading…</p>
      ) : (
        <p className="muted pad">This task is not kept on this device; it opens when you are back online.</p>
      )}
    </aside>
  );
}

function TaskDetail({ task, editing, onClose }: { task: Task; editing: boolean; onClose: () => void }) {
  const update = useUpdateTask();
  const toggleDone = useToggleDone();
  const deleteTasks = useDeleteTasks();
  const users = useUserMap();
  const teams = useTeams();
  const may = usePermissions();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [stale, setStale] = useState(false);
  const [reason, setReason] = useState<ReasonRequest | null>(null);
  const titleRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    if (editing) titleRef.current?.focus();
  }, [editing]);

  const save = (changes: TaskChanges) => {
    setErrors({});
    setStale(false);
    update.mutate(
      {
        task,
        changes,
        onFieldErrors: (error) => setErrors(Object.fromEntries((error.problem.errors ?? []).map((e) => [e.path.split('.')[0]!, e.message]))),
      },
      { onError: (error) => error instanceof ApiError && error.status === 412 && setStale(true) },
    );
  };

  const changeStatus = async (status: Task['status']) => {
    if (status === 'waiting' || status === 'blocked') {
      const given = await new Promise<string | null>((resolve) => setReason({ status, taskKey: task.key, resolve }));
      setReason(null);
      if (given) save(status === 'waiting' ? { status, waitingOn: given } : { status, blockedReason: given });
      return;
    }
    if (status === 'done' || (task.status === 'done' && status === 'open')) return toggleDone(task);
    save({ status });
  };

  return (
    <div className="detail">
      {stale && (
        <p className="banner banner-warn" role="alert">
          Someone else changed this task while you were editing it, so your last change was not saved. This is their latest version.
        </p>
      )}
      <Field error={errors.title}>
        <textarea
          ref={titleRef}
          key={`title-${task.version}`}
          className="detail-title"
          aria-label="Title"
          rows={1}
          defaultValue={task.title}
          onBlur={(e) => e.target.value !== task.title && save({ title: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              e.currentTarget.blur();
            }
          }}
        />
      </Field>

      <div className="detail-grid">
        <label>Status</label>
        <Field error={errors.status}>
          <select aria-label="Status" value={task.status} onChange={(e) => void changeStatus(e.target.value as Task['status'])}>
            {STATUSES.map((s) => <option key={s} value={s}>{STATUS_LABEL[s]}</option>)}
          </select>
        </Field>
        {task.status === 'waiting' && (
          <>
            <label>Waiting on</label>
            <Field error={errors.waitingOn}>
              <input key={`w-${task.version}`} aria-label="Waiting on" defaultValue={task.waitingOn ?? ''} onBlur={(e) => e.target.value !== (task.waitingOn ?? '') && save({ waitingOn: e.target.value || null })} />
            </Field>
          </>
        )}
        {task.status === 'waiting' && (
          <>
            <label>Back on</label>
            <Field error={errors.waitingUntil}>
              <input type="datetime-local" aria-label="Waiting until" key={`wu-${task.version}`} defaultValue={toLocalInput(task.waitingUntil)} onBlur={(e) => {
                const next = fromLocalInput(e.target.value);
                if (next !== task.waitingUntil) save({ waitingUntil: next });
              }} />
            </Field>
          </>
        )}
        {task.blockedBy.length > 0 && (
          <>
            <label>Blocked by</label>
            <span className="muted">{task.blockedBy.length} task{task.blockedBy.length === 1 ? '' : 's'} to finish first</span>
          </>
        )}
        {task.status === 'blocked' && (
          <>
            <label>Blocked because</label>
            <Field error={errors.blockedReason}>
              <input key={`b-${task.version}`} aria-label="Blocked because" defaultValue={task.blockedReason ?? ''} onBlur={(e) => e.target.value !== (task.blockedReason ?? '') && save({ blockedReason: e.target.value || null })} />
            </Field>
          </>
        )}
        <label>Priority</label>
        <Field error={errors.priority}>
          <select aria-label="Priority" value={task.priority} onChange={(e) => save({ priority: e.target.value as Task['priority'] })}>
            {PRIORITIES.map((p) => <option key={p} value={p}>{PRIORITY_LABEL[p]}</option>)}
          </select>
        </Field>
        <label>Assignee</label>
        <Field error={errors.assigneeId}>
          <select
            aria-label="Assignee"
            value={task.assigneeId ?? ''}
            title={may.has('assignOthers') ? undefined : RIGHT_HOLDERS.assignOthers}
            onChange={(e) => save({ assigneeId: e.target.value || null })}
          >
            <option value="" disabled={!may.mayAssign(task.assigneeId, null)}>Unowned</option>
            {[...users.values()].map((u) => <option key={u.id} value={u.id} disabled={!may.mayAssign(task.assigneeId, u.id)}>{u.name}</option>)}
          </select>
        </Field>
        <label>Team</label>
        <Field error={errors.teamId}>
          <select aria-label="Team" value={task.teamId ?? ''} onChange={(e) => save({ teamId: e.target.value || null })}>
            <option value="">No team</option>
            {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </Field>
        <label>Due</label>
        <Field error={errors.dueAt}>
          <input type="datetime-local" aria-label="Due" key={`due-${task.version}`} defaultValue={toLocalInput(task.dueAt)} onBlur={(e) => {
            const next = fromLocalInput(e.target.value);
            if (next !== task.dueAt) save({ dueAt: next });
          }} />
          {task.sla?.paused && <p className="muted small">The clock is paused while this task waits on the customer.</p>}
        </Field>
        <label>Repeat</label>
        <RepeatControl key={`repeat-${task.version}`} task={task} error={errors.recurrence} onChange={(recurrence) => save({ recurrence })} />
      </div>

      <Field error={errors.description}>
        <textarea
          key={`d-${task.version}`}
          className="detail-description"
          aria-label="Description"
          placeholder="Add a description…"
          defaultValue={task.description}
          onBlur={(e) => e.target.value !== task.description && save({ description: e.target.value })}
        />
      </Field>

      <Checklist task={task} error={errors.checklist} onChange={(checklist) => save({ checklist })} />
      <TaskPhotos task={task} />
      <LinkedRecords task={task} />
      <Provenance task={task} users={users} />

      <div className="detail-actions">
        {task.status === 'done' && !may.mayReopen(task) ? (
          <button type="button" className="button button-primary" disabled title={RIGHT_HOLDERS.reopenOthersTasks}>Reopen</button>
        ) : (
          <button type="button" className="button button-primary" onClick={() => toggleDone(task)}>{task.status === 'done' ? 'Reopen' : 'Complete'}</button>
        )}
        {/* Someone else's task: not offered to whoever may not delete it; the note says who may. */}
        {may.mayDelete(task) ? (
          <button type="button" className="button button-danger" onClick={() => { deleteTasks([task]); onClose(); }}>Delete</button>
        ) : (
          may.userId && <span className="muted small" data-testid="delete-not-allowed" title={RIGHT_HOLDERS.deleteOthersTasks}>{RIGHT_HOLDERS.deleteOthersTasks}.</span>
        )}
      </div>

      <Activity task={task} users={users} me={may.userId ? users.get(may.userId) : undefined} />
      {reason && <ReasonDialog request={reason} />}
    </div>
  );
}

function Field({ error, children }: { error?: string; children: React.ReactNode }) {
  return (
    <div className={`field-wrap ${error ? 'has-error' : ''}`}>
      {children}
      {error && <p className="field-error" role="alert">{error}</p>}
    </div>
  );
}

function Checklist({ task, error, onChange }: { task: Task; error?: string; onChange: (items: ChecklistItem[] | (ChecklistItem | string)[]) => void }) {
  const [adding, setAdding] = useState('');
  const done = task.checklist.filter((i) => i.done).length;
  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!adding.trim()) return;
    onChange([...task.checklist, adding.trim()]);
    setAdding('');
  };
  return (
    <section className="detail-section" aria-label="Checklist">
      <h3>Checklist {task.checklist.length > 0 && <span className="count">{done}/{task.checklist.length}</span>}</h3>
      {task.checklist.length > 0 && <progress max={task.checklist.length} value={done} />}
      <ul className="checklist">
        {task.checklist.map((item) => (
          <li key={item.id} className={item.done ? 'checked' : ''}>
            <label>
              <input type="checkbox" checked={item.done} onChange={() => onChange(task.checklist.map((i) => (i.id === item.id ? { ...i, done: !i.done } : i)))} />
              <span>{item.text}</span>
            </label>
            {item.photoRequired && <CameraButton task={task} checklistItemId={item.id} label={`Photo for "${item.text}"`} short="Photo" className="button secondary photo-proof" />}
            <button type="button" className="icon-button" aria-label={`Remove "${item.text}"`} onClick={() => onChange(task.checklist.filter((i) => i.id !== item.id))}>✕</button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="checklist-add">
        <input aria-label="New checklist item" placeholder="Add an item…" value={adding} onChange={(e) => setAdding(e.target.value)} />
      </form>
      {error && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}

function Provenance({ task, users }: { task: Task; users: Map<string, User> }) {
  const creator = task.createdById ? users.get(task.createdById)?.name : null;
  let text: string;
  switch (task.source.kind) {
    case 'rule':
      text = `Created automatically by rule ${task.source.ruleId ?? '?'}${task.source.eventId ? ` in answer to event ${task.source.eventId}` : ''}`;
      break;
    case 'recurrence':
      text = 'Created as the next occurrence of a recurring task';
      break;
    case 'api':
      text = `Created through the API${creator ? ` with ${creator}'s token` : ''}`;
      break;
    default:
      text = `Created by ${creator ?? 'someone'}`;
  }
  return (
    <p className={`provenance ${task.source.kind === 'rule' ? 'provenance-auto' : ''}`}>
      {text}, {formatInstant(task.createdAt)}.{task.recurrence ? ` Repeats: ${task.recurrence}.` : ''}
    </p>
  );
}
