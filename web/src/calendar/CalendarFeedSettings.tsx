// Settings: my calendar feed — a secret iCal address of my unfinished tasks
// with due dates, to subscribe to from any calendar app; create, copy, rotate, revoke.
import { useQueryClient, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, describeError } from '../api/client.ts';
import { showToast } from '../shell/toasts.tsx';

interface FeedStatus {
  exists: boolean;
  createdAt: string | null;
}

const FEED_KEY = ['me', 'calendar-feed'] as const;

export function CalendarFeedSettings() {
  const qc = useQueryClient();
  const status = useQuery({ queryKey: FEED_KEY, queryFn: () => api.get<FeedStatus>('/api/v1/me/calendar-feed') });
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setError(null);
    setBusy(true);
    try {
      await work();
    } catch (failure) {
      setError(describeError(failure));
    } finally {
      setBusy(false);
      void qc.invalidateQueries({ queryKey: FEED_KEY });
    }
  };
  const create = () => run(async () => setUrl((await api.post<{ url: string }>('/api/v1/me/calendar-feed', {})).url));
  const revoke = () => run(async () => {
    await api.delete('/api/v1/me/calendar-feed');
    setUrl(null);
    showToast('Calendar feed revoked: the old address no longer works');
  });
  const copy = async () => {
    if (!url) return;
    try {
      await navigator.clipboard.writeText(url);
      showToast('Feed address copied');
    } catch {
      setError('Could not copy: select the address and copy it by hand.');
    }
  };
  const exists = status.data?.exists ?? false;
  return (
    <section className="settings-section" aria-label="Calendar feed">
      <h2>Calendar feed</h2>
      <p className="muted">
        Subscribe to your unfinished tasks with due dates from Google Calendar, Outlook or Apple Calendar. The address is secret: anyone who has it can read the
        feed, so rotate it if it leaks. Calendar apps refresh it every 15 minutes or so.
      </p>
      {status.isError && <p className="field-error" role="alert">{describeError(status.error)}</p>}
      {url && (
        <div className="inline-form">
          <input readOnly aria-label="Calendar feed address" value={url} onFocus={(e) => e.target.select()} size={60} />
          <button type="button" className="button" onClick={() => void copy()}>Copy</button>
          <p className="muted small">Shown only now: copy it into your calendar app.</p>
        </div>
      )}
      {!url && exists && <p>A feed address is active since {new Date(status.data!.createdAt!).toLocaleString()}.</p>}
      <div className="inline-form">
        {!exists && <button type="button" className="button button-primary" disabled={busy || status.isPending} onClick={() => void create()}>Create feed address</button>}
        {exists && <button type="button" className="button" disabled={busy} onClick={() => void create()}>Rotate address</button>}
        {exists && <button type="button" className="button button-danger" disabled={busy} onClick={() => void revoke()}>Revoke</button>}
      </div>
      {error && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}
