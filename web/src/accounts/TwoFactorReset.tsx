// Settings → People, for admins: whose two-factor sign-in is on, and resetting it
// for someone who lost their phone and recovery codes — after a confirmation that
// says what happens: their codes stop working, they are signed out everywhere,
// they are told by email, and they set it up again if the business requires it.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';
import type { User } from '../api/types.ts';
import { Modal } from '../shell/Modal.tsx';
import { showToast } from '../shell/toasts.tsx';
import './accounts.css';

const twoFactorPeopleKey = ['two-factor', 'people'];

/** The ids of the people whose two-factor sign-in is on (asked only when `enabled`: admins). */
export function useTwoFactorPeople(enabled: boolean): Set<string> {
  const people = useQuery({
    queryKey: twoFactorPeopleKey,
    queryFn: () => api.get<{ items: { userId: string }[] }>('/api/v1/two-factor/users'),
    enabled,
  });
  return new Set((people.data?.items ?? []).map((item) => item.userId));
}

/** As the API decides: never your own, an admin's or the owner's only by the owner. */
export function mayReset(me: User, person: User): boolean {
  if (person.id === me.id || (me.role !== 'owner' && me.role !== 'admin')) return false;
  return me.role === 'owner' || (person.role !== 'owner' && person.role !== 'admin');
}

export function ResetTwoFactorDialog({ person, onClose }: { person: User; onClose: () => void }) {
  const qc = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const reset = async () => {
    setBusy(true);
    setError(null);
    try {
      await api.delete(`/api/v1/users/${encodeURIComponent(person.id)}/two-factor`);
      showToast(`Two-factor sign-in of ${person.name} is reset`);
      void qc.invalidateQueries({ queryKey: twoFactorPeopleKey });
      onClose();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Reset two-factor sign-in of ${person.name}?`} onClose={onClose}>
      <p>Do this only when {person.name} has lost both their phone and their recovery codes, and you are sure it is really them asking.</p>
      <ul className="reset-consequences">
        <li>The codes from their authenticator app and their recovery codes stop working.</li>
        <li>They are signed out everywhere, and told by email.</li>
        <li>They sign in with their password next; if the business requires two-factor sign-in for their role, they set it up again then.</li>
      </ul>
      <div aria-live="assertive">{error && <p className="field-error" role="alert">{error}</p>}</div>
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>Cancel</button>
        <button type="button" className="button button-danger" disabled={busy} onClick={() => void reset()}>Reset two-factor sign-in</button>
      </div>
    </Modal>
  );
}
