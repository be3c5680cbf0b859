// My time off: while away, round-robin and least-loaded assignment skip me.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { User } from '../api/types.ts';
import { keys, useUsers } from '../tasks/queries.ts';
import { type Errors, errorsOf, FieldError, save } from './settingsForm.tsx';

export function TimeOff({ user }: { user: User }) {
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
