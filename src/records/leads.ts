// Pipelines and the leads that move through their stages. Each write is one
// transaction that stores the row, the lead's history when it moves, and the events.
import type { Actor, Deps } from '../platform/context.ts';
import type { Db } from '../platform/db/schema.ts';
import { Conflict, Invalid, NotFound } from '../platform/errors.ts';
import { newId } from '../platform/ids.ts';
import { iso } from '../platform/pagination.ts';
import { presentRecord } from './present.ts';
import { type CreateLeadInput, type CreatePipelineInput, DEFAULT_PIPELINE, type Stage, stageIn, type UpdateLeadInput, type UpdatePipelineInput } from './records.ts';
import {
  checkExternalRefs,
  checkOwner,
  checkRefs,
  defined,
  emit,
  inTransaction,
  loadForChange,
  loadRecord,
  newRow,
  type NewRecordIn,
  type RecordChange,
  type RecordChangeIn,
  refTo,
  requireManager,
  saveChange,
} from './steps.ts';
import * as store from './store.ts';

// --- pipelines --------------------------------------------------------------

export function createPipeline(deps: Deps, actor: Actor, input: CreatePipelineInput) {
  requireManager(actor, 'Creating a pipeline');
  return inTransaction(deps, async (trx, now) => {
    await checkOwner(trx, actor.orgId, input.ownerId);
    await ensureDefaultPipeline(trx, actor, now);
    const row: store.PipelineRow = { ...newRow(actor, input.ownerId, now), name: input.name, stages: JSON.stringify(input.stages), is_default: null };
    await store.insertRecord(trx, 'pipeline', row);
    await emit(trx, actor, { type: 'pipeline', id: row.id }, 'pipeline.created', { name: row.name, stages: input.stages.map((s) => s.key) }, now);
    return presentRecord('pipeline', row);
  });
}

export function updatePipeline(deps: Deps, actor: Actor, { id, input, ifVersion }: RecordChange<UpdatePipelineInput>) {
  requireManager(actor, 'Changing a pipeline');
  return inTransaction(deps, async (trx, now) => {
    const row = await loadForChange(trx, actor, 'pipeline', id, ifVersion);
    await checkOwner(trx, actor.orgId, input.ownerId);
    if (input.stages) {
      const stranded = await store.leadsOutsideStages(trx, actor.orgId, id, input.stages.map((s) => s.key));
      if (stranded.length > 0) {
        const which = stranded.map((s) => `${s.count} in ${s.stage}`).join(', ');
        throw new Conflict(`Leads still sit in stages this change removes (${which}); move them first`, [{ path: 'stages', message: `would remove stages that hold leads: ${which}` }]);
      }
    }
    const set = defined({ name: input.name, owner_id: input.ownerId, stages: input.stages ? JSON.stringify(input.stages) : undefined });
    const saved = await saveChange(trx, actor, 'pipeline', row, set, now);
    if (saved.fields.length > 0) await emit(trx, actor, { type: 'pipeline', id }, 'pipeline.updated', { fields: saved.fields, version: saved.row.version }, now);
    return presentRecord('pipeline', saved.row);
  });
}

/**
 * The organisation's default pipeline, created on first need (the first lead
 * without a pipeline, or the first look at the pipelines) rather than at
 * sign-up: organisations created before records existed get it too, and
 * sign-up stays the people feature's business. Two creators racing are
 * settled by the partial unique index; the loser reads the winner's row.
 */
export async function ensureDefaultPipeline(trx: Db, actor: Actor, now: number): Promise<store.PipelineRow> {
  const existing = await store.findDefaultPipeline(trx, actor.orgId);
  if (existing) return existing;
  const row: store.PipelineRow = { ...newRow(actor, undefined, now), name: DEFAULT_PIPELINE.name, stages: JSON.stringify(DEFAULT_PIPELINE.stages), is_default: 1 };
  if (await store.insertDefaultPipeline(trx, row)) {
    await emit(trx, actor, { type: 'pipeline', id: row.id }, 'pipeline.created', { name: row.name, stages: DEFAULT_PIPELINE.stages.map((s) => s.key) }, now);
    return row;
  }
  return (await store.findDefaultPipeline(trx, actor.orgId))!;
}

async function pipelineFor(trx: Db, actor: Actor, pipelineId: string | undefined, now: number): Promise<store.PipelineRow> {
  if (pipelineId === undefined) return ensureDefaultPipeline(trx, actor, now);
  const pipeline = await store.findRecord(trx, 'pipeline', actor.orgId, pipelineId);
  if (!pipeline) throw new NotFound('Pipeline', [{ path: 'pipelineId', message: 'no such pipeline' }]);
  if (pipeline.archived_at !== null) throw Invalid.field('pipelineId', 'the pipeline is archived');
  return pipeline;
}

// --- leads ------------------------------------------------------------------

export function createLead(deps: Deps, actor: Actor, input: CreateLeadInput) {
  return inTransaction(deps, (trx, now) => createLeadIn(trx, { actor, input, now }));
}

/** Creates a lead inside the caller's transaction. */
export async function createLeadIn(trx: Db, { actor, input, now }: NewRecordIn<CreateLeadInput>) {
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('contact', 'contactId', input.contactId)]);
  const pipeline = await pipelineFor(trx, actor, input.pipelineId, now);
  const stage = stageIn(JSON.parse(pipeline.stages) as Stage[], input.stage);
  const base = newRow(actor, input.ownerId, now);
  const row: store.LeadRow = {
    ...base,
    external_refs: await checkExternalRefs(trx, actor.orgId, 'lead', null, input.externalRefs),
    title: input.title,
    contact_id: input.contactId,
    pipeline_id: pipeline.id,
    stage,
    value: input.value,
    source: input.source,
  };
  await store.insertRecord(trx, 'lead', row);
  await store.insertLeadHistory(trx, [leadHistoryRow(row, actor, now, 'stage', null, stage)]);
  await emit(trx, actor, { type: 'lead', id: row.id }, 'lead.created', {
    title: row.title,
    pipelineId: row.pipeline_id,
    stage,
    source: row.source,
    value: row.value,
    contactId: row.contact_id,
    ownerId: row.owner_id,
  }, now);
  return presentRecord('lead', row);
}

export function updateLead(deps: Deps, actor: Actor, change: RecordChange<UpdateLeadInput>) {
  return inTransaction(deps, async (trx, now) => presentRecord('lead', await changeLead(trx, { ...change, actor, now })));
}

/** Changes a lead inside the caller's transaction (automation's update_record acts through this). */
export async function changeLead(trx: Db, { actor, id, input, now, ifVersion }: RecordChangeIn<UpdateLeadInput>): Promise<store.LeadRow> {
  const row = await loadForChange(trx, actor, 'lead', id, ifVersion);
  await checkOwner(trx, actor.orgId, input.ownerId);
  await checkRefs(trx, actor.orgId, [refTo('contact', 'contactId', input.contactId, row.contact_id)]);
  const pipeline = input.pipelineId !== undefined && input.pipelineId !== row.pipeline_id ? await pipelineFor(trx, actor, input.pipelineId, now) : null;
  let stage = row.stage;
  if (pipeline) {
    const stages = JSON.parse(pipeline.stages) as Stage[];
    stage = stageIn(stages, input.stage ?? (stages.some((s) => s.key === row.stage) ? row.stage : undefined));
  } else if (input.stage !== undefined && input.stage !== row.stage) {
    const current = await store.findRecord(trx, 'pipeline', actor.orgId, row.pipeline_id);
    stage = stageIn(current ? (JSON.parse(current.stages) as Stage[]) : [], input.stage);
  }
  const { ownerId, contactId, pipelineId: _pipelineId, stage: _stage, externalRefs, ...fields } = input;
  const external_refs = externalRefs && (await checkExternalRefs(trx, actor.orgId, 'lead', id, externalRefs));
  const set = defined({ ...fields, owner_id: ownerId, contact_id: contactId, pipeline_id: pipeline?.id, stage, external_refs });
  const saved = await saveChange(trx, actor, 'lead', row, set, now);
  if (saved.fields.length === 0) return saved.row;

  const after = saved.row;
  const tracked = (['stage', 'pipeline_id', 'owner_id', 'value'] as const)
    .filter((column) => row[column] !== after[column])
    .map((column) => leadHistoryRow(after, actor, now, HISTORY_FIELD[column], stringOrNull(row[column]), stringOrNull(after[column])));
  await store.insertLeadHistory(trx, tracked);

  const subject = { type: 'lead' as const, id };
  const moved = row.stage !== after.stage || row.pipeline_id !== after.pipeline_id;
  if (moved) {
    await emit(trx, actor, subject, 'lead.stage_changed', { pipelineId: after.pipeline_id, fromPipelineId: row.pipeline_id, fromStage: row.stage, toStage: after.stage }, now);
  }
  const others = saved.fields.filter((f) => !moved || (f !== 'stage' && f !== 'pipelineId'));
  if (others.length > 0) await emit(trx, actor, subject, 'lead.updated', { fields: others, version: after.version }, now);
  return after;
}

const HISTORY_FIELD = { stage: 'stage', pipeline_id: 'pipelineId', owner_id: 'ownerId', value: 'value' } as const;

function stringOrNull(value: string | number | null): string | null {
  return value === null ? null : String(value);
}

function leadHistoryRow(lead: store.LeadRow, actor: Actor, now: number, field: string, from: string | null, to: string | null): store.LeadHistoryRow {
  return { id: newId(), org_id: lead.org_id, lead_id: lead.id, actor_id: actor.userId, at: now, field, from_value: from, to_value: to };
}

export async function leadHistory(deps: Deps, actor: Actor, leadId: string) {
  const lead = await loadRecord(deps.db, 'lead', actor.orgId, leadId);
  const rows = await store.listLeadHistory(deps.db, actor.orgId, lead.id);
  return {
    items: rows.map((r) => ({ id: r.id, at: iso(r.at), actorId: r.actor_id, field: r.field, from: r.from_value, to: r.to_value })),
    nextCursor: null,
  };
}

/** The pipeline and stage of each lead of `ids` that exists in the organisation, by id. */
export async function leadStages(db: Db, orgId: string, ids: string[]): Promise<Map<string, { pipelineId: string; stage: string }>> {
  const rows = await store.leadStages(db, orgId, ids);
  return new Map(rows.map((r) => [r.id, { pipelineId: r.pipeline_id, stage: r.stage }]));
}
