// Settings: a person's weekly working hours, which round-robin and least-loaded
// assignment read (someone outside their hours is not given new work). Admins
// edit the people below them, everyone their own; no hours of their own means
// the business hours.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, describeError, request } from '../api/client.ts';
import type { Org, User } from '../api/types.ts';
import { showToast } from '../shell/toasts.tsx';
import { keys, useOrg, useUsers } from '../tasks/queries.ts';

type Hours = NonNullable<User['workingHours']>;
type Day = keyof Hours;
const DAYS: [Day, string][] = [['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday'], ['sun', 'Sunday']];
/** The most stretches of work a day holds (the API's limit). */
const MAX_STRETCHES = 4;

/** Whose hours this person may change: owners anyone, admins themselves and those below admin, everyone else themselves. */
export function editablePeople(me: Pick<User, 'id' | 'role'>, people: User[]): User[] {
  if (me.role === 'owner') return people;
  if (me.role === 'admin') return people.filter((p) => p.id === me.id || p.role === 'manager' || p.role === 'member');
  return people.filter((p) => p.id === me.id);
}

export function WorkingHoursSettings({ me }: { me: User }) {
  const users = useUsers();
  const org = useOrg();
  const people = editablePeople(me, users.data ?? []);
  const [personId, setPersonId] = useState(me.id);
  // From the people list, which is refetched after every change (the signed-in user's own copy may be older).
  const person = people.find((p) => p.id === personId) ?? people.find((p) => p.id === me.id);
  return (
    <section className="settings-section" aria-label="Working hours">
      <h2>Working hours</h2>
      <p className="muted">Round-robin and least-loaded assignment give new work only to people inside their working hours.</p>
      {person && people.length > 1 && (
        <label className="muted working-hours-person">
          Person{' '}
          <select aria-label="Whose working hours" value={person.id} onChange={(e) => setPersonId(e.target.value)}>
            {people.map((p) => <option key={p.id} value={p.id}>{p.id === me.id ? `${p.name} (me)` : p.name}</option>)}
          </select>
        </label>
      )}
      {org.data && person && <HoursEditor key={`${person.id}:${person.version}`} person={person} businessHours={org.data.businessHours} />}
    </section>
  );
}

function HoursEditor({ person, businessHours }: { person: User; businessHours: Org['businessHours'] }) {
  const qc = useQueryClient();
  const [own, setOwn] = useState(person.workingHours !== null);
  const [hours, setHours] = useState<Hours>(person.workingHours ?? businessHours);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const setDay = (day: Day, stretches: Hours[Day]) => setHours({ ...hours, [day]: stretches });
  const setTime = (day: Day, index: number, end: 0 | 1, value: string) =>
    setDay(day, hours[day].map((stretch, i) => (i === index ? ((end === 0 ? [value, stretch[1]] : [stretch[0], value]) as [string, string]) : stretch)));
  const errorFor = (path: string) => Object.entries(errors).find(([p]) => p === path || p.startsWith(`${path}.`))?.[1];

  const saveHours = async () => {
    setErrors({});
    setSaving(true);
    try {
      await request('PATCH', `/api/v1/users/${person.id}`, { workingHours: own ? hours : null }, { 'if-match': `"${person.version}"` });
      showToast(`Saved the working hours of ${person.name}`);
      void qc.invalidateQueries({ queryKey: keys.users });
      void qc.invalidateQueries({ queryKey: keys.me });
    } catch (error) {
      if (error instanceof ApiError && error.problem.errors?.length) setErrors(Object.fromEntries(error.problem.errors.map((e) => [e.path, e.message])));
      else setErrors({ _: describeError(error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="working-hours" aria-label={`Working hours of ${person.name}`} noValidate onSubmit={(e) => { e.preventDefault(); void saveHours(); }}>
      <fieldset className="working-hours-mode">
        <legend className="visually-hidden">Whose hours apply</legend>
        <label className="check"><input type="radio" name="hours-mode" checked={!own} onChange={() => setOwn(false)} /> The business hours</label>
        <label className="check"><input type="radio" name="hours-mode" checked={own} onChange={() => setOwn(true)} /> Hours of their own</label>
      </fieldset>
      {own && (
        <div className="hours">
          {DAYS.map(([day, label]) => {
            const stretches = hours[day];
            const message = errorFor(`workingHours.${day}`);
            return (
              <div key={day} className="working-day">
                <div className="working-day-row">
                  <label className="check working-day-name"><input type="checkbox" checked={stretches.length > 0} onChange={(e) => setDay(day, e.target.checked ? [['08:00', '17:00']] : [])} /> {label}</label>
                  {stretches.length === 0 && <span className="muted">Not working</span>}
                  {stretches.map(([from, to], i) => {
                    const which = i === 0 ? '' : ` (${i + 1})`;
                    return (
                      <span key={i} className="working-stretch">
                        <input type="time" aria-label={`${label} starts${which}`} aria-invalid={message ? true : undefined} value={from} onChange={(e) => setTime(day, i, 0, e.target.value)} />
                        <span aria-hidden="true">–</span>
                        <input type="time" aria-label={`${label} ends${which}`} aria-invalid={message ? true : undefined} value={to} onChange={(e) => setTime(day, i, 1, e.target.value)} />
                        {i > 0 && <button type="button" className="icon-button" aria-label={`Remove ${label} hours${which}`} onClick={() => setDay(day, stretches.filter((_, j) => j !== i))}>✕</button>}
                      </span>
                    );
                  })}
                  {stretches.length > 0 && stretches.length < MAX_STRETCHES && (
                    <button type="button" className="link-button" aria-label={`Add ${label} hours`} onClick={() => setDay(day, [...stretches, ['13:00', '17:00']])}>+ hours</button>
                  )}
                </div>
                {message && <p className="field-error" role="alert">{label}: {message}</p>}
              </div>
            );
          })}
        </div>
      )}
      {errors._ && <p className="field-error" role="alert">{errors._}</p>}
      {errorFor('workingHours') && !DAYS.some(([day]) => errorFor(`workingHours.${day}`)) && <p className="field-error" role="alert">{errorFor('workingHours')}</p>}
      <button type="submit" className="button button-primary" disabled={saving}>Save working hours</button>
    </form>
  );
}
