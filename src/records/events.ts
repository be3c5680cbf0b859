// The domain events CRM records emit, and what each carries. A type-specific
// event (stage_changed, scheduled, status_changed) replaces the generic
// `<type>.updated` for its own fields; `.updated` lists the other fields changed.
declare module '../platform/outbox.ts' {
  interface DomainEvents {
    'contact.created': { name: string; ownerId: string };
    'contact.updated': { fields: string[]; version: number };
    'contact.archived': { version: number };
    'contact.restored': { version: number };
    'client.created': { name: string; ownerId: string; contactIds: string[] };
    'client.updated': { fields: string[]; version: number };
    'client.archived': { version: number };
    'client.restored': { version: number };
    'pipeline.created': { name: string; stages: string[] };
    'pipeline.updated': { fields: string[]; version: number };
    'pipeline.archived': { version: number };
    'pipeline.restored': { version: number };
    'lead.created': { title: string; pipelineId: string; stage: string; source: string | null; value: number | null; contactId: string | null; ownerId: string };
    'lead.updated': { fields: string[]; version: number };
    'lead.stage_changed': { pipelineId: string; fromPipelineId: string; fromStage: string; toStage: string };
    'lead.archived': { version: number };
    'lead.restored': { version: number };
    'job.created': { title: string; clientId: string | null; status: string; ownerId: string };
    'job.scheduled': { scheduledStart: string; scheduledEnd: string | null; previousStart: string | null; technicianIds: string[] };
    'job.status_changed': { from: string; to: string };
    'appointment.missed': { jobId: string; clientId: string | null; scheduledStart: string | null; technicianIds: string[] };
    'job.updated': { fields: string[]; version: number };
    'job.archived': { version: number };
    'job.restored': { version: number };
    'service.created': { title: string; kind: string; clientId: string | null; nextDueAt: string | null; ownerId: string };
    'service.updated': { fields: string[]; version: number };
    'service.due': { title: string; kind: string; clientId: string | null; jobId: string | null; nextDueAt: string };
    'service.archived': { version: number };
    'service.restored': { version: number };
  }
}

export {};
