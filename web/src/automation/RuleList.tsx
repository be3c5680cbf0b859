// The rules, each with its on/off switch, what it does in a sentence, how often it fired, and a dry run.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';
import { EmptyState } from '../shell/PageHeader.tsx';
import { showToast } from '../shell/toasts.tsx';
import { useTeams, useUsers } from '../tasks/queries.ts';
import { type DryRunResult, rulesKey, useRules } from './api.ts';
import { confirmTurningOn, DryRun } from './DryRun.tsx';
import type { RuleView } from './ruleForm.ts';
import { RuleStats } from './RuleStats.tsx';
import { ruleSentence } from './sentences.ts';

export function RuleList({ onEdit }: { onEdit: (rule: RuleView) => void }) {
  const rules = useRules();
  const qc = useQueryClient();
  const [trying, setTrying] = useState<string | null>(null);
  const users = useUsers();
  const teams = useTeams();
  // A condition on a person, a team or another rule reads by its name, not its id.
  const names = new Map<string, string>([...(users.data ?? []), ...(teams.data ?? []), ...(rules.data ?? [])].map((x) => [x.id, x.name]));
  const toggle = useMutation({
    mutationFn: async (rule: RuleView) => {
      if (!rule.enabled) {
        // Turning on asks first when the last 30 days say the rule would make many tasks.
        const tried = await api.post<DryRunResult>(`/api/v1/rules/${encodeURIComponent(rule.id)}/dry-run`, { days: 30 });
        if (!confirmTurningOn(tried)) return null;
      }
      return api.patch<RuleView>(`/api/v1/rules/${encodeURIComponent(rule.id)}`, { enabled: !rule.enabled }, { 'if-match': `"${rule.version}"` });
    },
    onSuccess: (saved) => {
      if (!saved) return;
      qc.setQueryData<RuleView[]>(rulesKey, (list) => list?.map((r) => (r.id === saved.id ? saved : r)));
      showToast(`${saved.name}: ${saved.enabled ? 'on' : 'off'}`);
    },
    onError: (error) => {
      showToast(`Could not change the rule: ${describeError(error)}`, { tone: 'error' });
      void qc.invalidateQueries({ queryKey: rulesKey });
    },
  });
  if (rules.error) return <p className="error pad">{describeError(rules.error)}</p>;
  if (!rules.data) return <p className="muted pad">Loading…</p>;
  if (rules.data.length === 0) return <EmptyState title="No rules yet" hint="Build one with + New rule, or install a playbook for your trade." />;
  return (
    <ul className="rule-list">
      {rules.data.map((rule) => (
        <li key={rule.id} className={`rule ${rule.enabled ? '' : 'rule-off'}`} data-rule-id={rule.id}>
          <div className="rule-row">
            <label className="switch" title={rule.enabled ? 'On: turn off' : 'Off: turn on'}>
              <input type="checkbox" role="switch" checked={rule.enabled} aria-label={`${rule.name} enabled`} onChange={() => toggle.mutate(rule)} />
              <span className="switch-track" aria-hidden="true" />
            </label>
            <div className="rule-text">
              <div className="rule-name">{rule.name} {rule.playbook && <span className="chip">playbook</span>}</div>
              <div className="rule-when muted">{ruleSentence(rule, (id) => names.get(id))}</div>
              <RuleStats stats={rule.stats} />
            </div>
            <div className="rule-buttons">
              <button type="button" className="button" onClick={() => setTrying(trying === rule.id ? null : rule.id)} aria-expanded={trying === rule.id}>Dry run</button>
              <button type="button" className="button" onClick={() => onEdit(rule)}>Edit</button>
            </div>
          </div>
          {trying === rule.id && <DryRun rule={rule} />}
        </li>
      ))}
    </ul>
  );
}
