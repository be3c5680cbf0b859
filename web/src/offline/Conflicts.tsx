// Offline changes that someone else's change overtook: shown side by side with
// the server's version until the person keeps theirs or takes the server's.
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { describeError } from '../api/client.ts';
import { useUserMap } from '../tasks/useUserMap.ts';
import { conflictRows } from './conflict.ts';
import { type Conflict, settleConflict, useConflicts } from './queue.ts';

export function SyncConflicts() {
  const conflicts = useConflicts();
  if (conflicts.length === 0) return null;
  return (
    <section className="sync-conflicts" role="region" aria-label="Changes that clashed">
      {conflicts.map((conflict) => <ConflictCard key={conflict.change.taskId} conflict={conflict} />)}
    </section>
  );
}

function ConflictCard({ conflict }: { conflict: Conflict }) {
  const qc = useQueryClient();
  const users = useUserMap();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { change, server } = conflict;
  const rows = conflictRows(change.changes, server, (id) => users.get(id)?.name);
  const settle = async (keep: 'mine' | 'theirs') => {
    setBusy(true);
    setError(null);
    try {
      await settleConflict(change.taskId, keep);
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      void qc.invalidateQueries({ queryKey: ['task'] });
      void qc.invalidateQueries({ queryKey: ['task-counts'] });
    } catch (failure) {
      setError(`Could not save: ${describeError(failure)}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <article className="conflict" aria-label={`Conflict on ${change.key}`}>
      <h2 className="conflict-title">
        {change.key} · {server.title} changed on the server while you were offline
      </h2>
      <table className="conflict-table">
        <thead>
          <tr><th scope="col">Field</th><th scope="col">Your change</th><th scope="col">On the server now</th></tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.field}><th scope="row">{row.label}</th><td>{row.yours}</td><td>{row.server}</td></tr>
          ))}
        </tbody>
      </table>
      <div className="conflict-actions">
        <button type="button" className="button button-primary" disabled={busy} onClick={() => void settle('mine')}>Keep mine</button>
        <button type="button" className="button" disabled={busy} onClick={() => void settle('theirs')}>Take the server’s</button>
        {error && <span className="error" role="alert">{error}</span>}
      </div>
    </article>
  );
}
