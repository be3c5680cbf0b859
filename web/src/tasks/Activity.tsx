// A task's timeline in the drawer: its changes and comments in one list, and a
// comment box. A comment written without signal waits on this phone (shown as
// waiting) and is posted, in order, when the signal is back.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useMemo, useState } from 'react';
import { ApiError, describeError, NetworkError } from '../api/client.ts';
import { STATUS_LABEL, type Task, type User } from '../api/types.ts';
import type { Attachment } from '../attachments/api.ts';
import { CommentAttach, CommentFiles } from '../attachments/CommentFiles.tsx';
import { newCommentId, postComment, queueComment, useQueuedComments } from '../offline/comments.ts';
import { isOffline } from '../offline/queue.ts';
import { formatInstant, timeAgo } from '../shell/format.ts';
import { showToast } from '../shell/toasts.tsx';
import { Avatar } from './bits.tsx';
import { keys, useComments, useHistory, useTeams } from './queries.ts';

const FIELD_NAMES: Record<string, string> = { status: 'status', assigneeId: 'assignee', teamId: 'team', dueAt: 'due date', priority: 'priority' };

export function Activity({ task, users, me }: { task: Task; users: Map<string, User>; me: User | undefined }) {
  const history = useHistory(task.id);
  const waiting = useQueuedComments().filter((c) => c.taskId === task.id);
  const comments = useComments(task.id);
  const qc = useQueryClient();
  const [body, setBody] = useState('');
  const [attached, setAttached] = useState<Attachment[]>([]);
  const [error, setError] = useState<string | null>(null);
  const teams = useTeams();
  const show = (field: string, value: string | null) => {
    if (value === null) return 'nothing';
    if (field === 'assigneeId') return users.get(value)?.name ?? value;
    if (field === 'teamId') return teams.data?.find((t) => t.id === value)?.name ?? value;
    if (field === 'dueAt') return formatInstant(value);
    if (field === 'status') return STATUS_LABEL[value as Task['status']] ?? value;
    return value;
  };
  const entries = useMemo(() => {
    const describe = (field: string, from: string | null, to: string | null) => {
      const name = FIELD_NAMES[field] ?? field;
      if (field === 'status' && from === null) return 'created this task';
      if (from === null) return `set the ${name} to ${show(field, to)}`;
      if (to === null) return `cleared the ${name} (was ${show(field, from)})`;
      return `changed ${name} from ${show(field, from)} to ${show(field, to)}`;
    };
    const changes = (history.data?.items ?? []).map((h) => ({ at: h.at, id: h.id, who: h.actorId, kind: 'change' as const, text: describe(h.field, h.from, h.to) }));
    const said = (comments.data?.items ?? []).map((c) => ({ at: c.createdAt, id: c.id, who: c.authorId as string | null, kind: 'comment' as const, text: c.body }));
    return [...changes, ...said].sort((a, b) => a.at.localeCompare(b.at));
  }, [history.data, comments.data, users, teams.data]);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (isOffline()) {
      if (!body.trim()) return setError('Write something first');
      queueComment(task, body, undefined, attached.map((a) => a.id));
      setBody('');
      setAttached([]);
      return;
    }
    const id = newCommentId();
    const attachmentIds = attached.map((a) => a.id);
    try {
      await postComment(task.id, body, id, attachmentIds);
      setBody('');
      setAttached([]);
      void qc.invalidateQueries({ queryKey: keys.comments(task.id) });
      void qc.invalidateQueries({ queryKey: ['attachments'] });
    } catch (failure) {
      if (failure instanceof NetworkError) {
        // The signal dropped on the way: it waits, and the same key keeps it from arriving twice.
        queueComment(task, body, id, attachmentIds);
        setBody('');
        setAttached([]);
      } else if (failure instanceof ApiError && failure.fieldError('body')) setError(failure.fieldError('body')!);
      else showToast(`Comment not sent: ${describeError(failure)}`, { tone: 'error' });
    }
  };
  return (
    <section className="detail-section" aria-label="Activity">
      <h3>Activity</h3>
      <ol className="timeline">
        {entries.map((entry) => {
          const who = entry.who ? users.get(entry.who) : null;
          return (
            <li key={entry.id} className={`timeline-${entry.kind}`}>
              <Avatar user={who ?? { name: entry.who ? '?' : 'Automation' }} size={18} />
              <div>
                <span className="who">{who?.name ?? (entry.who ? 'Someone' : 'Automation')}</span>{' '}
                {entry.kind === 'comment' ? <p className="comment-body">{entry.text}</p> : <span className="muted">{entry.text}</span>}{' '}
                <time className="muted" dateTime={entry.at} title={formatInstant(entry.at)}>{timeAgo(entry.at)}</time>
                {entry.kind === 'comment' && <CommentFiles taskId={task.id} commentId={entry.id} />}
              </div>
            </li>
          );
        })}
        {waiting.map((comment) => (
          <li key={comment.id} className="timeline-comment timeline-waiting">
            <Avatar user={me} size={18} />
            <div>
              <span className="who">{me?.name ?? 'You'}</span> <p className="comment-body">{comment.body}</p>{' '}
              <span className="waiting-mark">Waiting for signal to send</span>
            </div>
          </li>
        ))}
      </ol>
      <form className="comment-form" onSubmit={send} noValidate>
        <textarea aria-label="Comment" placeholder="Write a comment…" value={body} onChange={(e) => setBody(e.target.value)} onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) void send(e as unknown as FormEvent);
        }} />
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="comment-actions">
          <CommentAttach taskId={task.id} attached={attached} onChange={setAttached} />
          <button type="submit" className="button">Comment</button>
        </div>
      </form>
    </section>
  );
}
