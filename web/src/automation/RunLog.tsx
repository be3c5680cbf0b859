// The run log: each time a rule met an event, what it did, refreshed every few seconds.
import { useQuery } from '@tanstack/react-query';
import { api, describeError } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { useTaskDrawer } from '../shell/drawerRoute.ts';
import { formatInstant, timeAgo } from '../shell/format.ts';
import { EmptyState } from '../shell/PageHeader.tsx';
import { type Run, runsKey, useRules } from './api.ts';
import { eventLabel } from './ruleForm.ts';

const OUTCOME_TONE: Record<string, string> = { success: 'good', scheduled: 'info', skipped: 'plain', duplicate: 'plain', failed: 'bad', stopped: 'bad' };
/** Each outcome in words. */
const OUTCOME_WORDS: Record<string, string> = { success: 'Done', scheduled: 'Will run later', skipped: 'Skipped', duplicate: 'Already open', failed: 'Failed', stopped: 'Stopped' };

export function RunLog() {
  const runs = useQuery({ queryKey: runsKey, queryFn: () => api.get<Page<Run>>('/api/v1/automation/runs?limit=100'), refetchInterval: 5_000 });
  const rules = useRules();
  const drawer = useTaskDrawer();
  const names = new Map((rules.data ?? []).map((r) => [r.id, r.name]));
  if (runs.error) return <p className="error pad">{describeError(runs.error)}</p>;
  if (!runs.data) return <p className="muted pad">Loading…</p>;
  if (runs.data.items.length === 0) return <EmptyState title="No runs yet" hint="Each time a rule meets an event, it is logged here with what it did." />;
  return (
    <div className="run-log">
      <table className="table">
        <thead><tr><th>When</th><th>Rule</th><th>Event</th><th>Outcome</th><th>Tasks</th></tr></thead>
        <tbody>
          {runs.data.items.map((run) => (
            <tr key={run.id} data-run-outcome={run.outcome}>
              <td className="nowrap" title={formatInstant(run.at)}>{timeAgo(run.at)}</td>
              <td>{names.get(run.ruleId) ?? <span className="muted">Deleted rule</span>}</td>
              <td>{eventLabel(run.eventType)}</td>
              <td>
                <span className={`outcome outcome-${OUTCOME_TONE[run.outcome] ?? 'plain'}`}>{OUTCOME_WORDS[run.outcome] ?? run.outcome}</span>
                {(run.error || run.detail) && <div className="muted small run-detail">{run.error ?? run.detail}</div>}
              </td>
              <td>
                {run.createdTaskIds.map((id) => <button key={id} type="button" className="link-button" onClick={() => drawer.open(id)}>+1 task</button>)}
                {run.changedTaskIds.length > 0 && <span className="muted small"> {run.changedTaskIds.length} changed</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
