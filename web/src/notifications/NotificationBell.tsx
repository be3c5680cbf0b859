// The bell: how many of my notifications are unread, kept live by the change stream; opens the notifications page.
import { Link } from 'wouter';
import { useUnreadCount } from './api.ts';
import './notifications.css';

export function NotificationBell() {
  const count = useUnreadCount().data?.unread ?? 0;
  const label = count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;
  return (
    <Link href="/notifications" className="bell" aria-label={label} title={label}>
      <svg aria-hidden="true" width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {count > 0 && <span className="bell-count" data-testid="unread-count">{count > 99 ? '99+' : count}</span>}
    </Link>
  );
}
