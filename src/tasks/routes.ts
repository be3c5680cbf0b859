// HTTP routes for tasks: list (JSON or CSV), create, read, change, delete, bulk, history, comments.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../platform/context.ts';
import { csvStream } from '../platform/csv.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { ifMatchVersion, withEtag } from '../platform/http/etag.ts';
import { pageOfSchema, pageQuery, problems } from '../platform/http/schemas.ts';
import * as bulk from './bulk.ts';
import * as comments from './comments.ts';
import * as reads from './reads.ts';
import * as tasks from './service.ts';
import { bulkBody, bulkView, commentBody, commentView, countsQuery, countsView, createTaskRequest, historyView, listQuery, type TaskView, taskView, updateTaskRequest } from './task.ts';

const LINK_WORD = { contact: 'Contact', client: 'Client', lead: 'Lead', job: 'Job', service: 'Service' } as const;

/** People read the names; machines read the ids, each in its own column. */
const CSV_COLUMNS: { header: string; value: (t: TaskView, names: Map<string, string>) => string | number | null }[] = [
  { header: 'key', value: (t) => t.key },
  { header: 'title', value: (t) => t.title },
  { header: 'status', value: (t) => t.status },
  { header: 'overdue', value: (t) => (t.overdue ? 'true' : 'false') },
  { header: 'priority', value: (t) => t.priority },
  { header: 'dueAt', value: (t) => t.dueAt },
  { header: 'assignee', value: (t, names) => (t.assigneeId === null ? null : (names.get(t.assigneeId) ?? null)) },
  { header: 'team', value: (t, names) => (t.teamId === null ? null : (names.get(t.teamId) ?? null)) },
  { header: 'links', value: (t) => t.links.map((l) => `${LINK_WORD[l.type]}: ${l.name ?? 'unknown record'}`).join('; ') },
  { header: 'assigneeId', value: (t) => t.assigneeId },
  { header: 'teamId', value: (t) => t.teamId },
  { header: 'linkIds', value: (t) => t.links.map((l) => `${l.type}:${l.id}`).join(' ') },
  // The linked records' ids in other systems, as type:source:id, so another system can match the row to its own records.
  { header: 'linkExternalRefs', value: (t) => t.links.flatMap((l) => l.externalRefs.map((r) => `${l.type}:${r.source}:${r.id}`)).join('; ') },
  { header: 'createdAt', value: (t) => t.createdAt },
  { header: 'completedAt', value: (t) => t.completedAt },
  { header: 'id', value: (t) => t.id },
];

/** `files.sweepSoon()` removes, after a delete has committed, the stored files no task names any more. */
export function taskRoutes(app: FastifyInstance, deps: Deps, files: { sweepSoon(): void }): void {
  const r = typed(app);
  const taskParams = z.strictObject({ id: z.string().min(1).max(100).describe('The task id or its key, e.g. T-12') });

  r.get('/api/v1/tasks', {
    schema: {
      tags: ['tasks'],
      summary: 'List tasks: filters, sorts, cursor pages; ?format=csv streams every matching row',
      description: `With ?format=csv (text/csv, header row): ${CSV_COLUMNS.map((c) => c.header).join(', ')}. links names each linked record ("Job: Boiler repair"), linkIds gives type:id, linkExternalRefs the linked records' ids in other systems as type:source:id, separated by "; ". A text cell starting with = + - @, a tab or a carriage return is written with an apostrophe in front.`,
      querystring: listQuery,
      response: { 200: pageOfSchema(taskView), ...problems() },
    },
  }, async (request, reply) => {
    const { format, ...query } = request.query;
    const caller = callerOf(request);
    if (format === 'json') return reads.listTasks(deps, caller, query);
    const names = await reads.directory(deps, caller);
    const rows = async function* () {
      for await (const page of reads.allTasks(deps, caller, query)) for (const task of page) yield CSV_COLUMNS.map((c) => c.value(task, names));
    };
    const csv = csvStream(CSV_COLUMNS.map((c) => c.header), rows());
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="tasks.csv"').send(csv as never);
  });

  r.get('/api/v1/tasks/counts', {
    schema: {
      tags: ['tasks'],
      summary: 'Exact counts per status of the tasks matching the list filters (status too: default every status not done or cancelled, or all)',
      querystring: countsQuery,
      response: { 200: countsView, ...problems() },
    },
  }, async (request) => reads.countTasks(deps, callerOf(request), request.query));

  r.post('/api/v1/tasks', {
    schema: { tags: ['tasks'], summary: 'Create a task', body: createTaskRequest, response: { 201: taskView, ...problems(403, 404, 409) } },
  }, async (request, reply) => {
    const caller = callerOf(request);
    const task = await tasks.createTask(deps, caller, request.body, { kind: caller.tokenKind === 'api' ? 'api' : 'manual' });
    return reply.code(201).send(withEtag(reply, task));
  });

  r.post('/api/v1/tasks/bulk', {
    schema: {
      tags: ['tasks'],
      summary: 'Change or delete many tasks in one transaction, all of them or none: named by ids, or every task a list filter matches (at most 2,000) when it still matches the expected number',
      body: bulkBody,
      response: { 200: bulkView, ...problems(403, 404, 409) },
    },
  }, async (request) => {
    const { ids, filter, expected } = request.body;
    const action = bulk.bulkActionOf(request.body);
    const result = filter ? await bulk.bulkChangeMatching(deps, callerOf(request), filter, expected!, action) : await bulk.bulkChange(deps, callerOf(request), ids!, action);
    if (request.body.delete) files.sweepSoon();
    return result;
  });

  r.get('/api/v1/tasks/:id', {
    schema: { tags: ['tasks'], summary: 'One task, by id or key', params: taskParams, response: { 200: taskView, ...problems(404) } },
  }, async (request, reply) => withEtag(reply, await tasks.getTask(deps, callerOf(request), request.params.id)));

  r.patch('/api/v1/tasks/:id', {
    schema: {
      tags: ['tasks'],
      summary: 'Change a task; send If-Match with its ETag to refuse a stale write (412)',
      params: taskParams,
      body: updateTaskRequest,
      response: { 200: taskView, ...problems(403, 404, 409, 412) },
    },
  }, async (request, reply) =>
    withEtag(reply, await tasks.updateTask(deps, callerOf(request), request.params.id, request.body, ifMatchVersion(request))));

  r.delete('/api/v1/tasks/:id', {
    schema: { tags: ['tasks'], summary: 'Delete a task (its creator or a manager)', params: taskParams, response: { 204: z.null(), ...problems(403, 404, 412) } },
  }, async (request, reply) => {
    await tasks.deleteTask(deps, callerOf(request), request.params.id, ifMatchVersion(request));
    files.sweepSoon();
    return reply.code(204).send(null);
  });

  r.get('/api/v1/tasks/:id/history', {
    schema: { tags: ['tasks'], summary: 'Every change of status, owner, due date and priority: who, when, from, to', params: taskParams, response: { 200: pageOfSchema(historyView), ...problems(404) } },
  }, async (request) => tasks.taskHistory(deps, callerOf(request), request.params.id));

  r.get('/api/v1/tasks/:id/comments', {
    schema: { tags: ['tasks'], summary: 'Comments on a task, oldest first', params: taskParams, querystring: pageQuery, response: { 200: pageOfSchema(commentView), ...problems(404) } },
  }, async (request) => comments.listComments(deps, callerOf(request), request.params.id, request.query));

  r.post('/api/v1/tasks/:id/comments', {
    schema: { tags: ['tasks'], summary: 'Comment on a task, optionally carrying files of the task uploaded first (attachmentIds)', params: taskParams, body: commentBody, response: { 201: commentView, ...problems(404) } },
  }, async (request, reply) => reply.code(201).send(await comments.addComment(deps, callerOf(request), request.params.id, request.body.body, request.body.attachmentIds)));
}
