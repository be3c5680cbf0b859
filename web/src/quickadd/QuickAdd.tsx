// Quick add, from anywhere (press c): one line of natural language becomes a task —
// or, starting with +lead, +job, +contact or +client, the form for that record with its title filled in.
import { useMemo, useState } from 'react';
import { useLocation } from 'wouter';
import { ApiError, describeError } from '../api/client.ts';
import { PRIORITY_LABEL, type User } from '../api/types.ts';
import { KIND_LABEL, PLURAL, recordName } from '../records/api.ts';
import { RecordForm } from '../records/RecordForm.tsx';
import { formatDue } from '../shell/format.ts';
import { Modal } from '../shell/Modal.tsx';
import { showToast } from '../shell/toasts.tsx';
import { useCreateTask } from '../tasks/mutations.ts';
import { useUsers } from '../tasks/queries.ts';
import { matchUser, parseQuickAdd, parseRecordIntent, type QuickRecord } from './parse.ts';
import { resolveLinks, UnknownRecord } from './resolveLinks.ts';

export function QuickAdd({ onClose, onCreated }: { onClose: () => void; onCreated: (key: string) => void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const users = useUsers();
  const create = useCreateTask();
  const parsed = useMemo(() => parseQuickAdd(text), [text]);
  const intent = useMemo(() => parseRecordIntent(text), [text]);
  const [recordForm, setRecordForm] = useState<{ kind: QuickRecord; title: string } | null>(null);
  const assignee: User | null = parsed.assignee ? matchUser(parsed.assignee, users.data ?? []) : null;

  if (recordForm) return <NewRecordFromQuickAdd {...recordForm} onClose={onClose} />;

  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    setError(null);
    if (intent) return setRecordForm(intent);
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
          {intent ? (
            <span className="chip chip-title">New {KIND_LABEL[intent.kind].toLowerCase()}{intent.title ? `: ${intent.title}` : ''}</span>
          ) : (
            <>
          {parsed.title && <span className="chip chip-title">{parsed.title}</span>}
          {parsed.dueAt && <span className="chip chip-due" title={`from "${parsed.dueText}"`}>{formatDue(parsed.dueAt.toISOString())}</span>}
          {parsed.priority && <span className={`chip priority-${parsed.priority}`}>{PRIORITY_LABEL[parsed.priority]}</span>}
          {parsed.assignee && <span className={`chip ${assignee ? '' : 'chip-error'}`}>@{assignee?.name ?? `${parsed.assignee}?`}</span>}
          {parsed.links.map((l) => <span key={`${l.type}:${l.id}`} className="chip chip-link">{l.type} {l.id}</span>)}
            </>
          )}
        </div>
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="form-actions">
          <span className="muted hint">Dates like "tomorrow 9am", !high, @name, #lead-12; +lead or +job for a record</span>
          <button type="submit" className="button button-primary" disabled={intent ? false : !parsed.title || create.isPending}>
            {intent ? `New ${KIND_LABEL[intent.kind].toLowerCase()}…` : 'Add task'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** The record's own form, started from quick add with the title (or name) typed there; saved, the record opens. */
function NewRecordFromQuickAdd({ kind, title, onClose }: { kind: QuickRecord; title: string; onClose: () => void }) {
  const [, navigate] = useLocation();
  const preset = title ? (kind === 'contact' || kind === 'client' ? { name: title } : { title }) : undefined;
  return (
    <Modal title={`New ${KIND_LABEL[kind].toLowerCase()}`} onClose={onClose} className="record-modal">
      <RecordForm
        kind={kind}
        preset={preset}
        onCancel={onClose}
        onDone={(saved) => {
          onClose();
          showToast(`${KIND_LABEL[kind]} “${recordName(kind, saved)}” added`);
          navigate(`/${PLURAL[kind]}/${saved.id}`);
        }}
      />
    </Modal>
  );
}
