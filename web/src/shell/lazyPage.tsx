// A page whose code loads on first use. Unlike React.lazy it never suspends: once
// the code has arrived (opened before, or fetched in the background) the page
// renders in the same frame as the click. React.lazy suspends on the first render
// after every page load even when the code is already there, and React then holds
// the page back behind the fallback for a further 300 ms.
import { type ComponentType, useEffect, useState } from 'react';

export interface LazyPage<P extends object> {
  Page: ComponentType<P>;
  /** Fetches the page's code now (without rendering it); safe to call again. */
  preload: () => Promise<ComponentType<P>>;
}

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): LazyPage<P> {
  let ready: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const preload = () => {
    loading ??= load().then(
      (component) => (ready = component),
      (error: unknown) => {
        loading = undefined; // a later try (the signal came back) fetches again
        throw error;
      },
    );
    return loading;
  };
  function Page(props: P) {
    const [component, setComponent] = useState<{ current?: ComponentType<P>; failed?: boolean }>(() => ({ current: ready }));
    useEffect(() => {
      if (component.current || component.failed) return;
      let live = true;
      preload().then(
        (current) => live && setComponent({ current }),
        () => live && setComponent({ failed: true }),
      );
      return () => {
        live = false;
      };
    }, [component]);
    const Component = component.current;
    if (Component) return <Component {...props} />;
    if (component.failed) {
      return (
        <div className="page" role="alert">
          <p>This page could not load. Check your connection and try again.</p>
          <button type="button" onClick={() => setComponent({})}>Try again</button>
        </div>
      );
    }
    return <p className="muted pad">Loading…</p>;
  }
  return { Page, preload };
}
