// Settings → Notifications: per kind, whether I am told in the app and by email.
import { describeError } from '../api/client.ts';
import { KIND_LABELS, type PreferenceKind, usePreferences, useSavePreferences } from './api.ts';

const KINDS = Object.keys(KIND_LABELS) as PreferenceKind[];

export function NotificationSettings() {
  const preferences = usePreferences();
  const save = useSavePreferences();
  const current = preferences.data;
  return (
    <section className="settings-section" aria-label="Notifications">
      <h2>Notifications</h2>
      <p className="muted">What you are told about, in the app and by email. Email needs the server's SMTP settings.</p>
      {preferences.isError && <p className="field-error" role="alert">Could not load your choices: {describeError(preferences.error)}</p>}
      {current && (
        <table className="table notification-preferences">
          <thead>
            <tr><th scope="col">When</th><th scope="col">In the app</th><th scope="col">Email</th></tr>
          </thead>
          <tbody>
            {KINDS.map((kind) => (
              <tr key={kind}>
                <th scope="row">{KIND_LABELS[kind]}</th>
                <td>
                  {kind === 'digest' ? <span className="muted">—</span> : (
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
