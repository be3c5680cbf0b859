// Time off: my own, and (managers, admins, a team's manager) anyone's from Settings → People.
// While someone is away, round-robin and least-loaded assignment skip them and the dispatch board greys them out.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { User } from '../api/types.ts';
import { Modal } from '../shell/Modal.tsx';
import { keys, useOrg, useUsers } from '../tasks/queries.ts';
import { type Errors, errorsOf, FieldError, save } from './settingsForm.tsx';
import { dayStart, stretch } from './timeOffDays.ts';
import { browserZone, zoneLabel } from './TimeZonePicker.tsx';

export function TimeOff({ user }: { user: User }) {
  return (
    <section className="settings-section" aria-label="My time off">
      <h2>My time off</h2>
      <p className="muted">Round-robin and least-loaded assignment skip you while you are away.</p>
      <TimeOffEditor personId={user.id} fallback={user} />
    </section>
  );
}

/** Someone else's time off, in a dialog. */
export function TimeOffDialog({ person, onClose }: { person: User; onClose: () => void }) {
  return (
    <Modal title={`Time off for ${person.name}`} onClose={onClose}>
      <p className="muted">While {person.name} is away, automatic assignment skips them and the dispatch board greys them out.</p>
      <TimeOffEditor personId={person.id} fallback={person} />
      <div className="form-actions"><button type="button" className="button" onClick={onClose}>Done</button></div>
    </Modal>
  );
}

function TimeOffEditor({ personId, fallback }: { personId: string; fallback: User }) {
  const qc = useQueryClient();
  const users = useUsers();
  const org = useOrg();
  const current = users.data?.find((u) => u.id === personId) ?? fallback;
  // Whole days on the away person's calendar: their own time zone, else the business's.
  const zone = current.timezone ?? org.data?.timezone;
  const [errors, setErrors] = useState<Errors>({});
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [note, setNote] = useState('');
  const update = async (timeOff: User['timeOff']) => {
    setErrors({});
    try {
      await save('PUT', `/api/v1/users/${encodeURIComponent(current.id)}/time-off`, { timeOff }, current.version);
      setFrom('');
      setTo('');
      setNote('');
    } catch (error) {
      setErrors(errorsOf(error));
    }
    void qc.invalidateQueries({ queryKey: keys.users });
    void qc.invalidateQueries({ queryKey: keys.me });
  };
  const add = () => {
    if (!zone) return;
    if (!from) return setErrors({ from: 'Choose the first day away' });
    if (to && to < from) return setErrors({ to: 'The last day cannot be before the first' });
    void update([...current.timeOff, { from: dayStart(from, zone), to: dayStart(to || from, zone, 1), ...(note ? { note } : {}) }]);
  };
  return (
    <>
      {current.timeOff.length === 0 ? (
        <p className="muted small">No time off planned.</p>
      ) : (
        <ul className="pills" aria-label={`Time off of ${current.name}`}>
          {current.timeOff.map((entry, i) => (
            <li key={`${entry.from}-${i}`} className="chip">
              {stretch(entry, zone ?? browserZone())} {entry.note ?? ''}
              <button type="button" className="icon-button" aria-label={`Remove time off ${stretch(entry, zone ?? browserZone())}`} onClick={() => void update(current.timeOff.filter((_, j) => j !== i))}>✕</button>
            </li>
          ))}
        </ul>
      )}
      <form className="inline-form" noValidate onSubmit={(e) => { e.preventDefault(); add(); }}>
        <div>
          <label className="muted">First day <input type="date" aria-label="First day away" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
          <FieldError errors={errors} path="from" />
        </div>
        <div>
          <label className="muted">Last day <input type="date" aria-label="Last day away" value={to} onChange={(e) => setTo(e.target.value)} /></label>
          <FieldError errors={errors} path="to" />
        </div>
        <input placeholder="Note (optional)" aria-label="Note" value={note} onChange={(e) => setNote(e.target.value)} />
        <button type="submit" className="button" disabled={!zone}>Add time off</button>
      </form>
      {zone && zone !== browserZone() && <p className="muted small">Whole days in {zoneLabel(zone)}, {current.timezone ? `${current.name}’s time zone` : 'the business’s time zone'}.</p>}
      <FieldError errors={errors} path="timeOff" />
      <FieldError errors={errors} path="_" />
    </>
  );
}
