// The business's own settings: its time zone, opening hours, holidays, and timing defaults.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Org } from '../api/types.ts';
import { showToast } from '../shell/toasts.tsx';
import { keys, useOrg } from '../tasks/queries.ts';
import { type Errors, errorsOf, FieldError, save } from './settingsForm.tsx';

const DAYS = [['mon', 'Mon'], ['tue', 'Tue'], ['wed', 'Wed'], ['thu', 'Thu'], ['fri', 'Fri'], ['sat', 'Sat'], ['sun', 'Sun']] as const;

/** A minutes field: empty is the server's default (null); anything else goes to the server as typed, which says what is wrong with it. */
function minutesOrDefault(value: string): number | null {
  return value.trim() === '' ? null : Number(value);
}

export function OrgSettings({ canEdit }: { canEdit: boolean }) {
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
