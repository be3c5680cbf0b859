// A rule tried on past events: what it would have created or changed, with nothing written.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';
import { PRIORITY_LABEL } from '../api/types.ts';
import { formatDue, formatInstant } from '../shell/format.ts';
import { useUserMap } from '../tasks/useUserMap.ts';
import type { DryRunResult } from './api.ts';
import { eventLabel, type RuleView } from './ruleForm.ts';

/** Turning a rule on asks first when it would have made more than this many tasks in the last 30 days. */
export const CONFIRM_ABOVE = 20;

/** "This rule would have created 34 tasks in the last 30 days. Turn it on?" — asked only above CONFIRM_ABOVE. */
export function confirmTurningOn(result: Pick<DryRunResult, 'wouldCreate'>): boolean {
  if (result.wouldCreate <= CONFIRM_ABOVE) return true;
  return window.confirm(`This rule would have created ${result.wouldCreate} tasks in the last 30 days. Turn it on?`);
}

export function DryRun({ rule }: { rule: RuleView }) {
  const [days, setDays] = useState(30);
  const run = useQuery({
    queryKey: ['dry-run', rule.id, rule.version, days],
    queryFn: () => api.post<DryRunResult>(`/api/v1/rules/${encodeURIComponent(rule.id)}/dry-run`, { days }),
    staleTime: Infinity,
  });
  return (
    <div className="dry-run" aria-label={`Dry run of ${rule.name}`} aria-busy={run.isFetching}>
      <div className="dry-run-head">
        <span>What this rule would have done over the last</span>
        <select aria-label="Days to replay" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 30, 90].map((d) => <option key={d} value={d}>{d} days</option>)}
        </select>
        <span className="muted">— nothing is written</span>
      </div>
      <DryRunOutcome data={run.data} error={run.error} />
    </div>
  );
}

/** What a dry run found: how many tasks, and the first twenty, each as of its event. */
export function DryRunOutcome({ data, error }: { data: DryRunResult | undefined; error: unknown }) {
  const users = useUserMap();
  const created = data?.results.filter((r) => r.wouldCreate.length > 0) ?? [];
  return (
    <>
      {error ? <p className="error">{describeError(error)}</p> : null}
      {data && (
        <>
          <p className="dry-run-summary" data-testid="dry-run-summary">
            <strong>{data.wouldCreate}</strong> {plural(data.wouldCreate, 'task', 'tasks')} would have been created
            {data.wouldChange > 0 && <>, <strong>{data.wouldChange}</strong> changed</>}, from {data.eventsConsidered} {plural(data.eventsConsidered, 'event', 'events')}
            {data.truncated && ' (the most recent ones only)'}.
          </p>
          {created.length > 0 && <p className="muted small">Each task is worked out as of its event: due dates from then in business hours, and who was in then.</p>}
          {created.length > 0 && (
            <ul className="dry-run-list">
              {created.slice(0, CONFIRM_ABOVE).flatMap((r) =>
                r.wouldCreate.map((t, i) => (
                  <li key={`${r.eventId}-${i}`}>
                    <span className="dry-run-title">{t.title}</span>
                    {t.priority !== 'normal' && <span className={`priority priority-${t.priority}`}>{PRIORITY_LABEL[t.priority as keyof typeof PRIORITY_LABEL] ?? t.priority}</span>}
                    <span className="muted small-name">{t.assigneeId ? (users.get(t.assigneeId)?.name ?? 'someone') : 'unassigned'}</span>
                    {t.dueAt && <span className="due">due {formatDue(t.dueAt)}</span>}
                    <span className="muted small-name">{eventLabel(r.eventType)}, {formatInstant(r.occurredAt)}{r.asOf !== r.occurredAt && ` (acting ${formatInstant(r.asOf)})`}</span>
                    {t.cannotReconstruct.length > 0 && <span className="dry-run-unknown muted">Cannot tell as of then: {t.cannotReconstruct.join(' ')}</span>}
                  </li>
                )),
              )}
            </ul>
          )}
        </>
      )}
    </>
  );
}

const pluralRules = new Intl.PluralRules('en');
const plural = (n: number, one: string, other: string) => (pluralRules.select(n) === 'one' ? one : other);
