// Attachments on tasks: what the API answers, and what an image may be served as.
import { z } from 'zod';
import type { AttachmentRow } from './attachmentStore.ts';
import { iso } from '../platform/pagination.ts';

export const attachmentView = z.object({
  id: z.string(),
  taskId: z.string(),
  name: z.string(),
  contentType: z.string().describe('found from the bytes, not from what the client said'),
  size: z.number().int(),
  sha256: z.string(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
  checklistItemId: z.string().optional().describe('the checklist item this photo is proof for'),
  commentId: z.string().optional(),
  createdById: z.string(),
  createdAt: z.string(),
  url: z.string(),
  displayUrl: z.string().optional().describe('images: at most 2048 px on the longer side'),
  thumbnailUrl: z.string().optional().describe('images: at most 320 px on the longer side'),
});
export type AttachmentView = z.infer<typeof attachmentView>;

/** Types shown in the page (inline); anything else is always a download. */
export const INLINE_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']);

export const attachmentQuery = z.strictObject({
  size: z.enum(['full', 'display']).default('full').describe('display: the copy at most 2048 px on its longer side (images)'),
});

export function presentAttachment(row: AttachmentRow): AttachmentView {
  const url = `/api/v1/attachments/${row.id}`;
  const view: AttachmentView = {
    id: row.id,
    taskId: row.task_id,
    name: row.name,
    contentType: row.content_type,
    size: row.size,
    sha256: row.sha256,
    createdById: row.created_by_id,
    createdAt: iso(row.created_at),
    url,
  };
  if (row.width !== null && row.height !== null) Object.assign(view, { width: row.width, height: row.height });
  if (row.checklist_item_id) view.checklistItemId = row.checklist_item_id;
  if (row.comment_id) view.commentId = row.comment_id;
  if (row.display_sha256) view.displayUrl = `${url}?size=display`;
  if (row.thumb_sha256) view.thumbnailUrl = `${url}/thumbnail`;
  return view;
}

/** A file name safe to store and to put back in a header: no path, no control characters, at most 200 characters. */
export function cleanFileName(raw: string | undefined): string {
  const base = (raw ?? '').split(/[\\/]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  const clean = base.replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return clean === '' || clean === '.' || clean === '..' ? 'file' : clean;
}

/** Content-Disposition for a file name, with an ASCII fallback and the UTF-8 name (RFC 6266). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
