// What a sync conflict shows: each field the person changed offline, their value
// beside the one the server has now, in words.
import { PRIORITY_LABEL, STATUS_LABEL, type Task, type TaskChanges } from '../api/types.ts';

export interface ConflictRow {
  field: string;
  label: string;
  yours: string;
  server: string;
}

const LABELS: Record<string, string> = {
  status: 'Status',
  priority: 'Priority',
  title: 'Title',
  description: 'Description',
  dueAt: 'Due',
  assigneeId: 'Owner',
  teamId: 'Team',
  checklist: 'Checklist',
  waitingOn: 'Waiting on',
  blockedReason: 'Blocked because',
};

type ChecklistValue = string | { text: string; done?: boolean };

function checklistText(items: ChecklistValue[]): string {
  return items.map((item) => (typeof item === 'string' ? `☐ ${item}` : `${item.done ? '☑' : '☐'} ${item.text}`)).join(', ') || 'empty';
}

function inWords(field: string, value: unknown, names: (id: string) => string | undefined): string {
  if (value === null || value === undefined || value === '') return 'none';
  if (field === 'status') return STATUS_LABEL[value as Task['status']] ?? String(value);
  if (field === 'priority') return PRIORITY_LABEL[value as Task['priority']] ?? String(value);
  if (field === 'checklist') return checklistText(value as ChecklistValue[]);
  if (field === 'dueAt') return new Date(String(value)).toLocaleString();
  if (field === 'assigneeId' || field === 'teamId') return names(String(value)) ?? String(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** One row per field the waiting change sets: yours, and the server's now (the fields nobody asked about are left out). */
export function conflictRows(changes: TaskChanges, server: Task, names: (id: string) => string | undefined = () => undefined): ConflictRow[] {
  return Object.entries(changes).map(([field, value]) => ({
    field,
    label: LABELS[field] ?? field,
    yours: inWords(field, value, names),
    server: inWords(field, (server as Record<string, unknown>)[field], names),
  }));
}
