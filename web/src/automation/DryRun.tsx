// A rule tried on past events: what it would have created or changed, with nothing written.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';
import { PRIORITY_LABEL } from '../api/types.ts';
import { formatDue, formatInstant, timeAgo } from '../shell/format.ts';
import { useUserMap } from '../tasks/useUserMap.ts';
import type { DryRunResult } from './api.ts';
import { lowerFirst } from './labels.ts';
import { eventLabel, type RuleView } from './ruleForm.ts';

export function DryRun({ rule }: { rule: RuleView }) {
  const [days, setDays] = useState(30);
  const users = useUserMap();
  const run = useQuery({
    queryKey: ['dry-run', rule.id, rule.version, days],
    queryFn: () => api.post<DryRunResult>(`/api/v1/rules/${encodeURIComponent(rule.id)}/dry-run`, { days }),
    staleTime: Infinity,
  });
  const created = run.data?.results.filter((r) => r.wouldCreate.length > 0) ?? [];
  return (
    <div className="dry-run" aria-label={`Dry run of ${rule.name}`} aria-busy={run.isFetching}>
      <div className="dry-run-head">
        <span>What this rule would have done over the last</span>
        <select aria-label="Days to replay" value={days} onChange={(e) => setDays(Number(e.target.value))}>
          {[7, 30, 90].map((d) => <option key={d} value={d}>{d} days</option>)}
        </select>
        <span className="muted">— nothing is written</span>
      </div>
      {run.error && <p className="error">{describeError(run.error)}</p>}
      {run.data && (
        <>
          <p className="dry-run-summary" data-testid="dry-run-summary">
            <strong>{run.data.wouldCreate}</strong> task{run.data.wouldCreate === 1 ? '' : 's'} would have been created
            {run.data.wouldChange > 0 && <>, <strong>{run.data.wouldChange}</strong> changed</>}, from {run.data.eventsConsidered} event{run.data.eventsConsidered === 1 ? '' : 's'}
            {run.data.truncated && ' (the most recent ones only)'}.
          </p>
          {created.length > 0 && <p className="muted small">Each task is worked out as of its event: due dates from then in business hours, and who was in then.</p>}
          {created.length > 0 && (
            <ul className="dry-run-list">
              {created.slice(0, 20).flatMap((r) =>
                r.wouldCreate.map((t, i) => (
                  <li key={`${r.eventId}-${i}`}>
                    <span className="dry-run-title">{t.title}</span>
                    {t.priority !== 'normal' && <span className={`priority priority-${t.priority}`}>{PRIORITY_LABEL[t.priority as keyof typeof PRIORITY_LABEL] ?? t.priority}</span>}
                    <span className="muted small-name">{t.assigneeId ? (users.get(t.assigneeId)?.name ?? 'someone') : 'unassigned'}</span>
                    {t.dueAt && <span className="due">due {formatDue(t.dueAt)}</span>}
                    <span className="muted small-name">as of {formatInstant(r.asOf)}: {lowerFirst(eventLabel(r.eventType))}{r.asOf !== r.occurredAt && ` ${timeAgo(r.occurredAt)}`}</span>
                    {t.cannotReconstruct.length > 0 && <span className="dry-run-unknown muted">Cannot tell as of then: {t.cannotReconstruct.join(' ')}</span>}
                  </li>
                )),
              )}
            </ul>
          )}
        </>
      )}
    </div>
  );
}
