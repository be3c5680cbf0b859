// Use cases of attachments: keep an uploaded file (its type found from its
// bytes, photos made upright and stripped of their metadata), list, read,
// delete, and the proof a photo-required checklist item needs.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Forbidden, Invalid, NotFound, TooLarge } from '../platform/errors.ts';
import type { BlobStore, ByteRange } from '../platform/files/blobs.ts';
import { type ProcessedImage, processImage } from '../platform/files/images.ts';
import { sniffType } from '../platform/files/sniff.ts';
import type { Spooled } from '../platform/files/spool.ts';
import { blobSizeOf } from '../platform/files/store.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent } from '../platform/outbox.ts';
import { decodeCursor, encodeCursor, pageOf } from '../platform/pagination.ts';
import { roleAtLeast } from '../people/person.ts';
import { findRecordView } from '../records/service.ts';
import { type AttachmentView, cleanFileName, presentAttachment } from './attachment.ts';
import * as store from './attachmentStore.ts';
import * as tasks from './store.ts';
import { type ChecklistItem, parseTaskKey, taskKey } from './task.ts';
import './events.ts';

export interface FileSettings {
  blobs: BlobStore;
  /** The most one file may be, in bytes (FINISHLINE_MAX_UPLOAD_MB). */
  maxUploadBytes: number;
  /** The most an organisation's files may take together, in bytes (FINISHLINE_ORG_STORAGE_MB); null: no limit. */
  orgStorageBytes: number | null;
}

export interface Files extends FileSettings {
  /** Removes, soon and outside any transaction, the stored contents no attachment names any more. */
  sweepSoon(): void;
  /** Removes them now; returns how many went (and stray bytes older than `graceMs`). */
  sweep(graceMs?: number): Promise<number>;
}

export function files(deps: Deps, settings: FileSettings): Files {
  let pending: Promise<number> | null = null;
  const sweep = async (graceMs = 3600_000) => {
    let removed = 0;
    for (;;) {
      const shas = await store.unreferencedBlobs(deps.db, 200);
      if (shas.length === 0) break;
      const gone = await settings.blobs.remove(deps.db, shas);
      removed += gone;
      if (gone === 0) break;
    }
    return removed + (await settings.blobs.sweepStray(deps.db, graceMs));
  };
  return {
    ...settings,
    sweep,
    sweepSoon() {
      pending ??= new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => sweep())
        .catch(() => 0)
        .finally(() => (pending = null));
    },
  };
}

export async function loadTask(db: Db, orgId: string, idOrKey: string): Promise<tasks.TaskRow> {
  const number = parseTaskKey(idOrKey);
  const row = number !== null ? await tasks.findTaskByNumber(db, orgId, number) : await tasks.findTask(db, orgId, idOrKey);
  if (!row) throw new NotFound('Task');
  return row;
}

/** A per-upload working folder for the spooled file and what is made from it; removed by `done`. */
export async function workFolder(blobs: BlobStore): Promise<{ dir: string; done(): Promise<void> }> {
  await mkdir(blobs.tempDir, { recursive: true });
  const dir = await mkdtemp(join(blobs.tempDir, 'u-'));
  return { dir, done: () => rm(dir, { recursive: true, force: true }) };
}

export interface Upload {
  file: Spooled;
  fileName: string | undefined;
  checklistItemId?: string;
  workDir: string;
}

export async function addAttachment(deps: Deps, settings: FileSettings, actor: Actor, idOrKey: string, upload: Upload): Promise<AttachmentView> {
  const task = await loadTask(deps.db, actor.orgId, idOrKey);
  const { file } = upload;
  const limitMb = Math.round(settings.maxUploadBytes / 1024 / 1024);
  if (file.overLimit) throw new TooLarge(`The file is larger than ${limitMb} MB, the most one file may be`, [{ path: 'file', message: `must be at most ${limitMb} MB` }]);
  if (file.size === 0) throw Invalid.field('file', 'is empty');
  checkChecklistItem(task, upload.checklistItemId);
  const image = await processImage(file.path, upload.workDir);
  const contentType = image?.contentType ?? (await sniffType(file.path));
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    if (settings.orgStorageBytes !== null) {
      const used = await store.storageUsed(trx, actor.orgId);
      if (used + file.size > settings.orgStorageBytes) {
        const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
        throw new TooLarge(`The organisation's storage is full: ${mb(used)} of ${mb(settings.orgStorageBytes)} MB used, and this file needs ${mb(file.size)} MB`, [{ path: 'file', message: 'does not fit in the storage left' }]);
      }
    }
    const kept = image ? await keepImage(trx, settings.blobs, image, now) : { sha256: file.sha256, size: file.size, display: null, thumb: null };
    if (!image) await settings.blobs.keep(trx, file, now);
    const row: store.AttachmentRow = {
      id: newId(),
      org_id: actor.orgId,
      task_id: task.id,
      comment_id: null,
      checklist_item_id: upload.checklistItemId ?? null,
      name: cleanFileName(upload.fileName),
      content_type: contentType,
      size: kept.size,
      sha256: kept.sha256,
      width: image?.width ?? null,
      height: image?.height ?? null,
      display_sha256: kept.display,
      thumb_sha256: kept.thumb,
      created_by_id: actor.userId,
      created_at: now,
    };
    await store.insertAttachment(trx, row);
    await appendEvent(trx, {
      orgId: actor.orgId,
      type: 'attachment.added',
      subject: { type: 'task', id: task.id },
      data: { key: taskKey(task.number), attachmentId: row.id, name: row.name, contentType, size: row.size, checklistItemId: row.checklist_item_id },
      actorId: actor.userId,
      occurredAt: now,
    });
    return presentAttachment(row);
  });
}

function checkChecklistItem(task: tasks.TaskRow, itemId: string | undefined): void {
  if (itemId === undefined) return;
  const items = JSON.parse(task.checklist) as ChecklistItem[];
  if (!items.some((item) => item.id === itemId)) throw Invalid.field('checklistItemId', 'is not an item of this task’s checklist');
}

async function keepImage(trx: Db, blobs: BlobStore, image: ProcessedImage, now: number) {
  const { full, display, thumb } = image;
  await blobs.keep(trx, full, now);
  if (display !== full) await blobs.keep(trx, display, now);
  await blobs.keep(trx, thumb, now);
  return { sha256: full.sha256, size: full.size, display: display.sha256, thumb: thumb.sha256 };
}

export async function listAttachments(deps: Deps, actor: Actor, idOrKey: string): Promise<{ items: AttachmentView[] }> {
  const task = await loadTask(deps.db, actor.orgId, idOrKey);
  return { items: (await store.attachmentsOfTask(deps.db, actor.orgId, task.id)).map(presentAttachment) };
}

/** Every file of the tasks linked to a record (a contact, client, lead, job or service), newest first. */
export async function recordAttachments(deps: Deps, actor: Actor, type: 'contact' | 'client' | 'lead' | 'job' | 'service', id: string, page: { limit: number; cursor?: string }) {
  if (!(await findRecordView(deps.db, actor.orgId, type, id))) throw new NotFound(`${type[0]!.toUpperCase()}${type.slice(1)}`);
  const after = page.cursor ? decodeCursor(page.cursor, ['integer', 'text']) : undefined;
  const rows = await store.attachmentsOfRecord(deps.db, actor.orgId, { type, id }, page.limit + 1, after && { createdAt: Number(after[0]), id: String(after[1]) });
  return pageOf(rows.map(presentAttachment), page.limit, (a) => encodeCursor([Date.parse(a.createdAt), a.id]));
}

export interface Readable {
  row: store.AttachmentRow;
  sha256: string;
  size: number;
  contentType: string;
}

/** Which stored bytes answer a download: the file, its display size, or its thumbnail. */
export async function openAttachment(deps: Deps, actor: Actor, id: string, variant: 'full' | 'display' | 'thumbnail'): Promise<Readable> {
  const row = await store.findAttachment(deps.db, actor.orgId, id);
  if (!row) throw new NotFound('Attachment');
  if (variant === 'thumbnail') {
    if (!row.thumb_sha256) throw new NotFound('Thumbnail (the attachment is not an image)');
    return { row, sha256: row.thumb_sha256, size: await blobSizeOf(deps.db, row.thumb_sha256), contentType: row.content_type };
  }
  if (variant === 'display' && row.display_sha256 && row.display_sha256 !== row.sha256) {
    return { row, sha256: row.display_sha256, size: await blobSizeOf(deps.db, row.display_sha256), contentType: row.content_type };
  }
  return { row, sha256: row.sha256, size: row.size, contentType: row.content_type };
}

export function readBytes(blobs: BlobStore, readable: Readable, range?: ByteRange) {
  return blobs.read(readable.sha256, range);
}

export async function deleteAttachment(deps: Deps, settings: Files, actor: Actor, id: string): Promise<void> {
  const now = deps.clock.now();
  const row = await deps.db.transaction().execute(async (trx) => {
    const row = await store.findAttachment(trx, actor.orgId, id);
    if (!row) throw new NotFound('Attachment');
    if (row.created_by_id !== actor.userId && !roleAtLeast(actor.role, 'manager')) throw new Forbidden('Only whoever added the file, or a manager, may delete it');
    const task = await loadTask(trx, actor.orgId, row.task_id);
    await store.deleteAttachment(trx, actor.orgId, id);
    await appendEvent(trx, {
      orgId: actor.orgId,
      type: 'attachment.deleted',
      subject: { type: 'task', id: row.task_id },
      data: { key: taskKey(task.number), attachmentId: row.id, name: row.name, contentType: row.content_type, size: row.size, checklistItemId: row.checklist_item_id },
      actorId: actor.userId,
      occurredAt: now,
    });
    return row;
  });
  // After the commit: the bytes go unless another attachment shares them.
  await settings.blobs.remove(deps.db, [row.sha256, row.display_sha256, row.thumb_sha256].filter((s): s is string => s !== null));
}

/**
 * Refuses to tick a photo-required checklist item that no photo names
 * (409 naming the item). `before` is the checklist as stored.
 */
export async function checkPhotoProof(db: Db, orgId: string, taskId: string, before: ChecklistItem[], after: ChecklistItem[]): Promise<void> {
  const wasDone = new Set(before.filter((i) => i.done).map((i) => i.id));
  const ticked = after.filter((i) => i.done && i.photoRequired && !wasDone.has(i.id));
  if (ticked.length === 0) return;
  const proven = await store.provenItems(db, orgId, taskId, ticked.map((i) => i.id));
  const missing = ticked.filter((i) => !proven.has(i.id));
  if (missing.length > 0) {
    throw new Conflict(
      `${missing.map((i) => `“${i.text}”`).join(', ')} needs a photo before it can be ticked`,
      missing.map((i) => ({ path: `checklist.${after.indexOf(i)}`, message: `“${i.text}” needs a photo attached to it first` })),
    );
  }
}

/** Names the comment on its attachments; every id must be a file of this task not on another comment yet. */
export async function attachToComment(trx: Db, orgId: string, taskId: string, ids: string[], commentId: string): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const named = await store.attachToComment(trx, orgId, taskId, unique, commentId);
  if (named !== unique.length) throw Invalid.field('attachmentIds', 'must name files of this task that are on no other comment');
}

export async function commentAttachments(db: Db, orgId: string, commentIds: string[]): Promise<Map<string, string[]>> {
  const byComment = new Map<string, string[]>();
  for (const row of await store.attachmentsOfComments(db, orgId, commentIds)) {
    const list = byComment.get(row.comment_id!) ?? [];
    list.push(row.id);
    byComment.set(row.comment_id!, list);
  }
  return byComment;
}

export async function storageUsed(db: Db, orgId: string): Promise<number> {
  return store.storageUsed(db, orgId);
}
