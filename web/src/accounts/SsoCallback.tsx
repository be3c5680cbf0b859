// Where the business's OpenID provider sends the browser back (/sso/callback):
// the code and state it carries are handed to the API, which checks them and
// starts the session; then My work. A refusal is shown with a way back.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { api } from '../api/client.ts';
import { AuthFrame, fieldErrors } from '../pages/Auth.tsx';
import { rememberOrg } from './SignIn.tsx';

export function SsoCallback() {
  const params = new URLSearchParams(useSearch());
  const qc = useQueryClient();
  const [, navigate] = useLocation();
  const [problem, setProblem] = useState<string | null>(null);
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    const providerError = params.get('error');
    const code = params.get('code');
    const state = params.get('state');
    if (providerError || !code || !state) {
      setProblem(providerError === 'access_denied' ? 'The sign-in was cancelled at your provider.' : `Your provider did not finish the sign-in${params.get('error_description') ? `: ${params.get('error_description')}` : '.'}`);
      return;
    }
    const iss = params.get('iss');
    api
      .post('/api/v1/sso/callback', { code, state, ...(iss && { iss }) })
      .then(async () => {
        await rememberOrg();
        await qc.resetQueries();
        navigate('/', { replace: true });
      })
      .catch((error: unknown) => {
        const found = fieldErrors(error);
        if (found.fields.state) setProblem('This sign-in link was already used, has expired, or was started in another browser. Start again from the sign-in page.');
        else if (found.fields.email) setProblem(error instanceof Error ? error.message : `Your email ${found.fields.email}.`);
        else setProblem(found.general ?? 'The sign-in could not be finished.');
      });
  }, []);
  return (
    <AuthFrame title={problem ? 'Could not sign you in' : 'Signing you in…'} subtitle={problem ? 'Single sign-on did not go through.' : 'Checking the answer from your provider.'}>
      <div aria-live="assertive">{problem && <p className="field-error" role="alert">{problem}</p>}</div>
      {problem && <p className="auth-switch"><Link href="/login">Back to the sign-in page</Link></p>}
      {!problem && <div className="splash-inline" aria-busy="true" />}
    </AuthFrame>
  );
}
