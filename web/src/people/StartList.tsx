// A new business's first steps, shown on My work until all are done. Each step
// ticks itself from the business's data (GET /api/v1/me/start), not from this browser.
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api } from '../api/client.ts';
import { RIGHT_HOLDERS, usePermissions } from './rights.ts';

interface Steps {
  team: boolean;
  playbook: boolean;
  lead: boolean;
  task: boolean;
}

export function StartList() {
  const may = usePermissions();
  const steps = useQuery({
    queryKey: ['start-list'],
    queryFn: () => api.get<Steps>('/api/v1/me/start'),
    staleTime: 5_000,
    // Not every step is a task change the live stream reports (a teammate joining, a playbook installed): look again while steps are left.
    refetchInterval: (query) => (query.state.data && Object.values(query.state.data).every(Boolean) ? false : 5_000),
  });
  if (!steps.data || Object.values(steps.data).every(Boolean)) return null;
  const done = steps.data;
  const left = Object.values(done).filter((d) => !d).length;
  return (
    <section className="start-list" aria-label="Getting started">
      <h2 className="section-title">Getting started <span className="count">{left} to go</span></h2>
      <ol>
        <Step done={done.team} label="Add your team">
          {may.has('managePeople') ? <Link href="/settings">Invite people in Settings</Link> : <span className="muted" title={RIGHT_HOLDERS.managePeople}>An admin invites people in Settings</span>}
        </Step>
        <Step done={done.playbook} label="Install a playbook for your trade">
          {may.has('manageAutomation') ? (
            <Link href="/automation">Ready rules for cleaning, plumbing, HVAC or electrical work</Link>
          ) : (
            <span className="muted" title={RIGHT_HOLDERS.manageAutomation}>A manager installs one under Automation</span>
          )}
        </Step>
        <Step done={done.lead} label="Add a lead">
          <Link href="/leads">New lead under Records</Link>
        </Step>
        <Step done={done.task} label="Add a task">
          <span className="muted">Press <kbd>c</kbd> anywhere, or + New task</span>
        </Step>
      </ol>
    </section>
  );
}

function Step({ done, label, children }: { done: boolean; label: string; children: React.ReactNode }) {
  return (
    <li className={`start-step ${done ? 'done' : ''}`} data-done={done}>
      <span className="start-tick" aria-hidden="true">{done ? '✓' : ''}</span>
      <span className="start-text">
        <span className="start-label">{done ? <s>{label}</s> : label}</span>
        {done ? <span className="visually-hidden"> (done)</span> : <span className="start-how">{children}</span>}
      </span>
    </li>
  );
}
