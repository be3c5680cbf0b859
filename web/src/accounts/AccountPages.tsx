// The pages reached from an email or the sign-in page without being signed in:
// accepting an invitation, asking for a password reset, and choosing a new
// password. Errors are announced (role="alert") under the field they concern.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api } from '../api/client.ts';
import { AuthFrame, fieldErrors, Input } from '../pages/Auth.tsx';
import { useForm } from './useForm.ts';

function useToken(): string {
  return new URLSearchParams(useSearch()).get('token') ?? '';
}

interface InvitationDetails {
  email: string;
  org: { name: string; slug: string };
  passwordSignIn: boolean;
  sso: { name: string } | null;
}

export function AcceptInvitation() {
  const token = useToken();
  const details = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => api.post<InvitationDetails>('/api/v1/invitations/lookup', { token }),
    enabled: !!token,
    retry: false,
    staleTime: Infinity,
  });
  const invitation = details.data;
  if (invitation && !invitation.passwordSignIn) return <JoinWithSso invitation={invitation} />;
  const failed = details.error ? fieldErrors(details.error) : null;
  return (
    <AuthFrame title={invitation ? `Join ${invitation.org.name}` : 'Join your team'} subtitle="Choose your name and a password to finish setting up your account.">
      {failed && <p className="field-error" role="alert">{failed.fields.token ? `This link ${failed.fields.token}. Ask whoever invited you to send it again.` : failed.general}</p>}
      {details.isPending && token && <p className="muted" role="status">Opening your invitation…</p>}
      {invitation && <PasswordAccept token={token} email={invitation.email} />}
      {!token && <p className="field-error" role="alert">This page needs the link from your invitation email.</p>}
    </AuthFrame>
  );
}

function PasswordAccept({ token, email }: { token: string; email?: string }) {
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const { errors, general, busy, submit } = useForm(async (form) => {
    await api.post('/api/v1/invitations/accept', { token, name: form.name, password: form.password });
    await qc.resetQueries();
    navigate('/', { replace: true });
  });
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Accept the invitation">
      {email && <p className="muted">You will sign in as {email}.</p>}
      <Input name="name" label="Your name" autoComplete="name" errors={errors} />
      <Input name="password" label="Password" type="password" autoComplete="new-password" placeholder="At least 12 characters" errors={errors} />
      <div aria-live="assertive">{general && <p className="field-error" role="alert">{general}</p>}</div>
      <button type="submit" className="button button-primary button-block" disabled={busy || !token}>Join</button>
    </form>
  );
}

/** The business signs in with its single sign-on only: the invitation is taken up by signing in with it (the email matches it). */
function JoinWithSso({ invitation }: { invitation: InvitationDetails }) {
  return (
    <AuthFrame title={`Join ${invitation.org.name}`} subtitle={`${invitation.org.name} signs in with single sign-on: no password to choose.`}>
      <p>Sign in with your {invitation.email} account and you are in.</p>
      {invitation.sso ? (
        <a className="button button-primary button-block sso-button" href={`/api/v1/sso/start?org=${encodeURIComponent(invitation.org.slug)}`}>Sign in with {invitation.sso.name}</a>
      ) : (
        <p className="field-error" role="alert">Single sign-on is not set up yet. Ask whoever invited you.</p>
      )}
    </AuthFrame>
  );
}

export function ForgotPassword() {
  const [sent, setSent] = useState<string | null>(null);
  const { errors, general, busy, submit } = useForm(async (form) => {
    await api.post('/api/v1/password-reset', { email: form.email });
    setSent(form.email ?? '');
  });
  return (
    <AuthFrame title="Forgot your password?" subtitle="We will email you a link to choose a new one.">
      {sent !== null ? (
        <p role="status" aria-live="polite">If {sent} belongs to an account, a link is on its way. It works once, for an hour. Check your inbox and spam folder.</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate aria-label="Ask for a reset link">
          <Input name="email" label="Email" type="email" autoComplete="email" errors={errors} />
          <div aria-live="assertive">{general && <p className="field-error" role="alert">{general}</p>}</div>
          <button type="submit" className="button button-primary button-block" disabled={busy}>Email me a link</button>
        </form>
      )}
      <p className="muted auth-switch"><Link href="/login">Back to log in</Link></p>
    </AuthFrame>
  );
}

export function ResetPassword() {
  const token = useToken();
  const [done, setDone] = useState(false);
  const { errors, general, busy, submit } = useForm(async (form) => {
    await api.post('/api/v1/password-reset/confirm', { token, password: form.password });
    setDone(true);
  });
  return (
    <AuthFrame title="Choose a new password" subtitle="Setting it signs you out everywhere.">
      {done ? (
        <p role="status" aria-live="polite">Your password is changed. <Link href="/login">Log in</Link> with it.</p>
      ) : (
        <form className="form" onSubmit={submit} noValidate aria-label="Choose a new password">
          <Input name="password" label="New password" type="password" autoComplete="new-password" placeholder="At least 12 characters" errors={errors} />
          <div aria-live="assertive">{general && <p className="field-error" role="alert">{general}</p>}</div>
          <button type="submit" className="button button-primary button-block" disabled={busy || !token}>Set password</button>
        </form>
      )}
      <p className="muted auth-switch"><Link href="/forgot-password">Ask for a new link</Link></p>
    </AuthFrame>
  );
}
