// Playbooks: sets of rules for a trade, installed in one click, routed to record owners or a team.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';
import type { Page } from '../api/types.ts';
import { showToast } from '../shell/toasts.tsx';
import { useTeams } from '../tasks/queries.ts';
import { type Playbook, rulesKey } from './api.ts';
import { eventLabel, type RuleView } from './ruleForm.ts';

export function Playbooks({ onInstalled }: { onInstalled: () => void }) {
  const playbooks = useQuery({ queryKey: ['playbooks'], queryFn: () => api.get<Page<Playbook>>('/api/v1/playbooks').then((p) => p.items), staleTime: Infinity });
  const teams = useTeams();
  const [teamId, setTeamId] = useState('');
  const qc = useQueryClient();
  const install = useMutation({
    mutationFn: (key: string) => api.post<{ installed: RuleView[]; skipped: number }>(`/api/v1/playbooks/${encodeURIComponent(key)}/install`, teamId ? { teamId } : {}),
    onSuccess: (result) => {
      void qc.invalidateQueries({ queryKey: rulesKey });
      showToast(result.installed.length ? `Installed ${result.installed.length} rule${result.installed.length === 1 ? '' : 's'}${result.skipped ? ` (${result.skipped} already there)` : ''}` : 'Already installed — nothing added');
      if (result.installed.length) onInstalled();
    },
    onError: (error) => showToast(`Could not install: ${describeError(error)}`, { tone: 'error' }),
  });
  if (playbooks.error) return <p className="error pad">{describeError(playbooks.error)}</p>;
  return (
    <div className="playbooks">
      <div className="playbook-options">
        <label className="check">
          Route tasks to
          <select value={teamId} onChange={(e) => setTeamId(e.target.value)} aria-label="Route playbook tasks to">
            <option value="">each record’s owner</option>
            {(teams.data ?? []).map((t) => <option key={t.id} value={t.id}>{t.name}, taking turns</option>)}
          </select>
        </label>
      </div>
      <div className="playbook-grid">
        {(playbooks.data ?? []).map((p) => (
          <section key={p.key} className="playbook" aria-label={p.name}>
            <h2>{p.name}</h2>
            <p className="muted">{p.description}</p>
            <ul className="playbook-rules">
              {p.rules.map((r) => <li key={r.key}>{r.name} <span className="muted">({eventLabel(r.trigger).toLowerCase()})</span></li>)}
            </ul>
            <button type="button" className="button button-primary" disabled={install.isPending} onClick={() => install.mutate(p.key)}>Install {p.rules.length} rules</button>
          </section>
        ))}
      </div>
    </div>
  );
}
