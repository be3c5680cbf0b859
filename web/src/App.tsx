// Signed in → the app; signed out → sign up or log in.
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Route, Switch } from 'wouter';
import { ApiError, onSignedOut } from './api/client.ts';
import { forgetQueryCache } from './offline/cache.ts';
import { LogIn, SignUp } from './pages/Auth.tsx';
import { Shell } from './shell/Shell.tsx';
import { Toasts } from './shell/toasts.tsx';
import { keys, useMe } from './tasks/queries.ts';

export function App() {
  const me = useMe();
  const qc = useQueryClient();
  useEffect(() => onSignedOut(() => void qc.invalidateQueries({ queryKey: keys.me })), [qc]);
  const signedOut = me.error instanceof ApiError && me.error.status === 401;
  useEffect(() => {
    if (signedOut) forgetQueryCache();
  }, [signedOut]);
  let content: React.ReactNode;
  if (signedOut || (me.isError && !me.data)) {
    content = (
      <Switch>
        <Route path="/login" component={LogIn} />
        <Route component={SignUp} />
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
