// Every query about attachments.
import type { Selectable } from 'kysely';
import type { AttachmentsTable, Db } from '../platform/db/schema.ts';

export type AttachmentRow = Selectable<AttachmentsTable>;

export async function insertAttachment(trx: Db, row: AttachmentRow): Promise<void> {
  await trx.insertInto('attachments').values(row).execute();
}

export function findAttachment(db: Db, orgId: string, id: string) {
  return db.selectFrom('attachments').selectAll().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
}

export function attachmentsOfTask(db: Db, orgId: string, taskId: string) {
  return db.selectFrom('attachments').selectAll().where('org_id', '=', orgId).where('task_id', '=', taskId).orderBy('created_at').orderBy('id').execute();
}

/** Every attachment of the tasks linked to a record, newest first, a page at a time. */
export function attachmentsOfRecord(db: Db, orgId: string, record: { type: string; id: string }, limit: number, after?: { createdAt: number; id: string }) {
  let query = db
    .selectFrom('attachments as a')
    .selectAll('a')
    .where('a.org_id', '=', orgId)
    .where('a.task_id', 'in', (eb) =>
      eb.selectFrom('task_links').select('task_id').where('org_id', '=', orgId).where('record_type', '=', record.type).where('record_id', '=', record.id),
    );
  if (after) query = query.where((eb) => eb.or([eb('a.created_at', '<', after.createdAt), eb.and([eb('a.created_at', '=', after.createdAt), eb('a.id', '<', after.id)])]));
  return query.orderBy('a.created_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute();
}

export async function deleteAttachment(trx: Db, orgId: string, id: string): Promise<void> {
  await trx.deleteFrom('attachments').where('org_id', '=', orgId).where('id', '=', id).execute();
}

/** Names the comment on attachments of the task that no comment names yet; returns how many. */
export async function attachToComment(trx: Db, orgId: string, taskId: string, ids: string[], commentId: string): Promise<number> {
  const result = await trx
    .updateTable('attachments')
    .set({ comment_id: commentId })
    .where('org_id', '=', orgId)
    .where('task_id', '=', taskId)
    .where('id', 'in', ids)
    .where('comment_id', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export function attachmentsOfComments(db: Db, orgId: string, commentIds: string[]) {
  if (commentIds.length === 0) return Promise.resolve([] as { id: string; comment_id: string | null }[]);
  return db.selectFrom('attachments').select(['id', 'comment_id']).where('org_id', '=', orgId).where('comment_id', 'in', commentIds).orderBy('created_at').execute();
}

/** Which of these checklist items of the task have a photo naming them. */
export async function provenItems(db: Db, orgId: string, taskId: string, itemIds: string[]): Promise<Set<string>> {
  if (itemIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('attachments')
    .select('checklist_item_id')
    .distinct()
    .where('org_id', '=', orgId)
    .where('task_id', '=', taskId)
    .where('checklist_item_id', 'in', itemIds)
    .where('thumb_sha256', 'is not', null)
    .execute();
  return new Set(rows.map((r) => r.checklist_item_id!));
}

/** Bytes the organisation's attachments take (each counted as uploaded, however the storage shares them). */
export async function storageUsed(db: Db, orgId: string): Promise<number> {
  const row = await db.selectFrom('attachments').select((eb) => eb.fn.coalesce(eb.fn.sum<number>('size'), eb.lit(0)).as('used')).where('org_id', '=', orgId).executeTakeFirst();
  return Number(row?.used ?? 0);
}

/** Blobs no attachment names (after a task or attachment went), at most `limit`. */
export async function unreferencedBlobs(db: Db, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('file_blobs as b')
    .select('b.sha256')
    .where((eb) =>
      eb.and([
        eb.not(eb.exists(eb.selectFrom('attachments').select('id').whereRef('sha256', '=', 'b.sha256'))),
        eb.not(eb.exists(eb.selectFrom('attachments').select('id').whereRef('display_sha256', '=', 'b.sha256'))),
        eb.not(eb.exists(eb.selectFrom('attachments').select('id').whereRef('thumb_sha256', '=', 'b.sha256'))),
      ]),
    )
    .limit(limit)
    .execute();
  return rows.map((r) => r.sha256);
}
