// Files on tasks, from the app: upload (multipart, with the CSRF header), and the lists of a task and of a record.
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import type { attachmentView } from '../../../src/tasks/attachment.ts';
import { api, ApiError, csrfToken, NetworkError } from '../api/client.ts';
import type { Page, Problem } from '../api/types.ts';
import { PLURAL, type RecordKind } from '../records/api.ts';

export type Attachment = z.infer<typeof attachmentView>;

export const attachmentKeys = {
  task: (taskId: string) => ['attachments', 'task', taskId] as const,
  record: (kind: RecordKind, id: string) => ['attachments', kind, id] as const,
};

export async function uploadFile(taskId: string, file: Blob, name: string, checklistItemId?: string): Promise<Attachment> {
  const form = new FormData();
  if (checklistItemId) form.append('checklistItemId', checklistItemId);
  form.append('file', file, name);
  let response: Response;
  try {
    response = await fetch(`/api/v1/tasks/${encodeURIComponent(taskId)}/attachments`, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', 'x-csrf-token': csrfToken() }, body: form });
  } catch (error) {
    throw new NetworkError((error as Error).message);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError((body as Problem | null) ?? { type: 'about:blank', title: response.statusText, status: response.status, detail: response.statusText });
  return body as Attachment;
}

export function useTaskAttachments(taskId: string) {
  return useQuery({ queryKey: attachmentKeys.task(taskId), queryFn: () => api.get<{ items: Attachment[] }>(`/api/v1/tasks/${encodeURIComponent(taskId)}/attachments`).then((r) => r.items) });
}

/** The newest 200 files of the tasks linked to a record. */
export function useRecordAttachments(kind: RecordKind, id: string) {
  return useQuery({
    queryKey: attachmentKeys.record(kind, id),
    queryFn: () => api.get<Page<Attachment>>(`/api/v1/${PLURAL[kind]}/${encodeURIComponent(id)}/attachments?limit=200`).then((r) => r.items),
  });
}

export function isImage(attachment: Attachment): boolean {
  return attachment.thumbnailUrl !== undefined;
}
