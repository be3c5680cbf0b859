// Log in: the email and password — and which business, when they sign in to
// more than one — then — when two-factor is on — the code from
// the authenticator app (or a recovery code), or — when the business requires
// two-factor and it is not set up — setting it up there and then. Opened with
// the business's address (/login?org=<slug>), or after signing in to it once
// on this browser, it offers the business's single sign-on button. Errors are
// announced (role="alert") under the field they concern.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api, ApiError } from '../api/client.ts';
import { AuthFrame, type Errors, fieldErrors, Input } from '../pages/Auth.tsx';
import { keys } from '../tasks/queries.ts';
import { type Business, ChooseBusiness } from './ChooseBusiness.tsx';
import { RecoveryCodes, SetupCode } from './TwoFactorParts.tsx';
import { useForm } from './useForm.ts';
import './accounts.css';

const ORG_KEY = 'fl_org';

interface SignInOptions {
  name: string;
  slug: string;
  sso: { name: string } | null;
  passwordSignIn: boolean;
}

type Step = { kind: 'password' } | { kind: 'choose'; email: string; password: string; orgs: Business[] } | { kind: 'code'; pendingToken: string } | { kind: 'setup'; pendingToken: string } | { kind: 'codes'; recoveryCodes: string[] };

/** The business this browser signs in to: from the address, else the one it signed in to last. */
function useOrgSlug(): string | null {
  const fromAddress = new URLSearchParams(useSearch()).get('org');
  try {
    return fromAddress || localStorage.getItem(ORG_KEY);
  } catch {
    return fromAddress;
  }
}

/** Remembers the business signed in to, so its sign-in page offers its single sign-on next time. */
export async function rememberOrg(): Promise<void> {
  try {
    const me = await api.get<{ org: { slug: string } }>('/api/v1/me');
    localStorage.setItem(ORG_KEY, me.org.slug);
  } catch {
    // Not remembering is no harm.
  }
}

function useSignedIn() {
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  return async () => {
    await rememberOrg();
    await qc.resetQueries({ queryKey: keys.me });
    navigate('/', { replace: true });
  };
}

function problemType(error: unknown): string {
  return error instanceof ApiError ? error.problem.type.slice(error.problem.type.lastIndexOf('/') + 1) : '';
}

/** Sends the password (and the business chosen): signs in, or moves to the step the answer asks for; otherwise gives back the error. */
async function sendPassword(body: { email: string; password: string; orgId?: string }, onStep: (step: Step) => void, onDone: () => Promise<void>): Promise<unknown> {
  try {
    await api.post('/api/v1/sessions', body);
    await onDone();
    return null;
  } catch (error) {
    const type = problemType(error);
    const problem = error instanceof ApiError ? (error.problem as { pendingToken?: string; orgs?: Business[] }) : {};
    if (type === 'two-factor-required' && problem.pendingToken) return onStep({ kind: 'code', pendingToken: problem.pendingToken });
    if (type === 'two-factor-setup-required' && problem.pendingToken) return onStep({ kind: 'setup', pendingToken: problem.pendingToken });
    if (type === 'choose-organisation' && problem.orgs && !body.orgId) return onStep({ kind: 'choose', email: body.email, password: body.password, orgs: problem.orgs });
    return error;
  }
}

export function LogIn() {
  const slug = useOrgSlug();
  const options = useQuery({
    queryKey: ['sign-in-options', slug],
    queryFn: () => api.get<SignInOptions>(`/api/v1/sso/orgs/${encodeURIComponent(slug!)}`),
    enabled: !!slug,
    retry: false,
  });
  const [step, setStep] = useState<Step>({ kind: 'password' });
  const [notice, setNotice] = useState<string | null>(null);
  const signedIn = useSignedIn();
  const restart = (message: string) => {
    setNotice(message);
    setStep({ kind: 'password' });
  };

  if (step.kind === 'choose') {
    return <ChooseBusiness orgs={step.orgs} onChoose={(orgId) => sendPassword({ email: step.email, password: step.password, orgId }, setStep, signedIn)} onBack={() => setStep({ kind: 'password' })} />;
  }
  if (step.kind === 'code') return <CodeStep pendingToken={step.pendingToken} onDone={signedIn} onRestart={restart} />;
  if (step.kind === 'setup') return <SetupStep pendingToken={step.pendingToken} onDone={(codes) => setStep({ kind: 'codes', recoveryCodes: codes })} onRestart={restart} />;
  if (step.kind === 'codes') {
    return (
      <AuthFrame title="Two-factor sign-in is on" subtitle="Keep these recovery codes somewhere safe before you go on.">
        <RecoveryCodes codes={step.recoveryCodes} />
        <button type="button" className="button button-primary button-block" onClick={() => void signedIn()}>Continue to My work</button>
      </AuthFrame>
    );
  }
  const org = options.data;
  return (
    <AuthFrame title="Welcome back" subtitle={org ? `Log in to ${org.name}.` : 'Log in to your business.'}>
      {org?.sso && (
        <div className="sso-choice">
          <a className="button button-block sso-button" href={`/api/v1/sso/start?org=${encodeURIComponent(org.slug)}`}>Sign in with {org.sso.name}</a>
          {org.passwordSignIn && <p className="sso-or muted"><span>or with your password</span></p>}
        </div>
      )}
      {org && !org.passwordSignIn ? (
        <details className="owner-password">
          <summary>The owner can still log in with a password</summary>
          <PasswordStep notice={notice} onStep={setStep} onDone={signedIn} />
        </details>
      ) : (
        <PasswordStep notice={notice} onStep={setStep} onDone={signedIn} />
      )}
      <p className="muted auth-switch"><Link href="/forgot-password">Forgot password?</Link></p>
      <p className="muted auth-switch">New here? <Link href="/signup">Sign up your business</Link></p>
    </AuthFrame>
  );
}

function PasswordStep({ notice, onStep, onDone }: { notice: string | null; onStep: (step: Step) => void; onDone: () => Promise<void> }) {
  const { errors, general, busy, submit } = useForm(
    async (form) => {
      // A second step (a code, setting one up, choosing a business) is taken by sendPassword; a refusal comes back to show.
      const error = await sendPassword({ email: form.email ?? '', password: form.password ?? '' }, onStep, onDone);
      if (error) throw error;
    },
    { notice },
  );
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Log in">
      <Input name="email" label="Email" type="email" autoComplete="email" errors={errors} />
      <Input name="password" label="Password" type="password" autoComplete="current-password" errors={errors} />
      <div aria-live="assertive">{general && <p className="field-error" role="alert">{general}</p>}</div>
      <button type="submit" className="button button-primary button-block" disabled={busy}>Log in</button>
    </form>
  );
}

function CodeStep({ pendingToken, onDone, onRestart }: { pendingToken: string; onDone: () => Promise<void>; onRestart: (message: string) => void }) {
  const [recovery, setRecovery] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const field = recovery ? 'recoveryCode' : 'code';
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const value = String(new FormData(event.currentTarget).get(field) ?? '').trim();
    setBusy(true);
    try {
      await api.post('/api/v1/sessions/two-factor', { pendingToken, [field]: value });
      await onDone();
    } catch (error) {
      const found = fieldErrors(error);
      if (found.fields.pendingToken) return onRestart(`Your sign-in ${found.fields.pendingToken}.`);
      setErrors(found.fields);
      setGeneral(found.general);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AuthFrame title="Two-factor sign-in" subtitle={recovery ? 'Enter one of your recovery codes. Each works once.' : 'Enter the 6-digit code your authenticator app shows now.'}>
      <form className="form" onSubmit={submit} noValidate aria-label="Enter your two-factor code" key={field}>
        {recovery ? (
          <Input name="recoveryCode" label="Recovery code" autoComplete="off" autoCapitalize="none" spellCheck={false} errors={errors} />
        ) : (
          <Input name="code" label="Code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9 ]*" maxLength={7} errors={errors} />
        )}
        <div aria-live="assertive">{general && <p className="field-error" role="alert">{general}</p>}</div>
        <button type="submit" className="button button-primary button-block" disabled={busy}>Verify</button>
      </form>
      <p className="muted auth-switch">
        <button type="button" className="link-button" onClick={() => { setRecovery(!recovery); setErrors({}); setGeneral(null); }}>
          {recovery ? 'Use the code from the app instead' : 'Lost your phone? Use a recovery code'}
        </button>
      </p>
    </AuthFrame>
  );
}

function SetupStep({ pendingToken, onDone, onRestart }: { pendingToken: string; onDone: (codes: string[]) => void; onRestart: (message: string) => void }) {
  const setup = useQuery({
    queryKey: ['sign-in-setup', pendingToken],
    queryFn: () => api.post<{ secret: string; otpauthUrl: string; qrCode: string }>('/api/v1/sessions/two-factor/setup', { pendingToken }),
    retry: false,
    staleTime: Infinity,
    gcTime: 0,
  });
  const failed = setup.error ? fieldErrors(setup.error) : null;
  return (
    <AuthFrame title="Set up two-factor sign-in" subtitle="Your business asks managers and admins to sign in with a code from an authenticator app. Set it up now to finish signing in.">
      {failed && (
        <p className="field-error" role="alert">
          {failed.fields.pendingToken ? `Your sign-in ${failed.fields.pendingToken}.` : failed.general} <button type="button" className="link-button" onClick={() => onRestart('Sign in again to set up two-factor sign-in.')}>Sign in again</button>
        </p>
      )}
      {setup.data && (
        <SetupCode
          setup={setup.data}
          confirm={async (code) => {
            const result = await api.post<{ recoveryCodes: string[] }>('/api/v1/sessions/two-factor/setup/confirm', { pendingToken, code });
            onDone(result.recoveryCodes);
          }}
          onExpired={(message) => onRestart(message)}
        />
      )}
    </AuthFrame>
  );
}
