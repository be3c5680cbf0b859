// Settings → My time zone: the business's zone, or one of the person's own (the
// same searchable list sign-up uses). The morning digest comes at 07:00 in it, and the weekly summary at Monday 07:00.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { User } from '../api/types.ts';
import { keys, useOrg } from '../tasks/queries.ts';
import { type Errors, errorsOf, FieldError, save } from './settingsForm.tsx';
import { browserZone, TimeZonePicker, zoneLabel } from './TimeZonePicker.tsx';

export function MyTimeZoneSettings({ me }: { me: User }) {
  const qc = useQueryClient();
  const org = useOrg();
  const [own, setOwn] = useState(me.timezone !== null);
  const [zone, setZone] = useState(me.timezone ?? browserZone());
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  const business = org.data ? zoneLabel(org.data.timezone) : 'the business’s zone';
  const manages = me.role !== 'member';
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    setSaved(false);
    try {
      await save('PATCH', `/api/v1/users/${encodeURIComponent(me.id)}`, { timezone: own ? zone : null });
      setSaved(true);
    } catch (error) {
      setErrors(errorsOf(error));
    }
    void qc.invalidateQueries({ queryKey: keys.me });
    void qc.invalidateQueries({ queryKey: keys.users });
  };
  return (
    <section className="settings-section" aria-label="My time zone">
      <h2>My time zone</h2>
      <p className="muted">{manages ? 'Your morning digest comes at 07:00 in this time zone, and your weekly summary on Monday at 07:00.' : 'Where you are, when it is not where the business is. Your morning digest comes at 07:00 in this time zone.'}</p>
      <form onSubmit={(e) => void submit(e)}>
        <fieldset className="zone-choice">
          <legend className="visually-hidden">Which time zone</legend>
          <label>
            <input type="radio" name="zone-choice" checked={!own} onChange={() => setOwn(false)} /> The business’s time zone ({business})
          </label>
          <label>
            <input type="radio" name="zone-choice" checked={own} onChange={() => setOwn(true)} /> My own time zone
          </label>
        </fieldset>
        {own && <TimeZonePicker name="my-timezone" initial={zone} onChange={setZone} error={errors.timezone} />}
        <FieldError errors={errors} path="_" />
        <div className="form-actions">
          <button type="submit" className="button button-primary">Save time zone</button>
          {saved && <span className="muted" role="status">Saved: {own ? zoneLabel(zone) : `the business’s time zone`}</span>}
        </div>
      </form>
    </section>
  );
}
