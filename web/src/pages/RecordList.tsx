// Clients, jobs, services and contacts as searchable lists with New (and Export CSV for those an import takes); a row opens the record, a job's status changes in place.
import { useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { describeError } from '../api/client.ts';
import { type Client, type Contact, type Job, KIND_LABEL, PLURAL, type RecordKind, type Service, SERVICE_KIND_LABEL, useRecordList } from '../records/api.ts';
import { JobStatusSelect } from '../records/JobStatus.tsx';
import { ExportCsvLink } from '../records/ExportCsv.tsx';
import { NewRecordButton } from '../records/NewRecord.tsx';
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
  const { when, mine, setJobFilter } = useJobFilter();
  const jobFilter = kind !== 'job' ? {} : { ...JOB_WHEN[when](), technician: mine ? 'me' : undefined };
  const list = useRecordList(kind, { q: q.trim() || undefined, sort: SORT[kind], ...jobFilter });
  const items = list.data?.items ?? [];
  const label = `${KIND_LABEL[kind]}s`;
  return (
    <div className="page">
      <PageHeader title={label}>
        <input type="search" aria-label={`Search ${label.toLowerCase()}`} placeholder={`Search ${label.toLowerCase()}…`} value={q} onChange={(e) => setQ(e.target.value)} />
        {kind === 'job' && (
          <>
            <select aria-label="Which jobs" value={when} onChange={(e) => setJobFilter({ when: e.target.value as JobWhen, mine })}>
              <option value="upcoming">From today</option>
              <option value="today">Today</option>
              <option value="all">All, latest first</option>
            </select>
            <label className="check"><input type="checkbox" checked={mine} onChange={(e) => setJobFilter({ when, mine: e.target.checked })} /> Only mine</label>
          </>
        )}
        {(kind === 'contact' || kind === 'client') && <ExportCsvLink kind={kind} filter={{ q: q.trim() || undefined, sort: SORT[kind] }} />}
        <NewRecordButton kind={kind} />
      </PageHeader>
      <RecordTabs />
      {list.error && <p className="error pad">{describeError(list.error)}</p>}
      {list.data && items.length === 0 ? (
        <EmptyState title={q ? `No ${label.toLowerCase()} match “${q}”` : kind === 'job' && (mine || when !== 'all') ? `No ${mine ? 'jobs of yours' : 'jobs'} ${when === 'today' ? 'today' : 'from today on'}` : `No ${label.toLowerCase()} yet`} />
      ) : (
        <ul className="record-rows" aria-busy={list.isFetching}>
          {items.map((record) => (
            <li key={record.id} className={kind === 'job' ? 'record-item-job' : undefined}>
              {kind === 'job' && <JobStatusSelect job={record as Job} compact />}
              <Link href={`/${PLURAL[kind]}/${record.id}`} className={`record-row record-row-${kind}`}>
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

function startOfToday(plusDays = 0): string {
  const now = new Date();
  return new Date(now.getFullYear(), now.getMonth(), now.getDate() + plusDays).toISOString();
}

// Jobs read soonest first from today, the way a technician plans the day; "Today" is today's, running into it
// included; "All" shows the past too, latest first. "Only mine" keeps the jobs the person works on.
type JobWhen = 'upcoming' | 'today' | 'all';
const JOB_WHEN: Record<JobWhen, () => Record<string, string>> = {
  upcoming: () => ({ scheduledAfter: startOfToday(), sort: 'scheduled' }),
  today: () => ({ scheduledFrom: startOfToday(), scheduledTo: startOfToday(1), sort: 'scheduled' }),
  all: () => ({ sort: '-scheduled' }),
};

/** The jobs list's filter, kept in the address (?when=today&mine=1) so it can be linked to and survives Back. */
function useJobFilter() {
  const search = new URLSearchParams(useSearch());
  const [location, navigate] = useLocation();
  const asked = search.get('when');
  const when: JobWhen = asked === 'today' || asked === 'all' ? asked : 'upcoming';
  const mine = search.get('mine') === '1';
  const setJobFilter = (next: { when: JobWhen; mine: boolean }) => {
    const params = new URLSearchParams(search);
    if (next.when === 'upcoming') params.delete('when');
    else params.set('when', next.when);
    if (next.mine) params.set('mine', '1');
    else params.delete('mine');
    const text = params.toString();
    navigate(`${location}${text ? `?${text}` : ''}`, { replace: true });
  };
  return { when, mine, setJobFilter };
}

function Row({ kind, record }: { kind: ListKind; record: Client | Job | Service | Contact }) {
  if (kind === 'job') {
    const job = record as Job;
    return (
      <>
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
