// Leads as a pipeline board: a column per stage with counts and value; drag a lead to move it to another stage.
import { type CollisionDetection, DndContext, type DragEndEvent, DragOverlay, KeyboardSensor, PointerSensor, pointerWithin, rectIntersection, useDraggable, useDroppable, useSensor, useSensors } from '@dnd-kit/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { api, describeError } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { formatValue, type Lead, recordKeys, useRecordList, usePipelines } from '../records/api.ts';
import { ExportCsvLink } from '../records/ExportCsv.tsx';
import { NewRecordButton } from '../records/NewRecord.tsx';
import { RecordTabs } from '../records/RecordTabs.tsx';
import { timeAgo } from '../shell/format.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { showToast } from '../shell/toasts.tsx';

/** The stage under the pointer takes the lead (the keyboard, which has no pointer, goes by overlap). */
const stageUnderPointer: CollisionDetection = (args) => {
  const hits = pointerWithin(args);
  return hits.length > 0 ? hits : rectIntersection(args);
};

export function Leads() {
  const pipelines = usePipelines();
  const [pipelineId, setPipelineId] = useState('');
  const [q, setQ] = useState('');
  const pipeline = (pipelines.data ?? []).find((p) => p.id === pipelineId) ?? (pipelines.data ?? []).find((p) => p.isDefault) ?? pipelines.data?.[0];
  const filter = { pipeline: pipeline?.id, q: q.trim() || undefined, sort: '-updated' };
  const leads = useRecordList('lead', filter);
  const move = useMoveLead(filter);
  const [dragging, setDragging] = useState<Lead | null>(null);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const byStage = useMemo(() => {
    const map = new Map<string, Lead[]>((pipeline?.stages ?? []).map((s) => [s.key, []]));
    for (const lead of leads.data?.items ?? []) map.get(lead.stage)?.push(lead);
    return map;
  }, [leads.data, pipeline]);

  const onDragEnd = (event: DragEndEvent) => {
    setDragging(null);
    const lead = event.active.data.current?.lead as Lead | undefined;
    const stage = event.over?.id as string | undefined;
    if (lead && stage && lead.stage !== stage) move.mutate({ lead, stage });
  };

  return (
    <div className="page page-wide">
      <PageHeader title="Leads" subtitle={pipeline ? `${pipeline.name} pipeline — drag a lead to change its stage` : undefined}>
        <input type="search" aria-label="Search leads" placeholder="Search leads…" value={q} onChange={(e) => setQ(e.target.value)} />
        {(pipelines.data?.length ?? 0) > 1 && (
          <select aria-label="Pipeline" value={pipeline?.id ?? ''} onChange={(e) => setPipelineId(e.target.value)}>
            {pipelines.data!.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        )}
        <ExportCsvLink kind="lead" filter={{ pipeline: pipeline?.id, q: filter.q }} />
        <NewRecordButton kind="lead" preset={pipeline && !pipeline.isDefault ? { pipelineId: pipeline.id } : undefined} />
      </PageHeader>
      <RecordTabs />
      {(leads.error || pipelines.error) && <p className="error pad">{describeError(leads.error ?? pipelines.error)}</p>}
      <DndContext sensors={sensors} collisionDetection={stageUnderPointer} onDragStart={(e) => setDragging((e.active.data.current?.lead as Lead) ?? null)} onDragCancel={() => setDragging(null)} onDragEnd={onDragEnd}>
        <div className="board pipeline">
          {(pipeline?.stages ?? []).map((stage) => (
            <StageColumn key={stage.key} stageKey={stage.key} name={stage.name} leads={byStage.get(stage.key) ?? []} />
          ))}
        </div>
        <DragOverlay>{dragging && <LeadCard lead={dragging} overlay />}</DragOverlay>
      </DndContext>
    </div>
  );
}

/** PATCH the lead's stage, showing the move at once and putting it back if the server refuses. */
function useMoveLead(filter: Record<string, string | undefined>) {
  const qc = useQueryClient();
  const key = recordKeys.list('lead', filter);
  return useMutation({
    mutationFn: ({ lead, stage }: { lead: Lead; stage: string }) => api.patch<Lead>(`/api/v1/leads/${encodeURIComponent(lead.id)}`, { stage }, { 'if-match': `"${lead.version}"` }),
    onMutate: async ({ lead, stage }) => {
      await qc.cancelQueries({ queryKey: key });
      const before = qc.getQueryData<Page<Lead>>(key);
      qc.setQueryData<Page<Lead>>(key, (page) => page && { ...page, items: page.items.map((l) => (l.id === lead.id ? { ...l, stage } : l)) });
      return { before };
    },
    onError: (error, { lead }, context) => {
      if (context?.before) qc.setQueryData(key, context.before);
      showToast(`Could not move “${lead.title}”: ${describeError(error)}`, { tone: 'error' });
    },
    onSuccess: (saved) => {
      qc.setQueryData<Page<Lead>>(key, (page) => page && { ...page, items: page.items.map((l) => (l.id === saved.id ? saved : l)) });
      void qc.invalidateQueries({ queryKey: recordKeys.one('lead', saved.id) });
    },
    onSettled: () => void qc.invalidateQueries({ queryKey: ['records', 'lead'] }),
  });
}

function StageColumn({ stageKey, name, leads }: { stageKey: string; name: string; leads: Lead[] }) {
  const { setNodeRef, isOver } = useDroppable({ id: stageKey });
  const total = leads.reduce((sum, l) => sum + (l.value ?? 0), 0);
  return (
    <section ref={setNodeRef} className={`column stage-${stageKey} ${isOver ? 'column-over' : ''}`} aria-label={name} data-stage={stageKey}>
      <h2 className="column-title">
        <span className="stage-dot" aria-hidden="true" /> {name}
        <span className="count" data-testid={`stage-count-${stageKey}`}>{leads.length}</span>
        <span className="spacer" />
        {total > 0 && <span className="stage-total">{formatValue(total)}</span>}
      </h2>
      <ul className="cards">
        {leads.map((lead) => <DraggableLead key={lead.id} lead={lead} />)}
        {leads.length === 0 && <li className="column-empty muted">No leads</li>}
      </ul>
    </section>
  );
}

function DraggableLead({ lead }: { lead: Lead }) {
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: lead.id, data: { lead } });
  const [, navigate] = useLocation();
  return (
    <li ref={setNodeRef} {...attributes} {...listeners} className={`card-slot ${isDragging ? 'card-dragging' : ''}`} data-lead-id={lead.id} onClick={() => navigate(`/leads/${lead.id}`)}>
      <LeadCard lead={lead} />
    </li>
  );
}

function LeadCard({ lead, overlay }: { lead: Lead; overlay?: boolean }) {
  return (
    <div className={`card ${overlay ? 'card-overlay' : ''}`}>
      <div className="card-title">
        <Link href={`/leads/${lead.id}`} className="card-link" onClick={(e) => e.stopPropagation()}>{lead.title}</Link>
      </div>
      <div className="card-meta">
        {lead.value !== null && <span className="lead-value">{formatValue(lead.value)}</span>}
        {lead.source && <span className="chip">{lead.source.replace(/_/g, ' ')}</span>}
        <span className="spacer" />
        <span className="due" title={`Updated ${lead.updatedAt}`}>{timeAgo(lead.updatedAt)}</span>
      </div>
    </div>
  );
}
