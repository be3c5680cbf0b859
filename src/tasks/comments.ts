// Comments on a task: adding one (with its event) and reading them.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { newId } from '../platform/ids.ts';
import { appendEvent } from '../platform/outbox.ts';
import { decodeCursor, encodeCursor, iso, pageOf } from '../platform/pagination.ts';
import { loadTask } from './service.ts';
import { attachToComment, commentAttachments } from './attachments.ts';
import * as store from './store.ts';
import { taskKey } from './task.ts';

export async function addComment(deps: Deps, actor: Actor, idOrKey: string, body: string, attachmentIds: string[] = []) {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const task = await loadTask(trx, actor.orgId, idOrKey);
    const comment = { id: newId(), org_id: actor.orgId, task_id: task.id, author_id: actor.userId, body, created_at: now };
    await store.insertComment(trx, comment);
    await attachToComment(trx, actor.orgId, task.id, attachmentIds, comment.id);
    const ids = [...new Set(attachmentIds)];
    const data = { key: taskKey(task.number), commentId: comment.id, ...(ids.length > 0 && { attachmentIds: ids }) };
    await appendEvent(trx, { orgId: actor.orgId, type: 'task.commented', subject: { type: 'task', id: task.id }, data, actorId: actor.userId, occurredAt: now });
    return presentComment(comment, ids);
  });
}

export async function listComments(deps: Deps, actor: Actor, idOrKey: string, page: { limit: number; cursor?: string }) {
  const task = await loadTask(deps.db, actor.orgId, idOrKey);
  const after = page.cursor ? String(decodeCursor(page.cursor, ['text'])[0]) : undefined;
  const rows = await store.listComments(deps.db, actor.orgId, task.id, { limit: page.limit + 1, after });
  const result = pageOf(rows, page.limit, (r) => encodeCursor([r.id]));
  const files = await commentAttachments(deps.db, actor.orgId, result.items.map((r) => r.id));
  return { items: result.items.map((r) => presentComment(r, files.get(r.id))), nextCursor: result.nextCursor };
}

/** One comment by its id, or undefined when it is gone. */
export async function findComment(db: Db, orgId: string, commentId: string) {
  const row = await store.findComment(db, orgId, commentId);
  return row && presentComment(row, (await commentAttachments(db, orgId, [row.id])).get(row.id));
}

function presentComment(row: { id: string; task_id: string; author_id: string; body: string; created_at: number }, attachmentIds: string[] = []) {
  return { id: row.id, taskId: row.task_id, authorId: row.author_id, body: row.body, attachmentIds, createdAt: iso(row.created_at) };
}
