// The notifications API as the web app uses it: my list, my unread count, marking read, my preferences.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from '../api/client.ts';

export const NOTIFICATION_KINDS = ['assigned', 'mentioned', 'due_soon', 'overdue', 'escalated', 'rule', 'unblocked'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export type PreferenceKind = NotificationKind | 'digest' | 'weekly';
/** Only ever an email: the morning digest, and the weekly summary managers and above get. */
export const EMAIL_ONLY_KINDS: readonly PreferenceKind[] = ['digest', 'weekly'];

export interface Notification {
  id: string;
  kind: NotificationKind;
  message: string;
  taskId: string | null;
  taskKey: string | null;
  actorId: string | null;
  createdAt: string;
  readAt: string | null;
  /** A notice about a deadline that stopped being true, and why. */
  resolvedAt: string | null;
  resolution: 'completed' | 'cancelled' | 'deleted' | 'reassigned' | 'rescheduled' | null;
}

export type Preferences = Record<PreferenceKind, { inApp: boolean; email: boolean }>;

export const KIND_LABELS: Record<PreferenceKind, string> = {
  assigned: 'Assigned to me',
  mentioned: 'Mentioned in a comment',
  due_soon: 'My task is due soon',
  overdue: 'My task is overdue',
  escalated: 'Escalated to me',
  rule: 'Automation notices',
  unblocked: 'A task I wait on is done',
  digest: 'Morning digest (07:00)',
  weekly: 'Weekly summary (Monday 07:00)',
};

/** Every notification query starts with this key: the live stream refreshes them all at once. */
export const notificationKeys = {
  all: ['notifications'] as const,
  count: ['notifications', 'count'] as const,
  list: (unread: boolean) => ['notifications', 'list', unread] as const,
  preferences: ['notifications', 'preferences'] as const,
};

export function useUnreadCount() {
  return useQuery({ queryKey: notificationKeys.count, queryFn: () => api.get<{ unread: number }>('/api/v1/notifications/unread-count') });
}

export function useNotifications(unread: boolean, limit: number) {
  return useQuery({
    queryKey: [...notificationKeys.list(unread), limit],
    queryFn: () => api.get<{ items: Notification[]; nextCursor: string | null }>(`/api/v1/notifications?limit=${limit}${unread ? '&unread=true' : ''}`),
  });
}

export function useMarkRead() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string | 'all') => (id === 'all' ? api.post('/api/v1/notifications/read-all', {}) : api.post(`/api/v1/notifications/${id}/read`, {})),
    onSettled: () => qc.invalidateQueries({ queryKey: notificationKeys.all }),
  });
}

export function usePreferences() {
  return useQuery({ queryKey: notificationKeys.preferences, queryFn: () => api.get<Preferences>('/api/v1/notifications/preferences') });
}

export function useSavePreferences() {
  const qc = useQueryClient();
  type Change = Partial<Record<PreferenceKind, { inApp?: boolean; email?: boolean }>>;
  return useMutation({
    mutationFn: (change: Change) => request<Preferences>('PUT', '/api/v1/notifications/preferences', change).then((r) => r.data),
    // The box shows the choice at once; it goes back if the server refuses it.
    onMutate: (change: Change) => {
      const before = qc.getQueryData<Preferences>(notificationKeys.preferences);
      if (before) {
        const next = structuredClone(before);
        for (const [kind, value] of Object.entries(change) as [PreferenceKind, { inApp?: boolean; email?: boolean }][]) next[kind] = { ...next[kind], ...value };
        qc.setQueryData(notificationKeys.preferences, next);
      }
      return { before };
    },
    onError: (_error, _change, context) => {
      if (context?.before) qc.setQueryData(notificationKeys.preferences, context.before);
    },
    onSuccess: (saved) => qc.setQueryData(notificationKeys.preferences, saved),
  });
}
