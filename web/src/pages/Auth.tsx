// Sign up (a new business and its owner), and what the sign-in pages share. The API checks every field;
// its message is shown under the field it names.
import { useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import { type Errors, useForm } from '../accounts/useForm.ts';
import { api } from '../api/client.ts';
import { TimeZonePicker } from '../people/TimeZonePicker.tsx';
import { keys } from '../tasks/queries.ts';

export { type Errors, fieldErrors } from '../accounts/useForm.ts';

export function Input({ name, label, errors, ...rest }: { name: string; label: string; errors: Errors } & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = `field-${name}`;
  return (
    <div className={`field ${errors[name] ? 'has-error' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={errors[name] ? true : undefined} aria-describedby={errors[name] ? `${id}-error` : undefined} {...rest} />
      {errors[name] && <p className="field-error" id={`${id}-error`} role="alert">{errors[name]}</p>}
    </div>
  );
}

/** Sends the form to `path`; signed in by the answer, the person lands on My work. */
function useAuthSubmit(path: string) {
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  return useForm(async (form) => {
    await api.post(path, form);
    await qc.resetQueries({ queryKey: keys.me });
    navigate('/');
  });
}

export function SignUp() {
  const { errors, general, busy, submit } = useAuthSubmit('/api/v1/signup');
  return (
    <AuthFrame title="Start with Finishline" subtitle="Every task owned, dated and done.">
      <form className="form" onSubmit={submit} noValidate>
        <Input name="orgName" label="Business name" placeholder="Acme Plumbing" autoComplete="organization" errors={errors} />
        <Input name="name" label="Your name" autoComplete="name" errors={errors} />
        <Input name="email" label="Work email" type="email" autoComplete="email" errors={errors} />
        <Input name="password" label="Password" type="password" autoComplete="new-password" placeholder="At least 12 characters" errors={errors} />
        <TimeZonePicker name="timezone" error={errors.timezone} />
        {general && <p className="field-error" role="alert">{general}</p>}
        <button type="submit" className="button button-primary button-block" disabled={busy}>Create account</button>
      </form>
      <p className="muted auth-switch">Already have an account? <Link href="/login">Log in</Link></p>
    </AuthFrame>
  );
}

export function AuthFrame({ title, subtitle, children }: { title: string; subtitle: string; children: React.ReactNode }) {
  return (
    <main className="auth">
      <div className="auth-card">
        <div className="brand"><img src="/icon.svg" alt="" width={28} height={28} /> Finishline</div>
        <h1>{title}</h1>
        <p className="muted">{subtitle}</p>
        {children}
      </div>
    </main>
  );
}
