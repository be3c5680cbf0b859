// A business's public lead form (/f/<slug>) for anyone; otherwise signed in → the app, signed out → log in (or sign up).
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Route, Switch, useLocation, useRoute } from 'wouter';
import { AcceptInvitation, ForgotPassword, ResetPassword } from './accounts/AccountPages.tsx';
import { ApiError, onSignedOut } from './api/client.ts';
import { forgetQueryCache } from './offline/cache.ts';
import { LeadFormPage } from './intake/LeadFormPage.tsx';
import { SignUp } from './pages/Auth.tsx';
import { LogIn } from './accounts/SignIn.tsx';
import { SsoCallback } from './accounts/SsoCallback.tsx';
import { Shell } from './shell/Shell.tsx';
import { Toasts } from './shell/toasts.tsx';
import { keys, useMe } from './tasks/queries.ts';

const ACCOUNT_PAGES = new Set(['/accept-invitation', '/reset-password', '/forgot-password', '/sso/callback']);

export function App() {
  const [publicForm, params] = useRoute<{ slug: string }>('/f/:slug');
  if (publicForm) return <LeadFormPage slug={params.slug} />;
  return <SignedInOrOut />;
}

function SignedInOrOut() {
  const me = useMe();
  const qc = useQueryClient();
  useEffect(() => onSignedOut(() => void qc.invalidateQueries({ queryKey: keys.me })), [qc]);
  const signedOut = me.error instanceof ApiError && me.error.status === 401;
  useEffect(() => {
    if (signedOut) forgetQueryCache();
  }, [signedOut]);
  const [location] = useLocation();
  let content: React.ReactNode;
  // An emailed link opens its page whoever is signed in on this browser.
  if (ACCOUNT_PAGES.has(location)) {
    content = (
      <Switch>
        <Route path="/accept-invitation" component={AcceptInvitation} />
        <Route path="/reset-password" component={ResetPassword} />
        <Route path="/forgot-password" component={ForgotPassword} />
        <Route path="/sso/callback" component={SsoCallback} />
      </Switch>
    );
  } else if (signedOut || (me.isError && !me.data)) {
    content = (
      <Switch>
        <Route path="/signup" component={SignUp} />
        <Route component={LogIn} />
      </Switch>
    );
  } else if (!me.data) {
    content = <div className="splash" aria-busy="true" />;
  } else {
    content = <Shell user={me.data.user} org={me.data.org} />;
  }
  return (
    <>
      {content}
      <Toasts />
    </>
  );
}
