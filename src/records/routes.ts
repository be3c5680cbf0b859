// HTTP routes for CRM records. Every record type answers the same six routes —
// list, create, read (with its open tasks), change, archive, restore — so they
// are declared once, from a table of each type's schemas and use cases.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Actor, Deps } from '../platform/context.ts';
import { type CsvCell, csvStream } from '../platform/csv.ts';
import { typed } from '../platform/http/app.ts';
import { callerOf } from '../platform/http/auth.ts';
import { ifMatchVersion, withEtag } from '../platform/http/etag.ts';
import { idParams, pageOfSchema, problems } from '../platform/http/schemas.ts';
import {
  clientListQuery,
  clientView,
  contactListQuery,
  contactView,
  createClientBody,
  createContactBody,
  createJobBody,
  createLeadBody,
  createPipelineBody,
  createServiceBody,
  jobListQuery,
  jobView,
  leadHistoryView,
  leadListQuery,
  leadView,
  type LinkableType,
  pipelineListQuery,
  pipelineView,
  type RecordListQuery,
  type RecordType,
  serviceListQuery,
  serviceView,
  updateClientBody,
  updateContactBody,
  updateJobBody,
  updateLeadBody,
  updatePipelineBody,
  updateServiceBody,
} from './records.ts';
import { archiveRecord, restoreRecord } from './archive.ts';
import * as jobs from './jobs.ts';
import * as leads from './leads.ts';
import * as parties from './parties.ts';
import { upsertByReference } from './byReference.ts';
import { externalParams } from './external.ts';
import { getRecord, listRecords } from './reads.ts';
import type { RecordChange } from './steps.ts';
import * as services from './services.ts';

interface RecordRoutes {
  type: RecordType;
  plural: string;
  /** What the type is, for the OpenAPI summaries. */
  noun: string;
  view: z.ZodObject;
  createBody: z.ZodType;
  updateBody: z.ZodType;
  listQuery: z.ZodType;
  create: (deps: Deps, actor: Actor, input: never) => Promise<{ version: number }>;
  update: (deps: Deps, actor: Actor, change: RecordChange<never>) => Promise<{ version: number }>;
  /** Who may create and change it, when not every member. */
  writers?: string;
}

const RECORDS: RecordRoutes[] = [
  { type: 'contact', plural: 'contacts', noun: 'a contact (a person: name, phone, email, address)', view: contactView, createBody: createContactBody, updateBody: updateContactBody, listQuery: contactListQuery, create: parties.createContact, update: parties.updateContact },
  { type: 'client', plural: 'clients', noun: 'a client (a customer account with its contacts)', view: clientView, createBody: createClientBody, updateBody: updateClientBody, listQuery: clientListQuery, create: parties.createClient, update: parties.updateClient },
  { type: 'pipeline', plural: 'pipelines', noun: 'a sales pipeline (ordered stages)', view: pipelineView, createBody: createPipelineBody, updateBody: updatePipelineBody, listQuery: pipelineListQuery, create: leads.createPipeline, update: leads.updatePipeline, writers: 'managers' },
  { type: 'lead', plural: 'leads', noun: 'a lead (in a pipeline stage, with value, source and owner)', view: leadView, createBody: createLeadBody, updateBody: updateLeadBody, listQuery: leadListQuery, create: leads.createLead, update: leads.updateLead },
  { type: 'job', plural: 'jobs', noun: 'a job (client, address, schedule, technicians, status)', view: jobView, createBody: createJobBody, updateBody: updateJobBody, listQuery: jobListQuery, create: jobs.createJob, update: jobs.updateJob },
  { type: 'service', plural: 'services', noun: 'a service (maintenance plan, warranty, inspection) with its next due date', view: serviceView, createBody: createServiceBody, updateBody: updateServiceBody, listQuery: serviceListQuery, create: services.createService, update: services.updateService },
];

/** What a record's page shows of its tasks: tasks answer it, server.ts hands it in. */
export interface RecordTasks {
  /** One task as the API shows it (for the response schema). */
  view: z.ZodType;
  /** The record's open tasks (soonest due first, at most 50) and how many of its tasks are open, done and overdue. */
  of(deps: Deps, actor: Actor, link: { type: LinkableType; id: string }): Promise<{ open: unknown[]; counts: { open: number; done: number; overdue: number } }>;
}

/** What a record list answers with ?format=csv, for the types a CSV import takes: the import's columns, written by imports; server.ts hands it in. */
export interface RecordCsv {
  /** The header row of a type's CSV, or undefined when the type has none. */
  header(type: RecordType): string[] | undefined;
  /** Every record the list query matches, one row each, in the header's columns (a bad query refused before the first row). */
  rows(deps: Deps, actor: Actor, type: RecordType, query: RecordListQuery): Promise<AsyncIterable<CsvCell[]>>;
}

export function recordRoutes(app: FastifyInstance, deps: Deps, tasks: RecordTasks, csv: RecordCsv): void {
  const recordTasks = z.object({
    open: z.array(tasks.view).describe('open tasks, soonest due first (at most 50)'),
    counts: z.object({ open: z.number(), done: z.number(), overdue: z.number() }),
  });
  for (const spec of RECORDS) registerRecord(app, deps, spec, { ...tasks, schema: recordTasks }, csv);
  const r = typed(app);
  r.get('/api/v1/leads/:id/history', {
    schema: { tags: ['records'], summary: "A lead's history: every change of stage, pipeline, owner and value — who, when, from, to", params: idParams, response: { 200: pageOfSchema(leadHistoryView), ...problems(404) } },
  }, async (request) => leads.leadHistory(deps, callerOf(request), request.params.id));
}

function registerRecord(app: FastifyInstance, deps: Deps, spec: RecordRoutes, tasks: RecordTasks & { schema: z.ZodObject }, csv: RecordCsv): void {
  const r = typed(app);
  const { type, plural, view } = spec;
  const base = `/api/v1/${plural}`;
  const tags = ['records'];
  const writers = spec.writers ? ` (${spec.writers})` : '';
  const detail = type === 'pipeline' ? view : view.extend({ tasks: tasks.schema });

  const header = csv.header(type);
  const asCsv = header && {
    summary: `List ${plural}: filters, text search (q), cursor pages; ?format=csv streams every matching row`,
    description: `With ?format=csv (text/csv, header row, sent as an attachment): ${header.join(', ')} — the columns POST /api/v1/imports/${plural} reads, in the forms it reads them (owner by email, ids in other systems as source:id separated by "; "), so the file imported again into the same organisation changes nothing. A text cell starting with = + - @, a tab or a carriage return is written with an apostrophe in front, which the import takes off again.`,
  };
  r.get(base, {
    schema: { tags, summary: `List ${plural}: filters, text search (q), cursor pages`, ...asCsv, querystring: spec.listQuery, response: { 200: pageOfSchema(view), ...problems() } },
  }, async (request, reply) => {
    const { format, ...query } = request.query as RecordListQuery & { format?: 'json' | 'csv' };
    const caller = callerOf(request);
    if (format !== 'csv' || !header) return listRecords(deps, caller, type, query);
    const file = csvStream(header, await csv.rows(deps, caller, type, query));
    return reply.type('text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="${plural}.csv"`).send(file as never);
  });

  r.post(base, {
    schema: { tags, summary: `Create ${spec.noun}${writers}`, body: spec.createBody, response: { 201: view, ...problems(403, 404) } },
  }, async (request, reply) => reply.code(201).send(withEtag(reply, await spec.create(deps, callerOf(request), request.body as never))));

  r.get(`${base}/:id`, {
    schema: {
      tags,
      summary: type === 'pipeline' ? 'One pipeline' : `One ${type}, with its open tasks and how many of its tasks are done or overdue`,
      params: idParams,
      response: { 200: detail, ...problems(404) },
    },
  }, async (request, reply) => {
    const caller = callerOf(request);
    const record = await getRecord(deps, caller, type, request.params.id);
    if (type === 'pipeline') return withEtag(reply, record);
    const recordTasks = await tasks.of(deps, caller, { type: type as LinkableType, id: record.id });
    return withEtag(reply, { ...record, tasks: recordTasks });
  });

  r.patch(`${base}/:id`, {
    schema: {
      tags,
      summary: `Change ${spec.noun.split(' (')[0]}${writers}; send If-Match with its ETag to refuse a stale write (412)`,
      params: idParams,
      body: spec.updateBody,
      response: { 200: view, ...problems(403, 404, 409, 412) },
    },
  }, async (request, reply) =>
    withEtag(reply, await spec.update(deps, callerOf(request), { id: request.params.id, input: request.body as never, ifVersion: ifMatchVersion(request) })));

  if (type !== 'pipeline') registerUpsert(app, deps, spec, type);

  r.delete(`${base}/:id`, {
    schema: {
      tags,
      summary: `Archive ${spec.noun.split(' (')[0]} (managers): it leaves the lists; tasks keep their link, marked archived`,
      params: idParams,
      response: { 200: view, ...problems(403, 404, 409, 412) },
    },
  }, async (request, reply) => withEtag(reply, await archiveRecord(deps, callerOf(request), { type, id: request.params.id, ifVersion: ifMatchVersion(request) })));

  r.post(`${base}/:id/restore`, {
    schema: { tags, summary: `Bring an archived ${type} back (managers)`, params: idParams, response: { 200: view, ...problems(403, 404, 412) } },
  }, async (request, reply) => withEtag(reply, await restoreRecord(deps, callerOf(request), { type, id: request.params.id, ifVersion: ifMatchVersion(request) })));
}

/** The fields a request body sent, read before validation fills in defaults (an upsert changes only these). */
const SENT = Symbol('sent fields');

function registerUpsert(app: FastifyInstance, deps: Deps, spec: RecordRoutes, type: LinkableType): void {
  const r = typed(app);
  r.put(`/api/v1/${spec.plural}/external/:source/:id`, {
    schema: {
      tags: ['records'],
      summary: `Create or update the ${type} carrying your system's id (source, e.g. hubspot, and id): 201 when created, 200 when updated — only the fields sent change, and the same body again changes nothing. Takes the same body as create; If-Match refuses a stale write (412)`,
      params: externalParams,
      body: spec.createBody,
      response: { 200: spec.view, 201: spec.view, ...problems(403, 404, 409, 412) },
    },
    preValidation: async (request) => {
      const body = request.body;
      (request as unknown as Record<symbol, string[]>)[SENT] = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body) : [];
    },
  }, async (request, reply) => {
    const sent = (request as unknown as Record<symbol, string[]>)[SENT] ?? [];
    const ref = { source: request.params.source, id: request.params.id };
    const { record, created } = await upsertByReference(deps, callerOf(request), { type, ref, input: request.body as Record<string, unknown>, sent, ifVersion: ifMatchVersion(request) });
    return reply.code(created ? 201 : 200).send(withEtag(reply, record));
  });
}
