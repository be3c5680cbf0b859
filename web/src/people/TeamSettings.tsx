// Teams: who is in each, for assigning work to a team.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { describeError } from '../api/client.ts';
import type { Team } from '../api/types.ts';
import { showToast } from '../shell/toasts.tsx';
import { keys, useTeams, useUsers } from '../tasks/queries.ts';
import { type Errors, errorsOf, FieldError, save } from './settingsForm.tsx';

export function Teams({ canEdit }: { canEdit: boolean }) {
  const teams = useTeams();
  const users = useUsers();
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Errors>({});
  const [name, setName] = useState('');
  const people = users.data ?? [];
  const change = async (team: Team, changes: Partial<Pick<Team, 'memberIds' | 'managerId' | 'name'>>) => {
    try {
      await save('PATCH', `/api/v1/teams/${team.id}`, changes, team.version);
    } catch (error) {
      showToast(`Could not change ${team.name}: ${describeError(error)}`, { tone: 'error' });
    }
    void qc.invalidateQueries({ queryKey: keys.teams });
  };
  const create = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await save('POST', '/api/v1/teams', { name });
      setName('');
      void qc.invalidateQueries({ queryKey: keys.teams });
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  return (
    <section className="settings-section" aria-label="Teams">
      <h2>Teams</h2>
      {(teams.data ?? []).length === 0 && <p className="muted">No teams yet. Teams own work before a person picks it up (Office, Field, Sales…).</p>}
      {(teams.data ?? []).map((team) => (
        <div key={team.id} className="team">
          <div className="team-head">
            <strong>{team.name}</strong>
            <label className="muted">
              Manager{' '}
              <select aria-label={`Manager of ${team.name}`} value={team.managerId ?? ''} disabled={!canEdit} onChange={(e) => void change(team, { managerId: e.target.value || null })}>
                <option value="">None</option>
                {people.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
              </select>
            </label>
          </div>
          <div className="team-members">
            {people.map((u) => (
              <label key={u.id} className="check">
                <input
                  type="checkbox"
                  disabled={!canEdit}
                  checked={team.memberIds.includes(u.id)}
                  onChange={(e) => void change(team, { memberIds: e.target.checked ? [...team.memberIds, u.id] : team.memberIds.filter((id) => id !== u.id) })}
                />
                {u.name}
              </label>
            ))}
          </div>
        </div>
      ))}
      {canEdit && (
        <form className="inline-form" onSubmit={create} noValidate>
          <div><input aria-label="Team name" placeholder="New team name" value={name} onChange={(e) => setName(e.target.value)} /><FieldError errors={errors} path="name" /></div>
          <button type="submit" className="button">Create team</button>
          <FieldError errors={errors} path="_" />
        </form>
      )}
    </section>
  );
}
