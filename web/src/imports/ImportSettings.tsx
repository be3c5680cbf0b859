// Settings → Import from CSV (managers and above): choose what to import and a
// file, check it (a dry run), see each problem by row and column or how many
// rows will be created, then import — every row or none.
import { useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import type { z } from 'zod';
import type { IMPORT_KINDS, importResult } from '../../../src/imports/import.ts';
import { ApiError, describeError, request } from '../api/client.ts';
import { showToast } from '../shell/toasts.tsx';
import './imports.css';
import { plural } from '../shell/plural.ts';

type Kind = (typeof IMPORT_KINDS)[number];
type Result = z.infer<typeof importResult>;
interface RowProblem {
  row: number;
  column: string | null;
  reason: string;
}

/** Each kind's import route, spelled out as the API document names it. */
const IMPORT_PATHS: Record<Kind, string> = {
  tasks: '/api/v1/imports/tasks',
  contacts: '/api/v1/imports/contacts',
  clients: '/api/v1/imports/clients',
  leads: '/api/v1/imports/leads',
};

/** One of each kind, for counted words: "1 contact", "2 contacts". */
const ONE: Record<Kind, string> = { tasks: 'task', contacts: 'contact', clients: 'client', leads: 'lead' };
const counted = (n: number, kind: Kind) => plural(n, ONE[kind], kind);

/** The columns a record row is matched by: its ids elsewhere, and its own id as the list's Export CSV writes it. */
const MATCHED = 'external refs (ids in your other system as source:id, e.g. hubspot:4711: a row updates the record that already has its id), id (as Export CSV writes it: the row updates that record)';

const KINDS: { kind: Kind; label: string; columns: string }[] = [
  { kind: 'tasks', label: 'Tasks', columns: 'title, description, status, priority, due, assignee (email or name), team, links (lead:<id>), checklist, waiting on, blocked reason' },
  { kind: 'contacts', label: 'Contacts', columns: `name, phone, email, address, notes, owner, ${MATCHED}` },
  { kind: 'clients', label: 'Clients', columns: `name, contacts (ids separated by ;), address, notes, owner, ${MATCHED}` },
  { kind: 'leads', label: 'Leads', columns: `title, contact (id), pipeline, stage, value, source, owner, ${MATCHED}` },
];

type Counts = Pick<Result, 'created' | 'updated' | 'unchanged'>;
type Outcome = { state: 'checked'; counts: Counts } | { state: 'problems'; rows: RowProblem[]; detail: string } | { state: 'imported'; counts: Counts } | { state: 'failed'; message: string };

const total = (c: Counts) => c.created + c.updated + c.unchanged;

/** What a checked file will do: "2 contacts will be created, 1 updated, 2 are already up to date". */
function willDo(c: Counts, kind: Kind): string {
  return [`${counted(c.created, kind)} will be created`, ...(c.updated > 0 ? [`${c.updated} updated`] : []), ...(c.unchanged > 0 ? [`${c.unchanged} ${c.unchanged === 1 ? 'is' : 'are'} already up to date`] : [])].join(', ');
}

/** What an import did: "Imported 2 tasks", or "Imported 5 contacts: 2 new, 1 updated, 2 already up to date". */
function didDo(c: Counts, kind: Kind): string {
  const whole = `Imported ${counted(total(c), kind)}`;
  if (c.updated === 0 && c.unchanged === 0) return whole;
  return `${whole}: ${[`${c.created} new`, ...(c.updated > 0 ? [`${c.updated} updated`] : []), ...(c.unchanged > 0 ? [`${c.unchanged} already up to date`] : [])].join(', ')}`;
}

export function ImportSettings() {
  const queryClient = useQueryClient();
  const [kind, setKind] = useState<Kind>('tasks');
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);

  const send = async (dryRun: boolean) => {
    if (!file) {
      setFileError('Choose a CSV file first');
      return;
    }
    setBusy(true);
    try {
      const csv = await file.text();
      const { data } = await request<Result>('POST', `${IMPORT_PATHS[kind]}?dryRun=${dryRun}`, { csv });
      if (dryRun) setOutcome({ state: 'checked', counts: data });
      else {
        setOutcome({ state: 'imported', counts: data });
        showToast(didDo(data, kind));
        void queryClient.invalidateQueries();
      }
    } catch (error) {
      const rows = error instanceof ApiError ? (error.problem as { rows?: RowProblem[] }).rows : undefined;
      if (rows?.length) setOutcome({ state: 'problems', rows, detail: describeErrorTitle(error) });
      else setOutcome({ state: 'failed', message: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const check = (event: FormEvent) => {
    event.preventDefault();
    void send(true);
  };
  const columns = KINDS.find((k) => k.kind === kind)!.columns;

  return (
    <section className="settings-section import-section" aria-label="Import from CSV">
      <h2>Import from CSV</h2>
      <p className="muted">A header row names the columns (any order; case and spaces do not matter), then one row per record. Every row is imported, or none is.</p>
      <form onSubmit={check} className="import-form">
        <label>
          What to import
          <select value={kind} onChange={(e) => { setKind(e.target.value as Kind); setOutcome(null); }} aria-label="What to import">
            {KINDS.map((k) => <option key={k.kind} value={k.kind}>{k.label}</option>)}
          </select>
        </label>
        <label>
          CSV file
          <input
            type="file"
            accept=".csv,text/csv"
            aria-label="CSV file"
            aria-describedby={fileError ? 'import-file-error' : undefined}
            onChange={(e) => { setFile(e.target.files?.[0] ?? null); setFileError(null); setOutcome(null); }}
          />
        </label>
        {fileError && <p className="field-error" role="alert" id="import-file-error">{fileError}</p>}
        <p className="muted import-columns">Columns: {columns}.</p>
        <button type="submit" disabled={busy}>Check file</button>
      </form>
      {outcome?.state === 'checked' && (
        <div className="import-ready" role="status">
          <p>The file is fine: {willDo(outcome.counts, kind)}.</p>
          <button type="button" disabled={busy} onClick={() => void send(false)}>Import {counted(total(outcome.counts), kind)}</button>
        </div>
      )}
      {outcome?.state === 'imported' && <p role="status" className="import-done">{didDo(outcome.counts, kind)}.</p>}
      {outcome?.state === 'failed' && <p className="field-error" role="alert">{outcome.message}</p>}
      {outcome?.state === 'problems' && (
        <div role="alert" className="import-problems">
          <p className="field-error">{outcome.detail} Fix the file and check it again.</p>
          <table aria-label="Problems in the file">
            <thead><tr><th scope="col">Row</th><th scope="col">Column</th><th scope="col">Problem</th></tr></thead>
            <tbody>
              {outcome.rows.map((r, i) => (
                <tr key={i}><td>{r.row}</td><td>{r.column ?? '—'}</td><td>{r.reason}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function describeErrorTitle(error: unknown): string {
  return error instanceof ApiError ? `${error.message}.` : describeError(error);
}
