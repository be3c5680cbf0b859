// Clients, jobs, services and contacts as searchable lists; a row opens the record.
import { useState } from 'react';
import { Link } from 'wouter';
import { describeError } from '../api/client.ts';
import { type Client, type Contact, type Job, JOB_STATUS_LABEL, KIND_LABEL, PLURAL, type RecordKind, type Service, SERVICE_KIND_LABEL, useRecordList } from '../records/api.ts';
import { RecordTabs } from '../records/RecordTabs.tsx';
import { formatDue } from '../shell/format.ts';
import { EmptyState, PageHeader } from '../shell/PageHeader.tsx';

type ListKind = Exclude<RecordKind, 'lead'>;
const SORT: Record<ListKind, string> = { client: 'name', contact: 'name', job: '-scheduled', service: 'due' };

export const Clients = () => <RecordList kind="client" />;
export const Jobs = () => <RecordList kind="job" />;
export const Services = () => <RecordList kind="service" />;
export const Contacts = () => <RecordList kind="contact" />;

function RecordList({ kind }: { kind: ListKind }) {
  const [q, setQ] = useState('');
  const list = useRecordList(kind, { q: q.trim() || undefined, sort: SORT[kind] });
  const items = list.data?.items ?? [];
  const label = `${KIND_LABEL[kind]}s`;
  return (
    <div className="page">
      <PageHeader title={label}>
        <input type="search" aria-label={`Search ${label.toLowerCase()}`} placeholder={`Search ${label.toLowerCase()}…`} value={q} onChange={(e) => setQ(e.target.value)} />
      </PageHeader>
      <RecordTabs />
      {list.error && <p className="error pad">{describeError(list.error)}</p>}
      {list.data && items.length === 0 ? (
        <EmptyState title={q ? `No ${label.toLowerCase()} match “${q}”` : `No ${label.toLowerCase()} yet`} />
      ) : (
        <ul className="record-rows" aria-busy={list.isFetching}>
          {items.map((record) => (
            <li key={record.id}>
              <Link href={`/${PLURAL[kind]}/${record.id}`} className="record-row">
                <Row kind={kind} record={record} />
              </Link>
            </li>
          ))}
        </ul>
      )}
      {list.data?.nextCursor && <p className="muted pad small">Showing the first {items.length}; search to narrow down.</p>}
    </div>
  );
}

function Row({ kind, record }: { kind: ListKind; record: Client | Job | Service | Contact }) {
  if (kind === 'job') {
    const job = record as Job;
    return (
      <>
        <span className={`job-status job-${job.status}`}>{JOB_STATUS_LABEL[job.status]}</span>
        <span className="record-row-title">{job.title}</span>
        <span className="record-row-sub muted">{job.address}</span>
        <span className="record-row-end due">{job.scheduledStart ? formatDue(job.scheduledStart) : 'Not scheduled'}</span>
      </>
    );
  }
  if (kind === 'service') {
    const service = record as Service;
    const late = service.nextDueAt !== null && Date.parse(service.nextDueAt) < Date.now();
    return (
      <>
        <span className="chip">{SERVICE_KIND_LABEL[service.kind] ?? service.kind}</span>
        <span className="record-row-title">{service.title}</span>
        <span className={`record-row-end due ${late ? 'due-overdue' : ''}`}>{service.nextDueAt ? `Due ${formatDue(service.nextDueAt)}` : 'No due date'}</span>
      </>
    );
  }
  const named = record as Client | Contact;
  return (
    <>
      <span className="record-row-title">{named.name}</span>
      <span className="record-row-sub muted">{named.address}</span>
      {'phone' in named && named.phone && <span className="record-row-end muted">{named.phone}</span>}
    </>
  );
}
