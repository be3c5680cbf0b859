// The pages reached from an email or the sign-in page without being signed in:
// accepting an invitation, asking for a password reset, and choosing a new
// password. Errors are announced (role="alert") under the field they concern.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api } from '../api/client.ts';
import { AuthFrame, Input } from '../pages/Auth.tsx';
import { useForm } from './useForm.ts';

function useToken(): string {
  return new URLSearchParams(useSearch()).get('token') ?? '';
}

export function AcceptInvitation() {
  const token = useToken();
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const { errors, general, busy, submit } = useForm(async (form) => {
    await api.post('/api/v1/invitations/accept', { token, name: form.name, password: form.password });
    await qc.resetQueries();
    navigate('/', { replace: true });
  });
  return (
    <AuthFrame title="Join your team" subtitle="Choose your name and a password to finish setting up your account.">
      <form className="form" onSubmit={submit} noValidate aria-label="Accept the invitation">
        <Input name="name" label="Your name" autoComplete="name" errors={errors} />
        <Input name="password" label="Password" type="password" autoComplete="new-password" placeholder="At least 12 characters" errors={errors} />
        <div aria-live="assertive">{general && <p className="field-error" role="alert">{general}</p>}</div>
        <button type="submit" className="button button-primary button-block" disabled={busy || !token}>Join</button>
      </form>
      {!token && <p className="field-error" role="alert">This page needs the link from your invitation email.</p>}
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
