// CRM records as the app reads them: their shapes (from the server's schemas), names, and cached queries.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ClientView, ContactView, JobView, LeadView, PipelineView, ServiceView } from '../../../src/records/records.ts';
import { api, query } from '../api/client.ts';
import type { Page, Task } from '../api/types.ts';

export type Contact = ContactView;
export type Client = ClientView;
export type Lead = LeadView;
export type Job = JobView;
export type Service = ServiceView;
export type Pipeline = PipelineView;

export const RECORD_KINDS = ['lead', 'client', 'job', 'service', 'contact'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];
export interface RecordOf { lead: Lead; client: Client; job: Job; service: Service; contact: Contact }

export const PLURAL: Record<RecordKind, string> = { lead: 'leads', client: 'clients', job: 'jobs', service: 'services', contact: 'contacts' };
export const KIND_LABEL: Record<RecordKind, string> = { lead: 'Lead', client: 'Client', job: 'Job', service: 'Service', contact: 'Contact' };

export interface RecordTasks {
  open: Task[];
  counts: { open: number; done: number; overdue: number };
}
export type RecordDetail<K extends RecordKind> = RecordOf[K] & { tasks: RecordTasks };

export function recordName(kind: RecordKind, record: { name?: string; title?: string }): string {
  return (kind === 'contact' || kind === 'client' ? record.name : record.title) ?? '';
}

export const recordKeys = {
  list: (kind: RecordKind, filter: Record<string, string | undefined>) => ['records', kind, filter] as const,
  one: (kind: RecordKind, id: string) => ['record', kind, id] as const,
  pipelines: ['pipelines'] as const,
};

export function useRecordList<K extends RecordKind>(kind: K, filter: Record<string, string | undefined>) {
  return useQuery({
    queryKey: recordKeys.list(kind, filter),
    queryFn: () => api.get<Page<RecordOf[K]>>(`/api/v1/${PLURAL[kind]}${query({ limit: '200', ...filter })}`),
    placeholderData: keepPreviousData,
  });
}

export function useRecord<K extends RecordKind>(kind: K, id: string | null | undefined) {
  return useQuery({
    queryKey: recordKeys.one(kind, id ?? ''),
    queryFn: () => api.get<RecordDetail<K>>(`/api/v1/${PLURAL[kind]}/${encodeURIComponent(id!)}`),
    enabled: Boolean(id),
  });
}

export function usePipelines() {
  return useQuery({ queryKey: recordKeys.pipelines, queryFn: () => api.get<Page<Pipeline>>('/api/v1/pipelines?limit=200').then((p) => p.items), staleTime: 60_000 });
}

/** A maps search for an address, which a phone opens in its maps app. */
export function mapsUrl(address: string): string {
  return `https://www.google.com/maps/search/?api=1&query=${encodeURIComponent(address)}`;
}

/** A tel: link that dials the number as written, without spaces or punctuation the dialler trips on. */
export function telUrl(phone: string): string {
  return `tel:${phone.replace(/[^\d+]/g, '')}`;
}

const money = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
export function formatValue(value: number | null): string | null {
  return value === null ? null : money.format(value);
}

export const JOB_STATUS_LABEL: Record<Job['status'], string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  completed: 'Completed',
  incomplete: 'Incomplete',
  cancelled: 'Cancelled',
  missed: 'Missed',
};

export const SERVICE_KIND_LABEL: Record<string, string> = { maintenance_plan: 'Maintenance plan', warranty: 'Warranty', inspection: 'Inspection', other: 'Other' };
