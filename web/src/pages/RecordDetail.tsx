// One record's page: who to call and where to go, where it stands (stage, schedule, a job's status), its open tasks,
// Add task, Edit in place, and the records that start from it (a contact's new lead, a client's new job).
import { RecordPhotos } from '../attachments/RecordPhotos.tsx';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { Link, useParams } from 'wouter';
import { api, describeError } from '../api/client.ts';
import type { NewTask, Task } from '../api/types.ts';
import {
  type Client,
  type Contact,
  formatValue,
  type Job,
  KIND_LABEL,
  type Lead,
  mapsUrl,
  PLURAL,
  type RecordDetail as Detail,
  type RecordKind,
  recordKeys,
  recordName,
  type Service,
  SERVICE_KIND_LABEL,
  telUrl,
  usePipelines,
  useRecord,
} from '../records/api.ts';
import { formatInstant } from '../shell/format.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { showToast } from '../shell/toasts.tsx';
import { DueLabel, PriorityMark, StatusIcon } from '../tasks/bits.tsx';
import { keys, useMe } from '../tasks/queries.ts';
import { useUserMap } from '../tasks/useUserMap.ts';
import { ServicePlan } from '../plans/ServicePlan.tsx';
import { JobStatusSelect } from '../records/JobStatus.tsx';
import { NewRecordButton } from '../records/NewRecord.tsx';
import { RecordForm } from '../records/RecordForm.tsx';
import { openInLabel, safeUrl, sourceName } from '../records/sources.ts';

export const LeadDetail = () => <RecordDetail kind="lead" />;
export const ClientDetail = () => <RecordDetail kind="client" />;
export const JobDetail = () => <RecordDetail kind="job" />;
export const ServiceDetail = () => <RecordDetail kind="service" />;
export const ContactDetail = () => <RecordDetail kind="contact" />;

function RecordDetail({ kind }: { kind: RecordKind }) {
  const { id } = useParams<{ id: string }>();
  const record = useRecord(kind, id);
  const [editing, setEditing] = useState(false);
  const back = `/${PLURAL[kind]}`;
  if (record.error) {
    return (
      <div className="page">
        <PageHeader title={`${KIND_LABEL[kind]} not found`} />
        <p className="pad">{describeError(record.error)} — <Link href={back}>back to {PLURAL[kind]}</Link></p>
      </div>
    );
  }
  if (!record.data) return <p className="muted pad" aria-busy="true">Loading…</p>;
  const data = record.data;
  return (
    <div className="page record-page">
      <div className="crumbs"><Link href={back}>{KIND_LABEL[kind]}s</Link> <span aria-hidden="true">/</span></div>
      <PageHeader title={recordName(kind, data)} subtitle={KIND_LABEL[kind]}>
        {kind === 'lead' && <LeadStage lead={data as Detail<'lead'>} />}
        {kind === 'job' && <JobStatusSelect job={data as Job} />}
        {kind === 'contact' && <NewRecordButton kind="lead" preset={{ contactId: data.id }} className="button" />}
        {kind === 'client' && <NewRecordButton kind="job" preset={{ clientId: data.id, address: (data as Client).address }} className="button" />}
      </PageHeader>
      <div className="record-layout">
        <div className="record-main">
          <RecordTasks kind={kind} record={data} />
          <RecordPhotos kind={kind} recordId={data.id} />
        </div>
        <aside className="record-side">
          {editing ? (
            <section className="record-section" aria-label={`Edit ${KIND_LABEL[kind].toLowerCase()}`}>
              <RecordForm
                kind={kind}
                record={data}
                onCancel={() => setEditing(false)}
                onDone={() => {
                  setEditing(false);
                  showToast('Saved');
                }}
              />
            </section>
          ) : (
            <Facts kind={kind} record={data} onEdit={() => setEditing(true)} />
          )}
          {kind === 'service' && <ServicePlan serviceId={data.id} />}
        </aside>
      </div>
    </div>
  );
}

function LeadStage({ lead }: { lead: Detail<'lead'> }) {
  const pipelines = usePipelines();
  const qc = useQueryClient();
  const pipeline = pipelines.data?.find((p) => p.id === lead.pipelineId);
  const change = useMutation({
    mutationFn: (stage: string) => api.patch<Lead>(`/api/v1/leads/${encodeURIComponent(lead.id)}`, { stage }, { 'if-match': `"${lead.version}"` }),
    onSuccess: () => showToast('Stage changed'),
    onError: (error) => showToast(`Could not change the stage: ${describeError(error)}`, { tone: 'error' }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: recordKeys.one('lead', lead.id) });
      void qc.invalidateQueries({ queryKey: ['records', 'lead'] });
    },
  });
  if (!pipeline) return <span className="chip stage-chip">{lead.stage}</span>;
  return (
    <div className="stage-steps" role="group" aria-label="Stage">
      {pipeline.stages.map((s) => (
        <button key={s.key} type="button" className={`stage-step ${s.key === lead.stage ? 'current' : ''} stage-${s.key}`} aria-pressed={s.key === lead.stage} disabled={change.isPending} onClick={() => s.key !== lead.stage && change.mutate(s.key)}>
          {s.name}
        </button>
      ))}
    </div>
  );
}

function RecordTasks({ kind, record }: { kind: RecordKind; record: Detail<RecordKind> }) {
  const drawer = useTaskDrawer();
  const users = useUserMap();
  const { counts, open } = record.tasks;
  return (
    <section className="record-section" aria-label="Tasks">
      <div className="record-section-head">
        <h2>Open tasks</h2>
        <div className="task-counts">
          <span className="count-pill" data-testid="count-open">{counts.open} open</span>
          <span className={`count-pill ${counts.overdue ? 'count-bad' : ''}`} data-testid="count-overdue">{counts.overdue} overdue</span>
          <span className="count-pill count-good" data-testid="count-done">{counts.done} done</span>
        </div>
      </div>
      <AddTask kind={kind} record={record} />
      {open.length === 0 ? (
        <p className="muted record-empty">Nothing open for this {KIND_LABEL[kind].toLowerCase()}.</p>
      ) : (
        <ul className="task-list record-task-list">
          {open.map((task) => (
            <li key={task.id} className="task-row" onClick={() => drawer.open(task.key)} data-task-key={task.key}>
              <StatusIcon status={task.status} />
              <span className="task-key">{task.key}</span>
              <PriorityMark priority={task.priority} />
              <span className="task-title">{task.title}</span>
              <span className="row-end">
                <DueLabel task={task} />
                <span className="muted small-name">{task.assigneeId ? (users.get(task.assigneeId)?.name ?? '') : 'Unowned'}</span>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function AddTask({ kind, record }: { kind: RecordKind; record: Detail<RecordKind> }) {
  const [title, setTitle] = useState('');
  const [open, setOpen] = useState(false);
  const me = useMe();
  const qc = useQueryClient();
  const drawer = useTaskDrawer();
  const create = useMutation({
    mutationFn: (body: NewTask) => api.post<Task>('/api/v1/tasks', body),
    onSuccess: (task) => {
      setTitle('');
      setOpen(false);
      showToast(`${task.key} added`);
      void qc.invalidateQueries({ queryKey: recordKeys.one(kind, record.id) });
      void qc.invalidateQueries({ queryKey: keys.taskLists });
    },
    onError: (error) => showToast(`Could not add the task: ${describeError(error)}`, { tone: 'error' }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!title.trim()) return;
    create.mutate({ title: title.trim(), assigneeId: me.data?.user.id ?? null, links: [{ type: kind, id: record.id }] });
  };
  if (!open) {
    return (
      <button type="button" className="button add-task" onClick={() => setOpen(true)}>
        + Add task
      </button>
    );
  }
  return (
    <form className="add-task-form" onSubmit={submit}>
      <input autoFocus aria-label="Task title" placeholder={`What needs doing for ${recordName(kind, record)}?`} value={title} onChange={(e) => setTitle(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)} maxLength={200} />
      <button type="submit" className="button button-primary" disabled={!title.trim() || create.isPending}>Add</button>
      <button type="button" className="button" onClick={() => setOpen(false)}>Cancel</button>
      {drawer.openKey === null && <span className="hint muted small">Linked to this {KIND_LABEL[kind].toLowerCase()}, assigned to you</span>}
    </form>
  );
}

function Facts({ kind, record, onEdit }: { kind: RecordKind; record: Detail<RecordKind>; onEdit: () => void }) {
  const users = useUserMap();
  const owner = record.ownerId ? users.get(record.ownerId)?.name : null;
  const rows: [string, ReactNode][] = [];
  let contactId: string | null = null;
  let clientId: string | null = null;
  if (kind === 'contact') {
    const c = record as Contact;
    rows.push(...contactRows(c));
    if (c.notes) rows.push(['Notes', <span className="notes">{c.notes}</span>]);
  } else if (kind === 'client') {
    const c = record as Client;
    if (c.address) rows.push(['Address', <AddressLink address={c.address} />]);
    if (c.notes) rows.push(['Notes', <span className="notes">{c.notes}</span>]);
    contactId = c.contactIds[0] ?? null;
  } else if (kind === 'lead') {
    const l = record as Lead;
    if (l.value !== null) rows.push(['Value', formatValue(l.value)]);
    if (l.source) rows.push(['Source', l.source.replace(/_/g, ' ')]);
    contactId = l.contactId;
  } else if (kind === 'job') {
    const j = record as Job;
    rows.push(['Scheduled', j.scheduledStart ? <span data-testid="job-scheduled">{formatInstant(j.scheduledStart)}{j.scheduledEnd ? ` – ${formatInstant(j.scheduledEnd)}` : ''}</span> : 'Not scheduled']);
    if (j.address) rows.push(['Address', <AddressLink address={j.address} />]);
    if (j.technicianIds.length) rows.push(['Technicians', j.technicianIds.map((t) => users.get(t)?.name ?? 'Former member').join(', ')]);
    clientId = j.clientId;
  } else {
    const s = record as Service;
    rows.push(['Kind', SERVICE_KIND_LABEL[s.kind] ?? s.kind]);
    rows.push(['Next due', s.nextDueAt ? formatInstant(s.nextDueAt) : '—']);
    clientId = s.clientId;
    if (s.jobId) rows.push(['Job', <RelatedLink kind="job" id={s.jobId} />]);
  }
  if (owner) rows.push(['Owner', owner]);
  return (
    <>
      <section className="record-section facts" aria-label="Details">
        <div className="facts-head">
          <h3 className="facts-title">Details</h3>
          <button type="button" className="button button-small" onClick={onEdit}>Edit</button>
        </div>
        <dl className="facts-list">
          {rows.map(([label, value]) => (
            <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
          ))}
        </dl>
      </section>
      <ElsewhereLinks refs={record.externalRefs} />
      {clientId && <RelatedClient id={clientId} />}
      {contactId && <RelatedContact id={contactId} />}
    </>
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The same record in the business's other systems: "Open in HubSpot" where there is a link back, else that system's id for it. */
function ElsewhereLinks({ refs }: { refs: { source: string; id: string; url?: string }[] }) {
  if (refs.length === 0) return null;
  return (
    <section className="record-section facts" aria-label="In other systems">
      <h3 className="facts-title">In other systems</h3>
      <ul className="elsewhere-list">
        {refs.map((ref) => {
          const url = safeUrl(ref.url);
          return (
            <li key={ref.source}>
              {url ? (
                <a className="tap-link" href={url} target="_blank" rel="noopener noreferrer" title={`${sourceName(ref.source)}: ${ref.id}`}>{openInLabel(ref.source)} ↗</a>
              ) : (
                <span><span className="muted">{capitalised(sourceName(ref.source))}:</span> <span className="elsewhere-id">{ref.id}</span></span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function contactRows(c: Contact): [string, ReactNode][] {
  const rows: [string, ReactNode][] = [];
  if (c.phone) rows.push(['Phone', <a className="tap-link tap-call" href={telUrl(c.phone)} aria-label={`Call ${c.phone}`}>{c.phone}</a>]);
  if (c.email) rows.push(['Email', <a className="tap-link" href={`mailto:${c.email}`}>{c.email}</a>]);
  if (c.address) rows.push(['Address', <AddressLink address={c.address} />]);
  return rows;
}

function AddressLink({ address }: { address: string }) {
  return <a className="tap-link" href={mapsUrl(address)} target="_blank" rel="noreferrer" aria-label={`Open ${address} in maps`}>{address} ↗</a>;
}

function RelatedContact({ id }: { id: string }) {
  const contact = useRecord('contact', id);
  if (!contact.data) return null;
  return (
    <section className="record-section facts" aria-label="Contact">
      <h3 className="facts-title">Contact · <Link href={`/contacts/${id}`}>{contact.data.name}</Link></h3>
      <dl className="facts-list">
        {contactRows(contact.data).map(([label, value]) => (
          <div key={label}><dt>{label}</dt><dd>{value}</dd></div>
        ))}
      </dl>
    </section>
  );
}

function RelatedClient({ id }: { id: string }) {
  const client = useRecord('client', id);
  if (!client.data) return null;
  return (
    <>
      <section className="record-section facts" aria-label="Client">
        <h3 className="facts-title">Client · <Link href={`/clients/${id}`}>{client.data.name}</Link></h3>
        {client.data.address && <dl className="facts-list"><div><dt>Address</dt><dd><AddressLink address={client.data.address} /></dd></div></dl>}
      </section>
      {client.data.contactIds[0] && <RelatedContact id={client.data.contactIds[0]} />}
    </>
  );
}

function RelatedLink({ kind, id }: { kind: RecordKind; id: string }) {
  const record = useRecord(kind, id);
  return <Link href={`/${PLURAL[kind]}/${id}`}>{record.data ? recordName(kind, record.data) : '…'}</Link>;
}
