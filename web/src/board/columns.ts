// The board's data: exact counts per status from the server, and each column as
// its own keyset-paged list, grouped by the status each task has now (so a card
// moved a moment ago shows in its new column before the server answers).
import { type InfiniteData, keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { countsView } from '../../../src/tasks/task.ts';
import { api, query } from '../api/client.ts';
import type { Page, Status, Task } from '../api/types.ts';
import type { TaskFilter } from '../tasks/queries.ts';

export type TaskCounts = z.infer<typeof countsView>;

export const BOARD_COLUMNS: Status[] = ['open', 'in_progress', 'waiting', 'blocked', 'done'];
export const COLUMN_PAGE = 50;

/** Open work by priority then due date; done work most recently finished first. */
export const columnSort = (status: Status) => (status === 'done' ? '-updated' : 'priority');

export const boardKeys = {
  counts: (filter: TaskFilter) => ['task-counts', filter] as const,
  // Under 'tasks', so every change made in the app and every live update reaches the columns too.
  column: (status: Status, scope: TaskFilter) => ['tasks', 'board', status, scope] as const,
};

export function useTaskCounts(filter: TaskFilter) {
  return useQuery({
    queryKey: boardKeys.counts(filter),
    queryFn: () => api.get<TaskCounts>(`/api/v1/tasks/counts${query({ groupBy: 'status', ...filter })}`),
    placeholderData: keepPreviousData,
  });
}

export function useBoardColumn(status: Status, scope: TaskFilter) {
  return useInfiniteQuery({
    queryKey: boardKeys.column(status, scope),
    queryFn: ({ pageParam }) =>
      api.get<Page<Task>>(`/api/v1/tasks${query({ ...scope, status, sort: columnSort(status), limit: String(COLUMN_PAGE), cursor: pageParam })}`),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    placeholderData: keepPreviousData,
  });
}

export interface LoadedColumn {
  status: Status;
  data: InfiniteData<Page<Task>> | undefined;
}

/**
 * The cards of each column, and how each column's count differs from the
 * server's while a move is on its way: a task whose status no longer matches
 * the column it was loaded into goes first in its new column.
 */
export function groupColumns(loaded: LoadedColumn[]): { cards: Map<Status, Task[]>; delta: Map<Status, number> } {
  const moved = new Map<Status, Task[]>(BOARD_COLUMNS.map((s) => [s, []]));
  const stayed = new Map<Status, Task[]>(BOARD_COLUMNS.map((s) => [s, []]));
  const delta = new Map<Status, number>(BOARD_COLUMNS.map((s) => [s, 0]));
  const seen = new Set<string>();
  for (const { status, data } of loaded) {
    for (const task of data?.pages.flatMap((p) => p.items) ?? []) {
      if (seen.has(task.id)) continue;
      seen.add(task.id);
      if (task.status === status) {
        stayed.get(status)!.push(task);
        continue;
      }
      delta.set(status, delta.get(status)! - 1);
      if (delta.has(task.status)) delta.set(task.status, delta.get(task.status)! + 1);
      moved.get(task.status)?.push(task);
    }
  }
  const cards = new Map(BOARD_COLUMNS.map((s) => [s, [...moved.get(s)!, ...stayed.get(s)!]]));
  return { cards, delta };
}
