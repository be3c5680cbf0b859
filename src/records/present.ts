// The API shapes of CRM records, written out field by field.
import { iso } from '../platform/pagination.ts';
import type { ClientView, ContactView, JobStatus, JobView, LeadView, PipelineView, RecordType, ServiceView, Stage } from './records.ts';
import { parseRefs } from './external.ts';
import type { AnyRow, ClientRow, ContactRow, JobRow, LeadRow, PipelineRow, RowOf, ServiceRow } from './store.ts';

function base(row: AnyRow) {
  return {
    id: row.id,
    ownerId: row.owner_id,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    version: row.version,
    archivedAt: iso(row.archived_at),
  };
}

export function presentContact(row: ContactRow): ContactView {
  return { ...base(row), externalRefs: parseRefs(row.external_refs), name: row.name, phone: row.phone, email: row.email, address: row.address, notes: row.notes };
}

export function presentClient(row: ClientRow): ClientView {
  return { ...base(row), externalRefs: parseRefs(row.external_refs), name: row.name, contactIds: JSON.parse(row.contact_ids) as string[], address: row.address, notes: row.notes };
}

export function presentPipeline(row: PipelineRow): PipelineView {
  return { ...base(row), name: row.name, stages: JSON.parse(row.stages) as Stage[], isDefault: row.is_default === 1 };
}

export function presentLead(row: LeadRow): LeadView {
  return { ...base(row), externalRefs: parseRefs(row.external_refs), title: row.title, contactId: row.contact_id, pipelineId: row.pipeline_id, stage: row.stage, value: row.value, source: row.source };
}

export function presentJob(row: JobRow): JobView {
  return {
    ...base(row),
    externalRefs: parseRefs(row.external_refs),
    title: row.title,
    clientId: row.client_id,
    address: row.address,
    scheduledStart: iso(row.scheduled_start),
    scheduledEnd: iso(row.scheduled_end),
    status: row.status as JobStatus,
    technicianIds: JSON.parse(row.technician_ids) as string[],
  };
}

export function presentService(row: ServiceRow): ServiceView {
  return {
    ...base(row),
    externalRefs: parseRefs(row.external_refs),
    title: row.title,
    clientId: row.client_id,
    jobId: row.job_id,
    kind: row.kind as ServiceView['kind'],
    nextDueAt: iso(row.next_due_at),
  };
}

export interface ViewOf {
  contact: ContactView;
  client: ClientView;
  pipeline: PipelineView;
  lead: LeadView;
  job: JobView;
  service: ServiceView;
}

const PRESENTERS: { [T in RecordType]: (row: RowOf[T]) => ViewOf[T] } = {
  contact: presentContact,
  client: presentClient,
  pipeline: presentPipeline,
  lead: presentLead,
  job: presentJob,
  service: presentService,
};

export function presentRecord<T extends RecordType>(type: T, row: RowOf[T]): ViewOf[T] {
  return PRESENTERS[type](row);
}
