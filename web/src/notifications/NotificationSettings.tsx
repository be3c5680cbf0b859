// Settings → Notifications: per kind, whether I am told in the app and by email.
import { describeError } from '../api/client.ts';
import { useEffect, useRef } from 'react';
import type { User } from '../api/types.ts';
import { EMAIL_ONLY_KINDS, KIND_LABELS, type PreferenceKind, usePreferences, useSavePreferences } from './api.ts';

const KINDS = Object.keys(KIND_LABELS) as PreferenceKind[];

/** Members see every kind but the weekly summary, which only owners, admins and managers get. */
export function NotificationSettings({ role }: { role: User['role'] }) {
  const kinds = role === 'member' ? KINDS.filter((kind) => kind !== 'weekly') : KINDS;
  const preferences = usePreferences();
  const save = useSavePreferences();
  const current = preferences.data;
  const section = useRef<HTMLElement>(null);
  // The weekly summary links here (/settings#notifications): shown once the choices have loaded.
  const loaded = current !== undefined;
  useEffect(() => {
    if (loaded && window.location.hash === '#notifications') section.current?.scrollIntoView();
  }, [loaded]);
  return (
    <section ref={section} className="settings-section" id="notifications" aria-label="Notifications">
      <h2>Notifications</h2>
      <p className="muted">What you are told about, in the app and by email. Email needs the server's SMTP settings.</p>
      {preferences.isError && <p className="field-error" role="alert">Could not load your choices: {describeError(preferences.error)}</p>}
      {current && (
        <table className="table notification-preferences">
          <thead>
            <tr><th scope="col">When</th><th scope="col">In the app</th><th scope="col">Email</th></tr>
          </thead>
          <tbody>
            {kinds.map((kind) => (
              <tr key={kind}>
                <th scope="row">{KIND_LABELS[kind]}</th>
                <td>
                  {EMAIL_ONLY_KINDS.includes(kind) ? <span className="muted">—</span> : (
                    <input type="checkbox" aria-label={`${KIND_LABELS[kind]}: in the app`} checked={current[kind].inApp} onChange={(e) => save.mutate({ [kind]: { inApp: e.target.checked } })} />
                  )}
                </td>
                <td>
                  <input type="checkbox" aria-label={`${KIND_LABELS[kind]}: email`} checked={current[kind].email} onChange={(e) => save.mutate({ [kind]: { email: e.target.checked } })} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {save.isError && <p className="field-error" role="alert">Not saved: {describeError(save.error)}</p>}
    </section>
  );
}
