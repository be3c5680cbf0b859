// Reading tasks, people and the organisation, cached by TanStack Query.
import { type InfiniteData, keepPreviousData, type QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api, query, request } from '../api/client.ts';
import type { Org, Page, Rights, Task, TaskComment, TaskHistoryEntry, Team, User } from '../api/types.ts';

export type TaskFilter = Record<string, string | undefined>;

export const keys = {
  me: ['me'] as const,
  users: ['users'] as const,
  teams: ['teams'] as const,
  org: ['org'] as const,
  taskLists: ['tasks'] as const,
  taskList: (filter: TaskFilter) => ['tasks', filter] as const,
  task: (idOrKey: string) => ['task', idOrKey] as const,
  history: (id: string) => ['task-history', id] as const,
  comments: (id: string) => ['task-comments', id] as const,
};

export function useMe() {
  return useQuery({ queryKey: keys.me, queryFn: () => api.get<{ user: User; org: Org; rights: Rights }>('/api/v1/me'), retry: false, staleTime: 60_000 });
}

/** Tasks deleted a moment ago whose delete is still waiting for Undo: never shown. */
const hiddenTaskIds = new Set<string>();
const hiddenListeners = new Set<() => void>();

// A new function each time the hidden set changes: TanStack Query re-runs `select`
// only when the data or the function changes, and an Undo may not change the data.
function makeWithoutHidden(): (page: Page<Task>) => Page<Task> {
  const hidden = new Set(hiddenTaskIds);
  return (page) => (hidden.size === 0 ? page : { ...page, items: page.items.filter((t) => !hidden.has(t.id)) });
}
let withoutHidden = makeWithoutHidden();

export function setTasksHidden(ids: string[], hidden: boolean): void {
  for (const id of ids) {
    if (hidden) hiddenTaskIds.add(id);
    else hiddenTaskIds.delete(id);
  }
  withoutHidden = makeWithoutHidden();
  hiddenListeners.forEach((l) => l());
}

export function useTaskList(filter: TaskFilter, options: { enabled?: boolean } = {}) {
  const select = useSyncExternalStore(
    (listener) => {
      hiddenListeners.add(listener);
      return () => hiddenListeners.delete(listener);
    },
    () => withoutHidden,
  );
  return useQuery({
    queryKey: keys.taskList(filter),
    queryFn: () => api.get<Page<Task>>(`/api/v1/tasks${query({ limit: '200', ...filter })}`),
    placeholderData: keepPreviousData,
    select,
    enabled: options.enabled ?? true,
  });
}

/** A task as some list read earlier holds it (by id or key), if any does. */
function taskInLists(qc: QueryClient, idOrKey: string): Task | undefined {
  for (const [, list] of qc.getQueriesData<Page<Task> | InfiniteData<Page<Task>>>({ queryKey: keys.taskLists })) {
    const pages = !list ? [] : 'pages' in list ? list.pages : [list];
    const found = pages.flatMap((page) => page.items).find((t) => t.id === idOrKey || t.key === idOrKey);
    if (found) return found;
  }
  return undefined;
}

export function useTask(idOrKey: string | null) {
  const qc = useQueryClient();
  return useQuery({
    queryKey: keys.task(idOrKey ?? ''),
    queryFn: async () => (await request<Task>('GET', `/api/v1/tasks/${encodeURIComponent(idOrKey!)}`)).data,
    enabled: idOrKey !== null,
    // A task never opened before shows at once from the list it is in (without signal too), and is read afresh when it can be.
    initialData: () => (idOrKey ? taskInLists(qc, idOrKey) : undefined),
    initialDataUpdatedAt: 0,
  });
}

export function useHistory(id: string | undefined) {
  return useQuery({
    queryKey: keys.history(id ?? ''),
    queryFn: () => api.get<Page<TaskHistoryEntry>>(`/api/v1/tasks/${id}/history`),
    enabled: id !== undefined,
  });
}

export function useComments(id: string | undefined) {
  return useQuery({
    queryKey: keys.comments(id ?? ''),
    queryFn: () => api.get<Page<TaskComment>>(`/api/v1/tasks/${id}/comments?limit=200`),
    enabled: id !== undefined,
  });
}

export function useUsers() {
  return useQuery({ queryKey: keys.users, queryFn: () => api.get<Page<User>>('/api/v1/users?limit=200').then((p) => p.items), staleTime: 60_000 });
}

export function useTeams() {
  return useQuery({ queryKey: keys.teams, queryFn: () => api.get<Page<Team>>('/api/v1/teams?limit=200').then((p) => p.items), staleTime: 60_000 });
}

export function useOrg() {
  return useQuery({ queryKey: keys.org, queryFn: () => api.get<Org>('/api/v1/org') });
}
