// Settings → People, for admins: invite someone by email, and the invitations
// still open — send one again or revoke it. Without email on the server, the
// link to pass on is shown once, to copy.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, describeError } from '../api/client.ts';
import { type Errors, errorsOf, FieldError } from '../people/settingsForm.tsx';
import { formatDate } from './format.ts';
import { showToast } from '../shell/toasts.tsx';

interface Invitation {
  id: string;
  email: string;
  name: string | null;
  role: string;
  expiresAt: string;
  sentAt: string | null;
  acceptUrl?: string;
}

const ROLES = ['member', 'manager', 'admin'] as const;
const invitationsKey = ['invitations'];

export function InvitationSettings() {
  const qc = useQueryClient();
  const pending = useQuery({ queryKey: invitationsKey, queryFn: () => api.get<{ items: Invitation[] }>('/api/v1/invitations') });
  const [errors, setErrors] = useState<Errors>({});
  const [link, setLink] = useState<{ email: string; url: string } | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const delivered = (invitation: Invitation, verb: string) => {
    if (invitation.acceptUrl) setLink({ email: invitation.email, url: invitation.acceptUrl });
    else {
      setLink(null);
      showToast(`${verb} ${invitation.email}`);
    }
    void qc.invalidateQueries({ queryKey: invitationsKey });
  };
  const invite = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const body = Object.fromEntries([...new FormData(form)].filter(([, v]) => v !== ''));
    setErrors({});
    try {
      delivered(await api.post<Invitation>('/api/v1/invitations', body), 'Invitation emailed to');
      form.reset();
    } catch (error) {
      setErrors(errorsOf(error));
    }
  };
  const act = async (work: () => Promise<void>) => {
    setRowError(null);
    try {
      await work();
    } catch (error) {
      setRowError(describeError(error));
    }
    void qc.invalidateQueries({ queryKey: invitationsKey });
  };
  const items = pending.data?.items ?? [];
  return (
    <section className="settings-section" aria-label="Invitations">
      <h2>Invite people</h2>
      <form className="inline-form" onSubmit={invite} noValidate aria-label="Invite by email">
        <div><input name="email" placeholder="Email" aria-label="Email to invite" type="email" /><FieldError errors={errors} path="email" /></div>
        <div><input name="name" placeholder="Name (optional)" aria-label="Their name" /><FieldError errors={errors} path="name" /></div>
        <div>
          <select name="role" aria-label="Their role" defaultValue="member">{ROLES.map((r) => <option key={r} value={r}>{r}</option>)}</select>
          <FieldError errors={errors} path="role" />
        </div>
        <button type="submit" className="button button-primary">Send invitation</button>
        <FieldError errors={errors} path="_" />
      </form>
      {link && (
        <div className="invite-link" role="status" aria-live="polite">
          <p>Email is not set up on this server, so nothing was sent. Copy this link and pass it on to {link.email} yourself — it is shown only now, works once, for 7 days:</p>
          <input readOnly aria-label="Invitation link" value={link.url} onFocus={(e) => e.target.select()} />
          <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(link.url).then(() => showToast('Link copied'))}>Copy link</button>
        </div>
      )}
      <h3 className="sub">Waiting to join</h3>
      {rowError && <p className="field-error" role="alert">{rowError}</p>}
      {items.length === 0 ? (
        <p className="muted">No open invitations.</p>
      ) : (
        <table className="table invitations-table">
          <thead><tr><th>Email</th><th>Role</th><th>Link works until</th><th aria-label="Actions" /></tr></thead>
          <tbody>
            {items.map((invitation) => (
              <tr key={invitation.id}>
                <td>{invitation.email}{invitation.name ? <span className="muted"> ({invitation.name})</span> : null}</td>
                <td>{invitation.role}</td>
                <td className="muted">{formatDate(invitation.expiresAt)}</td>
                <td className="row-actions">
                  <button type="button" className="button" aria-label={`Send the invitation to ${invitation.email} again`} onClick={() => void act(async () => delivered(await api.post<Invitation>(`/api/v1/invitations/${invitation.id}/resend`), 'Invitation emailed again to'))}>
                    {invitation.sentAt ? 'Resend' : 'New link'}
                  </button>
                  <button type="button" className="button" aria-label={`Revoke the invitation to ${invitation.email}`} onClick={() => void act(async () => { await api.delete(`/api/v1/invitations/${invitation.id}`); showToast(`Revoked the invitation to ${invitation.email}`); })}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
