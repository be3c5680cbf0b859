// The reports' API calls: one address per report, the filter as its query, a CSV link beside each.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type {
  agingView,
  automationView,
  bottlenecksView,
  completionView,
  overdueView,
  summaryView,
  throughputView,
  workloadView,
} from '../../../src/reports/views.ts';
import { api, query } from '../api/client.ts';
import { type ReportFilter, windowOf } from './format.ts';

export type Summary = z.infer<typeof summaryView>;
export type Overdue = z.infer<typeof overdueView>;
export type Completion = z.infer<typeof completionView>;
export type Workload = z.infer<typeof workloadView>;
export type Aging = z.infer<typeof agingView>;
export type Bottlenecks = z.infer<typeof bottlenecksView>;
export type Automation = z.infer<typeof automationView>;
export type Throughput = z.infer<typeof throughputView>;

// Written out one by one so each path the page calls can be checked against the API's document.
const PATHS = {
  summary: '/api/v1/reports/summary',
  overdue: '/api/v1/reports/overdue',
  completion: '/api/v1/reports/completion',
  workload: '/api/v1/reports/workload',
  aging: '/api/v1/reports/aging',
  bottlenecks: '/api/v1/reports/bottlenecks',
  automation: '/api/v1/reports/automation',
  throughput: '/api/v1/reports/throughput',
} as const;
export type ReportName = keyof typeof PATHS;

/** Reports that look at a window of time; the others are a snapshot of now. */
const WINDOWED: Record<ReportName, boolean> = { summary: true, overdue: false, completion: true, workload: false, aging: false, bottlenecks: true, automation: true, throughput: true };
// The throughput report picks its bucket from the window: days for a week or a month, weeks for a quarter, months for a year.
const EXTRA: Partial<Record<ReportName, Record<string, string>>> = { overdue: { limit: '8' } };

function reportParams(name: ReportName, filter: ReportFilter): Record<string, string | undefined> {
  const window = WINDOWED[name] ? windowOf(filter) : {};
  return { ...window, team: filter.team || undefined, assignee: filter.assignee || undefined, ...EXTRA[name] };
}

export function reportUrl(name: ReportName, filter: ReportFilter, format?: 'csv'): string {
  return `${PATHS[name]}${query({ ...reportParams(name, filter), format })}`;
}

export function useReport<T>(name: ReportName, filter: ReportFilter) {
  const params = reportParams(name, filter);
  return useQuery({
    queryKey: ['report', name, params],
    queryFn: () => api.get<T>(reportUrl(name, filter)),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}
