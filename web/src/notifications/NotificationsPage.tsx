// My notifications: newest first, all or unread only, each with its task and a way to mark it read.
import { useState } from 'react';
import { Link } from 'wouter';
import { describeError } from '../api/client.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { type Notification, useMarkRead, useNotifications } from './api.ts';
import './notifications.css';

const PAGE = 50;

export function NotificationsPage() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [limit, setLimit] = useState(PAGE);
  const list = useNotifications(unreadOnly, limit);
  const mark = useMarkRead();
  const items = list.data?.items ?? [];
  return (
    <div className="page notifications-page">
      <PageHeader title="Notifications">
        <label className="muted">
          <input type="checkbox" checked={unreadOnly} onChange={(e) => setUnreadOnly(e.target.checked)} /> Unread only
        </label>
        <button type="button" className="button" disabled={mark.isPending || items.every((n) => n.readAt)} onClick={() => mark.mutate('all')}>
          Mark all read
        </button>
      </PageHeader>
      {mark.isError && <p className="field-error" role="alert">Could not mark read: {describeError(mark.error)}</p>}
      {list.isError && <p className="field-error" role="alert">Could not load notifications: {describeError(list.error)}</p>}
      {list.isPending && <p className="muted pad">Loading…</p>}
      {list.isSuccess && items.length === 0 && <p className="muted pad">{unreadOnly ? 'Nothing unread.' : 'No notifications yet.'}</p>}
      <ul className="notification-list" aria-label="Notifications">
        {items.map((n) => <Item key={n.id} notification={n} onRead={() => mark.mutate(n.id)} busy={mark.isPending} />)}
      </ul>
      {list.data?.nextCursor && (
        <button type="button" className="button pad" onClick={() => setLimit((l) => Math.min(200, l + PAGE))} disabled={limit >= 200}>
          Show more
        </button>
      )}
    </div>
  );
}

/** Why a notice about a deadline no longer holds. */
const RESOLVED: Record<NonNullable<Notification['resolution']>, string> = {
  completed: 'the task was completed',
  cancelled: 'the task was cancelled',
  deleted: 'the task was deleted',
  reassigned: 'the task went to someone else',
  rescheduled: 'the due date moved',
};

function Item({ notification: n, onRead, busy }: { notification: Notification; onRead: () => void; busy: boolean }) {
  return (
    <li className={`notification ${n.readAt ? 'read' : 'unread'}`} aria-label={`${n.readAt ? '' : 'Unread: '}${n.message}`}>
      <div className="notification-text">
        <span>{n.message}</span>
        {n.resolution && <span className="muted notification-resolved">Resolved: {RESOLVED[n.resolution]}</span>}
        <time className="muted" dateTime={n.createdAt}>{new Date(n.createdAt).toLocaleString()}</time>
      </div>
      <div className="notification-actions">
        {n.taskKey && (
          <Link href={`/tasks?task=${encodeURIComponent(n.taskKey)}`} className="link-button" onClick={() => !n.readAt && onRead()}>
            Open {n.taskKey}
          </Link>
        )}
        {!n.readAt && (
          <button type="button" className="link-button" disabled={busy} onClick={onRead} aria-label={`Mark read: ${n.message}`}>
            Mark read
          </button>
        )}
      </div>
    </li>
  );
}
