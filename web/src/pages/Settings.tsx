// Settings: the organisation's hours and holidays, its people and roles, teams, working hours, and time off.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError, request } from '../api/client.ts';
import type { Org, Team, User } from '../api/types.ts';
import { PageHeader } from '../shell/PageHeader.tsx';
import { showToast } from '../shell/toasts.tsx';
import { Avatar } from '../tasks/bits.tsx';
import { keys, useMe, useOrg, useTeams, useUsers } from '../tasks/queries.ts';
import { WebhookSettings } from '../webhooks/WebhookSettings.tsx';
import { NotificationSettings } from '../notifications/NotificationSettings.tsx';
import { ImportSettings } from '../imports/ImportSettings.tsx';
import { CalendarFeedSettings } from '../calendar/CalendarFeedSettings.tsx';
import { WorkingHoursSettings } from '../people/WorkingHoursSettings.tsx';

type Errors = Record<string, string>;
const ROLES = ['owner', 'admin', 'manager', 'member'] as const;
const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']] as const;

function errorsOf(error: unknown): Errors {
  if (error instanceof ApiError && error.problem.errors?.length) return Object.fromEntries(error.problem.errors.map((e) => [e.path, e.message]));
  return { _: describeError(error) };
}

function FieldError({ errors, path }: { errors: Errors; path: string }) {
  const message = Object.entries(errors).find(([p]) => p === path || p.startsWith(`${path}.`))?.[1];
  return message ? <p className="field-error" role="alert">{message}</p> : null;
}

/** Sends a change with the resource's version, and reports the outcome. */
async function save<T>(method: string, path: string, body: unknown, version?: number): Promise<T> {
  const headers: Record<string, string> = version === undefined ? {} : { 'if-match': `"${version}"` };
  return (await request<T>(method, path, body, headers)).data;
}

export function Settings() {
  const me = useMe();
  const role = me.data?.user.role ?? 'member';
  const isAdmin = role === 'owner' || role === 'admin';
  return (
    <div className="page">
      <PageHeader title="Settings" subtitle={isAdmin ? 'Your business, its people and teams' : 'Only admins can change most settings'} />
      <OrgSettings canEdit={isAdmin} />
      <People canEdit={isAdmin} myRole={role} />
      <Teams canEdit={isAdmin} />
      {me.data && <WorkingHoursSettings me={me.data.user} />}
      {me.data && <TimeOff user={me.data.user} />}
      {isAdmin && <WebhookSettings />}
      <CalendarFeedSettings />
      <NotificationSettings />
      {(isAdmin || role === 'manager') && <ImportSettings />}
    </div>
  );
}

/** A minutes field: empty is the server's default (null); anything else goes to the server as typed, which says what is wrong with it. */
function minutesOrDefault(value: string): number | null {
  return value.trim() === '' ? null : Number(value);
}

function OrgSettings({ canEdit }: { canEdit: boolean }) {
  const org = useOrg();
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Errors>({});
  const [holiday, setHoliday] = useState('');
  if (!org.data) return null;
  const current = org.data;
  const update = async (changes: Partial<Pick<Org, 'name' | 'timezone' | 'businessHours' | 'holidays' | 'dueSoonMinutes' | 'missedGraceMinutes'>>) => {
    setErrors({});
    try {
      const updated = await save<Org>('PATCH', '/api/v1/org', changes, current.version);
      qc.setQueryData(keys.org, updated);
      void qc.invalidateQueries({ queryKey: keys.me });
      showToast('Saved');
    } catch (error) {
      setErrors(errorsOf(error));
      void qc.invalidateQueries({ queryKey: keys.org });
    }
  };
  const setDay = (day: (typeof DAYS)[number][0], from: string, to: string, open: boolean) =>
    update({ businessHours: { ...current.businessHours, [day]: open ? [[from, to]] : [] } });
  return (
    <section className="settings-section" aria-label="Organisation">
      <h2>Organisation</h2>
      <div className="detail-grid">
        <label htmlFor="org-name">Name</label>
        <div>
          <input id="org-name" key={`n${current.version}`} defaultValue={current.name} disabled={!canEdit} onBlur={(e) => e.target.value !== current.name && void update({ name: e.target.value })} />
          <FieldError errors={errors} path="name" />
        </div>
        <label htmlFor="org-tz">Time zone</label>
        <div>
          <input id="org-tz" key={`t${current.version}`} defaultValue={current.timezone} disabled={!canEdit} onBlur={(e) => e.target.value !== current.timezone && void update({ timezone: e.target.value })} />
          <FieldError errors={errors} path="timezone" />
        </div>
      </div>
      <h3 className="sub">Business hours</h3>
      <div className="hours">
        {DAYS.map(([day, label]) => {
          const [from, to] = current.businessHours[day][0] ?? ['08:00', '17:00'];
          const open = current.businessHours[day].length > 0;
          return (
            <div key={`${day}${current.version}`} className="hours-row">
              <span>{label}</span>
              <label className="check"><input type="checkbox" checked={open} disabled={!canEdit} onChange={(e) => void setDay(day, from, to, e.target.checked)} /> Open</label>
              <input type="time" aria-label={`${label} opens`} defaultValue={from} disabled={!canEdit || !open} onBlur={(e) => e.target.value !== from && void setDay(day, e.target.value, to, true)} />
              <input type="time" aria-label={`${label} closes`} defaultValue={to} disabled={!canEdit || !open} onBlur={(e) => e.target.value !== to && void setDay(day, from, e.target.value, true)} />
            </div>
          );
        })}
      </div>
      <FieldError errors={errors} path="businessHours" />
      <h3 className="sub">Holidays</h3>
      <ul className="pills">
        {current.holidays.map((day) => (
          <li key={day} className="chip">
            {day}
            {canEdit && <button type="button" className="icon-button" aria-label={`Remove holiday ${day}`} onClick={() => void update({ holidays: current.holidays.filter((d) => d !== day) })}>✕</button>}
          </li>
        ))}
        {current.holidays.length === 0 && <li className="muted">No holidays yet.</li>}
      </ul>
      {canEdit && (
        <form className="inline-form" onSubmit={(e) => { e.preventDefault(); if (holiday) void update({ holidays: [...current.holidays, holiday].sort() }); setHoliday(''); }}>
          <input type="date" aria-label="Holiday" value={holiday} onChange={(e) => setHoliday(e.target.value)} />
          <button type="submit" className="button">Add holiday</button>
        </form>
      )}
      <FieldError errors={errors} path="holidays" />
      <h3 className="sub">Automation timing</h3>
      <p className="muted">Empty follows the server’s default. A change applies to due dates and appointments set from then on.</p>
      <div className="detail-grid">
        <label htmlFor="org-due-soon">Due-soon warning, minutes before the due date</label>
        <div>
          <input
            id="org-due-soon"
            type="number"
            min={0}
            step={1}
            key={`d${current.version}`}
            defaultValue={current.dueSoonMinutes ?? ''}
            placeholder="Server default"
            disabled={!canEdit}
            onBlur={(e) => {
              const minutes = minutesOrDefault(e.target.value);
              if (minutes !== current.dueSoonMinutes) void update({ dueSoonMinutes: minutes });
            }}
          />
          <FieldError errors={errors} path="dueSoonMinutes" />
        </div>
        <label htmlFor="org-missed-grace">Missed-appointment grace, minutes after the start</label>
        <div>
          <input
            id="org-missed-grace"
            type="number"
            min={0}
            step={1}
            key={`g${current.version}`}
            defaultValue={current.missedGraceMinutes ?? ''}
            placeholder="Server default"
            disabled={!canEdit}
            onBlur={(e) => {
              const minutes = minutesOrDefault(e.target.value);
              if (minutes !== current.missedGraceMinutes) void update({ missedGraceMinutes: minutes });
            }}
          />
          <FieldError errors={errors} path="missedGraceMinutes" />
        </div>
      </div>
      <FieldError errors={errors} path="_" />
    </section>
  );
}

function People({ canEdit, myRole }: { canEdit: boolean; myRole: User['role'] }) {
  const users = useUsers();
  const qc = useQueryClient();
  const [errors, setErrors] = useState<Errors>({});
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
  const add = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ''));
    setErrors({});
    try {
      const created = await save<User>('POST', '/api/v1/users', body);
      showToast(`Added ${created.name}`);
      form.reset();
      void qc.invalidateQueries({ queryKey: keys.users });
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  return (
    <section className="settings-section" aria-label="People">
      <h2>People</h2>
      <table className="table">
        <thead><tr><th>Name</th><th>Email</th><th>Role</th><th>Active</th></tr></thead>
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
            </tr>
          ))}
        </tbody>
      </table>
      {canEdit && (
        <form className="inline-form" onSubmit={add} noValidate aria-label="Add a person">
          <div><input name="name" placeholder="Name" aria-label="Name" /><FieldError errors={errors} path="name" /></div>
          <div><input name="email" placeholder="Email" aria-label="Email" type="email" /><FieldError errors={errors} path="email" /></div>
          <div>
            <select name="role" aria-label="Role" defaultValue="member">{ROLES.filter((r) => r !== 'owner').map((r) => <option key={r} value={r}>{r}</option>)}</select>
            <FieldError errors={errors} path="role" />
          </div>
          <div><input name="password" placeholder="Password (optional)" aria-label="Password" type="password" /><FieldError errors={errors} path="password" /></div>
          <button type="submit" className="button button-primary">Add person</button>
          <FieldError errors={errors} path="_" />
        </form>
      )}
    </section>
  );
}

function Teams({ canEdit }: { canEdit: boolean }) {
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

function TimeOff({ user }: { user: User }) {
  const qc = useQueryClient();
  const users = useUsers();
  const current = users.data?.find((u) => u.id === user.id) ?? user;
  const [errors, setErrors] = useState<Errors>({});
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const update = async (timeOff: User['timeOff']) => {
    setErrors({});
    try {
      await save('PATCH', `/api/v1/users/${current.id}`, { timeOff }, current.version);
      setFrom('');
      setTo('');
      setNote('');
    } catch (error) {
      setErrors(errorsOf(error));
    }
    void qc.invalidateQueries({ queryKey: keys.users });
    void qc.invalidateQueries({ queryKey: keys.me });
  };
  const toIso = (value: string) => (value ? new Date(value).toISOString() : value);
  return (
    <section className="settings-section" aria-label="My time off">
      <h2>My time off</h2>
      <p className="muted">Round-robin and least-loaded assignment skip you while you are away.</p>
      <ul className="pills">
        {current.timeOff.map((entry, i) => (
          <li key={`${entry.from}-${i}`} className="chip">
            {new Date(entry.from).toLocaleDateString()} – {new Date(entry.to).toLocaleDateString()} {entry.note ?? ''}
            <button type="button" className="icon-button" aria-label="Remove time off" onClick={() => void update(current.timeOff.filter((_, j) => j !== i))}>✕</button>
          </li>
        ))}
      </ul>
      <form className="inline-form" noValidate onSubmit={(e) => { e.preventDefault(); void update([...current.timeOff, { from: toIso(from), to: toIso(to), ...(note ? { note } : {}) }]); }}>
        <label className="muted">From <input type="date" aria-label="Time off from" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label className="muted">To <input type="date" aria-label="Time off to" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <input placeholder="Note (optional)" aria-label="Note" value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="button">Add time off</button>
      </form>
      <FieldError errors={errors} path="timeOff" />
      <FieldError errors={errors} path="_" />
    </section>
  );
}
