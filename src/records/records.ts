// The CRM records tasks belong to — contacts, clients, pipelines, leads, jobs,
// services: their schemas, output shapes and the pure rules of stages and job statuses.
import { z } from 'zod';
import { Invalid } from '../platform/errors.ts';

export const RECORD_TYPES = ['contact', 'client', 'lead', 'job', 'service', 'pipeline'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];
/** The records a task may link to (pipelines are structure, not context). */
export const LINKABLE_TYPES = ['contact', 'client', 'lead', 'job', 'service'] as const;
export type LinkableType = (typeof LINKABLE_TYPES)[number];

export const JOB_STATUSES = ['scheduled', 'in_progress', 'completed', 'incomplete', 'cancelled', 'missed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];
export const SERVICE_KINDS = ['maintenance_plan', 'warranty', 'inspection', 'other'] as const;

/** start_sort / due_sort for a record without a date: after every real instant. */
export const NO_DATE = 8_640_000_000_000_000;

export const DEFAULT_PIPELINE = {
  name: 'Sales',
  stages: [
    { key: 'new', name: 'New' },
    { key: 'contacted', name: 'Contacted' },
    { key: 'quoted', name: 'Quoted' },
    { key: 'won', name: 'Won' },
    { key: 'lost', name: 'Lost' },
  ],
};

// --- references in other systems ----------------------------------------------

export const externalSource = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, 'must be a short lower-case name, e.g. hubspot (letters, digits, _ or -)')
  .describe('the other system, as a short lower-case name: hubspot, jobber, sheet');
export const externalId = z
  .string()
  .min(1, 'must not be empty')
  .max(200)
  .regex(/^[^\s\p{Cc}](?:[^\p{Cc}]*[^\s\p{Cc}])?$/u, 'must not start or end with a space or hold control characters')
  .describe("the record's id in that system");
const externalUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http or https address' })
  .max(2000)
  .describe('a link to the record in that system, shown as "Open in …"');

export const externalRef = z.strictObject({ source: externalSource, id: externalId, url: externalUrl.optional() });
export type ExternalRef = z.infer<typeof externalRef>;

export const externalRefs = z
  .array(externalRef)
  .max(20)
  .refine((refs) => new Set(refs.map((r) => r.source)).size === refs.length, 'must not hold two references from one source')
  .describe('the same record in other systems; one per source, and a source and id belong to one record of the type');

export const externalRefView = z.object({ source: z.string(), id: z.string(), url: z.string().optional() });

/** `?externalRef=source:id` (the id may itself hold colons). */
export const externalRefFilter = z
  .string()
  .max(241)
  .transform((value, ctx) => {
    const colon = value.indexOf(':');
    const parsed = colon > 0 ? { source: externalSource.safeParse(value.slice(0, colon)), id: externalId.safeParse(value.slice(colon + 1)) } : null;
    if (!parsed || !parsed.source.success || !parsed.id.success) {
      ctx.addIssue({ code: 'custom', message: 'must be source:id, e.g. hubspot:4711' });
      return z.NEVER;
    }
    return { source: parsed.source.data, id: parsed.id.data };
  })
  .describe('the record carrying this reference: source:id, e.g. hubspot:4711');

// --- fields ---------------------------------------------------------------

const instant = z.iso.datetime({ offset: true }).transform((s) => Date.parse(s));
const name = z.string().trim().min(1, 'must not be empty').max(200);
const phone = z.string().trim().min(1, 'must not be empty').max(40);
const emailAddress = z.email().max(254).transform((e) => e.toLowerCase());
const address = z.string().trim().min(1, 'must not be empty').max(500);
const notes = z.string().max(20_000);
const ref = z.string().min(1).max(100);
const source = z.string().trim().min(1, 'must not be empty').max(100);
const money = z.number().min(0).max(1_000_000_000);
const stageKey = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1–40 lower-case letters, digits, _ or -');
const stages = z
  .array(z.strictObject({ key: stageKey, name: z.string().trim().min(1, 'must not be empty').max(80) }))
  .min(1)
  .max(30)
  .refine((ss) => new Set(ss.map((s) => s.key)).size === ss.length, 'must not repeat a stage key');
const idList = (max: number) =>
  z
    .array(ref)
    .max(max)
    .refine((ids) => new Set(ids).size === ids.length, 'must not repeat an id');

export const createContactBody = z.strictObject({
  externalRefs: externalRefs.default([]),
  name,
  phone: phone.nullable().default(null),
  email: emailAddress.nullable().default(null),
  address: address.nullable().default(null),
  notes: notes.default(''),
  ownerId: ref.optional(),
});
export const updateContactBody = z.strictObject({
  externalRefs: externalRefs.optional(),
  name: name.optional(),
  phone: phone.nullable().optional(),
  email: emailAddress.nullable().optional(),
  address: address.nullable().optional(),
  notes: notes.optional(),
  ownerId: ref.optional(),
});

export const createClientBody = z.strictObject({
  externalRefs: externalRefs.default([]),
  name,
  contactIds: idList(50).default([]),
  address: address.nullable().default(null),
  notes: notes.default(''),
  ownerId: ref.optional(),
});
export const updateClientBody = z.strictObject({
  externalRefs: externalRefs.optional(),
  name: name.optional(),
  contactIds: idList(50).optional(),
  address: address.nullable().optional(),
  notes: notes.optional(),
  ownerId: ref.optional(),
});

export const createPipelineBody = z.strictObject({ name: z.string().trim().min(1, 'must not be empty').max(80), stages, ownerId: ref.optional() });
export const updatePipelineBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(80).optional(),
  stages: stages.optional(),
  ownerId: ref.optional(),
});

export const createLeadBody = z.strictObject({
  externalRefs: externalRefs.default([]),
  title: name,
  contactId: ref.nullable().default(null),
  pipelineId: ref.optional().describe("defaults to the organisation's default pipeline"),
  stage: stageKey.optional().describe("defaults to the pipeline's first stage"),
  value: money.nullable().default(null),
  source: source.nullable().default(null),
  ownerId: ref.optional(),
});
export const updateLeadBody = z.strictObject({
  externalRefs: externalRefs.optional(),
  title: name.optional(),
  contactId: ref.nullable().optional(),
  pipelineId: ref.optional(),
  stage: stageKey.optional(),
  value: money.nullable().optional(),
  source: source.nullable().optional(),
  ownerId: ref.optional(),
});

export const createJobBody = z.strictObject({
  externalRefs: externalRefs.default([]),
  title: name,
  clientId: ref.nullable().default(null),
  address: address.nullable().default(null),
  scheduledStart: instant.nullable().default(null),
  scheduledEnd: instant.nullable().default(null),
  status: z.enum(JOB_STATUSES).default('scheduled'),
  technicianIds: idList(20).default([]),
  ownerId: ref.optional(),
});
export const updateJobBody = z.strictObject({
  externalRefs: externalRefs.optional(),
  title: name.optional(),
  clientId: ref.nullable().optional(),
  address: address.nullable().optional(),
  scheduledStart: instant.nullable().optional(),
  scheduledEnd: instant.nullable().optional(),
  status: z.enum(JOB_STATUSES).optional(),
  technicianIds: idList(20).optional(),
  ownerId: ref.optional(),
});

export const createServiceBody = z.strictObject({
  externalRefs: externalRefs.default([]),
  title: name,
  clientId: ref.nullable().default(null),
  jobId: ref.nullable().default(null),
  kind: z.enum(SERVICE_KINDS).default('other'),
  nextDueAt: instant.nullable().default(null),
  ownerId: ref.optional(),
});
export const updateServiceBody = z.strictObject({
  externalRefs: externalRefs.optional(),
  title: name.optional(),
  clientId: ref.nullable().optional(),
  jobId: ref.nullable().optional(),
  kind: z.enum(SERVICE_KINDS).optional(),
  nextDueAt: instant.nullable().optional(),
  ownerId: ref.optional(),
});

export type CreateContactInput = z.infer<typeof createContactBody>;
export type UpdateContactInput = z.infer<typeof updateContactBody>;
export type CreateClientInput = z.infer<typeof createClientBody>;
export type UpdateClientInput = z.infer<typeof updateClientBody>;
export type CreatePipelineInput = z.infer<typeof createPipelineBody>;
export type UpdatePipelineInput = z.infer<typeof updatePipelineBody>;
export type CreateLeadInput = z.infer<typeof createLeadBody>;
export type UpdateLeadInput = z.infer<typeof updateLeadBody>;
export type CreateJobInput = z.infer<typeof createJobBody>;
export type UpdateJobInput = z.infer<typeof updateJobBody>;
export type CreateServiceInput = z.infer<typeof createServiceBody>;
export type UpdateServiceInput = z.infer<typeof updateServiceBody>;
export type Stage = z.infer<typeof stages>[number];

// --- list queries -----------------------------------------------------------

/** Sort keys each record type offers; the first is its default. */
export const SORTS = {
  contact: ['name', '-created', 'created', 'updated', '-updated'],
  client: ['name', '-created', 'created', 'updated', '-updated'],
  pipeline: ['name', 'created', '-created'],
  lead: ['-created', 'created', 'title', 'updated', '-updated'],
  job: ['scheduled', '-scheduled', 'created', '-created', 'title', 'updated', '-updated'],
  service: ['due', '-due', 'created', '-created', 'title', 'updated', '-updated'],
} as const satisfies Record<RecordType, readonly string[]>;

function listQueryOf<T extends RecordType, E extends z.ZodRawShape>(type: T, extra: E) {
  const sorts = SORTS[type] as unknown as readonly [string, ...string[]];
  return z.strictObject({
    q: z.string().trim().min(1).max(200).optional().describe('text anywhere in the name/title, phone, email or address'),
    owner: ref.optional(),
    archived: z.enum(['false', 'true', 'all']).default('false').describe('archived records: leave out (default), only them, or all'),
    sort: z.enum(sorts).default(sorts[0]).describe('prefix - for descending'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().min(1).max(500).optional(),
    ...extra,
  });
}

const byRef = { externalRef: externalRefFilter.optional() };
/** The types a CSV import takes answer their list as that CSV too. */
const asCsv = { format: z.enum(['json', 'csv']).default('json').describe('csv: every matching record (not one page) in the columns the CSV import reads') };
export const contactListQuery = listQueryOf('contact', { ...byRef, ...asCsv });
export const clientListQuery = listQueryOf('client', { ...byRef, ...asCsv, contact: ref.optional().describe('clients with this contact') });
export const pipelineListQuery = listQueryOf('pipeline', {});
export const leadListQuery = listQueryOf('lead', {
  ...byRef,
  ...asCsv,
  pipeline: ref.optional(),
  stage: stageKey.optional(),
  contact: ref.optional(),
  source: source.optional(),
});
export const jobListQuery = listQueryOf('job', {
  ...byRef,
  client: ref.optional(),
  status: z.enum(JOB_STATUSES).optional(),
  technician: ref.optional().describe('jobs this user works on; me for yourself; none for jobs with no technician'),
  scheduledAfter: instant.optional().describe('jobs starting at or after this instant'),
  scheduledBefore: instant.optional().describe('jobs starting before this instant'),
  scheduledFrom: instant.optional().describe('with scheduledTo: jobs whose time overlaps [scheduledFrom, scheduledTo), including those that started earlier and run into it (a dispatch board’s day or week)'),
  scheduledTo: instant.optional().describe('the end of the scheduledFrom window (exclusive); must come after scheduledFrom'),
  scheduled: z.enum(['true', 'false']).optional().describe('true: only jobs with a start time; false: only unscheduled jobs'),
});
export const serviceListQuery = listQueryOf('service', {
  ...byRef,
  client: ref.optional(),
  job: ref.optional(),
  kind: z.enum(SERVICE_KINDS).optional(),
  dueBefore: instant.optional(),
});

/** What a list reads of its query (`format` is the route's: how it answers). */
export type RecordListQuery = Omit<z.infer<typeof contactListQuery> & Partial<z.infer<typeof leadListQuery> & z.infer<typeof jobListQuery> & z.infer<typeof serviceListQuery> & z.infer<typeof clientListQuery>>, 'format'>;

// --- output -----------------------------------------------------------------

const base = {
  id: z.string(),
  ownerId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  version: z.number(),
  archivedAt: z.string().nullable(),
};

export const contactView = z.object({ ...base, externalRefs: z.array(externalRefView), name: z.string(), phone: z.string().nullable(), email: z.string().nullable(), address: z.string().nullable(), notes: z.string() });
export const clientView = z.object({ ...base, externalRefs: z.array(externalRefView), name: z.string(), contactIds: z.array(z.string()), address: z.string().nullable(), notes: z.string() });
export const pipelineView = z.object({ ...base, name: z.string(), stages: z.array(z.object({ key: z.string(), name: z.string() })), isDefault: z.boolean() });
export const leadView = z.object({
  ...base,
  externalRefs: z.array(externalRefView),
  title: z.string(),
  contactId: z.string().nullable(),
  pipelineId: z.string(),
  stage: z.string(),
  value: z.number().nullable(),
  source: z.string().nullable(),
});
export const jobView = z.object({
  ...base,
  externalRefs: z.array(externalRefView),
  title: z.string(),
  clientId: z.string().nullable(),
  address: z.string().nullable(),
  scheduledStart: z.string().nullable(),
  scheduledEnd: z.string().nullable(),
  status: z.enum(JOB_STATUSES),
  technicianIds: z.array(z.string()),
});
export const serviceView = z.object({
  ...base,
  externalRefs: z.array(externalRefView),
  title: z.string(),
  clientId: z.string().nullable(),
  jobId: z.string().nullable(),
  kind: z.enum(SERVICE_KINDS),
  nextDueAt: z.string().nullable(),
});

export { historyEntryView as leadHistoryView } from '../platform/http/schemas.ts';

/** What a task shows of each record it links to, so a list needs no extra calls. */
export const linkSummary = z.object({
  type: z.enum(LINKABLE_TYPES),
  id: z.string(),
  name: z.string().nullable().describe('the name or title; null when the record cannot be found (e.g. an id from another system)'),
  phone: z.string().optional(),
  address: z.string().optional(),
  archived: z.boolean(),
  externalRefs: z.array(externalRefView).describe('the record in other systems, so a receiver can match it to its own'),
});

export type ContactView = z.infer<typeof contactView>;
export type ClientView = z.infer<typeof clientView>;
export type PipelineView = z.infer<typeof pipelineView>;
export type LeadView = z.infer<typeof leadView>;
export type JobView = z.infer<typeof jobView>;
export type ServiceView = z.infer<typeof serviceView>;
export type LinkSummary = z.infer<typeof linkSummary>;

// --- rules ------------------------------------------------------------------

/** The stage a lead takes in a pipeline: the one asked for if the pipeline has it, else its first. */
export function stageIn(pipelineStages: Stage[], wanted: string | undefined): string {
  if (wanted === undefined) return pipelineStages[0]!.key;
  if (!pipelineStages.some((s) => s.key === wanted)) {
    throw Invalid.field('stage', `must be one of the pipeline's stages: ${pipelineStages.map((s) => s.key).join(', ')}`);
  }
  return wanted;
}

/** A job's window must not end before it starts. */
export function checkSchedule(start: number | null, end: number | null): void {
  if (start !== null && end !== null && end < start) throw Invalid.field('scheduledEnd', 'must not be before the start');
  if (start === null && end !== null) throw Invalid.field('scheduledStart', 'must be set when there is an end');
}

export interface JobChange {
  /** The job got (or moved to) a start time: job.scheduled. */
  scheduled: boolean;
  /** The status moved: job.status_changed, and appointment.missed when it became missed. */
  status: { from: JobStatus; to: JobStatus } | null;
}

export function jobChange(before: { start: number | null; status: JobStatus }, after: { start: number | null; status: JobStatus }): JobChange {
  return {
    scheduled: after.start !== null && after.start !== before.start,
    status: before.status !== after.status ? { from: before.status, to: after.status } : null,
  };
}
