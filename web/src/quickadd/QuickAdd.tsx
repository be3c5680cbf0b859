// Quick add, from anywhere (press c): one line of natural language becomes a task.
import { useMemo, useState } from 'react';
import { ApiError, describeError } from '../api/client.ts';
import { PRIORITY_LABEL, type User } from '../api/types.ts';
import { formatDue } from '../shell/format.ts';
import { Modal } from '../shell/Modal.tsx';
import { showToast } from '../shell/toasts.tsx';
import { useCreateTask } from '../tasks/mutations.ts';
import { useUsers } from '../tasks/queries.ts';
import { matchUser, parseQuickAdd } from './parse.ts';
import { resolveLinks, UnknownRecord } from './resolveLinks.ts';

export function QuickAdd({ onClose, onCreated }: { onClose: () => void; onCreated: (key: string) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const users = useUsers();
  const create = useCreateTask();
  const parsed = useMemo(() => parseQuickAdd(text), [text]);
  const assignee: User | null = parsed.assignee ? matchUser(parsed.assignee, users.data ?? []) : null;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    if (parsed.assignee && !assignee) {
      setError(`Nobody called "${parsed.assignee}" here`);
      return;
    }
    try {
      const links = await resolveLinks(parsed.links);
      const task = await create.mutateAsync({
        title: parsed.title,
        dueAt: parsed.dueAt?.toISOString() ?? null,
        priority: parsed.priority ?? 'normal',
        // Given to nobody by name, the task is the creator's own (the API's default).
        ...(assignee && { assigneeId: assignee.id }),
        links,
      });
      showToast(`Added ${task.key} · ${task.title}`, { action: { label: 'Open', run: () => onCreated(task.key) } });
      onClose();
    } catch (failure) {
      if (failure instanceof UnknownRecord) return setError(failure.message);
      setError(failure instanceof ApiError && failure.problem.errors?.length ? failure.problem.errors.map((e) => `${e.path}: ${e.message}`).join('; ') : describeError(failure));
    }
  };

  return (
    <Modal title="New task" onClose={onClose} className="quick-add">
      <form onSubmit={submit} noValidate>
        <input
          autoFocus
          className="quick-add-input"
          aria-label="What needs doing?"
          placeholder="Call Dana tomorrow 9am !high @tom #lead-12"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <div className="quick-add-preview" aria-live="polite">
          {parsed.title && <span className="chip chip-title">{parsed.title}</span>}
          {parsed.dueAt && <span className="chip chip-due" title={`from "${parsed.dueText}"`}>{formatDue(parsed.dueAt.toISOString())}</span>}
          {parsed.priority && <span className={`chip priority-${parsed.priority}`}>{PRIORITY_LABEL[parsed.priority]}</span>}
          {parsed.assignee && <span className={`chip ${assignee ? '' : 'chip-error'}`}>@{assignee?.name ?? `${parsed.assignee}?`}</span>}
          {parsed.links.map((l) => <span key={`${l.type}:${l.id}`} className="chip chip-link">{l.type} {l.id}</span>)}
        </div>
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="form-actions">
          <span className="muted hint">Dates like "tomorrow 9am", !high, @name, #lead-12</span>
          <button type="submit" className="button button-primary" disabled={!parsed.title || create.isPending}>Add task</button>
        </div>
      </form>
    </Modal>
  );
}
