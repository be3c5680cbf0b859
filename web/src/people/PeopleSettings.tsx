// The people in the business: their roles, who can still sign in, their time off, and (for admins) whose two-factor
// sign-in is on, with a reset for someone who lost it. New people are invited (Settings → Invitations).
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { showToast } from '../shell/toasts.tsx';
import { Avatar } from '../tasks/bits.tsx';
import { keys, useTeams, useUsers } from '../tasks/queries.ts';
import { mayReset, ResetTwoFactorDialog, useTwoFactorPeople } from '../accounts/TwoFactorReset.tsx';
import { TimeOffDialog } from './TimeOffSettings.tsx';
import { save } from './settingsForm.tsx';

const ROLES = ['owner', 'admin', 'manager', 'member'] as const;

export function People({ canEdit, me }: { canEdit: boolean; me: User }) {
  const myRole = me.role;
  const users = useUsers();
  const teams = useTeams();
  const [awayOf, setAwayOf] = useState<User | null>(null);
  const [resetOf, setResetOf] = useState<User | null>(null);
  const withTwoFactor = useTwoFactorPeople(canEdit);
  // Managers and above set anyone's time off, a team's manager their team's (as the API allows).
  const managed = new Set((teams.data ?? []).filter((t) => t.managerId === me.id).flatMap((t) => t.memberIds));
  const maySetTimeOff = (user: User) => myRole !== 'member' || user.id === me.id || managed.has(user.id);
  const now = Date.now();
  const awayNow = (user: User) => user.timeOff.some((t) => Date.parse(t.from) <= now && now < Date.parse(t.to));
  const qc = useQueryClient();
  const [rowError, setRowError] = useState<{ id: string; message: string } | null>(null);
  const change = async (user: User, changes: Partial<Pick<User, 'role' | 'active'>>) => {
    setRowError(null);
    try {
      await save('PATCH', `/api/v1/users/${user.id}`, changes, user.version);
      showToast(`Updated ${user.name}`);
    } catch (error) {
      setRowError({ id: user.id, message: describeError(error) });
    }
    void qc.invalidateQueries({ queryKey: keys.users });
  };
  return (
    <section className="settings-section" aria-label="People">
      <h2>People</h2>
      <table className="table">
        <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Active</th><th>Time off</th>{canEdit && <th>Two-factor</th>}</tr></thead>
        <tbody>
          {(users.data ?? []).map((user) => (
            <tr key={user.id}>
              <td><span className="person"><Avatar user={user} size={20} /> {user.name}</span>{rowError?.id === user.id && <p className="field-error" role="alert">{rowError.message}</p>}</td>
              <td className="muted">{user.email}</td>
              <td>
                <select aria-label={`Role of ${user.name}`} value={user.role} disabled={!canEdit || (user.role === 'owner' && myRole !== 'owner')} onChange={(e) => void change(user, { role: e.target.value as User['role'] })}>
                  {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                </select>
              </td>
              <td><input type="checkbox" aria-label={`${user.name} is active`} checked={user.active} disabled={!canEdit} onChange={(e) => void change(user, { active: e.target.checked })} /></td>
              <td>
                {awayNow(user) && <span className="chip">Away</span>}{' '}
                {maySetTimeOff(user) ? (
                  <button type="button" className="link-button" aria-label={`Time off for ${user.name}`} onClick={() => setAwayOf(user)}>
                    {user.timeOff.length ? `${user.timeOff.length} planned` : 'Set…'}
                  </button>
                ) : (
                  <span className="muted small">{user.timeOff.length ? `${user.timeOff.length} planned` : '—'}</span>
                )}
              </td>
              {canEdit && (
                <td className="two-factor-cell">
                  {withTwoFactor.has(user.id) ? 'On' : <span className="muted">Off</span>}{' '}
                  {withTwoFactor.has(user.id) && mayReset(me, user) && (
                    <button type="button" className="link-button" aria-label={`Reset two-factor sign-in of ${user.name}`} onClick={() => setResetOf(user)}>Reset…</button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {awayOf && <TimeOffDialog person={awayOf} onClose={() => setAwayOf(null)} />}
      {resetOf && <ResetTwoFactorDialog person={resetOf} onClose={() => setResetOf(null)} />}
    </section>
  );
}
